"""A cold build's second core (issue #15 item 4). MkDocs builds in one process; two things
of a cold build can run beside it, each filling a cache that the build then checks as
it checks any cache, so the site is byte for byte what it is without them
(tests/site/test_cold_second_core.py builds a site both ways and compares):

1. **Markdown rendered ahead** (``RenderAhead``): once the blog's views are final (the
   newsbrief plugin's ``on_nav``), a forked copy of the MkDocs process reads and converts
   the pages from the last one back, as MkDocs would (``_populate_page``: every plugin's
   page events, then ``Page.render``), and sends each page's entry of the blog cache
   (site/blog_speed.py: its HTML, table of contents and the links it recorded, keyed by
   its Markdown, URL and configuration; and its read time) to the build, which puts it
   in its cache. When MkDocs reaches that page, blog_speed's ``render_page`` finds it and
   reuses it only if its key matches (same Markdown after every plugin's
   ``on_page_markdown``) and every recorded link still resolves to the same URL: the
   check a warm build makes. The copy stops where the build has got to (it reports each
   page it starts), and is ended once every page is read (``on_env``). Nothing the copy
   does reaches the build but those entries: its plugins' state, its log and its exit
   are its own. It runs only where it can pay (``Sources``): the build records what each
   page was made from (its source file's device, inode, size and modification time, or a
   generated page's content); a later build with the same blog configuration reads ahead
   only the pages whose source is not one the last build rendered, and forks no copy at
   all when fewer than MIN_AHEAD are (a build after one new dump: a handful of pages,
   against ~500 pages read ahead, ~3.5 s of CPU at 10k, competing with the build for two
   cores). What it skips costs time only: the build renders what the cache lacks.
2. **Pagefind while pages are written** (``EarlyIndexes``): the search indexes are by
   period (site/search.py: years or months, from the pages' URLs, which are known before
   any page is written). As MkDocs writes pages in the order of their files (a brief's
   source path begins with its year and month), an index whose pages are all written is
   made at once, one Pagefind run at a time, into the site and the index cache
   (search.ShardCache). ``search.index`` then runs as before after the build: every
   index's key is taken again from the pages as written, and one made early is used
   only if its key is the same (else it is made again).

3. **The page loop on both cores** (``SplitBuild``): once every page is read, a forked
   copy of the build templates and writes pages too, each page claimed by one process,
   and sends back what each of its pages leaves in the build (log records, Material's
   search entries, the freeze record's entry, the page and blog caches' entries and
   counts, drawer scripts, linked pages), put in place where the loop reaches the page.
   Not when posts are frozen, nor below MIN_SPLIT pages.

And one for memory (``Collector``): each page's Markdown conversion leaves cycles (a
``Markdown`` instance and its processors refer to each other, and hold the page's
tree), which only a full collection frees; with the archive's long-lived objects in
the oldest generation, Python ran one so rarely that at 1,000 briefs the build held
~290 MB at the end of reading pages against ~150 MB with a collection every 100
pages. The objects there when pages start to be read, then those alive at each
collection, are frozen (``gc.freeze``: never walked again), so each collection walks
only what the last 100 pages made: ~linear, not quadratic. Unfrozen at the end of the
build (``mkdocs serve`` builds again in the same process).

Two more let go of what a phase is done with (a cold build at 10,000 briefs peaked at
1,015 MiB, now ~810; README "Performance"):

- **Renders once their pages are read** (``reached``, ``populated``): the blog cache
  (site/blog_speed.py) held every page's render (HTML, table of contents, links) decoded
  to the end of the build to save it then, though MkDocs asks for a page's render once;
  for a post it is a second copy of its HTML (the page's own content has the related
  briefs and byline added). Every 100 pages the renders of the pages read so far are
  stored and let go of (``Cache.spill``), the rest once every page is read.
- **A page's HTML once it is written** (``Collector.written``): MkDocs keeps every
  page's content to the end of the build, though nothing reads it after its page is
  written (no template shows another page's content; list pages show excerpts, rendered
  from the Markdown).
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import logging
import mmap
import os
import pickle
import signal
import struct
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ..output.store import atomic_write, integrity
from . import search

log = logging.getLogger("mkdocs.plugins.newsbrief.second_core")

_HEADER = struct.Struct("<I")


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _read_exactly(fd: int, n: int) -> bytes | None:
    parts, left = [], n
    while left:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            return None
        parts.append(chunk)
        left -= len(chunk)
    return b"".join(parts)


# How a forked copy (here, site/posts_ahead.py) talks to the build: pickled messages, each
# after its length, on a pipe.
def send_message(wfd: int, message) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    os.write(wfd, _HEADER.pack(len(data)))
    view = memoryview(data)
    while view:
        view = view[os.write(wfd, view):]


def messages(rfd: int) -> Iterator:
    """The copy's messages until its end of the pipe closes (a message cut short ends them
    too). Raises what reading or unpickling raises."""
    while (head := _read_exactly(rfd, _HEADER.size)) is not None:
        body = _read_exactly(rfd, _HEADER.unpack(head)[0])
        if body is None:
            return
        yield pickle.loads(body)


class Collector:
    """The periodic collection (above): ``tick()`` a page, ``close()`` at the end."""

    EVERY = 100

    def __init__(self, paused: bool = False, last: bool = False):
        """`paused`: the collector is off only for a pause its caller ends right after
        (mkdocs_plugin._pause_gc): what was made in the pause is young, so it is collected
        without walking the older heap again, before any automatic collection walks it.
        `last`: the process ends after this build (`mkdocs build`), so nothing is
        unfrozen at the end: every collection after it, and the interpreter's at exit,
        would walk the whole heap again (~1 s each at 10,000 briefs) for memory that is
        about to be given back anyway."""
        # (not when the collector is off, or someone else froze objects: theirs to manage)
        self.on = (gc.isenabled() or paused) and gc.get_freeze_count() == 0
        self.pages = 0
        self._last = None  # the page written last (``written``)
        self._keep = last
        if self.on:
            gc.collect(1 if paused else 2)
            gc.freeze()

    def tick(self) -> None:
        self.pages += 1
        if self.on and self.pages % self.EVERY == 0:
            gc.collect()
            gc.freeze()

    def written(self, page) -> None:
        """After each page is written (on_post_page): the page before it is done with
        (MkDocs has written it; a later plugin's on_post_page may still read this one)."""
        last, self._last = self._last, page
        if last is not None and last is not page:
            last.content = None
        self.tick()

    def close(self) -> None:
        self._last = None
        if self.on:
            self.on = False
            if not self._keep:
                gc.unfreeze()


class RenderAhead:
    """The forked renderer (1. above). ``reached(page)`` as the build starts each page;
    ``stop()`` once every page is read (or on an error); safe to call twice."""

    def __init__(self, speedup, config, files, collector: Collector | None = None, pages: list | None = None,
                 only: list[int] | None = None):
        self.collector = collector
        self.cache = speedup.cache
        self.received = 0  # pages whose entries came from the copy
        self.pages = _pages(files) if pages is None else pages  # in the order MkDocs reads them
        self.only = only  # the indexes of the pages to read (ascending), None: all
        self.index = {f.src_uri: i for i, f in enumerate(self.pages)}
        # Where the build is (the index of the page it reads), shared with the copy.
        self._progress = mmap.mmap(-1, 8)
        self._set_progress(-1)
        self._thread: threading.Thread | None = None
        rfd, wfd = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:  # the copy: never returns
            os.close(rfd)
            _child(self, config, files, wfd)
        os.close(wfd)
        self._rfd = rfd
        self._thread = threading.Thread(target=self._receive, name="newsbrief-ahead", daemon=True)
        self._thread.start()

    def _set_progress(self, i: int) -> None:
        self._progress[:8] = struct.pack("<q", i)

    def progress(self) -> int:
        return struct.unpack("<q", self._progress[:8])[0]

    def reached(self, page) -> None:
        file = getattr(page, "file", None)
        i = self.index.get(getattr(file, "src_uri", None), -1)
        if i > self.progress():
            self._set_progress(i)

    def _receive(self) -> None:
        cache = self.cache
        try:
            for batch in messages(self._rfd):
                for key, entry in batch:
                    # (an entry the build has made itself meanwhile is kept as it is)
                    if cache.new.get(key) is None:
                        cache.put(key, entry)
                self.received += 1
        except (OSError, ValueError, pickle.UnpicklingError, EOFError):
            pass

    def stop(self) -> None:
        if self.pid <= 0:
            return
        pid, self.pid = self.pid, 0
        self._set_progress(len(self.pages))
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)
        if self._thread is not None:
            self._thread.join()
        os.close(self._rfd)


