"""Round 10, issue #15 item 4: a post's read time counted without an HTML parser
(blog_speed.plain_readtime, seam ``readtime-plain``): the same minutes as Material's
``readtime`` wherever it answers, None (Material's parser then) where the HTML is not
plain enough to be sure; used by the build, and the site the same without it
(tests/site/test_cold10_parsers.py builds both)."""

from __future__ import annotations

import random
import re

import markdown
import pytest

from builder.site import blog_speed, seams
from builder.site.blog_speed import plain_readtime

readtime = pytest.importorskip("material.plugins.blog.readtime").readtime

PLAIN = [
    "",
    "<p>one two three</p>",
    "<h1 id=\"t\">Title<a class=\"headerlink\" href=\"#t\" title=\"Permanent link\">&para;</a></h1>\n<p>a</p>",
    "<p>caf&eacute; na&iuml;ve &amp; co&mdash;done &#233;t&#xE9;</p>",
    "<p>&am<b>p;</b> split &eacute<i>x</i></p>",  # a reference broken by a tag: pieces resolved apart
    "<p>before<!-- more -->after</p>\n<!-- a - comment -->\n<p>x</p>",
    "<p>glued<b>words</b>here</p>",
    '<p><img alt="a" src="a.png"> <IMG src="b.png"/> <img src="c.png" /></img></p>',
    "<details><summary>More</summary><p>inside it</p></details>",
    "<table><tr><td>1</td><td>2,5</td></tr></table><br/><hr>",
]
NOT_PLAIN = [
    "<p>a < b</p>",  # a "<" that opens no tag
    "<p>a > b</p>",
    '<p><a title="x>y">q</a></p>',  # a ">" inside a quoted value
    "<svg><text>x</text></svg><p>a</p>",
    "<script>var a = 1;</script><p>a</p>",
    "<STYLE>p{}</STYLE>",
    "<title>a <b>x</b></title>",  # raw text for newer parsers
    "<!-- a -- b --><p>x</p>",
    "<!DOCTYPE html><p>x</p>",
    "<p>x</ p>",
]


@pytest.mark.parametrize("html", PLAIN)
def test_plain_html_gives_materials_minutes(html):
    for wpm in (1, 2, 3, 7, 265):
        assert plain_readtime(html, wpm) == readtime(html, wpm), (html, wpm)


@pytest.mark.parametrize("html", NOT_PLAIN)
def test_html_not_plain_is_left_to_material(html):
    assert plain_readtime(html, 265) is None


def test_markdowns_html_at_every_minute_boundary():
    """Posts as Markdown writes them, with words per minute set so that the count lands
    on, just under and just over each minute: an off-by-one word would show."""
    md = markdown.Markdown(extensions=["toc", "tables", "admonition", "attr_list", "md_in_html", "pymdownx.details"])
    rng = random.Random(10)
    words = ["brief", "café", "l'été", "x-ray", "2,5", "naïve", "&", "<tag>", "*em*", "`code`", "[a](b.md)"]
    checked = 0
    for n in range(1, 120):
        text = "# Title\n\n" + " ".join(rng.choice(words) for _ in range(n)) + "\n\n![img](i.png)" * (n % 3)
        html = md.reset().convert(text)
        count = len(re.split(r"\W+", re.sub(r"<[^>]*>", "", html)))
        for wpm in {1, max(1, count - 1), count, count + 1, 60}:
            got = plain_readtime(html, wpm)
            assert got is not None and got == readtime(html, wpm), (text, wpm)
            checked += 1
    assert checked > 300


def test_the_build_counts_without_the_parser(tmp_path, monkeypatch):
    """The blog cache's read time takes plain_readtime's answer, Material's only for None."""
    calls = []
    speed = blog_speed.Speedup.__new__(blog_speed.Speedup)

    class Cache(dict):
        def put(self, key, entry):
            self[key] = entry

    speed.cache = Cache()
    speed.readtimes = [0, 0]
    speed._readtime = lambda html, wpm: calls.append(html) or readtime(html, wpm)
    speed._readtime_plain = plain_readtime
    assert speed.readtime("<p>a b c</p>", 1) == readtime("<p>a b c</p>", 1)
    assert speed.readtime("<p>a < b</p>", 1) == readtime("<p>a < b</p>", 1)
    assert calls == ["<p>a < b</p>"] and speed.readtimes == [1, 1]


def test_seam_fails_when_materials_readtime_changes(monkeypatch):
    assert seams.check("readtime-plain") is None
    monkeypatch.setitem(seams.READTIME_SHA256, "material.plugins.blog.readtime:readtime", "0" * 64)
    assert "readtime is not the one checked" in seams.check("readtime-plain")
    assert "readtime-plain" in blog_speed.SEAMS  # (install leaves it out when its check fails)


def test_word_count_is_materials_split():
    """_split_length(t) == len(re.split(r"\\W+", t)) for text of ASCII and other word and
    non-word characters, whitespace of every kind, combining marks, surrogates."""
    rng = random.Random(15)
    alphabet = "ab_9 .,-\n\t\x1c\x1f\x0b\x0c\xa0\u2003é—«»Ж中_\u0301\U0001F600\x85\u200b\ud800¶·"
    texts = ["", " ", "a", "¶", "a¶b", "¶a¶", "Анна Novak", "x\u0301y"]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 40))) for _ in range(50_000)]
    for text in texts:
        assert blog_speed._split_length(text) == len(re.split(r"\W+", text)), repr(text)
