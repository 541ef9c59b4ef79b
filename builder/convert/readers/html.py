"""The HTML reader: a page as downloaded -> Article, through trafilatura.

    extract(dump, rules, source=None) -> Article      (raises Rejected)

trafilatura (pinned in requirements) finds the article's text with its structure
(headings, paragraphs, lists, quotes, tables) and the page's metadata (title, date via
htmldate, authors, site name). newsbrief adds, on top:

- the title from the page's own evidence (the visible <h1> that agrees with og:title /
  JSON-LD headline / <title>; else those minus the site name), since trafilatura's
  title is often the <title> with the site name glued on;
- deterministic dates: htmldate runs with fixed bounds (no "today"), and a page
  with no date is rejected "no date";
- authors cleaned into names; the site name as publisher;
- its own chrome rules and the repetition across the pages of one source on each
  paragraph trafilatura kept (dropped ones are listed in `removed`);
- the rules on a paragraph's shape the text reader uses (`lines`: labelled and
  dash-led links to other stories, captions with their credit, cookie runs, embedded
  posts, the author's bio after the text, running words that do not end like a
  sentence), with the same reasons (`shape_reasons`);
- an audit in the reader's unit, the page's *visible lines*: the text of the page as
  a browser lays it out, one line per block element (p, div, li, h1-h6, td, ...; <br>
  breaks a line), in document order, numbered from 1; script, style, template,
  noscript, svg, <head> and elements marked hidden are not visible. Every visible
  line that is not published is listed in `removed` with a reason (navigation, footer,
  related links, byline, publication date, ...), the published title excepted.
  `Section.lines` are visible-line numbers too.

Pure and deterministic: the HTML is parsed from the dump's text, nothing is fetched,
no language model or detector runs, no clock is read.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass

from lxml.html import HtmlElement

from ...model import Article, Dump, Rejected, Removed, Section
from ...rules import Rules
from ..dates import DateError, parse_date
from ..parse import name_case
from . import lines as shape
from .context import SourceContext, SourceView, normalise

# htmldate's bounds: fixed, so a page reads the same any day. The lower bound is the
# web's (htmldate's own default, 1995); the upper one stays inside builder/dates.py's
# plausible range (years 1800-2200) and far from any real page.
DATE_PARAMS = {"original_date": True, "extensive_search": False,
               "min_date": "1995-01-01", "max_date": "2100-12-31"}
MIN_WORDS = 60  # an article has at least this many words of text (else: no article)

_SKIP = {"script", "style", "noscript", "template", "svg", "head", "iframe", "object", "canvas",
         "select", "option", "math"}
_BLOCK = {"address", "article", "aside", "blockquote", "body", "caption", "dd", "details", "dialog",
          "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3",
          "h4", "h5", "h6", "header", "hgroup", "hr", "html", "legend", "li", "main", "menu", "nav",
          "ol", "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead",
          "tr", "ul", "br", "button", "label", "picture", "video", "audio"}
_SPACE = re.compile(r"\s+")
_CLASS_SPLIT = re.compile(r"[^a-z0-9]+")


def _clean(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


@dataclass
class VLine:
    number: int
    text: str
    owner: HtmlElement  # the innermost element its first text belongs to
    in_link: bool  # its first text stands inside an <a>


def _hidden(el: HtmlElement) -> bool:
    if el.get("hidden") is not None:
        return True
    style = (el.get("style") or "").replace(" ", "").casefold()
    return "display:none" in style or "visibility:hidden" in style


def visible_lines(tree: HtmlElement) -> list[VLine]:
    """The page's visible text, one line per block, in document order (see module doc)."""
    lines: list[VLine] = []
    buf: list[str] = []
    owner: list = [None, False]

    def add(text: str | None, el, in_link: bool) -> None:
        if text and text.strip():
            if not buf:
                owner[0], owner[1] = el, in_link
            buf.append(text)

    def flush() -> None:
        if buf:
            text = _clean("".join(buf))
            if text:
                lines.append(VLine(len(lines) + 1, text, owner[0], owner[1]))
            buf.clear()

    body = tree.find(".//body")
    root = body if body is not None else tree
    # (element, closing, link depth)
    stack: list[tuple] = [(root, False, False)]
    while stack:
        el, closing, in_link = stack.pop()
        tag = el.tag if isinstance(el.tag, str) else None
        if closing:
            if tag and tag.casefold() in _BLOCK:
                flush()
            add(el.tail, el.getparent(), in_link)
            continue
        name = tag.casefold() if tag else None
        if name is None or name in _SKIP or _hidden(el):
            add(el.tail, el.getparent(), in_link)
            continue
        if name in _BLOCK:
            flush()
        child_link = in_link or name == "a"
        add(el.text, el, child_link)
        stack.append((el, True, in_link))
        for child in reversed(el):
            stack.append((child, False, child_link))
    flush()
    return lines


