"""The whole-page text reader: find the article in a page's text as a scraper saved it.

A whole-page dump (what `w3m -dump` or a browser's "save as text" gives) holds menus,
cookie notices, sign-up boxes, the headline, the date a few lines under it, a byline,
the article's paragraphs, captions, related-article lists and a footer, one block a
line. Nothing here knows a site: every decision comes from evidence on the page.

- **Shape** of each line (jusText / boilerpipe's shallow features): its length in
  words, whether it ends like a sentence, its share of function words (jusText's
  stop-word lists when the `justext` package is installed, a small built-in list
  otherwise), bracketed image placeholders, counters ("7 comments"), rules of symbols.
- **Repetition**: a line found in other dumps of the same source (SourceContext) is the
  site's template; a line found twice in this page is a caption, a pull quote or a
  teaser, not the article's text.
- **Place**: the article is the one stretch of the page where sentence lines dominate
  (a best-scoring run: sentence lines add their length, every other line costs, so
  menus, related lists and footers end it); the headline is the title-like line
  shortly above it, best one with a date or byline right under it; date and byline are
  looked for between the headline and the text.
- **Context smoothing**: inside the article, a short line takes its neighbours' class
  (a heading over a paragraph, an item of a list between paragraphs), outside it
  nothing is published.

A page whose best run of sentences is too thin (a section front, a list of links, an
error page, a cookie or login wall) is rejected with a reason that says which.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import itertools
import re
from dataclasses import dataclass

from ...model import Article, Dump, Rejected, Removed, Section
from ...rules import Rules
from ..dates import DateError, parse_date
from ..parse import name_case
from . import lines as shape
from .context import SourceContext, SourceView
from .lines import CODE_TOKEN as _CODE_TOKEN
from .lines import COOKIE as _COOKIE
from .lines import EMBED as _EMBED
from .lines import SENTENCE_END as _SENTENCE_END
from .lines import TERMINAL as _TERMINAL
from .lines import WORD as _WORD
from .lines import pick_stoplist as _pick_stoplist
from .lines import titlecase_share as _titlecase_share

# --------------------------------------------------------------------------- dates

# Month names: English, and the spellings of German, French, Spanish, Italian,
# Portuguese and Dutch (number from the first letters, see _MONTH_NO).
_MONTH_NAMES = {
    1: "january jan januar janvier enero gennaio janeiro januari jän",
    2: "february feb februar février fevrier febrero febbraio fevereiro februari",
    3: "march mar märz maerz mars marzo março maart mrt",
    4: "april apr avril abril aprile",
    5: "may mai mayo maggio maio mei",
    6: "june jun juni juin junio giugno junho",
    7: "july jul juli juillet julio luglio julho",
    8: "august aug août aout agosto augustus",
    9: "september sep sept septembre septiembre settembre setembro",
    10: "october oct oktober octobre octubre ottobre outubro okt",
    11: "november nov novembre noviembre novembro",
    12: "december dec dezember décembre decembre diciembre dicembre dezembro dic dez",
}
_MONTH_NO = {name: no for no, names in _MONTH_NAMES.items() for name in names.split()}
_MON = "(?P<mon>" + "|".join(sorted(_MONTH_NO, key=len, reverse=True)) + r")\.?"
_DATE_IN_LINE = re.compile(
    # Not inside a word or a number, except a capitalised month glued to the text before
    # it (inline elements rendered without a space: "Editor, F1Dec 19, 2023").
    rf"(?:(?<![\w/.])|(?-i:(?<=[a-z\d])(?=[A-Z][a-z])))(?<!\w-)(?:{_MON}\s*(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?,?\s*(?P<y1>\d{{4}})"
    rf"|(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MON.replace('mon>', 'mon2>')},?\s*(?P<y2>\d{{4}})"
    r"|(?P<iy>\d{4})-(?P<im>\d{1,2})-(?P<id>\d{1,2})"
    r"|(?P<ny>\d{4})/(?P<nm>\d{1,2})/(?P<nd>\d{1,2})"
    r"|(?P<a>\d{1,2})[/.](?P<b>\d{1,2})[/.](?P<y3>\d{4}|\d{2}(?![/.]?\d)))(?:(?!\d)|(?=\d{1,2}:\d\d))",
    re.IGNORECASE,
)
# A label before a date, in the same part of the line (no "|" or other date between).
_LABEL_TAIL = r"\b[^|•·\d]{0,12}(?:[\d:.]+\s*(?:[ap]\.?m\.?)?\s*[a-z]{0,4}\s*,?\s*)?$"
_UPDATED = re.compile(r"\b(?:updated|modified|edited)" + _LABEL_TAIL, re.IGNORECASE)
_PUBLISHED = re.compile(r"\b(?:published|posted|released|date)" + _LABEL_TAIL, re.IGNORECASE)


@dataclass(frozen=True)
class _DateHit:
    date: dt.date
    text: str  # the matched span
    updated: bool  # labelled "Updated"/"Modified"
    published: bool  # labelled "Published"/"Posted"


@functools.lru_cache(maxsize=16384)
def _dates_in(text: str, date_order: str) -> tuple[_DateHit, ...]:
    """Every complete date written in a line (a month name, or a numeric form with a
    four-digit year); a lone number is never a date."""
    hits = []
    for m in _DATE_IN_LINE.finditer(text):
        try:
            if m["mon"] or m["mon2"]:
                mon = _MONTH_NO[(m["mon"] or m["mon2"]).casefold()]
                d = dt.date(int(m["y1"] or m["y2"]), mon, int(m["d1"] or m["d2"]))
            elif m["iy"]:
                d = dt.date(int(m["iy"]), int(m["im"]), int(m["id"]))
            elif m["ny"]:
                d = dt.date(int(m["ny"]), int(m["nm"]), int(m["nd"]))
            else:
                a, b = int(m["a"]), int(m["b"])
                day, mon = (a, b) if date_order == "DMY" else (b, a)
                if mon > 12 and day <= 12:
                    day, mon = mon, day
                year = int(m["y3"]) if len(m["y3"]) == 4 else 2000 + int(m["y3"])
                d = dt.date(year, mon, day)
        except (ValueError, KeyError):
            continue
        if not 1900 <= d.year <= 2200:
            continue
        before = text[max(0, m.start() - 30):m.start()]
        hits.append(_DateHit(d, m[0], bool(_UPDATED.search(before)), bool(_PUBLISHED.search(before))))
    return tuple(hits)


_NUMERIC_DATE = re.compile(r"(?<![\d/.])(\d{1,2})[/.](\d{1,2})[/.](?:\d{4}|\d{2})(?![\d/.])")
# A clock time in a North American zone ("8:59 AM PT", "12:51 PM EST"): month-first dates.
_US_ZONE_TIME = re.compile(r"\d{1,2}:\d{2}\s*(?:[ap]\.?m\.?)?\s*\(?(?:[ECMP][SD]?T)\b", re.IGNORECASE)


def _page_date_order(texts: list[str], default: str) -> str:
    """The order of a page's numeric dates (9/8/2015), from the page itself where it
    tells: a numeric date whose first or second part exceeds 12 elsewhere on the page,
    else clock times in a North American zone (month first); else the rules' order."""
    votes = {"DMY": 0, "MDY": 0}
    us = False
    for t in texts:
        if len(t) > 400:
            continue
        for m in _NUMERIC_DATE.finditer(t):
            a, b = int(m[1]), int(m[2])
            if a > 12 >= b:
                votes["DMY"] += 1
            elif b > 12 >= a:
                votes["MDY"] += 1
        us = us or bool(_US_ZONE_TIME.search(t))
    if votes["DMY"] != votes["MDY"]:
        return max(votes, key=votes.__getitem__)
    return "MDY" if us else default


