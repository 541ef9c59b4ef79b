"""Memory of a cold build (issue #15 item 4: peak <= 1 GB at 10k): what the build no longer
needs is let go of after its phase. The blog store's decoded entries once every page is
read (``Cache.spill``, from the second core's ``populated``): stored at once, read back
from the store if asked for again, and indexed by the save as if kept; a page's HTML
once the page is written (``Collector.written``). That the site is the same is
tests/site/test_cold_second_core.py's (a cold build with and without the second core,
compared byte for byte).
"""

from __future__ import annotations

import json
from types import SimpleNamespace

from builder.site import blog_speed, second_core

PAGE = ["<p>a</p>", [{"level": 1, "id": "a", "name": "A", "children": []}], "A", ["a"], [["x.md", "x/"]]]


def _index(tmp_path) -> dict:
    _header, *lines = (tmp_path / blog_speed.CACHE_SUBDIR / blog_speed.CACHE_FILE).read_text().split("\n")
    return {line.split("\t")[0]: line.split("\t") for line in lines}


def test_a_cold_store_spills_its_entries_and_saves_them(tmp_path):
    cache = blog_speed.Cache(tmp_path)
    cache.put("page", PAGE)
    cache.put("readtime", [3])
    cache.spill()
    assert cache.new == {}  # let go of
    assert cache.read == {"page", "readtime"}
    assert cache.get("page", keep=False) == PAGE and cache.new == {}
    assert cache.get("readtime") == [3] and cache.new == {"readtime": [3]}
    cache.put("later", ["<p>b</p>", None, []])  # (an excerpt made while pages are written)
    cache.save()
    again = blog_speed.Cache(tmp_path)
    assert again.old == {"page": PAGE, "readtime": [3], "later": ["<p>b</p>", None, []]}
    assert {key: int(fields[1]) for key, fields in _index(tmp_path).items()} == {
        "page": 1, "readtime": 1, "later": 1}


def test_a_warm_store_spills_only_what_is_new_and_marks_what_it_read(tmp_path):
    first = blog_speed.Cache(tmp_path)
    first.put("kept", PAGE)
    first.put("unused", [1])
    first.save()
    log = tmp_path / blog_speed.CACHE_SUBDIR / json.loads(
        (tmp_path / blog_speed.CACHE_SUBDIR / blog_speed.CACHE_FILE).read_text().split("\n")[0])["log"]
    size = log.stat().st_size
    cache = blog_speed.Cache(tmp_path)
    assert cache.get("kept") == PAGE
    cache.put("fresh", [7])
    cache.spill()
    assert cache.new == {} and cache.read == {"kept", "fresh"}
    assert log.stat().st_size == size + len(b"[7]")  # the entry read is not written again
    cache.save()
    used = {key: int(fields[1]) for key, fields in _index(tmp_path).items()}
    assert used == {"kept": 2, "fresh": 2, "unused": 1}
    assert blog_speed.Cache(tmp_path).old == {"kept": PAGE, "unused": [1], "fresh": [7]}


def test_a_store_without_a_folder_keeps_its_entries(tmp_path):
    cache = blog_speed.Cache(None)
    cache.put("page", PAGE)
    cache.spill()
    assert cache.get("page") == PAGE


def test_a_page_s_html_is_let_go_of_once_the_next_page_is_written():
    collector = second_core.Collector()
    try:
        pages = [SimpleNamespace(content=f"<p>{i}</p>") for i in range(3)]
        collector.written(pages[0])
        assert pages[0].content == "<p>0</p>"  # (a later plugin's on_post_page may read it)
        collector.written(pages[1])
        assert pages[0].content is None and pages[1].content == "<p>1</p>"
        collector.written(pages[1])  # (the same page twice: kept)
        assert pages[1].content == "<p>1</p>"
        collector.written(pages[2])
        assert pages[1].content is None and pages[2].content == "<p>2</p>"
        assert collector.pages == 4
    finally:
        collector.close()


def test_only_the_entries_asked_for_are_spilled(tmp_path):
    cache = blog_speed.Cache(tmp_path)
    cache.put("read", PAGE)
    cache.put("ahead", [4])  # (sent by the read-ahead copy for a page not reached yet)
    cache.spill(["read", "unknown"])
    assert cache.new == {"ahead": [4]} and cache.read == {"read"}
    cache.save()
    assert blog_speed.Cache(tmp_path).old == {"read": PAGE, "ahead": [4]}


class _Speedup:
    """What the second core asks of site/blog_speed.Speedup to let renders go."""

    def __init__(self):
        self.spilled: list[list] = []
        self.cache = SimpleNamespace(spill=lambda: self.spilled.append(["all"]))

    def spill_pages(self, pages):
        self.spilled.append(list(pages))


def test_the_second_core_lets_renders_go_as_pages_are_read_and_all_once_read(monkeypatch):
    monkeypatch.setattr(second_core, "_cores", lambda: 1)  # (no copy forked, no early indexes)
    speedup = _Speedup()
    core = second_core.SecondCore(speedup, None, None, False, 10, None)
    try:
        pages = [SimpleNamespace(n=i) for i in range(2 * second_core.Collector.EVERY + 5)]
        for page in pages:
            core.reached(page)
        every = second_core.Collector.EVERY
        # each time, the pages reached before the one being read (its render is not made yet)
        assert speedup.spilled == [pages[:every], pages[every:2 * every]]
        core.populated(None, None)
        assert speedup.spilled[-1] == ["all"]
        core.reached(pages[0])  # (nothing after every page is read)
        assert len(speedup.spilled) == 3
    finally:
        core.close()