# --- where a line stands: its zone, from the elements around it --------------------

_ZONES = [  # (reason, tags, class/id tokens), the first that fits wins
    ("boilerplate: cookie or consent notice", set(), {"cookie", "cookies", "consent", "gdpr", "cmp"}),
    ("boilerplate: sign-up or subscription box", set(),
     {"newsletter", "subscribe", "subscription", "signup", "paywall", "registration", "regwall"}),
    ("boilerplate: advertisement", set(), {"ad", "ads", "advert", "advertisement", "sponsored", "promo",
                                            "dfp", "gpt", "taboola", "outbrain"}),
    ("boilerplate: share buttons", set(), {"share", "sharing", "social", "sharebar"}),
    ("boilerplate: comments", set(), {"comment", "comments", "disqus"}),
    ("boilerplate: related links", set(), {"related", "recommended", "recirc", "more", "trending",
                                           "popular", "mostread", "readmore", "teaser", "outbrain"}),
    ("boilerplate: navigation menu", {"nav", "menu"}, {"nav", "navbar", "navigation", "menu", "breadcrumb",
                                                       "breadcrumbs", "masthead", "skip", "topbar"}),
    ("boilerplate: page footer", {"footer"}, {"footer", "copyright", "colophon"}),
    ("boilerplate: page header", {"header"}, {"header", "banner"}),
    ("boilerplate: sidebar", {"aside"}, {"sidebar", "rail", "aside", "widget"}),
    ("boilerplate: form", {"form", "button", "label"}, {"form", "login", "search"}),
    ("boilerplate: caption or credit", {"figcaption", "figure"}, {"caption", "credit", "figure", "image",
                                                                  "photo", "media"}),
]


def _tokens(el: HtmlElement) -> set[str]:
    out: set[str] = set()
    for attr in ("class", "id", "role", "data-component", "aria-label"):
        value = el.get(attr)
        if value:
            out.update(t for t in _CLASS_SPLIT.split(value.casefold()) if t)
    return out


def zone_reason(el: HtmlElement | None, in_link: bool) -> str:
    """Why a visible line outside the article is chrome, from its ancestors."""
    hops = 0
    while el is not None and hops < 40:
        tag = el.tag.casefold() if isinstance(el.tag, str) else ""
        tokens = _tokens(el)
        for reason, tags, words in _ZONES:
            if tag in tags or tokens & words:
                return reason
        el = el.getparent()
        hops += 1
    if in_link:
        return "boilerplate: link outside the article"
    return "boilerplate: not part of the article"


# --- metadata ----------------------------------------------------------------------

_SITE_SEPARATORS = re.compile(r"\s+(?:[|\-–—:•·»]|::)\s+")
_BY = re.compile(r"^(?:(?:written|reported|posted|published|words|story|text)\s+)?by\s*:?\s+",
                 re.IGNORECASE)
_NOT_NAME = re.compile(r"\d|@|https?:|www\.|\.com\b", re.IGNORECASE)
_PARTICLES = {"de", "da", "del", "della", "der", "di", "do", "dos", "du", "la", "le", "van", "von",
              "bin", "al", "el", "ibn", "ter", "den", "y", "zu", "st.", "jr.", "jr", "sr.", "iii", "ii"}