def _pages(files) -> list:
    from mkdocs.structure.files import InclusionLevel

    return list(files.documentation_pages(inclusion=InclusionLevel.is_included))


def detach_copy() -> None:
    """In a forked copy: killed if the build dies (Linux), its output to /dev/null."""
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)


def _child(ahead: RenderAhead, config, files, wfd: int) -> None:
    """The copy's whole life: read and convert pages from the last one back until it
    meets the build, sending each new cache entry; then exit without running anything
    of the parent's (atexit, buffered output, plugins' shutdown)."""
    code = 0
    try:
        detach_copy()
        logging.disable(logging.CRITICAL)  # the build logs what a render logs, once
        from mkdocs.commands.build import _populate_page
        from mkdocs.structure.pages import Page

        batch: list = []
        cache = ahead.cache

        def send() -> None:
            send_message(wfd, batch)
            batch.clear()

        # In the copy the cache is only a way out: nothing here reads an entry again.
        cache.put = lambda key, entry: batch.append((key, entry))
        for i in reversed(range(len(ahead.pages)) if ahead.only is None else ahead.only):
            if i <= ahead.progress():
                break
            file = ahead.pages[i]
            if file.page is None:  # as MkDocs' build loop does for a page not in the nav
                Page(None, file, config)
            page = file.page
            try:
                _populate_page(page, config, files)
            except Exception:  # the build reads it itself, and reports
                batch.clear()
            page.content = page.toc = None  # (the copy's memory: sent, not needed)
            if batch:
                send()
            if ahead.collector is not None:
                ahead.collector.tick()
    except BaseException:
        code = 1
    finally:
        os._exit(code)


