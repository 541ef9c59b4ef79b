"""Reused pages whose links are trusted (site/blog_speed.LinkTrust): a page whose links
each named a file, and logged nothing, is reused without replaying them while no file was
removed or changed its URL or exclusion and the link options are as they were; anything
else replays them as before. Each build here is a Speedup of its own over one cache."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure import pages
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

from builder.site import blog_speed, seams

MARKDOWN = """# Digest of the day

See [the first brief](../2024/a.md), [its second part](../2024/a.md#more),
[the other one](../2024/b.md), [this page's end](#end) and [a site](https://example.org/).

![A picture](../img/x.png)

## End {: #end }
"""
PARTS = ("page-render", "page-links-trusted")


def _config(docs: Path, **validation) -> MkDocsConfig:
    config = MkDocsConfig()
    config.load_dict({"site_name": "x", "docs_dir": str(docs), "site_dir": str(docs.parent / "site"),
                      "markdown_extensions": ["toc", "attr_list"],
                      **({"validation": {"links": validation}} if validation else {})})
    errors, _ = config.validate()
    assert not errors
    return config


def _site(tmp_path: Path, markdown: str = MARKDOWN, **validation):
    docs = tmp_path / "docs"
    for name, text in (("digests/d.md", markdown), ("2024/a.md", "# A\n\n## More\n"), ("2024/b.md", "# B\n"),
                       ("img/x.png", "")):
        (docs / name).parent.mkdir(parents=True, exist_ok=True)
        (docs / name).write_text(text, encoding="utf-8")
    return _config(docs, **validation), docs


def _files(config, docs, *extra: File, b_dest: str | None = None) -> Files:
    return Files([File("digests/d.md", str(docs), config.site_dir, True),
                  File("2024/a.md", str(docs), config.site_dir, True),
                  File("2024/b.md", str(docs), config.site_dir, True, dest_uri=b_dest),
                  File("img/x.png", str(docs), config.site_dir, True), *extra])


def _build(config, files, cache_dir, parts=PARTS):
    """One build of the digest's page: (the page, MkDocs' log lines, the links resolved by
    path_to_url, the Speedup after close)."""
    speed = blog_speed.Speedup(config, cache_dir, parts=parts)
    resolved: list[str] = []
    path_to_url = speed._path_to_url
    speed._path_to_url = lambda processor, url: resolved.append(url) or path_to_url(processor, url)
    page = Page(None, files.get_file_from_path("digests/d.md"), config)
    page.read_source(config)
    lines: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda r: lines.append(f"{r.levelname} {r.getMessage()}")
    pages.log.addHandler(handler)
    try:
        speed.render_page(page, config, files)
    finally:
        pages.log.removeHandler(handler)
        speed._path_to_url = path_to_url  # (what close() puts back)
        speed.close()
    return page, lines, resolved, speed


def _stock(config, files):
    page = Page(None, files.get_file_from_path("digests/d.md"), config)
    page.read_source(config)
    page.render(config, files)
    return page


def _same(a: Page, b: Page) -> None:
    assert a.content == b.content and str(a.toc) == str(b.toc)
    assert a._title_from_render == b._title_from_render and a.present_anchor_ids == b.present_anchor_ids
    assert {f.src_uri: v for f, v in a.links_to_anchors.items()} == \
        {f.src_uri: v for f, v in b.links_to_anchors.items()}


def _trusted(cache_dir: Path) -> list:
    path = cache_dir / blog_speed.CACHE_SUBDIR / blog_speed.LINKS_FILE
    return list(json.loads(path.read_text())["trusted"]) if path.is_file() else []  # (the keys)


def test_links_are_trusted_after_a_clean_replay_and_a_new_file_keeps_the_trust(tmp_path):
    config, docs = _site(tmp_path)
    cache = tmp_path / "cache"
    page, _, resolved, speed = _build(config, _files(config, docs), cache)  # rendered
    assert speed.cache.page_misses == 1 and len(resolved) == 6 and _trusted(cache) == []
    page, _, resolved, speed = _build(config, _files(config, docs), cache)  # reused, every link replayed
    assert speed.cache.page_hits == 1 and len(resolved) == 6 and len(_trusted(cache)) == 1
    _same(page, _stock(config, _files(config, docs)))

    # A new brief: the page is reused and only its links with an anchor are resolved again
    # (they fill MkDocs' anchor validation); the same page, links_to_anchors included.
    new = File("2024/c.md", str(docs), config.site_dir, True)
    (docs / "2024/c.md").write_text("# C\n", encoding="utf-8")
    page, lines, resolved, speed = _build(config, _files(config, docs, new), cache)
    assert speed.cache.page_hits == 1 and resolved == ["../2024/a.md#more", "#end"] and not lines
    _same(page, _stock(config, _files(config, docs, new)))
    assert len(_trusted(cache)) == 1


def test_a_removed_or_moved_file_replays_every_link(tmp_path):
    config, docs = _site(tmp_path)
    cache = tmp_path / "cache"
    for _ in range(2):
        _build(config, _files(config, docs), cache)
    assert len(_trusted(cache)) == 1
    # The other brief published elsewhere: every link replayed, the page rendered again
    # as MkDocs renders it.
    moved = _files(config, docs, b_dest="2024/elsewhere/index.html")
    page, _, resolved, speed = _build(config, moved, cache)
    assert speed.cache.page_misses == 1 and 'href="../../2024/elsewhere/"' in page.content
    _same(page, _stock(config, moved))
    # A file no link names removed: the page is reused, its links trusted (site/trust9: only
    # those with an anchor resolved again).
    for _ in range(2):
        _build(config, _files(config, docs, File("img/y.png", str(docs), config.site_dir, True)), cache)
    page, _, resolved, speed = _build(config, _files(config, docs), cache)
    assert speed.cache.page_hits == 1 and resolved == ["../2024/a.md#more", "#end"]
    _same(page, _stock(config, _files(config, docs)))


def test_an_excluded_file_or_other_link_options_replay_every_link(tmp_path):
    config, docs = _site(tmp_path)
    cache = tmp_path / "cache"
    for _ in range(2):
        _build(config, _files(config, docs), cache)
    excluded = _files(config, docs)
    excluded.get_file_from_path("2024/b.md").inclusion = InclusionLevel.EXCLUDED
    _, _, resolved, _ = _build(config, excluded, cache)
    assert len(resolved) == 6
    assert _trusted(cache) == []  # (a link to an excluded file logs, at a level the logger may drop)

    config, docs = _site(tmp_path / "other")
    cache = tmp_path / "other-cache"
    for _ in range(2):
        _build(config, _files(config, docs), cache)
    assert len(_trusted(cache)) == 1
    config = _config(docs, not_found="info")
    _, _, resolved, _ = _build(config, _files(config, docs), cache)
    assert len(resolved) == 6


def test_a_page_with_an_absolute_link_is_never_trusted(tmp_path):
    config, docs = _site(tmp_path, MARKDOWN + "\nAnd [an absolute one](/2024/a.md).\n")
    cache = tmp_path / "cache"
    for _ in range(3):
        _, _, resolved, _ = _build(config, _files(config, docs), cache)
        assert len(resolved) == 7
    assert _trusted(cache) == []


def test_a_page_with_a_missing_link_is_never_trusted(tmp_path):
    markdown = MARKDOWN + "\nAnd [a missing one](../2024/gone.md).\n"
    # (not_found as ignore: the missing link logs nothing MkDocs' logger shows; a file named
    # so later would change the link, so the page is not trusted either)
    for validation in ({}, {"not_found": "ignore"}):
        config, docs = _site(tmp_path / str(len(validation)), markdown, **validation)
        cache = tmp_path / f"cache{len(validation)}"
        for _ in range(3):
            _, _, resolved, _ = _build(config, _files(config, docs), cache)
            assert len(resolved) == 7
        assert _trusted(cache) == []
        gone = File("2024/gone.md", str(docs), config.site_dir, True)
        (docs / "2024/gone.md").write_text("# Gone\n", encoding="utf-8")
        page, _, _, speed = _build(config, _files(config, docs, gone), cache)
        assert speed.cache.page_misses == 1 and 'href="../../2024/gone/"' in page.content


def test_without_the_seam_every_link_is_replayed(tmp_path, monkeypatch):
    config, docs = _site(tmp_path)
    cache = tmp_path / "cache"
    for _ in range(2):
        _build(config, _files(config, docs), cache)
    _, _, resolved, _ = _build(config, _files(config, docs), cache, parts=("page-render",))
    assert len(resolved) == 6
    monkeypatch.setattr(seams, "LINK_RESOLUTION_SHA256", "0" * 64)
    assert seams.check("page-links-trusted") is not None
    assert "page-links-trusted" not in [name for name in blog_speed.SEAMS if seams.check(name) is None]


def test_files_changed_during_the_build_end_the_trust(tmp_path):
    config, docs = _site(tmp_path)
    cache = tmp_path / "cache"
    for _ in range(2):
        _build(config, _files(config, docs), cache)
    files = _files(config, docs)
    speed = blog_speed.Speedup(config, cache, parts=PARTS)
    page = Page(None, files.get_file_from_path("digests/d.md"), config)
    page.read_source(config)
    key = speed._page_key(page)
    assert speed.links.trusts(key, files, config)
    files.append(File("2024/c.md", str(docs), config.site_dir, True))  # (as MkDocs adds the theme's)
    assert speed.links.trusts(key, files, config)
    files.remove(files.get_file_from_path("img/x.png"))
    assert not speed.links.trusts(key, files, config)
    files.append(File("img/x.png", str(docs), config.site_dir, True))  # (back: trust lost for the build)
    assert not speed.links.trusts(key, files, config)
    speed.close()
    assert _trusted(cache) == []

    speed = blog_speed.Speedup(config, cache, parts=PARTS)  # (a file moved after the first replay)
    files = _files(config, docs)
    speed.links.held(key, files, config)
    files.get_file_from_path("2024/b.md").dest_uri = "2024/elsewhere/index.html"
    files.get_file_from_path("2024/b.md").url = "2024/elsewhere/"
    speed.close()
    assert _trusted(cache) == []


def test_lookups_are_what_files_looks_up(tmp_path):
    config, docs = _site(tmp_path)
    files = _files(config, docs)
    posix: dict = {}
    for path in ("2024/a.md", "2024//a.md", "./2024/a.md", "", ".", "2024/a.md/", "2024/nope.md", "/2024/a.md"):
        lookups = blog_speed._Lookups(files, posix)
        assert lookups.get_file_from_path(path) is files.get_file_from_path(path)
        assert lookups.doubtful is (files.get_file_from_path(path) is None)
    assert seams.check("page-links-trusted") is None


def test_a_frozen_posts_links_are_trusted_the_same_way(tmp_path):
    """site/freeze.py replays a post's recorded links (replay_links) before freezing it."""
    config, docs = _site(tmp_path)
    cache = tmp_path / "cache"
    calls = [["../2024/a.md", "../../2024/a/"], ["../2024/b.md#x", "../../2024/b/#x"]]

    def replay(files) -> tuple[list | None, int]:
        speed = blog_speed.Speedup(config, cache, parts=PARTS)
        resolved: list[str] = []
        path_to_url = speed._path_to_url
        speed._path_to_url = lambda processor, url: resolved.append(url) or path_to_url(processor, url)
        page = Page(None, files.get_file_from_path("digests/d.md"), config)
        try:
            return speed.replay_links(page, calls, config, files), len(resolved)
        finally:
            speed._path_to_url = path_to_url
            speed.close()

    assert replay(_files(config, docs)) == (calls, 2)
    new = File("2024/c.md", str(docs), config.site_dir, True)
    assert replay(_files(config, docs, new)) == (calls, 0)  # trusted: a file was added, none moved
    moved = _files(config, docs, new, b_dest="2024/elsewhere/index.html")
    assert replay(moved) == ([calls[0], ["../2024/b.md#x", "../../2024/elsewhere/#x"]], 2)
    assert replay(moved) == ([calls[0], ["../2024/b.md#x", "../../2024/elsewhere/#x"]], 2)  # (not as recorded)