def _norm_title(text: str) -> str:
    return re.sub(r"[^\w]+", " ", text.casefold()).strip()


def _json_ld_headlines(tree: HtmlElement) -> list[str]:
    out: list[str] = []

    def walk(node) -> None:
        if isinstance(node, dict):
            for key in ("headline", "name"):
                value = node.get(key)
                if key == "headline" and isinstance(value, str) and value.strip():
                    out.append(_clean(value))
            for value in node.values():
                if isinstance(value, (dict, list)):
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    for script in tree.iterfind(".//script[@type='application/ld+json']"):
        try:
            walk(json.loads(script.text or ""))
        except (ValueError, RecursionError):
            continue
    return out


def _meta(tree: HtmlElement, *names: str) -> list[str]:
    out = []
    for m in tree.iterfind(".//meta"):
        key = (m.get("property") or m.get("name") or "").casefold()
        if key in names and (m.get("content") or "").strip():
            out.append(_clean(m.get("content")))
    return out


def strip_site(title: str, sitename: str | None) -> str:
    """'Headline | Site' / 'Site - Headline' -> 'Headline' (the longest part that is not
    the site name), when the title has a separator."""
    parts = _SITE_SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    site = _norm_title(sitename or "")
    keep = [p for p in parts if _norm_title(p) and _norm_title(p) != site
            and not (site and (_norm_title(p) in site or site in _norm_title(p)) and len(p.split()) <= 4)]
    if not keep:
        return title
    if len(keep) < len(parts):  # a part was the site name: the rest, as written
        return " - ".join(keep) if len(keep) > 1 else keep[0]
    # No part names the site: drop a short trailing part (the site or a section label).
    if len(parts[-1].split()) <= 3 and len(parts[0].split()) >= 3:
        return _SITE_SEPARATORS.split(title, maxsplit=len(parts) - 2)[0] if len(parts) > 2 else parts[0]
    return title


def _similar(a: str, b: str) -> bool:
    na, nb = _norm_title(a), _norm_title(b)
    if not na or not nb:
        return False
    if na == nb or (len(nb) > 15 and nb in na) or (len(na) > 15 and na in nb):
        return True
    wa, wb = set(na.split()), set(nb.split())
    return len(wa & wb) >= 0.7 * max(len(wa), len(wb))


def choose_title(tree: HtmlElement, lines: list[VLine], meta_title: str | None,
                 sitename: str | None) -> str | None:
    """The headline as the page shows it (see module doc)."""
    h1s = []
    for line in lines:
        el = line.owner
        hops = 0
        while el is not None and hops < 4:
            if isinstance(el.tag, str) and el.tag.casefold() == "h1":
                if 2 <= len(line.text.split()) <= 40 and line.text not in h1s:
                    h1s.append(line.text)
                break
            el = el.getparent()
            hops += 1
    declared = [*_meta(tree, "og:title", "twitter:title"), *_json_ld_headlines(tree)]
    html_title = tree.findtext(".//title")
    if html_title:
        declared.append(_clean(html_title))
    if meta_title:
        declared.append(meta_title)
    for h1 in h1s:
        if any(_similar(h1, d) or _similar(h1, strip_site(d, sitename)) for d in declared):
            return h1
    for d in declared:
        stripped = strip_site(d, sitename)
        if len(stripped.split()) >= 2:
            return stripped
    if h1s:
        return h1s[0]
    return meta_title


def clean_authors(raw: str | None) -> list[str]:
    """trafilatura's author string -> names: split on ';', ',', ' and ', '&', '|';
    'By' and similar dropped; anything that is not a person's name dropped."""
    if not raw:
        return []
    out: list[str] = []
    for part in re.split(r"\s*(?:;|,|\||&|\band\b|\bund\b|\bet\b|/)\s*", raw):
        name = _clean(_BY.sub("", _clean(part))).strip(" .:-–—")
        words = name.split()
        if not 2 <= len(words) <= 5 or _NOT_NAME.search(name):
            continue
        if not all(w[:1].isupper() or w.casefold() in _PARTICLES for w in words):
            continue
        name = name_case(name)  # "HEATHER HOLLINGSWORTH" -> "Heather Hollingsworth"
        if name not in out:
            out.append(name)
    return out


