"""The byline under a post's headline: date (in the site's language), authors linked to
their pages, publisher, reading time; then the brief's tags, as chips. Built here in
Python, not as a template partial: it goes into the page's content, which Material's own
templates print, so a partial would mean overriding (and re-checking) blog-post.html.
Names are escaped already (escaping.py); everything else is escaped here.

The one date format of the site is here too (DATE_FORMAT): the byline, the cards (the
blog's ``post_date_format`` in mkdocs.yml holds the same pattern, a test checks it), the
tag pages and the "Related briefs" lists all print a day this way.
"""

from __future__ import annotations

import datetime as dt
import html

from babel.dates import format_date
from mkdocs.utils import get_relative_url

# A Unicode (CLDR) date pattern: "13 May 2025" in English, "13 мая 2025" in Russian.
DATE_FORMAT = "d MMMM y"
# The separator is a visible dot between spaces: the spaces stay outside the aria-hidden
# dot, so that what a screen reader (or a copy) gets is "13 May 2025 By …", never
# "13 May 2025By …".
SEPARATOR = ' <span class="nb-byline__sep" aria-hidden="true">·</span> '


def site_locale(config) -> str:
    """The site's language as a Babel locale ("en", "pt_BR")."""
    return (config.theme.get("language") or "en").replace("-", "_")


def day_label(date: dt.date, locale: str = "en") -> str:
    """A day as the site prints it (plain text, not escaped)."""
    try:
        return format_date(date, format=DATE_FORMAT, locale=locale)
    except Exception:  # an unknown locale must not break the build
        return f"{date.day} {date:%B %Y}"


def time_html(date: dt.date, locale: str = "en", cls: str | None = None) -> str:
    attr = f' class="{cls}"' if cls else ""
    return f'<time{attr} datetime="{date:%Y-%m-%d}">{html.escape(day_label(date, locale))}</time>'


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
        parts.append(time_html(date, locale, "nb-byline__date"))
    authors = _authors(page)
    if authors:
        parts.append(authors)
    for category in getattr(page, "categories", []) or []:
        href = html.escape(get_relative_url(category.url, page.url))
        parts.append(f'<a class="nb-byline__publisher" href="{href}">{html.escape(category.name or "")}</a>')
    readtime = getattr(post_config, "readtime", None)
    if readtime:
        parts.append(f'<span class="nb-byline__readtime">{int(readtime)} min read</span>')
    return f'<div class="nb-byline">{SEPARATOR.join(parts)}</div>\n' if parts else None


def chips(page, tag_pages) -> str | None:
    """The brief's tags as chips linking to their pages, under the byline (Material puts
    them above the headline: eight chips in three rows before the headline on a phone,
    and read first by a screen reader). Not search text (Material's search and Pagefind
    have the tags already). None when the brief has no tag."""
    names = [t for t in (page.meta.get("tags") or []) if isinstance(t, str)]  # escaped in on_page_markdown
    if not names or tag_pages is None:
        return None
    links = []
    for name in names:
        url = tag_pages.url(html.unescape(name))
        if url:
            href = html.escape(get_relative_url(url, page.url))
            links.append(f'<li><a class="md-tag" href="{href}">{name}</a></li>')
        else:
            links.append(f'<li><span class="md-tag">{name}</span></li>')
    items = "\n".join(links)  # one a line: "State Senate Lucia Ferrand" in any text extraction
    nav = '<nav class="nb-tags" aria-label="Tags" data-search-exclude data-pagefind-ignore>'
    return f"{nav}<ul>\n{items}\n</ul></nav>\n"


def chips_under_byline(page, tag_pages=None) -> str:
    """The tag chips that go under the byline; they then leave the top of the page
    (Material's `hide: [tags]`, set here: also for a post not built again, site/freeze.py)."""
    tags = chips(page, tag_pages)
    if tags:
        hide = page.meta.get("hide")
        hide = list(hide) if isinstance(hide, list) else []
        page.meta["hide"] = hide if "tags" in hide else [*hide, "tags"]
    return tags or ""


def with_byline(page, locale: str, tag_pages=None) -> str:
    """The page's content with the byline (and the tag chips) right after its headline."""
    line = (byline(page, locale) or "") + chips_under_byline(page, tag_pages)
    if not line:
        return page.content
    head, marker, tail = page.content.partition("</h1>")
    return head + marker + line + tail if marker else line + page.content
