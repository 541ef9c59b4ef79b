"""builder/site/second_core.py (issue #15 item 4): the second core changes nothing in the
site. A small copy of the project with Pagefind and small indexes (several months, so
several indexes) is built cold with ``cold_speed`` on (pages read ahead in a forked copy
of the build, indexes made while pages are written) and off, and every file compared
byte for byte; the parts are checked on their own: the copy delivers every page from
the last back and is gone after ``stop()``, an entry the build made itself is kept, the
planned indexes are those found in the written site, an index made early whose pages
change after is made again.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path

import pytest
from site_support import MKDOCS_BUILD, run_in, site_files
from test_cold_build_speed import _project

from builder.site import blog_speed, search, second_core

OPTIONS = "      search: pagefind\n      search_shard_size: 12\n"


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    base = tmp_path_factory.mktemp("secondcore")
    off = _project(base / "off", OPTIONS + "      cold_speed: false\n")
    on = _project(base / "on", OPTIONS)
    return off, on, run_in(off, MKDOCS_BUILD), run_in(on, MKDOCS_BUILD)


def test_same_site_with_and_without_the_second_core(sites):
    off, on, off_log, on_log = sites
    a, b = site_files(off / "site"), site_files(on / "site")
    assert a.keys() == b.keys()
    assert len([k for k in a if k.startswith("pagefind/") and k.endswith("pagefind-entry.json")]) >= 3
    differ = [k for k in a if a[k] != b[k]]
    assert not differ, f"{len(differ)} file(s) differ, e.g. {differ[:5]}"
    assert "second core" not in off_log
    m = re.search(r"second core: (\d+) page\(s\) read ahead, (\d+) search index\(es\) begun", on_log)
    assert m, on_log[-2000:]
    assert int(m.group(1)) > 0 and int(m.group(2)) > 0
    # Each index begun early was used as it was made: search.index found it unchanged.
    done = re.search(r"pagefind: (\d+) index\(es\), (\d+) unchanged", on_log)
    assert done and int(done.group(2)) >= int(m.group(2))


def test_planned_indexes_are_those_of_the_written_site(sites):
    _off, on, _, _ = sites
    site = on / "site"
    html = [p.relative_to(site).as_posix() for p in site.rglob("*.html")]
    for size in (1, 5, 12, 1000):
        assert search.planned_shards(html, size) == search.shards(site, size)
    assert len(search.planned_shards(html, 12)) >= 3


def test_an_index_made_early_is_made_again_when_its_pages_change(sites, tmp_path: Path):
    _off, on, _, _ = sites
    site = tmp_path / "site"
    shutil.copytree(on / "site", site, ignore=shutil.ignore_patterns("pagefind"))
    cache = tmp_path / "cache"
    groups = search.shards(site, 12)
    name, folders = groups[0]
    search.index_shard(site, name, folders, search.ShardCache(cache / search.CACHE_SUBDIR))  # early
    page = next((site / folders[0]).rglob("index.html"))
    page.write_text(page.read_text(encoding="utf-8").replace("</article>", "<p>zyxwvut</p></article>", 1),
                    encoding="utf-8")

    class Config:
        site_dir = str(site)

    figures = search.index(Config, 12, cache)
    assert figures["reused"] == 0
    fresh = tmp_path / "fresh"
    shutil.copytree(site, fresh, ignore=shutil.ignore_patterns("pagefind"))
    search.index_shard(fresh, name, folders)
    made = site / search.PAGEFIND_DIR / name
    assert {p.relative_to(made).as_posix(): p.read_bytes() for p in made.rglob("*") if p.is_file()} == \
        {p.relative_to(fresh / "pagefind" / name).as_posix(): p.read_bytes()
         for p in (fresh / "pagefind" / name).rglob("*") if p.is_file()}


# -- the copy on its own ---------------------------------------------------------------------


class _File:
    def __init__(self, i):
        self.src_uri = f"p{i}.md"
        self.page = _Page(self)


class _Page:
    def __init__(self, file):
        self.file, self.content, self.toc = file, None, None


class _Files:
    def __init__(self, n):
        self.files = [_File(i) for i in range(n)]

    def documentation_pages(self, inclusion=None):
        return self.files


class _Speedup:
    def __init__(self):
        self.cache = blog_speed.Cache(None)


@pytest.fixture
def fake_populate(monkeypatch):
    """MkDocs' page step, as the copy runs it: one cache entry a page (the order noted)."""
    import mkdocs.commands.build as build

    def populate(page, config, files, dirty=False):
        time.sleep(speed.delay)
        if page.file.src_uri == "p3.md":
            raise ValueError("a page the build reports itself")
        speed.cache.put(f"key-{page.file.src_uri}", ["from the copy", page.file.src_uri])

    speed = _Speedup()
    speed.delay = 0.0
    monkeypatch.setattr(build, "_populate_page", populate)
    return speed


