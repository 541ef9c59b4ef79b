"""Unit tests of each stage on variations of the dump family the fixtures don't show."""

from __future__ import annotations

import datetime as dt
import random

import frontmatter
import markdown
import pytest
from dumpgen import date_formats, make_dump
from invariants import assert_accounted, assert_valid_page

from builder.convert import process
from builder.convert.dates import DateError, looks_like_date, parse_date
from builder.convert.enrich import base_slug
from builder.convert.read import _INVISIBLE, _SPACES, _TRIGGERS, normalise_whitespace, read_bytes
from builder.model import Rejected
from builder.output.render import escape_md, render_page
from builder.rules import RulesError, load_rules

RULES = load_rules()
SAMPLE = """1_-1-1

A title: with a colon

May 13, 2025

Share

Highlights:

{bullet} First Point: one thing happened.
{bullet} Second Point: another thing happened.

Explore exclusive content on tests below.

Summary

The first paragraph of the story says what happened in the town of Halbrook today.
Sponsored by the city, the second paragraph has the word Share in it and stays.
“A one-line quote”

The Next Part

The order takes effect at midnight.
A closing paragraph with more detail about what Halbrook Council will do next week.


{byline}

Harper

May 13, 2025
Breaking News
Sponsored
[post_author]"""


def run(text: str, rules=RULES, name="t.txt"):
    return process(text.encode("utf-8"), name, rules)


def sample(bullet="–", byline="The content is provided by Harper Eastwood, Scopewires"):
    return SAMPLE.format(bullet=bullet, byline=byline)


# --- read -------------------------------------------------------------------------

def test_read_repairs_encodings_and_whitespace():
    text = "id_1\r\nTitle\u00a0with  nbsp\u200b \r\n\tTabbed line  \r\n"
    for data in (text.encode("utf-8"), b"\xef\xbb\xbf" + text.encode("utf-8"), text.encode("utf-16")):
        lines = [line.text for line in read_bytes(data, "x").lines]
        assert lines[:3] == ["id_1", "Title with nbsp", "Tabbed line"]
    cp = "id_1\nCouncil’s “top” £2m – plan\n".encode("cp1252")
    assert read_bytes(cp, "x").lines[1].text == "Council’s “top” £2m – plan"
    moji = "Trump’s plan – now".encode().decode("cp1252").encode("utf-8")  # double-encoded
    assert read_bytes(b"id\n" + moji, "x").lines[1].text == "Trump’s plan – now"


def test_read_keeps_entities_and_quotes_as_written():
    line = "He wrote &lt;b&gt; and 'single' \"double\" ＡＢＣ"
    assert read_bytes(f"id\n{line}".encode(), "x").lines[1].text == line


@pytest.mark.parametrize(("data", "cause"), [
    (b"", "empty"), (b"  \n\t\n ", "empty"), (b"\x89PNG\r\n\x1a\n\x00\x00", "not text"),
    (bytes(range(256)) * 4, "not text"), (b"x" * 10_001, "too large"),
])
def test_read_rejects_with_a_cause(data, cause):
    with pytest.raises(Rejected, match=cause):
        read_bytes(data, "x", max_bytes=10_000)


# --- dates ------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", range(6))
def test_every_listed_date_form(fmt):
    d = dt.date(2025, 5, 13)
    assert parse_date(date_formats(d)[fmt]) == d


def test_ambiguous_numeric_date_follows_configured_order():
    assert parse_date("05/06/2025", "DMY") == dt.date(2025, 6, 5)
    assert parse_date("05/06/2025", "MDY") == dt.date(2025, 5, 6)
    assert parse_date("13/05/2025", "MDY") == dt.date(2025, 5, 13)  # only one reading exists
    assert parse_date("2025-05-06", "DMY") == dt.date(2025, 5, 6)  # ISO is never reordered


@pytest.mark.parametrize("text", ["Someday, 20X5", "May 2025", "2025", "32/13/2025", "May 45, 2025"])
def test_incomplete_or_impossible_dates_are_refused(text):
    with pytest.raises(DateError):
        parse_date(text)


@pytest.mark.parametrize("text", ["Summary", "The order takes effect at midnight on Friday.", "Harper",
                                  "What Happens Next", "In 2025", "12 Days of Christmas"])
def test_headings_and_sentences_are_not_date_lines(text):
    assert not looks_like_date(text)


