"""The site's navigation: the tabs (Home, Archive, Publishers, Tags, Authors, Digests,
About), and the pages that list the archive by month and the authors, filled in where the
hand-written pages hold the ``<!-- newsbrief/archive -->`` and ``<!-- newsbrief/authors -->``
directives (the tags index is tag_pages.py's). Both list the briefs blog only, and count
briefs: the digests have a blog of their own (the Digests tab, its own archive)."""

from __future__ import annotations

import html
import re

from material.plugins.blog.structure import Archive, Category, Profile
from mkdocs.structure.nav import Section
from mkdocs.utils import get_relative_url

from ..output.render import escape_md
from .blog import views
from .tag_pages import DIRECTIVE as TAGS_DIRECTIVE

AUTHORS_DIRECTIVE = re.compile(r"<!--\s*newsbrief/authors\s*-->")
ARCHIVE_DIRECTIVE = re.compile(r"<!--\s*newsbrief/archive\s*-->")
ARCHIVE_PAGE = "archive/index.md"  # with navigation.indexes: the Archive tab's own page


def arrange(nav):
    """The briefs blog (blog_dir ".") appends its sections (archive, categories, author
    profiles) after the configured nav: the archive and the publishers become tabs after
    Home; an author section would list every author on every author page (quadratic), so
    it leaves the nav and docs/authors.md lists the authors instead. The digests blog puts
    its archive inside the Digests section (its entry page's parent): left as it is."""
    def kind(item):
        if isinstance(item, Section) and item.children:
            first = item.children[0]
            for cls in (Archive, Category, Profile):
                if isinstance(first, cls):
                    return cls
        return None

    archive = next((i for i in nav.items if kind(i) is Archive), None)
    publishers = next((i for i in nav.items if kind(i) is Category), None)
    nav.items[:] = [i for i in nav.items if kind(i) is None]
    overview = next((i for i in nav.items if getattr(i, "file", None) is not None
                     and i.file.src_uri == ARCHIVE_PAGE), None)
    if archive is not None and overview is not None:
        # The hand-written overview becomes the first page of the Archive tab.
        nav.items.remove(overview)
        archive.children.insert(0, overview)
        overview.parent = archive
    at = 1 if nav.items else 0
    for section in (publishers, archive):
        if section is not None:
            nav.items.insert(at, section)
    return nav


def fill_directives(markdown: str, page, config, tag_pages, posts_uri: str = "posts") -> str:
    """The page's directives replaced by what they list (tag_pages: None when the
    conversion did not run; posts_uri: the posts folder, docs-relative)."""
    if AUTHORS_DIRECTIVE.search(markdown):
        markdown = AUTHORS_DIRECTIVE.sub(lambda _: authors_markdown(page, config, posts_uri), markdown)
    if TAGS_DIRECTIVE.search(markdown) and tag_pages is not None:
        markdown = TAGS_DIRECTIVE.sub(lambda _: tag_pages.index_markdown(page.file.src_uri), markdown)
    if ARCHIVE_DIRECTIVE.search(markdown):
        markdown = ARCHIVE_DIRECTIVE.sub(lambda _: archive_markdown(page, config, posts_uri), markdown)
    return markdown


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