def _wait(ahead, n, timeout=30.0):
    end = time.monotonic() + timeout
    while ahead.received < n and time.monotonic() < end:
        time.sleep(0.01)


def test_the_copy_sends_every_page_from_the_last_back_and_is_gone_after_stop(fake_populate):
    speed, files = fake_populate, _Files(8)
    speed.cache.put("key-p5.md", ["made by the build"])
    ahead = second_core.RenderAhead(speed, object(), files)
    pid = ahead.pid
    _wait(ahead, 7)  # every page but the one that failed
    ahead.stop()
    assert ahead.received == 7
    new = speed.cache.new
    assert {k for k in new} == {f"key-p{i}.md" for i in range(8) if i != 3}
    assert new["key-p5.md"] == ["made by the build"]  # kept as the build made it
    assert new["key-p0.md"] == ["from the copy", "p0.md"]
    assert ahead.pid == 0
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # reaped: no process left behind
    ahead.stop()  # twice is harmless


def test_the_copy_stops_where_the_build_is(fake_populate):
    speed, files = fake_populate, _Files(2000)
    speed.delay = 0.002
    ahead = second_core.RenderAhead(speed, object(), files)
    ahead.reached(files.files[1500].page)  # the build reads page 1,500 (from the first on)
    _wait(ahead, 499)
    time.sleep(0.2)
    ahead.stop()
    keys = {int(k[len("key-p"):-len(".md")]) for k in speed.cache.new}
    assert keys == set(range(1501, 2000))


# -- the periodic collection ------------------------------------------------------------------


class _Cycle:
    def __init__(self):
        self.me = self


def test_the_collector_frees_cycles_as_pages_are_read_and_unfreezes_at_the_end():
    import gc
    import weakref

    assert gc.get_freeze_count() == 0
    threshold = gc.get_threshold()
    gc.set_threshold(0)  # (no automatic collection: only the collector's)
    try:
        collector = second_core.Collector()
        assert collector.on and gc.get_freeze_count() > 0
        alive = _Cycle()  # a cycle still in use when a collection runs: kept
        garbage = _Cycle()
        gone = weakref.ref(garbage)
        del garbage
        for _ in range(second_core.Collector.EVERY - 1):
            collector.tick()
        assert gone() is not None  # not yet: once every EVERY pages
        collector.tick()
        assert gone() is None
        assert alive.me is alive
        collector.close()
        assert gc.get_freeze_count() == 0
        collector.close()  # twice is harmless
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


def test_the_collector_leaves_objects_frozen_by_someone_else_alone():
    import gc

    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        collector = second_core.Collector()
        assert not collector.on
        for _ in range(second_core.Collector.EVERY):
            collector.tick()
        collector.close()
        # Not unfrozen by the collector (gc.unfreeze() would leave 0). Not an equality: a frozen
        # object another thread of the test process lets go of leaves the count (seen once).
        assert gc.get_freeze_count() > frozen // 2
    finally:
        gc.unfreeze()


def test_a_file_is_written_from_pieces(tmp_path: Path):
    from builder.output.store import replace_file

    target = tmp_path / "f.bin"
    replace_file(target, (piece for piece in (b"ab", b"", bytearray(b"cd"), memoryview(b"ef"))))
    assert target.read_bytes() == b"abcdef"
    replace_file(target, b"whole")
    assert target.read_bytes() == b"whole"
