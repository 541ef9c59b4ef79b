"""Which lists show excerpts (issue #15, small pages).

Every brief's lead used to be written on five list pages: the home page, its month in
the archive, its publisher's page and each of its authors' pages. With the plugin option
``title_lists`` (default on) only the home page shows cards with excerpts; the archive,
publisher and author pages (and the digests' archive) list headlines with their date,
authors and publisher (overrides/blog-list.html), fifty to a page (mkdocs.yml:
``archive_pagination_per_page`` and the like), so their pages hold more briefs for the
same page furniture. The home page's own pages after its first (``page/2/``, ...: the
blog's index and the digests' index alike) list titles too: the newest briefs are read
as cards, older ones are looked up by headline, as in the archive.
"""

from __future__ import annotations

from pathlib import Path

from material.plugins.blog.structure import Archive, Category, Profile, View

TITLE_LIST_TEMPLATE = "blog-list.html"


def available(theme) -> bool:
    """Whether the theme can load the titles list (it is in the project's overrides/, not
    in Material): a project without it keeps Material's cards instead of a failed build."""
    return any(Path(d, TITLE_LIST_TEMPLATE).is_file() for d in getattr(theme, "dirs", []))


def use_title_list(page) -> None:
    """Give an archive, publisher or author page the titles list (its first page and the
    pages after it: copies the blog makes, with no name of their own), and a blog index's
    pages after its first (the copies in ``page.pages``, the index itself first)."""
    later_index_page = type(page) is View and bool(page.pages) and page is not page.pages[0]
    if later_index_page or isinstance(page, Archive | Category | Profile):
        page.meta["template"] = TITLE_LIST_TEMPLATE
