"""The `newsbrief` MkDocs plugin: converts the dumps in seeds/ into docs/posts/ at the
start of every build (and every `mkdocs serve` rebuild), and makes sure that text that
came from a dump is shown as text everywhere Material for MkDocs puts it.

Order of events (MkDocs 1.6) and why each hook is where it is:

- ``on_config`` (priority 100, first): convert. Material's blog plugin reads the authors
  file in *its* ``on_config`` and the posts in ``on_files``, so the pages must be on disk
  before either runs; ``on_pre_build`` would be too late for the authors.
- ``on_files`` (priority 100, before the blog's -50): the blog plugin's author records
  become HTML-escaped (the theme prints ``author.name`` unescaped); one generated page
  per tag is added (builder/tag_pages.py).
- ``on_nav`` (priority -100, after the blog's): arrange the tabs; give the blog's post
  list its O(1) membership test (builder/blog_speed.py).
- ``on_page_markdown``: escape dump strings in post metadata before the tags plugin
  (-50) collects them; rewrite the headline of generated publisher/author pages (the
  blog plugin writes ``# {name}`` as raw Markdown); fill the archive/authors directives.
  (Excerpts on the index pages need nothing: the blog plugin renders them with the toc
  extension's ``baselevel: 2``, so a post's title is an ``<h1>`` only on its own page.)
- ``on_page_context`` (priority -100, after the tags plugin): tag chips link to the
  tag's own page.
- ``on_env`` (priority 200, before the tags plugin renders listings at 100 and before
  any template): escape post titles (the RSS plugin has read them raw by then, and
  escapes them itself) and put the byline under each post's headline.

Titles and names are HTML in MkDocs and Material (a title extracted from a rendered
``# heading`` keeps its character references, and the templates print ``page.title``,
``author.name``, ``tag.name`` without ``| e``). So the rule here is: every string that
came from a dump is HTML-escaped once before a template sees it.
"""

from __future__ import annotations

import html
import io
import logging
import os
import re
import time
from pathlib import Path

from babel.dates import format_date
from material.plugins.blog.plugin import BlogPlugin
from material.plugins.blog.structure import Archive, Category, Profile
from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, InclusionLevel
from mkdocs.structure.nav import Link, Section
from mkdocs.utils import get_relative_url

from .cli import summarise
from .model import REJECTED
from .output.cache import CACHE_DIR
from .output.posts import WriteError, project_lock
from .output.render import escape_md
from .pipeline import convert
from .rules import PROJECT_RULES, RulesError, load_rules
from .site import blog_speed, seams, search
from .site.page_cache import PageCache
from .site.related import RelatedIndex
from .site.search import SHARD_SIZE
from .site.tag_pages import DIRECTIVE as TAGS_DIRECTIVE
from .site.tag_pages import TagPages

log = logging.getLogger("mkdocs.plugins.newsbrief")

AUTHORS_DIRECTIVE = re.compile(r"<!--\s*newsbrief/authors\s*-->")
# The toc extension's permalink on the headline: the page's URL is its permalink, and a
# "¶" in the <h1> text would end up in what readers (and screen readers) take as the title.
H1_PERMALINK = re.compile(
    r'(<h1\b[^>]*>(?:(?!</h1>).)*?)<a class="headerlink" href="#[^"]*"[^>]*>.*?</a>(\s*</h1>)', re.S)
ARCHIVE_PAGE = "archive/index.md"  # with navigation.indexes: the Archive tab's own page
ARCHIVE_DIRECTIVE = re.compile(r"<!--\s*newsbrief/archive\s*-->")


def slugify_tag(text: str, separator: str = "-") -> str:
    """Slug for a tag name. Tag names reach the tags plugin HTML-escaped (see above),
    so unescape first: ``AT&amp;T`` gets the slug of ``AT&T``, not ``atampt``."""
    from pymdownx.slugs import slugify

    return slugify(case="lower")(html.unescape(text), separator)


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() not in ("", "0", "false", "no", "off")


def _escape_list(value) -> list:
    if isinstance(value, list | tuple):
        return [html.escape(str(v)) for v in value]
    return value


class NewsbriefConfig(Config):
    enabled = c.Type(bool, default=True)
    seeds = c.Type(str, default="seeds")
    posts_dir = c.Type(str, default="posts")
    rules = c.Optional(c.Type(str))
    date_order = c.Optional(c.Choice(["DMY", "MDY"]))
    strict = c.Type(bool, default=False)
    workers = c.Optional(c.Type(int))
    # Scale (issue #5): excerpts rendered once per post, rendered posts reused across
    # builds (builder/blog_speed.py); a brief's page rendered again only when its inputs
    # change (builder/page_cache.py); Pagefind search for big archives (builder/search.py).
    blog_speed = c.Type(bool, default=True)
    page_cache = c.Type(bool, default=True)
    search = c.Choice(["auto", "material", "pagefind"], default="auto")
    search_threshold = c.Type(int, default=2000)
    search_shard_size = c.Type(int, default=SHARD_SIZE)


