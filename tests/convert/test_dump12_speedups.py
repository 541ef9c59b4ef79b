"""Round 12's conversion fast paths give what the ways they shortcut give: the whitespace
check made on the dump's bytes, the rules' needles that spare a line the RE2 call, and
the title's split kept for the stages that ask for it again. (The 10k bench corpus, the
fixtures and the shared dumps were checked by hand to convert byte for byte the same.)"""

from __future__ import annotations

import random
import re

import pytest
from fixture_dumps import FIXTURES, HOSTILE, REPO

from builder.convert import read
from builder.convert.parse import headline_parts
from builder.convert.read import _INVISIBLE, _SPACES, _TRIGGERS, normalise_whitespace, read_bytes
from builder.model import Rejected
from builder.rules import Pattern, Rules, compile_rule, load_rules, required_text

RULES = load_rules()

# Characters the texts are drawn from: plain ASCII, every trigger of the whitespace
# repair, characters beside them (accents, Cyrillic, CJK, emoji), a byte-order mark and
# the bidi controls remove_hidden() takes out (which may leave two spaces side by side).
_TRIGGER_CHARS = sorted({c for t in _TRIGGERS for c in t})
_OTHERS = [*"aZ 9.,’—–•éñжя中文😀\u200d\u200c\u2028\n\r", "\u202e", "\u2066", "\ufeff", "\ue000"]


def _random_text(rng: random.Random) -> str:
    pool = [*"abcdefgh  ", *_OTHERS, *rng.sample(_TRIGGER_CHARS, 3)]
    return "".join(rng.choice(pool) for _ in range(rng.randint(0, 40)))


def _reference(text: str) -> str:
    return _SPACES.sub(" ", _INVISIBLE.sub("", text))


def test_the_whitespace_check_on_the_bytes_repairs_what_the_full_pass_repairs():
    rng = random.Random(12)
    for _ in range(20000):
        text = _random_text(rng)
        if rng.random() < 0.5:  # mostly plain text with one odd character in it
            text = "Plain words of a sentence, " + text[:2] + " and more words."
        data = text.encode("utf-8", "surrogatepass")
        body = text[1:] if text.startswith("\ufeff") else text  # decode() drops a leading BOM
        assert normalise_whitespace(body, data) == _reference(body), repr(text)
        assert normalise_whitespace(body) == _reference(body), repr(text)


def _lines(data: bytes) -> list | str:
    try:
        dump = read_bytes(data, "x.txt", 10**7)
    except Rejected as e:
        return str(e)
    return [(line.number, line.text) for line in dump.lines] + [dump.encoding, *dump.repairs]


def test_reading_a_dump_gives_the_lines_the_check_without_the_bytes_gives(monkeypatch):
    """read_bytes() hands the bytes over only while they are the text's (not after hidden
    characters were taken out, which can leave a double space, nor after a mojibake
    repair): its lines are those of the check made on the text alone."""
    rng = random.Random(7)
    inputs = [_random_text(rng).encode("utf-8", "surrogatepass") for _ in range(5000)]
    inputs += [b"id\nTitle\n\nword \xe2\x80\xae word\n",
               "id\nTitle\n\ncafé \u202e x \u2066 \ue000 y\n".encode(), b"\xef\xbb\xbfa\xc2\xa0b\n", b"caf\xe9  x\n",
               "TrumpÃ¢Â€Â™s  \u00a0 x\n".encode(), b"a\t\x0bb\n"]
    inputs += [p.read_bytes() for p in [*sorted(FIXTURES.glob("*.txt")), *sorted(HOSTILE.glob("*.txt")),
                                        *sorted((REPO / "tests" / "data").glob("*/*.txt"))]]
    fast = [_lines(data) for data in inputs]
    monkeypatch.setattr(read, "normalise_whitespace", lambda text, utf8=None: _reference(text))
    assert fast == [_lines(data) for data in inputs]


# -- the rules' needles -------------------------------------------------------------

_PIECES = ["share", " ", "on", "via", "facebook", "(on|via)", "[a-z]+", r"\d+", ".*", "here", " to ", "(click|tap)",
           r"\[", r"\]", "_", r"\{\{", r"\s*", "x?", "(?:ab|cd)", "[.!]?", "below", "Read", "K", "s"]
