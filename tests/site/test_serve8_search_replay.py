"""Frozen pages under Material's built-in search (site/search_replay.py, issue #15: serve).

At <= 2,000 briefs the site uses Material's search, which indexes each page's HTML as it is
built. Its entries for each page are recorded and replayed for a frozen page: after an add,
an edit and a removal the whole site, search/search_index.json included, equals a cold
build of the same seeds byte for byte, while most posts were frozen.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest
from dumpgen import make_dump
from invariants import tree
from site_support import newsbrief_build, seeded_project

from builder.site import freeze, seams, search_replay

N = 24  # (the project of tests/site/test_freeze.py, on Material's search)
_FROZEN = re.compile(r"unchanged posts: (\d+) not built again \(linked from the previous site\), (\d+) built")
INDEX = "search/search_index.json"


def _project(dest: Path, seeds: Path | None = None) -> Path:
    return seeded_project(dest, seeds, N)


def _build(project: Path) -> str:
    log = newsbrief_build(project, "https://news.example.org/briefs/")
    assert "search: languages" in log  # (Material's search: Pagefind logs no languages)
    return log


def _frozen(log: str) -> tuple[int, int]:
    found = _FROZEN.findall(log)
    assert found, log[-3000:]
    return int(found[-1][0]), int(found[-1][1])


def _same_as_cold(project: Path, tmp: Path) -> None:
    cold = _project(tmp, project / "seeds")
    assert _frozen(_build(cold))[0] == 0
    got, want = tree(project / "site"), tree(cold / "site")
    assert got.keys() == want.keys(), sorted(got.keys() ^ want.keys())[:20]
    assert got[INDEX] == want[INDEX]
    assert [rel for rel in want if got[rel] != want[rel]] == []


def _entries(project: Path) -> dict:
    path = search_replay.record_path(project / ".newsbrief-cache" / freeze.RECORD_FILE)
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.slow
def test_material_search_index_equal_with_frozen_posts(tmp_path):
    project = _project(tmp_path / "inc")
    _build(project)
    before = tree(project / "site")
    frozen, built = _frozen(_build(project))
    assert built == 0 and frozen >= N // 2
    assert tree(project / "site") == before
    docs = json.loads(before[INDEX])["docs"]
    assert len(docs) > frozen  # (entries of every page, the frozen ones among them)
    recorded = _entries(project)["pages"]
    assert all(len(v) == 3 for v in recorded.values()) and any(v[2] for v in recorded.values())
    for i, change in enumerate((_add, _edit, _remove)):
        change(project / "seeds")
        frozen, built = _frozen(_build(project))
        assert built >= 1, change.__name__
        if change is not _remove:
            assert frozen > built, change.__name__
        _same_as_cold(project, tmp_path / f"cold-{i}")


@pytest.mark.slow
def test_a_post_without_recorded_entries_is_built_again(tmp_path):
    project = _project(tmp_path / "p")
    _build(project)
    _build(project)
    data = _entries(project)
    posts = sorted(src for src in data["pages"] if src.startswith("posts/"))
    total = len([s for s in json.loads((project / ".newsbrief-cache" / freeze.RECORD_FILE)
                                       .read_text(encoding="utf-8"))["posts"] if s.startswith("posts/")])
    data["pages"][posts[0]][0] = "0" * 64  # recorded with another freeze record's key
    del data["pages"][posts[1]]  # not recorded at all
    path = search_replay.record_path(project / ".newsbrief-cache" / freeze.RECORD_FILE)
    path.write_text(json.dumps(data), encoding="utf-8")
    before = tree(project / "site")
    assert _frozen(_build(project)) == (total - 2, 2)
    assert tree(project / "site")[INDEX] == before[INDEX]


def _add(seeds: Path) -> None:
    (seeds / "g-new.txt").write_text(make_dump(random.Random(-5)).text, encoding="utf-8")


def _edit(seeds: Path) -> None:
    path = seeds / "d011.txt"
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + " Officials said talks would resume.\n",
                    encoding="utf-8")


def _remove(seeds: Path) -> None:
    (seeds / "d020.txt").unlink()


def test_the_search_replay_seam_fails_when_material_indexes_another_way(monkeypatch):
    from material.plugins.search import plugin

    assert seams.check("search-replay") is None

    def add_entry_from_context(self, page):
        self.entries.append({"location": page.url})

    monkeypatch.setattr(plugin.SearchIndex, "add_entry_from_context", add_entry_from_context)
    assert "adds entries another way" in seams.check("search-replay")


def test_the_search_replay_seam_fails_on_another_page_event(monkeypatch):
    from material.plugins.search import plugin

    monkeypatch.setattr(plugin.SearchPlugin, "on_post_page", lambda self, output, **kw: output, raising=False)
    assert "other page events" in seams.check("search-replay")


def test_freezing_under_material_search_needs_the_replay():
    class Config:
        plugins = {"newsbrief": 0, "material/search": 0, "material/blog": 0, "rss": 0}  # noqa: RUF012

    assert not freeze.usable(Config, "material", object())
    assert freeze.usable(Config, "material", object(), search_replay=True)
    assert not freeze.usable(Config, "material", None, search_replay=True)


def test_a_dirty_reload_is_not_replayed(tmp_path):
    """`mkdocs serve --dirty` merges the last build's index into the next: never replayed."""
    from material.plugins.search.plugin import SearchIndex, SearchPlugin

    class Config:
        plugins: dict = {}  # noqa: RUF012

    search = SearchPlugin()
    search.config = type("C", (), {"enabled": True})()
    search.search_index = SearchIndex()
    Config.plugins = {"material/search": search}
    assert search_replay.start(Config, tmp_path / "freeze.json") is not None
    search.is_dirty = True
    assert search_replay.start(Config, tmp_path / "freeze.json") is None


def test_entries_are_saved_only_with_this_builds_freeze_record(tmp_path):
    """A freeze record this build could not save: no entries saved, and an older entries
    file is removed, so nothing is replayed from a record they do not match. A record saved
    with the same bytes as the last build's (atomic_write leaves the file as it is) still
    pairs this build's entries with it."""
    from types import SimpleNamespace

    from material.plugins.search.plugin import SearchIndex

    record = tmp_path / "freeze.json"
    replay = search_replay.Replay(SearchIndex(), search_replay.record_path(record))
    replay.made["posts/a.md"] = [{"location": "a/"}]
    replay.path.write_text("{}")
    replay.save(None)  # (the record's save failed)
    assert not replay.path.exists()
    replay.save({"posts/a.md": ["k", "s", "a/index.html"], "posts/b.md": ["k2", "s2", "b/index.html"]})
    assert _loads_pages(replay.path) == {"posts/a.md": ["k", "s", [{"location": "a/"}]]}
    replay = search_replay.Replay(SearchIndex(), replay.path)  # the next build's
    assert replay.accept("posts/a.md", SimpleNamespace(key="k", sha="s"))
    assert not replay.accept("posts/a.md", SimpleNamespace(key="k", sha="other"))
    assert not replay.accept("posts/b.md", SimpleNamespace(key="k2", sha="s2"))


def _loads_pages(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))["pages"]
