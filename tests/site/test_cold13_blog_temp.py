"""builder/site/blog_temp.py (issue #15 item 4): the blogs' temporary folders are deleted by
a detached process after the build, not by the build before it exits. The hand-over gives
each blog an empty folder (so Material's own on_shutdown still runs, on nothing) and leaves
alone a folder already gone or a link; a real build hands over the folders the blogs wrote
their views into, and nothing is left in the temporary folder afterwards (the site itself
is compared with and without cold_speed by tests/site/test_cold_build_speed.py).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

from test_cold_build_speed import _project

from builder.site import blog_temp


def _gone(path: Path, seconds: float = 60) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if not os.path.lexists(path):
            return True
        time.sleep(0.1)
    return False


def test_hand_over_deletes_in_the_background_and_leaves_an_empty_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    monkeypatch.setattr(blog_temp.tempfile, "tempdir", None)  # (TMPDIR read again)
    full = tmp_path / "full"
    (full / "archive" / "2026").mkdir(parents=True)
    for i in range(50):
        (full / "archive" / "2026" / f"{i}.md").write_text(f"# {i}", encoding="utf-8")
    target = tmp_path / "elsewhere"
    target.mkdir()
    (target / "keep.md").write_text("kept", encoding="utf-8")
    (tmp_path / "link").symlink_to(target, target_is_directory=True)
    blog, gone, linked = (SimpleNamespace(temp_dir=str(full)), SimpleNamespace(temp_dir=str(tmp_path / "no")),
                          SimpleNamespace(temp_dir=str(tmp_path / "link")))
    assert blog_temp.hand_over([blog, gone, linked, SimpleNamespace()]) == 1
    assert blog.temp_dir != str(full) and Path(blog.temp_dir).parent == tmp_path / "tmp"
    assert os.listdir(blog.temp_dir) == []  # what the blog's own rmtree then deletes
    assert gone.temp_dir == str(tmp_path / "no") and linked.temp_dir == str(tmp_path / "link")
    assert _gone(full)
    assert (target / "keep.md").read_text(encoding="utf-8") == "kept"


# The build, noting what is handed over and how many files each folder held then.
_RUN = """
import os, sys
import builder.site.blog_temp as bt
later = bt.remove_later
def remove_later(folder):
    n = sum(len(files) for _d, _s, files in os.walk(folder))
    print(f"HANDED {folder} {n}", flush=True)
    later(folder)
bt.remove_later = remove_later
from mkdocs.__main__ import cli
sys.argv = ["mkdocs", "build", "--strict", "-d", "site"]
cli()
"""


def test_a_build_hands_over_the_blogs_folders_and_leaves_nothing(tmp_path):
    proj = _project(tmp_path / "proj", "")
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", TMPDIR=str(tmp))
    env.pop("NEWSBRIEF_STRICT", None)
    p = subprocess.run([sys.executable, "-c", _RUN], cwd=proj, env=env, capture_output=True, text=True,
                       timeout=600)
    assert p.returncode == 0, p.stdout + p.stderr
    handed = [line.split() for line in p.stdout.splitlines() if line.startswith("HANDED ")]
    assert len(handed) == 2, p.stdout  # the briefs' blog and the digests'
    for _, folder, n in handed:
        assert Path(folder).parent == tmp and int(n) > 0  # the views' files were in it
    end = time.monotonic() + 60
    while os.listdir(tmp) and time.monotonic() < end:
        time.sleep(0.1)
    assert os.listdir(tmp) == []  # the handed folders deleted, the empty ones by the blogs
    assert (proj / "site" / "index.html").is_file()
