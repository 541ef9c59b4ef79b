"""builder/site/second_core.py's SplitBuild (issue #15 item 4): the page loop on both
cores changes nothing in the site. A small copy of the project is built cold with
``cold_speed`` off and on (the split made to run at this size: MIN_SPLIT = 1), under
Material's search (its one index gathers every page's entries, in the order of pages) and
under Pagefind (indexes begun as the copy reports its pages), and every file compared
byte for byte; then with the copy failing on its fifth page, by an exception or dying there (that
page and every page it did not come to are built by the build, over the files it left).
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path

import pytest
from site_support import run_in, site_files
from test_cold_build_speed import _project

PAGEFIND = "      search: pagefind\n      search_shard_size: 12\n"

# The build, with the split on at this size; FAIL: in the copy only, what a page does.
_RUN = """
import os, sys
import builder.site.second_core as sc
sc.MIN_SPLIT = 1
import mkdocs.commands.build as b
fail, parent = int(os.environ.get("SPLIT_FAIL", "0")), os.getpid()
original, built = b._build_page, []
def _build_page(page, *args, **kwargs):
    if os.getpid() != parent:
        built.append(page)
        if len(built) == fail:
            if os.environ.get("SPLIT_HOW") == "exit":
                os._exit(3)
            raise RuntimeError("a page the copy cannot build")
    return original(page, *args, **kwargs)
_build_page.__wrapped__ = original  # (the seams read MkDocs' source through it)
b._build_page = _build_page
if os.environ.get("SPLIT_NOLOCK"):  # a system without a working semaphore (no /dev/shm)
    import multiprocessing
    def _no_lock(*a, **k):
        raise ImportError("This platform lacks a functioning sem_open implementation")
    multiprocessing.Lock = _no_lock
from mkdocs.__main__ import cli
sys.argv = ["mkdocs", "build", "--strict", "-d", "site"]
cli()
"""


def _build(root: Path, **env_extra) -> str:
    return run_in(root, [sys.executable, "-c", _RUN], **env_extra)


def _shared(log: str) -> int:
    m = re.search(r"second core: the page loop: .*, (\d+) in the second process", log)
    return int(m.group(1)) if m else 0


def _compare(a: Path, b: Path) -> None:
    x, y = site_files(a), site_files(b)
    assert x.keys() == y.keys()
    differ = [k for k in x if x[k] != y[k]]
    assert not differ, f"{len(differ)} file(s) differ, e.g. {differ[:5]}"


@pytest.fixture(scope="module")
def material(tmp_path_factory):
    base = tmp_path_factory.mktemp("split")
    off = _project(base / "off", "      cold_speed: false\n")
    on = _project(base / "on", "")
    return off, on, _build(off), _build(on)


def test_same_site_with_the_pages_built_on_two_cores_material_search(material):
    off, on, off_log, on_log = material
    assert (on / "site" / "search" / "search_index.json").is_file()
    _compare(off / "site", on / "site")
    assert _shared(off_log) == 0
    pages = sum(1 for _ in (on / "site").rglob("index.html"))
    assert 0 < _shared(on_log) < pages  # both processes built pages
    # (the page cache's log line counts the copy's pages too)
    counts = [int(n) for n in re.search(r"page cache: (\d+) reused, (\d+) rendered", on_log).groups()]
    assert sum(counts) >= pages - 5


def test_same_site_with_pagefind(tmp_path_factory, material):
    off_material = material[0]
    base = tmp_path_factory.mktemp("splitpf")
    off = _project(base / "off", PAGEFIND + "      cold_speed: false\n")
    on = _project(base / "on", PAGEFIND)
    off_log, on_log = _build(off), _build(on)
    assert (on / "site" / "pagefind").is_dir() and off_material.is_dir()
    _compare(off / "site", on / "site")
    assert _shared(on_log) > 0 and _shared(off_log) == 0


@pytest.mark.parametrize("how", ["raise", "exit"])
def test_a_page_the_copy_cannot_build_is_built_by_the_build(material, tmp_path, how):
    off, _on, _off_log, _on_log = material
    proj = _project(tmp_path / "p", "")
    log = _build(proj, SPLIT_FAIL="5", SPLIT_HOW=how)  # the copy's fifth page
    _compare(off / "site", proj / "site")
    # The four pages it built before are used (each page's result is whole on its own);
    # that one, and every page it did not come to, is built here.
    assert _shared(log) == 4


def test_no_working_semaphore_builds_on_one_core(material, tmp_path):
    off, _on, _off_log, _on_log = material
    proj = _project(tmp_path / "p", "")
    log = _build(proj, SPLIT_NOLOCK="1")
    _compare(off / "site", proj / "site")
    assert _shared(log) == 0


def test_what_the_copy_rendered_is_in_the_blog_cache_for_the_next_build(material, tmp_path):
    """List pages render their cards' excerpts in the loop (blog_speed's cache): the copy's
    renders reach the build's cache, so a warm build renders nothing again."""
    _off, on, _off_log, on_log = material
    cold = re.search(r"blog cache: (\d+) reused, (\d+) rendered", on_log)
    assert cold and int(cold.group(2)) > 0
    warm = _project(tmp_path / "warm", "")
    shutil.copytree(on / ".newsbrief-cache", warm / ".newsbrief-cache", dirs_exist_ok=True)
    shutil.copytree(on / "docs" / "posts", warm / "docs" / "posts", dirs_exist_ok=True)
    log = _build(warm)
    again = re.search(r"blog cache: (\d+) reused, (\d+) rendered", log)
    assert again and int(again.group(2)) == 0, log[-3000:]
    assert int(again.group(1)) >= int(cold.group(2))


