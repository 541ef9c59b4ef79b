"""What the other dumps of one source tell about a dump: which lines are template.

A line that recurs in many dumps of one source (menus, footers, sign-up boxes, cookie
notices) is the site's chrome, not an article's text. The pipeline builds one
SourceContext per source in a cheap first pass over the decoded dumps (dumps in one
folder are one source when no publisher is known) and hands it to the readers.

The API is small and stable, shared by every reader:

    SourceContext(line_counts: Mapping[str, int], n_dumps: int)
    normalise(text) -> str            # the key of line_counts
    build(dumps_lines) -> SourceContext
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

_DIGITS = re.compile(r"\d+")


def normalise(text: str) -> str:
    """The key a line is counted under: whitespace collapsed, case folded, every run of
    digits replaced by "0" (so "7 comments" and "12 comments", or a copyright year,
    count as the same template line)."""
    return _DIGITS.sub("0", " ".join(text.split()).casefold())


@dataclass(frozen=True)
class SourceContext:
    """line_counts: normalised line -> number of dumps of this source that hold it
    (each dump counts once per line); n_dumps: how many dumps the source has."""

    line_counts: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    n_dumps: int = 0

    def count(self, text: str) -> int:
        """In how many dumps of the source this line (raw text) occurs."""
        return self.line_counts.get(normalise(text), 0)


def build(dumps_lines: Iterable[Iterable[str]]) -> SourceContext:
    """One pass over the dumps of a source: each dump given as its lines' texts."""
    counts: Counter[str] = Counter()
    n = 0
    for lines in dumps_lines:
        n += 1
        counts.update({normalise(t) for t in lines if t and t.strip()})
    return SourceContext(line_counts=MappingProxyType(dict(counts)), n_dumps=n)


# -- the pipeline's side: one view per dump, restricted to its own lines ---------------
#
# The pipeline learns each page-text/HTML dump's line keys in a cheap first pass, counts
# them per source (folder), and hands each dump a SourceView: the counts of ITS OWN lines
# only (those on >= 2 dumps: the readers test nothing below that) and the source's size.
# A conversion is then a function of (bytes, rules, view), and the conversion cache keys
# the dump's entry on view.digest(): exact, and a dump whose own lines' counts did not move
# is not converted again.


def line_key(text: str) -> str:
    """A line's key in the first pass and the cache: a short hash of normalise(text)."""
    return hashlib.blake2b(normalise(text).encode(), digest_size=8).hexdigest()


def line_keys(texts: Iterable[str]) -> tuple[str, ...]:
    """The sorted, distinct keys of a dump's non-blank lines."""
    return tuple(sorted({line_key(t) for t in texts if t and t.strip()}))


@dataclass(frozen=True)
class SourceView:
    """The source context as one dump sees it: counts of its own lines (key -> dumps of
    the source holding it, only where >= 2) and the number of dumps of the source. Reads
    like a SourceContext (count, n_dumps): the readers take either."""

    counts: Mapping[str, int] = field(default_factory=dict)  # a plain dict: sent to the process pool
    n_dumps: int = 0

    def count(self, text: str) -> int:
        return self.counts.get(line_key(text), 0)

    def digest(self) -> str:
        """What the conversion of the dump depends on, besides its bytes and the rules."""
        h = hashlib.sha256(f"{self.n_dumps}\n".encode())
        for k in sorted(self.counts):
            h.update(f"{k} {self.counts[k]}\n".encode())
        return h.hexdigest()


def source_of(source_path: str) -> str:
    """The source a dump belongs to when no publisher is known: its folder."""
    return source_path.replace("\\", "/").rpartition("/")[0]


def views(keys_by_dump: Mapping[str, Iterable[str]]) -> dict[str, SourceView]:
    """source path -> its SourceView, from every page-text/HTML dump's line keys."""
    folders: dict[str, list[str]] = {}
    for src in keys_by_dump:
        folders.setdefault(source_of(src), []).append(src)
    out: dict[str, SourceView] = {}
    for members in folders.values():
        counts: Counter[str] = Counter()
        for src in members:
            counts.update(set(keys_by_dump[src]))
        n = len(members)
        for src in members:
            own = {k: counts[k] for k in set(keys_by_dump[src]) if counts[k] >= 2}
            out[src] = SourceView(dict(sorted(own.items())), n)
    return out
