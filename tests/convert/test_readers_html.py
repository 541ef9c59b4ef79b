"""builder.convert.readers.html: an HTML page -> Article through trafilatura, with the audit."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from builder.convert.read import read_bytes
from builder.convert.readers import context
from builder.convert.readers import html as H
from builder.model import Rejected
from builder.rules import load_rules

PAGES = Path(__file__).resolve().parent.parent / "data" / "html"


@pytest.fixture(scope="module")
def rules():
    return load_rules()


def _dump(name: str, data: bytes | None = None):
    return read_bytes(data if data is not None else (PAGES / name).read_bytes(), f"seeds/{name}")


@pytest.fixture(scope="module")
def article(rules):
    return H.extract(_dump("article_full.html"), rules)


def test_metadata(article):
    assert article.title == "Harbour council approves new tidal barrier"  # not "... | Coastline Courier"
    assert article.date == dt.date(2024, 3, 9)  # the date the page shows, not the UTC timestamp's day
    assert article.date_text == "9 March 2024"
    assert article.authors == ["Marta Quillfeather", "Tobias Renwick-Hale"]
    assert article.publisher == "Coastline Courier"
    assert article.id.startswith("sha256-")


def test_structure(article):
    assert article.highlights == [
        "The council voted nine to two for a movable barrier at the harbour mouth.",
        "Construction is due to start next spring and last about three years.",
    ]
    assert [s.heading for s in article.sections] == [None, "How the barrier will work", "Costs and funding"]
    assert [len(s.paragraphs) for s in article.sections] == [2, 2, 2]
    assert article.sections[0].paragraphs[0].startswith("The harbour council approved plans")
    # Section.lines are visible-line numbers, in order
    numbers = [n for s in article.sections for n in s.lines]
    assert numbers == sorted(numbers) and all(n > 0 for n in numbers)


def test_no_chrome_published(article):
    text = article.body_text
    for chrome in ("cookies", "Skip to main content", "Sport", "Related stories", "Storm surge floods",
                   "newsletter", "All rights reserved", "Privacy policy", "By Marta"):
        assert chrome not in text


def test_every_visible_line_is_published_or_removed(article):
    lines = H.visible_lines(H._load(article.dump))
    removed = {r.line: r for r in article.removed}
    published = set(article.body_text.split("\n"))
    for line in lines:
        assert line.number in removed or line.text in published, line
    reasons = {r.text: r.reason for r in article.removed}
    assert reasons["We use cookies to improve your experience. Accept all cookies?"] == \
        "boilerplate: cookie or consent notice"
    assert reasons["Sport"] == "boilerplate: navigation menu"
    assert reasons["Related stories"] == "boilerplate: related links"
    assert reasons["By Marta Quillfeather and Tobias Renwick-Hale"] == "metadata: byline"
    assert reasons["9 March 2024"] == "metadata: publication date"
    assert reasons["© 2024 Coastline Courier. All rights reserved."] == "boilerplate: page footer"
    assert "Harbour council approves new tidal barrier" not in reasons  # the title is published


def test_deterministic(rules):
    a, b = (H.extract(_dump("article_full.html"), rules) for _ in range(2))
    assert (a.title, a.date, a.authors, a.highlights, [s.as_dict() for s in a.sections],
            [r.as_dict() for r in a.removed]) == \
           (b.title, b.date, b.authors, b.highlights, [s.as_dict() for s in b.sections],
            [r.as_dict() for r in b.removed])


def test_html_saved_as_txt_reads_the_same(rules, article):
    again = H.extract(read_bytes((PAGES / "article_full.html").read_bytes(), "seeds/page.txt"), rules)
    assert again.title == article.title and again.paragraphs == article.paragraphs


@pytest.mark.parametrize(("name", "reason"), [
    ("error_404.html", "no article: an error page"),
    ("cookie_wall.html", "no article: a cookie, login or subscription wall"),
    ("section_front.html", "no article: a section front or list of links"),
    ("no_date.html", "no date:"),
])
def test_non_articles_are_rejected(rules, name, reason):
    with pytest.raises(Rejected) as e:
        H.extract(_dump(name), rules)
    assert str(e.value).startswith(reason)


def test_newsbrief_rules_drop_chrome_trafilatura_kept(rules):
    page = (PAGES / "article_full.html").read_text(encoding="utf-8").replace(
        "<h2>Costs and funding</h2>", "<p>Advertisement</p><h2>Costs and funding</h2>")
    a = H.extract(_dump("ad.html", page.encode()), rules)
    assert "Advertisement" not in a.paragraphs
    assert any(r.text == "Advertisement" and r.reason.startswith("boilerplate") for r in a.removed)


def test_lines_repeated_across_the_source_are_removed(rules):
    tagline = "Coastline Courier is an independent newsroom funded by its readers and members."
    page = (PAGES / "article_full.html").read_text(encoding="utf-8").replace(
        "</article>", f"<p>{tagline}</p></article>")
    dump = _dump("a.html", page.encode())
    alone = H.extract(dump, rules)
    assert tagline in alone.paragraphs  # one page cannot tell
    others = [[tagline, f"Another article's sentence number {i}."] for i in range(3)]
    source = context.build([H.context_lines(dump), *others])
    a = H.extract(dump, rules, source)
    assert tagline not in a.paragraphs
    assert any(r.text == tagline and r.reason == "boilerplate: repeated on 4 pages of this source"
               for r in a.removed)


def test_clean_authors():
    assert H.clean_authors("By Jane Doe and John Roe") == ["Jane Doe", "John Roe"]
    assert H.clean_authors("Jane Doe; John Roe, Ann Lee") == ["Jane Doe", "John Roe", "Ann Lee"]
    assert H.clean_authors("staff@example.com, 12 comments") == []
    # a byline printed in capitals is given in the name's usual case, as the text reader does
    assert H.clean_authors("By HEATHER HOLLINGSWORTH") == ["Heather Hollingsworth"]


def test_strip_site():
    assert H.strip_site("Harbour council approves barrier | Coastline Courier", "Coastline Courier") == \
        "Harbour council approves barrier"
    assert H.strip_site("Coastline Courier - Harbour council approves barrier", "Coastline Courier") == \
        "Harbour council approves barrier"
    assert H.strip_site("No separator here", "Site") == "No separator here"


def test_fixed_date_bounds():
    assert H.DATE_PARAMS["max_date"] == "2100-12-31" and H.DATE_PARAMS["min_date"] == "1995-01-01"
