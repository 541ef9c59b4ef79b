"""Trusted links across removals (site/blog_speed.LinkTrust): a reused page whose links were
trusted stays trusted in a build in which files were removed or changed their URL or
exclusion, as long as none of ITS links named one of them; a page that named one replays
every link (and is rendered again where they differ). Each build here is a Speedup of its
own over one cache, over two pages: d names a, b and x.png; e names only a."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure import pages
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

from builder.site import blog_speed

D = """# Digest of the day

See [the first brief](../2024/a.md), [its second part](../2024/a.md#more),
[the other one](../2024/b.md), [this page's end](#end) and [a site](https://example.org/).

![A picture](../img/x.png)

## End {: #end }
"""
E = """# Another digest

Only [the first brief](../2024/a.md) and [its second part](../2024/a.md#more).
"""
PARTS = ("page-render", "page-links-trusted")
PAGES = ("digests/d.md", "digests/e.md")
ANCHORED = {"digests/d.md": ["../2024/a.md#more", "#end"], "digests/e.md": ["../2024/a.md#more"]}


def _site(tmp_path: Path):
    docs = tmp_path / "docs"
    for name, text in (("digests/d.md", D), ("digests/e.md", E), ("2024/a.md", "# A\n\n## More\n"),
                       ("2024/b.md", "# B\n"), ("2024/c.md", "# C\n"), ("img/x.png", "")):
        (docs / name).parent.mkdir(parents=True, exist_ok=True)
        (docs / name).write_text(text, encoding="utf-8")
    config = MkDocsConfig()
    config.load_dict({"site_name": "x", "docs_dir": str(docs), "site_dir": str(tmp_path / "site"),
                      "markdown_extensions": ["toc", "attr_list"]})
    errors, _ = config.validate()
    assert not errors
    return config, docs


def _files(config, docs, without: str = "", b_dest: str | None = None, excluded: str = "") -> Files:
    files = Files([File(name, str(docs), config.site_dir, True, dest_uri=b_dest if name == "2024/b.md" else None)
                   for name in (*PAGES, "2024/a.md", "2024/b.md", "2024/c.md", "img/x.png") if name != without])
    if excluded:
        files.get_file_from_path(excluded).inclusion = InclusionLevel.EXCLUDED
    return files


def _build(config, files, cache_dir):
    """One build of both pages: ({page: the page}, {page: the links resolved by path_to_url},
    the Speedup after close)."""
    speed = blog_speed.Speedup(config, cache_dir, parts=PARTS)
    resolved: dict[str, list] = {src: [] for src in PAGES}
    path_to_url = speed._path_to_url
    speed._path_to_url = lambda processor, url: resolved[processor.file.src_uri].append(url) \
        or path_to_url(processor, url)
    built = {}
    quiet = logging.Filter()
    quiet.filter = lambda record: False
    pages.log.addFilter(quiet)  # (a link to a removed or excluded file logs, as MkDocs would)
    try:
        for src in PAGES:
            page = built[src] = Page(None, files.get_file_from_path(src), config)
            page.read_source(config)
            speed.render_page(page, config, files)
    finally:
        pages.log.removeFilter(quiet)
        speed._path_to_url = path_to_url  # (what close() puts back)
        speed.close()
    return built, resolved, speed


def _same_as_stock(built: dict, config, files) -> None:
    pages.log.disabled = True
    try:
        for src, page in built.items():
            stock = Page(None, files.get_file_from_path(src), config)
            stock.read_source(config)
            stock.render(config, files)
            assert page.content == stock.content and str(page.toc) == str(stock.toc)
            assert {f.src_uri: v for f, v in page.links_to_anchors.items()} == \
                {f.src_uri: v for f, v in stock.links_to_anchors.items()}
    finally:
        pages.log.disabled = False


def _links_file(cache_dir: Path) -> Path:
    return cache_dir / blog_speed.CACHE_SUBDIR / blog_speed.LINKS_FILE


def _trusted(cache_dir: Path) -> int:
    return len(json.loads(_links_file(cache_dir).read_text())["trusted"])


def _warm(tmp_path):
    config, docs = _site(tmp_path)
    cache = tmp_path / "cache"
    for _ in range(2):  # rendered, then reused with every link replayed: trusted
        _build(config, _files(config, docs), cache)
    assert _trusted(cache) == 2
    return config, docs, cache


def test_a_removed_file_no_link_named_keeps_every_page_trusted(tmp_path):
    config, docs, cache = _warm(tmp_path)
    files = _files(config, docs, without="2024/c.md")
    built, resolved, speed = _build(config, files, cache)
    assert resolved == ANCHORED and speed.links.used == 2 and speed.cache.page_hits == 2
    _same_as_stock(built, config, files)
    assert _trusted(cache) == 2
    # ... and a later build (the file back, another gone) still trusts them.
    files = _files(config, docs, without="img/x.png")
    built, resolved, speed = _build(config, files, cache)
    assert resolved["digests/e.md"] == ANCHORED["digests/e.md"] and speed.links.used == 1


@pytest.mark.parametrize("change", ["removed", "moved", "excluded"])
def test_a_named_file_removed_moved_or_excluded_ends_the_trust_of_the_pages_that_named_it(tmp_path, change):
    config, docs, cache = _warm(tmp_path)
    files = {"removed": lambda: _files(config, docs, without="2024/b.md"),
             "moved": lambda: _files(config, docs, b_dest="2024/elsewhere/index.html"),
             "excluded": lambda: _files(config, docs, excluded="2024/b.md")}[change]()
    built, resolved, speed = _build(config, files, cache)
    # d named b: every link replayed; they differ now, so d is rendered again (but for an
    # excluded b: the same URLs, d reused, the replay's log line emitted; not trusted after).
    # e did not: still trusted, only its anchored link resolved again.
    assert resolved["digests/e.md"] == ANCHORED["digests/e.md"] and speed.links.used == 1
    assert resolved["digests/d.md"][:6] == ["../2024/a.md", "../2024/a.md#more", "../2024/b.md", "#end",
                                            "https://example.org/", "../img/x.png"]
    assert speed.cache.page_misses == (change != "excluded")
    _same_as_stock(built, config, files)
    assert _trusted(cache) == 1  # (d rendered again, or its replay logged: e only)
    if change == "moved":
        assert 'href="../../2024/elsewhere/"' in built["digests/d.md"].content


def test_the_page_s_own_file_moved_ends_its_trust_for_its_recorded_links(tmp_path):
    """A post's recorded links (site/freeze.py: replay_links) are relative to its URL."""
    config, docs = _site(tmp_path)
    cache = tmp_path / "cache"
    calls = [["../2024/a.md", "../../2024/a/"], ["../2024/a.md#more", "../../2024/a/#more"]]

    def replay(files) -> tuple[list | None, int]:
        speed = blog_speed.Speedup(config, cache, parts=PARTS)
        resolved: list[str] = []
        path_to_url = speed._path_to_url
        speed._path_to_url = lambda processor, url: resolved.append(url) or path_to_url(processor, url)
        page = Page(None, files.get_file_from_path("digests/e.md"), config)
        try:
            return speed.replay_links(page, calls, config, files), len(resolved)
        finally:
            speed._path_to_url = path_to_url
            speed.close()

    assert replay(_files(config, docs)) == (calls, 2)
    assert replay(_files(config, docs, without="2024/b.md")) == (calls, 0)  # (b not named: trusted)
    assert replay(_files(config, docs, without="img/x.png")) == (calls, 0)
    files = _files(config, docs)
    own = files.get_file_from_path("digests/e.md")
    own.dest_uri, own.url = "e/index.html", "e/"
    assert replay(files) == ([["../2024/a.md", "../2024/a/"], ["../2024/a.md#more", "../2024/a/#more"]], 2)
    files = _files(config, docs, without="2024/a.md")
    assert replay(files) is not None and replay(files)[1] == 2  # (a named and gone: replayed, logs)


@pytest.mark.parametrize("damage", ["truncated", "a place out of range", "a place not a number",
                                    "the trusted keys as a list", "no files"])
def test_a_damaged_links_file_trusts_nothing(tmp_path, damage):
    config, docs, cache = _warm(tmp_path)
    path = _links_file(cache)
    data = json.loads(path.read_text())
    if damage == "truncated":
        path.write_bytes(path.read_bytes()[:-20])
    else:
        if damage == "a place out of range":
            data["trusted"] = {key: [len(data["files"]) + 5] for key in data["trusted"]}
        elif damage == "a place not a number":
            data["trusted"] = {key: ["2024/c.md"] for key in data["trusted"]}
        elif damage == "the trusted keys as a list":
            data["trusted"] = list(data["trusted"])
        else:
            del data["files"]
        path.write_text(json.dumps(data))
    files = _files(config, docs, without="2024/c.md")  # (with the file intact: both trusted, as above)
    built, resolved, speed = _build(config, files, cache)
    assert speed.links.used == 0 and [len(r) for r in resolved.values()] == [6, 2]
    _same_as_stock(built, config, files)
    assert _trusted(cache) == 2  # (replayed cleanly: trusted again)


def test_a_page_rendered_again_is_trusted_only_after_a_clean_replay(tmp_path, monkeypatch):
    config, docs, cache = _warm(tmp_path)
    with monkeypatch.context() as patch:  # (its stored render lost: the page is rendered)
        patch.setattr(blog_speed.Cache, "get", lambda self, key, keep=True: None)
        _, _, speed = _build(config, _files(config, docs), cache)
    assert speed.cache.page_misses == 2 and _trusted(cache) == 0
    _, resolved, speed = _build(config, _files(config, docs), cache)  # replayed, then trusted
    assert [len(r) for r in resolved.values()] == [6, 2] and _trusted(cache) == 2