# --- the article's blocks ----------------------------------------------------------

@dataclass
class Block:
    kind: str  # "head" | "p" | "item" | "quote" | "row"
    text: str
    first_of_list: bool = False
    list_id: int = -1


def _itertext_parts(el) -> list[str]:
    """Like itertext, split at <lb/>; nested elements' text in document order."""
    parts: list[str] = []
    cur: list[str] = []

    def walk(node) -> None:
        if node.text:
            cur.append(node.text)
        for child in node:
            if child.tag == "lb":
                parts.append("".join(cur))
                cur.clear()
            else:
                walk(child)
            if child.tail:
                cur.append(child.tail)

    walk(el)
    parts.append("".join(cur))
    return [c for c in (_clean(p) for p in parts) if c]


def blocks(body) -> list[Block]:
    out: list[Block] = []
    list_no = 0

    def visit(el) -> None:
        nonlocal list_no
        tag = el.tag
        if tag == "head":
            for t in _itertext_parts(el):
                out.append(Block("head", t))
        elif tag == "list":
            list_no += 1
            me = list_no
            first = True
            for item in el:
                if item.tag != "item":
                    continue
                nested = [c for c in item if c.tag == "list"]
                for c in nested:
                    item.remove(c)  # nested lists follow their item
                for t in _itertext_parts(item):
                    out.append(Block("item", t, first_of_list=first, list_id=me))
                    first = False
                for c in nested:
                    visit(c)
        elif tag == "table":
            for row in el.iter("row"):
                cells = [_clean(" ".join(c.itertext())) for c in row if c.tag == "cell"]
                text = " | ".join(c for c in cells if c)
                if text:
                    out.append(Block("row", text))
        elif tag in ("p", "quote", "code"):
            for t in _itertext_parts(el):
                out.append(Block("quote" if tag == "quote" else "p", t))
        elif tag in ("graphic", "ref", "lb"):
            return
        else:  # div or other wrapper
            if el.text and el.text.strip():
                out.append(Block("p", _clean(el.text)))
            for child in el:
                visit(child)
                if child.tail and child.tail.strip():
                    out.append(Block("p", _clean(child.tail)))

    for child in body:
        visit(child)
        if child.tail and child.tail.strip():
            out.append(Block("p", _clean(child.tail)))
    return out


_INVISIBLE_TAIL = re.compile(r"[\u200b-\u200f\u2060-\u2064\ufeff\s]+$")


def shape_reasons(found: list[Block], authors: list[str], rules: Rules) -> dict[int, str]:
    """Blocks trafilatura kept that are not the article's text by their shape, the rules
    the text reader uses (`lines`): block index -> the reason it is listed under."""
    def has_date(text: str) -> bool:
        return bool(dates_in(text, rules))

    texts = [b.text for b in found]
    out: dict[int, str] = {}
    for k, j in shape.caption_pairs(texts):
        out.setdefault(k, shape.CAPTION_WITH_CREDIT)
        out.setdefault(j, shape.CAPTION_COPY)
    for k in shape.cookie_runs(texts):
        out.setdefault(k, shape.COOKIE_NOTICE)
    for k in shape.dash_links(texts):
        out.setdefault(k, shape.RELATED_LINK)
    body = [k for k, b in enumerate(found) if b.kind != "head"]
    for k in body:
        # "Label: value" lines in a row are a list of facts (a spec sheet), not links
        if shape.labelled_link(texts[k]) and not shape.labelled_run(texts, k):
            out.setdefault(k, shape.LABELLED_LINK)
        elif shape.credit_caption(texts[k]):
            out.setdefault(k, shape.CREDIT_CAPTION)
        elif shape.embed_credit(texts[k], has_date):
            out.setdefault(k, shape.EMBED_CREDIT)
            if k - 1 >= 0 and found[k - 1].kind != "head":
                out.setdefault(k - 1, shape.EMBED_POST)
    # Only a bio that names the byline's author (a dated sentence at the end is the
    # text's here), and only after at least TAIL_LINES paragraphs of text.
    kept = [k for k in body if k not in out]
    for k in kept[max(shape.TAIL_LINES, len(kept) - shape.TAIL_LINES):]:
        reason = shape.tail_note(texts[k], authors, None)
        if reason:
            out[k] = reason
    # A paragraph (not a list item: lists of names and scores are the article's) of
    # running words that does not end like a sentence: a caption, a teaser.
    stop = shape.pick_stoplist([t.casefold() for t in shape.WORD.findall(" ".join(texts))][:1200])
    for k in body:
        text = _INVISIBLE_TAIL.sub("", texts[k])  # an invisible format character is not the line's end
        if found[k].kind == "p" and shape.no_sentence(text, shape.stop_share(text, stop)):
            out.setdefault(k, shape.NO_SENTENCE)
    return out


