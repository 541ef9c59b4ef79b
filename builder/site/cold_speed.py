"""Speed-ups of a cold build (issue #15 item 4), each a pure speed-up: the site is byte for
byte what the same configuration writes without them (tests/site/test_cold_build_speed.py
builds a site both ways and compares). Plugin option ``cold_speed`` (default on).

Where a cold build's time went before (1,000 briefs, Pagefind, blog and page caches
empty; py-spy samples, cProfile with a CPU timer agrees on the order): templates ~26 %
(no one partial dominates), Markdown ~25 % (the briefs' pages 18 %, each converted once
already: site/blog_speed.py), the page cache ~13 % (storing pages, keying them),
Material's blog plugin ~10 % (finding views 3 %, excerpt parsers 3 %, read time 3 %),
compacting ~5 %, the wrappers around ``env.get_template`` ~3 %. Figures: README
"Performance".

1. **View membership** (seam ``blog-views``): the blog plugin asks ``view in
   self._resolve_views(self.blog)`` in two events of every page, a generator that walks
   every view (archive months, publishers, authors: ~300 here) comparing pages with
   ``Page.__eq__``. Once the views are final (after the blog's ``on_nav``), each blog
   instance answers that call with the same views in the same order, as a list whose
   ``in`` looks in an index by source path first (blog_speed.PostList) and compares with
   ``==`` only the views of that path.
2. **An excerpt's Markdown parser when it is used** (seam ``blog-excerpt-parser``):
   Material's ``Excerpt.__init__`` builds a Markdown instance for every post (loading
   every extension, ~3 % of a cold build), which the excerpt cache (site/blog_speed.py)
   needs once per changed post and a warm build never. ``Excerpt.__init__`` is replaced
   for the build by the same statements, the parser made on first use of ``excerpt.md``
   with the same arguments and tree processors (seams.py pins the source it copies);
   blog_speed frees it once the excerpt is cached (a used parser holds ~80 KB: at 10,000
   briefs several hundred MB that Material keeps to the end of the build).
3. **Templates included by templates** are not wrapped: site/compact.py and
   site/page_cache.py wrap what ``env.get_template`` returns so that a page's
   ``render()`` is compacted and looked up; Jinja also calls ``get_template`` (with the
   parent template's name) for every ``include``, ``extends`` and ``import``, ~50 a
   page, and renders those through ``root_render_func``, never ``render()``, so the
   wrapper did nothing there but cost a call and an object.
4. **Pages stored from a thread**: the page cache (site/page_cache.py, ``background``)
   stores a rendered page from a thread while the build goes on with the next.
5. **One Markdown parser for page after page** (seam ``markdown-parsers``): MkDocs'
   ``Page.render`` and Material's excerpts make a ``Markdown`` instance for each page
   and each post's excerpt (every extension loaded, its processors built, its patterns
   compiled, and cycles left for the collector: ~0.5-0.7 ms a page, ~4 % of a cold
   build's CPU). A parser done with a document is reset
   (``Markdown.reset()``, Python-Markdown's way to reuse one) and handed to the next
   (blog_speed.Parsers, which says when a parser is done and which extensions it trusts
   to be reset). MkDocs' page processors are registered again on it page by page, as on a
   new parser (a name registered again goes last among its priority, where a new
   parser's registration puts it). Pages: ``mkdocs.structure.pages.markdown`` is, for the
   build, the markdown module but for ``Markdown``, which takes a free parser; a parser
   is done when its ``convert`` returns (``Page.render`` reads only its table of contents
   after that, before any other page's parser is asked for). Excerpts: done when the
   excerpt cache frees the excerpt's parser (blog_speed.free_parser); an excerpt that
   keeps converting (links rewritten per page) keeps its parser. Each parser made gets
   site/markdown_speed.py's inline processor and block guards (seam ``markdown-inline``).
6. **The drawer and the tabs once per distinct markup** (seam ``drawer-memo``,
   site/drawer_memo.py): Material's ``partials/nav.html`` and ``partials/tabs.html``,
   memoized by what they read (the active items, whether the page is an item, the URLs
   the ``url`` filter gives this page).
"""

from __future__ import annotations

import importlib
import logging
from copy import copy

from . import blog_speed, drawer_memo, lang_memo, markdown_speed
from .blog_speed import PARSER_SLOT, Parsers, PostList

log = logging.getLogger("mkdocs.plugins.newsbrief.cold_speed")


def nested(args: tuple, kwargs: dict) -> bool:
    """Does this ``env.get_template(name, *args, **kwargs)`` call come from a template
    (``parent`` given: include, extends, import), not from MkDocs rendering a page?"""
    parent = args[0] if args else kwargs.get("parent")
    return parent is not None


class ViewList(PostList):
    """A blog's views in pre-order (what ``_resolve_views(blog)`` yields), with ``in``
    answered from an index by source path."""


def index_views(blog_plugins) -> int:
    """Give each blog instance a ``_resolve_views`` that answers for its blog from a
    list made now (call after the blog's on_nav: its views are final; seams.py checks
    that only its on_files adds views). Other views are resolved by Material's own
    generator. Returns how many views were indexed."""
    total = 0
    for plugin in blog_plugins:
        blog = getattr(plugin, "blog", None)
        if blog is None:
            continue
        original = type(plugin)._resolve_views.__get__(plugin)  # Material's, even if indexed before
        views = ViewList(original(blog))

        # `in` on the list, as on the generator, compares each view with `==` in order;
        # a caller that iterates gets the same views in the same order.
        def resolve(view, _blog=blog, _views=views, _original=original):
            return _views if view is _blog else _original(view)

        plugin._resolve_views = resolve
        total += len(views)
    return total


