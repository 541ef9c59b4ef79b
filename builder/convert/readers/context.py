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