def _whole_line_date(text: str, date_order: str) -> dt.date | None:
    """builder.dates for a line that is only a date (its forms and its refusals)."""
    try:
        return parse_date(text, date_order)
    except DateError:
        return None


# --------------------------------------------------------------------------- line shape

_PLACEHOLDER = re.compile(r"^\[[^\]]*\]$|^\[[^\]]*\]\s*\S{0,3}$")
_IMAGE_LINK = re.compile(r"^\[[^\]]{1,80}\]\s*\S")
_NO_LETTERS = re.compile(r"^[\W\d_]*$")
_COUNTER = re.compile(
    r"^\d[\d,.]*\s*[kKmM]?\s+[^\W\d_]+(?:\s+[^\W\d_]+)?$|^[^\W\d_]+(?:\s+[^\W\d_]+)?\s*[:(]?\s*\d[\d,.]*[kKmM]?\)?$"
    r"|^\d+\s*/\s*\d+$|^\d+\s+(?:min|minute|mins)\.?\s+read$"
    r"|^\d+\s+[^\W\d_]{1,3}\s+\d+[\s|]*$",  # a slide counter: "3 of 9", "3 de 9"
    re.IGNORECASE,
)
# One weak feature among the shape features: the vocabulary of site chrome that is the
# same on every site (consent, accounts, newsletters, ads, legal, sharing), a few
# languages. It never removes a sentence inside the article on its own.
_CHROME_WORDS = re.compile(
    r"\b(?:cookies?|subscribe|subscription|subscriber|newsletters?|sign[ -]?(?:in|up)|log[ -]?(?:in|out)|"
    r"advertisements?|advertising|sponsored|privacy|terms of (?:use|service)|all rights reserved|"
    r"copyright|javascript|your browser|download the app|follow us|share (?:this|on)|"
    r"datenschutz|anmelden|abonnieren|werbung|connexion|s'abonner|publicité|suscríbete|publicidad|"
    r"iscriviti|pubblicità)\b|©",
    re.IGNORECASE,
)
_CHROME_HINT_WORDS = (
    "cookie cookies subscribe subscription subscriber newsletter newsletters sign log advertisement "
    "advertisements advertising sponsored privacy terms rights copyright javascript browser download "
    "follow share datenschutz anmelden abonnieren werbung connexion abonner publicité suscríbete "
    "publicidad iscriviti pubblicità")
_CHROME_HINTS = frozenset(_CHROME_HINT_WORDS.split())


def _is_chrome(text: str, tokens: list[str]) -> bool:
    if "©" in text:
        return True
    if _CHROME_HINTS.isdisjoint(tokens):
        return False
    return bool(_CHROME_WORDS.search(text))


_COOKIE_WALL = re.compile(
    r"\b(?:cookies?|consent|accept all|reject all|log ?in|sign ?in|subscribe|paywall)\b", re.IGNORECASE)
_ERROR_PAGE = re.compile(
    r"\b(?:404|page not found|not be found|doesn'?t exist|does not exist|no longer available|error)\b", re.IGNORECASE)
_TITLE_SEP = re.compile(r"\s+[|–—·•:-]\s+|\s+-\s+")
_BYLINE = re.compile(
    r"^(?:(?:written|reported|words|text|story|posted|published|compiled|edited)\s+by|by)\b[:\s]*(?P<rest>.+)$",
    re.IGNORECASE,
)
_BYLINE_INNER = re.compile(r"(?:^|(?<=[^\W\d_])|\s)(?:By|BY)\s+(?P<rest>[A-Z][^\d|•·]{2,80})")
_NAME_TOKEN = re.compile(r"^(?:[A-Z][\w’'.-]*|[A-Z]\.|de|da|van|von|der|den|del|di|la|le|bin|al|el|dos|du|St\.?)$")
_NAME_JOIN = re.compile(r"\s*(?:,\s*and\s+|,|\band\b|&|\bund\b|\bet\b|\by\b|\be\b)\s*")
_ROLE_TAIL = re.compile(
    r"\s*(?:[,|•·–—-]\s*)?(?:senior|staff|contributing|associate|executive|deputy|managing|chief|special|"
    r"freelance|political|sports|tech|science|health|business|news|entertainment|wellness|"
    r"correspondent|editor|writer|reporter|columnist|contributor|producer|photographer|"
    r"critic|analyst|director|intern)\b.*$",
    re.IGNORECASE,
)
_FOR_PUBLISHER = re.compile(r"\s+(?:for|For|FOR)\s+(?P<pub>[A-Z][\w.&'’ -]{1,40})$")
_DATE_WORDS = re.compile(
    r"\b(?:published|posted|updated|last updated|modified|on|at|am|pm|a\.m\.|p\.m\.|utc|gmt|[ecmp][sd]t|et|pt|ct|"
    r"bst|cet|cest|ist|"
    r"mon(?:day)?|tue(?:s|sday)?|wed(?:nesday)?|thu(?:rs?|rsday)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?)\b",
    re.IGNORECASE,
)


@dataclass
class _L:
    i: int  # index among the page's non-blank lines
    number: int
    text: str
    words: int
    stop: float  # share of function words
    terminal: bool  # ends like a sentence (or a clause)
    sentence: bool  # ends with . ! ? …
    rep: int  # dumps of the source that hold this line (0 without a context)
    dup: int  # times this line occurs in this page
    chrome: bool  # chrome vocabulary
    junk: str | None  # a reason that holds wherever the line stands
    cls: str = ""  # good / near / short / bad
    listed: bool = False  # in a run of long lines that do not end like sentences (headlines)
    wkey: tuple[str, ...] = ()  # its words, casefolded: "A -- B" and "A B" are one text
    stems: frozenset[str] | None = None  # its content words' stems, when asked for


