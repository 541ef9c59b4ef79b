"""A brief's language, as a BCP 47 tag (``ru``, ``el``, ``ja``, ``pt-BR``): the one its dump
declares, else the one its text is written in.

- Declared: a reader that knows the language (an HTML page's ``<html lang>``, a feed's
  ``language``) sets ``Dump.lang``; a valid tag there wins and nothing is detected.
  Plain-text scrapes declare nothing.
- Detected: py3langid (a naive Bayes classifier over byte n-grams, its model shipped in
  the wheel: offline, no network, no randomness, the same answer for the same text on
  every run) over the title, highlights and paragraphs, at most MAX_CHARS of them. When
  the text has no letters, or the model is unsure (below MIN_CONFIDENCE: a headline of
  three words, a text of names), the answer is "" and the brief takes the site's
  language.

The model is loaded once per process, on the first brief that needs it (about 1 s),
or by preload() before a process pool forks its workers (they share it); an incremental
run whose dumps are all cached never loads it.
"""

from __future__ import annotations

import array
import re
from collections.abc import Callable
from pathlib import Path

from ..model import LANG_TAG, Article

# Enough text for a sure answer (a headline and its lead: whole briefs are told apart as
# well from 600 characters as from 2,000), bounded because the cost grows with it
# (0.2 ms a brief at 600, 1.5 ms at 2,000) and a huge dump must cost no more than a
# normal one.
MAX_CHARS = 600
# Below this (a probability, 0-1) the model is guessing: seen on three-word headlines
# and lines of names; whole briefs score above 0.95.
MIN_CONFIDENCE = 0.3
# What the model may answer -> the tag a page uses: varieties folded into the language
# readers, browsers, search engines and hyphenation know; "zxx" (no linguistic content)
# is no language.
_ALIASES = {"wuu": "zh", "yue": "zh", "arz": "ar", "ary": "ar", "grc": "el", "hbo": "he", "uzs": "uz",
            "gug": "gn", "zxx": ""}
_LETTER = re.compile(r"[^\W\d_]")

_identifier = None


def normalise(tag: str | None) -> str:
    """A declared tag in its usual spelling ("EN_us" -> "en-US", "zh-hant" -> "zh-Hant"),
    or "" when it is not a language tag ("", "und", "x-klingon", "<script>")."""
    if not tag:
        return ""
    tag = tag.strip().replace("_", "-")
    if not LANG_TAG.fullmatch(tag):
        return ""
    first, *rest = tag.split("-")
    first = first.lower()
    if first in ("und", "mul", "zxx", "mis"):
        return ""
    out = [first]
    for sub in rest:
        if len(sub) == 4 and sub.isalpha():
            out.append(sub.title())  # script: Hant, Latn
        elif (len(sub) == 2 and sub.isalpha()) or (len(sub) == 3 and sub.isdigit()):
            out.append(sub.upper())  # region: BR, 419
        else:
            out.append(sub.lower())
    return "-".join(out)


def sample(article: Article) -> str:
    """The text the language is told from: title, highlights, paragraphs (not headings
    alone, not the byline), at most MAX_CHARS."""
    parts: list[str] = []
    size = 0
    for text in (article.title, *article.highlights, *article.paragraphs):
        parts.append(text)
        size += len(text) + 1
        if size >= MAX_CHARS:
            break
    return "\n".join(parts)[:MAX_CHARS]


def model_file() -> Path:
    """py3langid's model file (an xz-compressed npz)."""
    from py3langid.langid import MODEL_DIR, MODEL_FILE

    return Path(MODEL_DIR) / MODEL_FILE


def model_bytes() -> bytes:
    """The model's npz, decompressed (~0.4 s of CPU: the caller may keep a copy)."""
    import lzma

    with lzma.open(model_file()) as src:
        return src.read()


