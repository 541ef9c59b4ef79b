"""A run killed while writing a file of the conversion cache (the language model's copy
is ~68 MB) leaves a temporary file in `.newsbrief-cache/`; the next conversion removes
it, and nothing else: other files, symbolic links and the subfolders' files stay."""

from __future__ import annotations

import os
import random
import subprocess
import sys

from dumpgen import make_dump

ENV = dict(os.environ, NO_MKDOCS_2_WARNING="1")


def test_next_conversion_removes_a_killed_runs_temporaries(tmp_path):
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "a.txt").write_text(make_dump(random.Random(3)).text, encoding="utf-8")
    cache = tmp_path / ".newsbrief-cache"
    cache.mkdir()
    stale = cache / ".nb-999999-0.tmp"
    stale.write_bytes(b"half a file")
    kept = cache / "notes.tmp"
    kept.write_bytes(b"not ours")
    target = tmp_path / "elsewhere.txt"
    target.write_bytes(b"outside")
    link = cache / ".nb-999999-1.tmp"
    link.symlink_to(target)
    (cache / "pages").mkdir()
    theirs = cache / "pages" / ".nb-999999-2.tmp"  # a subfolder's owner sweeps its own
    theirs.write_bytes(b"x")

    p = subprocess.run([sys.executable, "-m", "builder", "convert", "-q", "seeds"], cwd=tmp_path, env=ENV,
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    assert not stale.exists()
    assert kept.read_bytes() == b"not ours"
    assert link.is_symlink() and target.read_bytes() == b"outside"
    assert theirs.exists()
    assert list(cache.glob("convert-*.json"))
