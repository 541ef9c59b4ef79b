"""builder/site/cold_speed.py (issue #15 item 4): the cold-build speed-ups must change
nothing in the site. A small copy of the real project (the sample dump plus synthetic
ones: month archives, publisher and author pages, pagination) is built cold with
``cold_speed`` on and off and every file of the sites compared byte for byte; the parts
are checked on their own too (view membership against Material's generator, Jinja's
nested get_template calls, the seam's check).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from jinja2 import DictLoader, Environment
from site_support import MKDOCS_BUILD, run_in, site_files, synthetic_project

from builder.output.store import integrity
from builder.site import blog_speed, cold_speed, page_cache, seams

N_SYNTHETIC = 40


def _project(root: Path, options: str) -> Path:
    """The project the cold-build tests share (also test_cold9_split, test_cold_second_core,
    test_cold12_posts_ahead, test_lead11_gc, test_cold13_blog_temp): `options` added to the
    newsbrief plugin's."""
    return synthetic_project(root, 15, N_SYNTHETIC, options)


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    base = tmp_path_factory.mktemp("coldspeed")
    off = _project(base / "off", "      cold_speed: false\n")
    on = _project(base / "on", "")
    return off, on, run_in(off, MKDOCS_BUILD), run_in(on, MKDOCS_BUILD)


def test_same_site_with_and_without_cold_speed(sites):
    off, on, _off_log, on_log = sites
    a, b = site_files(off / "site"), site_files(on / "site")
    assert a.keys() == b.keys()
    assert sum(k.endswith(".html") for k in a) > 3 * N_SYNTHETIC
    # The list pages the view index decides about are there, with their briefs.
    assert any(k.startswith("archive/") for k in a) and any(k.startswith("author/") for k in a)
    differ = [k for k in a if a[k] != b[k]]
    assert not differ, f"{len(differ)} file(s) differ, e.g. {differ[:5]}"
    assert "blog-views" not in on_log  # the seam held: no warning


def test_blog_views_seam_holds():
    assert seams.check("blog-views") is None


def test_blog_views_seam_fails_when_material_changes(monkeypatch):
    source = seams._source

    def changed(obj):
        text = source(obj)
        return text.replace("if view not in self._resolve_views(self.blog):", "if view not in views:")

    monkeypatch.setattr(seams, "_source", changed)
    assert "on_page_context" in seams.check("blog-views")


class _File:
    def __init__(self, src_uri):
        self.src_uri = src_uri

    def __eq__(self, other):
        return isinstance(other, _File) and self.src_uri == other.src_uri


class _Page:
    """Compared as MkDocs' Page is: by class, title and file."""

    def __init__(self, title, src_uri, views=()):
        self.title, self.file, self.views = title, _File(src_uri), list(views)

    def __eq__(self, other):
        return isinstance(other, self.__class__) and self.title == other.title and self.file == other.file


class _Archive(_Page):
    pass


class _Blog:
    """Material's BlogPlugin._resolve_views, as shipped."""

    def __init__(self, blog):
        self.blog = blog

    def _resolve_views(self, view):
        yield view
        for page in view.views:
            yield from self._resolve_views(page)


def test_view_index_answers_as_materials_generator():
    months = [_Archive(f"2024-{m:02d}", f"archive/2024/{m:02d}.md") for m in range(1, 13)]
    year = _Page("2024", "archive/2024.md", months)
    blog = _Page("Blog", "index.md", [year, _Page("Publisher", "publisher/x.md")])
    plugin = _Blog(blog)
    stock = list(plugin._resolve_views(blog))
    assert cold_speed.index_views([plugin]) == len(stock) == 15
    assert list(plugin._resolve_views(blog)) == stock  # same views, same order
    assert list(plugin._resolve_views(year)) == [year, *months]  # other views: Material's walk
    probes = [*stock, _Archive("2024-03", "archive/2024/03.md"), _Page("2024-03", "archive/2024/03.md"),
              _Archive("other", "archive/2024/03.md"), _Page("Post", "posts/a.md"), _Page("Blog", "index.md")]
    for probe in probes:
        assert (probe in plugin._resolve_views(blog)) == (probe in _Blog._resolve_views(plugin, blog)), probe.title
    # Indexing again (a rebuild) starts from Material's walk, not from the last index.
    blog.views.append(_Page("Author", "author/y.md"))
    assert cold_speed.index_views([plugin]) == 16


