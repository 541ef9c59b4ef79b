"""The whole-page text reader's shapes added for issue 13 (fourth round): a caption
printed again without its credit, dash-led links to other stories inside the text, a
"read more" label left over from a removed related block, and bylines in capitals.
Every page here is made up for these tests."""

from __future__ import annotations

from pagetext_pages import published, reasons

from builder.convert.read import read_bytes
from builder.convert.readers import pagetext
from builder.rules import load_rules

RULES = load_rules()

MENU = ["Skip to content", "Home", "Local", "Business", "Sport", "Arts", "Search", "Log in"]
FOOTER = ["About the paper", "Contact", "Privacy", "Terms", "© 2024 The Valley Courier"]
TITLE = "Ferry service to the islands resumes after a month of repairs"
HEAD = [TITLE, "By Mara Quist", "January 9, 2024"]
BODY = [
    "The passenger ferry between the harbour and the two outer islands sailed again on Tuesday morning, "
    "a month after a damaged propeller shaft took the only vessel on the route out of service.",
    "Islanders had relied on a chartered fishing boat for supplies and school runs while the ferry was in "
    "the dry dock, and the council said the extra trips had cost it more than it had set aside.",
    "The operator told the council that a spare shaft will now be kept at the yard, so that the next "
    "repair of the kind can be done within a week rather than a month.",
    "Passengers on the first crossing said the timetable was back to normal, though the early sailing on "
    "Saturdays will not return until the spring, when more crew have finished their training.",
]


def page(*lines: str, name: str = "courier/a.txt"):
    return read_bytes(("\n\n".join([*MENU, *lines, *FOOTER]) + "\n").encode(), name)


def test_a_caption_with_its_credit_and_the_same_caption_again_are_both_removed():
    caption = "The ferry leaves the harbour on its first crossing since the repairs were finished."
    with_tail = caption + " Lena Holt/Courier hide caption"
    a = pagetext.extract(page(*HEAD, "Enlarge this image", with_tail, "toggle caption", "Lena Holt/Courier",
                              caption, "Lena Holt/Courier", *BODY), RULES)
    text = published(a)
    assert caption not in text and with_tail not in text
    assert reasons(a)[with_tail].startswith("boilerplate: caption")
    assert reasons(a)[caption].startswith("boilerplate: caption")
    assert text[:len(BODY)] == BODY


def test_a_paragraph_that_another_line_starts_with_is_kept_when_the_tail_is_a_sentence():
    """A paragraph that comes back a line later with another sentence after it is not a
    caption pair (the tail of a caption's copy is a credit, not a sentence)."""
    first = BODY[0]
    longer = first + " It was full."
    a = pagetext.extract(page(*HEAD, first, BODY[1], longer, *BODY[2:]), RULES)
    assert first in published(a) and longer in published(a)


def test_dash_led_headlines_inside_the_text_are_related_links():
    links = ["— Harbour Council Votes To Buy A Second Ferry For The Island Route",
             "— Stranded on the island: a week without the ferry.",
             "— Dry Dock Repairs: How The Propeller Shaft Was Replaced"]
    a = pagetext.extract(page(*HEAD, *BODY[:2], "MORE FROM THE COURIER:", *links, *BODY[2:]), RULES)
    for line in links:
        assert line not in published(a)
        assert reasons(a)[line] == "boilerplate: related link"
    assert published(a) == BODY


def test_dialogue_and_points_set_off_by_a_dash_stay_in_the_text():
    dialogue = ["— Will the boat be back on Tuesday? — asked the teacher who waits at the pier every day.",
                "— On Tuesday, If The Weather Holds — Replied The Skipper From The Deck Of The Boat."]
    points = ["— The council pays for the charter boat until the end of the month.",
              "— The operator keeps a spare shaft at the yard from now on.",
              "— The early Saturday sailing returns in the spring."]
    a = pagetext.extract(page(*HEAD, *BODY[:2], *dialogue, BODY[2], *points, BODY[3]), RULES)
    text = published(a)
    for line in dialogue + points:
        assert line in text


def test_a_read_more_label_next_to_a_removed_related_title_is_not_a_heading():
    related = "Lighthouse keepers return to the outer island after forty years"
    a = pagetext.extract(page(*HEAD, *BODY[:2], related, "Read more", *BODY[2:], "Most read", related,
                              "Winter storms close the coast road again"), RULES)
    assert "Read more" not in published(a)
    assert reasons(a)["Read more"] == "boilerplate: related links label"
    assert all(s.heading is None for s in a.sections)
    assert published(a) == BODY


def test_a_short_heading_after_a_removed_caption_stays_when_its_section_takes_it_up():
    related = "Lighthouse keepers return to the outer island after forty years"
    shaft = ("The spare shaft will be kept at the yard from now on, the operator said, so that the next "
             "repair of the kind takes a week and not a month.")
    a = pagetext.extract(page(*HEAD, *BODY[:2], related, "The spare shaft", shaft, *BODY[2:], "Most read",
                              related), RULES)
    assert "The spare shaft" in [s.heading for s in a.sections]


def test_a_byline_in_capitals_gives_the_names_in_their_usual_case():
    a = pagetext.extract(page(TITLE, "By MARA QUIST and SEAN O'NEIL-MCCOY", "January 9, 2024", *BODY), RULES)
    assert a.authors == ["Mara Quist", "Sean O'Neil-McCoy"]


def test_name_case_keeps_what_it_cannot_be_sure_of():
    from builder.convert.parse import name_case
    assert name_case("RALPH D. RUSSO") == "Ralph D. Russo"
    assert name_case("ENRICO DE LAZARO") == "Enrico de Lazaro"
    assert name_case("GEORGE T. CONWAY III") == "George T. Conway III"
    assert name_case("Eric McDaniel") == "Eric McDaniel"  # not in capitals: as printed
    assert name_case("LAURA MACLEOD") == "LAURA MACLEOD"  # MacLeod or Macleod: as printed
    assert name_case("EJ ANTONI") == "EJ ANTONI"  # initials or a name: as printed
