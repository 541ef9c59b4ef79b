"""Round 12's conversion fast paths give what the ways they shortcut give: the whitespace
check made on the dump's bytes, and the title's split kept for the stages that ask for
it again. (The 10k bench corpus, the
fixtures and the shared dumps were checked by hand to convert byte for byte the same.)"""

from __future__ import annotations

import random

from fixture_dumps import FIXTURES, HOSTILE, REPO

from builder.convert import read
from builder.convert.parse import headline_parts
from builder.convert.read import _INVISIBLE, _SPACES, _TRIGGERS, normalise_whitespace, read_bytes
from builder.model import Rejected

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


def test_the_title_split_is_the_functions_own():
    rng = random.Random(9)
    parts = ["*Updated*", "UPDATED:", "Watch:", "(Video)", "[Live]", "- Breaking -", "Steelmakers", "brace", "for",
             "tariffs", "Новосибирск", "«Live»", ":", "|", "—"]
    for _ in range(3000):
        title = " ".join(rng.choice(parts) for _ in range(rng.randint(1, 6)))
        assert headline_parts(title) == headline_parts.__wrapped__(title)
        assert headline_parts(title) == headline_parts.__wrapped__(title)  # and again, from the cache
    assert headline_parts.cache_info().hits >= 3000  # (the second calls were the cache's)