def plain_when_nested(env, original) -> None:
    """Route Jinja's own ``get_template`` calls (include, extends, import) to
    ``original``, the environment's method before the page wrappers were installed;
    MkDocs' calls for a page still get the wrapped template."""
    wrapped = env.get_template

    def get_template(name, *args, **kwargs):
        return (original if nested(args, kwargs) else wrapped)(name, *args, **kwargs)

    env.get_template = get_template
    from . import seams

    if seams.usable("language-labels", env=env):  # (site/lang_memo.py: after every other loader)
        lang_memo.install(env)
    # (item 6 after it: the templates Jinja's include gets are cached by loader)
    drawer_memo.install(env, original)  # (item 6: on the templates Jinja's include gets)


class LazyExcerptParser:
    """Installs, for one build, an ``Excerpt.__init__`` that leaves the Markdown parser to
    the first use of ``excerpt.md`` and, if the seam ``markdown-parsers`` holds, parsers
    reused from page to page (item 5); ``uninstall()`` puts Material's and MkDocs' back."""

    def __init__(self, excerpts: bool = True):
        from . import seams

        self.Excerpt = None
        if excerpts:  # (the seam blog-excerpt-parser holds)
            structure = importlib.import_module("material.plugins.blog.structure")
            self.Excerpt = structure.Excerpt
            self._init = self.Excerpt.__dict__["__init__"]
            self._md = self.Excerpt.__dict__.get("md")
            self.Excerpt.__init__ = _excerpt_init
            self.Excerpt.md = property(_excerpt_md, _set_excerpt_md)
        self.pages = self._markdown = None
        inline = seams.usable("markdown-inline")  # (checked, and warned, whatever the next one says)
        if seams.usable("markdown-parsers"):
            self.pages = importlib.import_module("mkdocs.structure.pages")
            blog_speed.parsers = parsers = Parsers(markdown_speed.install if inline else None)
            self._markdown = self.pages.markdown
            self.pages.markdown = _PageMarkdown(self._markdown, parsers)

    def uninstall(self) -> None:
        if self.Excerpt is not None:
            self.Excerpt.__init__ = self._init
            if self._md is None:
                del self.Excerpt.md
            else:
                self.Excerpt.md = self._md
            self.Excerpt = None
        if self.pages is not None:
            self.pages.markdown, self.pages = self._markdown, None
            parsers, blog_speed.parsers = blog_speed.parsers, None
            if parsers is not None:  # (this process's: the forked copies reuse theirs)
                log.info(f"newsbrief: markdown parsers: {parsers.made} made, {parsers.reused} reused, "
                         f"{parsers.prepared} with patterns tried only where they can match")


_NO_CONFIGS: dict = {}  # MkDocs passes `mdx_configs or {}`: a new {} each page, one key here


class _PageMarkdown:
    """The markdown module as ``mkdocs.structure.pages`` sees it for a build: its
    ``Markdown(extensions=..., extension_configs=...)`` a parser from ``Parsers``, given
    back when its ``convert`` returns (not when it raises: a parser left half-way is
    never reused)."""

    def __init__(self, module, parsers: Parsers):
        self._module, self._parsers = module, parsers

    def __getattr__(self, name):
        return getattr(self._module, name)

    def Markdown(self, *args, **kwargs):  # (the name MkDocs calls)
        make = self._module.Markdown
        if args or set(kwargs) != {"extensions", "extension_configs"}:
            return make(*args, **kwargs)
        configs = kwargs["extension_configs"] or _NO_CONFIGS
        md = self._parsers.get("page", kwargs["extensions"], configs, lambda: make(**kwargs))
        if "convert" not in md.__dict__:
            md.convert = _giving_back(md, self._parsers)
        return md


def _giving_back(md, parsers: Parsers):
    convert = type(md).convert.__get__(md)

    def converted(source):
        out = convert(source)
        parsers.give(md)
        return out

    return converted


def _excerpt_init(self, post, config, files):
    """Material 9.8's Excerpt.__init__ but for the parser (seams.py: blog-excerpt-parser)."""
    self.file = copy(post.file)
    self.post = post
    self._set_canonical_url(config.site_url)
    self.config = post.config
    self.meta = post.meta
    self.authors = []
    self.categories = []
    self.more = None
    self._newsbrief_md_args = (post, config, files)


def _excerpt_md(self):
    md = self.__dict__.get(PARSER_SLOT)
    if md is None:
        s = importlib.import_module("material.plugins.blog.structure")  # the names Material's __init__ uses
        post, site, files = self._newsbrief_md_args
        config = s._patch(site)

        def make():
            return s.Markdown(extensions=config.markdown_extensions, extension_configs=config.mdx_configs)

        # (the patched configuration is a function of the site's: parsers by the site's)
        parsers = blog_speed.parsers
        md = make() if parsers is None else parsers.get("excerpt", site.markdown_extensions, site.mdx_configs, make)
        md.treeprocessors.register(s.ExcerptTreeprocessor(post), "excerpt", 0)
        md.treeprocessors.register(s._RelativePathTreeprocessor(self.file, files, config), "relpath", 1)
        self.__dict__[PARSER_SLOT] = md
    return md


def _set_excerpt_md(self, md):
    self.__dict__[PARSER_SLOT] = md