def _features(dump: Dump, source: SourceContext | SourceView | None) -> tuple[list[_L], frozenset[str]]:
    raw = [(ln.number, ln.text) for ln in dump.lines if ln.text]
    tokens_per = [[t.casefold() for t in _WORD.findall(t)] for _, t in raw]
    sample = ([t for ts in tokens_per if len(ts) >= 8 for t in ts] or [t for ts in tokens_per for t in ts])[:1200]
    stop = _pick_stoplist(sample)
    counts: dict[str, int] = {}
    for _, t in raw:
        counts[t] = counts.get(t, 0) + 1
    use_rep = source is not None and source.n_dumps >= 2
    lines = []
    for i, ((number, text), toks) in enumerate(zip(raw, tokens_per, strict=True)):
        nw = len(toks)
        junk = None
        if _NO_LETTERS.match(text) and not re.search(r"\d{3,}", text):
            junk = "boilerplate: stray number or symbols" if nw else "boilerplate: rule or symbols"
        elif _PLACEHOLDER.match(text):
            junk = "boilerplate: image or form placeholder"
        elif _IMAGE_LINK.match(text):
            junk = "boilerplate: image link (teaser)"
        elif _COUNTER.match(text) and nw <= 3:
            junk = "boilerplate: counter"
        lines.append(_L(
            i=i, number=number, text=text, words=nw,
            stop=(sum(1 for t in toks if t in stop) / nw) if nw else 0.0,
            terminal=bool(_TERMINAL.search(text)), sentence=bool(_SENTENCE_END.search(text)),
            rep=source.count(text) if use_rep else 0, dup=counts[text],
            chrome=_is_chrome(text, toks), junk=junk, wkey=tuple(toks),
        ))
    _mark_captions(lines)
    _mark_cookie_blocks(lines)
    return lines, stop


_CAPTION_LABEL = re.compile(r"(?i)\b(?:caption|image|photo|picture)s?\b")


def _mark_captions(lines: list[_L]) -> None:
    """Captions told by their form: a credit at the end, a line printed twice in a row
    (alt text and caption), or a line that repeats the line above plus a credit."""
    for k, ln in enumerate(lines):
        t = ln.text
        if (k + 1 < len(lines) and len(t) >= 60 and not lines[k + 1].junk
                and lines[k + 1].text[:50] == t[:50] and re.search(r"…|\.\.\.", lines[k + 1].text)):
            # The same text again, cut short ("… more >"): a teaser copy of a caption or a summary.
            lines[k + 1].junk = "boilerplate: truncated copy of the line above"
        if ln.junk:
            continue
        half = len(t) // 2
        if len(t) > 30 and (t[:half].strip() == t[half:].strip() or t[:half + 1].strip() == t[half + 1:].strip()):
            ln.junk = "boilerplate: caption (printed twice)"
        elif shape.credit_caption(t):
            ln.junk = shape.CREDIT_CAPTION
        elif k + 1 < len(lines) and len(t) >= 25 and lines[k + 1].text != t and lines[k + 1].text.startswith(t):
            ln.junk = "boilerplate: caption (alt text)"
            lines[k + 1].junk = "boilerplate: caption with its credit"
        elif (k + 1 < len(lines) and len(t) >= 25 and not lines[k + 1].junk
              and lines[k + 1].text.endswith(t) and 2 <= len(lines[k + 1].text) - len(t) <= 20
              and not lines[k + 1].text[:-len(t)].strip()[-1:].isalnum()):
            # "X" then "Enlarge / X": an image's alt text and its labelled caption.
            ln.junk = "boilerplate: caption (alt text)"
            lines[k + 1].junk = "boilerplate: caption with its label"
        elif (k + 1 < len(lines) and ln.words <= 3 and t.endswith((",", ":")) and _CAPTION_LABEL.search(t)
              and not lines[k + 1].junk and lines[k + 1].words <= 40):
            # A caption's label on its own line ("Image caption,", "Photo:"): the next line is the caption.
            ln.junk = "boilerplate: caption label"
            lines[k + 1].junk = "boilerplate: caption (under its label)"
        elif (k + 1 < len(lines) and len(lines[k + 1].text) >= 15 and len(t) > len(lines[k + 1].text)
              and t.endswith(lines[k + 1].text) and not lines[k + 1].junk):
            ln.junk = "boilerplate: labels glued to the next line (breadcrumb, kicker)"
    _mark_caption_pairs(lines)


def _mark_caption_pairs(lines: list[_L]) -> None:
    for k, j in shape.caption_pairs([ln.text for ln in lines]):
        lines[k].junk = lines[k].junk or shape.CAPTION_WITH_CREDIT
        lines[j].junk = lines[j].junk or shape.CAPTION_COPY


def _mark_cookie_blocks(lines: list[_L]) -> None:
    for k in shape.cookie_runs([ln.text for ln in lines]):
        lines[k].junk = lines[k].junk or shape.COOKIE_NOTICE


_LIST_RUN = 4


def _mark_headline_lists(lines: list[_L]) -> None:
    """A run of several long lines none of which ends like a sentence is a list of
    headlines (related articles, "more headlines"), not paragraphs."""
    k = 0
    while k < len(lines):
        j = k
        while j < len(lines) and lines[j].words >= 6 and not lines[j].terminal and not lines[j].junk:
            j += 1
        if j - k >= _LIST_RUN:
            for ln in lines[k:j]:
                ln.cls = "bad"
                ln.listed = True
        k = max(j, k + 1)


_DATED_LIST = 3  # this many "title, date" items close together: a list of other stories
_DATED_GAP = 4  # lines at most between two items' dates
_DIGIT = re.compile(r"\d")


def _mark_dated_lists(lines: list[_L], order: str) -> None:
    """Items of a list of other stories, each a headline with its date under it
    ("Title / Dec 22, 2023 | Section", with a teaser or caption between items): the
    related or latest stories, however sentence-like their teasers. A page's own
    headline and date are one such pair, never several in a row."""
    items = [k for k in range(1, len(lines))
             if lines[k].words <= 10 and not lines[k].sentence and _DIGIT.search(lines[k].text)
             and _dates_in(lines[k].text, order) and _title_shape(lines[k - 1])]
    group: list[int] = []
    for k in [*items, None]:
        if k is not None and (not group or k - group[-1] <= _DATED_GAP):
            group.append(k)
            continue
        if len(group) >= _DATED_LIST:
            # A regular list (every item as many lines long): the first item starts as
            # many lines above its date as the others (its teaser or caption first).
            steps = {b - a for a, b in itertools.pairwise(group)}
            first = group[0] - (steps.pop() - 1 if len(steps) == 1 else 1)
            for ln in lines[max(0, first):group[-1] + 1]:
                ln.cls = "bad"
                ln.listed = True
        group = [k] if k is not None else []


