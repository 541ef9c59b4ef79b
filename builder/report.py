"""The end-of-run summary, the same from `newsbrief convert` and from the MkDocs plugin:
the counts, then every dump that was not published and why, learned chrome, what was
written, and every warning; each path and reason on one line of its own."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from .console import printable
from .model import DUPLICATE, NEAR_DUPLICATE, OK, REJECTED, SUPERSEDED

if TYPE_CHECKING:
    from .pipeline import Result


def summarise(result: Result, out=None, posts: str = "docs/posts") -> None:
    """The end-of-run summary: counts, then every dump that was not published and why."""
    out = out or sys.stderr
    p = printable  # paths and reasons come from file names and dump text: one line each
    n = len(result.outcomes)
    print(f"newsbrief: {n} dump{'s' * (n != 1)}: {result.count(OK)} published, "
          f"{result.count(REJECTED)} rejected, {result.count(DUPLICATE)} duplicate, "
          f"{result.count(SUPERSEDED)} superseded, {result.count(NEAR_DUPLICATE)} near-duplicate", file=out)
    for o in result.outcomes:
        if o.status == REJECTED:
            print(f"  rejected   {p(o.source_path)}: {p(o.error)}", file=out)
        elif o.status == DUPLICATE:
            print(f"  duplicate  {p(o.source_path)}: same id and text as {p(o.duplicate_of)}", file=out)
        elif o.status == SUPERSEDED:
            print(f"  superseded {p(o.source_path)}: newer revision in {p(o.superseded_by)}", file=out)
        elif o.status == NEAR_DUPLICATE:
            print(f"  near-duplicate {p(o.source_path)}: {o.similarity:.0%} the same text as "
                  f"{p(o.near_duplicate_of)}", file=out)
    if result.learned:
        n_lines = len({text for _, text in result.learned})
        print(f"learned chrome: {n_lines} recurring line{'s' * (n_lines != 1)} removed as boilerplate "
              f"(see `newsbrief rules suggest`)", file=out)
    if result.write:
        w = result.write
        left = f", {len(w.refused)} left alone" if w.refused else ""
        print(f"pages: {len(w.written)} written, {len(w.unchanged)} unchanged, "
              f"{len(w.deleted)} removed{left}", file=out)
        for rel, reason in w.refused:
            print(f"  left alone {p(posts)}/{p(rel)}: {reason}", file=out)
    for warning in result.warnings:
        print(f"newsbrief: warning: {p(warning)}", file=out)
    for err in result.errors:
        print(f"newsbrief: error: {p(err)}", file=out)