# --- non-articles ------------------------------------------------------------------

_ERROR = re.compile(r"\b(?:404|410|500|page not found|not found|no longer available|"
                    r"does not exist|doesn['’]t exist|an error occurred|error page)\b", re.IGNORECASE)
_WALL = re.compile(r"\b(?:cookies?|consent|sign in|log in|login|subscribe|subscription|"
                   r"create (?:an|a free) account|register|paywall|already a subscriber)\b", re.IGNORECASE)


def _no_article_reason(title: str | None, words: int, lines: list[VLine], text: str) -> str:
    head = " ".join(filter(None, [title, *(line.text for line in lines[:40])]))
    if _ERROR.search(title or "") or (words < 30 and _ERROR.search(head)):
        return "no article: an error page"
    wall_hits = len(_WALL.findall(text)) + len(_WALL.findall(" ".join(line.text for line in lines)))
    visible_words = sum(len(line.text.split()) for line in lines)
    if wall_hits >= 2 and visible_words < 400:
        return "no article: a cookie, login or subscription wall"
    linked = sum(len(line.text.split()) for line in lines if line.in_link)
    if visible_words and linked >= 0.4 * visible_words:
        return "no article: a section front or list of links"
    return f"no article: the page holds too little text ({words} words)"


# --- the reader --------------------------------------------------------------------

def _load(dump: Dump) -> HtmlElement:
    from trafilatura.utils import load_html

    text = "\n".join(line.text for line in dump.lines)
    tree = load_html(text)
    if tree is None or len(tree) == 0:
        tree = load_html(f"<html><body><div>{text}</div></body></html>")
    if tree is None:
        raise Rejected("no article: the HTML cannot be parsed")
    return tree


def context_lines(dump: Dump) -> list[str]:
    """The texts SourceContext counts for an HTML dump: its visible lines."""
    try:
        return [line.text for line in visible_lines(_load(dump))]
    except Rejected:
        return []


def _date_line(lines: list[VLine], date: dt.date, rules: Rules, limit: int) -> VLine | None:
    """The visible line that states the publication date (a short line reading as it)."""
    label = re.compile(r"^(?:(?:first\s+)?published|posted|updated|last updated|date|on)\s*:?\s*",
                       re.IGNORECASE)
    for line in lines[:limit]:
        if len(line.text) > 80 or not re.search(r"\d", line.text):
            continue
        candidate = label.sub("", line.text)
        for piece in (candidate, re.split(r"\s+[|•·]\s+", candidate)[0]):
            try:
                if parse_date(piece, rules.date_order) == date:
                    return line
            except DateError:
                continue
    return None


_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
          r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
_DATE_IN_LINE = re.compile(
    rf"(?<![\w/])(?:{_MONTH}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}\.?,?\s+\d{{4}}"
    r"|\d{4}-\d{2}-\d{2}"
    r"|\d{1,2}/\d{1,2}/\d{4})(?![\w/])",
    re.IGNORECASE)
# How far below the headline the page's own date line may stand (visible lines).
DATE_WINDOW = (-3, 30)


