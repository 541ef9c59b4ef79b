"""The seams: every place where newsbrief relies on Material's or MkDocs' internals, each
with a check that is a real conditional (it holds under ``python -O``) and a stock way to
build when the check fails.

A seam's check passes only if what newsbrief patches, copies or reads is still what it
was verified against. Code is verified structurally (signatures, the statements the
speed-ups reproduce, the attributes they set); markup is verified by hash against
Material's own files as installed (an upgrade that changes a template is detected, and
the copy in overrides/ is compared with the installed original). Any exception while
checking (ImportError, AttributeError, OSError, ...) is a failed check, never a crash.

On a failure, ``usable()`` logs one warning naming the seam and the plugin builds that
part the stock way: Material renders excerpts and posts itself, MkDocs renders every
page's template, Material's own search runs with Material's own partial. The output is
then what a stock build gives, so the warning does not fail a ``--strict`` build (it is
logged on the ``newsbrief`` logger, not MkDocs' own, whose warnings strict mode counts).

The versions the seams were checked against are pinned here, once (CHECKED_AGAINST,
with the hashes of the templates of that Material release). Another installed version
does not turn anything off by itself: the structural checks and the hashes run on every
build whatever the version, so a release that keeps these internals keeps the speed-ups
and one that changes them falls back. The difference is logged (info).
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import importlib.metadata
import inspect
import logging
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

# The one place: what the seams below were verified against (requirements.lock pins the same).
CHECKED_AGAINST = {"mkdocs": "1.6.1", "mkdocs-material": "9.8.1"}
# sha256 of Material's templates as shipped in CHECKED_AGAINST["mkdocs-material"].
TEMPLATE_SHA256 = {
    "partials/search.html": "bfd556535abcddb99396ab2a7e3acc2ebcd3f36756007d3969396caa4126be30",
    "partials/post.html": "756bb999794dc09dcee2e993a3fb30bf1c22334627ce39d82e82c3464eb35dc7",
    "base.html": "8536d352b0093623df9e0032894f321cbe264b15a9b48cdd962583772455dadb",
    "blog-post.html": "d1a725d4b5fe7c7596ebed76ed29e3c198390575baefe9f019715ea25761916a",
    "partials/header.html": "8cf3fb15bcf969ff596649616fd99366b3c31c08d57a86d05308efc16d8fa75f",
    "partials/pagination.html": "f368740c60701056e33c043654a525b29b083ed203592561604322a50c20657c",
    "partials/toc-item.html": "418f31ce2e6d559934f610084a5c8493f9618b96268909601552ac48aa0c15c2",
}
# sha256 of the source of Material's Excerpt.__init__ (site/cold_speed.py copies it).
EXCERPT_INIT_SHA256 = "32c96fb86b8a80c8b219fae1cf2c1627b3b5ad5bdd65b555e4f0286e4c393854"
# sha256 of Material's read time (readtime() and its ReadtimeParser), which
# blog_speed.plain_readtime computes without a parser.
READTIME_SHA256 = {
    "material.plugins.blog.readtime:readtime": "02f7775771a3c378fbaaa28a760e9f3f4e4cd04f777a9b9b741d2b509cb549ca",
    "material.plugins.blog.readtime.parser:ReadtimeParser":
        "8ffe5d00f4dfab03b7109db3abe6131d8b56b3b1e65512e4b6888470c170475e",
}
# sha256 of the sources site/cold_speed.py's reused parsers (item 5) were checked against:
# MkDocs' Page.render (one Markdown(extensions=, extension_configs=) per page, then only its
# convert and its table of contents), Markdown.reset, markdown's Registry.register.
PARSER_SOURCES_SHA256 = {
    "mkdocs.structure.pages:Page.render": "320529348f7a8af152073d0a3ab02960ccce91f9204716144e51b20931983cc6",
    "markdown.core:Markdown.reset": "e803a4ef1f1942534f68bdf31c7ba223bf81e4e1f41bc473375a7b94af3bda26",
    "markdown.util:Registry.register": "83cec5b1ed54f0b952873306724cd313aed46949c038e18239f159c571773a2a",
}
# Every Material template (*.html outside .icons/): what the page cache's key covers was
# checked against these (no template reads other pages beyond their titles and URLs).
TEMPLATES_TREE_SHA256 = "b57dc21c997191e1bfb1a1866527d7bb28a87326b612b400ed64894cda8533de"
# The copy of Material's search partial (the branch below `{% else %}`).
SEARCH_PARTIAL = "partials/search.html"
# What the copy changes in Material's original, each (old, new) once, nothing else: the
# search dialog gets a name (axe: aria-dialog-name, serious).
SEARCH_PARTIAL_PATCHES = (
    ('<div class="md-search" data-md-component="search" role="dialog">',
     '<div class="md-search" data-md-component="search" role="dialog" aria-label="{{ lang.t(\'search\') }}">'),
)
# Templates in overrides/ written from Material's (changed, not copied: the cards with
# their authors' names, the pagination with named arrows). Each was written against the
# original whose hash TEMPLATE_SHA256 holds; if the installed one differs, Material's own
# is served instead (original_partials_loader).
DERIVED_PARTIALS = ("partials/post.html", "partials/pagination.html")
# Templates in overrides/ that are Material's original (below a leading {#- comment -#})
# with these (old, new) changes, each once (in this order), and nothing else: the post's
# sidebar, an unlabelled navigation region, gets a name (axe: landmark-unique); its
# "Metadata" (date, publisher, reading time) is left out when the byline under the
# headline (site/byline.py) says the same, on every brief and digest (issue #15, small
# pages); an update date, which the byline has not, stays.
_BYLINE = "{% set nb_byline = 'class=\"nb-byline\"' in page.content %}"
PATCHED_COPIES = {
    "blog-post.html": (
        ('<nav class="md-nav md-nav--primary">',
         '<nav class="md-nav md-nav--primary" aria-label="{{ lang.t(\'blog.meta\') }}">'),
        ('            <ul class="md-post__meta md-nav__list">\n'
         '              <li class="md-nav__item md-nav__item--section">\n'
         '                <div class="md-post__title">\n'
         '                  <span class="md-ellipsis">\n'
         '                    {{ lang.t("blog.meta") }}',
         f'            {_BYLINE}\n'
         '            {% if page.config.date.updated or not nb_byline %}\n'
         '            <ul class="md-post__meta md-nav__list">\n'
         '              <li class="md-nav__item md-nav__item--section">\n'
         '                <div class="md-post__title">\n'
         '                  <span class="md-ellipsis">\n'
         '                    {{ lang.t("blog.meta") }}'),
        ('            </ul>\n            {% if page.config.links %}',
         '            </ul>\n            {% endif %}\n            {% if page.config.links %}'),
        ('                    <li class="md-nav__item">\n'
         '                      <div class="md-nav__link">\n'
         '                        {% include ".icons/material/calendar.svg" %}',
         '                    {% if not nb_byline %}\n'
         '                    <li class="md-nav__item">\n'
         '                      <div class="md-nav__link">\n'
         '                        {% include ".icons/material/calendar.svg" %}'),
        ('                    </li>\n                    {% if page.config.date.updated %}',
         '                    </li>\n                    {% endif %}\n'
         '                    {% if page.config.date.updated %}'),
        ("{% if page.categories %}", "{% if page.categories and not nb_byline %}"),
        ("{% if page.config.readtime %}", "{% if page.config.readtime and not nb_byline %}"),
    ),
    # A table of contents' entry without the <span class="md-ellipsis"> around its text
    # (small pages): the entries wrap, so the span, which clips, never shortened one.
    "partials/toc-item.html": (
        ('    <span class="md-ellipsis">\n'
         '      {% if toc_item.typeset %}\n'
         '        <span class="md-typeset">\n'
         '          {{ toc_item.typeset.title }}\n'
         '        </span>\n'
         '      {% else %}\n'
         '        {{ toc_item.title }}\n'
         '      {% endif %}\n'
         '    </span>\n',
         '    {% if toc_item.typeset %}\n'
         '      <span class="md-typeset">\n'
         '        {{ toc_item.typeset.title }}\n'
         '      </span>\n'
         '    {% else %}\n'
         '      {{ toc_item.title }}\n'
         '    {% endif %}\n'),
    ),
}
# Every template the seam "template-overrides" covers: served from Material when it fails.
OVERRIDDEN_TEMPLATES = (*DERIVED_PARTIALS, *PATCHED_COPIES)
_LEADING_COMMENT = re.compile(r"\A\{#-.*?-#\}\n", re.S)
# The article Material writes for a post: search.py puts Pagefind's body marker on it.
BODY_OPEN = '<article class="md-content__inner md-typeset">'
# What MkDocs' get_context() puts in a page's context, and the tags plugin's "tags": the
# page cache (page_cache.py) keys a page on these, and caches no page with another.
TEMPLATE_CONTEXT_KEYS = {"nav", "pages", "base_url", "extra_css", "extra_javascript", "mkdocs_version",
                         "build_date_utc", "config", "page", "tags"}
# What Material's blog plugin adds to the context of a list page (on_page_context): the
# cards and the pager, which the page cache keys as they render.
LIST_CONTEXT_KEYS = {"posts", "pagination"}
_OVERRIDES = Path(__file__).resolve().parents[2] / "overrides"
_GENERATED = re.compile(r"\A\{#-\n\s*This file was automatically generated - do not edit\n-#\}\n")

log = logging.getLogger("newsbrief.seams")
if not log.handlers:  # shown like MkDocs' own lines; MkDocs' strict-mode counter does not see it
    _handler = logging.StreamHandler(sys.stderr)
    _handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    log.addHandler(_handler)
    log.setLevel(logging.INFO)


class SeamError(Exception):
    """A seam's check failed: the internals differ from what was verified."""


