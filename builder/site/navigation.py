"""The site's navigation: the tabs (Home, Archive, Publishers, Tags, Authors, Digests, About), the
tab each page belongs to, and the pages that list the archive by month, the publishers
and the authors, filled in where the hand-written pages hold the
``<!-- newsbrief/archive -->``, ``<!-- newsbrief/publishers -->`` and
``<!-- newsbrief/authors -->`` directives (the tags index is tag_pages.py's). They list the
briefs blog only, and count briefs: the digests have a blog of their own (the Digests tab)."""

from __future__ import annotations

import html
import re

from material.plugins.blog.structure import Archive, Category, Profile, View
from mkdocs.structure.nav import Section
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from ..output.render import escape_md
from .blog import views
from .tag_pages import DIRECTIVE as TAGS_DIRECTIVE
from .tag_pages import TAGS_DIR, UNNAMED_PUBLISHER, UNNAMED_PUBLISHER_TITLE

AUTHORS_DIRECTIVE = re.compile(r"<!--\s*newsbrief/authors\s*-->")
ARCHIVE_DIRECTIVE = re.compile(r"<!--\s*newsbrief/archive\s*-->")
PUBLISHERS_DIRECTIVE = re.compile(r"<!--\s*newsbrief/publishers\s*-->")
ARCHIVE_PAGE = "archive/index.md"  # with navigation.indexes: the Archive tab's own page


def _holding(items, directive) -> Page | None:
    """The hand-written top-level page whose source holds the directive."""
    for item in items:
        if isinstance(item, Page) and not isinstance(item, View) and item.file is not None:
            try:
                if directive.search(item.file.content_string):
                    return item
            except (OSError, UnicodeDecodeError):
                continue
    return None


def arrange(nav, files=None):
    """The blog plugin appends its sections (archive, categories, author profiles) after
    the configured nav: the archive and the publishers become tabs after Home, each
    opening on its hand-written index (archive/index.md, the page holding the publishers
    directive); an author section would list every author on every author page
    (quadratic), so it leaves the nav and docs/authors.md lists the authors instead.

    Then every page gets the tab it belongs to (Material highlights a tab when a page
    below it is active, and these pages are below none): an author page the Authors
    tab, a tag page the Tags tab, the briefs with no publisher the Publishers tab, the
    later pages of the home page's list Home (files: the build's, for the tag pages). The
    digests blog puts its archive inside the Digests section: left as it is."""
    def kind(item):
        if isinstance(item, Section) and item.children:
            first = item.children[0]
            for cls in (Archive, Category, Profile):
                if isinstance(first, cls):
                    return cls
        return None

    archive = next((i for i in nav.items if kind(i) is Archive), None)
    publishers = next((i for i in nav.items if kind(i) is Category), None)
    profiles = next((i for i in nav.items if kind(i) is Profile), None)
    nav.items[:] = [i for i in nav.items if kind(i) is None]
    overview = next((i for i in nav.items if getattr(i, "file", None) is not None
                     and i.file.src_uri == ARCHIVE_PAGE), None)
    if archive is not None and overview is not None:
        # The hand-written overview becomes the first page of the Archive tab.
        nav.items.remove(overview)
        archive.children.insert(0, overview)
        overview.parent = archive
    index = _holding(nav.items, PUBLISHERS_DIRECTIVE)
    if publishers is not None and index is not None:
        # The Publishers tab opens on the index of every publisher, not on the first one.
        nav.items.remove(index)
        publishers.children.insert(0, index)
        index.parent = publishers
    _tabs_for_unlisted(nav, files, profiles, publishers or index)
    at = 1 if nav.items else 0
    for section in (publishers, archive):
        if section is not None:
            nav.items.insert(at, section)
    return nav


def _tabs_for_unlisted(nav, files, profiles, publishers) -> None:
    authors = _holding(nav.items, AUTHORS_DIRECTIVE)
    if profiles is not None and authors is not None:
        for view in profiles.children:
            for page in getattr(view, "pages", None) or [view]:
                page.parent = authors
    for item in nav.items:  # a top-level list (the home page): its later pages under it
        if isinstance(item, View):
            for page in item.pages[1:]:
                if page.parent is None:
                    page.parent = item
    if files is None:
        return
    tags = _holding(nav.items, TAGS_DIRECTIVE)
    for file in files.documentation_pages():
        page = file.page
        if page is None or page.parent is not None or not file.inclusion.is_not_in_nav():
            continue
        if tags is not None and file.src_uri.startswith(TAGS_DIR + "/"):
            page.parent = tags
        elif publishers is not None and file.src_uri == UNNAMED_PUBLISHER:
            page.parent = publishers