def test_date_order_from_rules_file(tmp_path):
    f = tmp_path / "rules.yml"
    f.write_text("date_order: MDY\n")
    out = run(sample().replace("May 13, 2025", "05/06/2025"), rules=load_rules(f))
    assert out.article.date == dt.date(2025, 5, 6)


# --- parse and clean --------------------------------------------------------------

@pytest.mark.parametrize("bullet", ["–", "—", "-", "•", "*"])
def test_highlights_with_any_bullet(bullet):
    a = run(sample(bullet=bullet)).article
    assert a.highlights == ["First Point: one thing happened.", "Second Point: another thing happened."]


@pytest.mark.parametrize(("byline", "authors", "publisher"), [
    ("The content is provided by Harper Eastwood, Scopewires", ["Harper Eastwood"], "Scopewires"),
    ("The content is provided by Harper Eastwood", ["Harper Eastwood"], None),
    ("By Harper Eastwood", ["Harper Eastwood"], None),
    ("By Harper Eastwood and Owen Fletcher, Millbrook Gazette", ["Harper Eastwood", "Owen Fletcher"],
     "Millbrook Gazette"),
    ("Written by Lucía de la Cruz", ["Lucía de la Cruz"], None),
])
def test_byline_forms(byline, authors, publisher):
    a = run(sample(byline=byline)).article
    assert (a.authors, a.publisher) == (authors, publisher)
    assert all(byline not in p for p in a.paragraphs)


def test_structure_and_chrome():
    out = run(sample())
    a = out.article
    assert a.title == "A title: with a colon"
    assert [s.heading for s in a.sections] == ["Summary", "The Next Part"]
    assert a.sections[0].paragraphs[1].startswith("Sponsored by the city")  # content, not chrome
    assert a.sections[0].paragraphs[2] == "“A one-line quote”"  # short line, not a heading
    assert a.sections[1].paragraphs[0] == "The order takes effect at midnight."
    reasons = {r.text: r.reason for r in a.removed}
    assert reasons["Share"] == "boilerplate: share button"
    assert reasons["Explore exclusive content on tests below."] == "boilerplate: teaser"
    assert reasons["[post_author]"] == "boilerplate: unrendered template placeholder"
    assert reasons["Harper"].startswith("boilerplate: author name")
    assert all(r.line > 0 for r in a.removed)
    assert_accounted(out, RULES)


def test_short_body_line_before_section_is_not_a_heading_when_it_is_a_sentence():
    a = run(sample().replace("“A one-line quote”", "Officials declined to comment.")).article
    assert "Officials declined to comment." in a.sections[0].paragraphs


def test_missing_parts_are_rejected_with_a_cause():
    assert "no title" in run("1_-1-1\n\n").error
    assert "no date" in run(sample().replace("May 13, 2025", "")).error
    assert "unreadable date" in run(sample().replace("May 13, 2025", "Someday, 20X5")).error


def test_dump_without_scraper_id_gets_a_content_key():
    out = run(sample().split("\n", 2)[2])
    assert out.status == "ok" and out.article.id.startswith("sha256-")
    assert out.article.title == "A title: with a colon"


def test_custom_chrome_rule_from_project_file(tmp_path):
    f = tmp_path / "rules.yml"
    f.write_text("lines:\n  - {text: 'Most Popular Today', reason: widget title}\n"
                 "patterns:\n  - {regex: 'subscribe for \\d+ cents', reason: paywall, where: anywhere}\n")
    text = sample().replace("[post_author]", "Most Popular Today").replace(
        "The order takes effect at midnight.", "The order takes effect at midnight.\nSubscribe for 99 cents")
    a = run(text, rules=load_rules(f)).article
    reasons = {r.text: r.reason for r in a.removed}
    assert reasons["Most Popular Today"] == "boilerplate: widget title"
    assert reasons["Subscribe for 99 cents"] == "boilerplate: paywall"


def test_bad_rules_file_is_a_clear_error(tmp_path):
    f = tmp_path / "rules.yml"
    f.write_text("patterns:\n  - {regex: '(unclosed'}\n")
    with pytest.raises(RulesError, match=r"rules\.yml: bad regex"):
        load_rules(f)


