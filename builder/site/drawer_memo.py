"""The drawer and the tabs rendered once per distinct markup, not once per page (issue #15
item 4, cold builds; plugin option ``cold_speed``, seam ``drawer-memo``).

Material's ``base.html`` includes ``partials/nav.html`` (the primary navigation, the
drawer) and, with ``navigation.tabs``, ``partials/tabs.html`` in every page: ~6 % of a
cold build's CPU (py-spy ``--gil``, 1k), although most pages (every brief's, every page
at one depth) get the same markup. site/shell.py then takes each drawer out into a
shared script; this module saves rendering it.

Each template's ``root_render_func`` (what Jinja's ``include`` calls) is replaced by a
memo keyed by exactly what the templates it renders read (``MEMOIZED``: seams.py pins
their sources; the names they may look up in the page's context are found by Jinja's own
analysis, and any beyond ``NAMES`` must be absent from it, else the page renders them
the stock way):

- ``nav``: the navigation object, the tree of its items (``items``, each section's
  ``children``, each view's ``pages``, checked unchanged page by page) and which of its
  items are active (MkDocs marks the page being built and its ancestors: this is what
  differs from page to page);
- ``page``: the drawer compares it with the items (``nav_item == page``,
  ``page in nav_item.pages``, ``index == page``) and reads its ``toc`` when it is one of
  them. A page that is an item, or one of a view's pages, gets its drawer the stock way;
  for every other page each comparison is false (``Page.__eq__`` needs the same
  ``File``, which has no ``__eq__`` of its own), whatever the page. The tabs do not read
  the page;
- ``features``, ``config`` (the same object all build), ``base_url`` and ``lang`` (the
  module of ``partials/language.html``, which reads the configuration);
- every URL goes through the ``url`` filter, which reads the page's URL (MkDocs'
  ``normalize_url``, Material's blog wrapper): the URLs a render passed to it are
  recorded with what it returned, and a page reuses a markup only if the filter, asked
  again with this page's context, returns the same for each. Brief pages at
  ``2024/03/slug/`` share one drawer; a page under ``tags/`` gets its own.

A markup is rendered for each new key, and when no stored one's URLs match; otherwise
the stored markup is returned, byte for byte what the render gives. The items' titles,
URLs and meta are what MkDocs set before the page loop (every page is read and converted
before the first template is rendered): the same for the whole loop.
"""

from __future__ import annotations

from operator import attrgetter

from jinja2 import pass_context

# The templates memoized, each with the templates it renders (the drawer's page table of
# contents, partials/toc.html, only for a page that is an item, never memoized; the
# ``lang`` module of partials/language.html reads the configuration only) and whether it
# reads only the top-level items' ``active`` (the tabs: each tab asks its top-level item).
MEMOIZED = {
    "partials/nav.html": (("partials/nav.html", "partials/nav-item.html", "partials/logo.html",
                           "partials/source.html"), False),
    "partials/tabs.html": (("partials/tabs.html", "partials/tabs-item.html"), True),
}
# Blocks memoized (template, block): base.html's page configuration (``<script
# id="__config">``: the base URL, the features, the search worker's URL, translations).
BLOCKS = (("base.html", "config"),)
# The variables the key covers; any other name the templates may read must be absent from
# the page's context.
NAMES = frozenset({"nav", "page", "features", "config", "base_url", "lang"})
KEEP = 16  # drawers kept per key (one per distinct set of URLs: depths, folders)
_ACTIVE = attrgetter("active")


class DrawerMemo:
    """A template's ``root_render_func`` (or a block's function), memoized (see the
    module's text)."""

    def __init__(self, env, render, absent: tuple[str, ...] = (), reads_page: bool = True, top: bool = False,
                 name: str = "partials/nav.html", reads_nav: bool = True):
        self.env, self.name = env, name
        self.reads_nav = reads_nav
        self.render = render
        self.absent = absent  # names the templates read from the context unless they set them
        self.reads_page = reads_page  # (the tabs compare no item with the page)
        self.top = top  # (only the top-level items' active flags are read)
        self.drawers: dict[tuple, list[tuple[list[tuple[object, str]], str]]] = {}
        self._shape: _Shape | None = None
        self._shapes = 0
        self.hits = self.rendered = self.own = 0

    def __call__(self, context):
        key = self.key(context)
        if key is None:
            self.own += 1
            return self.render(context)
        url = self.env.filters["url"]
        kept = self.drawers.setdefault(key, [])
        for i, (calls, markup) in enumerate(kept):
            if all(url(context, value) == result for value, result in calls):
                if i:  # (the most used first)
                    kept.insert(0, kept.pop(i))
                self.hits += 1
                return _events(markup)
        calls: list[tuple[object, str]] = []

        @pass_context
        def recording(ctx, value):
            result = url(ctx, value)
            if (value, result) not in calls:  # (the home page's URL twice: asked once)
                calls.append((value, result))
            return result

        # (Jinja reads a template's filters when its render function starts: the drawer's
        # templates, and the module of nav-item.html it imports, see the recording one)
        self.env.filters["url"] = recording
        try:
            markup = self.env.concat(self.render(context))
        finally:
            self.env.filters["url"] = url
        self.rendered += 1
        if all(isinstance(result, str) for _, result in calls):
            kept.insert(0, (calls, markup))
            del kept[KEEP:]
        return _events(markup)

    def key(self, context) -> tuple | None:
        """What the drawer reads of this page's context, or None when the page is an item
        of the drawer (its own drawer) or the context is not what the templates expect."""
        features = context.get("features")
        base_url = context.get("base_url")
        if not isinstance(features, list) or not isinstance(base_url, str) \
                or not all(isinstance(f, str) for f in features) or any(name in context for name in self.absent):
            return None
        lang = context.get("lang")
        common = (tuple(features), base_url, id(context.get("config")), getattr(lang, "__name__", None))
        if not self.reads_nav:  # (the page's configuration)
            return common
        nav, file = context.get("nav"), getattr(context.get("page"), "file", None)
        if file is None:
            return None
        shape = self._shape
        if shape is None or shape.nav is not nav or not shape.holds():
            if not isinstance(getattr(nav, "items", None), list):
                return None
            try:
                shape = self._shape = _Shape(nav, self._shapes)
            except (TypeError, AttributeError):  # (items that are not MkDocs' kind)
                return None
            self._shapes += 1
        if self.reads_page and id(file) in shape.files:
            return None
        try:
            active = bytes(map(_ACTIVE, shape.top if self.top else shape.flagged))
        except (TypeError, ValueError, AttributeError):  # (not a flag)
            return None
        return (shape.token, active, *common)

    def summary(self) -> str:
        return (f"newsbrief: {self.name}: {self.rendered} rendered, {self.hits} reused, "
                f"{self.own} pages' own (items of the navigation)")