def fill_directives(markdown: str, page, config, tag_pages, posts_uri: str = "posts") -> str:
    """The page's directives replaced by what they list (tag_pages: None when the
    conversion did not run; posts_uri: the posts folder, docs-relative)."""
    if AUTHORS_DIRECTIVE.search(markdown):
        markdown = AUTHORS_DIRECTIVE.sub(lambda _: authors_markdown(page, config, posts_uri), markdown)
    if TAGS_DIRECTIVE.search(markdown) and tag_pages is not None:
        markdown = TAGS_DIRECTIVE.sub(lambda _: tag_pages.index_markdown(page.file.src_uri), markdown)
    if ARCHIVE_DIRECTIVE.search(markdown):
        markdown = ARCHIVE_DIRECTIVE.sub(lambda _: archive_markdown(page, config, posts_uri), markdown)
    if PUBLISHERS_DIRECTIVE.search(markdown):
        unnamed = len(tag_pages.unnamed) if tag_pages is not None else 0
        markdown = PUBLISHERS_DIRECTIVE.sub(lambda _: publishers_markdown(page, config, unnamed, posts_uri),
                                            markdown)
    return markdown


def publishers_markdown(page, config, unnamed: int = 0, posts_uri: str = "posts") -> str:
    """Every publisher A to Z with the number of its briefs, in columns; then the briefs
    whose dump names no publisher (tag_pages.py makes their page), so that every brief
    can be reached by publisher."""
    categories = sorted(views(config, Category, posts_uri), key=lambda v: ((v.name or "").casefold(), v.name or ""))
    lines = []
    for view in categories:
        link = get_relative_url(view.file.src_uri, page.file.src_uri)
        n = len(view.posts)
        lines.append(f"- [{escape_md(view.name or '')}]({link}) · {n} brief{'s' * (n != 1)}")
    if unnamed:
        link = get_relative_url(UNNAMED_PUBLISHER, page.file.src_uri)
        lines.append(f"- [{UNNAMED_PUBLISHER_TITLE}]({link}) · {unnamed} brief{'s' * (unnamed != 1)}")
    if not lines:
        return "*No publishers yet.*\n"
    return '<div class="nb-index-columns" markdown>\n\n' + "\n".join(lines) + "\n\n</div>\n"


def authors_markdown(page, config, posts_uri: str = "posts") -> str:
    profiles = sorted(views(config, Profile, posts_uri), key=lambda v: html.unescape(v.name or "").casefold())
    if not profiles:
        return "*No authors yet.*\n"
    lines = []
    for view in profiles:
        name = escape_md(html.unescape(view.name or ""))
        link = get_relative_url(view.file.src_uri, page.file.src_uri)
        n = len(view.posts)
        publishers = sorted({cat for post in view.posts for cat in post.config.categories})
        extra = f" — {escape_md(', '.join(publishers))}" if publishers else ""
        lines.append(f"- [{name}]({link}){extra} · {n} brief{'s' * (n != 1)}")
    return "\n".join(lines) + "\n"


def archive_markdown(page, config, posts_uri: str = "posts") -> str:
    archive = views(config, Archive, posts_uri)
    if not archive:
        return "*No briefs yet.*\n"
    by_year: dict[int, list] = {}
    for view in archive:
        year = view.posts[0].config.date.created.year
        by_year.setdefault(year, []).append(view)
    lines = []
    for year in sorted(by_year, reverse=True):
        months = sorted(by_year[year], key=lambda v: v.posts[0].config.date.created, reverse=True)
        total = sum(len(v.posts) for v in months)
        lines += [f"## {year}", "", f"{total} brief{'s' * (total != 1)}.", ""]
        for view in months:
            link = get_relative_url(view.file.src_uri, page.file.src_uri)
            n = len(view.posts)
            lines.append(f"- [{escape_md(view.name or '')}]({link}) · {n} brief{'s' * (n != 1)}")
        lines.append("")
    return "\n".join(lines)
