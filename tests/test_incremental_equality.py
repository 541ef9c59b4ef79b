"""Issue 15 #1: an incremental run gives exactly what a cold run gives.

One project converts 40 generated dumps cold, then lives through changes, converting
incrementally (conversion cache warm) after each: a new dump, a syndicated copy of one (a
near-duplicate), a revision (a new file with an existing id, later date), an edit in
place (same id, other text), a new title (another slug), a removal. After each step its
docs/posts tree and its export equal, byte for byte, those of a cold `convert
--no-cache` of the same seeds in a fresh folder. The slow test does the same for the
whole site (`newsbrief build`), stamped fields aside (README: the build clock).
"""

from __future__ import annotations

import datetime as dt
import os
import random
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from convert_support import cold, convert_in, export_of
from dumpgen import make_dump
from invariants import tree
from site_support import copy_project

N = 40


def _seeds(folder: Path) -> None:
    folder.mkdir(parents=True)
    rng = random.Random(15)
    for i in range(N):
        (folder / f"d{i:03d}.txt").write_text(make_dump(rng).text, encoding="utf-8")


def _ident(text: str) -> str:
    return text.split("\n", 1)[0]


def _copy(seeds: Path) -> None:  # a syndicated copy: the same text under another id
    text = (seeds / "d003.txt").read_text(encoding="utf-8")
    (seeds / "e-copy.txt").write_text(text.replace(_ident(text), "9_-1234567890-1"), encoding="utf-8")


def _revision(seeds: Path) -> None:  # the same id, other text, a later date
    text = (seeds / "d007.txt").read_text(encoding="utf-8")
    rev = make_dump(random.Random(7), ident=_ident(text), day=dt.date(2026, 6, 1)).text
    (seeds / "f-revision.txt").write_text(rev, encoding="utf-8")


def _edit(seeds: Path) -> None:  # in place: same id, one paragraph longer
    path = seeds / "d011.txt"
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + " Officials said talks would resume.\n",
                    encoding="utf-8")


def _retitle(seeds: Path) -> None:  # in place: a new title, so another slug and page
    path = seeds / "d012.txt"
    text = path.read_text(encoding="utf-8")
    title = text.split("\n")[2]
    path.write_text(text.replace(title, "Harbour board names a new chair after long talks"), encoding="utf-8")


def _add(seeds: Path) -> None:
    (seeds / "g-new.txt").write_text(make_dump(random.Random(-1)).text, encoding="utf-8")


def _remove(seeds: Path) -> None:
    (seeds / "d020.txt").unlink()


STEPS: list[tuple[str, Callable[[Path], None]]] = [
    ("add", _add), ("near-duplicate", _copy), ("revision", _revision), ("edit", _edit), ("retitle", _retitle),
    ("remove", _remove), ("remove the copy", lambda s: (s / "e-copy.txt").unlink()),
]


def test_every_incremental_step_equals_a_cold_conversion(tmp_path):
    project = tmp_path / "inc"
    _seeds(project / "seeds")
    convert_in(project, workers=1)
    for i, (name, change) in enumerate(STEPS):
        change(project / "seeds")
        before = tree(project / "docs" / "posts")
        convert_in(project, workers=1)
        posts, export = cold(project, tmp_path / f"cold-{i}")
        got = tree(project / "docs" / "posts")
        assert got.keys() == posts.keys(), (name, sorted(got.keys() ^ posts.keys()))
        assert [rel for rel in got if got[rel] != posts[rel]] == [], name
        assert export_of(project) == export, name
        assert got != before, name  # the step did change the archive (the comparison is not vacuous)
        if name == "near-duplicate":
            assert '"status": "near-duplicate"' in export
    statuses = export.count('"status": "near-duplicate"'), export.count('"status": "superseded"')
    assert statuses == (0, 1)  # the copy is gone again; the revision supersedes its original


# -- the whole site ---------------------------------------------------------------------

def _build(project: Path) -> dict[str, bytes]:
    env = dict(os.environ, NEWSBRIEF_SITE_URL="https://news.example.org/briefs/", SOURCE_DATE_EPOCH="1700000000")
    env.pop("NEWSBRIEF_STRICT", None)
    p = subprocess.run([sys.executable, "-m", "builder", "build"], cwd=project, env=env, capture_output=True,
                       text=True, timeout=900, stdin=subprocess.DEVNULL)
    assert p.returncode == 0, (p.stdout + p.stderr)[-4000:]
    return tree(project / "site")


@pytest.mark.slow
@pytest.mark.parametrize("step", ["add", "edit", "remove"])
def test_an_incremental_site_build_equals_a_cold_one(tmp_path, step):
    """The same SOURCE_DATE_EPOCH both ways, so even the stamped fields agree: any
    difference is the incremental build's."""
    project = copy_project(tmp_path / "inc")
    shutil.rmtree(project / "seeds")
    _seeds(project / "seeds")
    _build(project)
    dict(STEPS)[step](project / "seeds")
    incremental = _build(project)
    cold = copy_project(tmp_path / "cold")
    shutil.rmtree(cold / "seeds")
    shutil.copytree(project / "seeds", cold / "seeds")
    fresh = _build(cold)
    assert incremental.keys() == fresh.keys(), sorted(incremental.keys() ^ fresh.keys())[:20]
    assert [rel for rel in fresh if incremental[rel] != fresh[rel]] == []
