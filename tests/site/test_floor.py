"""The floor of a rebuild (issue #15): what every build paid even when no page changed.
Each fast path gives what the path it replaces gives, and is not installed when its seam
does not hold: rendered pages reused while their links resolve as they did
(site/blog_speed.render_page), read times reused (blog_speed.readtime), the page key's
inputs as JSON (site/page_cache._plain), the replaced site deleted by a detached process
(site/build.remove_later)."""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

import pytest
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure import pages
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from builder.site import blog_speed, page_cache, seams
from builder.site import build as sitebuild

MARKDOWN = """# Digest of the day

See [the first brief](../2024/a.md), [its second part](../2024/a.md#more),
[a missing one](../2024/gone.md), [this page's end](#end) and [a site](https://example.org/).

![A picture](../img/x.png)

## End {: #end }
"""


def _config(docs: Path) -> MkDocsConfig:
    config = MkDocsConfig()
    config.load_dict({"site_name": "x", "docs_dir": str(docs), "site_dir": str(docs.parent / "site"),
                      "markdown_extensions": ["toc", "attr_list", "tables"]})
    errors, _ = config.validate()
    assert not errors
    return config


def _site(tmp_path: Path, target: str = "2024/a.md"):
    docs = tmp_path / "docs"
    for name, text in (("digests/d.md", MARKDOWN), (target, "# A\n\n## More\n"), ("img/x.png", "")):
        (docs / name).parent.mkdir(parents=True, exist_ok=True)
        (docs / name).write_text(text, encoding="utf-8")
    config = _config(docs)
    files = Files([File(p, str(docs), config.site_dir, True) for p in ("digests/d.md", target, "img/x.png")])
    return config, files


def _render(config, files, speed=None) -> tuple[Page, list[str]]:
    """The digest's page rendered (through ``speed`` if given), with MkDocs' log lines."""
    page = Page(None, files.get_file_from_path("digests/d.md"), config)
    page.read_source(config)
    records: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda r: records.append(f"{r.levelname} {r.getMessage()}")
    pages.log.addHandler(handler)
    try:
        (speed.render_page if speed else Page.render)(page, config, files)
    finally:
        pages.log.removeHandler(handler)
    return page, records


def _same(a: Page, b: Page) -> None:
    assert a.content == b.content and a.toc.items and str(a.toc) == str(b.toc)
    assert a._title_from_render == b._title_from_render and a.present_anchor_ids == b.present_anchor_ids
    assert {f.src_uri: v for f, v in a.links_to_anchors.items()} == \
        {f.src_uri: v for f, v in b.links_to_anchors.items()}


def test_a_page_with_links_is_reused_only_while_they_resolve_alike(tmp_path):
    config, files = _site(tmp_path)
    stock, stock_log = _render(config, files)
    assert 'href="../../2024/a/"' in stock.content and any("gone.md" in line for line in stock_log)
    cache_dir = tmp_path / "cache"
    speed = blog_speed.Speedup(config, cache_dir, parts=("page-render",))
    try:
        first, first_log = _render(config, files, speed)
        assert speed.cache.page_misses == 1
    finally:
        speed.close()
    _same(first, stock)
    assert first_log == stock_log
    speed = blog_speed.Speedup(config, cache_dir, parts=("page-render",))
    try:
        again, again_log = _render(config, files, speed)  # from the cache, links replayed
        assert (speed.cache.page_hits, speed.cache.page_misses) == (1, 0)
    finally:
        speed.close()
    _same(again, stock)
    assert again_log == stock_log  # the missing link's warning, as a render gives it

    # The linked brief is published elsewhere: same page, same Markdown, another URL for
    # one link: rendered again, as MkDocs would render it.
    docs = tmp_path / "docs"
    moved = Files([File("digests/d.md", str(docs), config.site_dir, True),
                   File("2024/a.md", str(docs), config.site_dir, True, dest_uri="2024/elsewhere/index.html"),
                   File("img/x.png", str(docs), config.site_dir, True)])
    stock2, stock2_log = _render(config, moved)
    assert 'href="../../2024/elsewhere/"' in stock2.content
    speed = blog_speed.Speedup(config, cache_dir, parts=("page-render",))
    try:
        again2, again2_log = _render(config, moved, speed)
        assert (speed.cache.page_hits, speed.cache.page_misses) == (0, 1)
    finally:
        speed.close()
    _same(again2, stock2)
    assert again2_log == stock2_log  # the replay's lines dropped, the render's kept


def test_a_replay_that_fails_logs_nothing(tmp_path, caplog):
    config, files = _site(tmp_path)
    page = Page(None, files.get_file_from_path("digests/d.md"), config)
    page.read_source(config)
    speed = blog_speed.Speedup(config, None, parts=())
    entry = ["x", [], None, [], [["../2024/gone.md", "somewhere-else"]]]
    with caplog.at_level(logging.INFO):
        assert not speed._reuse(page, entry, config, files)
    assert not [r for r in caplog.records if "gone.md" in r.getMessage()]
    assert page.content is None


