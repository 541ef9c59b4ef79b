"""Stage 3, clean: Layout -> Article with chrome removed and the body in sections.

Every non-blank line of the dump ends up in exactly one place: the page (title,
highlights, headings, paragraphs), the front matter (id, date, byline), or the
`removed` list with the reason. Nothing disappears without a trace.
"""

from __future__ import annotations

import re

from ..model import Article, Line, Rejected, Removed, Section
from ..rules import Rules
from .dates import DateError, looks_like_date, parse_date
from .language import SENTENCE_WORDS, word_count
from .parse import Layout, bullet_text, headline_parts, same_title

_OPENING_QUOTES = "“\"‘'«„‹「『"
# Sentence and clause punctuation a heading does not end with, full-width CJK marks too.
_HEADING_END = (*".,;:!?…\"”»)]–—-", *"。、，；：！？」』）")


def is_heading(text: str) -> bool:
    """A section heading: a short standalone line that is not a sentence or a quote. Its
    first letter is a capital, unless its script has no case (Han, kana, Arabic ...)."""
    if len(text) > 90 or not 1 <= word_count(text, 12) <= 12:
        return False
    if text[0] in _OPENING_QUOTES or text.endswith(_HEADING_END) or looks_like_date(text):
        return False
    if re.match(r"\d+[.)]\s", text):  # "1. The first message ..." is a list-like sentence
        return False
    first = text[0]
    return first.isupper() or first.isdigit() or not first.isalpha() or first.lower() == first.upper()


def _blocks(lines: list[Line]) -> list[list[Line]]:
    """Runs of non-blank lines, split at blank lines."""
    blocks: list[list[Line]] = [[]]
    for line in lines:
        if line.text:
            blocks[-1].append(line)
        elif blocks[-1]:
            blocks.append([])
    return [b for b in blocks if b]


def _same_date(text: str, lay: Layout, rules: Rules) -> bool:
    if not looks_like_date(text):
        return False
    try:
        return parse_date(text, rules.date_order) == lay.date
    except DateError:
        return False


def clean(lay: Layout, rules: Rules) -> Article:
    removed: list[Removed] = []

    def drop(line: Line, reason: str) -> None:
        removed.append(Removed(line.number, line.text, reason))

    title = lay.title_line.text
    if lay.id_line:
        drop(lay.id_line, "metadata: scraper id (front matter `id`)")
    if lay.date_line:
        drop(lay.date_line, "metadata: publication date (front matter `date`)")
    headline = headline_parts(title)[1]
    for line in lay.header:
        if same_title(line.text, title, headline):
            drop(line, "boilerplate: repeated title")
        elif reason := rules.chrome_reason(line.text, "header"):
            drop(line, f"boilerplate: {reason}")
        elif reason := lay.header_reasons.get(line.number):
            drop(line, reason if reason.startswith("metadata:") else f"boilerplate: {reason}")
        else:
            drop(line, "boilerplate: repeated date")
    if lay.highlights_label and not lay.highlights:
        drop(lay.highlights_label, "boilerplate: highlights label with no highlights")
    if lay.byline:
        drop(lay.byline, "metadata: byline (front matter `authors`, `publisher`)")

    author_words = {w.casefold() for a in lay.authors for w in a.split()}
    trailing: list[Line] = []  # footer sentences kept as content
    for line in lay.footer:
        if line is lay.date_line:
            continue
        text = line.text
        if reason := rules.chrome_reason(text, "footer"):
            drop(line, f"boilerplate: {reason}")
        elif _same_date(text, lay, rules) or looks_like_date(text):
            drop(line, "boilerplate: repeated date")
        elif all(w.casefold() in author_words for w in text.split()):
            drop(line, "boilerplate: author name repeated by the template")
        elif word_count(text, SENTENCE_WORDS) >= SENTENCE_WORDS:  # a sentence of the article (an editor’s note)
            trailing.append(line)
        else:
            drop(line, "boilerplate: site chrome after the byline")

    # Body: chrome lines out, then blocks -> headings and paragraphs.
    body: list[Line] = []
    for line in lay.body:
        if not line.text:
            body.append(line)
        elif line is lay.date_line:
            continue
        elif reason := rules.chrome_reason(line.text, "anywhere"):
            drop(line, f"boilerplate: {reason}")
        elif not lay.byline and _same_date(line.text, lay, rules):
            drop(line, "boilerplate: repeated date")
        else:
            body.append(line)
    # Without a byline the footer has no marker: trailing short date/chrome lines were
    # handled above; what is left is content.
    blocks = _blocks(body)
    sections: list[Section] = []
    for n, block in enumerate(blocks):
        text = block[0].text
        if len(block) == 1 and n + 1 < len(blocks) and is_heading(text) and text != title:
            sections.append(Section(text, heading_line=block[0].number))
            continue
        if not sections:
            sections.append(Section(None))
        sections[-1].paragraphs.extend(line.text for line in block)
        sections[-1].lines.extend(line.number for line in block)
    if trailing:
        if not sections:
            sections.append(Section(None))
        sections[-1].paragraphs.extend(line.text for line in trailing)
        sections[-1].lines.extend(line.number for line in trailing)
    sections = [s for s in sections if s.paragraphs or s.heading]
    highlights = [bullet_text(line.text, rules) for line in lay.highlights]
    if not any(s.paragraphs for s in sections) and not highlights:
        raise Rejected("no article text: nothing left after the title, date and page chrome")

    removed.sort(key=lambda r: r.line)
    return Article(
        dump=lay.dump,
        id=lay.id,
        title=title,
        date=lay.date,
        date_text=lay.date_line.text if lay.date_line else "",
        highlights_label=lay.highlights_label.text.rstrip(":").strip() if highlights else None,
        highlights=highlights,
        sections=sections,
        byline=lay.byline.text if lay.byline else None,
        authors=list(lay.authors),
        publisher=lay.publisher,
        removed=removed,
    )
