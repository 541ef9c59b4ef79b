"""Round 11, issue #15 item 4: Python-Markdown's inline patterns tried only on texts that
hold what a match needs, block expressions searched only in blocks that hold it
(site/markdown_speed.py, installed on blog_speed.Parsers' parsers; seam markdown-inline).
The HTML, table of contents, stashes and the site must be what stock Markdown gives.
"""

from __future__ import annotations

import random
import re
import sys
import xml.etree.ElementTree as etree

import markdown
from markdown.inlinepatterns import InlineProcessor as Pattern
from site_support import MKDOCS_BUILD, run_in, site_files, synthetic_project

from builder.site import blog_speed, cold_speed, markdown_speed, seams

EXTENSIONS = ["toc", "tables", "fenced_code", "admonition", "attr_list", "md_in_html", "pymdownx.details"]
CONFIGS = {"toc": {"permalink": True}}

TRICKY = [
    "# Title\n\nPlain text only, nothing to do here.\n",
    "Escapes\\. \\*not em\\* \\_nor\\_ \\\\ back \\q kept \\` tick \\< lt \\& amp \\[x\\]\n",
    "Entities &#58; &amp; &copy; &#x26; & alone &nope AT&T &#;\n",
    "Less < than, <b>bold</b>, <span class=\"x\">y</span>, <!-- comment -->, a<b, 3 < 4 > 2\n",
    "## Same\n\n## Same\n\n## Same \\#1\n\n### Same &amp; other\n\n# Last *em* `code`\n",
    "A [link](http://x.org \"t\") and [ref][r] and [r] and ![img](i.png) ![ref][r]\n\n[r]: http://r.org\n",
    "*em* **strong** ***both*** _u_ __uu__ a*b*c snake_case_name * lone _ lone 2*3*4\n",
    "`code *not em*` ``with ` inside`` \\`not code\\` ```\n",
    "Line with two spaces  \nbreak and a tab\tand trailing\\\n",
    "<http://auto.link/x> <me@example.com> <not a link>\n",
    "Non-ASCII: été, naïve, 東京, emoji 🎉, ﬁ ligature, Ω ≠ ω — dash “quotes”\n",
    "!!! note \"Title *em*\"\n    Body with \\. and &#58; and [l](x)\n\n??? info \"More\"\n    Details text.\n",
    "| a | b |\n|---|---|\n| *1* | `2` |\n| \\| | &amp; |\n",
    "Setext\n======\n\nOther\n-----\n\n---\n\n* * *\n\n> quote *em*\n> more\n",
    "- item \\. one\n- item *two*\n    - nested & deep\n\n1. first\n2. second\n",
    "<div markdown=\"1\">**inside** & out</div>\n\nText {: .klass #ident }\n\n## Head {: #custom }\n",
    "    code block *not em* & <tag>\n\nafter\n",
    "Placeholders? \x02klzzwxh:0000\x03 and \x02wzxhzdk:0\x03 stripped by Markdown\n",
    "[TOC]\n\n# A\n\n## B\n",
    "[link \\. text \\* *em \\_*](url\\.x \"t\\\"\") and *em \\. \\* inside* and `\\.` and <b>\\.</b>\n",
    "Escaped newline \\\nand \\\\. double and \\\\\\. triple \\&#58; \\&amp;\n",
    "Text ending in a backslash \\\n\nand ! alone, ![ not image, [ open, ] close, ]: x\n",
]


def _pair(extensions=EXTENSIONS, configs=CONFIGS):
    stock = markdown.Markdown(extensions=extensions, extension_configs=configs)
    fast = markdown.Markdown(extensions=extensions, extension_configs=configs)
    assert markdown_speed.install(fast)
    return stock, fast


def _convert(md, text):
    md.reset()
    html = md.convert(text)
    return html, getattr(md, "toc_tokens", None), getattr(md, "toc", None), list(md.htmlStash.rawHtmlBlocks)