class EarlyIndexes:
    """The early Pagefind runs (2. above). ``written(page)`` after MkDocs' ``on_post_page``
    of each page (the page before it is then on disk); ``finish()`` before search.index."""

    def __init__(self, config, files, max_pages: int, cache_dir: Path):
        self.site = Path(config.site_dir)
        self.cache = search.ShardCache(cache_dir / search.CACHE_SUBDIR)
        html = [f.dest_uri for f in files if f.dest_uri.endswith(".html")]
        self.groups = search.planned_shards(html, max_pages)
        pages = {f.dest_uri for f in files.documentation_pages()}
        # For each index, the pages of it still to be written.
        self.pending: list[set[str]] = []
        self._shard_of: dict[str, int] = {}
        for n, mine in enumerate(search.members(pages, self.groups)):  # (by folder lookup)
            self.pending.append(mine)
            for p in mine:
                self._shard_of[p] = n
        self._last: str | None = None
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="newsbrief-pagefind")
        self._lock = threading.Lock()  # (pages written by the second core are told from a thread)
        self.started = 0

    def written(self, page) -> None:
        last, self._last = self._last, page.file.dest_uri
        if last is not None:
            self.done(last)

    def pages(self) -> set[str]:
        """The pages an index holds, of those not written yet."""
        with self._lock:
            return set(self._shard_of)

    def done(self, dest: str) -> None:
        """The page at ``dest`` is on disk (twice is harmless)."""
        with self._lock:
            n = self._shard_of.pop(dest, None)
            if n is None:
                return
            pending = self.pending[n]
            pending.discard(dest)
            if pending:
                return
            name, folders = self.groups[n]
        self._pool.submit(self._index, name, folders)

    def _index(self, name: str, folders: list[str]) -> None:
        self.started += 1
        try:
            search.index_shard(self.site, name, folders, self.cache)
        except Exception as e:  # search.index makes it again, and reports
            log.debug(f"newsbrief: pagefind: early index {name} failed: {e}")

    def finish(self) -> None:
        """Wait for the runs under way; those not begun are left to search.index."""
        self._pool.shutdown(wait=True, cancel_futures=True)


# Fewer pages than this to render, and no copy is forked: a fork of the ~1 GB build at
# 10k, and the copy-on-write faults it causes, cost more than rendering a few pages ahead
# can save (a page's Markdown is ~5-20 ms).
MIN_AHEAD = 50
SOURCES_FILE = "read-ahead"  # in the cache folder
SOURCES_FORMAT = "1"


