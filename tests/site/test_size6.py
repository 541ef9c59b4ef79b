"""Small pages, round 6 (issue #15): what a page repeats only for its scripts comes from
the one cached shell script (builder/site/shell.py, plugin option light_pages): Material's
head script (``__md_scope``), the content script, the hidden "Back to top" button, an empty
footer, the dialog and the page configuration. Put back where each call stands, the
markup gives, byte for byte, the page the build writes with the option off. Also: no
tags.json (mkdocs.yml), and the sitemap without its indentation (site/compact.py)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote

import pytest
from fixture_dumps import SAMPLE, dumps
from site_support import build_variant, copy_project, site_pages

from builder.site import shell

pytestmark = pytest.mark.slow

SHELL_TAG = re.compile(r'<script src="((?:\.\./)*|\./)(assets/javascripts/nb-shell\.([0-9a-f]{10})\.js)"></script>')
CALL = re.compile(r"<script>__nb_(\w+)\(\)</script>")
PAGEFIND = "      search: pagefind\n"


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The sample and the fixture dumps built with light pages and without (Pagefind, as at
    10k), with Material's search, and with a copyright in the footer."""
    project = copy_project(tmp_path_factory.mktemp("size6"), [SAMPLE, *dumps()[:12]])
    proc = subprocess.run([sys.executable, "-m", "builder", "convert", "-q", "seeds"], cwd=project,
                          capture_output=True, text=True, timeout=900, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = {"light": build_variant(project, "site-light", PAGEFIND),
           "stock": build_variant(project, "site-stock", PAGEFIND + "      light_pages: false\n"),
           "material": build_variant(project, "site-material", "      search: material\n"),
           "material-stock": build_variant(project, "site-material-stock",
                                           "      search: material\n      light_pages: false\n")}
    cfg = project / "mkdocs.yml"
    text = cfg.read_text(encoding="utf-8")
    cfg.write_text("copyright: Example desk\n" + text, encoding="utf-8")
    try:
        out["copyright"] = build_variant(project, "site-copyright", PAGEFIND)
    finally:
        cfg.write_text(text, encoding="utf-8")
    return out


def _shell_js(page: str, site: Path) -> tuple[str, str]:
    m = SHELL_TAG.search(page)
    assert m, "no shell script"
    return (site / m.group(2)).read_text(encoding="utf-8"), m.group(1)


def _js_string(js: str, call: str) -> str:
    """The markup a call of the script inserts (a JSON string literal)."""
    m = re.search(re.escape(call) + r'("(?:[^"\\]|\\.)*")\)', js)
    assert m, call
    return json.loads(m.group(1))


def put_back(page: str, site: Path) -> str:
    """The page as the script leaves it in the DOM, written back as markup: the header's
    palette and search (round 3: test_site_size3) and each call's markup and the head's
    script (this round), relative to the page as MkDocs writes URLs (base "./" at the root)."""
    js, base = _shell_js(page, site)
    bare = base.rstrip("/") or "."
    prefix = "" if bare == "." else bare + "/"

    def relative(markup: str) -> str:
        return markup.replace("@NB_BASE@/", prefix).replace("@NB_BASE@", bare).replace(
            'data-nb-search-base=""', 'data-nb-search-base="./"')

    palette = relative(_js_string(js, "put(document.currentScript, "))
    script = re.search(r"\n  \(function \(\) \{\n(.*)\n  \}\)\(\);\n  window", js, re.S).group(1)
    search = relative(_js_string(js, "window.__nb_search = function () { put(document.currentScript, "))
    page = SHELL_TAG.sub(lambda _: palette + "\n<script>" + script + "</script>", page, count=1)
    tail = json.loads(re.search(r"\n  var tail = (\{.*\});\n", js).group(1))
    tail["search"] = search
    page = CALL.sub(lambda m: relative(tail[m.group(1)]), page)
    code = re.search(r"\n  if \(!window\.__md_scope\) \{\n(.*?)\n  \}\n", js, re.S).group(1)
    scope = "<script>" + code.replace("new URL(bare,", f'new URL("{bare}",') + "</script>"
    return page if "<script>__md_scope=" in page else page.replace("</head>", scope + "\n</head>", 1)


def test_each_part_only_scripts_use_comes_from_the_shell_script(sites):
    for name, text in site_pages(sites["light"]).items():
        if name == "404.html":  # (absolute URLs: left as written)
            assert "__nb_cfg" not in text and '<script id="__config"' in text
            continue
        assert [m.group(1) for m in CALL.finditer(text)] == ["search", "js", "top", "foot", "dlg", "cfg"], name
        for gone in ('<script id="__config"', "<script>__md_scope=", 'data-md-component="top"',
                     '<footer class="md-footer">', 'data-md-component="dialog"', "var target=document"):
            assert gone not in text, (name, gone)


@pytest.mark.parametrize("variant", [("light", "stock"), ("material", "material-stock")])
def test_the_markup_put_back_is_the_page_written_without_the_option(sites, variant):
    light, stock = site_pages(sites[variant[0]]), site_pages(sites[variant[1]])
    assert light.keys() == stock.keys()
    for name, text in light.items():
        if name != "404.html":
            # (with Pagefind the configuration is also lightened: round 3's, tested there)
            assert put_back(text, sites[variant[0]]) == shell.lighter_config(stock[name]), name
        else:
            assert text == stock[name]
    assert len(light) > 20


def test_a_footer_with_a_copyright_stays_for_readers_without_javascript(sites):
    pages = site_pages(sites["copyright"])
    brief = next(t for n, t in pages.items() if re.match(r"\d{4}/\d{2}/[^/]+/index\.html$", n))
    assert '<footer class="md-footer">' in brief and "Example desk" in brief and "__nb_foot" not in brief
    assert "<script>__nb_cfg()</script>" in brief  # the rest still goes


def test_the_configuration_is_the_lightened_one_with_pagefind(sites):
    page = next(t for n, t in site_pages(sites["light"]).items() if n != "404.html")
    js, _ = _shell_js(page, sites["light"])
    cfg = json.loads(re.search(r"\n  var tail = (\{.*\});\n", js).group(1))["cfg"]
    data = json.loads(cfg[cfg.index(">") + 1:cfg.rindex("</script>")])
    assert data["base"] == "@NB_BASE@" and "search" not in data
    assert not [k for k in data["translations"] if k.startswith("search.")]


def test_no_tags_json_and_a_compact_sitemap_of_every_page(sites):
    site = sites["light"]
    assert not (site / "tags.json").exists()
    text = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert "\n " not in text and "<url>\n<loc>" in text
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = [e.text for e in ET.fromstring(text.encode()).findall("s:url/s:loc", ns)]
    pages = {n.removesuffix("index.html") for n in site_pages(site) if n != "404.html"}
    assert len(locs) == len(set(locs)) and {unquote(re.sub(r"^https?://[^/]+/", "", u)) for u in locs} == pages


# -- Shell.apply, without a build -----------------------------------------------------------

def _shell() -> shell.Shell:
    return shell.Shell('<form class="p"></form>', "var x=1", '<div class="md-search"></div>',
                       '<script>__md_scope=new URL("@NB_BASE@",location)</script>',
                       {"top": '<button><use href="@NB_BASE@/i.svg#up"/></button>',
                        "cfg": '<script id="__config" type="application/json">{"base": "@NB_BASE@"}</script>'})


PAGE = ('<head><script>__md_scope=new URL("../..",location)</script>\n</head><header><form class="p"></form>'
        '<script>var x=1</script><div class="md-search"></div></header><main>'
        '<button><use href="../../i.svg#up"/></button></main>'
        '<script id="__config" type="application/json">{"base": "../.."}</script>')


def test_apply_takes_out_each_part_found_once():
    s = _shell()
    tag = f'<script src="../../{s.path}"></script>'
    assert s.apply(PAGE, "../..") == (f"<head></head><header>{tag}<script>__nb_search()</script></header>"
                                      "<main><script>__nb_top()</script></main><script>__nb_cfg()</script>")
    home = PAGE.replace("../..", ".").replace("./i.svg", "i.svg")
    assert "<script>__nb_top()</script>" in s.apply(home, ".") and "__md_scope" not in s.apply(home, ".")


def test_apply_keeps_a_part_found_twice_or_otherwise_and_a_head_script_in_use():
    s = _shell()
    twice = PAGE.replace("<main>", "<main><button><use href=\"../../i.svg#up\"/></button>")
    assert "<script>__nb_top()</script>" not in s.apply(twice, "../..")
    other = PAGE.replace('"base": "../.."', '"base": "../../.."')
    assert "__nb_cfg" not in s.apply(other, "../..") and '"base": "../../.."' in s.apply(other, "../..")
    used = PAGE.replace("<header>", "<script>__md_get('x')</script><header>")
    assert "<script>__md_scope=" in s.apply(used, "../..")
    absolute = PAGE.replace("../..", "/site")
    assert "__nb_top" not in s.apply(absolute, "/site")


def test_the_script_defines_materials_helpers_only_when_the_page_has_not():
    js = _shell().js
    assert '  if (!window.__md_scope) {\n__md_scope=new URL(bare,location)\n  }' in js
    assert '"top": "<button><use href=\\"@NB_BASE@/i.svg#up\\"/></button>"' in js
