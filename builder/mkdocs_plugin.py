"""The `newsbrief` MkDocs plugin (the entry point in pyproject.toml): thin glue. It runs
the conversion (builder/pipeline.py) at the start of every build and every `mkdocs
serve` rebuild, and hands every other event to builder/site/, which never imports the
pipeline, the CLI or the conversion.

Order of events (MkDocs 1.6) and why each hook is where it is:

- ``on_config`` (priority 100, first): convert. Material's blog plugin reads the authors
  file in *its* ``on_config`` and the posts in ``on_files``, so the pages must be on disk
  before either runs; ``on_pre_build`` would be too late for the authors. Then the
  speed-ups whose seams hold (site/blog_speed.py) and the search engine (site/search.py).
- ``on_files`` (priority 100, before the blog's -50): the blog's author records escaped
  (site/escaping.py); one generated page per tag (site/tag_pages.py).
- ``on_nav`` (priority -100, after the blog's): the tabs (site/navigation.py); the blog's
  post list gets its O(1) membership test (site/blog_speed.py), its views theirs
  (site/cold_speed.py). With the navigation final, which posts are not built again
  (site/freeze.py: it wraps MkDocs' page loop until ``on_post_build``), then the second
  core (site/second_core.py: ``reached`` from ``on_page_markdown``, ``populated`` from
  ``on_env``, ``written`` from ``on_post_page`` and for each frozen page).
- ``on_page_markdown``: a labelled post's title as plain text ("Updated: ...") for the
  <title>, feeds and search (site/labels.py); a post's dump strings escaped before the tags plugin (-50)
  collects them; the headline of generated publisher/author pages made text; the
  archive/authors/tags directives filled. (Excerpts on the index pages need nothing:
  the blog plugin renders them with the toc extension's ``baselevel: 2``, so a post's
  title is an ``<h1>`` only on its own page.)
- ``on_page_context`` (priority -100, after the tags plugin): tag chips link to the
  tag's own page.
- ``on_page_content``: no permalink in the headline; related briefs (site/related.py).
- ``on_post_page``: a labelled headline's badge wherever its title is shown as HTML
  (site/labels.py; the label was taken off the plain-text title in on_page_markdown).
- ``on_post_build`` (priority -100, after the RSS plugin): the JSON Feeds' names and tags
  as plain text (site/feeds.py); the drawer scripts; the record of this build's posts
  (site/freeze.py), then the page cache's clean-up; Pagefind.
- ``on_env`` (priority 200, before the tags plugin renders listings at 100 and before
  any template): post titles escaped (the RSS plugin has read them raw by then, and
  escapes them itself), the byline under each headline (site/byline.py), the page cache
  (site/page_cache.py).
"""

from __future__ import annotations

import gc
import io
import logging
import os
import threading
import time
from pathlib import Path

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority

from .model import REJECTED
from .output.cache import CACHE_DIR, Memory
from .output.lock import project_lock
from .output.store import WriteError
from .pipeline import convert, warm_up
from .report import summarise
from .rules import PROJECT_RULES, RulesError, load_rules
from .site import (
    avatars,
    blog_speed,
    blog_temp,
    cold_speed,
    compact,
    escaping,
    fast_render,
    feeds,
    icons,
    labels,
    lists,
    navigation,
    pagination,
    posts_ahead,
    seams,
    search,
    search_replay,
    shell,
    site_reuse,
    watch,
)
from .site import build as sitebuild
from .site import freeze as freezing
from .site.blog import blogs, check_blogs, is_post
from .site.byline import chips_under_byline, site_locale, with_byline
from .site.page_cache import PageCache
from .site.related import RelatedIndex
from .site.search import SHARD_SIZE
from .site.second_core import Collector, SecondCore
from .site.tag_pages import PER_PAGE as TAG_PAGE_SIZE
from .site.tag_pages import TagPages, slugify_tag

log = logging.getLogger("mkdocs.plugins.newsbrief")

__all__ = ["NewsbriefConfig", "NewsbriefPlugin", "slugify_tag"]  # slugify_tag: older mkdocs.yml files name it here


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() not in ("", "0", "false", "no", "off")


