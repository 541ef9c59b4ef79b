"""Article -> the text of its Markdown page (YAML front matter + escaped body).

Dump text is untrusted and must show as written: every character that Markdown,
HTML, or an enabled extension would interpret is escaped, either with a backslash
(for the characters Python-Markdown unescapes) or as an HTML character reference.
The front matter is written by PyYAML's safe dumper, never by string templates.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json

import yaml

from ..archive.names import author_key
from ..convert.dates import date_time
from ..convert.parse import headline_parts
from ..model import Article, Outcome

EXCERPT_MARKER = "<!-- more -->"
# Characters Python-Markdown accepts a backslash escape for (markdown.Markdown.ESCAPED_CHARS).
_BACKSLASH = set("\\`*_[]()#+-.!")
# Characters that must become character references: HTML syntax (`<`, `>`, `&`), and
# syntax of extensions that has no backslash escape (tables `|`, emoji shortcodes and
# definition lists `:`), and braces, so that no `{{ }}`, `{% %}` or `{: attr }` survives
# even for a template pass. `#`, `-`, `!` backslash-escaped defuse `--8<--` and `!!!`.
_ENTITY = {c: f"&#{ord(c)};" for c in "<>&|:{}"}


# Order matters: backslashes before the characters they escape, `&` before the entities
# that introduce it. str.replace is a C loop per pass; far faster than per-character work.
_STEPS = [("\\", "\\\\"), *((c, "\\" + c) for c in sorted(_BACKSLASH - {"\\"})),
          ("&", "&#38;"), *((c, e) for c, e in sorted(_ENTITY.items()) if c != "&")]


# Block syntax that starts a line and has no character of the sets above: pymdownx.details
# (`??? note`, `???+ note`) and fenced code with tildes (`~~~`: MkDocs always adds
# fenced_code, whatever mkdocs.yml lists). Python-Markdown has no backslash escape for `?`
# or `~`, so a leading one becomes a character reference. Leading blanks go too: four
# would start a code block.
_LEADING = {"?": "&#63;", "~": "&#126;"}


def escape_md(text: str) -> str:
    """Escape one line of dump text so that Markdown renders exactly that text."""
    for char, replacement in _STEPS:
        if char in text:
            text = text.replace(char, replacement)
    if text[:1] in _LEADING:
        text = _LEADING[text[0]] + text[1:]
    if text[:1] in (" ", "\t"):
        stripped = text.lstrip(" \t")
        text = "".join(f"&#{ord(c)};" for c in text[: len(text) - len(stripped)]) + stripped
    return text


# Python-Markdown's inline processing takes time quadratic in the escapes and entities of
# one block (a 200 KB paragraph of `*x* `: 17 s; a 10 MB one, still under max_bytes:
# hours). A paragraph longer than this is written as a raw HTML block holding character
# references only, which Markdown passes through untouched, in linear time.
LONG_PARAGRAPH = 20_000
_RAW_STEPS = [("&", "&#38;"), *((c, e) for c, e in sorted(_ENTITY.items()) if c != "&")]


def _references(text: str) -> str:
    for char, replacement in _RAW_STEPS:
        text = text.replace(char, replacement)
    return text


def paragraph_md(text: str, tag: str = "p", prefix: str = "") -> str:
    """One block of dump text as Markdown: `prefix` + escaped text, or for very long text
    a raw `<tag>` block of the same text (shown the same, linear to render)."""
    if len(text) <= LONG_PARAGRAPH:
        return prefix + escape_md(text)
    return f"<{tag}>{_references(text)}</{tag}>"


def front_matter(article: Article, source_path: str) -> dict:
    meta: dict = {
        "title": article.title,
        # A YAML date (or datetime, when the date line gives a time: convert/dates.py), unquoted:
        # the blog plugin rejects strings. The day never moves, so neither does the URL.
        "date": date_time(article.date_text, article.date),
        "authors": article.author_keys or [author_key(a) for a in article.authors],
        "categories": [article.category or article.publisher] if article.publisher else [],
        "tags": list(article.tags),
        "description": article.description,
        "slug": article.slug,
        "id": article.id,
        "publisher": article.publisher,
        "source": source_path,
        "sha256": article.dump.sha256,
    }
    if article.lang:  # the page's <html lang> and the feeds' item language (site/search.py)
        meta["lang"] = article.lang
    label, headline = headline_parts(article.title)
    if label:  # "*Updated* Steelmakers ...": the site shows the label apart (site/labels.py)
        meta["title_label"], meta["title_headline"] = label, headline
    if not meta["authors"]:
        del meta["authors"]
    if not meta["categories"]:
        del meta["categories"]
    return meta


# LibYAML's emitter when PyYAML was built with it (the wheels are): ~10x faster, same output.
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def _yaml(data: dict) -> str:
    return yaml.dump(data, Dumper=_DUMPER, allow_unicode=True, sort_keys=False, width=100_000,
                     default_flow_style=False)


# What PyYAML's resolver would read a plain scalar as, by its first character: a string
# one of these matches ("yes", "12", "2025-01-05", "null") must be written quoted.
_IMPLICIT = yaml.resolver.Resolver.yaml_implicit_resolvers
_STR, _TIMESTAMP = "tag:yaml.org,2002:str", "tag:yaml.org,2002:timestamp"


def _resolves_to(text: str) -> str:
    for tag, regexp in _IMPLICIT.get(text[:1], ()):
        if regexp.match(text):
            return tag
    return _STR


def _plain(text: str) -> bool:
    """Does the emitter write this string as it is (a plain scalar in block context)? A
    conservative subset of YAML's rule: it starts with a letter or digit, every character
    is printable (no tab, line break, no-break space, BOM), no `: `, ` #`, trailing `:` or
    blank, no bracket, nothing the resolver reads as another type, shorter than a line may be."""
    return (text[:1].isalnum() and text.isprintable() and len(text) < 10_000 and text[-1] not in ": "
            and ": " not in text and " #" not in text and "[" not in text and "]" not in text
            and "{" not in text and "}" not in text and _resolves_to(text) == _STR)


def _entry(key: str, value: object) -> str | None:
    """One top-level `key: value` as the dumper writes it, for the plain cases a brief's
    front matter has (strings, lists of strings, dates, None); None for any other."""
    if isinstance(value, str):
        return f"{key}: {value}\n" if _plain(value) else None
    if isinstance(value, list):
        if not value:
            return f"{key}: []\n"
        if all(isinstance(v, str) and _plain(v) for v in value):
            return f"{key}:\n" + "".join(f"- {v}\n" for v in value)
        return None
    if value is None:
        return f"{key}: null\n"
    if isinstance(value, dt.date):  # (a datetime is a date) SafeRepresenter's forms of them
        text = value.isoformat(" ") if isinstance(value, dt.datetime) else value.isoformat()
        return f"{key}: {text}\n" if _resolves_to(text) == _TIMESTAMP else None
    return None


def dump_yaml(data: dict) -> str:
    """`data` as block YAML, as PyYAML's safe dumper writes it. A top-level block mapping's
    entries are written one after the other, each as it would be alone, so each entry
    whose value is plain (_entry) is written here and only the others go through the
    dumper (its Python representer was two thirds of rendering a page; the same bytes:
    tests/convert/test_dumps8_yaml.py compares the two on random and real front matter)."""
    # (a key longer than 128 characters is no simple key: the dumper writes it after `? `)
    if not data or not all(isinstance(k, str) and len(k) <= 128 and _plain(k) for k in data):
        return _yaml(data)
    return "".join(_entry(k, v) or _yaml({k: v}) for k, v in data.items())


def render_page(article: Article, source_path: str) -> str:
    parts = ["---", dump_yaml(front_matter(article, source_path)).rstrip("\n"), "---", "",
             paragraph_md(article.title, "h1", "# "), ""]
    if article.highlights:
        label = article.highlights_label or "Highlights"
        if max(map(len, article.highlights)) <= LONG_PARAGRAPH:
            parts += [f'!!! abstract "{escape_md(label)}"', ""]
            parts += [f"    - {escape_md(h)}" for h in article.highlights]
        else:  # what the admonition gives, as raw HTML (see LONG_PARAGRAPH)
            items = "".join(f"<li>{_references(h)}</li>" for h in article.highlights)
            parts.append(f'<div class="admonition abstract"><p class="admonition-title">{_references(label)}</p>'
                         f"<ul>{items}</ul></div>")
        parts += ["", EXCERPT_MARKER, ""]
    marker_due = not article.highlights  # else the excerpt is the lead paragraph
    for section in article.sections:
        if section.heading:
            parts += [paragraph_md(section.heading, "h2", "## "), ""]
        for para in section.paragraphs:
            parts += [paragraph_md(para), ""]
            if marker_due:
                parts += [EXCERPT_MARKER, ""]
                marker_due = False
    if article.copies:  # syndicated near-duplicates, published once: say where else it ran
        parts += ['!!! note "Also published as"', ""]
        for c in article.copies:
            where = ", ".join(x for x in (c.get("publisher"), c["date"]) if x)
            parts.append(f"    - {escape_md(c['title'])} ({escape_md(where)}; {c['similarity']:.0%} the same "
                         f"text; {escape_md(c['source'])})")
        parts.append("")
    return "\n".join(parts).rstrip("\n") + "\n"


def render_key(o: Outcome) -> str:
    """Everything a page depends on beyond the dump's own bytes: when it is unchanged,
    a cached page is still right."""
    a = o.article
    if a.copies == [] and all(type(x) is str for x in (*a.tags, *a.learned, *a.author_keys)):
        return _plain_render_key(o.page, a.slug, tuple(a.tags), tuple(a.learned), tuple(a.author_keys), a.category)
    return _key_of([o.page, a.slug, a.tags, a.copies, a.learned, a.author_keys, a.category])  # (copies: dicts)


def _key_of(inputs: list) -> str:
    return hashlib.sha256(json.dumps(inputs, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]


@functools.lru_cache(maxsize=1 << 15, typed=True)
def _plain_render_key(page, slug, tags: tuple, learned: tuple, author_keys: tuple, category) -> str:
    """render_key() of a brief with no copies, kept by its inputs (tuples of strings, and
    the rest typed: equal as keys only when equal as JSON): a long-lived process's +1 run asks again
    for 10,000 keys, nearly all the same."""
    return _key_of([page, slug, list(tags), [], list(learned), list(author_keys), category])
