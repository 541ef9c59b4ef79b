"""Stable pagination of the blogs' lists (home, month archives, publisher and author
pages): numbered pages counted from the OLDEST brief, so that a new brief changes the
list's first page and, at most, the few newest numbered pages (issue #15). Old pages keep
their URL and their briefs: they can be linked to, cached (site/page_cache.py) and left
alone by an incremental build.

A list of n posts, s a page (``pagination_per_page``), is cut from its oldest post into
pages of s; only the newest cut may be short. The list's own URL (the first page) shows
the newest cut together with the full one before it when the newest is short, so it
holds s to 2s-1 posts, newest first, and no post is on two pages; ``page/1/`` holds the
oldest s, ``page/2/`` the next s, and so on up to ``page/K/`` with K = n // s - 1 (Django's
Paginator calls this "orphans = s - 1", over the oldest-first list). Adding a brief
changes the first page; once every s briefs it also writes ``page/K+1/`` and the links
(not the briefs) of the pages within the pager's radius of it.

The blog's index (the home page and the digests' index) may show more posts a page after
its first (plugin option ``index_titles_per_page``, with title lists: the later pages list
headlines, site/lists.py): its first page is cut as above with s, the s to 2s-1 newest
posts as cards, and the posts before them (a multiple of s) are cut from the oldest into
pages of L: ``page/1/`` the oldest L, ..., the newest numbered page holding the rest
(s to L). A new brief changes the first page; once every s briefs, s posts move from it
onto the newest numbered page (or a new one). With L = s this is the cut above.

The pager reads newest to oldest as before: « the first page, ‹ newer (rel=prev), the
numbers of the pages around this one (descending, the oldest "1" always shown), › older
(rel=next), » the oldest. The first page has no number (its posts change), so it is
reached by the arrows, never by a number: every number on every page stays true.

Material has no setting for this: BlogPlugin._generate_pages (which pages exist) and
BlogPlugin._render (which posts a page shows, and its pager) are replaced on each blog
plugin instance of the build, behind the seam "blog-pagination" (site/seams.py). When it
does not hold, or a blog's ``pagination_format`` uses tokens other than the links and the
range, that blog paginates the stock way (from the newest).
"""

from __future__ import annotations

import html
import re
from types import MethodType

from . import seams

SEAM = "blog-pagination"
_RANGE = re.compile(r"~(\d+)~")
# What the pager here renders of Material's pagination_format.
_SUPPORTED = re.compile(r"\$(link_first|link_previous|link_next|link_last)\b|~\d+~")