def _title_line(lines: list[VLine], title: str) -> int | None:
    """Index of the headline among the visible lines: the h1 that reads as the title,
    else the first line that does."""
    key = _norm_title(title)
    hits = [i for i, line in enumerate(lines) if _norm_title(line.text) == key]
    for i in hits:
        el, hops = lines[i].owner, 0
        while el is not None and hops < 4:
            if isinstance(el.tag, str) and el.tag.casefold() == "h1":
                return i
            el, hops = el.getparent(), hops + 1
    return hits[0] if hits else None


def dates_in(text: str, rules: Rules) -> list[dt.date]:
    """The complete dates a line states ("Posted: Dec 22, 2023 8:25 AM", "By X 19 May
    2023"); an all-numeric date that both orders can read is skipped (no guessing)."""
    out = []
    for m in _DATE_IN_LINE.finditer(text):
        piece = m.group(0)
        numeric = re.fullmatch(r"(\d{1,2})/(\d{1,2})/\d{4}", piece)
        if numeric and int(numeric[1]) <= 12 and int(numeric[2]) <= 12:
            continue
        try:
            out.append(parse_date(piece, rules.date_order))
        except DateError:
            continue
    return out


def displayed_date(lines: list[VLine], title_at: int | None, rules: Rules
                   ) -> tuple[dt.date, VLine] | None:
    """The date the page shows its reader next to the headline: the first short visible
    line just under (or just over) the headline that states a complete date. It is the
    page's own, local date (the markup's is often UTC, a day off)."""
    if title_at is None:
        return None
    lo, hi = DATE_WINDOW
    for line in lines[max(0, title_at + lo):title_at + hi]:
        if len(line.text) > 160 or line.in_link:
            continue
        found = dates_in(line.text, rules)
        if found:
            return found[0], line
    return None


_ORG_WORDS = {"staff", "news", "press", "times", "today", "team", "editors", "editor", "editorial",
              "correspondent", "reports", "desk", "wire", "wires", "agency", "media", "magazine",
              "daily", "officer", "contributor", "contributors", "newsroom", "copied", "updated"}


def _fold(text: str) -> str:
    import unicodedata

    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(re.findall(r"[a-z0-9]+", text.casefold()))


def refine_authors(names: list[str], tree: HtmlElement, lines: list[VLine],
                   sitename: str | None) -> list[str]:
    """Drop organisations (a name the site or its copyright line carries, or one made of
    organisation words: "AOL Staff", "The Associated Press") and give each name the
    spelling the page writes it in (trafilatura drops accents and initials' dots)."""
    if not names:
        return names
    site = set(_fold(sitename or "").split())
    copyright_text = " ".join(_fold(line.text) for line in lines
                              if "©" in line.text or "copyright" in line.text.casefold()
                              or "all rights reserved" in line.text.casefold())
    sources = [*_meta(tree, "author", "article:author", "parsely-author", "sailthru.author"),
               *(line.text for line in lines if len(line.text.split()) <= 16)]
    for script in tree.iterfind(".//script[@type='application/ld+json']"):
        sources.extend(re.findall(r'"name"\s*:\s*"([^"]{3,80})"', script.text or ""))
    out = []
    for name in names:
        f = _fold(name)
        words = f.split()
        if "the" in words[1:]:  # "John O'Connor The Associated Press": the name ends there
            words = words[:words.index("the")]
        while words and words[-1] in _UI_WORDS:  # "... Link Copied": button text glued on
            words.pop()
        f = " ".join(words)
        name = " ".join(name.split()[:len(words)])
        if len(words) < 2 or words[0] == "the" or set(words) & _ORG_WORDS:
            continue
        if site and (set(words) <= site or "".join(words) in "".join(sorted(site)) or
                     "".join(words) in _fold(sitename or "").replace(" ", "")):
            continue
        if copyright_text and f in copyright_text:
            continue
        spelled = name
        pattern = re.compile(r"\b" + r"(?:\.\s*|\s+)".join(re.escape(w) for w in words) + r"\b\.?")
        for src in sources:
            fs = src
            m = pattern.search(_fold_keep(fs))
            if m:
                spelled = _clean(fs[m.start():m.end()])
                break
        if spelled not in out:
            out.append(spelled)
    return out