class Sources:
    """What each page was made from, against what the last build's pages were made from
    (RenderAhead above). A page's source: for a file of the docs folder, its device,
    inode, size and modification time (the conversion writes a page only when its bytes
    change, as a new file); for a generated page (Material's blog views, the tag pages),
    a hash of its content. Stored with the blog configuration's digest (site/blog_speed.py:
    the package versions, the site code, the Markdown configuration): with another, every
    page counts as new. Only a guess at which renders the blog cache holds: the build
    checks every entry as always, so a wrong guess costs time, never bytes."""

    def __init__(self, path: Path, digest: str, pages: list, cached: int):
        self.path, self.digest = path, digest
        self.prints = [_print(f) for f in pages]
        self.before: set[str] | None = None
        if cached >= len(pages):  # (fewer entries in the blog cache than pages: it is cold)
            self.before = self._load()

    def _load(self) -> set[str] | None:
        try:
            stored = json.loads(self.path.read_text(encoding="utf-8"))
            prints = stored["pages"]
            if stored["check"] == integrity(SOURCES_FORMAT, self.digest, *prints):
                return set(prints)
        except (OSError, ValueError, KeyError, TypeError):
            pass
        return None

    def changed(self) -> list[int] | None:
        """The indexes of the pages whose source the last build did not render (ascending),
        or None if nothing is known (no record, or another configuration)."""
        if self.before is None:
            return None
        return [i for i, p in enumerate(self.prints) if p is None or p not in self.before]

    def save(self) -> None:
        """Once every page is read (their renders are in the blog cache)."""
        prints = sorted({p for p in self.prints if p is not None})
        text = json.dumps({"pages": prints, "check": integrity(SOURCES_FORMAT, self.digest, *prints)})
        try:
            atomic_write(self.path, text.encode("utf-8"))
        except OSError as e:
            log.debug(f"newsbrief: second core: could not store the pages' sources: {e}")


def _print(file) -> str | None:
    try:
        if file.generated_by is None and file.abs_src_path:
            st = os.stat(file.abs_src_path)
            source = f"{st.st_dev}:{st.st_ino}:{st.st_size}:{st.st_mtime_ns}"
        else:
            source = hashlib.blake2b(file.content_bytes, digest_size=16).hexdigest()
    except (OSError, AssertionError, TypeError):
        return None
    return hashlib.blake2b(f"{file.src_uri}\0{source}".encode(), digest_size=12).hexdigest()