def require(condition: object, what: str) -> None:
    """The check's unit: a conditional that python -O keeps (unlike assert)."""
    if not condition:
        raise SeamError(what)


def import_module(name: str):
    """Seam checks import through here (tests make an import fail on purpose)."""
    return importlib.import_module(name)


def installed_versions() -> dict[str, str]:
    out = {}
    for dist in CHECKED_AGAINST:
        try:
            out[dist] = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            out[dist] = "?"
    return out


def material_templates() -> Path:
    return Path(import_module("material").__file__).parent / "templates"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def template_sha256(name: str) -> str:
    return _sha256((material_templates() / name).read_bytes())


def templates_tree_sha256() -> str:
    root = material_templates()
    h = hashlib.sha256()
    for p in sorted(root.rglob("*.html")):
        rel = p.relative_to(root).as_posix()
        if not rel.startswith(".icons/"):
            h.update(rel.encode() + b"\0" + hashlib.sha256(p.read_bytes()).digest())
    return h.hexdigest()


def _same_template(name: str) -> None:
    require(template_sha256(name) == TEMPLATE_SHA256[name],
            f"Material's {name} is not the one checked (sha256 differs)")


def _source(obj) -> str:
    return inspect.getsource(obj)


def _contains(src: str, needles: tuple[str, ...], where: str) -> None:
    for needle in needles:
        require(needle in src, f"{where} no longer has `{needle}`")


# -- the checks ------------------------------------------------------------------------

def _check_blog_excerpts() -> None:
    """site/blog_speed.py replaces Excerpt.render: an excerpt converted once per post,
    with the blog's ExcerptTreeprocessor stood in for by sentinel anchors."""
    structure = import_module("material.plugins.blog.structure")
    md_mod = import_module("material.plugins.blog.structure.markdown")
    Excerpt, ExcerptTreeprocessor = structure.Excerpt, md_mod.ExcerptTreeprocessor
    require("render" in Excerpt.__dict__, "Excerpt.render is not Excerpt's own method")
    require(list(inspect.signature(Excerpt.render).parameters) == ["self", "page", "separator"],
            "Excerpt.render(page, separator) has another signature")
    _contains(_source(Excerpt.render), ('get_index_for_name("excerpt")', "self.md.convert(self.markdown)",
                                        "self.content.split(separator, 1)", "get_toc(", "_title_from_render",
                                        'f"# {self.post.title}"'), "Excerpt.render")
    _contains(_source(Excerpt.__init__), ('"excerpt",', "ExcerptTreeprocessor(post)", '"relpath",'),
              "Excerpt.__init__")
    _contains(_source(ExcerptTreeprocessor.run), ("get_relative_url(self.page.url, self.base.url)",
                                                  "path + anchor"), "ExcerptTreeprocessor.run")
    registry = import_module("markdown.util").Registry
    for name in ("get_index_for_name", "register", "deregister"):
        require(callable(getattr(registry, name, None)), f"markdown's Registry has no {name}()")
    require("_priority" in _source(registry.register), "markdown's Registry keeps no _priority list")
    require(callable(getattr(import_module("markdown.serializers"), "_escape_attrib_html", None)),
            "markdown.serializers has no _escape_attrib_html")
    # The excerpt's rest is only ever tested for truth ("Continue reading").
    _same_template("partials/post.html")


def _check_page_render() -> None:
    """site/blog_speed.py replaces Page.render with one that reuses a page's rendered
    HTML while each of its links, replayed through MkDocs' relative-path processor, gives
    the URL it gave: it must set everything MkDocs' Page.render sets, and the processor's
    ``path_to_url`` must be the only step of the conversion that reads other files."""
    pages = import_module("mkdocs.structure.pages")
    Page, Processor = pages.Page, pages._RelativePathTreeprocessor
    require("render" in Page.__dict__, "Page.render is not Page's own method")
    require(list(inspect.signature(Page.render).parameters) == ["self", "config", "files"],
            "Page.render(config, files) has another signature")
    _contains(_source(Page.render), ("self.content = md.convert(self.markdown)", "self.toc = get_toc(",
                                     "self._title_from_render = extract_title_ext.title",
                                     "self.present_anchor_ids =",
                                     "self.links_to_anchors = relative_path_ext.links_to_anchors",
                                     "_RelativePathTreeprocessor(self.file, files, config)",
                                     "if log.getEffectiveLevel() > logging.DEBUG:"), "Page.render")
    require(list(inspect.signature(Processor.__init__).parameters) == ["self", "file", "files", "config"],
            "_RelativePathTreeprocessor(file, files, config) has another signature")
    require(list(inspect.signature(Processor.path_to_url).parameters) == ["self", "url"],
            "_RelativePathTreeprocessor.path_to_url(url) has another signature")
    _contains(_source(Processor.run), ("new_url = self.path_to_url(url)", "element.set(key, new_url)"),
              "_RelativePathTreeprocessor.run")
    for name in ("_ExtractAnchorsTreeprocessor", "_ExtractTitleTreeprocessor", "_RawHTMLPreprocessor"):
        require(not re.search(r"self\.(files|config)\b", _source(getattr(pages, name))),
                f"{name} reads the files or the configuration")
    require(isinstance(pages.log, logging.Logger), "mkdocs.structure.pages has no logger `log`")
    require(callable(getattr(import_module("mkdocs.structure.toc"), "get_toc", None)),
            "mkdocs.structure.toc has no get_toc")


def _check_blog_posts() -> None:
    """site/blog_speed.py gives Post a render() that reuses a post's rendered HTML (as
    for every page: _check_page_render)."""
    Post = import_module("material.plugins.blog.structure").Post
    require("render" not in Post.__dict__, "Material's Post has a render() of its own")
    _check_page_render()
    require("_render_post" in import_module("material.plugins.blog.plugin").BlogPlugin.__dict__,
            "BlogPlugin has no _render_post")


