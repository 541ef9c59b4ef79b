"""The conversion's fast paths give what the plain ways they replace give (issue #15:
faster, same output), and the conversion keeps nothing of a dump once it is done."""

from __future__ import annotations

import gc
import random
import re
import weakref

import pytest
from dumpgen import make_dump

from builder.convert import _out_of_gc, process, read
from builder.convert.dates import DateError, parse_date
from builder.convert.features import _split_sentences
from builder.rules import load_rules

# What the line split and the whitespace check are measured against: the regexes they replaced.
_LINE_BREAK = re.compile(r"\r\n|\r|\n|\u2028|\u2029|\x85")
_SENTENCE = re.compile(r"(?<=[.!?…])[”\"’»)]*\s+")
_PIECES = ["a", "b c", " ", "  ", "\t", "\r\n", "\r", "\n", "\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x1c",
           "\x1d", "\x1e", "\x00", "\x7f", "\u00a0", "\u200b", "\ufeff", "é", "’", ".", "!", "?", "…", "”", "»",
           ")", "\"", "x" * 25]


def _texts(n: int, seed: int, ascii_only: bool = False) -> list[str]:
    rng = random.Random(seed)
    pieces = [p for p in _PIECES if p.isascii()] if ascii_only else _PIECES
    return [("".join(rng.choice(pieces) for _ in range(rng.randint(0, 14)))) for _ in range(n)]


def test_split_lines_is_the_regex_split_of_normalised_text():
    for text in _texts(20000, 1):
        norm = read.normalise_whitespace(text)
        assert read.split_lines(norm) == _LINE_BREAK.split(norm), repr(text)


def test_ascii_whitespace_check_finds_every_trigger():
    """The ASCII fast path returns a text untouched only when the regexes would."""
    for text in _texts(20000, 2, ascii_only=True):
        assert read.normalise_whitespace(text) == read._SPACES.sub(" ", read._INVISIBLE.sub("", text)), repr(text)


def test_sentence_split_without_lookbehind_is_the_same():
    for text in _texts(20000, 3):
        assert _split_sentences(text) == _SENTENCE.split(text), repr(text)


@pytest.mark.parametrize("size", [0, 1, 99, 100, 101, (1 << 20) + 3])
def test_read_file_reads_to_the_end_or_refuses_over_the_limit(tmp_path, size):
    data = random.Random(size).randbytes(size)
    path = tmp_path / "dump.txt"
    path.write_bytes(data)
    assert read.read_file(path, None) == data
    if size <= 100:
        assert read.read_file(path, 100) == data
    else:
        with pytest.raises(read.Rejected, match="too large"):
            read.read_file(path, 100)


def test_a_converted_dump_is_not_kept_alive():
    """Nothing (a cache of the date parser, a traceback in one) keeps a dump's lines once
    its Outcome is dropped: the dump is freed by reference counting alone."""
    rules = load_rules()
    was = gc.isenabled()
    gc.disable()
    try:
        for seed in range(5):
            outcome = process(make_dump(random.Random(seed)).text.encode(), f"seeds/{seed}.txt", rules)
            dump = weakref.ref(outcome.article.dump)
            del outcome
            assert dump() is None
    finally:
        if was:
            gc.enable()


def test_a_failed_date_raises_the_same_each_time():
    for _ in range(2):
        with pytest.raises(DateError, match="unreadable date 'Someday, 20X5'"):
            parse_date("Someday, 20X5")


def test_conversion_leaves_the_collector_as_it_found_it():
    assert gc.get_freeze_count() == 0
    with _out_of_gc() as freeze:
        kept = [[n] for n in range(1000)]
        freeze()
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0 and kept
