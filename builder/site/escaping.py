"""Text that came from a dump is shown as text everywhere Material puts it.

Titles and names are HTML in MkDocs and Material (a title extracted from a rendered
``# heading`` keeps its character references, and the templates print ``page.title``,
``author.name``, ``tag.name`` without ``| e``). So every string that came from a dump is
HTML-escaped once before a template sees it: the blog's author records (on_files), a
post's metadata before the tags plugin collects it (on_page_markdown), post titles
before any template (on_env). The headline is text too: the blog plugin writes
``# {name}`` raw on the pages it generates, and the toc extension's permalink "¶" would
end up in what readers (and screen readers) take as the title.
"""

from __future__ import annotations

import html
import re

from material.plugins.blog.structure import Archive, Category, Profile

from ..output.render import escape_md

# The toc extension's permalink on the headline: the page's URL is its permalink.
H1_PERMALINK = re.compile(
    r'(<h1\b[^>]*>(?:(?!</h1>).)*?)<a class="headerlink" href="#[^"]*"[^>]*>.*?</a>(\s*</h1>)', re.S)


def escape_list(value) -> list:
    if isinstance(value, list | tuple):
        return [html.escape(str(v)) for v in value]
    return value


def escape_authors(blogs: list) -> None:
    """The blog plugin's author records (the theme prints ``author.name`` unescaped)."""
    for blog in blogs:
        for author in getattr(blog, "authors", {}).values():
            author.name = html.escape(author.name or "")
            author.description = html.escape(author.description or "")


def escape_post_meta(meta: dict) -> None:
    """A post's dump strings, before the tags plugin (-50) collects them."""
    for key in ("tags", "categories"):
        if key in meta:
            meta[key] = escape_list(meta[key])
    for key in ("description", "publisher"):
        if isinstance(meta.get(key), str):
            meta[key] = html.escape(meta[key])


def is_generated_view(page) -> bool:
    return isinstance(page, Archive | Category | Profile) and page.name is not None


def generated_headline(page, markdown: str) -> str:
    """The Markdown of an archive, publisher or author page with its headline as text
    (the blog plugin generated "# {name}" with the raw name)."""
    raw = html.unescape(page.name) if isinstance(page, Profile) else page.name
    if markdown.strip() == f"# {page.name}":
        return f"# {escape_md(raw)}\n"
    return markdown


def escape_title(page) -> None:
    """A post's title, after the RSS plugin has read it raw (it escapes titles itself)
    and before any template prints it."""
    title = page.meta.get("title")
    if isinstance(title, str):
        page.meta["title"] = html.escape(title)


def without_headline_permalink(html_text: str) -> str:
    return H1_PERMALINK.sub(r"\1\2", html_text, count=1)