_UI_WORDS = {"link", "copied", "share", "follow", "email", "updated", "published", "twitter", "x"}
_BYLINE = re.compile(r"^(?:(?:written|reported|words|story)\s+)?by\s*:?\s*(?P<names>[^|•·]+)", re.IGNORECASE)


def byline_authors(lines: list[VLine], title_at: int | None) -> list[str]:
    """Names from a visible byline under the headline ("By NAME", "By NAME and NAME")."""
    if title_at is None:
        return []
    lo, hi = DATE_WINDOW
    for line in lines[max(0, title_at + lo):title_at + hi]:
        m = _BYLINE.match(line.text)
        if m and len(line.text.split()) <= 14:
            names = clean_authors(_DATE_IN_LINE.split(m["names"])[0])
            if names:
                return names
    return []


def _fold_keep(text: str) -> str:
    """Case- and accent-folded text of the same length (so a match maps back)."""
    import unicodedata

    out = []
    for c in text:
        base = unicodedata.normalize("NFKD", c)
        base = "".join(b for b in base if not unicodedata.combining(b)) or c
        out.append(base[0].casefold() if len(base[0].casefold()) == 1 else c)
    return "".join(out)


def _stated(date: dt.date, dump: Dump, lines: list[VLine], rules: Rules) -> bool:
    """htmldate's date is taken only when the page states that day somewhere (markup
    or text), never when it was completed from a bare year (a copyright line)."""
    raw = "\n".join(line.text for line in dump.lines)
    y, m, d = date.year, date.month, date.day
    if any(f in raw for f in (f"{y}-{m:02}-{d:02}", f"{y}/{m:02}/{d:02}", f"{y}{m:02}{d:02}")):
        return True
    return any(date in dates_in(line.text, rules) for line in lines)


def _repeated(text: str, source: SourceContext | SourceView | None) -> int:
    if source is None or source.n_dumps < 2:
        return 0
    n = source.count(text)
    return n if n >= 2 and n >= 0.5 * source.n_dumps else 0