def _check_blog_readtime() -> None:
    """site/blog_speed.py gives the blog plugin a read time that reuses a post's: Material
    must compute it with the module's ``readtime(html, words_per_minute)``, a function of
    those two alone."""
    plugin = import_module("material.plugins.blog.plugin")
    module = import_module("material.plugins.blog.readtime")
    require(plugin.readtime is module.readtime, "the blog plugin's readtime is not Material's")
    require(list(inspect.signature(module.readtime).parameters) == ["html", "words_per_minute"],
            "readtime(html, words_per_minute) has another signature")
    _contains(_source(plugin.BlogPlugin.on_page_content),
              ("page.config.readtime = readtime(html, words_per_minute)",), "BlogPlugin.on_page_content")
    _contains(_source(module.readtime), ("parser.feed(html)", "return ceil(seconds / 60)"), "readtime")
    require(sum(_source(m).count("readtime(") for m in vars(plugin.BlogPlugin).values() if callable(m)) == 1,
            "the blog plugin calls readtime() elsewhere too")


def _check_blog_post_list() -> None:
    """site/blog_speed.py's PostList answers the blog's `page not in self.blog.posts`."""
    BlogPlugin = import_module("material.plugins.blog.plugin").BlogPlugin
    require("self.blog.posts = sorted(" in _source(BlogPlugin.on_files), "BlogPlugin.on_files sorts no post list")
    for event in (BlogPlugin.on_page_markdown, BlogPlugin.on_page_content):
        require("page not in self.blog.posts" in _source(event), f"{event.__qualname__} tests no membership")


def _check_blog_views() -> None:
    """site/cold_speed.py answers a blog instance's ``_resolve_views(self.blog)`` from a
    list made after its on_nav: the views must be added only in on_files, and resolved
    as a pre-order walk that the events only iterate or test for membership."""
    BlogPlugin = import_module("material.plugins.blog.plugin").BlogPlugin
    require(inspect.isgeneratorfunction(BlogPlugin._resolve_views), "BlogPlugin._resolve_views is no generator")
    _contains(_source(BlogPlugin._resolve_views), ("yield view", "for page in view.views:",
                                                   "for next in self._resolve_views(page):"),
              "BlogPlugin._resolve_views")
    require(getattr(BlogPlugin.on_nav, "mkdocs_priority", 0) > -100, "the blog's on_nav does not run before -100")
    for name, member in vars(BlogPlugin).items():
        if callable(member) and name != "on_files":
            src = _source(member)
            require(not re.search(r"\.views\s*(=|\+=|\.(append|extend|insert|remove|pop|clear|sort)\b)", src),
                    f"BlogPlugin.{name} changes a view's views")
    _contains(_source(BlogPlugin.on_page_markdown), ("if view in self._resolve_views(self.blog):",),
              "BlogPlugin.on_page_markdown")
    _contains(_source(BlogPlugin.on_page_context), ("if view not in self._resolve_views(self.blog):",),
              "BlogPlugin.on_page_context")
    uses = sum(_source(m).count("self._resolve_views(") for m in vars(BlogPlugin).values() if callable(m))
    require(uses == 6, f"BlogPlugin calls _resolve_views {uses} times, not 6 as checked")


def _check_blog_excerpt_parser() -> None:
    """site/cold_speed.py replaces Excerpt.__init__ with a copy that makes the Markdown
    parser on first use of ``excerpt.md``: the original must be the one copied."""
    structure = import_module("material.plugins.blog.structure")
    require(_sha256(_source(structure.Excerpt.__init__).encode()) == EXCERPT_INIT_SHA256,
            "Excerpt.__init__ is not the one copied (sha256 of its source differs)")
    require("md" not in vars(structure.Excerpt), "Excerpt has an `md` of its own")
    for name in ("Markdown", "_patch", "ExcerptTreeprocessor", "_RelativePathTreeprocessor"):
        require(callable(getattr(structure, name, None)), f"the blog's structure module has no {name}")


def _check_blog_yaml() -> None:
    """site/blog_speed.py swaps the blog's SafeLoader for LibYAML's CSafeLoader."""
    structure = import_module("material.plugins.blog.structure")
    yaml = import_module("yaml")
    require(getattr(structure, "SafeLoader", None) is yaml.SafeLoader, "the blog's SafeLoader is not PyYAML's")
    require("yaml.load(match.group(1), SafeLoader)" in _source(structure.Post.__init__),
            "Post.__init__ does not parse front matter with SafeLoader")
    require(hasattr(yaml, "CSafeLoader"), "PyYAML was built without LibYAML (no CSafeLoader)")
    # (front matter stored by its text: the module's one use of `yaml` is that load)
    require(getattr(structure, "yaml", None) is yaml, "the blog's structure module has no `yaml` of its own")
    require(_source(structure).count("yaml.") == 1, "the blog's structure module uses `yaml` elsewhere too")


# Material's PostConfig options (name: option class, nested option classes) whose
# validation site/blog_speed.py stores: each validates its value alone (the file's path
# is in the key too), into plain values or Material's DateDict.
POST_CONFIG_OPTIONS = {
    "authors": ("UniqueListOfItems", "Type"), "categories": ("UniqueListOfItems", "Type"), "date": ("PostDate",),
    "draft": ("Optional", "Type"), "pin": ("Type",), "links": ("Optional", "PostLinks"),
    "readtime": ("Optional", "Type"), "slug": ("Optional", "Type"),
}


def _check_blog_post_config() -> None:
    """site/blog_speed.py puts a subclass of Material's PostConfig in the blog's structure
    module whose validate() restores a post's stored validated options: Post.__init__ must
    make, load and validate it as checked, Config.validate must set each option's value
    and nothing else, and the options must be the checked ones."""
    structure = import_module("material.plugins.blog.structure")
    config = import_module("material.plugins.blog.structure.config")
    options = import_module("material.plugins.blog.structure.options")
    base = import_module("mkdocs.config.base")
    require(structure.PostConfig is config.PostConfig, "the blog's structure module has another PostConfig")
    require(issubclass(config.PostConfig, base.Config), "PostConfig is not an MkDocs Config")
    _contains(_source(structure.Post.__init__), (
        "self.config: PostConfig = PostConfig(file.abs_src_path)", "self.config.load_dict({",
        "errors, warnings = self.config.validate()", "for _, w in warnings:", "for k, e in errors:"),
        "Post.__init__")
    require(_source(structure).count("PostConfig(") == 1, "the blog's structure module makes PostConfig elsewhere")
    for name in ("validate", "_pre_validate", "_validate", "_post_validate", "load_dict"):
        require(name not in vars(config.PostConfig), f"PostConfig has its own {name}")
    _contains(_source(base.Config._validate), ("self[key] = config_option.validate(value)",), "Config._validate")
    _contains(_source(base.Config.load_dict), ("self.update(patch)",), "Config.load_dict")
    schema = {name: (type(opt).__name__, *(type(getattr(opt, a)).__name__ for a in ("option_type", "option")
                                            if hasattr(opt, a))) for name, opt in config.PostConfig._schema}
    require(schema == POST_CONFIG_OPTIONS, f"PostConfig's options are not the checked ones: {schema}")
    _contains(_source(options.PostDate.pre_validation), ("DateDict(config[key_name])",), "PostDate.pre_validation")
    init = _source(options.DateDict.__init__)
    require(re.findall(r"self\.(\w+)\s*[:=]", init) == ["created"] and "super().__init__(data)" in init,
            "DateDict.__init__ sets more than `created`")
    require(set(vars(options.DateDict)) <= {"__init__", "__getattr__", "__module__", "__qualname__", "__doc__",
                                            "__orig_bases__", "__dict__", "__weakref__", "__parameters__",
                                            "__annotations__"}, "DateDict has more than __init__ and __getattr__")


