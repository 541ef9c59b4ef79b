"""Stage 2, parse: a Dump's lines -> Layout (where the id, title, date, header, body,
byline and footer are).

The family's shape, top to bottom: scraper id, title, a header of date lines and page
chrome (repeated title, share button, highlights block, teaser), the body (headings
and one paragraph a line), the byline, then a footer of site chrome. Positions are
found here; deciding which lines of each zone are chrome is the next stage's job.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, field

from ..model import Dump, Line, Rejected
from ..rules import Rules
from .dates import DateError, ImplausibleDate, looks_like_date, parse_date
from .language import MIN_SENTENCE_WORDS

_ID = re.compile(r"[\w.:#/-]{1,128}")
_NAME_PARTICLES = {"de", "da", "del", "della", "der", "di", "do", "dos", "du", "la", "le", "van", "von",
                   "bin", "al", "el", "ibn", "ter", "den", "y", "zu"}
_NOT_NAME = re.compile(r"\d|[.!?;:]$")
_DIGIT = re.compile(r"\d")
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
    header_reasons: dict[int, str] = field(default_factory=dict)  # line number -> why (shape rules)
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
    if not 1 <= len(words) <= 6 or _NOT_NAME.search(text):
        return False
    return all(w[:1].isupper() or w.casefold() in _NAME_PARTICLES for w in words) and words[0][:1].isupper()


_ROMAN = re.compile(r"(?:I{2,3}|IV|VI{0,3}|IX|X)\.?,?")
_NAME_PIECE = re.compile(r"([-'’])")


def name_case(name: str) -> str:
    """A name printed in capitals ("HEATHER HOLLINGSWORTH", "O'NEIL-MCCOY") in its usual
    case ("Heather Hollingsworth", "O'Neil-McCoy"); particles after the first word in
    lower case, roman numerals and initials ("D.") kept. Kept as printed when unsure: not
    all capitals, a "Mac…" (Macy or MacLeod?), a two-letter word (Ed or EJ?)."""
    letters = [c for c in name if c.isalpha()]
    if len(letters) < 2 or not all(c.isupper() for c in letters):
        return name
    out = []
    for i, word in enumerate(name.split()):
        core = word.strip(".,")
        if i and word.casefold() in _NAME_PARTICLES:
            out.append(word.lower())
        elif _ROMAN.fullmatch(word) or (len(core) == 1 and word != core):
            out.append(word)
        elif (len(core) <= 2 and core not in ("JR", "SR")) or (core.startswith("MAC") and len(core) > 4):
            return name
        else:
            pieces = [p if _NAME_PIECE.fullmatch(p) else p.capitalize() for p in _NAME_PIECE.split(word)]
            out.append("".join("Mc" + p[2:].capitalize() if p.startswith("Mc") and len(p) > 3 else p
                               for p in pieces))
    return " ".join(out)


# Between the names and the publisher of a credit: "NAME for PUBLISHER", "NAME | PUBLISHER",
# "NAME – PUBLISHER". A comma is read apart (it also separates several authors).
_PUBLISHER_SEP = re.compile(r"\s+(?:for|\||–|—|·)\s+|\s*\|\s*", re.IGNORECASE)
_AND = re.compile(r"\s*,\s*|\s+(?:and|&)\s+", re.IGNORECASE)
_AND_WORD = re.compile(r"\s(?:and|&)\s", re.IGNORECASE)


def split_credit(credit: str, strict: bool = False) -> tuple[list[str], str | None] | None:
    """A credit -> (authors, publisher), None if it is not a credit. The forms:
    'A', 'A and B', 'A, B and C', each optionally followed by ', PUBLISHER',
    ' for PUBLISHER', ' | PUBLISHER' or ' – PUBLISHER'.

    `strict`: the line had no "By"/"provided by" before it, so the separator is the only
    evidence it is a credit: it needs a publisher, and each name two to four words."""
    credit = credit.strip()
    m = _PUBLISHER_SEP.search(credit)
    if m:
        names, publisher = credit[: m.start()], credit[m.end() :]
    else:
        parts = credit.split(",")
        # "A, B and C" are all names; "A and B, Publisher" and "A, Publisher" end in one
        if len(parts) > 1 and not _AND_WORD.search(parts[-1]):
            names, publisher = ",".join(parts[:-1]), parts[-1]
        else:
            names, publisher = credit, ""
    authors = [a.strip() for a in _AND.split(names.strip()) if a.strip()]
    if not authors or not all(is_name(a) for a in authors):
        return None
    publisher = publisher.strip() or None
    if publisher and (len(publisher.split()) > 8 or publisher.endswith(".") or "|" in publisher):
        return None
    if strict and (not publisher or not publisher[:1].isupper()
                   or not all(2 <= len(a.split()) <= 4 for a in authors)):
        return None
    return authors, publisher


# A headline's decoration: a label wrapped in punctuation ("*Updated*", "---Breaking---",
# "[UPDATED]", "(LIVE)") at the start or the end, or a scraper's label and a colon at the
# start ("BREAKING:", "LIVE:", "Exclusive:"). Not "#2 on the list", "@Name:", "-40
# degrees:", "Heatwave: ...", "NASA: ..." (a label is letters, and the colon form takes
# only HEADLINE_LABELS: a topic or an acronym before a colon is the headline's).
_WRAPPED_START = re.compile(r"^\s*([*_=~|\[(<]{1,3}|-{2,3})\s*([^\W\d_][^\W\d_ ’'-]*(?: [^\W\d_]+){0,2})\s*"
                            r"([*_=~|\])>]{1,3}|-{2,3})\s*(?=\S)")
_WRAPPED_END = re.compile(r"(?<=\S)\s*([*_=~|\[(<]{1,3}|-{2,3})\s*([^\W\d_]+(?: [^\W\d_]+){0,2})\s*"
                          r"([*_=~|\])>]{1,3}|-{2,3})\s*$")
_LABEL_COLON = re.compile(r"^\s*([^\W\d_]{2,}(?: [^\W\d_]{2,}){0,2})\s*:\s+(?=\S)")
_PAIRS = {"[": "]", "(": ")", "<": ">"}
# The labels scrapers put on headlines (the capitals form is cut only for these).
HEADLINE_LABELS = frozenset({"breaking", "breaking news", "updated", "update", "live", "exclusive", "watch",
                             "video", "developing", "just in", "new", "latest", "urgent", "analysis",
                             "opinion", "photos", "listen"})


def _wrapped(m: re.Match, anywhere: bool) -> bool:
    """Matching punctuation around a label: any label in asterisks, dashes, square brackets
    at the start; in round or angle brackets, or at the end, only a label scrapers use
    ("(Russian strikes)" at the end of a headline is the headline's)."""
    opening, closing = m[1], m[3]
    if _PAIRS.get(opening[0], opening[0]) != closing[0]:
        return False
    return m[2].casefold() in HEADLINE_LABELS or (anywhere and opening[0] not in "(<")


# A dump's title is split again by each stage (parse, clean, tags, the slug: ~6 times a
# dump): the answer is a pure function of the text (a few entries: the calls for one
# dump come together, and a hostile title may be megabytes).
@functools.lru_cache(maxsize=16)
def headline_parts(title: str) -> tuple[str | None, str]:
    """(label, headline): "*Updated* Steelmakers brace ..." -> ("Updated", "Steelmakers
    brace ..."); a title without a decoration -> (None, title). Decided by shape: a label
    wrapped in matching punctuation at the start (or a known label at the end), or a
    known label followed by a colon; a title that would be left empty keeps its words."""
    for rx in (_WRAPPED_START, _WRAPPED_END):
        m = rx.search(title)
        if m and _wrapped(m, rx is _WRAPPED_START):
            rest = (title[: m.start()] + title[m.end() :]).strip()
            if rest and any(c.isalnum() for c in rest):
                return m[2].strip(), rest
    m = _LABEL_COLON.match(title)
    if m and m[1].casefold() in HEADLINE_LABELS:
        rest = title[m.end() :].strip()
        if any(c.isalnum() for c in rest):
            return m[1], rest
    return None, title


def same_title(text: str, title: str, headline: str) -> bool:
    """A header line that repeats the title (`headline`: the title's, from headline_parts),
    decorated or not."""
    return text == title or (headline in text and headline_parts(text)[1] == headline)


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


_CREDIT_GROUP: dict[str, int] = {}  # a byline regex -> the number of its `credit` group


def _credit(text: str, rules: Rules) -> tuple[bool, list[str], str | None] | None:
    """(strong, authors, publisher) if the line is a credit. Strong: a word such as "By"
    or "provided by" introduces it; weak: only the separator of a bare credit says so."""
    for rx in rules.byline_regexes(text):
        m = rx.fullmatch(text)
        if not m:
            continue
        group = _CREDIT_GROUP.get(rx.pattern)
        if group is None:
            group = _CREDIT_GROUP[rx.pattern] = rx.groupindex["credit"]
        strong = m.start(group) > 0
        if not strong and _DIGIT.search(text):  # "May 13, 2025": a bare credit names no number
            continue
        credit = split_credit(m["credit"].strip(), strict=not strong)
        if credit and (strong or not any(rules.chrome_reason(part, "anywhere")
                                         for part in [*credit[0], credit[1] or ""])):
            return strong, credit[0], credit[1]
    return None


def _next_text(lines: list[Line], i: int) -> str:
    """The next non-blank line's text after lines[i] ('' at the end)."""
    for k in range(i + 1, len(lines)):
        if lines[k].text:
            return lines[k].text
    return ""


def _opens_bullets(lines: list[Line], i: int, rules: Rules) -> bool:
    """A short label ending in ':' right above bullet lines: a highlights block, whatever
    its label says ("Key facts:", "What we know:")."""
    text = lines[i].text
    return (text.endswith(":") and len(text.split()) <= 6
            and _bullet_text(_next_text(lines, i), rules.bullets) is not None)


# Words with which page chrome points the reader elsewhere ("Find the full story below.",
# "Read more:", "Get our newsletter here."): a short line of the header zone that uses
# one and ends like a pointer is a teaser, not the article.
_POINTING = frozenset("""read reading more full story stories coverage latest related see watch listen
explore discover find get click tap visit follow subscribe sign continue""".split())  # noqa: SIM905
_READER = frozenset("you your you're you’re".split())  # noqa: SIM905
_TRIM = "“”\"‘’'«»()[].,;:!?…–—-"


def _heading_shaped(text: str) -> bool:
    """Short, no sentence punctuation at the end, not a date: where a section starts."""
    return (0 < len(text.split()) <= 12 and not text.endswith(tuple(".,;:!?…\"”»")) and not looks_like_date(text)
            and text[:1] not in "“\"‘'«")


def _header_chrome(text: str, next_text: str) -> str | None:
    """Why a line of the header zone (between the date lines and the body) is page chrome,
    by its shape and place, or None: a line that points elsewhere ("... below.",
    "Read more:") or, standing alone right above the first heading, a short line that
    addresses the reader or points. Never a quote, a heading or a sentence of the article."""
    words = text.split()
    if not words or len(words) > 20 or text[:1] in "“\"‘'«„":
        return None
    last = words[-1].strip(_TRIM).casefold()
    plain = {w.strip(_TRIM).casefold() for w in words}
    if last in ("below", "here") and text[-1:] in ".!:…" + last[-1:] and (
            len(words) < MIN_SENTENCE_WORDS or plain & _POINTING):
        return "teaser (points to other pages)"
    if len(words) >= MIN_SENTENCE_WORDS or not text.endswith((".", "!", ":", "…")):
        return None
    if text.endswith(":") and plain & _POINTING:
        return "teaser (points to other pages)"
    if _heading_shaped(next_text) and (plain & _POINTING or plain & _READER):
        return "call to action above the first heading"
    return None


def _find_byline(lines: list[Line], rules: Rules) -> tuple[int, list[str], str | None] | None:
    """Index of the byline in `lines` (searching back from the end), with its credit.

    A credit introduced by "By" (or another rule's words) is taken where it is found; a
    bare one ("NAME for PUBLISHER", "NAME | PUBLISHER", "NAME, PUBLISHER") only where a
    byline stands: right under the last sentence of the article, or right above the
    template's repeat of the author's first name or of the date."""
    seen = 0
    weak: tuple[int, list[str], str | None] | None = None
    previous = ""  # the next non-blank line below the one looked at
    for i in range(len(lines) - 1, -1, -1):
        text = lines[i].text
        if not text:
            continue
        seen += 1
        if seen > _BYLINE_WINDOW:
            break
        found = _credit(text, rules)
        if found and found[0]:
            return i, found[1], found[2]
        if found:
            first_names = {a.split()[0].casefold() for a in found[1]}
            above = next((lines[k].text for k in range(i - 1, -1, -1) if lines[k].text), "")
            if (previous.casefold() in first_names or looks_like_date(previous)
                    or above.rstrip("”\"’»)").endswith((".", "!", "?", "…"))):
                weak = (i, found[1], found[2])
        if len(text.split()) >= MIN_SENTENCE_WORDS:  # may be a sentence of the article: no byline above it
            break
        previous = text
    return weak


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

    # Header: date lines, repeated title, chrome, the highlights block, a byline. It ends
    # at the first line that is none of these.
    header_byline: tuple[Line, list[str], str | None] | None = None
    headline = headline_parts(title_line.text)[1]
    i = rest[0] + 1
    while i < len(lines):
        line = lines[i]
        text = line.text
        if not text:
            i += 1
            continue
        if same_title(text, title_line.text, headline) or rules.chrome_reason(text, "header"):
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
        elif lay.highlights_label is None and (rules.highlights_label(text) or _opens_bullets(lines, i, rules)):
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
        elif (credit := _credit(text, rules)) and credit[0] and header_byline is None:
            header_byline = (line, credit[1], credit[2])  # "By NAME" next to the date
        elif reason := _header_chrome(text, _next_text(lines, i)):
            lay.header.append(line)
            lay.header_reasons[line.number] = reason
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
        if header_byline:
            lay.header.append(header_byline[0])
            lay.header_reasons[header_byline[0].number] = "metadata: byline, repeated (front matter `authors`)"
    elif header_byline:
        lay.byline, lay.authors, lay.publisher = header_byline
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