def numbered_pages(n: int, step: int, later: int | None = None) -> int:
    """K: the numbered pages of a list of n posts (the first page holds the rest); later:
    the posts a numbered page holds (step unless given)."""
    later = later or step
    rest = _rest(n, step)
    return -(-rest // later) if later > 0 else 0


def _rest(n: int, step: int) -> int:
    """The posts not on the first page: the oldest, a multiple of step."""
    return max(0, n // step - 1) * step if step > 0 else 0


def page_slice(n: int, step: int, number: int, later: int | None = None) -> tuple[int, int]:
    """The posts (indices in the newest-first list) of page `number` (0: the first page)."""
    later = later or step
    rest = _rest(n, step)
    if number == 0:
        return 0, n - rest
    return n - min(number * later, rest), n - (number - 1) * later


def format_supported(fmt: str) -> bool:
    return "$" not in _SUPPORTED.sub("", fmt)


class StablePager:
    """The pager of one page of a list (Material's template calls ``pager(**args)``, the
    arguments of paginate.Page.pager). True when the page shows posts (as paginate's
    Page, a list of the page's items, is), so an empty list gets no pager."""

    def __init__(self, items: list, number: int, count: int, url):
        """number: this page's (0: the first page); count: K; url(number): its href."""
        self.items, self.number, self.count, self.url = items, number, count, url

    def __bool__(self) -> bool:
        return bool(self.items)

    def _position(self, number: int) -> int:  # reading order: the first page 0, page/1 last
        return 0 if number == 0 else self.count + 1 - number

    def _number(self, position: int) -> int:
        return 0 if position == 0 else self.count + 1 - position

    def pager(self, format="~2~", show_if_single_page=False, separator=" ", symbol_first="&lt;&lt;",
              symbol_last="&gt;&gt;", symbol_previous="&lt;", symbol_next="&gt;", link_attr=None,
              curpage_attr=None, dotdot_attr=None, **_ignored) -> str:
        from paginate import make_html_tag  # the markup paginate (Material's pager) writes

        if not self.items or (self.count == 0 and not show_if_single_page):
            return ""
        link_attr, curpage_attr, dotdot_attr = link_attr or {}, curpage_attr or {}, dotdot_attr or {}
        here, last = self._position(self.number), self.count

        def link(position: int, text: str, **extra) -> str:
            href = html.escape(self.url(self._number(position)))
            return make_html_tag("a", text=text, href=href, **link_attr, **extra)

        def span(text: str, attrs: dict) -> str:
            return make_html_tag("span", **attrs) + text + "</span>" if attrs else text

        m = _RANGE.search(format)
        radius = int(m.group(1)) if m else 2
        lo, hi = max(1, here - radius), min(last, here + radius)
        items = [span("..", dotdot_attr)] if lo > 1 else []
        for position in range(lo, hi + 1):
            label = str(self._number(position))
            items.append(span(label, curpage_attr) if position == here else link(position, label))
        if hi < last:
            if last - hi > 1:
                items.append(span("..", dotdot_attr))
            items.append(link(last, "1"))
        links = {
            "link_first": link(0, symbol_first) if here > 0 else "",
            "link_previous": link(here - 1, symbol_previous, rel="prev") if here > 0 else "",
            "link_next": link(here + 1, symbol_next, rel="next") if here < last else "",
            "link_last": link(last, symbol_last) if here < last else "",
        }
        out = _RANGE.sub(lambda _: separator.join(items), format)
        return re.sub(r"\$(link_first|link_previous|link_next|link_last)\b", lambda t: links[t.group(1)], out)


def _generate_pages(plugin, view, config, files):
    """BlogPlugin._generate_pages with the numbered pages of stable pagination: the view,
    then page/1 .. page/K (so view.pages[k] is page/k). The statements are Material's."""
    from material.plugins.blog.structure import View
    from mkdocs.structure.files import InclusionLevel
    from mkdocs.utils import copy_file

    yield view
    step = plugin._config_pagination_per_page(view)
    for number in range(1, numbered_pages(len(view.posts), step, _later(plugin, view, step)) + 1):
        path = plugin._format_path_for_pagination(view, number)
        file = files.get_file_from_path(path)
        if not file:
            file = plugin._path_to_file(path, config)
            files.append(file)
            copy_file(view.file.abs_src_path, file.abs_src_path)
        file.inclusion = InclusionLevel.EXCLUDED  # (in the navigation again in on_nav)
        if not isinstance(file.page, View):
            yield view.__class__(None, file, config)
        file.page.pages = view.pages
        file.page.posts = view.posts


def _later(plugin, view, step: int) -> int:
    """The posts a numbered page of this list holds: the blog index's own number (its
    later pages list titles), any other list's step."""
    from material.plugins.blog.structure import View

    later = getattr(plugin, "_nb_index_later", 0)
    return later if later > 0 and type(view) is View else step


def shown(plugin, view) -> tuple[list, list | None] | None:
    """What a list page shows, as _render takes it: its posts and its pager's inputs (None
    for a list that is not paginated); None where this blog paginates the stock way
    (site/freeze.py keys a list page by them)."""
    if getattr(plugin, "_nb_index_later", None) is None:  # (install() did not take this blog)
        return None
    if not plugin._config_pagination(view):
        return list(view.posts), None
    step = plugin._config_pagination_per_page(view)
    later = _later(plugin, view, step)
    n, number = len(view.posts), view.pages.index(view)
    p, q = page_slice(n, step, number, later)
    # (not n: a numbered page's posts and pager stay as they were when a newer post comes)
    return view.posts[p:q], [step, later, number, numbered_pages(n, step, later), [v.url for v in view.pages]]


def _render(plugin, stock_render, view):
    """BlogPlugin._render for stable pagination: this page's posts and its pager."""
    from mkdocs.exceptions import PluginError
    from mkdocs.utils import get_relative_url

    if not plugin._config_pagination(view):
        return stock_render(view)
    original = view.pages[0]
    step = plugin._config_pagination_per_page(view)
    later = _later(plugin, view, step)
    n, number = len(view.posts), view.pages.index(view)
    count = numbered_pages(n, step, later)
    if len(view.pages) != count + 1:  # a page of that path was there before the blog's
        raise PluginError(f"newsbrief: the list {original.url or '/'} has {len(view.pages) - 1} numbered "
                          f"pages, not {count}: is a page/ file in docs/?")
    p, q = page_slice(n, step, number, later)
    posts = view.posts[p:q]
    pager = StablePager(posts, number, count, lambda k: get_relative_url(view.pages[k].url, view.url))
    return [plugin._render_post(post.excerpt, view) for post in posts if post.excerpt], pager


def install(blog_plugins, index_later: int = 0) -> list:
    """Stable pagination on each blog plugin instance of this build whose pagination
    format the pager renders (call before the blogs' on_files); the blogs it is on.
    index_later: the posts a numbered page of a blog's index holds (0: as its first)."""
    if not blog_plugins or not seams.usable(SEAM):
        return []
    done = []
    for plugin in blog_plugins:
        fmt = plugin.config.pagination_format
        if not format_supported(fmt):
            seams.log.warning(f"newsbrief: pagination_format {fmt!r} has tokens the stable pager does not "
                              "write; that blog paginates the stock way (from the newest)")
            continue
        stock_render = plugin._render
        plugin._nb_index_later = index_later
        plugin._generate_pages = MethodType(_generate_pages, plugin)
        plugin._render = MethodType(lambda self, view, _stock=stock_render: _render(self, _stock, view), plugin)
        done.append(plugin)
    return done