def _check_blog_dates() -> None:
    """site/blog_speed.py remembers Babel's format_date / format_datetime in the blog
    plugin's module for the build: they must be Babel's, called only by _format_date,
    with the date and keyword format and locale."""
    plugin = import_module("material.plugins.blog.plugin")
    dates = import_module("babel.dates")
    require(plugin.format_date is dates.format_date and plugin.format_datetime is dates.format_datetime,
            "the blog plugin's format_date / format_datetime are not Babel's")
    src = _source(plugin)
    require(len(re.findall(r"\bformat_date\(", src)) == 1 and len(re.findall(r"\bformat_datetime\(", src)) == 1,
            "the blog plugin calls format_date / format_datetime elsewhere")
    _contains(_source(plugin.BlogPlugin._format_date), ("format_date(date, format = format, locale = locale)",
                                                       "format_datetime(date, format = format, locale = locale)"),
              "BlogPlugin._format_date")
    require(list(inspect.signature(dates.format_date).parameters)[:3] == ["date", "format", "locale"],
            "Babel's format_date(date, format, locale) has another signature")
    require(list(inspect.signature(dates.format_datetime).parameters)[:4] == ["datetime", "format", "tzinfo",
                                                                               "locale"],
            "Babel's format_datetime(datetime, format, tzinfo, locale) has another signature")


def _check_blog_pagination() -> None:
    """site/pagination.py replaces BlogPlugin._generate_pages and _render on each blog
    instance: Material must create, link and render a list's pages as it did when checked."""
    plugin = import_module("material.plugins.blog.plugin")
    BlogPlugin = plugin.BlogPlugin
    for name, params in (("_generate_pages", ["self", "view", "config", "files"]), ("_render", ["self", "view"])):
        require(name in BlogPlugin.__dict__, f"BlogPlugin has no {name}")
        require(list(inspect.signature(getattr(BlogPlugin, name)).parameters) == params,
                f"BlogPlugin.{name} has another signature")
    _contains(_source(BlogPlugin._generate_pages), (
        "yield view", "self._format_path_for_pagination(view, 1 + at // step)", "files.get_file_from_path(path)",
        "file = self._path_to_file(path, config)", "copy_file(view.file.abs_src_path, file.abs_src_path)",
        "file.inclusion = InclusionLevel.EXCLUDED", "yield view.__class__(None, file, config)",
        "file.page.pages = view.pages", "file.page.posts = view.posts"), "BlogPlugin._generate_pages")
    _contains(_source(BlogPlugin._render), (
        "posts, pagination = view.posts, None", "if self._config_pagination(view):", "at = view.pages.index(view)",
        "self._render_post(post.excerpt, view)", "for post in posts if post.excerpt", "return posts, pagination"),
        "BlogPlugin._render")
    _contains(_source(BlogPlugin.on_files), ("for page in self._generate_pages(view, config, files):",
                                             "view.pages.append(page)"), "BlogPlugin.on_files")
    _contains(_source(BlogPlugin.on_nav), ("for at in range(1, len(view.pages)):",
                                           "self._attach_at(view.parent, view, view.pages[at])"), "BlogPlugin.on_nav")
    _contains(_source(BlogPlugin.on_page_context), (
        "posts, pagination = self._render(page)", "format = self.config.pagination_format",
        "show_if_single_page = self.config.pagination_if_single_page", "**args",
        'context["pagination"] = pager if pagination else None'), "BlogPlugin.on_page_context")
    _contains(_source(BlogPlugin._resolve_original), ("return page.pages[0]",), "BlogPlugin._resolve_original")
    require(plugin.Pagination is import_module("paginate").Page, "the blog's pager is not paginate's Page")
    require(callable(getattr(import_module("paginate"), "make_html_tag", None)), "paginate has no make_html_tag")
    require(callable(getattr(import_module("mkdocs.utils"), "copy_file", None)), "mkdocs.utils has no copy_file")
    # The pager is called as overrides/partials/pagination.html (and Material's own) call it.
    _same_template("partials/pagination.html")


def _check_page_cache() -> None:
    """site/page_cache.py wraps env.get_template and serves a brief's stored page for
    template.render(context): MkDocs must render pages that way, and the templates must
    read nothing the key does not hold."""
    build = import_module("mkdocs.commands.build")
    _contains(_source(build._build_page), ("context = get_context(nav, doc_files, config, page)",
                                           "template = env.get_template(page.meta.get('template', 'main.html'))",
                                           "output = template.render(context)",
                                           "config.plugins.on_post_page(output"), "mkdocs' _build_page")
    require("return templates.TemplateContext(" in _source(build.get_context),
            "mkdocs' get_context returns no TemplateContext")
    fields = set(import_module("mkdocs.utils.templates").TemplateContext.__annotations__)
    require(fields <= TEMPLATE_CONTEXT_KEYS, f"a page's template context has keys the page cache does not know: "
                                             f"{sorted(fields - TEMPLATE_CONTEXT_KEYS)}")
    added = set(re.findall(r'context\["(\w+)"\]\s*=', _source(
        import_module("material.plugins.blog.plugin").BlogPlugin.on_page_context)))
    require(added == LIST_CONTEXT_KEYS, f"the blog's list pages have context keys {sorted(added)}, "
                                        f"not {sorted(LIST_CONTEXT_KEYS)}")
    require(templates_tree_sha256() == TEMPLATES_TREE_SHA256,
            "Material's templates are not the ones checked (sha256 of the tree differs)")


def _check_search_partial(custom_dir: str | Path | None = None) -> None:
    """overrides/partials/search.html holds Material's partial as a copy (below its
    `{% else %}`): the copy and the installed original must both be the checked one.
    custom_dir: the theme's custom_dir of this build (default: the project's overrides/)."""
    _same_template(SEARCH_PARTIAL)
    original = _GENERATED.sub("", (material_templates() / SEARCH_PARTIAL).read_text(encoding="utf-8"), count=1)
    for old, new in SEARCH_PARTIAL_PATCHES:
        require(original.count(old) == 1, f"Material's {SEARCH_PARTIAL} has no single `{old}` to patch")
        original = original.replace(old, new)
    copy = copied_search_partial(Path(custom_dir or _OVERRIDES) / SEARCH_PARTIAL)
    require(_sha256(copy.encode()) == _sha256(original.encode()),
            "overrides/partials/search.html: the copy differs from Material's original (with its declared patches)")


def copied_search_partial(path: Path | None = None) -> str:
    text = (path or _OVERRIDES / SEARCH_PARTIAL).read_text(encoding="utf-8")
    m = re.search(r"^\{% else %\}\n(.*)^\{% endif %\}\n?\Z", text, re.S | re.M)
    require(m is not None, "overrides/partials/search.html has no `{% else %}` copy of Material's partial")
    return m.group(1)


def _check_template_overrides(custom_dir: str | Path | None = None) -> None:
    """overrides/ holds templates written from Material's (DERIVED_PARTIALS) and
    patched copies of Material's (PATCHED_COPIES): the installed originals must be the
    ones they were written from, the overrides there (custom_dir: the theme's custom_dir
    of this build, default overrides/), and each copy the original with its declared
    patches, nothing else."""
    folder = Path(custom_dir or _OVERRIDES)
    for name in DERIVED_PARTIALS:
        _same_template(name)
        require((folder / name).is_file(), f"overrides/{name} is missing")
    for name, patches in PATCHED_COPIES.items():
        _same_template(name)
        original = _GENERATED.sub("", (material_templates() / name).read_text(encoding="utf-8"), count=1)
        for old, new in patches:
            require(original.count(old) == 1, f"Material's {name} has no single `{old}` to patch")
            original = original.replace(old, new)
        copy = _LEADING_COMMENT.sub("", (folder / name).read_text(encoding="utf-8"), count=1)
        require(copy == original, f"overrides/{name}: the copy differs from Material's original (with its patches)")