class SecondCore:
    """Both, for one build, as the newsbrief plugin's events call them: made in its
    ``on_nav``, ``reached`` (each page's on_page_markdown), ``populated`` (on_env),
    ``written`` (each page's on_post_page), ``close`` (before search.index, and on any
    error). Nothing runs without a second core or where the system cannot fork."""

    def __init__(self, speedup, config, files, pagefind: bool, max_pages: int, cache_dir: Path,
                 collector: Collector | None = None):
        self.ahead: RenderAhead | None = None
        self.indexes: EarlyIndexes | None = None
        self.sources: Sources | None = None
        self.split_build: SplitBuild | None = None
        self._pagefind = (pagefind, max_pages, cache_dir)
        self.collector = collector or Collector()  # (before the fork: the copy collects likewise)
        self._speedup = speedup  # (renders let go of once their pages are read)
        self._blog = speedup.cache if speedup is not None else None  # (the split's excerpt renders)
        self._read: list = []  # pages reached whose renders are not let go of yet
        if speedup is not None and hasattr(os, "fork") and _cores() >= 2:
            started = time.perf_counter()
            pages = _pages(files)
            self.sources = Sources(cache_dir / SOURCES_FILE, speedup.digest, pages, len(speedup.cache.index))
            only = self.sources.changed()
            log.info(f"newsbrief: second core: {'every' if only is None else len(only)} page(s) of {len(pages)} "
                     f"changed since the last build ({time.perf_counter() - started:.2f}s)")
            if only is not None and len(only) < MIN_AHEAD:
                return
            try:
                self.ahead = RenderAhead(speedup, config, files, self.collector, pages, only)
            except OSError as e:
                log.debug(f"newsbrief: no second process ({e})")

    def reached(self, page) -> None:
        self.collector.tick()
        if self.ahead is not None:
            self.ahead.reached(page)
        if self._speedup is not None:  # (the pages before this one are read and rendered)
            self._read.append(page)
            if len(self._read) > Collector.EVERY:
                self._speedup.spill_pages(self._read[:-1])
                del self._read[:-1]

    def populated(self, config, files) -> None:
        if self.ahead is not None:
            self.ahead.stop()
        if self.sources is not None:
            self.sources.save()
            self.sources = None
        if self._speedup is not None:  # every page is read (and the copy stopped): the rest
            self._speedup.cache.spill()
            self._speedup, self._read = None, []
        pagefind, max_pages, cache_dir = self._pagefind
        if pagefind and _cores() >= 2:
            self.indexes = EarlyIndexes(config, files, max_pages, cache_dir)

    def written(self, page) -> None:
        self.collector.written(page)
        if self.indexes is not None:
            self.indexes.written(page)

    def split(self, config, *, loop_ok: bool, page_cache=None, drawers=None, reuse=None, freezer=None,
              replay=None) -> None:
        """The page loop on both cores (``SplitBuild``), from the newsbrief plugin's ``on_env``
        once everything a page's build uses is made. Not when posts are frozen (the few
        pages built are not worth a fork), nor without a second core or ``fork``, nor when
        the seam "build-loop" (MkDocs' _build_page, as site/freeze.py wraps it) does not
        hold: ``loop_ok``, checked by the caller once a build."""
        if freezer is not None and (freezer.frozen or freezer.frozen_lists or freezer.pending):
            return
        if self.split_build is not None or not hasattr(os, "fork") or _cores() < 2:
            return
        if not loop_ok:
            return
        if any(name.split(" #", 1)[0] not in SPLIT_PLUGINS for name in config.plugins):
            return  # (another plugin may keep what each page's build leaves: not sent back)
        plugin = config.plugins.get("material/search") or config.plugins.get("search")
        index = getattr(plugin, "search_index", None) if getattr(getattr(plugin, "config", None), "enabled",
                                                                 False) else None
        if index is not None and not isinstance(getattr(index, "entries", None), list):
            return  # (Material's search index as search_replay.py knows it, or no split)
        self.split_build = SplitBuild(self, page_cache=page_cache, drawers=drawers, reuse=reuse, freezer=freezer,
                                      replay=replay, search_index=index, blog=self._blog)

    def close(self) -> None:
        self.collector.close()
        split, self.split_build = self.split_build, None
        if split is not None:
            split.close()
            if split.state == "done":
                log.info(split.summary())
        if self.ahead is not None:
            self.ahead.stop()
        indexes, self.indexes = self.indexes, None
        if indexes is not None:
            indexes.finish()
        if self.ahead is not None or indexes is not None:
            log.info(f"newsbrief: second core: {self.ahead.received if self.ahead else 0} page(s) read ahead, "
                     f"{indexes.started if indexes else 0} search index(es) begun while pages were written")
        self.ahead = None


# -- 3. the pages' templates on both cores ------------------------------------------------


# The plugins whose state after a page's build SplitBuild sends back (or that keep none).
SPLIT_PLUGINS = {"newsbrief", "search", "material/search", "blog", "material/blog", "tags", "material/tags",
                 "rss", "meta", "material/meta"}
# Fewer pages than this to build, and the templates are not shared: forking the build
# (~1 GB at 10k) costs more than a few pages' templates (~2-10 ms each) can save.
MIN_SPLIT = 200
# A copy that has sent nothing for this long is taken as stuck: ended, its pages built here.
STALL_S = 300.0


