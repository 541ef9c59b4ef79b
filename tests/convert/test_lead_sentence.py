"""lead_sentence's first sentence, found from its stop (round 13), is what the split at
round 12's pattern (the stop in a lookbehind, tried at every character) gave."""

from __future__ import annotations

import random
import re

from dumpgen import make_dump

from builder.convert.enrich import lead_sentence

_BEFORE = re.compile(
    r"(?<![A-Z]\.[A-Z]\.)(?<!\b[A-Z][a-z]\.)(?<!\b[A-Z]\.)(?<=[.!?])[”\"’»)]?\s+(?=[“\"«(]?[^\W\d_])"
)


def _lead_sentence_before(text: str, limit: int = 300) -> str:
    first = _BEFORE.split(text, maxsplit=1)[0].strip()
    if len(first) > limit:
        first = first[:limit].rsplit(" ", 1)[0] + " …"
    return first


def test_the_first_sentence_is_round_12s():
    rng = random.Random(13)
    parts = ["U.S.", "Dr.", "Mr.", "A.", "e.g.", "word", "Word", "5.", "2.5", "!", "?", ".", "”", "»", ")", "“",
             "«", "(", "é", "Ж", "x", " ", "  ", "\n", "\t", "...", "Ab.", "AB.", "wait!", "Why?"]
    texts = ["".join(rng.choice(parts) + rng.choice(["", " ", ". "]) for _ in range(rng.randrange(0, 40)))
             for _ in range(20000)]
    texts += [make_dump(rng).text for _ in range(50)]
    texts += ["", "One.", "One. Two.", "Mr. Smith went. Then", "U.S. forces left. They", "x" * 400 + ". Y"]
    cut = 0
    for text in texts:
        got = lead_sentence(text)
        assert got == _lead_sentence_before(text), text
        cut += got != text.strip()
    assert cut > 5000
