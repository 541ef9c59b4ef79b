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
SCHEME = "affine32"  # datasketch 2: the permutation scheme must match when signatures are reloaded
# A sentence ends at . ! ? … (closing quotes and brackets kept with it) before a space.
# Found as the stop and what follows it, and split after the stop: a lookbehind would be
# tried at every character (twice the time).
_SENTENCE_GAP = re.compile(r"[.!?…][”\"’»)]*\s+")
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
    out, start = [], 0
    for m in _SENTENCE_GAP.finditer(text):
        out.append(text[start : m.start() + 1])
        start = m.end()
    out.append(text[start:])
    return out


def sentences(article: Article) -> list[str]:
    return [s for p in article.paragraphs for s in _split_sentences(p) if len(s) > 20]


_PERMUTATIONS = None


def minhash_object(**kw):
    """A datasketch MinHash sharing one set of permutations (making them is the slow part)."""
    global _PERMUTATIONS
    from datasketch import MinHash  # numpy/scipy: loaded only when there is work

    if _PERMUTATIONS is None:
        _PERMUTATIONS = MinHash(num_perm=NUM_PERM, seed=1, scheme=SCHEME).permutations
    return MinHash(num_perm=NUM_PERM, seed=1, scheme=SCHEME, permutations=_PERMUTATIONS, **kw)


def preload() -> None:
    """Import datasketch (and the scipy it imports: ~0.5 s) and make the permutations now:
    in a parent about to fork workers, so they do not each do it (the parent needs them
    for near-duplicates anyway)."""
    minhash_object()


def _crc32s(items: list[str]) -> list[int]:
    """The stable hash (crc32) of each string, the one both the MinHash and the exact
    sentence comparison use."""
    return [zlib.crc32(s.encode("utf-8")) for s in items]


def _hashed(value: int) -> int:
    return value


def minhash(hashes: list[int]) -> list[int]:
    """A MinHash signature (datasketch) of a set of strings, given their _crc32s."""
    m = minhash_object(hashfunc=_hashed)
    m.update_batch(hashes)
    return [int(v) for v in m.hashvalues]


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