# jusText's thresholds, in words rather than characters (about 5.5 characters a word).
_SHORT = 10  # fewer words than this: short (unless a sentence of ≥ 6)
_LONG = 30  # from this many words a line is good on its stop-words alone
_STOP_LOW = 0.30
_STOP_HIGH = 0.32


def _classify(ln: _L, template_ok: bool) -> str:
    if ln.junk:
        return "bad"
    if template_ok and ln.rep >= 2:
        return "bad"
    if ln.words < _SHORT and not (ln.sentence and ln.words >= 6 and ln.stop >= _STOP_LOW):
        return "short"
    if ln.chrome and ln.words < 25:
        return "bad"
    if ln.stop >= _STOP_HIGH and (ln.terminal or (ln.words >= _LONG and not _NOEND_NEAR)):
        return "good"
    if ln.stop >= _STOP_LOW or (ln.terminal and ln.stop >= 0.2):
        return "near"
    return "bad"


# --------------------------------------------------------------------------- the span

_GOOD_VALUE = {"good": 1.0, "near": 0.5}
_NOEND_NEAR = 1
_DUP_ONCE = 1
_COST = 8.0  # what a line that is not a sentence costs inside the article run


def _best_run(lines: list[_L], cost: float | None = None) -> tuple[int, int, float]:
    """The stretch where sentence lines dominate: the maximum-sum run, where a good line
    adds its words, a near-good line half of them, any other line costs _COST."""
    cost = _COST if cost is None else cost
    best = (0, -1, 0.0)
    start, acc = 0, 0.0
    for k, ln in enumerate(lines):
        v = _GOOD_VALUE.get(ln.cls, 0.0) * ln.words
        v = v if v else -cost
        if ln.dup > 1 and ln.cls in _GOOD_VALUE:
            v = -cost  # a caption or teaser repeated in the page
            if _DUP_ONCE and k and lines[k - 1].text == ln.text:
                v = 0.0  # the same caption printed again right under itself costs once
        if acc <= 0:
            start, acc = k, 0.0
        acc += v
        if acc > best[2]:
            best = (start, k, acc)
    return best


# --------------------------------------------------------------------------- headline

_QUOTES = str.maketrans("‘’“”–—", "''\"\"--")
_SPACES = re.compile(r"[^\S\n]+")


def _norm_title(text: str) -> str:
    return re.sub(r"\s+", " ", text.translate(_QUOTES)).strip().casefold()


# A headline may open with a brand written in camel case ("iPhone 15 review", "eBay sues").
_BRAND_START = re.compile(r"^[a-z]{1,3}[A-Z][a-z]")


def _title_shape(ln: _L, text: str | None = None) -> bool:
    text = ln.text if text is None else text
    return (3 <= ln.words <= 30 and not text.endswith((".", ":", ",", ";")) and ln.junk is None
            and not _BYLINE.match(text) and not _dates_in(text, "DMY") and not ln.chrome
            and (text[:1].isupper() | text[:1].isdigit() | (text[:1] in "'\"‘“¿¡") or bool(_BRAND_START.match(text)))
            and not _CODE_TOKEN.search(text))


_CAPTION_WORDS = re.compile(
    r"\b(?:avatar|headshot|portrait|photo(?:graph)?s?|image|images|picture|credits?|getty|illustration|"
    r"file photo|courtesy|enlarge)\b|/", re.IGNORECASE)
_NUMBERED = re.compile(r"^\d{1,3}[.)]\s")
_DURATION_TAIL = re.compile(r"\(\d{1,2}:\d{2}(?::\d{2})?\)$")


_RELATIVE_TIME = re.compile(
    r"^(?:(?:published|posted|updated)\s*:?\s*)?(?:\d+|an?|one)\s+(?:second|minute|min|hour|hr|day|week|month)s?\s+ago$"
    r"|^(?:published|posted|updated|last updated)\s*:?$", re.IGNORECASE)
_AGO = re.compile(r"\b(?:\d+|an?|one)\s*(?:seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|[mhd])\s+ago\b",
                  re.IGNORECASE)
# A date in the dump's file path ("2023/05/14/slug.txt", "2023-05-14-slug.txt"): scrapers
# file pages by date; used only when the page prints no date of its own.
_PATH_DATE = re.compile(r"(?<!\d)((?:19|20)\d\d)([/_-])(\d{1,2})\2(\d{1,2})(?!\d)")
_HL_META_ABOVE = 2.0
_HL_WINDOW = 150
_HL_DATE_WIN = 14
_HL_DATE_FAR = 2.0
_HL_REP = 2.0
_HL_UPPER = 0.5
_HL_LONG = 0.5
_HL_SHORT = 0.5
_HL_CAPS = 1.0
_HL_META_TITLE_WORDS = 4  # a title over a date/byline; a shorter line is a label
_HL_LEAD = 1.0  # weight of the share of a candidate's content words the article's opening uses
_LEAD_LINES = 4  # the opening: this many paragraphs from the top of the text
_DOUBLED = 1
_WINDOW_DENSE = 1


def _all_caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 8 and all(c.isupper() for c in letters)


def _meta_line(ln: _L, date_order: str) -> bool:
    """A byline, a credit or a short line that holds a date (or a bare date label)."""
    if ln.words > 25:
        return False
    return bool(_dates_in(ln.text, date_order) or _byline(ln.text) or _credit(ln.text)
                or _RELATIVE_TIME.match(ln.text))


_TAG_TAIL = re.compile(r"\s*(?:\[[^\W\d_]+\]|\([^\W\d_]+\))$")  # "[Watch]", "(video)"
_LABEL_TAIL_SEP = re.compile(r"\s+[|•]\s+(?P<label>[^|•]+)$")


def _clean_title(text: str) -> str:
    """The headline without a one-word media tag at its end ("[Watch]", "(video)") or a
    short label after a bar ("… | Editorial", "… | Site")."""
    t = _TAG_TAIL.sub("", text).strip() or text
    m = _LABEL_TAIL_SEP.search(t)
    if m and len(m["label"].split()) <= 3 and len(t[:m.start()].split()) >= 4:
        t = t[:m.start()].strip()
    return t


