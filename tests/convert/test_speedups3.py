"""The third round of conversion fast paths (issue #15: ≥ 600 dumps/s, same output) gives
what the ways they replace give: named-month dates without dateutil, word counts that stop
early, the language model's tables on huge pages, the pool's rules given once, and the
content hash kept when no learned chrome moved the text."""

from __future__ import annotations

import hashlib
import random
import re

import pytest
from dateutil import parser as du_parser
from dumpgen import make_dump

from builder.convert import dates, lang, language, process_files, scan_files
from builder.convert.clean import is_heading
from builder.model import OK
from builder.pipeline import analyse
from builder.rules import load_rules

RULES = load_rules()


# --- dates ---------------------------------------------------------------------------

def _dateutil(text: str, order: str):
    """What _parse gave before: dateutil, twice, with two defaults."""
    try:
        first, second = (du_parser.parse(text, default=d, dayfirst=order == "DMY", fuzzy=False)
                         for d in dates._DEFAULTS)
    except (ValueError, OverflowError):
        return "unreadable"
    return first.date() if first.date() == second.date() else "incomplete"


def _named_spellings():
    months = [n for names in du_parser.parserinfo.MONTHS for n in names] + ["Mai", "Juni", "Sept.", "MAY", "may"]
    weekdays = [None, "Friday", "Fri", "fri", "SUNDAY", "Mon", "Fr", "The", "May"]
    days = ["0", "1", "09", "12", "13", "28", "29", "30", "31", "32"]
    years = ["2020", "2024", "1900", "2100", "1000", "9999"]
    rng = random.Random(15)
    for month in months:
        for day in days:
            for year in rng.sample(years, 3):
                for weekday in rng.sample(weekdays, 4):
                    for body in (f"{month} {day}, {year}", f"{day} {month} {year}", f"{month} {day} {year}",
                                 f"{day} {month}, {year}"):
                        yield body if weekday is None else rng.choice([f"{weekday}, {body}", f"{weekday} {body}"])


def test_named_month_dates_read_as_dateutil_reads_them():
    used = 0
    for text in _named_spellings():
        fast = dates._named_date(text)
        if fast is not None:
            used += 1
            for order in ("DMY", "MDY"):
                assert fast == _dateutil(text, order), text
    assert used > 1000  # the fast path does take the common spellings


def test_parse_date_answers_and_errors_are_those_of_dateutil(monkeypatch):
    texts = [*_named_spellings(), "Friday, October 9, 2020", "9 October 2020 10:42 AM", "Oct. 9, 2020",
             "Updated: May 13, 2025, 10:42 a.m. EDT", "February 30, 2021", "Someday, 20X5", "May 2025"]

    def outcome(text, order):
        dates._parse_cached.cache_clear()
        try:
            return dates.parse_date(text, order)
        except dates.DateError as e:
            return type(e), str(e)

    fast = {(t, o): outcome(t, o) for t in texts for o in ("DMY", "MDY")}
    monkeypatch.setattr(dates, "_named_date", lambda s: None)
    assert fast == {(t, o): outcome(t, o) for t in texts for o in ("DMY", "MDY")}
    dates._parse_cached.cache_clear()


# --- word counts -----------------------------------------------------------------------

_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f]")
_PIECES = ["word", "a", " ", "  ", "\t", "\n", "\x0b", "\x1c", "\u00a0", "\u3000", "é", "今後", "の", "予定", ".",
           "!", "”", "x" * 12, "Long sentence words here"]


def _count(text: str) -> int:
    """word_count as it was: the Han/kana scan on every line."""
    unspaced = len(_UNSPACED.findall(text))
    if not unspaced:
        return len(text.split())
    return len(_UNSPACED.sub(" ", text).split()) + (unspaced + 1) // 2


def _lines(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(_PIECES) for _ in range(rng.randint(0, 60))) for _ in range(n)]


