"""Publication dates: tell a date line from text, and read it without guessing.

python-dateutil reads the many spellings (`May 13, 2025`, `13 May 2025`,
`Tuesday, May 13, 2025 10:42 AM`, `13/05/2025`). What it does not do is refuse: it
fills a missing day or year from a default. So every parse runs twice with two
different defaults, and a date whose day, month or year moves is incomplete.
"""

from __future__ import annotations

import datetime as dt
import functools
import re

from dateutil import parser as du_parser

from .language import MONTH_ABBREVIATIONS, MONTHS, WEEKDAY_ABBREVIATIONS, WEEKDAYS

# Abbreviations first, then the full names not already among them ("may").
_MONTHS = "|".join([*MONTH_ABBREVIATIONS, *(m for m in MONTHS if m not in MONTH_ABBREVIATIONS)])
_WEEKDAYS = "|".join([*WEEKDAY_ABBREVIATIONS, *WEEKDAYS])
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?")
_NUMERIC = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})(?:,?\s+\d{1,2}:\d{2}.*)?")
# Every pattern here sees at most _MAX_DATE_LEN characters (looks_like_date and parse_date
# refuse longer lines first), so none can backtrack over a long line.
_MAX_DATE_LEN = 100
# "Updated:", "Published on", "Last updated", "Posted": a label before the date, not part of it.
_LABEL = re.compile(r"(?:(?:last|first)\s+)?(?:updated|published|posted|modified|released|dated?)\b"
                    r"(?:\s+on)?\s*[:\-–—|]?\s*", re.IGNORECASE)
# A time of day anywhere on the line, with its zone: "10:42", "10.42", "10:42:00.5", "10 a.m.",
# "10:42 AM EDT", "10:42 (UTC+2)", "10:42+02:00". Not "13.05" of "13.05.2025": no digit,
# dot, slash or dash may stand right before it, nor a date's next part right after it.
# A zone is an upper-case abbreviation (case-sensitive: "at the" is no zone) or an offset.
_AMPM = r"[AaPp]\.?\s?[Mm]\.?"
_ZONE = r"\(?(?:[A-Z]{1,5}(?:[+-]\d{1,2}(?::?\d{2})?)?|[+-]\d{2}:?\d{2})\)?"
_TIME = re.compile(
    rf"(?:\b(?:at|um|à|a las|alle)\s+|@\s*)?(?<![\d./:-])"
    rf"(?:\d{{1,2}}[:.h]\d{{2}}(?:[:.]\d{{2}}(?:\.\d+)?)?(?![\d./-]*\d)(?:\s*{_AMPM})?|\d{{1,2}}\s*{_AMPM})"
    rf"(?:\s*{_ZONE}(?![\w]))?"
)
_SEPARATORS = re.compile(r"\s*[|·•,–—-]?\s*$|^\s*[|·•,–—-]\s*")
_SPACES = re.compile(r"\s+")
_SEPARATOR_CHARS = "|·•,–—-"
_WORDY = re.compile(rf"\b({_MONTHS}|{_WEEKDAYS})\b\.?", re.IGNORECASE)
# What a date line may be made of; anything else (a sentence) is not a date line.
# One token at a time, atomically (the first alternative that fits is kept): with
# backtracking, a run of digits splits into tokens in exponentially many ways and a
# failed match tried them all (40 digits and an "x": hours). Longer words come before
# the letters they start with ("the" before "th", "t"), so no line needs another split.
_DATEISH = re.compile(
    rf"^(?>(?:{_WEEKDAYS}|{_MONTHS})\b\.?|updated|published|posted|the|at|of|"
    r"utc|gmt|[ecmp][sd]t|bst|cet|cest|msk|ist|[ap]\.?m\.?|(?<=\d)(?:st|nd|rd|th)|\d+|[+-]\d{2}:?\d{2}|"
    r"[,/.:\-\s]|t|z)+$",
    re.IGNORECASE,
)
_DEFAULTS = (dt.datetime(2001, 1, 1), dt.datetime(2002, 2, 2))
# The dates a brief may carry. Fixed, not relative to today: a build must not depend on
# the clock. The bounds keep four-digit years in docs/posts/YYYY/ and leave room for the
# digests' ISO-week arithmetic (9999-12-31 lies in a week of year 10000); they catch
# typed years like 0202 or 2205, and no scraped news is older than 1900.
MIN_DATE = dt.date(1900, 1, 1)
MAX_DATE = dt.date(2100, 12, 31)


class DateError(ValueError):
    """A line that claims to be a date but cannot be read as one."""


