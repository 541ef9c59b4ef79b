"""The byline under a post's headline: date (in the site's language), authors linked to
their pages, publisher, reading time. Built here in Python, not as a template partial:
it goes into the page's content, which Material's own templates print, so a partial
would mean overriding (and re-checking) blog-post.html. Names are escaped already
(escaping.py); everything else is escaped here."""

from __future__ import annotations

import html

from babel.dates import format_date
from mkdocs.utils import get_relative_url

SEPARATOR = '<span class="nb-byline__sep" aria-hidden="true"> · </span>'


def _date(date, locale: str) -> str:
    try:
        label = format_date(date, format="long", locale=locale)
    except Exception:  # an unknown locale must not break the build
        label = date.strftime("%Y-%m-%d")
    return f'<time class="nb-byline__date" datetime="{date:%Y-%m-%d}">{html.escape(label)}</time>'


def _authors(page) -> str | None:
    authors = []
    for author in getattr(page, "authors", []) or []:
        name = author.name  # escaped in on_files
        if author.url:
            href = html.escape(get_relative_url(author.url, page.url))
            authors.append(f'<a class="nb-byline__author" href="{href}">{name}</a>')
        else:
            authors.append(f'<span class="nb-byline__author">{name}</span>')
    if not authors:
        return None
    joined = ", ".join(authors[:-1]) + " and " + authors[-1] if len(authors) > 1 else authors[0]
    return f'<span class="nb-byline__authors">By {joined}</span>'


def byline(page, locale: str) -> str | None:
    """The byline's HTML, or None when there is nothing to say."""
    parts = []
    post_config = getattr(page, "config", None)
    date = getattr(getattr(post_config, "date", None), "created", None)
    if date is not None:
        parts.append(_date(date, locale))
    authors = _authors(page)
    if authors:
        parts.append(authors)
    for category in getattr(page, "categories", []) or []:
        href = html.escape(get_relative_url(category.url, page.url))
        parts.append(f'<a class="nb-byline__publisher" href="{href}">{html.escape(category.name or "")}</a>')
    readtime = getattr(post_config, "readtime", None)
    if readtime:
        parts.append(f'<span class="nb-byline__readtime">{int(readtime)} min read</span>')
    return f'<div class="nb-byline">{SEPARATOR.join(parts)}</div>' if parts else None


def with_byline(page, locale: str) -> str:
    """The page's content with the byline right after its headline."""
    line = byline(page, locale)
    if line is None:
        return page.content
    head, marker, tail = page.content.partition("</h1>")
    return head + marker + line + tail if marker else line + page.content