def test_page_render_is_not_installed_when_its_seam_fails(monkeypatch, tmp_path):
    config, _ = _site(tmp_path)
    render, path_to_url = Page.__dict__["render"], pages._RelativePathTreeprocessor.__dict__["path_to_url"]
    monkeypatch.setattr(pages._RelativePathTreeprocessor, "path_to_url", lambda self, url, extra=None: url)
    assert seams.check("page-render") and seams.check("blog-posts")
    monkeypatch.setattr(pages._RelativePathTreeprocessor, "path_to_url", path_to_url)
    monkeypatch.delattr(pages, "log")
    assert seams.check("page-render") is not None
    monkeypatch.undo()
    assert seams.check("page-render") is None
    monkeypatch.setattr(seams, "usable", lambda name, **kw: name != "page-render")
    speed, _ = blog_speed.install(config, None)
    try:
        assert Page.__dict__["render"] is render  # MkDocs renders every page other than a post
    finally:
        speed.uninstall()
    assert Page.__dict__["render"] is render
    assert pages._RelativePathTreeprocessor.__dict__["path_to_url"] is path_to_url


def test_read_time_is_materials(monkeypatch, tmp_path):
    from material.plugins.blog import plugin
    from material.plugins.blog.readtime import readtime

    config, _ = _site(tmp_path)
    html = "<p>" + "word " * 700 + "</p><img src='a.png'><img src='b.png'>"
    speed = blog_speed.Speedup(config, tmp_path / "cache", parts=("blog-readtime",))
    try:
        assert plugin.readtime is not readtime
        assert plugin.readtime(html, 265) == readtime(html, 265) == 4
        assert plugin.readtime(html, 100) == readtime(html, 100)
        assert plugin.readtime("<p>one</p>", 265) == readtime("<p>one</p>", 265)
    finally:
        speed.close()
    assert plugin.readtime is readtime
    speed = blog_speed.Speedup(config, tmp_path / "cache", parts=("blog-readtime",))
    try:
        from builder.output.store import integrity

        assert speed.cache.old[integrity("readtime", "265", html)] == [4]  # stored, not computed again
        assert plugin.readtime(html, 265) == 4
    finally:
        speed.uninstall()
    monkeypatch.setattr(plugin, "readtime", lambda html, words_per_minute, images=0: 1)
    assert "readtime" in seams.check("blog-readtime")
    monkeypatch.setattr(seams, "usable", lambda name, **kw: name != "blog-readtime")
    speed, _ = blog_speed.install(config, None)
    try:
        assert plugin.readtime(html, 265) == 1  # left as it was
    finally:
        speed.uninstall()


def test_page_key_inputs_as_json():
    import datetime as dt

    meta = {"title": "A", "date": {"created": dt.datetime(2024, 5, 1, 12)}, "tags": ["x", "y"],
            "f": len, "s": {3, 1}}
    assert page_cache._plain(meta) == page_cache._plain(dict(reversed(meta.items())))
    assert page_cache._plain({**meta, "s": {1, 3}}) == page_cache._plain(meta)
    assert "<datetime:2024-05-01 12:00:00>" in page_cache._plain(meta) and "<builtins.len>" in page_cache._plain(meta)
    for other in ({**meta, "date": {"created": dt.datetime(2024, 5, 1, 13)}}, {**meta, "tags": ["y", "x"]},
                  {**meta, "s": [1, 3]}, {**meta, "title": 1}):
        assert page_cache._plain(other) != page_cache._plain(meta)
    # Keys JSON cannot sort: the stable text, which cannot equal any JSON text.
    odd = {1: "a", "b": 2}
    assert page_cache._plain(odd).startswith("\0") and page_cache._plain(odd) == page_cache._plain(odd)


def test_the_replaced_site_is_deleted_without_waiting(tmp_path, monkeypatch):
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("old", encoding="utf-8")

    def fake_mkdocs(args, env):
        partial = Path(args[args.index("-d") + 1])
        partial.mkdir()
        (partial / "index.html").write_text("new", encoding="utf-8")
        return 0, []

    monkeypatch.setattr(sitebuild, "run_mkdocs", fake_mkdocs)
    removed: list[Path] = []
    real = sitebuild.remove_later
    monkeypatch.setattr(sitebuild, "remove_later", lambda folder: (removed.append(folder), real(folder)))
    assert sitebuild.build("mkdocs.yml", site, {}) == 0
    assert (site / "index.html").read_text(encoding="utf-8") == "new"
    assert not (tmp_path / "site.previous").exists()
    assert removed == [tmp_path / f"site.trash-{os.getpid()}"]
    deadline = time.monotonic() + 30
    while removed[0].exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not removed[0].exists()

    # A deletion cut short: the next run finishes it; other folders are left alone.
    for name in ("site.trash-12", "site.trash-x", "other.trash-3"):
        (tmp_path / name / "a").mkdir(parents=True)
    removed.clear()
    sitebuild.recover(site)
    assert removed == [tmp_path / "site.trash-12"]
    assert (tmp_path / "site.trash-x").is_dir() and (tmp_path / "other.trash-3").is_dir()


