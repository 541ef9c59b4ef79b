"""Stage 2, parse: a Dump's lines -> Layout (where the id, title, date, header, body,
byline and footer are).

The family's shape, top to bottom: scraper id, title, a header of date lines and page
chrome (repeated title, share button, highlights block, teaser), the body (headings
and one paragraph a line), the byline, then a footer of site chrome. Positions are
found here; deciding which lines of each zone are chrome is the next stage's job.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from ..model import Dump, Line, Rejected
from ..rules import Rules
from .dates import DateError, ImplausibleDate, looks_like_date, parse_date
from .language import MIN_SENTENCE_WORDS

_ID = re.compile(r"[\w.:#/-]{1,128}")
_NAME_PARTICLES = {"de", "da", "del", "della", "der", "di", "do", "dos", "du", "la", "le", "van", "von",
                   "bin", "al", "el", "ibn", "ter", "den", "y", "zu"}
# How far from the end a byline may stand, in non-blank lines.
_BYLINE_WINDOW = 20


@dataclass
class Layout:
    dump: Dump
    id: str
    id_line: Line | None
    title_line: Line
    date: dt.date | None = None
    date_line: Line | None = None
    header: list[Line] = field(default_factory=list)  # chrome-or-date lines before the body
    highlights_label: Line | None = None
    highlights: list[Line] = field(default_factory=list)
    body: list[Line] = field(default_factory=list)  # blank lines kept: they separate blocks
    byline: Line | None = None
    authors: list[str] = field(default_factory=list)
    publisher: str | None = None
    footer: list[Line] = field(default_factory=list)


def is_name(text: str) -> bool:
    """A person's name as bylines write it: 1-6 capitalised words, no digits."""
    words = text.split()
    if not 1 <= len(words) <= 6 or re.search(r"\d|[.!?;:]$", text):
        return False
    return all(w[:1].isupper() or w.casefold() in _NAME_PARTICLES for w in words) and words[0][:1].isupper()


def split_credit(credit: str) -> tuple[list[str], str | None] | None:
    """'A and B, Publisher' -> (['A', 'B'], 'Publisher'); None if it is not a credit."""
    names, _, publisher = credit.partition(",")
    authors = [a.strip() for a in re.split(r"\s+(?:and|&)\s+", names.strip()) if a.strip()]
    if not authors or not all(is_name(a) for a in authors):
        return None
    publisher = publisher.strip() or None
    if publisher and (len(publisher.split()) > 8 or publisher.endswith(".")):
        return None
    return authors, publisher


def _is_date(text: str, rules: Rules) -> bool:
    try:
        parse_date(text, rules.date_order)
    except ImplausibleDate:
        return True  # a date all the same: not a title
    except DateError:
        return False
    return True


def _date_rejected(line: Line, e: DateError) -> Rejected:
    """The one-line cause for a dump whose date line fails parse_date."""
    kind = "implausible date" if isinstance(e, ImplausibleDate) else "unreadable date"
    detail = str(e).partition(": ")[2] if isinstance(e, ImplausibleDate) else ""
    return Rejected(f"{kind} on line {line.number}: {line.text!r}" + (f" ({detail})" if detail else ""))


def _looks_like_id(text: str) -> bool:
    return bool(_ID.fullmatch(text)) and any(c.isdigit() for c in text) and not looks_like_date(text)


def _bullet_text(text: str, bullets: str) -> str | None:
    """The text of a bullet line ('– Label: text' -> 'Label: text'), else None."""
    if len(text) > 2 and text[0] in bullets and text[1] == " ":
        return text[2:].strip()
    return None


def _find_byline(lines: list[Line], rules: Rules) -> tuple[int, list[str], str | None] | None:
    """Index of the byline in `lines` (searching back from the end), with its credit."""
    seen = 0
    for i in range(len(lines) - 1, -1, -1):
        text = lines[i].text
        if not text:
            continue
        seen += 1
        if seen > _BYLINE_WINDOW:
            return None
        for rx in rules.byline_regexes(text):
            m = rx.fullmatch(text)
            if m:
                credit = split_credit(m["credit"].strip())
                if credit:
                    return i, credit[0], credit[1]
        if len(text.split()) >= MIN_SENTENCE_WORDS:  # may be a sentence of the article: no byline above it
            return None
    return None


def layout(dump: Dump, rules: Rules) -> Layout:
    """Locate the parts of a dump. Raises Rejected for a dump with no title or date."""
    lines = dump.lines
    nonblank = [i for i, line in enumerate(lines) if line.text]
    if not nonblank:
        raise Rejected("empty file: only whitespace")
    first = lines[nonblank[0]]
    if _looks_like_id(first.text):
        id_line, rest = first, nonblank[1:]
    else:  # another scraper without ids: the file's content hash is the stable key
        id_line, rest = None, nonblank
    if not rest:
        raise Rejected("no title: the file holds only an id")
    title_line = lines[rest[0]]
    if _is_date(title_line.text, rules) or rules.chrome_reason(title_line.text, "header"):
        raise Rejected(f"no title: line {title_line.number} is {title_line.text!r}")
    lay = Layout(dump=dump, id=id_line.text if id_line else f"sha256-{dump.sha256[:16]}",
                 id_line=id_line, title_line=title_line)

    # Header: date lines, repeated title, chrome, the highlights block. It ends at the
    # first line that is none of these.
    i = rest[0] + 1
    while i < len(lines):
        line = lines[i]
        text = line.text
        if not text:
            i += 1
            continue
        if text == title_line.text or rules.chrome_reason(text, "header"):
            lay.header.append(line)
        elif looks_like_date(text):
            try:
                date = parse_date(text, rules.date_order)
            except DateError as e:
                if lay.date is None:
                    raise _date_rejected(line, e) from e
                break  # a later odd line: body text, not a date
            if lay.date is None:
                lay.date, lay.date_line = date, line
            else:
                lay.header.append(line)
        elif lay.highlights_label is None and rules.highlights_label(text):
            lay.highlights_label = line
            i += 1
            while i < len(lines):
                item = lines[i]
                if item.text and _bullet_text(item.text, rules.bullets) is None:
                    break
                if item.text:
                    lay.highlights.append(item)
                i += 1
            continue
        else:
            break
        i += 1

    body = lines[i:]
    found = _find_byline(body, rules)
    if found:
        at, lay.authors, lay.publisher = found
        lay.byline = body[at]
        lay.footer = [line for line in body[at + 1 :] if line.text]
        body = body[:at]
    lay.body = body

    if lay.date is None:  # no date in the header: the footer may carry the only one
        for line in lay.footer + [line for line in reversed(body) if line.text][:5]:
            if looks_like_date(line.text):
                try:
                    lay.date, lay.date_line = parse_date(line.text, rules.date_order), line
                    break
                except DateError as e:
                    raise _date_rejected(line, e) from None
    if lay.date is None:
        raise Rejected("no date: no line reads as a publication date")
    return lay


def bullet_text(text: str, rules: Rules) -> str:
    return _bullet_text(text, rules.bullets) or text