class NewsbriefConfig(Config):
    enabled = c.Type(bool, default=True)
    seeds = c.Type(str, default="seeds")
    posts_dir = c.Type(str, default="posts")
    rules = c.Optional(c.Type(str))
    date_order = c.Optional(c.Choice(["DMY", "MDY"]))
    strict = c.Type(bool, default=False)
    workers = c.Optional(c.Type(int))
    # Scale (issue #5): excerpts rendered once per post, rendered posts reused across
    # builds (site/blog_speed.py); a brief's page rendered again only when its inputs
    # change (site/page_cache.py); Pagefind search for big archives (site/search.py).
    blog_speed = c.Type(bool, default=True)
    page_cache = c.Type(bool, default=True)
    # Lists numbered from the oldest brief (site/pagination.py): a new brief changes the
    # first page of its lists, not every page.
    stable_pagination = c.Type(bool, default=True)
    search = c.Choice(["auto", "material", "pagefind"], default="auto")
    search_threshold = c.Type(int, default=2000)
    search_shard_size = c.Type(int, default=SHARD_SIZE)
    # Small pages (issue #15): every HTML page without its template indentation
    # (site/compact.py); the archive, publisher and author pages list titles, not
    # excerpts (the home page keeps them); Material's furniture icons from one sprite
    # file (site/icons.py).
    minify = c.Type(bool, default=True)
    title_lists = c.Type(bool, default=True)
    # With title lists: the blogs' index pages after the first list this many titles a
    # page (the first keeps its cards; site/pagination.py); 0: as many as the first.
    index_titles_per_page = c.Type(int, default=50)
    icon_sprite = c.Type(bool, default=True)
    # The header's palette toggles and search dialog from one cached script, and no
    # configuration for a search the page has not (site/shell.py).
    light_pages = c.Type(bool, default=True)
    # The drawer (primary navigation) from a cached script per variant (site/shell.py).
    light_drawer = c.Type(bool, default=True)
    # Cold builds (issue #15, site/cold_speed.py): the blog's views found from an index,
    # excerpt parsers made when used, pages cached from a thread, templates included by
    # templates not wrapped; the same bytes either way.
    cold_speed = c.Type(bool, default=True)
    # A page whose bytes did not change is linked from the previous site, not written
    # again (site/site_reuse.py; under `newsbrief build` only).
    site_reuse = c.Type(bool, default=True)
    # A brief or digest whose inputs are all as in the last build is not built again: its
    # page is linked from the previous site (site/freeze.py; under `newsbrief build` only).
    freeze = c.Type(bool, default=True)
    # A tag with more briefs than this: its page lists the newest this many and links a
    # page a year (site/tag_pages.py); 0: every brief of a tag on its one page.
    tag_page_size = c.Type(int, default=TAG_PAGE_SIZE)
    # Under `newsbrief serve`: the briefs a change touched are shown first, the whole
    # rebuild behind them, into a folder of its own (site/fast_render.py).
    fast_render = c.Type(bool, default=True)