def _own_meta_under(lines: list[_L], k: int, shaped: list[bool], template: list[bool], is_meta,
                    any_date: bool = False) -> bool:
    """A date or byline found on this page only, within 3 lines under line k, with no
    other headline-like line between: the meta block of the headline at k. With any_date,
    a date line counts even when other pages print one of the same shape (their own date
    in the same place: the context counts lines with their digits masked)."""
    for j in range(k + 1, min(len(lines), k + 4)):
        if is_meta(j):
            return lines[j].dup == 1 and (lines[j].rep < 2 or (any_date and bool(_dates_in(lines[j].text, "DMY"))))
        if shaped[j] and not template[j]:
            return False
    return False


def _stem(token: str) -> str:
    return token[:5]  # "returned" / "returning", "outage" / "outages": a crude, language-blind stem


def _content_stems(ln: _L, stop: frozenset[str]) -> frozenset[str]:
    if ln.stems is None:
        ln.stems = frozenset(_stem(t) for t in ln.wkey if t not in stop and not t.isdigit())
    return ln.stems


def _opening_stems(lines: list[_L], paragraphs: list[int], at: int, stop: frozenset[str]) -> frozenset[str]:
    """Content words of the first paragraphs from line `at` on (`paragraphs`: the indexes
    of the page's sentence lines, in order): what a headline announces."""
    first = bisect.bisect_left(paragraphs, at)
    return frozenset().union(*(_content_stems(lines[i], stop) for i in paragraphs[first:first + _LEAD_LINES]))


def _headline(lines: list[_L], start: int, date_order: str, template_ok: bool = True,
              stop: frozenset[str] = frozenset(), text_start: int | None = None) -> int | None:
    """Index of the headline: a title-like line above the article text (or at its top),
    scored by what lies just under it (a date, a byline, a standfirst), what lies just
    above it (the end of the page's chrome, not a byline or a date: the meta block
    follows the headline), the page naming it again elsewhere (a "Headline | Site"
    line, a share text) and what it is not (an item of a list of headlines, a caption,
    a name, a numbered breadcrumb)."""
    # The window counts lines that say something once: a gallery (captions printed
    # twice, "3 of 9" counters) between the headline and the text does not push it out.
    lo, seen = start, 0
    while lo > 0 and seen < _HL_WINDOW:
        lo -= 1
        seen += 1 if not _WINDOW_DENSE or (lines[lo].junk is None and lines[lo].dup == 1) else 0
    hi = min(len(lines), start + 20)
    page = _SPACES.sub(" ", "\n".join(ln.text for ln in lines).translate(_QUOTES)).casefold()
    shaped = [False] * len(lines)
    for i in range(max(0, lo - 9), min(len(lines), hi + 3)):
        shaped[i] = _title_shape(lines[i])
    template = [ln.dup > 1 or (template_ok and ln.rep >= 2) for ln in lines]
    meta = {}

    def words_of(j: int) -> tuple[str, ...]:
        return lines[j].wkey if 0 <= j < len(lines) else ()

    def is_meta(j: int) -> bool:
        if j not in meta:
            meta[j] = _meta_line(lines[j], date_order)
        return meta[j]

    text_start = start if text_start is None else text_start
    openings: dict[int, frozenset[str]] = {}
    paragraphs = [i for i, x in enumerate(lines) if x.cls in _GOOD_VALUE and x.dup == 1]
    best, best_score = None, float("-inf")
    goods_above = 0
    for k in range(lo, hi):
        ln = lines[k]
        if k > start and lines[k - 1].cls == "good" and lines[k - 1].words >= 15:
            goods_above += 1
        # A headline may end with a period ("Here's what you need to know."): weaker.
        dotted = (not shaped[k] and ln.text.endswith(".") and 4 <= ln.words <= 20
                  and not ln.text.endswith("..") and _title_shape(ln, ln.text[:-1]))
        if not shaped[k] and not dotted:
            continue
        # A headline printed twice in a row right over this page's own date or byline (a
        # heading and its link or share text) is one candidate: the upper copy, scored as if
        # the copy were not there. (A teaser printed twice has no meta block under it.)
        if (_DOUBLED and k > 0 and words_of(k - 1) == words_of(k)
                and _own_meta_under(lines, k, shaped, template, is_meta, True)):
            continue
        doubled = (_DOUBLED and k + 1 < len(lines) and words_of(k + 1) == words_of(k)
                   and _own_meta_under(lines, k + 1, shaped, template, is_meta, True))
        score = 1.0
        for d, b in enumerate(lines[k + 1:k + 1 + int(_HL_DATE_WIN)]):
            if b.words <= 25 and _dates_in(b.text, date_order):
                score += 3.0 if d < 8 else _HL_DATE_FAR
                break
        if any(_byline(b.text) for b in lines[k + 1:k + 9]):
            score += 1.5
        nxt = lines[k + 1 + doubled] if k + 1 + doubled < len(lines) else None
        if (nxt is not None and nxt.cls in _GOOD_VALUE and nxt.dup == 1 and nxt.rep < 2
                and words_of(k + 1 + doubled) != words_of(k)):
            score += 1.0  # a standfirst or the lead under it
        key = _norm_title(ln.text)
        near_copies = sum(1 for j in range(max(0, k - 3), min(len(lines), k + 4))
                          if j != k and lines[j].wkey == ln.wkey and not (doubled and j == k + 1))
        if page.count(key) - near_copies >= 2:
            score += 1.5
        if 5 <= ln.words <= 20:
            score += 1.0
            if ln.words >= 8 and not dotted:
                score += _HL_LONG  # most headlines are a full clause
        elif ln.words <= 3:
            score -= _HL_SHORT  # a label, a section or site name
        if _all_caps(ln.text):
            score -= _HL_CAPS  # a kicker, a label or a teaser shouted in capitals
        if _titlecase_share(ln.text) > 0.6:
            score += 0.5
        own = _content_stems(ln, stop)
        # From the standfirst or lead right under it, else from the top of the text.
        at = k + 1 if nxt is not None and nxt.cls in _GOOD_VALUE else max(k + 1, text_start)
        if at not in openings:
            openings[at] = _opening_stems(lines, paragraphs, at, stop)
        opening = openings[at]
        if own and _HL_LEAD and not dotted:
            # The headline announces the article: its words come back in the opening
            # paragraphs; another story's headline (a sidebar, a related link) does not.
            score += _HL_LEAD * len(own & opening) / len(own)
        above = lines[max(0, k - 3):k]
        if above and all(a.cls == "bad" or a.rep >= 2 or a.words <= 3 for a in above):
            score += 1.0  # the page's chrome ends right above it
        if any(is_meta(j) and any(shaped[i] and lines[i].words >= _HL_META_TITLE_WORDS
                                  and not _NUMBERED.match(lines[i].text) for i in range(max(0, j - 3), j))
               for j in range(max(0, k - 6), k)):
            score -= _HL_META_ABOVE  # under another title's date or byline: its meta block, a list
        if any(shaped[j] and not template[j] and lines[j].words >= 5 for j in range(max(0, k - 2), k)):
            score -= _HL_UPPER  # a headline is above its standfirst
        list_mates = sum(1 for j in (k - 2, k - 1, k + 1, k + 2)
                         if 0 <= j < len(lines) and shaped[j] and not template[j])
        score -= 1.0 * max(0, list_mates - 1)
        if ln.sentence and not ln.text.endswith(("?", "!")):
            score -= 1.0 if dotted else 1.5
        if ln.rep >= 2 and not (not ln.sentence and _own_meta_under(lines, k, shaped, template, is_meta)):
            # On other pages of the source (their related links) and not over this
            # page's own date or byline: the site's template.
            score -= _HL_REP
        if near_copies:
            score -= 1.0
        if _NUMBERED.match(ln.text) or _DURATION_TAIL.search(ln.text):
            score -= 2.0  # an item of a numbered list, a video teaser "(6:37)"
        if _CAPTION_WORDS.search(ln.text) or _name_line(ln.text):
            score -= 2.0
        score -= min(2.0, 0.02 * (start - k)) if k < start else 0.6 * goods_above
        if score > best_score:
            # Of a doubled headline, the copy right over the meta block is the heading.
            best, best_score = k + doubled, score
    return best




