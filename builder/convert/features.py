"""What the archive-wide steps need of one dump, computed with the per-dump stages (so
it runs in the process pool, and is stored in the conversion cache): a MinHash of its
sentences for near-duplicates, the short lines and headings that learning may take for
chrome, and the content words of its title and lead for related briefs."""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass, field

from ..model import Article
from .language import is_sentence

NUM_PERM = 64
SCHEME = "affine32"  # datasketch 2's scheme, which minhash() computes: cached signatures are of it
# A sentence ends at . ! ? … (closing quotes and brackets kept with it) before a space.
# Found as the stop and what follows it, and split after the stop: a lookbehind would be
# tried at every character (twice the time).
_SENTENCE_GAP = re.compile(r"[.!?…][”\"’»)]*\s+")
# The same for a text with no ! ? …: a pattern that opens with one literal character is
# searched for as that character, ~3.5x faster than a class of them.
_FULL_STOP_GAP = re.compile(r"\.[”\"’»)]*\s+")
_WORD = re.compile(r"[^\W\d_]{4,}")
_STOP = frozenset("""this that with from have were been which their there would could about after
before while where when what they them said says will also into over more than other some
such only most many much very just even still then here those these being does""".split())  # noqa: SIM905


@dataclass
class ArticleFeatures:
    """What the archive-wide steps need of one article; JSON-friendly for the cache."""

    signature: list[int] = field(default_factory=list)  # MinHash of its sentences
    sentences: list[int] = field(default_factory=list)  # their hashes, to confirm a match exactly
    short_lines: list[tuple[int, str]] = field(default_factory=list)  # (line, text): learnable
    headings: list[tuple[int, str]] = field(default_factory=list)  # learnable with more care
    words: list[str] = field(default_factory=list)  # content words of title + lead, for relatedness
    sentence_lines: list[tuple[int, int]] = field(default_factory=list)  # (line, crc32) of sentence paragraphs


def _split_sentences(text: str) -> list[str]:
    gaps = _SENTENCE_GAP if "!" in text or "?" in text or "…" in text else _FULL_STOP_GAP
    out, start = [], 0
    for m in gaps.finditer(text):
        out.append(text[start : m.start() + 1])
        start = m.end()
    out.append(text[start:])
    return out


def sentences(article: Article) -> list[str]:
    return [s for p in article.paragraphs for s in _split_sentences(p) if len(s) > 20]


# datasketch 2's affine32 MinHash, computed here with numpy (tests/convert/test_speedups7.py
# checks it against datasketch's MinHash bit for bit): making a MinHash object cost more
# than its arithmetic (~40 µs a brief against ~18), and the conversion no longer imports
# datasketch and the scipy it imports (~0.4 s of CPU) before its workers fork.
_PERMUTATIONS = None
_FMIX = (16, 0x85EBCA6B, 13, 0xC2B2AE35, 16)  # MurmurHash3's 32-bit finaliser
_MAX_HASH = (1 << 32) - 1  # an empty set's value


def permutations():
    """(a, b) of the NUM_PERM affine permutations h -> a*h + b mod 2**32, as datasketch
    makes them for seed 1 (numpy's RandomState stream is stable across versions)."""
    global _PERMUTATIONS
    if _PERMUTATIONS is None:
        import numpy as np

        gen = np.random.RandomState(1)
        a = gen.randint(0, 1 << 31, NUM_PERM, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
        b = gen.randint(0, 1 << 32, NUM_PERM, dtype=np.uint32)
        _PERMUTATIONS = (a, b)
    return _PERMUTATIONS


def preload() -> None:
    """Import numpy and make the permutations now: in a parent about to fork workers, so
    they do not each do it."""
    permutations()


def _crc32s(items: list[str]) -> list[int]:
    """The stable hash (crc32) of each string, the one both the MinHash and the exact
    sentence comparison use."""
    return [zlib.crc32(s.encode("utf-8")) for s in items]


def minhash(hashes: list[int]) -> list[int]:
    """The MinHash signature of a set of strings, given their _crc32s: what datasketch's
    MinHash(num_perm=NUM_PERM, seed=1, scheme=SCHEME, hashfunc=identity).update_batch
    gives (each hash mixed by the finaliser, then the least a*h + b, wrapping at 2**32)."""
    if not hashes:
        return [_MAX_HASH] * NUM_PERM
    import numpy as np

    a, b = permutations()
    s1, m1, s2, m2, s3 = _FMIX
    hv = np.array(hashes, dtype=np.uint32).reshape(-1, 1)
    hv ^= hv >> np.uint32(s1)
    hv *= np.uint32(m1)
    hv ^= hv >> np.uint32(s2)
    hv *= np.uint32(m2)
    hv ^= hv >> np.uint32(s3)
    return (hv * a + b).min(axis=0).tolist()


def features(article: Article) -> ArticleFeatures:
    said = _crc32s(sentences(article))
    numbered = [(n, p, is_sentence(p)) for s in article.sections for n, p in zip(s.lines, s.paragraphs, strict=True)]
    short = [(n, p) for n, p, whole in numbered if not whole]
    lead = " ".join([article.title, article.description])
    words = sorted({w.casefold() for w in _WORD.findall(lead)} - _STOP)
    heads = [(s.heading_line or 0, s.heading) for s in article.sections if s.heading]
    paras = [(n, zlib.crc32(p.encode("utf-8"))) for n, p, whole in numbered if whole]
    signature = minhash(said or _crc32s(article.paragraphs or [article.title]))
    return ArticleFeatures(signature=signature, short_lines=short, words=words, headings=heads,
                           sentences=sorted(set(said)), sentence_lines=paras)
