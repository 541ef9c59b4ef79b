"""Builds after files were removed or moved keep the trust of the pages that did not name
them (site/blog_speed.LinkTrust) and equal cold builds byte for byte: a project built
twice (links replayed, then trusted), then a dump removed, then another dump's date changed (its
brief moves to another URL and file), then both back; each build compared with a cold build of the
same seeds, the log saying how many pages were trusted (the comparison is not vacuous)."""

from __future__ import annotations

import re
import shutil

import pytest
from test_freeze import _build, _project, _same_as_cold
from test_lists9_equality import _trusted


def _redate(seeds, name: str) -> None:
    """The dump's date made another (its brief moves: its URL and file carry the date)."""
    path = seeds / name
    lines = path.read_text(encoding="utf-8").split("\n")
    date = next(line for line in lines if re.fullmatch(r"\w+day, \w+ \d+, \d{4}", line))
    path.unlink()  # (a new file, as a scraper writes one)
    path.write_text("\n".join("Monday, January 2, 2023" if line == date else line for line in lines),
                    encoding="utf-8")


def _pages(project) -> set:
    return {path.parent.relative_to(project / "site") for path in (project / "site").rglob("index.html")}


@pytest.mark.slow
def test_removed_and_moved_briefs_keep_the_trust_of_other_pages(tmp_path):
    project = _project(tmp_path / "inc")
    seeds = project / "seeds"
    kept = tmp_path / "kept"
    kept.mkdir()
    for name in ("d020.txt", "d007.txt"):
        shutil.copy2(seeds / name, kept / name)
    _build(project)
    _build(project)  # (pages reused: their links replayed, then trusted)
    (seeds / "d020.txt").unlink()
    assert _trusted(_build(project)) > 10
    _same_as_cold(project, tmp_path / "cold-remove")
    before = _pages(project)
    _redate(seeds, "d007.txt")
    assert _trusted(_build(project)) > 10
    assert before - _pages(project) and _pages(project) - before  # (the brief moved)
    _same_as_cold(project, tmp_path / "cold-move")
    for name in ("d020.txt", "d007.txt"):
        (seeds / name).unlink(missing_ok=True)
        shutil.copy2(kept / name, seeds / name)
    assert _trusted(_build(project)) > 10
    _same_as_cold(project, tmp_path / "cold-back")