def test_nested_templates_are_not_wrapped():
    env = Environment(loader=DictLoader({
        "main.html": '{% extends "base.html" %}{% block body %}[{{ x }}]{% include "part.html" %}{% endblock %}',
        "base.html": "<html>{% block body %}{% endblock %}{% import 'macros.html' as m %}{{ m.f() }}</html>",
        "part.html": "<p>{{ x }}</p>",
        "macros.html": "{% macro f() %}F{% endmacro %}",
    }))
    expected = env.get_template("main.html").render({"x": 1})
    original, calls = env.get_template, []

    def wrapper(name, *args, **kwargs):  # stands in for the page cache's and compact's wrappers
        calls.append(name)
        return original(name, *args, **kwargs)

    env.get_template = wrapper
    env.get_template("main.html").render({"x": 1})
    assert sorted(calls) == ["base.html", "macros.html", "main.html", "part.html"]
    calls.clear()
    cold_speed.plain_when_nested(env, original)
    assert env.get_template("main.html").render({"x": 1}) == expected == "<html>[1]<p>1</p>F</html>"
    assert calls == ["main.html"]
    assert cold_speed.nested(("base.html",), {}) and cold_speed.nested((), {"parent": "x"})
    assert not cold_speed.nested((), {}) and not cold_speed.nested((None,), {})


def test_page_cache_stored_every_page_in_the_background(sites):
    _, on, _, on_log = sites
    m = re.search(r"page cache: (\d+) reused, (\d+) rendered", on_log)
    assert m and int(m[1]) == 0 and int(m[2]) > 3 * N_SYNTHETIC
    stored = list((on / ".newsbrief-cache" / page_cache.SUBDIR).glob("*.html"))
    assert len(stored) == int(m[2])  # written by the thread before close() swept the folder
    for path in stored:
        assert page_cache.unseal(path.stem, path.read_text(encoding="utf-8")) is not None


def test_blog_cache_written_in_pieces_is_the_same_file(tmp_path):
    # (adapted to the append-only store, tests/site/test_posts7.py: the index written in
    # pieces, the log an entry's JSON text after another)
    cache = blog_speed.Cache(tmp_path)
    cache.new = {"k1": ["<p>é \u2028 \"q\"</p>", None, []],
                 "k\"2": ["<h1>x</h1>", [{"level": 1, "id": "x", "name": "X", "children": []}], "X", ["x"],
                          [["x", "y"]]]}
    cache.dirty = True
    cache.save()
    bodies = [json.dumps(entry, separators=(',', ':')) for entry in cache.new.values()]
    folder = tmp_path / blog_speed.CACHE_SUBDIR
    header, *lines = (folder / blog_speed.CACHE_FILE).read_text(encoding="utf-8").split("\n")
    assert json.loads(header) == {"format": blog_speed.FORMAT, "log": "entries-1.log", "build": 1}
    log = (folder / "entries-1.log").read_bytes()
    index = {line.split("\t")[0]: line.split("\t")[1:] for line in lines}
    assert index.keys() == cache.new.keys()
    for (key, (build, digest, offset, length)), body in zip(index.items(), bodies, strict=True):
        assert build == "1" and digest == integrity("blog", key, body)
        assert log[int(offset):int(offset) + int(length)] == body.encode()
    assert blog_speed.Cache(tmp_path).old == cache.new


def test_excerpt_parser_is_made_on_first_use(monkeypatch):
    from material.plugins.blog import structure

    assert seams.check("blog-excerpt-parser") is None
    made = []
    original = structure.Markdown

    def counting(*args, **kwargs):
        made.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(structure, "Markdown", counting)
    init = structure.Excerpt.__init__
    lazy = cold_speed.LazyExcerptParser()
    try:
        excerpt = structure.Excerpt.__new__(structure.Excerpt)
        post = type("P", (), {"file": _File("posts/a.md"), "config": {}, "meta": {"title": "A"}})()
        config = type("C", (), {"site_url": None, "markdown_extensions": ["toc"], "mdx_configs": {}})()
        monkeypatch.setattr(structure, "_patch", lambda c: c)
        excerpt.__init__(post, config, None)
        assert made == [] and excerpt.meta is post.meta and excerpt.more is None
        md = excerpt.md
        assert made == [1] and excerpt.md is md  # made once, on first use
        names = [(p.name, p.priority) for p in md.treeprocessors._priority]
        assert ("excerpt", 0) in names and ("relpath", 1) in names
    finally:
        lazy.uninstall()
    assert structure.Excerpt.__init__ is init and "md" not in vars(structure.Excerpt)


def test_excerpt_parser_seam_fails_when_material_changes(monkeypatch):
    monkeypatch.setattr(seams, "EXCERPT_INIT_SHA256", "0" * 64)
    assert "Excerpt.__init__" in seams.check("blog-excerpt-parser")