@pytest.mark.parametrize("seed", range(40))
def test_generated_family_members(seed):
    rng = random.Random(seed)
    g = make_dump(rng)
    data = g.encode(encoding=rng.choice(["utf-8", "cp1252"]) if g.text.isascii() else "utf-8",
                    crlf=rng.random() < 0.3, bom=rng.random() < 0.2)
    out = process(data, "gen.txt", RULES)
    assert out.status == "ok", out.error
    a = out.article
    assert (a.id, a.title, a.date) == (g.id, g.title, g.date)
    assert (a.authors, a.publisher) == (g.authors, g.publisher)
    assert a.highlights == g.highlights
    assert [(s.heading, s.paragraphs) for s in a.sections] == g.sections
    published = {p for s in a.sections for p in s.paragraphs}
    assert not published & set(g.boilerplate)
    assert_accounted(out, RULES)
    assert_valid_page(out)


# --- enrich -----------------------------------------------------------------------

@pytest.mark.parametrize(("title", "slug"), [
    ("Trump tells Putin to 'STOP!' Russian strikes on Kyiv", "trump-tells-putin-to-stop-russian-strikes-on-kyiv"),
    ("«Сибирские барсы» вышли в финал", "sibirskie-barsy-vyshli-v-final"),
    ("东京奥运会", "dong-jing-ao-yun-hui"),
    ("!!!", "brief-1-1-1"),
    ("CON", "con-brief"),
])
def test_slugs_are_readable_and_path_safe(title, slug):
    assert base_slug(title, "1_-1-1") == slug


def test_long_titles_give_bounded_slugs():
    assert len(base_slug("word " * 100, "x")) <= 80


# --- render -----------------------------------------------------------------------

HOSTILE_TITLES = ["---Breaking--- update", "@OrbitWatch: a ‘lost’ satellite", "*Updated* x", "!important",
                  "& co", "- dash", "# not a heading", "---", "key: value", "'single' and \"double\"",
                  "{{ config }}", "{% raw %}", "<script>alert(1)</script>", "a\\b", "Title #hash", "| pipe",
                  ": colon", "? question", "%percent", "`tick`", "[link](javascript:alert(1))", "yes", "null",
                  "1.5", "~tilde", "0x10"]


@pytest.mark.parametrize("title", HOSTILE_TITLES)
def test_any_title_round_trips_through_front_matter(title):
    out = run(sample().replace("A title: with a colon", title))
    assert out.status == "ok", out.error
    page = assert_valid_page(out)
    assert page["title"] == title
    html = markdown.markdown(page.content, extensions=["toc", "admonition", "attr_list", "md_in_html", "tables"])
    assert "<script" not in html and "javascript:" not in html.replace("javascript&#58;", "")


def test_a_date_where_the_title_should_be_means_no_title():
    assert "no title" in run(sample().replace("A title: with a colon", "2025-05-13")).error


def test_page_layout():
    a = run(sample()).article
    page = frontmatter.loads(render_page(a, "seeds/t.txt"))
    body = page.content
    assert body.index("# A title&#58; with a colon") < body.index("!!! abstract") < body.index("<!-- more -->")
    assert body.index("<!-- more -->") < body.index("## Summary")
    assert page["categories"] == ["Scopewires"] and page["authors"] == ["harper-eastwood"]
    assert page["source"] == "seeds/t.txt" and len(page["sha256"]) == 64
    assert page["description"].startswith("The first paragraph of the story")


def test_escape_defuses_markdown_html_and_templates():
    for text in ["#tag", "1. one", "> quote", "- item", "* item", "_under_", "`code`", "[x](y)", "<b>",
                 "a & b", "| a | b |", "{{ x }}", "{% y %}", "{: .cls }", "--8<-- 'f'", "!!! note", ":smile:"]:
        escaped = escape_md(text)
        assert not escaped.startswith(("#", "1.", ">", "-", "*", "!!!", "{", "|", ":"))
        assert "<" not in escaped and "{{" not in escaped and "{%" not in escaped


def test_whitespace_repair_skips_only_texts_it_would_not_change():
    """normalise_whitespace returns a text untouched when it holds none of _TRIGGERS:
    every character either pattern matches must be one of them."""
    bmp = (chr(c) for c in range(0x10000) if not 0xD800 <= c <= 0xDFFF)
    missing = [hex(ord(c)) for c in bmp if (_SPACES.match(c) or _INVISIBLE.match(c)) and c not in _TRIGGERS]
    assert missing == []
    assert normalise_whitespace("a  b\u00a0c\u200bd\te") == "a b cd e"
    assert normalise_whitespace("plain text, one space each") == "plain text, one space each"