class NewsbriefPlugin(BasePlugin[NewsbriefConfig]):
    def __init__(self):
        super().__init__()
        self._reset()

    def _reset(self) -> None:
        self._close_speedup()
        self._page_cache = None
        self._post_list = False
        self._search_partial_ok = True
        self.posts: list = []
        self.last_result = None
        self.root = Path.cwd()

    # -- paths -----------------------------------------------------------------------

    def _paths(self, config) -> tuple[Path, Path, Path | None]:
        root = Path(config.config_file_path).parent if config.config_file_path else Path.cwd()
        self.root = root
        seeds = root / self.config.seeds
        posts = Path(config.docs_dir) / self.config.posts_dir
        if self.config.rules:
            rules = root / self.config.rules
            if not rules.is_file():
                raise PluginError(f"newsbrief: rules file not found: {rules}")
        else:
            rules = root / PROJECT_RULES
            rules = rules if rules.is_file() else None
        return seeds, posts, rules

    def _strict(self) -> bool:
        return self.config.strict or _truthy(os.environ.get("NEWSBRIEF_STRICT"))

    # -- conversion ------------------------------------------------------------------

    @event_priority(100)
    def on_config(self, config):
        self._reset()
        if not self.config.enabled:
            return config
        seeds, posts, rules_file = self._paths(config)
        if not seeds.is_dir():
            raise PluginError(f"newsbrief: seeds folder not found: {seeds} "
                              "(set 'seeds' under plugins: - newsbrief: in mkdocs.yml)")
        overrides = {"date_order": self.config.date_order} if self.config.date_order else None
        try:
            rules = load_rules(str(rules_file) if rules_file else None, overrides)
        except RulesError as e:
            raise PluginError(f"newsbrief: {e}") from None
        started = time.perf_counter()
        # Paths in the export and front matter are relative to the project root.
        cwd = Path.cwd()
        os.chdir(self.root)
        try:
            # One run at a time (builder/write.py): waits for a `newsbrief convert` or
            # another build; under `newsbrief build` the parent already holds the lock.
            with project_lock(self.root, wait=None, on_wait=log.info):
                result = convert([seeds], rules, posts, workers=self.config.workers,
                                 cache_dir=self.root / CACHE_DIR)
        except WriteError as e:
            raise PluginError(f"newsbrief: {e}") from None
        finally:
            os.chdir(cwd)
        self.last_result = result
        buf = io.StringIO()
        summarise(result, out=buf)
        for line in buf.getvalue().splitlines():
            log.info(line.strip() if line.startswith("newsbrief") else f"newsbrief: {line.strip()}")
        log.info(f"newsbrief: converted {seeds} -> {posts} in {time.perf_counter() - started:.2f}s")
        if result.errors:
            raise PluginError("newsbrief: " + "; ".join(result.errors))
        rejected = [o for o in result.outcomes if o.status == REJECTED]
        if rejected and self._strict():
            listing = "\n".join(f"  {o.source_path}: {o.error}" for o in rejected)
            raise PluginError(f"newsbrief: strict mode: {len(rejected)} dump(s) rejected:\n{listing}")
        self.related = RelatedIndex(posts, self.config.posts_dir)
        self.tag_pages = TagPages(self.related.index, self.config.posts_dir, slugify_tag)
        seams.note_versions()
        self._install_speedup(config)
        self.search_engine = search.choose(self.config.search, self.config.search_threshold,
                                           result, config)
        # The copy of Material's search partial (overrides/) is used only while it is the
        # checked one; Pagefind needs it, its body marker and the search switch.
        custom = config.theme.custom_dir
        copied = bool(custom) and (Path(custom) / seams.SEARCH_PARTIAL).is_file()
        if copied or self.search_engine == "pagefind":
            self._search_partial_ok = seams.usable("search-partial", custom_dir=custom)
        if self.search_engine == "pagefind" and not (seams.usable("pagefind") and self._search_partial_ok):
            self.search_engine = "material"
        search.configure(self.search_engine, config)
        return config

    # -- scale (builder/blog_speed.py, builder/search.py) ------------------------------

    def _install_speedup(self, config) -> None:
        """Each part of builder/blog_speed.py whose seam holds (builder/seams.py)."""
        if not self.config.blog_speed:
            return
        parts = [name for name in blog_speed.SEAMS if seams.usable(name)]
        self._post_list = "blog-post-list" in parts
        if not {"blog-excerpts", "blog-posts", "blog-yaml"} & set(parts):
            return
        try:
            self._speedup = blog_speed.Speedup(config, self.root / CACHE_DIR, parts)
        except Exception as e:  # (a seam that held but would not install: stock)
            seams.log.warning(f"newsbrief: blog speed-ups could not be installed ({type(e).__name__}: {e}); "
                              "building the blog the stock way")

    def _close_speedup(self) -> None:
        speedup, self._speedup = getattr(self, "_speedup", None), None
        if speedup is not None:
            speedup.close()

    def on_post_page(self, output, *, page, config):
        # Briefs only: a digest repeats its briefs' titles and leads, so indexing it would
        # list each hit twice and make every index a fifth bigger.
        if self.config.enabled and getattr(self, "search_engine", None) == "pagefind" \
                and self._is_post(page) and not page.meta.get("digest"):
            return search.mark_body(output)
        return output

    def on_post_build(self, *, config):
        self._close_speedup()
        page_cache, self._page_cache = self._page_cache, None
        if page_cache is not None:
            page_cache.close()  # only after a build that wrote every page
        if self.config.enabled and getattr(self, "search_engine", None) == "pagefind":
            search.index(config, self.config.search_shard_size)

    def on_build_error(self, *, error):
        self._close_speedup()
        self._page_cache = None

    def on_shutdown(self):
        self._close_speedup()

    def on_pre_build(self, *, config):
        """The RSS plugin writes <image><url>None</url> when no image is configured;
        point it at the theme's own favicon (on this site, so no other host)."""
        rss = config.plugins.get("rss")
        if rss is None or not config.site_url:
            return
        logo = config.site_url.rstrip("/") + "/assets/images/favicon.png"
        for feed in (getattr(rss, "feed_created", None), getattr(rss, "feed_updated", None)):
            if feed is not None and not getattr(feed, "logo_url", None):
                feed.logo_url = logo

    def on_serve(self, server, *, config, builder):
        if not self.config.enabled:
            return server
        seeds, _, rules = self._paths(config)
        if seeds.is_dir():
            server.watch(str(seeds))
        if rules is not None:
            server.watch(str(rules))
        return server

    # -- helpers for the blog plugin ---------------------------------------------------

    @staticmethod
    def _blogs(config) -> list:
        return [p for p in config.plugins.values() if isinstance(p, BlogPlugin) and p.config.enabled]

    def _is_post(self, page) -> bool:
        prefix = self.config.posts_dir.strip("/") + "/"
        return page.file.src_uri.startswith(prefix) and page.file.src_uri.endswith(".md")

    @event_priority(100)
    def on_files(self, files, *, config):
        if not self.config.enabled:
            return files
        for blog in self._blogs(config):
            for author in getattr(blog, "authors", {}).values():
                author.name = html.escape(author.name or "")
                author.description = html.escape(author.description or "")
        tag_pages = getattr(self, "tag_pages", None)
        if tag_pages is not None:  # builder/tag_pages.py; a page in docs/ of the same name wins
            for src_uri, markdown in tag_pages.pages().items():
                if files.get_file_from_path(src_uri) is None:
                    files.append(File.generated(config, src_uri, content=markdown,
                                                inclusion=InclusionLevel.NOT_IN_NAV))
        return files

    @event_priority(-100)
    def on_nav(self, nav, *, config, files):
        """Tabs: Home, Archive, Publishers, Tags, Authors, About. The blog plugin appends
        its sections (archive, categories, author profiles) after the configured nav;
        an author section would list every author on every author page (quadratic), so
        it leaves the nav and docs/authors.md lists the authors instead."""
        if not self.config.enabled:
            return nav
        if self.config.blog_speed and getattr(self, "_post_list", False):
            blog_speed.index_posts(self._blogs(config))  # the blog plugin's on_files is done
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

    # -- page content ----------------------------------------------------------------

    @event_priority(100)
    def on_page_markdown(self, markdown, *, page, config, files):
        if not self.config.enabled:
            return markdown
        if self._is_post(page):
            self.posts.append(page)
            meta = page.meta
            for key in ("tags", "categories"):
                if key in meta:
                    meta[key] = _escape_list(meta[key])
            for key in ("description", "publisher"):
                if isinstance(meta.get(key), str):
                    meta[key] = html.escape(meta[key])
            return markdown
        if isinstance(page, Archive | Category | Profile) and page.name is not None:
            # The blog plugin generated "# {name}" with the raw name: make it text.
            raw = html.unescape(page.name) if isinstance(page, Profile) else page.name
            if markdown.strip() == f"# {page.name}":
                return f"# {escape_md(raw)}\n"
            return markdown
        if AUTHORS_DIRECTIVE.search(markdown):
            markdown = AUTHORS_DIRECTIVE.sub(lambda _: self._authors_markdown(page, config), markdown)
        if TAGS_DIRECTIVE.search(markdown) and getattr(self, "tag_pages", None) is not None:
            markdown = TAGS_DIRECTIVE.sub(lambda _: self.tag_pages.index_markdown(page.file.src_uri), markdown)
        if ARCHIVE_DIRECTIVE.search(markdown):
            markdown = ARCHIVE_DIRECTIVE.sub(lambda _: self._archive_markdown(page, config), markdown)
        return markdown

    def _views(self, config, cls) -> list:
        out = []
        for blog in self._blogs(config):
            out.extend(v for v in blog.blog.views if isinstance(v, cls))
        return out

    def _authors_markdown(self, page, config) -> str:
        profiles = sorted(self._views(config, Profile), key=lambda v: html.unescape(v.name or "").casefold())
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

    def _archive_markdown(self, page, config) -> str:
        views = self._views(config, Archive)
        if not views:
            return "*No briefs yet.*\n"
        by_year: dict[int, list] = {}
        for view in views:
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

    @event_priority(-100)
    def on_page_context(self, context, *, page, config, nav):
        """Point each tag chip of a brief at the tag's own page (the tags plugin, which
        runs first, links chips to listings, and there are none)."""
        tag_pages = getattr(self, "tag_pages", None)
        if self.config.enabled and tag_pages is not None and self._is_post(page):
            for ref in context.get("tags") or ():
                url = tag_pages.url(html.unescape(ref.name))
                if url:
                    ref.links = [Link(ref.name, url)]
        return context

    def on_page_content(self, html_text, *, page, config, files):
        if not self.config.enabled:
            return html_text
        html_text = H1_PERMALINK.sub(r"\1\2", html_text, count=1)
        if self._is_post(page) and getattr(self, "related", None) is not None:
            html_text += self.related.html_for(page, files)  # builder/related_html.py
        return html_text

    @event_priority(200)
    def on_env(self, env, *, config, files):
        if not self.config.enabled:
            return env
        locale = (config.theme.get("language") or "en").replace("-", "_")
        for page in self.posts:
            title = page.meta.get("title")
            if isinstance(title, str):
                page.meta["title"] = html.escape(title)
            if page.content:
                page.content = self._with_byline(page, locale)
        if not getattr(self, "_search_partial_ok", True):  # Material's own partial, not the copy
            from jinja2 import ChoiceLoader

            env.loader = ChoiceLoader([seams.original_search_partial_loader(), env.loader])
        if self.config.page_cache and seams.usable("page-cache"):
            self._page_cache = PageCache(self.root / CACHE_DIR, env, config, self._is_post)
        return env

    def _with_byline(self, page, locale: str) -> str:
        """Date, authors, publisher and reading time under the headline, as text."""
        parts = []
        post_config = getattr(page, "config", None)
        date = getattr(getattr(post_config, "date", None), "created", None)
        if date is not None:
            try:
                label = format_date(date, format="long", locale=locale)
            except Exception:  # an unknown locale must not break the build
                label = date.strftime("%Y-%m-%d")
            parts.append(f'<time class="nb-byline__date" datetime="{date:%Y-%m-%d}">'
                         f"{html.escape(label)}</time>")
        authors = []
        for author in getattr(page, "authors", []) or []:
            name = author.name  # escaped in on_files
            if author.url:
                href = html.escape(get_relative_url(author.url, page.url))
                authors.append(f'<a class="nb-byline__author" href="{href}">{name}</a>')
            else:
                authors.append(f'<span class="nb-byline__author">{name}</span>')
        if authors:
            joined = ", ".join(authors[:-1]) + " and " + authors[-1] if len(authors) > 1 else authors[0]
            parts.append(f'<span class="nb-byline__authors">By {joined}</span>')
        for category in getattr(page, "categories", []) or []:
            href = html.escape(get_relative_url(category.url, page.url))
            parts.append(f'<a class="nb-byline__publisher" href="{href}">'
                         f"{html.escape(category.name or '')}</a>")
        readtime = getattr(post_config, "readtime", None)
        if readtime:
            parts.append(f'<span class="nb-byline__readtime">{int(readtime)} min read</span>')
        if not parts:
            return page.content
        sep = '<span class="nb-byline__sep" aria-hidden="true"> · </span>'
        byline = f'<div class="nb-byline">{sep.join(parts)}</div>'
        head, marker, tail = page.content.partition("</h1>")
        return head + marker + byline + tail if marker else byline + page.content