_WORDS = ["share", "Share", "SHARE", "on", "ON", "via", "facebook", "click", "Tap", "here", "to", "[", "]", "_",
          "{{", "}}", "post", "below", "12", "x", "ab", "cd", " ", " ", "!", ".", "read", "k", "S", "ſ", "é"]


def test_a_rules_needle_is_in_every_line_its_pattern_matches():
    rng = random.Random(3)
    for _ in range(3000):
        source = "".join(rng.choice(_PIECES) for _ in range(rng.randint(1, 6)))
        needle = required_text(source)
        rx = compile_rule(source)
        for _ in range(30):
            line = "".join(rng.choice(_WORDS) for _ in range(rng.randint(1, 8)))
            if line.isascii() and needle is not None and needle not in line.lower():
                assert rx.fullmatch(line) is None, (source, needle, line)


def test_needles_are_the_longest_plain_run_of_the_top_level():
    assert required_text(r"share (on|via) (facebook|x)") == "share "
    assert required_text(r"(click|tap) Here To (subscribe|share)[.!]?") == " here to "
    assert required_text(r"\[(post|page)_[a-z]+\]") == "["
    assert required_text(r"(a|b)|c") is None  # an alternative at the top: nothing is required
    assert required_text(r"x*y?") is None
    assert required_text(r"žluť") is None  # not ASCII: RE2 folds case beyond lower()


def _unguarded(rules: Rules, text: str, where: str) -> str | None:
    """chrome_reason() as it was: the RE2 set asked for every line."""
    reason = rules.lines.get(text)
    if reason:
        return reason
    if not rules.patterns:
        return None
    zone_set, reasons, _ = rules._zone_sets()[where]
    hits = zone_set.Match(text) if reasons else None
    return reasons[min(hits)] if hits else None


@pytest.mark.parametrize("extra", [[], [("Share on X!?", "custom"), ("(?:Advert)", "ad"), ("[0-9]+ comments", "c")]])
def test_chrome_reason_with_needles_answers_as_the_rules_do_without(extra):
    rules = load_rules()
    rules.patterns = [*rules.patterns, *(Pattern(compile_rule(s), r, "anywhere", required_text(s)) for s, r in extra)]
    rules.__dict__.pop("_sets", None)
    rng = random.Random(5)
    lines = ["Share on Facebook", "SHARE VIA EMAIL", "share on x", "ſhare on facebook", "Click here to subscribe!",
             "[post_title]", "{{ page.title }}", "Explore more stories below", "12 comments", "Advert",
             "The council said it would share on Monday.", "Kelvin: ſhare on facebook", ""]
    lines += [" ".join(rng.choice(_WORDS) for _ in range(rng.randint(1, 7))) for _ in range(4000)]
    asked = 0
    for text in lines:
        for where in ("anywhere", "header", "footer"):
            got = rules.chrome_reason(text, where)
            assert got == _unguarded(rules, text, where), (text, where)
            asked += got is not None
    assert asked > 50  # the lines do reach the patterns


def test_rules_without_needles_ask_re2_for_every_line():
    """A Pattern made without one (an older caller) leaves its zone without the guard."""
    rules = load_rules()
    rules.patterns = [Pattern(p.regex, p.reason, p.where) for p in rules.patterns]
    rules.__dict__.pop("_sets", None)
    assert rules._zone_sets()["anywhere"][2] is None
    assert rules.chrome_reason("Share on Facebook", "anywhere") == "share button"


def test_the_title_split_is_the_functions_own():
    rng = random.Random(9)
    parts = ["*Updated*", "UPDATED:", "Watch:", "(Video)", "[Live]", "- Breaking -", "Steelmakers", "brace", "for",
             "tariffs", "Новосибирск", "«Live»", ":", "|", "—"]
    for _ in range(3000):
        title = " ".join(rng.choice(parts) for _ in range(rng.randint(1, 6)))
        assert headline_parts(title) == headline_parts.__wrapped__(title)
        assert headline_parts(title) == headline_parts.__wrapped__(title)  # and again, from the cache
    assert re.fullmatch(r"\d+", str(headline_parts.cache_info().maxsize))