# --------------------------------------------------------------------------- bylines

def _split_names(credit: str) -> list[str]:
    names = []
    for part in _NAME_JOIN.split(credit):
        part = _ROLE_TAIL.sub("", part).strip(" .,;:|-–—")
        toks = part.split()
        if 2 <= len(toks) <= 5 and all(_NAME_TOKEN.match(t) for t in toks):
            names.append(name_case(part))
    return names


@functools.lru_cache(maxsize=16384)
def _byline(text: str) -> tuple[tuple[str, ...], str | None] | None:
    """Authors (and a publisher) named by a byline line, or None."""
    s = text.strip()
    pub = None
    m = _BYLINE.match(s)
    if m:
        rest = m["rest"]
    else:
        m2 = _BYLINE_INNER.search(s)
        if not m2:
            return None
        rest = m2["rest"]
    rest = _DATE_IN_LINE.split(rest)[0] if _DATE_IN_LINE.search(rest) else rest
    rest = re.split(r"\s*(?:\||•|·|—|–|\s-\s|Published|Updated|Posted|\d)", rest)[0]
    fm = _FOR_PUBLISHER.search(rest)
    if fm:
        pub = fm["pub"].strip()
        rest = rest[:fm.start()]
    names = _split_names(rest)
    return (tuple(names), pub) if names else None


_CREDIT_FORM = re.compile(r"^(?P<names>[^|•·]+?)\s+(?:for|For|FOR|\||•|·|—|–|-)\s+(?P<pub>[^\W\d][\w.&'’ -]{1,40})$")


@functools.lru_cache(maxsize=16384)
def _credit(text: str) -> tuple[tuple[str, ...], str | None] | None:
    """A credit without "By": "NAME for PUBLISHER", "NAME | PUBLISHER", "NAME and NAME
    - PUBLISHER". Every part before the separator must be a name."""
    m = _CREDIT_FORM.match(text.strip())
    if not m or _dates_in(m["pub"], "DMY") or _DATE_WORDS.search(m["pub"]) or len(m["pub"].split()) > 5:
        return None
    parts = [p for p in _NAME_JOIN.split(m["names"]) if p.strip()]
    names = _split_names(m["names"])
    if not names or len(names) != len(parts):
        return None
    return tuple(names), m["pub"].strip()


# A name never opens with an article or a possessive: "A SPIRITUAL HOMECOMING", "The Big
# Picture" are section labels in capitals, not bylines.
_NOT_NAME_START = frozenset(["a", "an", "the", "this", "that", "these", "those",
                             "our", "my", "your", "his", "her", "its", "their"])


def _not_a_name_start(token: str) -> bool:
    return token.casefold() in _NOT_NAME_START


@functools.lru_cache(maxsize=16384)
def _name_line(text: str) -> tuple[str, ...]:
    """A line that is only a name (or "NAME | PUBLISHER", "NAME - date"): its names."""
    s = _DATE_IN_LINE.split(text)[0] if _DATE_IN_LINE.search(text) else text
    s = re.split(r"\s*(?:\||•|·|—|–|\s-\s)\s*", s)[0]
    s = _ROLE_TAIL.sub("", s).strip(" ,")
    toks = s.split()
    if not 2 <= len(toks) <= 4 or not all(_NAME_TOKEN.match(t) for t in toks) or _not_a_name_start(toks[0]):
        return ()
    if _DATE_WORDS.search(s):
        return ()
    return tuple(_split_names(s))


# --------------------------------------------------------------------------- extract

_HEADING_MAX_WORDS = 14