def _check_pagefind() -> None:
    """site/search.py: the body marker goes on the article Material writes for a
    post, and Material's search plugin is switched off through config.enabled while the
    header (which shows the dialog when that plugin is configured and enabled) stays."""
    for name in ("blog-post.html", "base.html", "partials/header.html"):
        _same_template(name)
    for name in ("blog-post.html", "base.html"):
        text = (material_templates() / name).read_text(encoding="utf-8")
        require(text.count(BODY_OPEN) == 1, f"Material's {name} has no single `{BODY_OPEN}`")
    SearchPlugin = import_module("material.plugins.search.plugin").SearchPlugin
    for event in ("on_config", "on_page_context", "on_post_build"):
        require("if not self.config.enabled:" in _source(getattr(SearchPlugin, event)),
                f"SearchPlugin.{event} does not honour config.enabled")


def _check_site_reuse() -> None:
    """site/site_reuse.py wraps ``mkdocs.utils.write_file`` while a build runs: MkDocs must
    write each page through that module attribute, and the function must do nothing but
    make the folder and write the bytes (so a link to a file of the same bytes is the same)."""
    utils = import_module("mkdocs.utils")
    build = import_module("mkdocs.commands.build")
    require(build.utils is utils, "mkdocs.commands.build does not call mkdocs.utils as `utils`")
    require(list(inspect.signature(utils.write_file).parameters) == ["content", "output_path"],
            "write_file(content, output_path) has another signature")
    src = _source(utils.write_file)
    _contains(src, ("os.makedirs(output_dir, exist_ok=True)", "open(output_path, 'wb')", "f.write(content)"),
              "write_file")
    require(src.count("\n") <= 8, "write_file does more than make the folder and write")
    _contains(_source(build._build_page), ("utils.write_file(", "page.file.abs_dest_path"), "_build_page")


def _check_build_loop() -> None:
    """site/freeze.py wraps MkDocs' ``_populate_page`` and ``_build_page`` (module globals the
    build loop calls) and, for a frozen post, runs what ``_populate_page`` runs but the
    render and ``on_page_content``; Material's posts are read in on_files (read_source a no-op)."""
    build = import_module("mkdocs.commands.build")
    require(list(inspect.signature(build._populate_page).parameters) == ["page", "config", "files", "dirty"],
            "_populate_page(page, config, files, dirty) has another signature")
    require(list(inspect.signature(build._build_page).parameters)
            == ["page", "config", "doc_files", "nav", "env", "dirty", "excluded"],
            "_build_page(page, config, doc_files, nav, env, dirty, excluded) has another signature")
    _contains(_source(build.build), ("_populate_page(file.page, config, files, dirty)", "_build_page(",
                                     "validate_anchor_links("), "build")
    src = _source(build._populate_page)
    order = [src.find(s) for s in ("config.plugins.on_pre_page(", "page.read_source(config)",
                                   "config.plugins.on_page_markdown(", "page.render(config, files)",
                                   "config.plugins.on_page_content(")]
    require(-1 not in order and order == sorted(order), "_populate_page runs other steps")
    require(src.count("config.plugins.") == 3, "_populate_page runs other events")
    structure = import_module("material.plugins.blog.structure")
    require(_source(structure.Post.read_source).rstrip().endswith("pass"), "Post.read_source reads the post")


# sha256 of the source of Material's Post.__init__, MkDocs' Page.__init__, Material's
# BlogPlugin._resolve_post and MkDocs' Config.__init__, joined (site/blog_speed.py makes a
# post as those four leave it, restoring what they compute from the post's file).
POST_RESTORE_SHA256 = "00b8e8330c9c8fb7dbcd39659fdd69248dc00def2d57d4a2410447289a044f4c"


def _check_blog_post_restore() -> None:
    """site/blog_speed.py replaces BlogPlugin._resolve_post: for an unchanged post it sets
    the attributes Page.__init__, Post.__init__ and _resolve_post set (and Config.__init__,
    load_dict and validate on its PostConfig), from the store: those must be the checked
    source, called as checked, on classes whose instances take attributes."""
    plugin = import_module("material.plugins.blog.plugin")
    structure = import_module("material.plugins.blog.structure")
    pages = import_module("mkdocs.structure.pages")
    files = import_module("mkdocs.structure.files")
    base = import_module("mkdocs.config.base")
    utils = import_module("mkdocs.utils")
    BlogPlugin = plugin.BlogPlugin
    require("_resolve_post" in BlogPlugin.__dict__, "BlogPlugin has no _resolve_post")
    require(list(inspect.signature(BlogPlugin._resolve_post).parameters) == ["self", "file", "config"],
            "BlogPlugin._resolve_post(self, file, config) has another signature")
    source = "".join(_source(f) for f in (structure.Post.__init__, pages.Page.__init__, BlogPlugin._resolve_post,
                                          base.Config.__init__))
    require(_sha256(source.encode()) == POST_RESTORE_SHA256,
            "Post.__init__, Page.__init__, BlogPlugin._resolve_post or Config.__init__ changed")
    _contains(_source(BlogPlugin._resolve_posts), ("post = self._resolve_post(file, config)",),
              "BlogPlugin._resolve_posts")
    require(plugin.Post is structure.Post and structure.Post.__mro__[1] is pages.Page,
            "the blog plugin's Post is not Material's, a Page")
    require(pages.get_build_date is utils.get_build_date, "Page.__init__'s get_build_date is not MkDocs'")
    for cls in (structure.Post, pages.Page, structure.PostConfig, base.Config):
        require(not any("__slots__" in vars(c) and c is not object for c in cls.__mro__[:-1]
                        if c.__module__.startswith(("material.", "mkdocs."))), f"{cls.__name__} has slots")
    for name in ("dest_uri", "abs_dest_path", "url"):
        require(isinstance(vars(files.File).get(name), functools.cached_property),
                f"File.{name} is not a cached_property (set on the instance)")
    require(isinstance(vars(pages.Page).get("_set_edit_url"), Callable), "Page has no _set_edit_url")
    require(inspect.signature(pages.Page._set_edit_url).parameters.keys()
            == {"self", "repo_url", "edit_uri", "edit_uri_template"}, "Page._set_edit_url has another signature")


# sha256 of the source of Material's BlogPlugin._resolve_posts: the walk site/posts_ahead.py
# plans by (documentation pages in order, under the posts folder, excluded, then _resolve_post).
RESOLVE_POSTS_SHA256 = "1c291872190d83075b3586b9e0a1568ede53f0eaed51ab03e8dcdc7f3d27deae"


def _check_posts_ahead() -> None:
    """site/posts_ahead.py has a forked copy make posts ahead and the build restore them
    from the post store (blog-post-restore's check); the copy asks for them as the blogs'
    on_files would, which must come after the newsbrief plugin's (priority 100)."""
    _check_blog_post_restore()
    BlogPlugin = import_module("material.plugins.blog.plugin").BlogPlugin
    require(_sha256(_source(BlogPlugin._resolve_posts).encode()) == RESOLVE_POSTS_SHA256,
            "BlogPlugin._resolve_posts changed")
    _contains(_source(BlogPlugin.on_files), ("self._resolve_posts(files, config)",), "BlogPlugin.on_files")
    require(getattr(BlogPlugin.on_files, "mkdocs_priority", 0) < 100, "the blog's on_files runs before newsbrief's")