def test_tricky_documents_convert_as_stock():
    stock, fast = _pair()
    assert type(fast.treeprocessors["inline"]) is markdown_speed.SkippingInlineProcessor
    for text in TRICKY:
        assert _convert(fast, text) == _convert(stock, text), text
    # (the documents do exercise the patterns: the stock output has what they make)
    html = _convert(stock, "\n\n".join(TRICKY))[0]
    for made in ("<em>", "<strong>", "<code>", '<a href="http://r.org">', "<img", "<br />", "&amp;", "&lt;",
                 'id="same_1"', 'class="admonition note"', "<details", "<table>", "<blockquote>", "<hr />",
                 "<h1", "<h2"):
        assert made in html, made


_PIECES = ["word", "été", " ", "  ", "\n", "\n\n", "\\", "\\.", "\\*", "*", "**", "_", "__", "`", "``", "[", "]",
           "(", ")", "!", "![", "](x.md)", "]: y", "<", ">", "<b>", "</b>", "<!--", "-->", "&", "&amp;", "&#58;",
           "#", "## ", "\n# ", "\n## Same\n", "!!! note\n    ", "??? info\n    ", "- ", "1. ", "> ", "---", "===",
           "|", "\n| a | b |\n|---|---|\n", "{: .c }", "<http://a.b>", "<a@b.c>", "    ", "\t", "\"", "'", ":"]


def test_random_documents_convert_as_stock():
    stock, fast = _pair()
    rng = random.Random(11)
    for _ in range(1500):
        text = "".join(rng.choice(_PIECES) for _ in range(rng.randint(1, 60)))
        assert _convert(fast, text) == _convert(stock, text), repr(text)


def test_each_known_pattern_needs_what_its_expression_needs():
    fast = markdown.Markdown(extensions=EXTENSIONS, extension_configs=CONFIGS)
    known = [markdown_speed.needs(p) for p in fast.inlinePatterns]
    assert len(known) == 14 and all(known), known  # every stock pattern is in the table
    rng = random.Random(3)
    alphabet = "ab \n\\`[]()!<>&#;*_:/@.x1\"'"
    for _ in range(3000):  # a text lacking every needed string: no pattern's expression finds anything
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        for p in fast.inlinePatterns:
            need = markdown_speed.needs(p)
            if not any(s in text for s in need):
                assert p.getCompiledRegExp().search(text) is None, (p.pattern, text)


class _Percent(Pattern):
    def handleMatch(self, m, data):
        el = etree.Element("mark")
        el.text = m.group(1)
        return el, m.start(0), m.end(0)


class _Marks(markdown.Extension):
    def extendMarkdown(self, md):
        md.inlinePatterns.register(_Percent(r"%%(.+?)%%", md), "percent", 75)


def test_a_pattern_not_in_the_table_is_always_tried():
    stock, fast = _pair([*EXTENSIONS, _Marks()])
    assert markdown_speed.needs(fast.inlinePatterns["percent"]) is None
    text = "Plain %%marked%% text with \\. and &#58;\n\n# Head %%too%%\n"
    assert _convert(fast, text) == _convert(stock, text)
    assert "<mark>marked</mark>" in _convert(fast, text)[0]


def test_a_changed_expression_is_tried_always():
    md = markdown.Markdown()
    escape = md.inlinePatterns["escape"]
    assert markdown_speed.needs(escape) == ("\\",)
    escape.pattern = r"~(.)"  # (as if another version's)
    assert markdown_speed.needs(escape) is None