def test_word_counts_that_stop_early_tell_the_same():
    for text in _lines(20000, 4):
        full = _count(text)
        assert language.word_count(text) == full, repr(text)
        for most in (0, 1, 12, 25):
            got = language.word_count(text, most)
            assert got == full if full <= most else got > most, (repr(text), most)
        n = full
        sentence = n >= language.SENTENCE_WORDS or (
            n >= language.MIN_SENTENCE_WORDS and text.rstrip(language._CLOSERS).endswith(language.SENTENCE_ENDS))
        assert language.is_sentence(text) == sentence, repr(text)


def test_heading_test_is_unchanged_by_its_order_of_checks(monkeypatch):
    texts = [t.strip() for t in _lines(5000, 5) if t.strip()] + ["Summary", "What happens next", "今後の予定"]
    fast = [is_heading(t) for t in texts]
    monkeypatch.setattr(language, "word_count", lambda text, most=None: _count(text))
    monkeypatch.setattr("builder.convert.clean.word_count", lambda text, most=None: _count(text))
    assert fast == [is_heading(t) for t in texts]


# --- the language model on huge pages -------------------------------------------------

def test_the_model_on_huge_pages_answers_as_py3langid():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    theirs = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    ours = lang._load()
    if hasattr(__import__("mmap"), "MADV_HUGEPAGE"):  # Linux: the tables did move
        assert isinstance(ours.tk_nextmove, memoryview) and isinstance(ours._rowbase, memoryview)
        assert not ours.nb_ptc.flags.owndata
    assert ours.nb_ptc.dtype == theirs.nb_ptc.dtype and (ours.nb_ptc == theirs.nb_ptc).all()
    assert ours.tk_nextmove == theirs.tk_nextmove and list(ours._rowbase) == theirs._rowbase
    rng = random.Random(6)
    texts = [make_dump(rng).text[:600] for _ in range(60)] + [
        "Дождь шёл весь день, и улицы города опустели.", "Η κυβέρνηση ανακοίνωσε νέα μέτρα για την ενέργεια.",
        "東京都は新しい計画を発表した。", "La mairie a approuvé le budget mardi soir.", "", "12 345", "OK"]
    for text in texts:
        assert ours.classify(text) == theirs.classify(text), text
        assert ours.rank(text) == theirs.rank(text), text


# --- the pool, and the content hash ------------------------------------------------------

def test_the_pool_gives_what_one_process_gives(tmp_path):
    rng = random.Random(7)
    files = []
    for i in range(150):  # above the pool's threshold, several chunks
        path = tmp_path / f"{i:03d}.txt"
        path.write_text(make_dump(rng).text, encoding="utf-8")
        files.append((f"seeds/{path.name}", path))
    files.append(("seeds/empty.txt", tmp_path / "missing.txt"))

    def summary(outcomes):
        return [(o.source_path, o.status, o.error, o.article and (o.article.title, o.article.tags, o.article.lang,
                                                                   o.article.content_key, o.article.date),
                 o.features and o.features.signature) for o in outcomes]

    one = summary(scan_files(files, RULES, workers=1))
    assert one == summary(scan_files(files, RULES, workers=2))
    assert one == summary(process_files(files, RULES, workers=2))
    assert sum(status == OK for _, status, *_ in one) == 150


def _dump(title: str, ident: int, day: str, body: list[str]) -> str:
    return "\n\n".join([f"2_-{ident:010d}-5", title, day, *body, "By Harper Eastwood, Harbourside Times"]) + "\n"


@pytest.mark.parametrize("learn", [True, False])
def test_content_hash_is_of_the_published_text(tmp_path, learn):
    """The hash is taken again only where learned chrome left the text; every brief's
    hash is still that of its published text."""
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for i in range(4):
        body = [f"Story {i} opens with a sentence about the harbour that is long enough to count as one here.",
                f"And story {i} goes on with a second sentence about the council and its budget for the year."]
        (seeds / f"d{i}.txt").write_text(_dump(f"Story number {i}", i + 1, f"1{i if learn else 0}/05/2025",
                                               [*body, "Listen to our podcast"]))
    result = analyse([seeds], RULES, root=tmp_path)
    assert bool(result.learned) == learn
    for o in result.outcomes:
        assert o.status == OK
        assert ("Listen to our podcast" in o.article.paragraphs) != learn
        assert o.article.content_key == hashlib.sha256(o.article.body_text.encode()).hexdigest()