def extract(dump: Dump, rules: Rules, source: SourceContext | SourceView | None = None) -> Article:
    from trafilatura import bare_extraction

    tree = _load(dump)
    lines = visible_lines(tree)
    doc = bare_extraction(tree, with_metadata=True, include_formatting=True, include_comments=False,
                          favor_precision=True,
                          include_tables=True, include_images=False, include_links=False,
                          deduplicate=False, date_extraction_params=dict(DATE_PARAMS))
    meta_title = doc.title if doc is not None else None
    sitename = doc.sitename if doc is not None else None
    title = choose_title(tree, lines, meta_title, sitename)
    found = blocks(doc.body) if doc is not None and doc.body is not None else []
    words = sum(len(b.text.split()) for b in found if b.kind != "head")
    if words < MIN_WORDS:
        raise Rejected(_no_article_reason(title, words, lines, " ".join(b.text for b in found)))
    if not title:
        raise Rejected("no title: the page names no headline")
    title_at = _title_line(lines, title)
    shown = displayed_date(lines, title_at, rules)
    if shown is not None:
        date, date_line = shown
    elif doc.date and _stated(dt.date.fromisoformat(doc.date[:10]), dump, lines, rules):
        date = dt.date.fromisoformat(doc.date[:10])
        date_line = _date_line(lines, date, rules, limit=len(lines))
    else:
        raise Rejected("no date: the page shows no publication date and its markup declares none")

    # Drop the headline when trafilatura kept it as the first heading.
    while found and found[0].kind == "head" and _similar(found[0].text, title):
        found.pop(0)

    authors = refine_authors(clean_authors(doc.author), tree, lines, sitename)
    if not authors:
        authors = refine_authors(byline_authors(lines, title_at), tree, lines, sitename)
    repeated_ok = True
    if source is not None:  # a page whose text is mostly "repeated" is a copy: ignore repetition
        paras = [b for b in found if b.kind != "head"]
        rep = sum(1 for b in paras if _repeated(b.text, source))
        repeated_ok = rep <= 0.5 * len(paras)

    # Build sections; each block is matched to visible lines afterwards.
    keys = [normalise(line.text) for line in lines]
    pointer = 0
    used: dict[int, str] = {}  # visible line number -> "published" or why it was dropped

    def match(text: str, dropped: str | None = None) -> int | None:
        nonlocal pointer
        key = normalise(text)
        hits: list[int] = []
        for start, stop in ((pointer, len(lines)), (0, pointer)):
            for i in range(start, stop):
                k = keys[i]
                if k and (k == key or (len(k) >= 3 and k in key) or (len(key) >= 20 and key in k)):
                    hits.append(i)
                    if k == key or (len(key) >= 20 and key in k):
                        break
                elif hits:
                    break
            if hits:
                break
        if not hits:
            return None
        for i in hits:
            used[lines[i].number] = dropped or "published"
        pointer = hits[-1] + 1
        return lines[hits[0]].number

    highlights: list[str] = []
    sections: list[Section] = [Section(heading=None)]
    seen_paragraph = False
    summary_list: int | None = None
    if found and found[0].kind == "item" and found[0].first_of_list:
        items = [b for b in found if b.list_id == found[0].list_id]
        # A summary right under the headline: a few sentence-like items.
        if 2 <= len(items) <= 6 and all(len(b.text.split()) >= 6 for b in items):
            summary_list = found[0].list_id
    by_shape = shape_reasons(found, authors, rules)
    for i, b in enumerate(found):
        reason = rules.chrome_reason(b.text, "anywhere")
        n = 0 if reason or not repeated_ok else _repeated(b.text, source)
        if n:
            reason = f"boilerplate: repeated on {n} pages of this source"
        elif reason:
            reason = f"boilerplate: {reason}"
        else:
            reason = by_shape.get(i)
        if reason:
            match(b.text, dropped=reason)
            continue
        line_no = match(b.text)
        if b.kind == "head":
            if sections[-1].heading is None and not sections[-1].paragraphs:
                sections[-1].heading, sections[-1].heading_line = b.text, line_no
            else:
                sections.append(Section(heading=b.text, heading_line=line_no))
            continue
        if summary_list is not None and b.list_id == summary_list and not seen_paragraph:
            highlights.append(b.text)
            continue
        seen_paragraph = True
        sections[-1].paragraphs.append(b.text)
        sections[-1].lines.append(line_no or 0)
    sections = [s for s in sections if s.paragraphs or s.heading]
    if not any(s.paragraphs for s in sections):
        raise Rejected("no article: nothing is left once chrome is removed")

    # The audit: every visible line not published, with its reason.
    title_key = _norm_title(title)
    author_keys = {_norm_title(a) for a in authors}
    removed: list[Removed] = []
    title_taken = False
    for line in lines:
        if used.get(line.number) == "published":
            continue
        key = _norm_title(line.text)
        if key == title_key and not title_taken:
            title_taken = True  # the title is published as the title
            continue
        if used.get(line.number):  # a block trafilatura kept and newsbrief's rules dropped
            reason = used[line.number]
        elif key == title_key:
            reason = "boilerplate: title repeated"
        elif date_line is not None and line.number == date_line.number:
            reason = "metadata: publication date"
        elif author_keys and (key in author_keys or any(a and a in key for a in author_keys)) \
                and len(line.text.split()) <= 12:
            reason = "metadata: byline"
        else:
            n = _repeated(line.text, source)
            reason = (f"boilerplate: repeated on {n} pages of this source" if n
                      else zone_reason(line.owner, line.in_link))
        removed.append(Removed(line.number, line.text, reason))

    article_id = f"sha256-{dump.sha256[:16]}"
    return Article(dump=dump, id=article_id, title=title, date=date,
                   date_text=date_line.text if date_line else doc.date,
                   highlights=highlights, sections=sections, authors=authors,
                   byline=doc.author, publisher=sitename or None, removed=removed)