# Where _load() gets the decompressed npz: model_bytes(), or what the pipeline set (a
# checked copy kept in the conversion cache folder, output/cache.py: a run that converts
# one dump spent more time decompressing the model than converting the dump).
_model_bytes: Callable[[], bytes] = model_bytes


def read_model_with(source: Callable[[], bytes] | None) -> None:
    """Where the model's decompressed npz comes from when it is first loaded (None:
    decompressed from py3langid's file)."""
    global _model_bytes
    _model_bytes = source or model_bytes


def _load():
    """py3langid's identifier (lang_model.Identifier: the same scores, sooner), its model
    read in memory. (py3langid's own loader streams the 68 MB model through a temporary
    file: a conversion would then write to /tmp and fail on a full disk or a file-size
    limit, blamed on the posts folder. The arrays are the same; py3langid is pinned and
    tests/convert/test_lang.py compares the two.)"""
    import io

    import numpy as np
    from py3langid import modelio

    from .lang_model import Identifier

    with np.load(io.BytesIO(_model_bytes()), allow_pickle=False) as data:
        identifier = Identifier(np.asarray(data["ptc"]), np.asarray(data["pc"]), data["classes"].tolist(),
                                modelio._to_array(data["nextmove"]), data["out_feat"].tolist(),
                                norm_probs=True, tk_row=modelio._to_array(data["nextmove_row"]))
    _on_huge_pages(identifier)
    identifier.use_window()
    return identifier


def _huge(like: memoryview) -> memoryview | None:
    """Anonymous memory of `like`'s size and format that the kernel may back with 2 MB
    pages (Linux's MADV_HUGEPAGE), holding a copy of it; None where there is no such thing."""
    import mmap

    if not hasattr(mmap, "MADV_HUGEPAGE") or not like.nbytes:
        return None
    try:
        memory = mmap.mmap(-1, like.nbytes, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
        memory.madvise(mmap.MADV_HUGEPAGE)
    except OSError:
        return None
    view = memoryview(memory).cast("B").cast(like.format, like.shape)
    view[:] = like.cast("B").cast(like.format, like.shape)
    return view


def _on_huge_pages(identifier) -> None:
    """The model's tables moved to memory on huge pages, the same values: the byte
    automaton (39 MB) and the feature weights (28 MB) are read at random, ~270 rows and
    ~600 transitions a brief, and on 4 KB pages nearly every read missed the TLB (a
    tenth of converting a family dump). py3langid reads them by index, which a
    memoryview and a numpy array over it answer as the array.array and array did."""
    import numpy as np

    nextmove = _huge(memoryview(identifier.tk_nextmove))
    rowbase = _huge(memoryview(array.array("q", identifier._rowbase)))
    weights = _huge(memoryview(identifier.nb_ptc.reshape(-1).view(np.uint16)))
    if nextmove is None or rowbase is None or weights is None:
        return
    ptc = np.frombuffer(weights, dtype=identifier.nb_ptc.dtype).reshape(identifier.nb_ptc.shape)
    identifier.tk_nextmove, identifier._rowbase = nextmove, rowbase
    identifier.nb_ptc = ptc
    identifier._full_model = (ptc, *identifier._full_model[1:])


def _model():
    global _identifier
    if _identifier is None:
        _identifier = _load()
    return _identifier


def preload() -> None:
    """Load the model now: in a parent about to fork workers, so they do not each load it."""
    _model()


def detect(text: str) -> str:
    """The language `text` is written in, or "" when it cannot be told."""
    text = text[:MAX_CHARS]
    if not _LETTER.search(text):
        return ""
    found, confidence = _model().classify(text)
    if confidence < MIN_CONFIDENCE:
        return ""
    return _ALIASES.get(found, found)


def language(article: Article) -> str:
    """The brief's language: what its dump declares (a reader sets Dump.lang), else what
    its text is written in; "" when neither tells (the site's language then applies)."""
    return normalise(article.dump.lang) or normalise(article.lang) or detect(sample(article))