def test_newsbrief_build_with_its_record_split_and_not(tmp_path, monkeypatch):
    """Under `newsbrief build` the loop's pages leave entries in the freeze record
    (site/freeze.py): the copy's are sent back and put in the record in the order of pages.
    Built with the split (MIN_SPLIT 1) and without (MIN_SPLIT too high), the sites and the
    records are the same; after one new dump (most pages frozen, no split) the sites are
    the same again."""
    from site_support import newsbrief_build, seeded_project

    from builder.site.freeze import RECORD_FILE

    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(
        "import os\nimport builder.site.second_core as sc\nsc.MIN_SPLIT = int(os.environ['SPLIT_MIN'])\n",
        encoding="utf-8")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(hook), os.environ.get("PYTHONPATH", "")]))
    projects, logs = {}, {}
    for name, least in (("off", "100000"), ("on", "1")):
        monkeypatch.setenv("SPLIT_MIN", least)
        projects[name] = seeded_project(tmp_path / name, n=30, search="pagefind")
        logs[name] = newsbrief_build(projects[name], "https://example.org/")
    assert _shared(logs["on"]) > 0 and _shared(logs["off"]) == 0
    _compare(projects["off"] / "site", projects["on"] / "site")
    record = {name: (p / ".newsbrief-cache" / RECORD_FILE).read_bytes() for name, p in projects.items()}
    assert record["on"] == record["off"]
    for name, p in projects.items():
        monkeypatch.setenv("SPLIT_MIN", "1")
        shutil.copy2(next(iter(sorted((p / "seeds").glob("*.txt")))), p / "seeds" / "zz-copy.txt")
        (p / "seeds" / "zz-copy.txt").write_text(
            (p / "seeds" / "zz-copy.txt").read_text(encoding="utf-8").replace("the", "a", 3), encoding="utf-8")
        logs[name] = newsbrief_build(p, "https://example.org/")
        assert "not built again" in logs[name]
    _compare(projects["off"] / "site", projects["on"] / "site")


def test_no_split_with_a_plugin_whose_page_state_it_does_not_send_back():
    """Only with plugins whose state after a page's build is sent back (or that keep none):
    another (e.g. Material's social or privacy plugin) keeps the loop on one process."""
    import mkdocs.commands.build as build

    from builder.site import second_core

    class Config:
        def __init__(self, names):
            self.plugins = dict.fromkeys(names)

    original = build._build_page
    for names, expected in ((["newsbrief", "material/blog", "material/blog #2", "rss #2"], True),
                            (["newsbrief", "material/blog", "material/social"], False)):
        second = second_core.SecondCore.__new__(second_core.SecondCore)
        second.split_build, second._blog, second.indexes = None, None, None
        second.split(Config(names), loop_ok=True)
        try:
            assert (second.split_build is not None) is expected
            assert (build._build_page is not original) is expected
        finally:
            if second.split_build is not None:
                second.split_build.close()
        assert build._build_page is original
