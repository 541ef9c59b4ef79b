"""How paths and reasons are shown to the user, one line each: control and format
characters escaped (a newline in a file name cannot forge a line of the summary), and
paths relative to the working folder where they lie inside it."""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path

_ESCAPED_CATEGORIES = {"Cc", "Cf", "Cs", "Zl", "Zp"}


def printable(text: object) -> str:
    """`text` safe to print on one line of a terminal or a log: control characters
    (newline, escape, DEL, C1), format characters (bidi overrides, zero-width marks),
    line and paragraph separators become ``\\n``, ``\\x1b``, ``\\u202e``; undecodable
    bytes of a file name (surrogate escapes) become ``\\xff``. Ordinary Unicode stays."""
    s = str(text)
    if s.isprintable():  # fast path: nothing to escape (isprintable also rejects Zs but space)
        return s
    out = []
    for ch in s:
        if ch == " " or unicodedata.category(ch) not in _ESCAPED_CATEGORIES:
            out.append(ch)
        elif 0xDC80 <= ord(ch) <= 0xDCFF:
            out.append(f"\\x{ord(ch) - 0xDC00:02x}")
        else:
            out.append(repr(ch)[1:-1])
    return "".join(out)


def display(path: str | os.PathLike) -> str:
    """A path as the user would write it: relative to the working folder if inside."""
    p = Path(path)
    try:
        return p.absolute().relative_to(Path.cwd()).as_posix()
    except ValueError:
        return p.as_posix()