class ImplausibleDate(DateError):
    """A date that reads fine but lies outside MIN_DATE ... MAX_DATE."""


def check_plausible(date: dt.date, text: str) -> dt.date:
    """The one range check every date read from a dump goes through."""
    if not MIN_DATE <= date <= MAX_DATE:
        raise ImplausibleDate(f"implausible date {text!r}: {date.isoformat()} is outside "
                              f"{MIN_DATE.isoformat()} ... {MAX_DATE.isoformat()}")
    return date


@functools.lru_cache(maxsize=8192)
def date_core(text: str) -> tuple[str, str]:
    """(label, core) of a date line: "Updated: May 13, 2025, 10:42 a.m. EDT" ->
    ("Updated", "May 13, 2025"). The label ("Updated", "Published", ...) and the time of
    day with its zone are not part of the date; an ISO date-time keeps its own form."""
    s = text.strip()
    label = ""
    m = _LABEL.match(s)
    if m and m.end() < len(s):
        label, s = s[: m.end()].strip(" :-–—|"), s[m.end() :]
    if _ISO.fullmatch(s):
        return label, s
    if ":" in s or "." in s or "m" in s or "M" in s or "h" in s:  # a time has one of these
        s = _TIME.sub(" ", s)
        s = _SPACES.sub(" ", s).strip()
    for _ in range(3):  # "May 13, 2025 |", ", Tue May 13, 2025"
        if not s or (s[0] not in _SEPARATOR_CHARS and s[-1] not in _SEPARATOR_CHARS):
            break
        s = _SEPARATORS.sub("", s).strip()
    return label, s


def looks_like_date(text: str) -> bool:
    """True for a short line that is meant to be a date, readable or not.

    Used to tell "Someday, 20X5" (an unreadable date: reject the dump) from a heading
    or a sentence (no date line here). A lone number ("7", "0.204", "2025") or a time
    alone ("10:42") is never a date: a date has a year or a month name and a day.
    """
    # Length first: long lines never reach the patterns, nor the cache; and every date
    # line has a digit (most headings and short lines have none).
    return bool(text) and len(text) <= 80 and _DIGIT.search(text) is not None and _looks_like_date(text)


_DIGIT = re.compile(r"\d")


_YEAR = re.compile(r"(?<!\d)\d{4}(?!\d)")


@functools.lru_cache(maxsize=8192)
def _looks_like_date(text: str) -> bool:
    if text.endswith((".", "!", "?")) and not text.endswith("m."):
        return False
    core = date_core(text)[1]
    if not core:
        return False
    if _ISO.fullmatch(core):
        return True
    numbers = re.findall(r"\d+", core)
    if _DATEISH.match(core) and numbers:  # a month or weekday name, or day, month and year
            return bool(_WORDY.search(core)) or (len(numbers) >= 3 and bool(_YEAR.search(core)))
    words = core.replace(",", " ").split()
    # "Someday, 20X5", "May ??, 2025": a few words, a year-like token, weekday/month-ish words.
    return len(words) <= 4 and bool(re.search(r"\b\d{2}\w*\d\b|\b\d{4}\b|\d{2}X\d", core)) and (
        bool(_WORDY.search(core)) or bool(re.search(r"day\b", core, re.IGNORECASE))
    )


def parse_date(text: str, date_order: str = "DMY") -> dt.date:
    """Read a date line; raise DateError if it is not a complete, unambiguous date
    (ImplausibleDate if it is one, outside MIN_DATE ... MAX_DATE)."""
    if len(text) > _MAX_DATE_LEN:  # a sentence, not a date line; bounds every pattern below
        raise DateError(f"unreadable date {text[:40]!r}...: too long for a date line")
    result = _parse_cached(text, date_order)
    if isinstance(result, tuple):
        kind, args = result
        raise kind(*args)
    return result


@functools.lru_cache(maxsize=8192)  # dates repeat within a dump and across an archive
def _parse_cached(text: str, date_order: str) -> dt.date | tuple[type[DateError], tuple]:
    try:
        return check_plausible(_parse(text, date_order), text)
    except DateError as e:
        # Its kind and message, not the exception: its traceback holds the frames of its
        # callers, and so the whole dump it came from (the cache kept 8192 dumps alive)
        return type(e), e.args