def _check_blog_temp() -> None:
    """site/blog_temp.py hands a blog's temporary folder to a detached process at shutdown
    and gives the blog an empty one: Material's on_shutdown must do nothing but delete the
    folder ``self.temp_dir`` names when it runs (read then, not kept from __init__)."""
    import ast
    import shutil

    module = import_module("material.plugins.blog.plugin")
    BlogPlugin = module.BlogPlugin
    tree = ast.parse(inspect.cleandoc("\n" + _source(BlogPlugin.on_shutdown)))
    body = tree.body[0].body if tree.body and isinstance(tree.body[0], ast.FunctionDef) else []
    require([ast.unparse(node) for node in body] == ["rmtree(self.temp_dir)"],
            "BlogPlugin.on_shutdown does more than rmtree(self.temp_dir)")
    require(module.rmtree is shutil.rmtree, "the blog plugin's rmtree is not shutil's")
    _contains(_source(BlogPlugin.__init__), ("self.temp_dir = mkdtemp()",), "BlogPlugin.__init__")


def _check_search_replay(plugin=None) -> None:
    """site/search_replay.py records the entries Material's search adds for a page (wrapping
    its index's ``add_entry_from_context`` for one build) and appends a frozen page's
    recorded entries to ``SearchIndex.entries`` where the page loop would have indexed it."""
    mod = import_module("material.plugins.search.plugin")
    events = {n for n in vars(mod.SearchPlugin) if n.startswith(("on_page_", "on_pre_page", "on_post_page"))}
    require(events == {"on_page_context"}, f"the search plugin has other page events: {sorted(events)}")
    _contains(_source(mod.SearchPlugin.on_page_context), ("self.search_index.add_entry_from_context(page)",),
              "SearchPlugin.on_page_context")
    _contains(_source(mod.SearchPlugin.on_post_build), ("self.search_index.generate_search_index(",),
              "SearchPlugin.on_post_build")
    require(list(inspect.signature(mod.SearchIndex.add_entry_from_context).parameters) == ["self", "page"],
            "SearchIndex.add_entry_from_context(self, page) has another signature")
    add = _source(mod.SearchIndex.add_entry_from_context)
    require("self.entries" not in add and "self.create_entry_for_section(" in add,
            "add_entry_from_context adds entries another way")
    create = _source(mod.SearchIndex.create_entry_for_section)
    require(create.count("self.entries") == 1 and "self.entries.append(entry)" in create,
            "create_entry_for_section adds entries another way")
    _contains(_source(mod.SearchIndex.generate_search_index), ('"docs": self.entries',),
              "SearchIndex.generate_search_index")
    if plugin is not None:
        require(isinstance(plugin, mod.SearchPlugin), "the search plugin is not Material's")
        require(isinstance(getattr(plugin, "search_index", None), mod.SearchIndex)
                and isinstance(plugin.search_index.entries, list), "the search plugin has no index")


def _check_template_cache() -> None:
    """site/shell.py's template_cache keys each compiled template by what Jinja's parser and
    code generator read of the environment (shell._options): the syntax options, the
    filters' and tests' calling conventions (jinja2.utils._PassArg, private) and the
    code generator; a Bucket is filled by the cache's load_bytecode. Another Jinja may
    read more than those: then templates compile the stock way."""
    jinja2 = import_module("jinja2")
    bccache = import_module("jinja2.bccache")
    utils = import_module("jinja2.utils")
    compiler = import_module("jinja2.compiler")
    require(jinja2.__version__.split(".")[:2] == ["3", "1"], f"Jinja {jinja2.__version__}, not 3.1")
    require(callable(getattr(getattr(utils, "_PassArg", None), "from_obj", None)), "jinja2.utils._PassArg changed")
    require(list(inspect.signature(bccache.BytecodeCache.get_bucket).parameters)
            == ["self", "environment", "name", "filename", "source"], "BytecodeCache.get_bucket changed")
    require(list(inspect.signature(bccache.Bucket).parameters) == ["environment", "key", "checksum"],
            "jinja2.bccache.Bucket changed")
    _contains(_source(compiler.CodeGenerator._filter_test_common), ("_PassArg.from_obj(func)",),
              "CodeGenerator._filter_test_common")


# sha256 of the sources of MkDocs' link resolution (site/blog_speed.LinkTrust reasons from
# what it reads; _Lookups does Files.get_file_from_path's lookup): any change, no trust.
LINK_RESOLUTION_SHA256 = "68ba8a02dc1730157086c0e96a4946688064d2f9fb4461d811faad4c89e5f189"


def _check_page_links_trusted() -> None:
    """site/blog_speed.py trusts a reused page's links while no file was removed or changed
    its URL or exclusion (LinkTrust): MkDocs' relative-path processor must be the one it
    reasoned about, as installed (its sources by hash)."""
    pages, files = import_module("mkdocs.structure.pages"), import_module("mkdocs.structure.files")
    Processor = pages._RelativePathTreeprocessor
    text = "".join(_source(o) for o in (Processor.__init__, Processor.path_to_url, Processor._possible_target_uris,
                                        Processor._target_uri, files.Files.get_file_from_path,
                                        files.Files.src_uris.fget))
    require(hashlib.sha256(text.encode()).hexdigest() == LINK_RESOLUTION_SHA256,
            "MkDocs' link resolution (path_to_url, Files.get_file_from_path) is not the one checked")


def _check_serve_fast_render(server=None) -> None:
    """site/fast_render.py, under `mkdocs serve`: the rebuild goes into a folder beside
    the served one and is renamed over it when complete; the served folder is released
    (requests answered, pages reloaded) once the changed posts' pages are in it. It reads
    and sets LiveReloadServer's epochs and folder as its build loop and request handler
    use them, and makes a changed post as Material's blog does (``_resolve_post``,
    ``_is_excluded``, ``_attach``) in a forked copy, read and templated by MkDocs' own
    ``_populate_page`` and ``_build_page``."""
    import threading

    livereload = import_module("mkdocs.livereload")
    Server = livereload.LiveReloadServer
    _contains(_source(Server._build_loop), ("self._wanted_epoch = _timestamp()", "self.builder()",
                                            "self._visible_epoch = self._wanted_epoch"), "LiveReloadServer._build_loop")
    _contains(_source(Server._serve_request),
              ("self._epoch_cond.wait_for(lambda: self._visible_epoch == self._wanted_epoch)",
               "os.path.join(self.root, rel_file_path)"), "LiveReloadServer._serve_request")
    require(callable(getattr(livereload, "_timestamp", None)), "mkdocs.livereload has no _timestamp")
    if server is not None:
        require(isinstance(server, Server), "the server is not MkDocs' LiveReloadServer")
        require(isinstance(getattr(server, "_epoch_cond", None), threading.Condition)
                and type(getattr(server, "_visible_epoch", None)) is int
                and type(getattr(server, "_wanted_epoch", None)) is int
                and isinstance(getattr(server, "root", None), str), "the server's epochs or folder changed")
    _check_build_loop()
    plugin = import_module("material.plugins.blog.plugin")
    BlogPlugin = plugin.BlogPlugin
    for name, params in (("_resolve_post", ["self", "file", "config"]), ("_is_excluded", ["self", "post"]),
                         ("_attach", ["self", "parent", "pages"]), ("_resolve_authors", ["self", "config"]),
                         ("_format_path_for_profile", ["self", "id", "author"]),
                         ("_format_path_for_category", ["self", "name"])):
        require(list(inspect.signature(getattr(BlogPlugin, name)).parameters) == params,
                f"BlogPlugin.{name} has another signature")
    _contains(_source(BlogPlugin.on_nav), ("self._attach(self.blog, [None, *reversed(self.blog.posts), None])",),
              "BlogPlugin.on_nav")
    _contains(_source(BlogPlugin.on_files), ("post.config.pin", "post.config.date.created"), "BlogPlugin.on_files")
    _contains(_source(BlogPlugin.on_config), ("self.authors = self._resolve_authors(config)",), "BlogPlugin.on_config")
    _contains(_source(BlogPlugin._generate_profiles), ("path = self._format_path_for_profile(id, author)",
                                                       "author.url = file.url"), "BlogPlugin._generate_profiles")
    _contains(_source(BlogPlugin._generate_categories), ("path = self._format_path_for_category(name)",
                                                         "post.categories.append(file.page)"),
              "BlogPlugin._generate_categories")
