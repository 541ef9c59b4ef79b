"""builder/site/drawer_memo.py: the drawer (Material's partials/nav.html) rendered once per
distinct drawer. Here in one process, on MkDocs' own navigation and Material's own
templates: every page's drawer from the memo is the stock render's, byte for byte, and a
page whose drawer differs (another active item, another depth or folder, a page that is an
item with its table of contents, a context that names what the templates may read) gets
its own."""

from __future__ import annotations

from pathlib import Path

import pytest
from mkdocs.config import load_config
from mkdocs.structure.files import get_files
from mkdocs.structure.nav import get_navigation

from builder.site import drawer_memo, seams

PAGE = ('{%- import "partials/language.html" as lang with context -%}'
        '{%- set features = config.theme.features or [] -%}'
        '{%- include "partials/nav.html" -%}')
DOCS = {
    "index.md": "# Home\n\ntext\n",
    "about.md": "# About\n\n## One part\n\ntext\n\n## Another part\n\ntext\n",
    "tags/index.md": "# Tags\n",
    "section/index.md": "# Section\n",
    "section/first.md": "# First\n\n## A heading\n",
    "section/second.md": "# Second\n",
    "2024/03/brief-a.md": "# Brief A\n\n## Part\n",
    "2024/03/brief-b.md": "# Brief B\n",
    "2023/11/brief-c.md": "# Brief C\n",
    "2024/brief-d.md": "# Brief D\n",
    "tags/x/tagged.md": "# Tagged\n",
    "section/y/inner.md": "# Inner\n",
}
CONFIG = """\
site_name: drawer
site_url: http://127.0.0.1/
theme:
  name: material
  features: [navigation.tabs, navigation.prune, navigation.indexes, toc.follow]
nav:
  - Home: index.md
  - About: about.md
  - Tags: tags/index.md
  - Section:
      - section/index.md
      - section/first.md
      - section/second.md
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("drawer")
    for name, text in DOCS.items():
        path = root / "docs" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (root / "mkdocs.yml").write_text(CONFIG, encoding="utf-8")
    config = load_config(str(root / "mkdocs.yml"))
    files = get_files(config)
    nav = get_navigation(files, config)
    pages = {}
    for file in files.documentation_pages():
        file.page.read_source(config)
        file.page.render(config, files)
        pages[file.src_uri] = file.page
    return config, nav, pages


def _renderer(config, memo: bool, page: str = PAGE, name: str = "partials/nav.html"):
    env = config.theme.get_env()
    installed = drawer_memo.install(env, env.get_template) if memo else {}
    assert sorted(installed) == (["base.html#config", *sorted(drawer_memo.MEMOIZED)] if memo else [])
    template = env.from_string(page)
    return env, installed.get(name), template


def _render(template, config, nav, page, **extra) -> str:
    page.active = True  # as MkDocs' _build_page: the page and its ancestors
    try:
        return template.render(config=config, nav=nav, page=page, base_url=_base(page.url), **extra)
    finally:
        page.active = False


def _base(url: str) -> str:
    depth = url.rstrip("/").count("/") + 1 if url.strip("/") else 0
    return "/".join([".."] * depth) or "."


def test_every_drawer_is_the_stock_one_and_rendered_once_per_distinct_drawer(site):
    config, nav, pages = site
    _, _, stock = _renderer(config, memo=False)
    _, memo, memoized = _renderer(config, memo=True)
    order = ["2024/03/brief-a.md", "2024/03/brief-b.md", "2023/11/brief-c.md", "2024/brief-d.md",
             "tags/x/tagged.md", "section/y/inner.md", "index.md", "about.md", "section/first.md",
             "2024/03/brief-a.md", "tags/x/tagged.md"]
    out = {}
    for name in order:
        expected = _render(stock, config, nav, pages[name])
        got = _render(memoized, config, nav, pages[name])
        assert got == expected, name
        out[name] = got
    # The three briefs two folders deep share one drawer: rendered once, reused twice and
    # again at the end; the page one folder up has another depth.
    assert out["2024/03/brief-a.md"] == out["2023/11/brief-c.md"] != out["2024/brief-d.md"]
    # Same depth as the briefs, but under tags/ (an item's folder): its links differ.
    assert out["tags/x/tagged.md"] != out["2024/03/brief-a.md"]
    # The items of the navigation: each its own (the current item, its table of contents).
    assert "One part" in out["about.md"] and "A heading" in out["section/first.md"]
    assert memo.own == 3
    # brief-a, brief-d, tagged, inner rendered; brief-b, brief-c, brief-a again, tagged again reused.
    assert (memo.rendered, memo.hits) == (4, 4)


def test_an_active_section_is_another_drawer(site):
    config, nav, pages = site
    _, _, stock = _renderer(config, memo=False)
    _, memo, memoized = _renderer(config, memo=True)
    section = pages["section/first.md"].parent
    a, b = pages["2024/03/brief-a.md"], pages["2024/03/brief-b.md"]
    plain = _render(memoized, config, nav, a)
    b.parent = section  # (as Material's blog attaches its posts to the blog's page)
    try:
        attached = _render(memoized, config, nav, b)
        assert attached == _render(stock, config, nav, b)
    finally:
        b.parent = None
    assert attached != plain and "md-nav__item--active" in attached
    assert (memo.rendered, memo.hits) == (2, 0)
    assert _render(memoized, config, nav, b) == plain  # detached again: the first drawer
    assert memo.hits == 1


def test_a_context_with_a_name_the_templates_may_read_is_rendered_the_stock_way(site):
    config, nav, pages = site
    _, _, stock = _renderer(config, memo=False)
    _, memo, memoized = _renderer(config, memo=True)
    assert "is_section" in memo.absent  # read from the context unless the item is a section
    page = pages["2024/03/brief-a.md"]
    got = _render(memoized, config, nav, page, is_section=True)
    assert got == _render(stock, config, nav, page, is_section=True)
    assert got != _render(stock, config, nav, page)
    assert (memo.own, memo.rendered) == (1, 0)


def test_another_feature_set_is_another_drawer(site):
    config, nav, pages = site
    _, memo, memoized = _renderer(config, memo=True)
    page = pages["2024/03/brief-a.md"]
    pruned = _render(memoized, config, nav, page)
    template = memoized.environment.from_string(PAGE.replace("config.theme.features or []", "[]"))
    _, _, stock = _renderer(config, memo=False)
    plain_stock = stock.environment.from_string(PAGE.replace("config.theme.features or []", "[]"))
    plain = _render(template, config, nav, page)
    assert plain == _render(plain_stock, config, nav, page) != pruned
    assert memo.rendered == 2


def test_the_tabs_are_shared_by_every_page_with_the_same_active_tab_and_depth(site):
    config, nav, pages = site
    tabs = PAGE.replace("partials/nav.html", "partials/tabs.html")
    _, _, stock = _renderer(config, False, tabs)
    _, memo, memoized = _renderer(config, True, tabs, "partials/tabs.html")
    assert not memo.reads_page
    out = {}
    for name in ["2024/03/brief-a.md", "2023/11/brief-c.md", "about.md", "section/first.md", "section/second.md",
                 "2024/brief-d.md", "section/y/inner.md"]:
        out[name] = _render(memoized, config, nav, pages[name])
        assert out[name] == _render(stock, config, nav, pages[name]), name
    assert out["2024/03/brief-a.md"] == out["2023/11/brief-c.md"]
    assert out["section/first.md"] == out["section/second.md"] != out["about.md"]  # (the active tab)
    # brief-a, about, first, brief-d, inner rendered; brief-c and second reused
    assert (memo.rendered, memo.hits, memo.own) == (5, 2, 0)


def test_the_seam_holds_and_fails_on_an_overridden_drawer(site, tmp_path: Path):
    config, _, _ = site
    assert seams.check("drawer-memo") is None
    env = config.theme.get_env()
    assert seams.check("drawer-memo", env=env) is None
    from jinja2 import ChoiceLoader, DictLoader

    env.loader = ChoiceLoader([DictLoader({"partials/nav-item.html": "{% macro render() %}{% endmacro %}"}),
                               env.loader])
    assert "nav-item.html" in seams.check("drawer-memo", env=env)
    assert drawer_memo.install(env, env.get_template) == {}  # the stock way


def test_the_seam_fails_when_jinja_renders_includes_otherwise(monkeypatch):
    from jinja2 import Environment

    compile_ = Environment.compile

    def other(self, source, *args, **kwargs):
        return compile_(self, source, *args, **kwargs).replace("gen.close()", "pass")

    monkeypatch.setattr(Environment, "compile", other)
    assert "root_render_func" in seams.check("drawer-memo")


def test_the_page_configuration_is_shared_by_the_pages_of_one_depth(site):
    config, nav, pages = site
    outs = {}
    memos = {}
    for memo in (False, True):
        env = config.theme.get_env()
        memos[memo] = drawer_memo.install(env, env.get_template).get("base.html#config") if memo else None
        base = env.get_template("base.html")
        lang = env.get_template("partials/language.html").make_module({"config": config})
        for name in ["2024/03/brief-a.md", "2023/11/brief-c.md", "about.md", "2024/brief-d.md", "index.md"]:
            page = pages[name]
            context = base.new_context({"config": config, "nav": nav, "page": page, "base_url": _base(page.url),
                                        "features": config.theme["features"], "lang": lang})
            outs[memo, name] = "".join(base.blocks["config"](context))
    assert all(outs[True, name] == outs[False, name] for _, name in outs)
    assert outs[True, "2024/03/brief-a.md"] == outs[True, "2023/11/brief-c.md"] != outs[True, "2024/brief-d.md"]
    assert '"base": "../../.."' in outs[True, "2024/03/brief-a.md"]
    # brief-a, about (one folder deep), brief-d, index rendered; brief-c reused
    assert (memos[True].rendered, memos[True].hits, memos[True].own) == (4, 1, 0)


def test_a_template_that_sets_what_the_url_filter_reads_is_not_memoized():
    from jinja2 import DictLoader, Environment

    env = Environment(loader=DictLoader({"a.html": "{% set page = nav %}{{ page }}", "b.html": "{{ page | e }}"}))
    assert drawer_memo.free_names(env, ("b.html",)) == {"page"}
    with pytest.raises(LookupError):
        drawer_memo.free_names(env, ("a.html",))
