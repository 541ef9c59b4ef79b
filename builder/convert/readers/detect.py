"""Which reader a dump needs, told from its content (the file name is a weak hint only).

    kind(dump_or_text, filename) -> "family" | "page-text" | "html"

- "html": markup, whatever the extension. A page as downloaded starts with a doctype,
  `<html`, `<head`, or an XML prolog or comment before one of them; a fragment saved
  without them still counts when tags carry much of the text and block tags
  (`<p>`, `<div>`, ...) are many. A text dump that merely quotes a tag (a hostile
  title `<script>alert(1)</script>`, a paragraph about `<body onload=...>`) is text:
  a few tags in mostly prose are not markup.
- "family": the tidy layout of shared/dump-format.md: an optional scraper id line, the
  title, and a date line right under it (within a few non-blank lines, after a repeated
  title or a short chrome line at most). A file whose first line is a scraper id is the
  family even without a date (the family reader then rejects it "no date", as today).
  Empty and whitespace-only text is "family" too: the family reader owns those
  rejections ("empty file ..."), so nothing changes for them; so is a text of fewer than
  six non-blank lines (too short to be a whole page, which has menus and a footer).
- "page-text": anything else that is text: a whole page's visible text, where menus,
  a site name and other chrome stand before the headline and the date.

Pure, deterministic, cheap: only the first few KB and the first lines are looked at.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ...model import Dump
from ..dates import looks_like_date

FAMILY = "family"
PAGE_TEXT = "page-text"
HTML = "html"

# The start of a downloaded page: BOM / whitespace, then optional XML prolog and
# comments, then a doctype or a root/head element.
_HTML_START = re.compile(
    r"^\ufeff?\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*(?:<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<meta[\s>])",
    re.IGNORECASE | re.DOTALL,
)
_TAG = re.compile(r"</?([a-zA-Z][a-zA-Z0-9]*)\b[^<>]*>")
_BLOCK_TAGS = {"p", "div", "section", "article", "main", "header", "footer", "nav", "ul", "ol", "li",
               "h1", "h2", "h3", "h4", "h5", "h6", "table", "tr", "td", "span", "a", "br", "body",
               "head", "html", "meta", "link", "script", "style", "title", "figure", "img"}
# A scraper id: one token with a digit (`1_-970854395-7`, `a1b2c3`), not a date.
_ID = re.compile(r"[\w.:#/-]{1,128}")
_SAMPLE = 65536
# A whole page's text has chrome around the article (menus, footer): never this few lines.
_PAGE_MIN_LINES = 6


def _text_of(dump_or_text: Dump | str | bytes) -> str:
    if isinstance(dump_or_text, Dump):  # the first _SAMPLE characters are enough
        parts, size = [], 0
        for line in dump_or_text.lines:
            parts.append(line.text)
            size += len(line.text) + 1
            if size > _SAMPLE:
                break
        return "\n".join(parts)
    if isinstance(dump_or_text, bytes):
        return dump_or_text[:_SAMPLE].decode("utf-8", "replace")
    return dump_or_text


def is_html(text: str) -> bool:
    """True when the text is markup (a page or a fragment), not prose that quotes a tag."""
    head = text[:_SAMPLE]
    if _HTML_START.match(head):
        return True
    tags = _TAG.findall(head)
    if len(tags) < 8:
        return False
    block = sum(1 for t in tags if t.casefold() in _BLOCK_TAGS)
    markup = sum(len(m.group(0)) for m in _TAG.finditer(head))
    # A fragment: many known tags, and markup is a good share of the characters.
    return block >= 8 and block >= 0.6 * len(tags) and markup >= 0.15 * len(head.strip())


def looks_like_id(text: str) -> bool:
    return bool(_ID.fullmatch(text)) and any(c.isdigit() for c in text) and not looks_like_date(text)


def _nonblank(lines: Iterable[str], limit: int) -> list[str]:
    out = []
    for raw in lines:
        s = raw.strip()
        if s:
            out.append(s)
            if len(out) >= limit:
                break
    return out


def is_family(text: str) -> bool:
    """The tidy family: [id], title, date within the next few lines."""
    first = _nonblank(text[:_SAMPLE].splitlines(), 3)
    if not first:
        return True  # empty / whitespace only: the family reader rejects it with its reasons
    if looks_like_id(first[0]):
        return True
    title, after = first[0], first[1:3]
    if looks_like_date(title) or len(title) < 3:
        return False
    # The date right under the title, or after the title repeated once; a page's text
    # has menus, a site name or a "skip to content" link there instead.
    date_at = next((k for k, line in enumerate(after) if looks_like_date(line)), None)
    if date_at is None or (date_at == 1 and after[0] != title):
        return False
    # No id line: also no menu run (five short non-date lines in a row) in the top of
    # the file, which the family's header never has.
    run = 0
    for line in _nonblank(text[:_SAMPLE].splitlines(), 16):
        run = run + 1 if len(line.split()) <= 3 and not looks_like_date(line) else 0
        if run >= 5:
            return False
    return True


def _short(text: str) -> bool:
    """Too short to be a whole page's text (menus, article, footer)."""
    return len(_nonblank(text[:_SAMPLE].splitlines(), _PAGE_MIN_LINES)) < _PAGE_MIN_LINES


def kind(dump_or_text: Dump | str | bytes, filename: str | None = None) -> str:
    """"family" | "page-text" | "html", from the content. `filename` breaks no tie: an
    `.html` file of plain text is text, a `.txt` file of markup is html.

    In order: a downloaded page's start is HTML; the family's header (id line, or title
    and date) is the family, even when its text quotes many tags (a hostile brief about
    `<script>`); a fragment of markup is HTML; a text too short to be a page is the
    family (read as before); anything else is a page's text."""
    text = _text_of(dump_or_text)
    if _HTML_START.match(text[:_SAMPLE]):
        return HTML
    if is_family(text):
        return FAMILY
    if is_html(text):
        return HTML
    return FAMILY if _short(text) else PAGE_TEXT
