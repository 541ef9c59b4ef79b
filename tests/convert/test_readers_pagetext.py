"""The whole-page text reader (builder/convert/readers/pagetext.py) on pages written for these
tests (tests/data/pages/): menus, cookie notices, headline, date, byline, article,
captions, related lists, footers; and pages that hold no article."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pagetext_pages import published

from builder.convert.read import read_bytes
from builder.convert.readers import context, pagetext
from builder.model import Rejected
from builder.rules import load_rules

RULES = load_rules()
PAGES = Path(__file__).resolve().parents[1] / "data" / "pages"
ARTICLES = ("harbour_ferry.txt", "market_hall.txt")


def dump(name: str):
    return read_bytes((PAGES / name).read_bytes(), f"pages/{name}")


def site_context():
    return context.build([ln.text for ln in dump(n).lines] for n in ARTICLES)


def accounted(article) -> None:
    """Every non-blank line is published, is the title, or is removed with a reason."""
    d = article.dump
    removed = {r.line for r in article.removed}
    kept = {n for s in article.sections for n in s.lines} | {s.heading_line for s in article.sections}
    for ln in d.lines:
        if ln.text and ln.text != article.title:
            assert ln.number in removed or ln.number in kept, ln
    assert all(r.reason and ":" in r.reason for r in article.removed)


@pytest.mark.parametrize("ctx", [None, "site"])
def test_news_page_metadata_and_body(ctx):
    a = pagetext.extract(dump("harbour_ferry.txt"), RULES, site_context() if ctx else None)
    assert a.title == "Council signs twelve-year contract for two electric harbour ferries"
    assert a.date == dt.date(2024, 3, 3)  # "Published" beats "Updated" on the same line
    assert a.authors == ["Jane Doe", "John Roe"]
    assert a.id.startswith("sha256-")
    text = published(a)
    assert "What the contract covers" in [s.heading for s in a.sections]
    assert any(p.startswith("The city council has signed") for p in text)
    assert any(p.startswith("Residents who use the crossing") for p in text)
    for chrome in ("Advertisement", "Accept all", "7 comments", "12 shares", "More on this story",
                   "Sign up to our morning newsletter", "About us", "[ferry-photo-1]",
                   "Bay tunnel plan shelved after cost review"):
        assert chrome not in text, chrome
    assert not any("cookies" in p for p in text)
    assert not any(p.startswith("The first of the new ferries") for p in text)  # a caption
    reasons = {r.text: r.reason for r in a.removed}
    assert reasons["By Jane Doe and John Roe"] == "metadata: byline"
    date_line = "Published: 14:05 GMT, 3 March 2024 | Updated: 09:12 GMT, 4 March 2024"
    assert reasons[date_line] == "metadata: publication date"
    assert reasons["7 comments"] == "boilerplate: counter"
    assert reasons["7"].startswith("boilerplate:")  # a lone number is never a date
    assert "cookie" in reasons[next(t for t in reasons if t.startswith("We use cookies"))]
    accounted(a)


def test_repetition_across_the_source_is_named():
    a = pagetext.extract(dump("harbour_ferry.txt"), RULES, site_context())
    reasons = {r.text: r.reason for r in a.removed}
    assert reasons["Privacy policy"] == "boilerplate: repeated on 2 pages of this source"
    assert reasons["Bay tunnel plan shelved after cost review"] == "boilerplate: repeated on 2 pages of this source"


def test_credit_for_publisher_iso_datetime_and_site_name():
    a = pagetext.extract(dump("market_hall.txt"), RULES, site_context())
    assert a.title == "Old market hall to reopen as food court after two-year restoration"
    assert a.date == dt.date(2024, 5, 2)
    assert a.authors == ["Maria Lopez"]
    assert a.publisher == "Harbour Gazette"
    assert [s.heading for s in a.sections] == [None, "Opening hours"]
    assert "Most read" not in published(a)
    accounted(a)


@pytest.mark.parametrize(("name", "reason"), [
    ("section_front.txt", "no article: a section front"),
    ("not_found.txt", "no article: error page"),
    ("cookie_wall.txt", "no article: cookie or login wall"),
])
def test_pages_without_an_article_are_rejected_with_a_reason(name, reason):
    with pytest.raises(Rejected, match=reason):
        pagetext.extract(dump(name), RULES, None)


def test_undated_page_is_rejected_no_date():
    text = (PAGES / "market_hall.txt").read_text(encoding="utf-8")
    text = text.replace("2024-05-02T09:30:00+02:00\n", "Posted 3 days ago\n")
    with pytest.raises(Rejected, match=r"^no date"):
        pagetext.extract(read_bytes(text.encode(), "x.txt"), RULES)


@pytest.mark.parametrize(("line", "expected"), [
    ("Published: 01:46 GMT, 22 December 2023 | Updated: 01:47 GMT, 23 December 2023", dt.date(2023, 12, 22)),
    ("Updated Dec. 5, 2023 10:42 AM EST", dt.date(2023, 12, 5)),
    ("Dec 20, 20236:46 PM", dt.date(2023, 12, 20)),
    ("Saturday 23 December 2023 09:25", dt.date(2023, 12, 23)),
    ("By Oliver Staley • 05/26/22 4:20pm", dt.date(2022, 5, 26)),
    ("2024-05-02T09:30:00+02:00", dt.date(2024, 5, 2)),
    ("Dec 20th 2023 | SHENZHEN", dt.date(2023, 12, 20)),
    ("24 Dicembre 2023", dt.date(2023, 12, 24)),
])
def test_dates_in_a_line(line, expected):
    assert pagetext._dates_in(line, "DMY")[0].date == expected


@pytest.mark.parametrize("line", ["7", "0.204", "32", "May 2024 be the best year of our lives!", "1 / 7",
                                  "Posted 24 hours ago"])
def test_never_a_date(line):
    assert pagetext._dates_in(line, "DMY") == ()


@pytest.mark.parametrize(("line", "names", "publisher"), [
    ("By Erica Nardozzi For Dailymail.Com", ["Erica Nardozzi"], "Dailymail.Com"),
    ("Written by Jane Doe and John Roe", ["Jane Doe", "John Roe"], None),
    ("Reported by Ana Ruiz, Tom Lee and Kim Park", ["Ana Ruiz", "Tom Lee", "Kim Park"], None),
    ("By Sam Poe, Staff Writer", ["Sam Poe"], None),
])
def test_bylines(line, names, publisher):
    got = pagetext._byline(line)
    assert got is not None and list(got[0]) == names and got[1] == publisher


@pytest.mark.parametrize(("line", "names", "publisher"), [
    ("Maria Lopez for Harbour Gazette", ["Maria Lopez"], "Harbour Gazette"),
    ("Ana Ruiz and Tom Lee | The Daily Post", ["Ana Ruiz", "Tom Lee"], "The Daily Post"),
])
def test_credits_without_by(line, names, publisher):
    got = pagetext._credit(line)
    assert got is not None and list(got[0]) == names and got[1] == publisher


def test_not_a_credit():
    assert pagetext._credit("Manchester City blow away Fluminense") is None
    assert pagetext._credit("Ferry strike called off after late-night talks") is None


def test_deterministic_and_lone_dump():
    a = pagetext.extract(dump("harbour_ferry.txt"), RULES)
    b = pagetext.extract(dump("harbour_ferry.txt"), RULES)
    assert (a.title, a.date, a.authors, published(a), a.removed) == (
        b.title, b.date, b.authors, published(b), b.removed)


def test_context_normalise_and_build():
    assert context.normalise("  7  Comments ") == context.normalise("12 comments") == "0 comments"
    ctx = context.build([["Menu", "Menu", "A"], ["menu", "B"]])
    assert ctx.n_dumps == 2
    assert ctx.count("MENU") == 2 and ctx.count("A") == 1 and ctx.count("C") == 0


# ---------------------------------------------------------------- round 2: headline, date, lists


def test_headline_not_a_related_item_nor_a_breadcrumb_and_without_media_tag():
    a = pagetext.extract(dump("mill_reopens.txt"), RULES)
    # the "latest stories" items each have a date under them: a list, not the headline;
    # the breadcrumb glued to the headline is chrome; "[Watch]" is not part of the title
    assert a.title == "Mill on the river reopens as a makers' hall"
    assert a.authors == ["Ann Example"]
    reasons = {r.text: r.reason for r in a.removed}
    assert reasons["Home News Local Mill on the river reopens as a makers' hall [Watch]"].startswith(
        "boilerplate: labels glued")
    assert "Mill on the river reopens as a makers' hall [Watch]" not in reasons  # the title line


def test_date_of_the_meta_block_not_of_a_caption_nor_an_embedded_post():
    a = pagetext.extract(dump("mill_reopens.txt"), RULES)
    # the caption under the headline says March 3, 2019 and the embedded post May 13:
    # the labelled line wins, "Published" over "Updated"
    assert a.date == dt.date(2023, 5, 14)
    assert a.date_text == "14 May 2023"


def test_list_of_headlines_after_the_article_is_not_published():
    a = pagetext.extract(dump("mill_reopens.txt"), RULES)
    text = published(a)
    assert any(p.startswith("The trust expects about two hundred visitors") for p in text)
    assert any(p.startswith("The upper floors will open next spring") for p in text)
    assert not any("footbridge" in p or "Volunteers plant" in p for p in text)
    reasons = {r.text: r.reason for r in a.removed}
    assert reasons["Fire crews called to a barn on the edge of town after smoke was seen from the main road "
                   "late on Thursday evening"] == "boilerplate: list of headlines (related links)"


def test_page_dated_only_relatively_is_undated_unless_its_path_has_a_date():
    data = (PAGES / "relative_dated.txt").read_bytes()
    with pytest.raises(Rejected, match=r"^no date"):
        # "4 days ago" under the headline: the coronation date in a caption is not the page's
        pagetext.extract(read_bytes(data, "pages/relative_dated.txt"), RULES)
    for path in ("scraped/2023/05/14/relative_dated.txt", "scraped/2023-05-14-relative_dated.txt"):
        a = pagetext.extract(read_bytes(data, path), RULES)
        assert a.title == "Town hall clock stops after a century of keeping time"
        assert a.date == dt.date(2023, 5, 14)
    # not a date: an impossible month, a number run that is an id
    for path in ("scraped/2023/14/05/relative_dated.txt", "scraped/20230514123/relative_dated.txt"):
        with pytest.raises(Rejected, match=r"^no date"):
            pagetext.extract(read_bytes(data, path), RULES)


@pytest.mark.parametrize(("line", "title"), [
    ("Let kids be kids and leave the summer alone | Editorial", "Let kids be kids and leave the summer alone"),
    ("Band plays its last show at the old hall (video)", "Band plays its last show at the old hall"),
    ("Storm closes the coast road [PHOTOS]", "Storm closes the coast road"),
    ("Dune (2021) review | Part two", "Dune (2021) review | Part two"),  # 3-word head: kept
    ("Review | A quiet film about a loud family", "Review | A quiet film about a loud family"),
])
def test_title_cleaning(line, title):
    assert pagetext._clean_title(line) == title


def test_dates_after_a_dash_and_not_glued_to_words():
    assert [h.date for h in pagetext._dates_in("Last updated on -Dec 23, 2023, 08:59 IST", "MDY")] == [
        dt.date(2023, 12, 23)]
    assert pagetext._dates_in("build x-Dec 23, 2023", "MDY") == ()


def test_comment_thread_after_the_article_is_not_published():
    a = pagetext.extract(dump("orchard_comments.txt"), RULES)
    text = published(a)
    assert any(p.startswith("The orchard will sell young trees in November") for p in text)
    assert not any("juice they pressed" in p or "russet" in p or "bottom of our garden" in p for p in text)
    reasons = {r.text: r.reason for r in a.removed}
    assert reasons["orchardfan September 12, 2023 at 11:02 am"] == "boilerplate: comment thread after the article"
    assert a.date == dt.date(2023, 9, 12)
    accounted(a)


def test_headline_is_the_clause_not_a_short_label_above_the_date():
    a = pagetext.extract(dump("orchard_comments.txt"), RULES)
    # "Leave a Comment" sits right above the date, the headline under it: a 3-word label
    # loses to the full clause
    assert a.title == "Orchard growers bring back old apple varieties for the autumn fair"
    assert a.authors == ["Tom Sample"]


def test_comment_headers_need_a_clock_or_ago_and_several_posts():
    from builder.convert.readers.pagetext import _CLOCK
    assert _CLOCK.search("suz December 21, 2023 at 1:24 pm")
    assert _CLOCK.search("posted 9.32 am")
    assert not _CLOCK.search("04.13.21")  # a dotted date, not a time
