"""The whole-page text reader's shapes added for issue 13 (third round): a headline's
words come back in the article's opening, a headline printed twice over its meta block,
slide counters, a site's cookie table and a list of other stories with their dates.
Every page here is made up for these tests."""

from __future__ import annotations

import datetime as dt

from pagetext_pages import BODY, TITLE, page, published, reasons

from builder.convert.read import read_bytes
from builder.convert.readers import pagetext
from builder.rules import load_rules

RULES = load_rules()

def test_the_headline_is_the_title_whose_words_the_opening_uses():
    """The headline sits over the page's side column; the byline and date come only
    at the top of the text. Of the two titles above, the one the opening paragraphs
    take up is the headline, not the side column's story."""
    head = ["Technology", TITLE, "Follow us", "Advertisement",
            "Festival Organisers Promise A Bigger And Longer Summer Programme",
            "The organisers said on Monday that the tickets would go on sale in March.", "Advertisement",
            "Most read", "Podcasts", "Opinion", "Video", "Newsletters", "Puzzles", "Weather", "Obituaries",
            "Letters", "Events", "Jobs", "Archive", "Back", "Print",
            "By Ann Lowe - The Daily Example - Tuesday, December 5, 2023"]
    a = pagetext.extract(page(*head), RULES)
    assert a.title == TITLE
    assert a.date == dt.date(2023, 12, 5)


def test_opening_words_are_compared_by_a_crude_stem():
    stop = frozenset({"the", "a", "of", "are"})
    lines, _ = pagetext._features(read_bytes(b"The pipes of the town\nreturned\nreturning 2023\n", "s/a.txt"), None)
    pipes, returned, returning = (pagetext._content_stems(ln, stop) for ln in lines)
    assert pipes == {"pipes", "town"}
    assert returned == returning == {"retur"}


def test_a_headline_printed_twice_over_its_byline_beats_the_series_label_above_it():
    head = ["Living", "What Makes a Home", TITLE, TITLE, "[photo]", "By Ann Lowe", "December 5, 2023 8:00 AM EST"]
    a = pagetext.extract(page(*head, tail=("More from What Makes a Home", "What makes a home a home?")), RULES)
    assert a.title == TITLE
    assert a.authors == ["Ann Lowe"]


def test_of_a_headline_printed_twice_with_other_punctuation_the_copy_over_the_date_is_the_title():
    plain = "Water board chief Ann Lowe I'm not replacing every pipe at once"
    dashed = "Water board chief Ann Lowe -- I'm not replacing every pipe at once"
    a = pagetext.extract(page(dashed, plain, "EXCLUSIVE", "9/8/2023 12:15 PM PT"), RULES)
    assert a.title == plain
    assert a.date == dt.date(2023, 9, 8)


def test_a_slide_counter_is_a_counter():
    a = pagetext.extract(page(TITLE, "December 5, 2023", "3 of 9 |", "Ann Lowe"), RULES)
    assert reasons(a)["3 of 9 |"] == "boilerplate: counter"
    assert a.title == TITLE


COOKIE_TABLE = (
    "We use cookies on our website to give you the most relevant experience by remembering your preferences "
    "and repeat visits, and by clicking accept you consent to the use of all the cookies.",
    "Necessary cookies are absolutely essential for the website to function properly and only include cookies "
    "that ensure basic functionalities and security features of the website, anonymously.",
    "_ga 1 year 1 month Google Analytics sets this cookie to calculate visitor, session and campaign data and "
    "track site usage for the site's analytics report, storing the information anonymously.",
)


def test_a_sites_cookie_table_after_the_article_is_not_published():
    a = pagetext.extract(page(TITLE, "December 5, 2023", tail=("Related stories", *COOKIE_TABLE)), RULES)
    assert not set(COOKIE_TABLE) & set(published(a))
    assert {reasons(a)[t] for t in COOKIE_TABLE} == {"boilerplate: cookie notice"}
    assert published(a) == BODY


def test_kitchen_cookies_in_the_article_stay():
    body = [
        "The bakery on the market square sold more than four thousand cookies in the week before Christmas, "
        "its owner said, twice as many as last year.",
        "Most of the cookies were gingerbread, baked overnight by a team of six who started work at two in "
        "the morning to have the first trays ready.",
        "Customers queued for the oat cookies too, and the owner said she would keep the recipe the same "
        "next year because nobody had asked for anything new.",
        "The bakery plans to open a second shop near the station in the spring, where it will sell bread "
        "as well as the cakes it is known for.",
    ]
    a = pagetext.extract(page("Bakery sells four thousand cookies in Christmas week", "December 5, 2023",
                              body=body), RULES)
    assert published(a) == body


LATEST = (
    "Latest News",
    "An artist's impression of the new bridge over the river at dusk.",
    "Council approves design for the new river bridge",
    "Dec 22, 2023 | Transport",
    "Children from the primary school planted two hundred trees in the park on a cold morning.",
    "Schoolchildren plant two hundred trees in the park",
    "Dec 21, 2023 | Environment",
    "The old cinema on the high street, closed since the spring, is to become a music venue.",
    "Old high street cinema to reopen as a music venue",
    "Dec 20, 2023 | Culture",
)


def test_a_list_of_other_stories_with_their_dates_is_not_published():
    a = pagetext.extract(page(TITLE, "December 5, 2023", tail=LATEST), RULES)
    assert published(a) == BODY
    assert reasons(a)["Schoolchildren plant two hundred trees in the park"] == (
        "boilerplate: list of headlines (related links)")
    assert a.date == dt.date(2023, 12, 5)


def test_a_long_gallery_between_the_headline_and_the_text_does_not_hide_the_headline():
    """Each photo's caption printed twice and a "3 of 60" counter: 180 lines that say
    nothing new do not push the headline out of the search window."""
    gallery = []
    for n in range(1, 61):
        caption = f"FILE - Crews dig up a burst main on the high street, in picture number {n} of the series."
        gallery += [caption, f"{n} of 60 |", caption]
    a = pagetext.extract(page(TITLE, *gallery, "By Ann Lowe", "December 5, 2023"), RULES)
    assert a.title == TITLE
    assert a.authors == ["Ann Lowe"]
    assert published(a) == BODY


def test_an_embedded_post_and_its_credit_are_not_the_articles_text():
    post = "Crews start on the market square on Monday, so please plan your journey and leave extra time!"
    credit = "— Daily Example Water (@examplewater) December 5, 2023"
    body = [*BODY[:2], post, credit, *BODY[2:]]
    a = pagetext.extract(page(TITLE, "December 5, 2023", body=body), RULES)
    assert published(a) == BODY
    assert reasons(a)[post] == "boilerplate: embedded post"
    assert reasons(a)[credit] == "boilerplate: embedded post (credit)"


def test_an_image_description_between_paragraphs_is_not_published():
    alt = "A crew member in a yellow jacket standing beside an open trench in the market square at dusk"
    body = [*BODY[:2], alt, *BODY[2:]]
    a = pagetext.extract(page(TITLE, "December 5, 2023", body=body), RULES)
    assert published(a) == BODY
    assert reasons(a)[alt].startswith("boilerplate: not a sentence inside the article")


def test_a_short_line_between_paragraphs_is_still_a_heading():
    heading = "What the work means for buses"
    body = [*BODY[:2], heading, *BODY[2:]]
    a = pagetext.extract(page(TITLE, "December 5, 2023", body=body), RULES)
    assert [s.heading for s in a.sections] == [None, heading]