def _same_sources(digests: dict[str, str]) -> None:
    for where, digest in digests.items():
        module, _, name = where.partition(":")
        obj = import_module(module)
        for part in name.split("."):
            obj = getattr(obj, part)
        require(_sha256(_source(obj).encode()) == digest,
                f"{name} is not the one checked (sha256 of its source differs)")


def _check_markdown_parsers() -> None:
    """site/cold_speed.py hands MkDocs' Page.render and the excerpts a Markdown parser
    reset after its last document: the sources it relies on must be the ones checked."""
    _same_sources(PARSER_SOURCES_SHA256)
    pages = import_module("mkdocs.structure.pages")
    require(pages.markdown is import_module("markdown"), "mkdocs.structure.pages.markdown is not the markdown module")


def _check_readtime_plain() -> None:
    """site/blog_speed.py's plain_readtime is Material's read time without its parser:
    readtime() and ReadtimeParser must be the ones it was written from."""
    _same_sources(READTIME_SHA256)
    module = import_module("material.plugins.blog.readtime.parser")
    require(module.ReadtimeParser.__mro__[1] is import_module("html.parser").HTMLParser,
            "ReadtimeParser is not an html.parser.HTMLParser")



# sha256 of Material's partials/language.html, which site/lang_memo.py serves as a memo of
# its one macro (its answer a function of the key and config.theme.language only).
LANGUAGE_PARTIAL_SHA256 = "3a44516f305006ac794f51a45ad7b532cf270916d8e92e8c42784e58b2eff0a3"


def _check_language_labels(env=None) -> None:
    """site/lang_memo.py: the partial this build's loader serves (env: Material's, or one
    in overrides/; without env, Material's as installed) must be the checked one, byte for
    byte."""
    name = "partials/language.html"
    source = (material_templates() / name).read_text(encoding="utf-8") if env is None else \
        env.loader.get_source(env, name)[0]
    require(_sha256(source.encode("utf-8")) == LANGUAGE_PARTIAL_SHA256,
            "partials/language.html is not the one checked (sha256 differs)")


# sha256 of the drawer's and the tabs' templates as shipped in CHECKED_AGAINST["mkdocs-material"]
# (site/drawer_memo.py keys them by what they read: which items are active, whether
# the page is one of them, the URLs through the `url` filter) and of MkDocs' Page.__eq__.
DRAWER_SHA256 = {
    "partials/nav.html": "af33f6e032f632eb055c365eb5f1a975bf8456152fa768e69a1aad6d470b843f",
    "partials/nav-item.html": "89895208f22d68ce405a4bcb6649b9150eba5bbb04663a6cb3f93f02daf1d2f7",
    "partials/logo.html": "e0925ef6c190174a5162ed1ecc55295016dd8a7beec3018db3e04aac283a2dd9",
    "partials/source.html": "6847616d67be4920d39c278c2799bf20222bbc02ee2a8393aca85e3eaa518752",
    "partials/language.html": "3a44516f305006ac794f51a45ad7b532cf270916d8e92e8c42784e58b2eff0a3",
    "partials/tabs.html": "d2c82916569e645a6b6dc5a36a2beddfaca5a66c8738c5b3e13b7d100ac2e8b7",
    "partials/tabs-item.html": "52fe1f551aa2dbfc9e15a19718a4cadd1f1e728d567ca21fea493ebfccaf3fe2",
    "base.html": "8536d352b0093623df9e0032894f321cbe264b15a9b48cdd962583772455dadb",  # (its block config)
}
PAGE_EQ_SHA256 = "4acfdc0ab76ca88debc907fee0d61c06fccc04155e437b7cd4381be4c00e8b6d"


def _check_drawer_memo(env=None) -> None:
    """site/drawer_memo.py replaces the drawer's and the tabs' ``root_render_func`` (what
    Jinja's include calls, closing what it returns) and records the ``url`` filter by
    swapping it in ``env.filters`` (a template reads its filters each time its render
    function starts): Jinja's code generator must still do both; the templates the
    environment serves must be the checked ones (an override in custom_dir is not); a page
    equals an item only with the same File (Page.__eq__ as checked, File without an __eq__)."""
    compiler = import_module("jinja2.compiler")
    if env is None:  # (Material's templates as installed)
        jinja2 = import_module("jinja2")
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(material_templates())))
    require(env.code_generator_class is compiler.CodeGenerator,
            "the environment's code generator is not Jinja's")
    code = env.compile('{% include "x" %}{{ y | e }}', raw=True)
    root = code.find("def root(")
    require(root >= 0 and code.find("environment.filters['e']") > root,
            "a template does not read its filters when its render function starts")
    require("template.root_render_func(template.new_context(context.get_all(), True," in code
            and "gen.close()" in code, "Jinja's include does not call root_render_func")
    from . import lang_memo

    for name, digest in DRAWER_SHA256.items():
        source = env.loader.get_source(env, name)[0]
        if name == lang_memo.NAME and source == lang_memo.SOURCE:
            continue  # lang_memo's memo of the checked partial (seam language-labels): the same labels
        require(_sha256(source.encode("utf-8")) == digest, f"{name} is not Material's checked one")
    pages = import_module("mkdocs.structure.pages")
    files = import_module("mkdocs.structure.files")
    require(_sha256(_source(pages.Page.__eq__).encode()) == PAGE_EQ_SHA256, "Page.__eq__ is not the one checked")
    require(files.File.__eq__ is object.__eq__, "File has an __eq__ of its own")
    require(callable(getattr(import_module("jinja2.runtime").Context, "__contains__", None)),
            "jinja2's Context has no __contains__")


@dataclass(frozen=True)
class Seam:
    name: str
    what: str
    fallback: str
    check: Callable[..., None]
    serve_only: bool = False  # checked only under `mkdocs serve`


def _check_serve_native_watch(server=None) -> None:
    """site/watch.py, under `mkdocs serve`: the seeds folder's file events ask for a
    rebuild as MkDocs' own watch callback does (``_want_rebuild`` set under
    ``_rebuild_cond``, which the build loop waits on)."""
    import threading

    Server = import_module("mkdocs.livereload").LiveReloadServer
    _contains(_source(Server.watch), ("with self._rebuild_cond:", "self._want_rebuild = True",
                                      "self._rebuild_cond.notify_all()"), "LiveReloadServer.watch")
    _contains(_source(Server._build_loop), ("lambda: self._want_rebuild or self._shutdown",
                                            "self._want_rebuild = False"), "LiveReloadServer._build_loop")
    if server is not None:
        require(isinstance(server, Server), "the server is not MkDocs' LiveReloadServer")
        require(isinstance(getattr(server, "_rebuild_cond", None), threading.Condition)
                and type(getattr(server, "_want_rebuild", None)) is bool, "the server's rebuild flag changed")