def _reject_reason(lines: list[_L]) -> str:
    text = " ".join(ln.text for ln in lines[:80])
    if len(lines) < 40 and _ERROR_PAGE.search(text):
        return "no article: error page"
    if lines and sum(1 for ln in lines if _COOKIE_WALL.search(ln.text)) >= max(2, len(lines) // 8):
        return "no article: cookie or login wall"
    return "no article: a section front / list of links (no run of sentence paragraphs)"


_CLOCK = re.compile(r"(?<![\d.])\d{1,2}:\d{2}(?![\d.])|(?<![\d.])\d{1,2}\.\d{2}\s*[ap]\.?m\b", re.IGNORECASE)
_COMMENTS = 2  # this many dated posts inside the run: a comment thread


def _comment_start(lines: list[_L], start: int, end: int, date_order: str) -> int | None:
    """Index of the first post header of a comment thread inside the run (or None): a short
    line that is not a sentence and holds a date with a clock time or an "N days ago"
    ("suz December 21, 2023 at 1:24 pm"), followed by sentence lines; a thread has
    several. The article's own date line sits above the text, not inside it."""
    headers = []
    for k in range(start + 1, end + 1):
        ln = lines[k]
        if ln.words > 15 or ln.sentence or ln.cls == "good":
            continue
        nxt = lines[k + 1] if k + 1 < len(lines) else None
        if nxt is None or (nxt.cls not in _GOOD_VALUE and not nxt.terminal):
            continue
        if (_AGO.search(ln.text) or (_CLOCK.search(ln.text) and _dates_in(ln.text, date_order))):
            headers.append(k)
    return headers[0] if len(headers) >= _COMMENTS else None


_ALT_TEXT = 1  # publish only sentence lines (and headings) of the run


def _run_extras(lines: list[_L], start: int, end: int, authors: list[str], order: str) -> dict[int, str]:
    """Lines of the article run that are not its text, told by their shape and place
    (the rules of `lines`): a labelled link to another story anywhere in it, an embedded
    post, a run of dash-led related links; at its end, the author's bio and a short
    dated publication note ("This story was originally published DATE.")."""
    def has_date(text: str) -> bool:
        return bool(_dates_in(text, order))

    out: dict[int, str] = {}
    tail: list[int] = []
    for k in range(start, end + 1):
        ln = lines[k]
        if ln.junk:
            continue
        if shape.labelled_link(ln.text):
            out[k] = shape.LABELLED_LINK
        elif ln.cls in _GOOD_VALUE:
            tail.append(k)
    for k in range(start, end + 1):
        if shape.embed_credit(lines[k].text, has_date):
            out[k] = shape.EMBED_CREDIT
            if k - 1 >= start and not lines[k - 1].junk and k - 1 not in out:
                out[k - 1] = shape.EMBED_POST
    for k in shape.dash_links([ln.text for ln in lines[start:end + 1]]):
        out.setdefault(start + k, shape.RELATED_LINK)
    for k in tail[-shape.TAIL_LINES:]:
        if k not in out and (reason := shape.tail_note(lines[k].text, authors, has_date)):
            out[k] = reason
    return out


_LINK_LABEL = 1
_LABEL_WORDS = 5


def _link_label(lines: list[_L], k: int, start: int, end: int, extra: dict[int, str], template_ok: bool,
                stop: frozenset[str]) -> bool:
    """A short heading-shaped line ("Read more", "See also") right next to a line that is
    not published as the article's (a related story's title printed twice, a link, a
    template line): the label of that removed block, not a heading of the article. A real
    heading announces its section: its content words come back in the paragraph under it."""
    ln = lines[k]
    if ln.words > _LABEL_WORDS:
        return False

    def removed(j: int) -> bool:
        x = lines[j]
        # a title or a link, not a sentence of the article that happens to be printed twice
        return start <= j <= end and not x.sentence and (j in extra or bool(x.junk) or x.dup > 1 or x.listed
                                                         or (template_ok and x.rep >= 2))

    if not (removed(k - 1) or removed(k + 1)):
        return False
    nxt = next((j for j in range(k + 1, end + 1) if not removed(j) and lines[j].cls in _GOOD_VALUE), None)
    if nxt is None:
        return True
    own = _content_stems(ln, stop)
    return not own & _content_stems(lines[nxt], stop)


def _no_sentence(ln: _L) -> bool:
    """(It still counts in the run: it sits among the paragraphs; a short one may be a
    heading.)"""
    return ln.cls == "near" and shape.no_sentence(ln.text, ln.stop)


def extract(dump: Dump, rules: Rules, source: SourceContext | SourceView | None = None) -> Article:
    """Read a whole page's text dump into an Article, or raise Rejected."""
    lines, stop = _features(dump, source)
    if not lines:
        raise Rejected("empty file")
    # Repetition across the source is only evidence when the dumps are different
    # articles: two saves of one article share their sentences too.
    sentences = [ln for ln in lines if ln.words >= 15 and ln.sentence]
    template_ok = bool(sentences) and sum(1 for ln in sentences if ln.rep >= 2) <= 0.6 * len(sentences)
    for ln in lines:
        ln.cls = _classify(ln, template_ok)
    if _LIST_RUN:
        _mark_headline_lists(lines)
    order = _page_date_order([ln.text for ln in lines], rules.date_order)
    if _DATED_LIST:
        _mark_dated_lists(lines, order)

    start, end, value = _best_run(lines)
    good_in = [ln for ln in lines[start:end + 1] if ln.cls == "good" and ln.dup == 1]
    if value < 60 or not good_in or (len(good_in) < 2 and value < 90):
        raise Rejected(_reject_reason(lines))
    # The run starts and ends on sentence lines.
    while start < end and lines[start].cls not in _GOOD_VALUE:
        start += 1
    while end > start and lines[end].cls not in _GOOD_VALUE:
        end -= 1

    comments = _comment_start(lines, start, end, order) if _COMMENTS else None
    if comments is not None:
        end = comments - 1
        while end > start and lines[end].cls not in _GOOD_VALUE:
            end -= 1
    # The headline is looked for above the loosest run (a lower cost lets the text
    # reach back over captions and boxes to the top of the article).
    loose = _best_run(lines, _COST / 2)[0]
    h = _headline(lines, min(start, loose) if loose <= start else start, order, template_ok, stop, start)
    if h is not None and h >= start:
        # The run began in the page's chrome (a teaser, a notice): the text starts under
        # the headline.
        start = h + 1
        while start < end and lines[start].cls not in _GOOD_VALUE:
            start += 1
    title = _clean_title(lines[h].text) if h is not None else None

    # Date: the nearest complete date under (or just above) the headline, before the
    # text; then anywhere in the head; labelled "Published" beats "Updated".
    anchor = h if h is not None else start
    date_hit, date_idx = None, None
    windows = [range(anchor, min(len(lines), max(start, anchor) + 8)),
               range(max(0, anchor - 4), anchor),
               range(min(len(lines), max(start, anchor) + 8), min(len(lines), end + 1)),
               range(0, max(0, anchor - 4)),
               range(end + 1, len(lines))]
    head_end = min(len(lines), max(start, anchor) + 8)
    for w, win in enumerate(windows):
        cands = []
        for k in win:
            ln = lines[k]
            if ln.words > 30 or (ln.cls == "good" and k >= start and ln.words > 20):
                continue
            hits = _dates_in(ln.text, order)
            if not hits:
                whole = _whole_line_date(ln.text, order) if ln.words <= 6 else None
                if whole:
                    hits = (_DateHit(whole, ln.text, False, False),)
            if hits:
                pub = [x for x in hits if x.published] or [x for x in hits if not x.updated] or hits
                # A date line of the meta block (labelled, a byline, short) before a date
                # inside a caption or a sentence.
                meta = pub[0].published or ln.words <= 10 or bool(_byline(ln.text) or _credit(ln.text))
                # An embedded post's date ("— Name (@handle) December 22, 2023") last.
                tier = 2 if _EMBED.search(ln.text) else 0 if meta else 1
                cands.append((tier, abs(k - anchor), k, pub[0]))
        if w == 0:
            # The page dates itself only relatively ("Published / 4 days ago" under the
            # headline, before any full date): later dates are not its own.
            ago = next((k for k in range(anchor, head_end) if lines[k].words <= 8 and _AGO.search(lines[k].text)), None)
            if ago is not None and all(c[2] > ago for c in cands):
                break
        if cands:
            cands.sort(key=lambda c: c[:3])
            date_idx, date_hit = cands[0][2], cands[0][3]
            break
    if date_hit is None:
        m = _PATH_DATE.search(dump.source_path or "")
        if m:
            try:
                date_hit = _DateHit(dt.date(int(m[1]), int(m[3]), int(m[4])), m[0], False, False)
            except ValueError:
                date_hit = None
    if date_hit is None:
        rel = next((ln.text for ln in lines[:head_end] if ln.words <= 8 and _AGO.search(ln.text)), None)
        if rel is not None:
            # "3 hours ago" dates a page only against the day it was saved, which the
            # dump does not record: no date is made up from it.
            raise Rejected(f"no date: the page dates itself only relatively ({rel.strip()!r}), "
                           "no absolute date near the headline or anywhere on the page")
        raise Rejected("no date: no publication date near the headline or anywhere on the page")

    # Byline: in the head (headline .. text start), or the date line, or next to it.
    authors: list[str] = []
    publisher = None
    head_lo = h if h is not None else max(0, start - 8)
    head_hi = max(start, (date_idx or 0) + 1)
    byline_idx = None
    for k in range(head_lo, min(len(lines), head_hi + 2)):
        if k == h:
            continue
        got = _byline(lines[k].text) or _credit(lines[k].text)
        if got:
            authors, publisher = list(got[0]), got[1]
            byline_idx = k
            break
    if not authors:
        for k in () if date_idx is None else (date_idx - 1, date_idx, date_idx + 1, date_idx - 2, date_idx + 2):
            if 0 <= k < len(lines) and k != h and head_lo <= k <= head_hi + 1:
                names = _name_line(lines[k].text)
                if names:
                    authors, byline_idx = list(names), k
                    break
    # Site name from a "Headline | Site" line.
    if title and not publisher:
        key = _norm_title(title)
        for ln in lines[:max(start, 1)]:
            pieces = _TITLE_SEP.split(ln.text)
            if len(pieces) == 2 and _norm_title(pieces[0]) == key and 1 <= len(pieces[1].split()) <= 4:
                publisher = pieces[1].strip()
                break

    # Sections: the run's good lines, headings over them, items between them.
    sections: list[Section] = [Section(heading=None)]
    body_from = start
    # A standfirst or key points between the headline and the text.
    lead: list[int] = []
    if h is not None and h < start:
        for k in range(h + 1, start):
            ln = lines[k]
            if k in (date_idx, byline_idx) or ln.dup > 1 or (template_ok and ln.rep >= 2) or ln.junk:
                continue
            if ln.words >= 6 and ln.stop >= 0.2 and not ln.chrome and not _byline(ln.text):
                lead.append(k)
            elif lead:
                break
        # only a lead that sits right under the headline (before date/byline lines end)
    for k in lead:
        sections[0].paragraphs.append(lines[k].text)
        sections[0].lines.append(lines[k].number)

    keep: set[int] = set(lead)
    extra = _run_extras(lines, body_from, end, authors, order)
    for k in range(body_from, end + 1):
        ln = lines[k]
        if k in (h, date_idx, byline_idx) or k in extra or ln.junk or ln.dup > 1 or (template_ok and ln.rep >= 2):
            continue
        if ln.cls in _GOOD_VALUE and not (_ALT_TEXT and _no_sentence(ln)):
            sections[-1].paragraphs.append(ln.text)
            sections[-1].lines.append(ln.number)
            keep.add(k)
            continue
        nxt = lines[k + 1] if k + 1 <= end else None
        prev = lines[k - 1] if k > 0 else None
        if (nxt is not None and nxt.cls in _GOOD_VALUE and ln.words <= _HEADING_MAX_WORDS
                and not ln.sentence and not ln.chrome and ln.words >= 1 and not ln.text.endswith(":")
                and (prev is None or prev.cls in _GOOD_VALUE or k == body_from)):
            if _LINK_LABEL and _link_label(lines, k, body_from, end, extra, template_ok, stop):
                extra[k] = "boilerplate: related links label"
                continue
            sections.append(Section(heading=ln.text, heading_line=ln.number))
            keep.add(k)
            continue
    if not sections[0].paragraphs and sections[0].heading is None and len(sections) > 1:
        sections.pop(0)
    sections = [s for s in sections if s.paragraphs]
    if not sections:
        raise Rejected(_reject_reason(lines))

    # Everything else is removed, with the reason its place and shape give.
    removed: list[Removed] = []
    for ln in lines:
        k = ln.i
        if k in keep or k == h:
            continue
        if k == date_idx:
            reason = "metadata: publication date"
        elif k == byline_idx:
            reason = "metadata: byline"
        elif ln.junk:
            reason = ln.junk
        elif k in extra:
            reason = extra[k]
        elif _COOKIE.search(ln.text) and ln.chrome:
            reason = "boilerplate: cookie notice"
        elif template_ok and ln.rep >= 2:
            reason = f"boilerplate: repeated on {ln.rep} pages of this source"
        elif ln.dup > 1:
            reason = "boilerplate: repeated in this page (caption, teaser or pull quote)"
        elif ln.listed:
            reason = "boilerplate: list of headlines (related links)"
        elif (h is not None and k < h) or (h is None and k < start):
            reason = "boilerplate: page header before the headline (navigation, notices)"
        elif k < start:
            reason = "boilerplate: between the headline and the article (caption, labels)"
        elif comments is not None and k >= comments:
            reason = "boilerplate: comment thread after the article"
        elif k > end:
            reason = "boilerplate: after the article (related links, footer)"
        elif ln.chrome:
            reason = "boilerplate: chrome inside the article (sign-up, sharing, advertising)"
        elif _no_sentence(ln):
            reason = shape.NO_SENTENCE
        else:
            reason = "boilerplate: short line inside the article (caption, label)"
        removed.append(Removed(ln.number, ln.text, reason))

    if title is None:
        raise Rejected("no title: no headline above the article text")
    return Article(
        dump=dump, id=f"sha256-{dump.sha256[:16]}", title=title, date=date_hit.date,
        date_text=date_hit.text, sections=sections,
        byline=lines[byline_idx].text if byline_idx is not None else None,
        authors=authors, publisher=publisher, removed=removed,
    )
