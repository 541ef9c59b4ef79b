"""The rules on a paragraph's shape (builder.convert.readers.lines), shared by the text
and the HTML reader: on small HTML pages, a paragraph trafilatura keeps but that is not
the article's text is removed and listed with the same reason the text reader gives."""

from __future__ import annotations

import pytest

from builder.convert.read import read_bytes
from builder.convert.readers import html as H
from builder.convert.readers import lines as L
from builder.convert.readers import pagetext
from builder.rules import load_rules

TEXT = [
    "The harbour council voted on Tuesday to build a new tidal barrier across the mouth of the river, "
    "after two winters in which the lower town flooded three times.",
    "Engineers told the meeting that the barrier would close on the highest spring tides and stay open "
    "for the rest of the year, so that boats and fish could still pass through it.",
    "Residents of the lower town, many of whom had waited years for a decision, said they were relieved "
    "but wanted to know when the work would start and who would pay for it.",
    "The council said that the first stage of the work would begin in the autumn and that most of the "
    "money would come from a national fund for flood defences in coastal towns.",
]


@pytest.fixture(scope="module")
def rules():
    return load_rules()


def _page(*extra_after: str, middle: tuple[str, ...] = (), raw: str = "") -> bytes:
    paras = [*TEXT[:2], *middle, *TEXT[2:], *extra_after]
    body = "\n".join(f"<p>{p}</p>" for p in paras)
    return f"""<!doctype html><html><head><title>Council approves tidal barrier | Coastline Courier</title>
<meta property="og:title" content="Council approves tidal barrier">
<meta name="author" content="Marta Quillfeather">
<meta property="article:published_time" content="2024-03-09T10:00:00+00:00"></head>
<body><article><h1>Council approves tidal barrier</h1>
<p class="byline">By Marta Quillfeather</p><time datetime="2024-03-09">9 March 2024</time>
{body}{raw}</article></body></html>""".encode()


def _read(rules, data: bytes):
    article = H.extract(read_bytes(data, "seeds/page.html"), rules)
    published = [p for s in article.sections for p in s.paragraphs]
    reasons = {r.text: r.reason for r in article.removed}
    return published, reasons


def test_plain_page_publishes_every_paragraph(rules):
    published, _ = _read(rules, _page())
    assert published == TEXT


def test_labelled_link_to_another_story_is_removed(rules):
    link = "Related: Psyche Spacecraft Finds First Light While Zooming To Metal Asteroid"
    published, reasons = _read(rules, _page(middle=(link,)))
    assert link not in published and published == TEXT
    assert reasons[link] == L.LABELLED_LINK


def test_label_value_facts_in_a_row_stay(rules):
    # A spec sheet: "Label: Value In Title Case" lines next to each other are facts, not links.
    facts = ("ENGINE: Two Litre Inline Four With Direct Injection", "GRIPES: Very Limited Cockpit Storage Space")
    published, _ = _read(rules, _page(middle=facts))
    assert all(f in published for f in facts)


def test_caption_with_its_credit_is_removed(rules):
    cap = "Artist's impression of the new barrier at high tide. (Image credit: Coastline Courier)"
    published, reasons = _read(rules, _page(middle=(cap,)))
    assert cap not in published
    assert reasons[cap] == L.CREDIT_CAPTION


def test_dash_led_related_links_are_removed(rules):
    links = ("— Storm Surge Warning Issued For The Whole East Coast",
             "— How The Old Sea Wall Was Built In Eighteen Ninety")
    published, reasons = _read(rules, _page(middle=links))
    assert published == TEXT
    assert all(reasons[x] == L.RELATED_LINK for x in links)


def test_author_bio_after_the_text_is_removed_other_names_stay(rules):
    bio = "Marta Quillfeather is the Courier's environment reporter and has covered the coast since 2015."
    published, reasons = _read(rules, _page(bio))
    assert bio not in published and reasons[bio] == L.AUTHOR_BIO
    # A closing paragraph about someone who is not the byline's author is the article's.
    other = "Jane Harbour is the council's chief engineer and has led the project since it began in 2019."
    published, _ = _read(rules, _page(other))
    assert other in published


def test_running_words_that_do_not_end_like_a_sentence_are_removed(rules):
    teaser = "A view of the lower town from the harbour wall during the floods of last winter"
    published, reasons = _read(rules, _page(middle=(teaser,)))
    assert teaser not in published and reasons[teaser] == L.NO_SENTENCE
    # A quote that ends in an invisible format character still ends like a sentence.
    quote = "She wrote that she was grateful to all of the people who had helped the town this year.\u2063"
    published, _ = _read(rules, _page(middle=(quote,)))
    assert any(p.startswith("She wrote that") for p in published)


def test_a_list_of_names_is_not_a_caption(rules):
    # List items and lines with few function words (names, scores) are the article's.
    raw = "<ul><li>Reed Sheppard, Kentucky and Rob Dillingham, Kentucky, Trevon Brazile, Arkansas</li></ul>"
    published, _ = _read(rules, _page(raw=raw))
    assert any("Reed Sheppard" in p for p in published)


def test_no_sentence_rule_is_the_text_readers():
    # One rule in one place: the text reader's "not a sentence" line is lines.no_sentence.
    line = pagetext._L(i=0, number=1, text="A view of the lower town from the harbour wall in winter",
                       words=12, stop=0.5, terminal=False, sentence=False, rep=0, dup=1, chrome=False,
                       junk=None, cls="near")
    assert pagetext._no_sentence(line) and L.no_sentence(line.text, line.stop)
    assert not L.no_sentence(line.text + ".", line.stop)
    assert not L.no_sentence("Reed Sheppard, Kentucky, Rob Dillingham, Kentucky, Trevon Brazile, Arkansas", 0.0)


def test_shared_rules_on_plain_lines():
    assert L.labelled_link("READ MORE: another story about the council")
    assert not L.labelled_link("Note: the council meets again next week.")
    assert L.dash_links(["Text.", "— One Title In Title Case", "— Another Title Here Now"]) == [1, 2]
    assert L.dash_links(["— Yes — she said, we will build it"]) == []
    assert L.caption_pairs(["The barrier at high tide. Photo/Agency hide caption", "x",
                            "The barrier at high tide."]) == [(0, 2)]
    cookies = ["This site uses cookies to improve your visit."] * 3
    assert L.cookie_runs(["Intro.", *cookies]) == [1, 2, 3]
    assert L.cookie_runs(["Bake the cookies for the site visitors.", "Then eat them."]) == []