def test_remove_later_falls_back_to_removing_now(tmp_path, monkeypatch):
    folder = tmp_path / "site.trash-1"
    (folder / "x").mkdir(parents=True)

    def no_process(*args, **kwargs):
        raise OSError("no more processes")

    monkeypatch.setattr(sitebuild.subprocess, "Popen", no_process)
    sitebuild.remove_later(folder)
    assert not folder.exists()


@pytest.mark.parametrize("name", ["page-render", "blog-readtime"])
def test_new_seams_hold(name):
    assert seams.check(name) is None


FRONT_MATTERS = [
    "title: A\ndate:\n  created: 2024-05-01 12:30:01.5+02:00\n  updated: 2024-05-02\ntags: [a, b]\nn: 3\n"
    "f: 1.5\nb: true\nx: null\nauthors:\n  - reuters-desk\n",
    "date: 2024-05-01T12:00:00Z\n", "date: 2024-05-01 12:00:00-05:30\n", "date: 2024-05-01 10:00:00\n",
    "a: !!binary aGVsbG8=\n", "1: x\n", "s: !!set {a, b}\n", "'\ue000nb:date': [2024, 1, 1]\n",
]


def _shape(value):
    if isinstance(value, dict):
        return {k: _shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_shape(v) for v in value]
    return (type(value), repr(value), type(getattr(value, "tzinfo", None)))


@pytest.mark.parametrize("text", FRONT_MATTERS)
def test_front_matter_from_the_cache_is_pyyamls(tmp_path, text):
    import yaml

    want = yaml.load(text, yaml.CSafeLoader)
    cache = blog_speed.Cache(tmp_path)
    first = blog_speed._FrontMatter(cache, yaml).load(text, yaml.CSafeLoader)
    cache.save()
    again = blog_speed.Cache(tmp_path)
    second = blog_speed._FrontMatter(again, yaml).load(text, yaml.CSafeLoader)
    third = blog_speed._FrontMatter(again, yaml).load(text, yaml.CSafeLoader)
    assert _shape(first) == _shape(second) == _shape(third) == _shape(want)
    assert second is not third  # each post gets objects of its own: Material changes meta
    stored = blog_speed._tag(want) is not blog_speed._NO
    assert len(again.new) == stored  # (binary, sets, keys that are not strings: PyYAML each time)


def test_front_matter_seam(monkeypatch, tmp_path):
    import yaml
    from material.plugins.blog import structure

    config, _ = _site(tmp_path)
    speed = blog_speed.Speedup(config, None, parts=("blog-yaml",))
    try:
        assert isinstance(structure.yaml, blog_speed._FrontMatter) and structure.SafeLoader is yaml.CSafeLoader
    finally:
        speed.uninstall()
    assert structure.yaml is yaml and structure.SafeLoader is yaml.SafeLoader
    monkeypatch.setattr(structure, "yaml", object())
    assert "yaml" in seams.check("blog-yaml")
    monkeypatch.undo()
    monkeypatch.setattr(seams, "usable", lambda name, **kw: name != "blog-yaml")
    speed, _ = blog_speed.install(config, None)
    try:
        assert structure.yaml is yaml and structure.SafeLoader is yaml.SafeLoader
    finally:
        speed.uninstall()


def test_the_blog_cache_writes_back_what_it_read(tmp_path):
    cache = blog_speed.Cache(tmp_path)
    cache.put("a", ["<p>a</p>", None, []])
    cache.put("b", [3])
    cache.put("c", [4])
    cache.save()
    path = tmp_path / blog_speed.CACHE_SUBDIR / blog_speed.CACHE_FILE
    again = blog_speed.Cache(tmp_path)
    assert again.get("a") == ["<p>a</p>", None, []] and again.get("b") == [3]
    assert not again.dirty and again.read == {"a", "b"}
    before = path.read_bytes()
    again.put("b", [5])  # replaced: written anew; "c" unused: kept for blog_speed.KEEP_BUILDS writing builds
    again.save()
    third = blog_speed.Cache(tmp_path)
    assert (third.get("a"), third.get("b"), third.get("c")) == (["<p>a</p>", None, []], [5], [4])
    assert path.read_bytes() != before
    path.write_bytes(b"marker")
    third.save()  # nothing changed, nothing dropped: not written
    assert path.read_bytes() == b"marker"
