"""Builds whose reused pages' links are trusted (site/blog_speed.LinkTrust) equal cold
builds byte for byte: a project built twice (a reused page's links are replayed, then
trusted), then a new dump (trusted: tag pages, digests, frozen posts' links not
replayed), then a removed one (the pages that named it replayed), each compared with a cold build of
the same seeds; the log says how many pages were trusted (the comparison is not vacuous)."""

from __future__ import annotations

import re

import pytest
from test_freeze import _add, _build, _project, _remove, _same_as_cold

_TRUSTED = re.compile(r"links of (\d+) page\(s\) trusted, not replayed")


def _trusted(log: str) -> int:
    return sum(int(n) for n in _TRUSTED.findall(log))


@pytest.mark.slow
def test_trusted_links_give_the_cold_build(tmp_path):
    project = _project(tmp_path / "inc")
    _build(project)
    _build(project)  # (pages reused: their links replayed, then trusted)
    _add(project / "seeds")
    assert _trusted(_build(project)) > 10  # a new file: no file moved
    _same_as_cold(project, tmp_path / "cold-add")
    _remove(project / "seeds")
    assert _trusted(_build(project)) > 10  # a file removed: the pages that named it replayed (trust9)
    _same_as_cold(project, tmp_path / "cold-remove")
