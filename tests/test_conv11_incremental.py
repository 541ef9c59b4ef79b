"""Round 11 (a +1 conversion in proportion to the change): the related briefs' rounds
followed only near a change (archive/related.py _rounds_again), the archive index's
entries kept by their values (output/index.py), the page keys and remembered pages kept
by their inputs (output/render.py, archive/pages.py). After additions, edits and removals
in a row, in one long-lived process with its Memory and in fresh processes taking turns,
the posts folder (index, digests, pages) and the caches are those of a cold
`convert --no-cache` of the same seeds."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

from dumpgen import make_dump
from invariants import tree
from test_conv10_memory import _caches, _cold, _edit, _plugin_call

from builder.archive import related as rel
from builder.output import fanout
from builder.output import index as index_mod
from builder.output.cache import Memory
from builder.output.index import INDEX_FILE

ROOT = Path(__file__).resolve().parents[1]


def _project(tmp_path: Path, n: int) -> Path:
    project = tmp_path / "p"
    seeds = project / "seeds"
    seeds.mkdir(parents=True)
    rng = random.Random(11)
    for i in range(n):
        (seeds / f"d{i:03d}.txt").write_text(make_dump(rng).text, encoding="utf-8")
    return project


def _fresh_process(project: Path) -> None:
    """`newsbrief convert` in a new process: nothing kept in memory, the cache read from disk."""
    subprocess.run([sys.executable, "-m", "builder", "convert", "-q", "--workers", "2", "seeds"], cwd=project,
                   check=True, capture_output=True, env=dict(os.environ, PYTHONPATH=str(ROOT)))


def _steps(rng: random.Random, seeds: Path, n: int):
    """A random run of changes: a new dump, an edit (of an old or a new one), a removal."""
    made = 0
    for step in range(n):
        what = ("add", "edit", "remove")[step % 3] if step < 3 else rng.choice(["add", "add", "edit", "remove"])
        dumps = sorted(seeds.glob("*.txt"))
        if what == "add":
            (seeds / f"n{made:02d}.txt").write_text(make_dump(random.Random(100 + made)).text, encoding="utf-8")
            made += 1
        elif what == "edit":
            _edit(rng.choice(dumps))
        else:
            rng.choice(dumps).unlink()
        yield f"{step}: {what}"


def test_plus_one_runs_in_a_long_lived_process_and_fresh_ones_give_a_cold_conversion(tmp_path, monkeypatch):
    monkeypatch.setattr(fanout, "THRESHOLD", 8)  # a "big" archive at 40 dumps: the +1 paths run
    project = _project(tmp_path, 40)
    followed, encoded = [], []
    again, indent0 = rel._rounds_again, index_mod._indent0
    monkeypatch.setattr(rel, "_rounds_again", lambda *a: followed.append(1) or again(*a))
    monkeypatch.setattr(index_mod, "_indent0",
                        lambda v: (encoded.append(1) if isinstance(v, dict) and "source" in v else None) or indent0(v))
    memory = Memory()
    _plugin_call(project, memory)
    rng = random.Random(5)
    for i, name in enumerate(_steps(rng, project / "seeds", 9)):
        fresh = i % 3 == 2  # every third run another process's: the memory is dropped, then kept again
        encoded.clear()
        before = json.loads((project / "docs" / "posts" / INDEX_FILE).read_bytes())
        if fresh:
            _fresh_process(project)
        else:
            _plugin_call(project, memory)
        encoded_here = len(encoded)  # (the cold conversion below encodes every entry)
        got = tree(project / "docs" / "posts")
        posts, caches = _cold(project, tmp_path / f"cold-{i}")
        assert got.keys() == posts.keys(), (name, sorted(got.keys() ^ posts.keys()))
        assert [rel_ for rel_ in got if got[rel_] != posts[rel_]] == [], name
        assert _caches(project) == caches, name
        if i == 0 or i % 3 == 1:  # a run after one of this process: only the entries that moved encoded again
            after = json.loads(got[INDEX_FILE])
            assert encoded_here == sum(before.get(page) != entry for page, entry in after.items()), name
    assert followed  # the rounds were followed from the memo, in the process and in the fresh ones
    assert b'"related": [\n"' in got[INDEX_FILE]  # (some brief has related briefs: the rounds did link)


def test_a_run_that_changed_nothing_keeps_the_index_entries_for_the_first_change(tmp_path, monkeypatch):
    """`serve`'s first conversion changes nothing (the command's run made the pages): the
    entries it keeps, read back from the index, spare the first change encoding them all."""
    monkeypatch.setattr(fanout, "THRESHOLD", 8)
    project = _project(tmp_path, 30)
    _fresh_process(project)
    memory = Memory()
    _plugin_call(project, memory)  # nothing changed
    assert len(memory._cache.index_texts) == 30
    encoded = []
    indent0 = index_mod._indent0
    monkeypatch.setattr(index_mod, "_indent0",
                        lambda v: (encoded.append(1) if isinstance(v, dict) and "source" in v else None) or indent0(v))
    before = json.loads((project / "docs" / "posts" / INDEX_FILE).read_bytes())
    (project / "seeds" / "n-new.txt").write_text(make_dump(random.Random(99)).text, encoding="utf-8")
    _plugin_call(project, memory)
    encoded_here = len(encoded)
    got = tree(project / "docs" / "posts")
    after = json.loads(got[INDEX_FILE])
    assert 1 <= encoded_here == sum(before.get(page) != entry for page, entry in after.items()) < len(after)
    posts, caches = _cold(project, tmp_path / "cold")
    assert got == posts
    assert _caches(project) == caches