class SplitBuild:
    """The page loop on both cores (``SecondCore.split``). MkDocs builds pages one after
    another (``_build_page``: context, every plugin's ``on_page_context``, the template,
    ``on_post_page``, the write). At the loop's first page the build forks. Each page is
    claimed once, under a lock, by whichever process comes to it first: the build walks
    the pages in MkDocs' order; the copy walks them from the last back, the pages Pagefind
    indexes first (so that every index is complete, and begun, before the loop's last
    pages, which it does not index: the blog's lists and the tag pages), skipping those
    the build has claimed. The copy writes its pages into the site as MkDocs would and
    sends back, for each, everything its build leaves in the process for the rest of the
    build: the log records it emitted, Material's search entries it added, its freeze-record
    entry (site/freeze.py's ``built``), its page-cache key and the cache's counts, the
    drawer scripts it used and learned (site/shell.py), the blog cache's entries it
    rendered or read (a list page renders its cards' excerpts), whether site_reuse.py
    linked it. When the build's loop comes to a page the copy claimed, it waits for that
    page's result and puts it in place where the loop would have built the page (so
    Material's search entries and the record keep the order of pages). A page the copy
    did not report (an error there, the copy killed or stuck) is built by the build, its
    file removed first (it may be half-written, or a link into the previous site that a
    write would go through). The copy's pages' Pagefind indexes are begun as soon as it
    reports them written. A page is a function of its own context: nothing a page's build
    leaves is read by another page's template (tests/site/test_cold9_split.py builds
    sites both ways and compares every file, the freeze record and the blog cache)."""

    def __init__(self, second: SecondCore, *, page_cache=None, drawers=None, reuse=None, freezer=None,
                 replay=None, search_index=None, blog=None):
        from mkdocs.commands import build

        self.second = second
        self.page_cache, self.drawers, self.reuse = page_cache, drawers, reuse
        self.freezer, self.replay, self.search_index = freezer, replay, search_index
        self.blog = blog  # site/blog_speed.Cache: list pages' excerpts are rendered in the loop
        self.pid = 0
        self.received = 0  # pages the copy built
        self.built_here = 0  # pages of the split loop the build built
        self.waited = 0.0  # seconds the build waited for the copy
        self.copy_cpu = 0.0  # the copy's CPU seconds
        self._times: list = [None, None]  # (wall, this thread's CPU) at the loop's start, after its last page
        self.state = "new"  # new -> split (forked) or off; done once the copy has ended
        self._module, self._original = build, build._build_page
        self._results: dict[int, tuple] = {}
        self._arrived = threading.Condition()
        self._ended = False  # no more results will come (the copy's pipe closed)
        self._seen = time.monotonic()
        split = self

        def _build_page(page, config, doc_files, nav, env, dirty=False, excluded=False):
            return split.build_page(page, config, doc_files, nav, env, dirty, excluded)

        _build_page.__wrapped__ = self._original
        self._installed = _build_page
        build._build_page = _build_page

    # -- the build's side

    def build_page(self, page, config, doc_files, nav, env, dirty=False, excluded=False) -> None:
        if self.state == "new":
            self._start(config, doc_files, nav, env, dirty)
        i = self._index.get(page.file.src_uri, -1) if self.state == "split" else -1
        try:
            if i < 0 or self._claim(i):
                self.built_here += i >= 0
                return self._original(page, config, doc_files, nav, env, dirty, excluded)
            result = self._result(i)
            if result is None:  # not built there: built here, over whatever the copy left
                with contextlib.suppress(OSError):
                    os.unlink(page.file.abs_dest_path)
                self.built_here += 1
                return self._original(page, config, doc_files, nav, env, dirty, excluded)
            self._apply(page, result)
        finally:
            self._times[1] = (time.perf_counter(), time.thread_time())
            if i == len(self._pages) - 1:  # the loop's last page: the copy has no more to do
                self._finish()

    def _start(self, config, doc_files, nav, env, dirty) -> None:
        self.state = "off"
        self._pages = list(doc_files)
        if len(self._pages) < MIN_SPLIT:
            return
        import multiprocessing

        self._times[0] = (time.perf_counter(), time.thread_time())
        self._index = {f.src_uri: i for i, f in enumerate(self._pages)}
        try:  # (no working semaphore, e.g. no /dev/shm: one core)
            self._lock = multiprocessing.Lock()
            self._claims = mmap.mmap(-1, len(self._pages))  # a byte a page: 0 free, 1 the build's, 2 the copy's
        except (ImportError, OSError) as e:
            log.debug(f"newsbrief: templates on one core ({e})")
            return
        indexed = self.second.indexes.pages() if self.second.indexes is not None else set()
        last_first = range(len(self._pages) - 1, -1, -1)
        order = [j for j in last_first if self._pages[j].dest_uri in indexed] + \
                [j for j in last_first if self._pages[j].dest_uri not in indexed]
        try:
            rfd, wfd = os.pipe()
        except OSError as e:
            log.debug(f"newsbrief: templates on one core ({e})")
            return
        try:
            self.pid = os.fork()
        except OSError as e:
            os.close(rfd)
            os.close(wfd)
            log.debug(f"newsbrief: templates on one core ({e})")
            return
        if self.pid == 0:  # the copy: never returns
            os.close(rfd)
            self._child(config, nav, env, dirty, wfd, order)
        os.close(wfd)
        self._rfd = rfd
        self.state = "split"
        self._thread = threading.Thread(target=self._receive, name="newsbrief-split", daemon=True)
        self._thread.start()

    def _claim(self, i: int) -> bool:
        """The build takes page i (True) unless the copy has claimed it."""
        with self._lock:
            if self._claims[i]:
                return False
            self._claims[i] = 1
        return True

    def _receive(self) -> None:
        indexes = self.second.indexes
        try:
            for kind, *rest in messages(self._rfd):
                if kind == "page":
                    i, dest, result = rest
                    with self._arrived:
                        self._results[i] = result
                        self._seen = time.monotonic()
                        self._arrived.notify_all()
                    if indexes is not None:  # (on disk: its index may be begun)
                        indexes.done(dest)
                elif kind == "done":
                    self.copy_cpu = rest[0]
        except (OSError, ValueError, pickle.UnpicklingError, EOFError):
            pass
        finally:
            with self._arrived:
                self._ended = True
                self._arrived.notify_all()

    def _result(self, i: int) -> tuple | None:
        """Page i's result from the copy, once it is there (None: it will not come)."""
        started, stalled = time.perf_counter(), False
        with self._arrived:
            while i not in self._results and not self._ended and not stalled:
                self._arrived.wait(5.0)
                stalled = time.monotonic() - self._seen > STALL_S
            result = self._results.pop(i, None)
        if stalled:  # (ended outside the lock: its receiving thread takes it to finish)
            log.warning(f"newsbrief: second core: the page builder sent nothing for {STALL_S:.0f}s; "
                        "its pages are built here")
        if result is None:  # (the copy stopped, by a stall or an error here: it must write no more)
            self._end_child()
        self.waited += time.perf_counter() - started
        return result

    def _finish(self) -> None:
        """After the loop's last page: the copy ended (it has nothing left to claim)."""
        if self.state != "split":
            return
        started = time.perf_counter()
        with self._arrived:
            while not self._ended and time.monotonic() - self._seen <= STALL_S:
                self._arrived.wait(5.0)
        self._end_child()
        self.waited += time.perf_counter() - started
        self.state = "done"

    def _end_child(self) -> None:
        pid, self.pid = self.pid, 0
        if pid <= 0:
            return
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)  # (already gone once it has sent everything)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)
        if threading.current_thread() is not self._thread:
            self._thread.join()
        with contextlib.suppress(OSError):
            os.close(self._rfd)

    def _apply(self, page, result: tuple) -> None:
        """Where the loop would have built the copy's page: what that leaves, in order."""
        (records, entries, built, key, renders, reads, blog_counts, cache_counts, drawers_used, drawers_known,
         linked, reuse_counts) = result
        blog, cache = self.blog, self.page_cache
        for k, entry in renders:  # (an entry the build has made itself meanwhile is kept)
            if blog.new.get(k) is None:
                blog.put(k, entry)
        if blog is not None:
            blog.read.update(k for k in reads if k in blog.index)
            _add_counts(blog, blog_counts)
        for record in records:
            logging.getLogger(record.name).handle(record)
        if entries is not None and self.search_index is not None:
            self.search_index.entries.extend(entries)
            if self.replay is not None:
                self.replay.made[page.file.src_uri] = entries
        if built is not None and self.freezer is not None:
            self.freezer.built[page.file.src_uri] = built
        if cache is not None:
            if key is not None:
                cache.keys[page.file.src_uri] = key
                cache.used.add(key)
            _add_counts(cache, cache_counts)
        if self.drawers is not None:
            self.drawers.used.update(drawers_used)
            for k, js in drawers_known.items():
                self.drawers.known.setdefault(k, js)
        if self.reuse is not None:
            if linked:
                path = os.path.abspath(page.file.abs_dest_path)
                self.reuse._linked.add(path)
                self.reuse._dirs.add(os.path.dirname(path))
            _add_counts(self.reuse, reuse_counts)
        self.received += 1
        page.active = False
        self.second.written(page)  # (the collector's tick; the HTML let go of)

    def close(self) -> None:
        if self.pid > 0:
            self._end_child()
        if self._module._build_page is self._installed:
            self._module._build_page = self._original

    def summary(self) -> str:
        (wall0, cpu0), (wall1, cpu1) = self._times
        return (f"newsbrief: second core: the page loop: {self.built_here} page(s) built here "
                f"({wall1 - wall0:.2f}s, {cpu1 - cpu0:.2f}s of CPU, {self.waited:.2f}s waiting), "
                f"{self.received} in the second process ({self.copy_cpu:.2f}s of CPU)")

    # -- the copy's side

    def _child(self, config, nav, env, dirty, wfd: int, order: list[int]) -> None:
        code = 0
        try:
            detach_copy()
            self.second.indexes = None  # (Pagefind is the build's: it is told of each page)
            records: list = []

            def handle(logger, record) -> None:  # every record, handled by the build in order
                record.msg, record.args = record.getMessage(), None
                if record.exc_info:
                    record.exc_text = logging.Formatter().formatException(record.exc_info)
                    record.exc_info = None
                records.append(record)

            logging.Logger.handle = handle
            cache, blog, drawers, reuse, index = self.page_cache, self.blog, self.drawers, self.reuse, self.search_index
            if cache is not None:  # (the writer thread is the build's: not in this process)
                cache._writer = ThreadPoolExecutor(1, thread_name_prefix="newsbrief-pages")
                cache._room = threading.BoundedSemaphore(64)
            renders: list = []
            reads: list = []
            if blog is not None:  # (what the loop puts in or reads from the blog cache)
                put = blog.put

                def put_too(key, entry) -> None:
                    renders.append((key, entry))
                    put(key, entry)

                blog.put = put_too
                blog.read = _Noted(blog.read, reads)
            drawers_sent: set = set(drawers.used) if drawers is not None else set()
            known_sent: set = set(drawers.known) if drawers is not None else set()

            for j in order:
                with self._lock:
                    if self._claims[j]:
                        continue
                    self._claims[j] = 2
                file = self._pages[j]
                page, src = file.page, file.src_uri
                start = len(index.entries) if index is not None else 0
                before = [_counts(blog, _BLOG_COUNTS), _counts(cache, _CACHE_COUNTS), _counts(reuse, _REUSE_COUNTS)]
                records.clear()
                renders.clear()
                reads.clear()
                try:
                    self._original(page, config, self._pages, nav, env, dirty, file.inclusion.is_excluded())
                except Exception:  # the build builds it itself, and reports
                    break
                used_now = drawers.used - drawers_sent if drawers is not None else set()
                known_now = {k: v for k, v in drawers.known.items() if k not in known_sent} \
                    if drawers is not None else {}
                drawers_sent |= used_now
                known_sent |= known_now.keys()
                after = [_counts(blog, _BLOG_COUNTS), _counts(cache, _CACHE_COUNTS), _counts(reuse, _REUSE_COUNTS)]
                linked = reuse is not None and os.path.abspath(file.abs_dest_path) in reuse._linked
                send_message(wfd, ("page", j, file.dest_uri, (
                    list(records), index.entries[start:] if index is not None else None,
                    self.freezer.built.get(src) if self.freezer is not None else None,
                    cache.keys.get(src) if cache is not None else None, list(renders), list(reads),
                    *({k: a[k] - b[k] for k in a} for a, b in zip(after[:2], before[:2], strict=True)),
                    sorted(used_now), known_now, linked, {k: after[2][k] - before[2][k] for k in after[2]})))
            if cache is not None:  # every page stored (one lost with a killed copy is rendered again)
                cache._writer.shutdown(wait=True)
            send_message(wfd, ("done", sum(os.times()[:2])))
        except BaseException:
            code = 1
        finally:
            os._exit(code)


class _Noted(set):
    """The blog cache's ``read`` set in the copy: each key added also noted (for the build)."""

    def __init__(self, keys, noted: list):
        super().__init__(keys)
        self.noted = noted

    def add(self, key) -> None:
        super().add(key)
        self.noted.append(key)


def _counts(obj, names: tuple[str, ...]) -> dict[str, int]:
    return {} if obj is None else {name: getattr(obj, name) for name in names}


def _add_counts(obj, counts: dict[str, int]) -> None:
    for name, n in counts.items():
        setattr(obj, name, getattr(obj, name) + n)


_BLOG_COUNTS = ("hits", "misses", "uncacheable", "page_hits", "page_misses", "discarded")
_CACHE_COUNTS = ("hits", "misses", "uncacheable", "discarded", "other_hits", "other_misses")
_REUSE_COUNTS = ("linked", "written")