def test_guarded_block_expressions_answer_as_the_expression():
    md = markdown.Markdown(extensions=EXTENSIONS, extension_configs=CONFIGS)
    assert markdown_speed.guard_blocks(md) == len(markdown_speed.BLOCK_NEEDS) + len(markdown_speed.PRE_NEEDS)
    guarded = [getattr(p, a) for p in [*md.parser.blockprocessors, *md.preprocessors]
               for a in ("RE", "SEARCH_RE", "START", "FENCED_BLOCK_RE")
               if isinstance(getattr(p, a, None), markdown_speed.Guarded)]
    assert len(guarded) == len(markdown_speed.BLOCK_NEEDS) + len(markdown_speed.PRE_NEEDS)
    rng = random.Random(5)
    pieces = ["a", " ", "\n", "#", "##", "=", "-", "_", "*", ">", "[x]:", "]:", " y", "!!!", "???", " note",
              '"t"', "+", "    ", "```", "~~~", "``", "~~", "{.x}", "py"]
    for _ in range(4000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        for g in guarded:
            for how in ("search", "match"):
                a, b = getattr(g, how)(text), getattr(g._re, how)(text)
                assert (a and a.span()) == (b and b.span()), (g.pattern, how, text)


def test_a_block_expression_not_in_the_table_is_left_alone():
    md = markdown.Markdown()
    quote = md.parser.blockprocessors["quote"]
    quote.RE = re.compile(r"(^|\n)[ ]{0,3}%[ ]?(.*)")  # (as if another version's)
    markdown_speed.guard_blocks(md)
    assert isinstance(quote.RE, re.Pattern) and isinstance(md.parser.blockprocessors["hashheader"].RE,
                                                           markdown_speed.Guarded)


def test_an_inline_processor_not_markdowns_own_is_left_alone():
    from markdown.treeprocessors import InlineProcessor

    class Other(InlineProcessor):
        pass

    md = markdown.Markdown()
    md.treeprocessors.register(Other(md), "inline", 20)
    assert not markdown_speed.install(md) and type(md.treeprocessors["inline"]) is Other


def test_the_builds_parsers_get_it_and_the_seam_falls_back(monkeypatch):
    installed = cold_speed.LazyExcerptParser(excerpts=False)
    try:
        md = blog_speed.parsers.get("page", EXTENSIONS, CONFIGS, lambda: markdown.Markdown(
            extensions=EXTENSIONS, extension_configs=CONFIGS))
        assert type(md.treeprocessors["inline"]) is markdown_speed.SkippingInlineProcessor
        assert blog_speed.parsers.prepared == 1
    finally:
        installed.uninstall()
    assert seams.check("markdown-inline") is None
    key = "markdown.treeprocessors:InlineProcessor._InlineProcessor__handleInline"
    monkeypatch.setitem(seams.INLINE_SOURCES_SHA256, key, "0" * 64)
    assert "is not the one checked" in seams.check("markdown-inline")
    installed = cold_speed.LazyExcerptParser(excerpts=False)
    try:
        assert blog_speed.parsers.prepare is None  # parsers as Markdown makes them
        md = blog_speed.parsers.get("page", EXTENSIONS, CONFIGS, lambda: markdown.Markdown(
            extensions=EXTENSIONS, extension_configs=CONFIGS))
        assert type(md.treeprocessors["inline"]) is not markdown_speed.SkippingInlineProcessor
    finally:
        installed.uninstall()


# The build without it: the seam broken (a pinned source "changed"), so the stock way.
BROKEN = """
import sys
import builder.site.seams as seams
seams.INLINE_SOURCES_SHA256["markdown.treeprocessors:InlineProcessor.run"] = "0" * 64
sys.argv = ["mkdocs", "build", "--strict", "-d", "site"]
from mkdocs.__main__ import cli
cli()
"""


def test_same_site_with_it_and_with_the_seam_broken(tmp_path):
    on, off = synthetic_project(tmp_path / "on", 11, 30), synthetic_project(tmp_path / "off", 11, 30)
    on_log = run_in(on, MKDOCS_BUILD)
    off_log = run_in(off, [sys.executable, "-c", BROKEN])
    prepared = int(re.search(r"reused, (\d+) with patterns tried only where they can match", on_log).group(1))
    assert prepared >= 1 and "seam 'markdown-inline'" not in on_log, on_log
    assert "seam 'markdown-inline'" in off_log and re.search(r"reused, 0 with patterns", off_log), off_log
    a, b = site_files(on / "site"), site_files(off / "site")
    assert a.keys() == b.keys() and len(a) > 100
    assert [k for k in a if a[k] != b[k]] == []


def test_an_excerpt_head_is_declined_when_the_rest_defines_what_it_refers_to():
    sep = "<!-- more -->"
    head = "# T\n\nSee [x] and *[HTML]* here\\.\n"
    assert blog_speed._head(f"{head}\n{sep}\n\nThe rest: [a](b.md), ]: not at a line's start.\n", sep) == head
    for rest in ("[x]: http://x.org\n", "  [x]: <y>\n", "*[HTML]: Hyper Text\n", "text\n   [a b]: c\n"):
        assert blog_speed._head(f"{head}\n{sep}\n\n{rest}", sep) is None, rest
    assert blog_speed._head(f"{head}\n{sep}\n\n    [x]: indented four: code\n", sep) == head
