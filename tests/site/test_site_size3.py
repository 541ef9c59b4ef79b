"""Small pages, round 3 (issue #15): the header's palette toggles and search dialog come
from one cached script (builder/site/shell.py, plugin option light_pages), and a page
without Material's search carries no configuration for it. The page is the same once the
script has run: put back, the markup gives, byte for byte, the page the build writes with
the option off."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from fixture_dumps import SAMPLE
from site_support import build_variant, copy_project

from builder.site import shell

pytestmark = pytest.mark.slow

SHELL_TAG = re.compile(r'<script src="((?:\.\./)*|\./)(assets/javascripts/nb-shell\.([0-9a-f]{10})\.js)"></script>')
SEARCH_CALL = "<script>__nb_search()</script>"


def _build(project: Path, options: str, site: str) -> Path:
    return build_variant(project, site, options)


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The sample built with light pages (Material's search, as `auto` gives for a small
    archive; and Pagefind) and without."""
    project = copy_project(tmp_path_factory.mktemp("size3"), [SAMPLE])
    proc = subprocess.run([sys.executable, "-m", "builder", "convert", "-q", "seeds"], cwd=project,
                          capture_output=True, text=True, timeout=900, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return {"light": _build(project, "", "site-light"),
            "stock": _build(project, "      light_pages: false\n", "site-stock"),
            "pagefind": _build(project, "      search: pagefind\n", "site-pagefind")}


def _pages(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): p.read_text(encoding="utf-8") for p in site.rglob("*.html")
            if not p.relative_to(site).as_posix().startswith(("pagefind/", "assets/"))}


def _js_string(js: str, call: str) -> str:
    """The markup a call of the script inserts (a JSON string literal)."""
    m = re.search(re.escape(call) + r'("(?:[^"\\]|\\.)*")\)', js)
    assert m, call
    return json.loads(m.group(1))


def _put_back(page: str, site: Path) -> str:
    """The page as the script leaves it in the DOM, written back as markup."""
    m = SHELL_TAG.search(page)
    assert m, "no shell script"
    js = (site / m.group(2)).read_text(encoding="utf-8")
    base = m.group(1)

    def relative(markup: str) -> str:  # (MkDocs' url filter writes "x" at the root, base_url "./")
        return markup.replace("@NB_BASE@/", "" if base == "./" else base).replace(
            'data-nb-search-base=""', 'data-nb-search-base="./"')

    palette = relative(_js_string(js, "put(document.currentScript, "))
    script = re.search(r"\n  \(function \(\) \{\n(.*)\n  \}\)\(\);\n  window", js, re.S).group(1)
    search = _js_string(js, "window.__nb_search = function () { put(document.currentScript, ")
    page = page.replace(m.group(0), palette + "\n<script>" + script + "</script>", 1)
    page = page.replace(SEARCH_CALL, relative(search), 1)
    # (round 6's parts: the calls' markup and the head's script, test_size6.py)
    bare = base.rstrip("/") or "."
    tail = json.loads(re.search(r"\n  var tail = (\{.*\});\n", js).group(1))
    page = re.sub(r"<script>__nb_(\w+)\(\)</script>",
                  lambda c: tail[c.group(1)].replace("@NB_BASE@/", relative("@NB_BASE@/")).replace("@NB_BASE@", bare),
                  page)
    code = re.search(r"\n  if \(!window\.__md_scope\) \{\n(.*?)\n  \}\n", js, re.S).group(1)
    scope = "<script>" + code.replace("new URL(bare,", f'new URL("{bare}",') + "</script>\n"
    return page if "<script>__md_scope=" in page else page.replace("</head>", scope + "</head>", 1)


def test_every_page_takes_palette_and_search_from_one_script(sites):
    light = _pages(sites["light"])
    files = set()
    for name, text in light.items():
        if name == "404.html":  # (its URLs are absolute: left as written, and still whole)
            assert 'data-md-component="palette"' in text
            continue
        assert 'data-md-component="palette"' not in text and 'class="md-search"' not in text, name
        assert text.count(SEARCH_CALL) == 1, name
        files |= {m.group(2) for m in SHELL_TAG.finditer(text)}
    assert len(files) == 1  # one script for the site, cached once
    js = (sites["light"] / files.pop()).read_bytes()
    import hashlib

    assert SHELL_TAG.pattern  # named by its content: a changed script is a new URL
    assert re.search(r"nb-shell\.([0-9a-f]{10})\.js", "".join(light.values())).group(1) == \
        hashlib.sha256(js).hexdigest()[:10]


def test_the_markup_put_back_is_the_page_written_without_the_option(sites):
    light, stock = _pages(sites["light"]), _pages(sites["stock"])
    assert light.keys() == stock.keys()
    for name, text in light.items():
        if name != "404.html":
            assert _put_back(text, sites["light"]) == stock[name], name
        else:
            assert text == stock[name]


def test_pagefind_pages_carry_no_configuration_for_materials_search(sites):
    pages = _pages(sites["pagefind"])
    brief = next(t for n, t in pages.items() if re.match(r"\d{4}/\d{2}/[^/]+/index\.html$", n))
    config = re.search(r'<script id="__config" type="application/json">(.*?)</script>',
                       _put_back(brief, sites["pagefind"])).group(1)  # (from the script since round 6)
    assert '"search"' not in config and "search.result" not in config and '"base"' in config
    # the dialog the script inserts is Pagefind's, whose strings are on the dialog itself
    js = next((sites["pagefind"] / "assets/javascripts").glob("nb-shell.*.js")).read_text(encoding="utf-8")
    assert 'data-nb-search=\\"search\\"' in js and "data-nb-search-none" in js
    light = _pages(sites["light"])
    assert all('"search": ' in _put_back(t, sites["light"]) for n, t in light.items()
               if n != "404.html")  # Material's search: kept


def test_a_page_whose_header_differs_is_left_as_written():
    s = shell.Shell('<form class="p"><use href="@NB_BASE@/i.svg#a"/></form>', "var x=1",
                    '<div class="md-search" data-b="@NB_BASE@/"></div>')
    page = ('<header><form class="p"><use href="../../i.svg#a"/></form>\n<script>var x=1</script>'
            '<label></label><div class="md-search" data-b="../../"></div></header>')
    out = s.apply(page, "../..")
    assert out == f'<header><script src="../../{s.path}"></script><label></label>{SEARCH_CALL}</header>'
    home = page.replace("../../", "./")
    assert s.apply(home, ".").startswith(f'<header><script src="./{s.path}">')
    for changed in (page.replace("var x=1", "var x=2"), page.replace('data-b="', 'data-c="'),
                    page + page):  # another script, another dialog, twice
        assert s.apply(changed, "../..") == changed


def test_lighter_config_keeps_materials_search_configuration_where_it_is_used():
    cfg = ('<script id="__config" type="application/json">{"base": ".", "search": "w.js", '
           '"translations": {"clipboard.copy": "Copy", "search.result.none": "None"}}</script>')
    assert shell.lighter_config(cfg) == ('<script id="__config" type="application/json">'
                                         '{"base": ".", "translations": {"clipboard.copy": "Copy"}}</script>')
    with_search = '<div data-md-component="search"></div>' + cfg
    assert shell.lighter_config(with_search) == with_search
