"""The whole-page text reader's shapes added for issue 13 (second round): glued and
numeric dates read in the page's order, headlines that open with a camel-case brand or
recur on other pages of the source, caption labels and caption pairs, video teasers,
labelled links, the author's bio and a publication note after the article, and a page
dated only relatively. Every page here is made up for these tests."""

from __future__ import annotations

import datetime as dt

import pytest
from pagetext_pages import BODY, TITLE, page, published, reasons

from builder.convert.readers import context, pagetext
from builder.model import Rejected
from builder.rules import load_rules

RULES = load_rules()

def test_month_glued_to_the_text_before_it_is_a_date():
    """w3m renders inline elements without a space: "Editor, NewsDec 19, 2023"."""
    a = pagetext.extract(page(TITLE, "Ann Lowe, Senior Editor, NewsDec 19, 2023, 05:30 PM"), RULES)
    assert a.date == dt.date(2023, 12, 19)
    assert a.title == TITLE


def test_month_inside_a_word_is_still_no_date():
    assert pagetext._dates_in("Sundec 19, 2023", "DMY") == ()
    assert pagetext._dates_in("By Ann LoweDec 20, 2023", "DMY")[0].date == dt.date(2023, 12, 20)


@pytest.mark.parametrize(("line", "expected"), [
    ("9/8/2015 12:15 PM PT", dt.date(2015, 9, 8)),  # a North American zone: month first
    ("9/8/2015 12:15", dt.date(2015, 8, 9)),  # nothing on the page tells: the rules' order (DMY)
])
def test_numeric_date_read_in_the_page_order(line, expected):
    a = pagetext.extract(page(TITLE, line), RULES)
    assert a.date == expected


def test_an_unambiguous_numeric_date_on_the_page_sets_the_order():
    a = pagetext.extract(page(TITLE, "3/4/2024", tail=("Offer ends 12/31/2024",)), RULES)
    assert a.date == dt.date(2024, 3, 4)


def test_headline_may_open_with_a_camel_case_brand():
    title = "iPhone 15 review: a bigger screen and a better camera"
    a = pagetext.extract(page("Reviews", title, "By Ann Lowe", "19 September 2023"), RULES)
    assert a.title == title


def test_headline_named_on_the_other_pages_of_the_source_keeps_its_own_meta_block():
    """Page a's headline is a related link on page b: on page a its own date is right under
    it (its byline is on no other page), while on b another headline follows it."""
    other = "Ferry timetable changes for the holidays announced by the port"
    a_dump = page("Town news", TITLE, "By Ann Lowe", "March 3, 2024", name="site/a.txt")
    b_dump = page(other, "March 1, 2024", "By Bo Reporter", body=[s[:-1] + ", officials said." for s in BODY],
                  tail=("More stories", TITLE, "Council budget vote delayed to next month"), name="site/b.txt")
    ctx = context.build([[ln.text for ln in d.lines] for d in (a_dump, b_dump)])
    for d, expected in ((a_dump, True), (b_dump, False)):
        lines, _ = pagetext._features(d, ctx)
        k = next(ln.i for ln in lines if ln.text == TITLE)
        assert lines[k].rep == 2
        shaped = [pagetext._title_shape(ln) for ln in lines]
        template = [ln.rep >= 2 for ln in lines]
        got = pagetext._own_meta_under(lines, k, shaped, template,
                                       lambda j, ls=lines: pagetext._meta_line(ls[j], "DMY"))
        assert got is expected


def test_caption_label_marks_the_caption_under_it():
    caption = "Crews at work on a burst main near the station last winter"
    a = pagetext.extract(page(TITLE, "March 3, 2024", "Image caption,", caption), RULES)
    assert a.title == TITLE
    assert caption not in published(a)
    assert reasons(a)[caption] == "boilerplate: caption (under its label)"


def test_video_teaser_with_its_duration_is_no_headline():
    a = pagetext.extract(page(TITLE, "play", "Can crews fix a burst main in under an hour? (6:37)",
                              "Ann Lowe, Reporter, March 3, 2024"), RULES)
    assert a.title == TITLE


def test_alt_text_and_enlarge_caption_pair_is_removed():
    alt = "The old cast-iron pipes under the market square, photographed in 1998."
    a = pagetext.extract(page(TITLE, "March 3, 2024", body=[BODY[0], alt, "Enlarge / " + alt, *BODY[1:]]), RULES)
    text = published(a)
    assert alt not in text and "Enlarge / " + alt not in text
    assert BODY[0] in text and BODY[1] in text


def test_truncated_copy_and_agency_credit_caption_are_removed():
    caption = ("A crew replaces a section of water main on Station Road, March 1, 2024, in the town centre. "
               "The board says the work will take four years. (AP Photo/Jo Camera, File)")
    copy = caption[:90] + "… more >"
    a = pagetext.extract(page(TITLE, "March 3, 2024", body=[BODY[0], caption, copy, *BODY[1:]]), RULES)
    text = published(a)
    assert caption not in text and copy not in text
    assert reasons(a)[copy] == "boilerplate: truncated copy of the line above"


def test_labelled_links_to_other_stories_are_removed():
    links = ["Related: Council Votes To Freeze Parking Charges Until Next Year",
             "READ MORE: the bus station reopens after a month of repairs"]
    a = pagetext.extract(page(TITLE, "March 3, 2024", body=[BODY[0], links[0], BODY[1], links[1], *BODY[2:]]),
                         RULES)
    text = published(a)
    for link in links:
        assert link not in text
        assert reasons(a)[link].startswith("boilerplate: labelled link")
    assert BODY[3] in text


def test_a_heading_with_a_colon_over_a_sentence_stays():
    heading_para = "Cost: the board put the whole programme at twelve million pounds over four years."
    a = pagetext.extract(page(TITLE, "March 3, 2024", body=[BODY[0], heading_para, *BODY[1:]]), RULES)
    assert heading_para in published(a)


def test_author_bio_and_publication_note_after_the_article_are_metadata():
    bio = ("Ann Lowe is a senior reporter at The Daily Example, where she covers local government, "
           "transport and the town's utilities.")
    note = "This story was originally published March 3, 2024, 9:15 AM."
    a = pagetext.extract(page(TITLE, "By Ann Lowe", "March 3, 2024", tail=(note, bio)), RULES)
    assert a.authors == ["Ann Lowe"]
    text = published(a)
    assert bio not in text and note not in text
    assert reasons(a)[bio] == "metadata: author bio after the article"
    assert reasons(a)[note] == "metadata: publication note after the article"
    assert BODY[-1] in text


def test_a_last_paragraph_about_someone_else_stays():
    last = ("Mayor Tom Smith is a former engineer, and he said the board had waited too long to act on the "
            "warnings its own staff gave three years ago.")
    a = pagetext.extract(page(TITLE, "By Ann Lowe", "March 3, 2024", tail=(last,)), RULES)
    assert last in published(a)


def test_a_page_dated_only_relatively_is_rejected_saying_so():
    with pytest.raises(Rejected, match=r"only relatively \('Published 3 days ago'\)"):
        pagetext.extract(page(TITLE, "Published 3 days ago", "By Ann Lowe"), RULES)