SEAMS = {s.name: s for s in (
    Seam("blog-excerpts", "excerpts rendered once per post (Excerpt.render)",
         "Material renders every excerpt", _check_blog_excerpts),
    Seam("blog-posts", "rendered posts reused across builds (Post.render)",
         "MkDocs renders every post", _check_blog_posts),
    Seam("page-render", "rendered pages other than posts reused across builds (Page.render)",
         "MkDocs renders every page other than a post", _check_page_render),
    Seam("blog-readtime", "read times reused across builds (the blog's readtime)",
         "Material computes every post's read time", _check_blog_readtime),
    Seam("blog-post-list", "O(1) post membership (the blog's post list)",
         "the blog plugin's own list", _check_blog_post_list),
    Seam("blog-yaml", "front matter parsed with LibYAML (the blog's SafeLoader)",
         "PyYAML's SafeLoader", _check_blog_yaml),
    Seam("blog-post-config", "posts' validated configuration stored by their front matter (the blog's PostConfig)",
         "Material validates every post's configuration", _check_blog_post_config),
    Seam("blog-dates", "the blog's dates formatted once per date and format (Babel's format_date/format_datetime)",
         "Babel formats every date", _check_blog_dates),
    Seam("blog-views", "O(1) view membership (the blog's _resolve_views)",
         "the blog plugin walks its views for every page", _check_blog_views),
    Seam("blog-excerpt-parser", "an excerpt's Markdown parser made on first use (Excerpt.__init__)",
         "Material makes every excerpt's parser", _check_blog_excerpt_parser),
    Seam("blog-pagination", "lists paginated from the oldest post (BlogPlugin._generate_pages, _render)",
         "lists paginated from the newest post (page/2 holds posts 11-20 counting from the newest)",
         _check_blog_pagination),
    Seam("page-cache", "stored brief pages (MkDocs' template render)",
         "every page's template is rendered", _check_page_cache),
    Seam("search-partial", "Material's search partial copied into overrides/",
         "Material's built-in search with Material's own partial", _check_search_partial),
    Seam("template-overrides", "cards, pagination and the post's sidebar written from Material's (overrides/)",
         "Material's own " + ", ".join(OVERRIDDEN_TEMPLATES), _check_template_overrides),
    Seam("site-reuse", "unchanged pages linked from the previous site (mkdocs.utils.write_file)",
         "MkDocs writes every page", _check_site_reuse),
    Seam("build-loop", "unchanged posts not built again (MkDocs' _populate_page, _build_page)",
         "every post is built", _check_build_loop),
    Seam("pagefind", "Pagefind body marker and search switch",
         "Material's built-in search", _check_pagefind),
    Seam("blog-post-restore", "unchanged posts restored from the store (BlogPlugin._resolve_post)",
         "Material makes a Post for every post", _check_blog_post_restore),
    Seam("posts-ahead", "a cold build's posts made ahead by a forked copy and restored (BlogPlugin._resolve_posts)",
         "the build makes every post itself", _check_posts_ahead),
    Seam("blog-temp", "the blogs' temporary folders deleted after the build by a detached process "
         "(BlogPlugin.on_shutdown)", "each blog deletes its temporary folder before the build exits",
         _check_blog_temp),
    Seam("search-replay", "Material's search entries of unchanged pages replayed (SearchIndex.entries)",
         "every page is built and indexed under Material's search", _check_search_replay),
    Seam("template-cache", "Jinja's compiled templates kept between builds (jinja2.bccache, jinja2.utils._PassArg)",
         "the templates are compiled again each build", _check_template_cache),
    Seam("page-links-trusted",
         "reused pages' links not replayed while the files they name stay put (MkDocs' path_to_url)",
         "every reused page's links are replayed", _check_page_links_trusted),
    Seam("serve-fast-render",
         "under serve, the changed briefs' pages shown first, the rebuild into a folder of its own (LiveReloadServer)",
         "a serve rebuild builds the whole site before the browsers reload", _check_serve_fast_render,
         serve_only=True),
    Seam("serve-native-watch",
         "under serve, the seeds folder watched through the system's file events (LiveReloadServer's rebuild flag)",
         "MkDocs polls the seeds folder twice a second", _check_serve_native_watch, serve_only=True),
    Seam("markdown-parsers", "one Markdown parser reset from page to page (MkDocs' Page.render, Markdown.reset)",
         "a Markdown parser made for every page and excerpt", _check_markdown_parsers),
    Seam("readtime-plain", "a post's read time counted without an HTML parser (Material's readtime)",
         "Material's parser reads every post for its read time", _check_readtime_plain),
    Seam("language-labels", "Material's translated labels looked up once per label (partials/language.html)",
         "Material's language macros run for every label of every page", _check_language_labels),
    Seam("drawer-memo", "the drawer and the tabs rendered once per distinct markup (their root_render_func)",
         "the drawer and the tabs are rendered for every page", _check_drawer_memo),
)}


def check(name: str, **context) -> str | None:
    """None if the seam holds, else why not (any exception is a failed check)."""
    try:
        SEAMS[name].check(**context)
    except SeamError as e:
        return str(e)
    except Exception as e:  # (ImportError, AttributeError, OSError, ...: all mean "changed")
        return f"{type(e).__name__}: {e}"
    return None


def usable(name: str, **context) -> bool:
    """Check a seam; on a failure, one warning naming it and what is done instead."""
    reason = check(name, **context)
    if reason is None:
        return True
    seam = SEAMS[name]
    log.warning(f"newsbrief: seam '{name}' ({seam.what}) does not hold: {reason}; "
                f"building the stock way: {seam.fallback}. Checked against "
                + ", ".join(f"{d} {v}" for d, v in CHECKED_AGAINST.items())
                + "; installed: " + ", ".join(f"{d} {v}" for d, v in installed_versions().items()) + ".")
    return False


def note_versions() -> None:
    """Log (info) when the installed versions are not the ones the seams were checked
    against: every seam is then re-verified by its checks, as on every build."""
    installed = installed_versions()
    if installed != CHECKED_AGAINST:
        log.info("newsbrief: seams checked against "
                 + ", ".join(f"{d} {v}" for d, v in CHECKED_AGAINST.items()) + "; installed "
                 + ", ".join(f"{d} {v}" for d, v in installed.items()) + ": re-verified structurally and by hash")


def original_partials_loader(names: tuple[str, ...] | frozenset[str]):
    """A Jinja loader that serves Material's own partials of these names (not the ones
    in overrides/): used when an override's seam does not hold."""
    from jinja2 import FunctionLoader

    def load(name: str):
        if name not in names:
            return None
        try:
            path = material_templates() / name
            return path.read_text(encoding="utf-8"), str(path), lambda: True
        except Exception:  # (then the one in overrides/ is used)
            return None

    return FunctionLoader(load)


def original_search_partial_loader():
    """Material's own partials/search.html (not the copy in overrides/): used when the
    copy is not the checked one."""
    return original_partials_loader((SEARCH_PARTIAL,))


# sha256 of the sources site/markdown_speed.py's inline processor relies on (md11): its
# __handleInline is the stock loop plus a test, run() calls it for every text, and
# __applyPattern answers (data, False, 0) for a pattern that found nothing.
INLINE_SOURCES_SHA256 = {
    "markdown.treeprocessors:InlineProcessor.run":
        "f6c93631f2871499bcbbc2d10ec7e4fddf1023c394179a18ce1053b16d5c9b0e",
    "markdown.treeprocessors:InlineProcessor._InlineProcessor__handleInline":
        "fe27babc114aed0ad06af7b99ad449f4bcf2cadab8ee03065a61d3a1f85caa5b",
    "markdown.treeprocessors:InlineProcessor._InlineProcessor__applyPattern":
        "8862b35197c0e6141513cea1ccb124e1d0565027073c8c84795f184ee0387596",
}


def _check_markdown_inline() -> None:
    """site/markdown_speed.py tries Python-Markdown's inline patterns only on texts that
    hold what a match needs: the processor whose loop it mirrors must be the one checked.
    (Its tables name each pattern and block expression by class and expression: a changed
    one is tried, or searched, always.)"""
    _same_sources(INLINE_SOURCES_SHA256)
    speed = import_module("builder.site.markdown_speed")
    require(issubclass(speed.SkippingInlineProcessor, import_module("markdown.treeprocessors").InlineProcessor),
            "the skipping processor is not markdown's InlineProcessor")


SEAMS["markdown-inline"] = Seam(
    "markdown-inline", "inline patterns tried only on texts that hold what they match (markdown's InlineProcessor)",
    "every inline pattern is tried on every text", _check_markdown_inline)