class NewsbriefPlugin(BasePlugin[NewsbriefConfig]):
    def __init__(self):
        super().__init__()
        # Under `mkdocs serve` (this instance lives across rebuilds): the served folder,
        # the last complete build's objects, the fast render running (site/fast_render.py).
        self._served: fast_render.Served | None = None
        self._last: fast_render.LastBuild | None = None
        self._fast: fast_render.FastRender | None = None
        self._reset()

    def _pause_gc(self) -> None:
        """No automatic collection from the conversion's end to the first page: in those
        events the blog's posts, the tag pages and the freeze plan make ~10^6 long-lived
        objects at once, and Python answered with ~7 full collections over the whole heap
        (~3-5 s of a +1 build at 10,000 briefs, a third of its collector time). The second
        core's Collector collects once and freezes when pages start (site/second_core.py).
        After the conversion, not before: its worker processes are forked with the
        collector on."""
        if gc.isenabled():
            gc.disable()
            self._gc_paused = True

    def _resume_gc(self) -> None:
        if getattr(self, "_gc_paused", False):
            self._gc_paused = False
            gc.enable()

    def _reset(self) -> None:
        self._resume_gc()
        self._stop_fast()  # (one still running after a failed rebuild)
        self._into_next = False  # this serve rebuild goes into the folder beside the served one
        self._aside_owned = False  # _serve_previous was set aside by this build (and is deleted after it)
        self._built = None  # under serve: (nav, files) of this build, for the next one's fast render
        self._loop_ok = False
        self._close_speedup()
        self._page_cache = None
        self._close_reuse()
        self._close_freeze(keep=False)
        self._replay = None
        self._sprite = None
        self._drawers = None
        self._post_list = False
        self._title_lists = False
        self._search_partial_ok = True
        self.search_engine = None
        self.related = None
        self.tag_pages = None
        self.posts: list = []
        self.labels: dict = {}  # labelled titles, both forms -> site.labels.Label
        self._heading_labels: dict = {}  # a brief's src_uri -> the Label of its <h1>
        self.last_result = None
        self.root = Path.cwd()

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

    def _is_post(self, page) -> bool:
        return is_post(page, self.config.posts_dir)

    # -- the conversion, then what the site needs of it --------------------------------

    @event_priority(100)
    def on_config(self, config):
        self._reset()
        if not self.config.enabled:
            return config
        if bad_url := sitebuild.check_site_url(config.site_url):
            raise PluginError(f"newsbrief: {bad_url}")
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
        try:
            # One run at a time (output/lock.py): waits for a `newsbrief convert` or
            # another build; under `newsbrief build` the parent already holds the lock.
            # Paths in the export and front matter are relative to the project root.
            with project_lock(self.root, wait=None, on_wait=log.info):
                result = convert([seeds], rules, posts, workers=self.config.workers,
                                 cache_dir=self.root / CACHE_DIR, root=self.root,
                                 memory=getattr(self, "_memory", None))
        except WriteError as e:
            raise PluginError(f"newsbrief: {e}") from None
        self.last_result = result
        self._pause_gc()
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
        self.related = RelatedIndex(posts, self.config.posts_dir, site_locale(config))
        self.tag_pages = TagPages(self.related.index, self.config.posts_dir, slugify_tag, site_locale(config),
                                  self.config.tag_page_size)
        seams.note_versions()
        # (a project whose theme has no blog-list.html, e.g. without our overrides/, keeps cards)
        self._title_lists = self.config.title_lists and lists.available(config.theme)
        self._serve_rebuild(config, result)
        if self.config.stable_pagination:
            pagination.install(blogs(config), self.config.index_titles_per_page if self._title_lists else 0)
        if self.config.blog_speed:
            self._speedup, self._post_list = blog_speed.install(config, self.root / CACHE_DIR)
        if self.config.cold_speed:  # (excerpts' parsers made on use; Markdown parsers reused)
            self._lazy_excerpts = cold_speed.LazyExcerptParser(seams.usable("blog-excerpt-parser"))
        # The blogs whose temporary folders are deleted after the build's end (site/blog_temp.py).
        self._temp_blogs = blogs(config) if self.config.cold_speed and seams.usable("blog-temp") else []
        self.search_engine, self._search_partial_ok = search.select(
            self.config.search, self.config.search_threshold, result, config,
            search.archive_languages(self.related.index))
        # Every brief's text and features (~200 MB at 10,000 briefs): nothing after this
        # event reads them, so the build does not hold them while MkDocs adds its pages.
        self.last_result = None
        return config

    def _serve_rebuild(self, config, result) -> None:
        """Under `mkdocs serve`, after a complete build in this process: this rebuild goes
        into the folder beside the served one, and the pages the conversion changed are
        first rendered into the served folder by a forked copy (site/fast_render.py). Here:
        before the speed-ups of this build are installed, so the copy renders the stock way."""
        last, self._last = self._last, None
        if self._served is None or last is None:
            return
        self._into_next = True
        config.site_dir = str(self._served.next)
        change = fast_render.Change.of(result.write, self.config.posts_dir)
        if not (change.pages or change.removed) or len(change.pages) + len(change.removed) > fast_render.FAST_LIMIT:
            return
        try:
            self._fast = fast_render.FastRender(last, self, change, self._served, self._fast_done)
        except OSError as e:
            log.info(f"newsbrief: no fast render ({e}); the pages show after the rebuild")

    def _fast_done(self, what: str, seconds: float) -> None:
        """(From the fast render's thread) the changed pages are in the served folder."""
        served = self._served
        if served is not None:
            served.release()
            log.info(f"newsbrief: fast render: {what} in {seconds:.2f}s; browsers told to reload")

    def _stop_fast(self) -> None:
        fast, self._fast = self._fast, None
        if fast is not None:
            fast.stop()

    def _stop_posts_ahead(self) -> None:
        ahead, self._posts_ahead = getattr(self, "_posts_ahead", None), None
        if ahead is not None:
            ahead.stop()
            if self._speedup is not None and self._speedup.ahead is ahead:
                self._speedup.ahead = None

    def _close_speedup(self) -> None:
        self._stop_posts_ahead()
        second, self._second = getattr(self, "_second", None), None
        if second is not None:  # (its early Pagefind runs done before search.index)
            second.close()
        lazy, self._lazy_excerpts = getattr(self, "_lazy_excerpts", None), None
        if lazy is not None:
            lazy.uninstall()
        speedup, self._speedup = getattr(self, "_speedup", None), None
        if speedup is not None:
            speedup.close()

    def on_serve(self, server, *, config, builder):
        if not self.config.enabled:
            return server
        seeds, posts, rules = self._paths(config)
        watch.watch_docs_except(server, config.docs_dir, str(posts))  # (written by each build)
        if self.config.fast_render and hasattr(os, "fork") and seams.usable("serve-fast-render", server=server):
            self._served = fast_render.Served(server)
        if seeds.is_dir():
            self._observer = seams.usable("serve-native-watch", server=server) \
                and watch.watch_natively(server, str(seeds))
            if self._observer:
                log.info(f"newsbrief: watching {self.config.seeds} through the system's file events")
            else:  # (MkDocs' polling)
                server.watch(str(seeds))
        if rules is not None:
            server.watch(str(rules))
        if getattr(self, "_memory", None) is not None:  # (its conversions run in this process)
            threading.Thread(target=warm_up, name="newsbrief-warm-up", daemon=True).start()
        return server

    def on_startup(self, *, command, dirty):
        # (defining it keeps this instance across `mkdocs serve` rebuilds; on_config resets it)
        self._command = command
        # Under serve, the conversion cache as the last conversion left it (output/cache.py:
        # trusted only while its files are the very ones it saved); a one-shot build would
        # only pay for making it.
        self._memory = Memory() if command == "serve" else None

    def on_pre_build(self, *, config):
        """Under `mkdocs serve`, the last build's pages are set aside before MkDocs empties
        the site folder, for unchanged posts to be linked from (site/freeze.py). The RSS
        plugin writes <image><url>None</url> when no image is configured; point each feed
        (briefs and digests: every rss instance) at the theme's own favicon (on this site,
        so no other host)."""
        self._discard_set_aside()
        if self._into_next:  # (the served folder stays whole: unchanged pages are linked from it)
            self._serve_previous = self._served.root
        elif self.config.enabled and self.config.freeze and getattr(self, "_command", None) == "serve":
            self._serve_previous = freezing.set_aside(config.site_dir)
            self._aside_owned = True
        if not config.site_url:
            return
        logo = config.site_url.rstrip("/") + "/assets/images/favicon.png"
        for name, rss in config.plugins.items():
            if name != "rss" and not name.startswith("rss #"):
                continue
            for feed in (getattr(rss, "feed_created", None), getattr(rss, "feed_updated", None)):
                if feed is not None and not getattr(feed, "logo_url", None):
                    feed.logo_url = logo

    # -- the site: each event handed to builder/site/ -----------------------------------

    @event_priority(100)
    def on_files(self, files, *, config):
        if not self.config.enabled:
            return files
        escaping.escape_authors(blogs(config))
        avatars.as_files(blogs(config), files, config)
        if self.config.icon_sprite:
            from mkdocs.structure.files import File

            self._sprite = icons.for_theme(config.theme)
            files.append(File.generated(config, self._sprite.path, content=self._sprite.svg()))
        if self.tag_pages is not None:
            self.tag_pages.add_to(files, config)
        # (the seam checked on every build with cold_speed, so that a broken one is said at once,
        # as every other seam; its warning is the newsbrief.seams logger's, not MkDocs', so it
        # never fails a --strict build; start() does nothing without blog_speed's store)
        if self.config.cold_speed and seams.usable("posts-ahead"):  # the blogs' posts on two cores
            self._posts_ahead = posts_ahead.start(self._speedup, config, files)
            if self._posts_ahead is not None:
                self._speedup.ahead = self._posts_ahead
        return files

    @event_priority(-100)
    def on_nav(self, nav, *, config, files):
        if not self.config.enabled:
            return nav
        self._stop_posts_ahead()  # (the blogs have their posts)
        check_blogs(config, self.config.posts_dir)  # digests in the digests blog only
        if self.config.blog_speed and self._post_list:
            blog_speed.index_posts(blogs(config))  # the blog plugin's on_files is done
        if self.config.cold_speed and seams.usable("blog-views"):
            cold_speed.index_views(blogs(config))  # the blog plugin's on_nav is done
        nav = navigation.arrange(nav, files)
        serving = getattr(self, "_command", None) == "serve"
        if serving and self.config.fast_render:  # (the first build too: on_serve comes after it)
            self._built = (nav, files)
        built = self.config.site_reuse and site_reuse.under_newsbrief_build(config.site_dir)
        # (`serve` builds at another address: its pages and record are its own)
        record = self.root / CACHE_DIR / (freezing.SERVE_RECORD_FILE if serving else freezing.RECORD_FILE)
        # (the seams checked on every build, so that a broken one is said at once)
        replay = search_replay.start(config, record) if self.search_engine == "material" and self.config.freeze \
            and seams.usable("search-replay") and (serving or built) else None
        # (the seam of MkDocs' page loop, which the freezer and the split loop wrap: checked
        # once a build, so that a broken one is said once)
        self._loop_ok = (self.config.freeze or self.config.cold_speed) and seams.usable("build-loop")
        if self.config.freeze and self._loop_ok and (serving or built) \
                and freezing.usable(config, self.search_engine, self._speedup, replay is not None):
            previous = self._serve_previous if serving else site_reuse.previous_site(config.site_dir)
            self._freeze = freezing.Freezer(record, previous, self._speedup,
                                            self.related, self.tag_pages, self.root / CACHE_DIR / "drawers")
            if replay is not None:  # Material's search entries of frozen pages (site/search_replay.py)
                replay.attach(self._freeze)
                self._replay = replay
            self._freeze.plan(config, files, nav)
            self._freeze.install()
        if self.config.cold_speed:  # a second core (site/second_core.py)
            # (made while the collector is still paused: it collects the pause's objects once)
            collector = Collector(paused=getattr(self, "_gc_paused", False),
                                  last=getattr(self, "_command", None) == "build")
            self._resume_gc()
            # (no read-ahead when posts are frozen: the few pages built are not worth a fork)
            ahead = None if self._freeze is not None and self._freeze.frozen else self._speedup
            self._second = SecondCore(ahead, config, files, self.search_engine == "pagefind",
                                      self.config.search_shard_size, self.root / CACHE_DIR, collector)
            if self._freeze is not None:
                self._freeze.on_written.append(self._second.written)
        self._resume_gc()
        return nav

    @event_priority(100)
    def on_page_markdown(self, markdown, *, page, config, files):
        if not self.config.enabled:
            return markdown
        if self._second is not None:
            self._second.reached(page)
        if self._is_post(page):
            self.posts.append(page)
            if lab := labels.from_meta(page.meta):  # before the RSS, tags and search plugins read it
                labels.register(self.labels, lab)
                self._heading_labels[page.file.src_uri] = lab
                page.meta["title"] = lab.plain
            escaping.escape_post_meta(page.meta)
            return markdown
        if self._title_lists:
            lists.use_title_list(page)
        if escaping.is_generated_view(page):
            return escaping.generated_headline(page, markdown)
        return navigation.fill_directives(markdown, page, config, self.tag_pages, self.config.posts_dir)

    @event_priority(-100)
    def on_page_context(self, context, *, page, config, nav):
        if self.config.enabled and self.tag_pages is not None and self._is_post(page):
            self.tag_pages.link_chips(context)
        return context

    def on_page_content(self, html_text, *, page, config, files):
        if not self.config.enabled:
            return html_text
        html_text = escaping.without_headline_permalink(html_text)
        if self._is_post(page) and self.related is not None:
            html_text += self.related.html_for(page, files)
        return html_text

    @event_priority(200)
    def on_env(self, env, *, config, files):
        if not self.config.enabled:
            return env
        if self._second is not None:  # every page is read
            self._second.populated(config, files)
        if self.config.cold_speed:  # Jinja's compiled templates kept (before any is loaded)
            shell.template_cache(env, self.root / CACHE_DIR)
        get_template = env.get_template  # before the wrappers below
        feeds.install(env, config)  # which feeds a page links (overrides/main.html)
        locale = (config.theme.get("language") or "en").replace("-", "_")
        frozen = self._freeze.frozen if self._freeze is not None else {}
        for page in self.posts:
            escaping.escape_title(page)
            if page.content:
                page.content = with_byline(page, locale, self.tag_pages)
            elif page.file.src_uri in frozen:  # (not built again: its front matter as if it were)
                chips_under_byline(page, self.tag_pages)
        if not self._search_partial_ok:  # Material's own partial, not the copy
            from jinja2 import ChoiceLoader

            env.loader = ChoiceLoader([seams.original_search_partial_loader(), env.loader])
        custom = config.theme.custom_dir
        if custom and not seams.usable("template-overrides", custom_dir=custom):  # Material's own
            from jinja2 import ChoiceLoader

            env.loader = ChoiceLoader([seams.original_partials_loader(seams.OVERRIDDEN_TEMPLATES), env.loader])
        if self._sprite is not None:  # Material's furniture icons from one cached file
            from jinja2 import ChoiceLoader

            env.loader = ChoiceLoader([self._sprite.loader(), env.loader])
        if self.config.minify:  # below the page cache: it stores compacted pages
            compact.install(env)
        light = self.config.light_pages and shell.render(env, config, compact.compact if self.config.minify else None)
        if light:
            files.append(light.file(config))
        if self.config.light_drawer:
            self._drawers = shell.Drawers(self.root / CACHE_DIR / "drawers")
        shell.install(env, light or None, self._drawers)  # below the page cache too
        if self.config.page_cache and seams.usable("page-cache"):
            self._page_cache = PageCache(self.root / CACHE_DIR, env, config, self._is_post,
                                         background=self.config.cold_speed,
                                         accept=self._drawers.available if self._drawers else None)
        if self.config.cold_speed:
            cold_speed.plain_when_nested(env, get_template)
        if self.config.site_reuse:
            self._reuse = site_reuse.install(config, files)
        if self._second is not None:  # the pages' templates on both cores (site/second_core.py)
            self._second.split(config, loop_ok=self._loop_ok, page_cache=self._page_cache, drawers=self._drawers,
                               reuse=self._reuse, freezer=self._freeze, replay=self._replay)
        return env

    def _discard_set_aside(self, wait: bool = False) -> None:
        if getattr(self, "_aside_owned", False):
            freezing.discard(getattr(self, "_serve_previous", None), wait)
        self._serve_previous = None
        self._aside_owned = False

    def _close_freeze(self, keep: bool) -> None:
        """Put MkDocs' page loop back (``keep``: after a build that wrote every page). The
        record of the last finished build stays as it is after a failed one: a post is
        frozen only if the live site's page is the one its record describes."""
        freezer, self._freeze = getattr(self, "_freeze", None), None
        if freezer is None:
            return
        freezer.uninstall()
        if keep:
            log.info(freezer.summary())

    def _close_reuse(self) -> None:
        reuse, self._reuse = getattr(self, "_reuse", None), None
        if reuse is not None:
            reuse.close()

    def on_post_page(self, output, *, page, config):
        if self._second is not None:  # (the page before this one is written)
            self._second.written(page)
        if self._drawers is not None:  # (a page from the page cache too)
            self._drawers.note(output)
        if self.config.enabled and self.labels:  # every title with a label: its badge
            output = labels.with_labels(output, self.labels, self._heading_labels.get(page.file.src_uri))
        if self.config.enabled and self._is_post(page):  # a brief's page in its own language
            output = search.with_lang(output, search.page_lang(page))
        # Briefs only: a digest repeats its briefs' titles and leads, so indexing it would
        # list each hit twice and make every index a fifth bigger.
        if self.config.enabled and self.search_engine == "pagefind" \
                and self._is_post(page) and not page.meta.get("digest"):
            return search.mark_body(output)
        return output

    @event_priority(-100)  # after the RSS plugin has written its feeds
    def on_post_build(self, *, config):
        if self.config.enabled:
            feeds.plain_json_feeds(config)
        freezer = getattr(self, "_freeze", None)
        if freezer is not None and self._drawers is not None:
            self._drawers.used.update(freezer.drawers)
        drawers, self._drawers = self._drawers, None
        if drawers is not None and (missing := drawers.write(config.site_dir)):
            raise PluginError(f"newsbrief: drawer scripts {missing} not in {drawers.store}: delete "
                              f"{self.root / CACHE_DIR / 'pages'} (pages cached without them) and build again")
        self._close_speedup()
        self._close_reuse()
        page_cache, self._page_cache = self._page_cache, None
        if freezer is not None:
            recorded = freezer.save(config.site_dir, page_cache.keys if page_cache is not None else {})
            if self._replay is not None:  # (the search entries of the pages that record holds)
                self._replay.save(recorded)
            if page_cache is not None:
                page_cache.keep(freezer.page_keys)
        self._replay = None
        self._close_freeze(keep=True)
        self._discard_set_aside()
        if page_cache is not None:
            page_cache.close()  # only after a build that wrote every page
        if self.config.enabled and self.search_engine == "pagefind":
            search.index(config, self.config.search_shard_size, self.root / CACHE_DIR)
        if self._into_next:  # (complete: it becomes the served folder)
            self._stop_fast()
            self._served.swap()
            self._into_next = False
        if self._built is not None:  # what the next rebuild's fast render starts from
            nav, files = self._built
            self._last = fast_render.LastBuild.of(config, files, nav, {
                "_sprite": self._sprite, "_title_lists": self._title_lists, "labels": self.labels,
                "_heading_labels": self._heading_labels, "search_engine": self.search_engine,
                "_search_partial_ok": self._search_partial_ok})
            self._built = None

    def on_build_error(self, *, error):
        self._resume_gc()
        self._built = None
        if self._into_next:  # (the served folder stays as it is)
            self._into_next = False
            self._served.discard_next()
        self._close_freeze(keep=False)
        self._discard_set_aside()
        self._close_speedup()
        self._close_reuse()
        self._page_cache = None

    def on_shutdown(self):
        if getattr(self, "_observer", None):
            self._observer.stop()
            self._observer = None
        self._resume_gc()
        self._stop_fast()
        # (before the blogs' own on_shutdown, newsbrief being listed first: see site/blog_temp.py)
        blog_temp.hand_over(getattr(self, "_temp_blogs", ()))
        self._temp_blogs = []
        self._last = None
        if self._served is not None:
            self._served.discard_next()
        self._discard_set_aside(wait=True)
        self._close_freeze(keep=False)
        self._close_speedup()
        self._close_reuse()