def _parse(text: str, date_order: str) -> dt.date:
    s = date_core(text)[1]
    m = _ISO.fullmatch(s)
    if m:
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError as e:
            raise DateError(f"unreadable date {text!r}: {e}") from None
    if not _DATEISH.match(s) or not re.search(r"\d", s):
        raise DateError(f"unreadable date {text!r}")
    m = _NUMERIC.fullmatch(s)
    if m:
        a, b, year = int(m[1]), int(m[2]), int(m[3])
        day, month = (a, b) if date_order == "DMY" else (b, a)
        if month > 12 and day <= 12:  # only the other order can read it: not a guess
            day, month = month, day
        try:
            return dt.date(year, month, day)
        except ValueError as e:
            raise DateError(f"unreadable date {text!r}: {e}") from None
    named = _named_date(s)
    if named is not None:
        return named
    try:
        first, second = (
            du_parser.parse(s, default=d, dayfirst=date_order == "DMY", fuzzy=False) for d in _DEFAULTS
        )
    except (ValueError, OverflowError) as e:
        raise DateError(f"unreadable date {text!r}") from e
    if first.date() != second.date():
        raise DateError(f"incomplete date {text!r}: needs day, month and year")
    return first.date()


# The commonest spellings of a date with its month's name: "May 13, 2025", "13 May 2025",
# "Tuesday, May 13, 2025". Read here without dateutil (its tokenizer, twice, was half of
# reading a family dump), with dateutil's own month and weekday names; anything else, and
# a day the month does not have, goes to dateutil as before (tests/convert/test_speedups3.py
# compares the two over every month, day and spelling).
_NAMED = re.compile(r"(?:([A-Za-z]+),? )?(?:([A-Za-z]+) (\d{1,2}),?|(\d{1,2}) ([A-Za-z]+),?) ([1-9]\d{3})")
_NAMES = du_parser.parserinfo()


def _named_date(s: str) -> dt.date | None:
    m = _NAMED.fullmatch(s)
    if m is None or (m[1] is not None and _NAMES.weekday(m[1]) is None):
        return None
    month = _NAMES.month(m[2] or m[5])
    if month is None:
        return None
    try:
        return dt.date(int(m[6]), month, int(m[3] or m[4]))
    except ValueError:
        return None


# -- the time of day a date line may carry (front matter `date`, the feeds) -------------

# A time at the end of a date line: "4:15 PM", "at 10:42", "T10:42:00Z", "16:15 CEST",
# "10:42 +02:00". Bounded input (date lines only), so no backtracking blow-up.
_CLOCK = re.compile(
    r"(?:^|[\sT,])(?:at\s+)?(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(?:([ap])\.?\s?m\.?)?"
    r"\s*(z|utc|gmt|[ecmp][sd]t|bst|cet|cest|msk|ist|[+-]\d{2}:?\d{2})?\s*$",
    re.IGNORECASE,
)
# Zone names as English-language news uses them. IST (India, Ireland, Israel) is not
# here: a time with a zone that is not certain is kept as printed, without a zone.
ZONES = {"z": 0, "utc": 0, "gmt": 0, "est": -5, "edt": -4, "cst": -6, "cdt": -5, "mst": -7, "mdt": -6,
         "pst": -8, "pdt": -7, "bst": 1, "cet": 1, "cest": 2, "msk": 3}


def date_time(text: str, day: dt.date) -> dt.date | dt.datetime:
    """The publication date of a date line whose date is `day` (parse_date's answer),
    with its time of day when the line gives one: a datetime, naive (the time as printed)
    or with the line's zone when it names one for certain (an offset, UTC/GMT/Z, a zone
    in ZONES). The date itself never moves: a time is never converted to another zone,
    so the day, month and year (a brief's URL) are those of the line. A line without a
    readable time gives `day` itself."""
    if not text or len(text) > _MAX_DATE_LEN:
        return day
    m = _CLOCK.search(text.strip())
    if not m:
        return day
    hour, minute, second = int(m[1]), int(m[2]), int(m[3] or 0)
    if m[4]:
        if not 1 <= hour <= 12:
            return day
        hour = hour % 12 + (12 if m[4].lower() == "p" else 0)
    if hour > 23 or minute > 59 or second > 59:
        return day
    zone = (m[5] or "").lower()
    tz = None
    if zone in ZONES:
        tz = dt.timezone(dt.timedelta(hours=ZONES[zone]))
    elif zone[:1] in "+-" and zone:
        digits = zone[1:].replace(":", "")
        hours, minutes = int(digits[:2]), int(digits[2:])
        if hours > 14 or minutes > 59:
            return day
        sign = -1 if zone[0] == "-" else 1
        tz = dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes))
    return dt.datetime.combine(day, dt.time(hour, minute, second), tzinfo=tz)