def _events(markup: str):
    """The render function's events (a generator: Jinja's include closes it)."""
    yield markup


class _Shape:
    """The navigation's tree as the drawer walks it (``nav.items``, each section's
    ``children``, each view's ``pages``), told unchanged from page to page in C-level
    steps: the same lists holding the same items, the views' lists of pages as long."""

    def __init__(self, nav, token: int):
        self.nav, self.token = nav, token
        nodes: list = []
        self.lists: list[tuple[object, str, list, tuple[int, ...]]] = []
        pages: list[list] = []
        self._walk(nav, "items", nodes, pages)
        self.flagged = tuple(n for n in nodes if hasattr(n, "active"))
        self.top = tuple(n for n in nav.items if hasattr(n, "active"))
        self.pages = tuple(pages)
        self.lengths = tuple(map(len, pages))
        files = {id(getattr(n, "file", None)) for n in nodes}
        files.update(id(getattr(p, "file", None)) for listed in pages for p in listed)
        files.discard(id(None))
        self.files = frozenset(files)

    def _walk(self, owner, name: str, nodes: list, pages: list) -> None:
        items = getattr(owner, name)
        self.lists.append((owner, name, items, tuple(map(id, items))))
        for node in items:
            nodes.append(node)
            state = vars(node)
            if state.get("pages") is not None:
                pages.append(state["pages"])
            if state.get("children"):
                self._walk(node, "children", nodes, pages)

    def holds(self) -> bool:
        for owner, name, items, ids in self.lists:
            if getattr(owner, name) is not items or tuple(map(id, items)) != ids:
                return False
        return tuple(map(len, self.pages)) == self.lengths


def free_names(env, templates, block: str | None = None) -> set[str]:
    """The variables these templates (or this block of the first) look up in the page's
    context (besides the ones they set first on every path, a name Jinja cannot prove set
    is looked up: the drawer reads ``is_section`` from the page's context unless the item
    is a section)."""
    from jinja2 import meta, nodes

    names: set[str] = set()
    for name in templates:
        tree = env.parse(env.loader.get_source(env, name)[0])
        if block is not None:
            found = [b for b in tree.find_all(nodes.Block) if b.name == block]
            if len(found) != 1:
                raise LookupError(f"{name} has not one block {block}")
            tree = nodes.Template(found, lineno=1).set_environment(env)
        names |= meta.find_undeclared_variables(tree)
        # (the URLs are checked again in the memo's context: no template may set what the
        # `url` filter reads there)
        if any(n.name in ("page", "base_url") for n in tree.find_all(nodes.Name) if n.ctx == "store"):
            raise LookupError(f"{name} sets page or base_url")
    return names


def install(env, get_template) -> dict[str, DrawerMemo]:
    """Memoize the drawer, the tabs and the page configuration in this build's
    environment (``get_template``: the environment's own, the template Jinja's
    ``include`` and ``extends`` get); none when the seam does not hold. Returns the memos
    by template (and block)."""
    from . import seams

    if not seams.usable("drawer-memo", env=env):
        return {}
    memos = {}
    for name, (templates, top) in MEMOIZED.items():
        try:
            template = get_template(name)
            names = free_names(env, templates)
        except Exception:  # (no such template: a theme without Material's drawer)
            continue
        memo = DrawerMemo(env, template.root_render_func, tuple(sorted(names - NAMES)), "page" in names, top, name)
        template.root_render_func = memos[name] = memo
    for name, block in BLOCKS:
        try:
            template = get_template(name)
            names = free_names(env, (name,), block)
            render = template.blocks[block]
        except Exception:  # (no such block)
            continue
        if names & {"nav", "page"}:  # (the key of a block covers neither)
            continue
        memo = DrawerMemo(env, render, tuple(sorted(names - NAMES)), False, False, f"{name}#{block}", False)
        template.blocks[block] = memos[f"{name}#{block}"] = memo
    return memos
