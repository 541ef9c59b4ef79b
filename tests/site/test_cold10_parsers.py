"""Round 10, issue #15 item 4: one Markdown parser reset from page to page
(site/cold_speed.py item 5, blog_speed.Parsers), and read times counted without an HTML
parser (blog_speed.plain_readtime, tests/site/test_cold10_readtime.py). The site must be
byte for byte the site of the same configuration without them (a parser made for every
page and excerpt, Material's read time); the parser must
really be reused (and never one whose conversion failed, nor one with an extension it does
not know to be reset).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import markdown
import pytest
from site_support import MKDOCS_BUILD, run_in, site_files, synthetic_project

from builder.site import blog_speed, cold_speed, seams

EXTENSIONS = ["toc", "tables", "fenced_code", "admonition", "attr_list", "md_in_html", "pymdownx.details"]
CONFIGS = {"toc": {"permalink": True}}
DOCS = [
    "# One\n\nText with a [link](other.md) and *emphasis*.\n\n## Part\n\n| a | b |\n|---|---|\n| 1 | 2 |\n",
    "# Two\n\n!!! note \"Said\"\n    An admonition.\n\n??? info \"More\"\n    Details.\n\n```\ncode\n```\n",
    "# Three\n\n<div markdown=\"1\">**inside**</div>\n\n## Part\n\n## Part\n\nText {: .klass }\n",
]

# The build without the reused parsers: the seam refused, silently (so --strict holds).
WITHOUT = """
import sys
import builder.site.seams as seams
usable = seams.usable
seams.usable = lambda name, **kw: False if name in ("markdown-parsers", "readtime-plain") else usable(name, **kw)
sys.argv = ["mkdocs", "build", "--strict", "-d", "site"]
from mkdocs.__main__ import cli
cli()
"""


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    base = tmp_path_factory.mktemp("cold10")
    on, off = synthetic_project(base / "on", 10, 30), synthetic_project(base / "off", 10, 30)
    return (on, run_in(on, MKDOCS_BUILD),
            off, run_in(off, [sys.executable, "-c", WITHOUT]))


def test_same_site_with_and_without_reused_parsers(sites):
    on, _, off, _ = sites
    a, b = site_files(on / "site"), site_files(off / "site")
    assert a.keys() == b.keys() and len(a) > 100
    assert [k for k in a if a[k] != b[k]] == []


def test_the_build_reused_its_parsers(sites):
    _, on_log, _, off_log = sites
    made, reused = map(int, re.search(r"markdown parsers: (\d+) made, (\d+) reused", on_log).groups())
    # one parser for the pages and one for the excerpts (a forked copy has its own), each
    # reused for many pages and excerpts. (How many this process converts depends on how
    # many pages the read-ahead copy takes: ~66 of ~135 on a quiet machine, fewer when the
    # build's process is starved, so the bound is loose: made per page would give ~0.)
    assert made <= 4 and reused > 10 * made, on_log
    assert "markdown parsers:" not in off_log
    counts = r"read time: (\d+) post\(s\) counted without a parser, (\d+) by"
    plain, material = map(int, re.search(counts, on_log).groups())
    assert plain > 10 and material == 0, on_log
    plain, material = map(int, re.search(counts, off_log).groups())  # (the read-ahead copy takes some)
    assert plain == 0 and material > 10, off_log


@pytest.fixture
def parsers():
    installed = cold_speed.LazyExcerptParser(excerpts=False)
    try:
        assert blog_speed.parsers is not None
        yield blog_speed.parsers
    finally:
        installed.uninstall()
    assert blog_speed.parsers is None


def _pages(tmp_path: Path, extensions=EXTENSIONS):
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import File, Files
    from mkdocs.structure.pages import Page

    docs = tmp_path / "docs"
    docs.mkdir(exist_ok=True)
    (docs / "other.md").write_text("# Other\n", encoding="utf-8")
    config = MkDocsConfig()
    config.load_dict({"site_name": "t", "docs_dir": str(docs), "site_dir": str(tmp_path / "site"),
                      "markdown_extensions": [{"toc": CONFIGS["toc"]}, *extensions]})
    errors, _ = config.validate()
    assert not errors
    files = Files([File(f"p{i}.md", str(docs), str(tmp_path / "site"), True) for i in range(len(DOCS))]
                  + [File("other.md", str(docs), str(tmp_path / "site"), True)])
    out = []
    for i, text in enumerate(DOCS):
        page = Page(None, files.get_file_from_path(f"p{i}.md"), config)
        page.markdown = text
        Page.render(page, config, files)
        out.append((page.content, [(t.title, t.id, [c.id for c in t.children]) for t in page.toc],
                    page._title_from_render, sorted(page.present_anchor_ids)))
    return out


def test_pages_render_with_one_parser_as_with_one_each(tmp_path, parsers):
    from mkdocs.structure import pages

    assert pages.markdown is not markdown  # the build's view of the module
    reused = _pages(tmp_path)
    assert (parsers.made, parsers.reused) == (1, len(DOCS) - 1)
    pages.markdown = markdown  # (uninstall puts it back the same way)
    try:
        fresh = _pages(tmp_path)
    finally:
        pages.markdown = cold_speed._PageMarkdown(markdown, parsers)
    assert reused == fresh and "<table>" in reused[0][0] and 'class="admonition note"' in reused[1][0]
    assert reused[2][1][0][2] == ["part", "part_1"]  # ids made unique per page, not across pages


def test_a_parser_with_an_unknown_extension_is_never_reused(tmp_path, parsers):
    _pages(tmp_path, [*EXTENSIONS, "abbr"])
    assert (parsers.made, parsers.reused) == (len(DOCS), 0)


def test_a_parser_whose_conversion_failed_is_not_reused(parsers):
    from markdown.preprocessors import Preprocessor

    class Boom(Preprocessor):
        def run(self, lines):
            if "BOOM" in lines:
                raise RuntimeError("boom")
            return lines

    proxy = cold_speed._PageMarkdown(markdown, parsers)
    md = proxy.Markdown(extensions=EXTENSIONS, extension_configs=CONFIGS)
    md.preprocessors.register(Boom(md), "boom", 100)
    with pytest.raises(RuntimeError):
        md.convert("BOOM")
    again = proxy.Markdown(extensions=EXTENSIONS, extension_configs=CONFIGS)
    assert again is not md
    assert again.convert("*x*") == "<p><em>x</em></p>"
    assert proxy.Markdown(extensions=EXTENSIONS, extension_configs=CONFIGS) is again  # given back, reset
    # other extension lists or configurations get parsers of their own
    assert proxy.Markdown(extensions=EXTENSIONS, extension_configs=dict(CONFIGS)) is not again


def test_excerpt_parsers_are_given_back_only_when_freed(parsers):
    s = pytest.importorskip("material.plugins.blog.structure")
    made = []

    def make():
        made.append(markdown.Markdown(extensions=EXTENSIONS, extension_configs=CONFIGS))
        return made[-1]

    first = parsers.get("excerpt", EXTENSIONS, CONFIGS, make)
    second = parsers.get("excerpt", EXTENSIONS, CONFIGS, make)  # the first is still in use
    assert second is not first and len(made) == 2

    class Held:  # an excerpt holding its parser
        pass

    excerpt = Held()
    vars(excerpt)[blog_speed.PARSER_SLOT] = first
    blog_speed.free_parser(excerpt)
    assert blog_speed.PARSER_SLOT not in vars(excerpt)
    assert parsers.get("excerpt", EXTENSIONS, CONFIGS, make) is first and len(made) == 2
    assert parsers.get("page", EXTENSIONS, CONFIGS, make) is not first  # a page's parser is another kind
    assert callable(s.Markdown)


def test_seam_fails_when_a_relied_on_source_changes(monkeypatch):
    from mkdocs.structure import pages

    assert seams.check("markdown-parsers") is None
    monkeypatch.setitem(seams.PARSER_SOURCES_SHA256, "mkdocs.structure.pages:Page.render", "0" * 64)
    assert "Page.render is not the one checked" in seams.check("markdown-parsers")
    installed = cold_speed.LazyExcerptParser(excerpts=False)
    try:
        assert pages.markdown is markdown and blog_speed.parsers is None  # the stock way
    finally:
        installed.uninstall()
