"""A cold build's posts on two cores (issue #15 item 4; part of ``cold_speed``; seam
``posts-ahead``). Material's blog makes a ``Post`` for every post in its ``on_files``
(the file read, its front matter parsed, its options validated, its URLs: ~0.8-1 ms a
post on one core, ~10-12 s of CPU at 10,000 briefs, before anything else of the build
can start). A warm build restores each unchanged post from the post store instead
(site/blog_speed.py ``_PostStore``, seam ``blog-post-restore``: ~0.1 ms a post), keyed
by the file's bytes and everything else the post depends on.

Here, when many posts have no line in that store (a cold build), the newsbrief plugin's
``on_files`` (before the blogs') forks a copy of the build that makes the posts from the
last one back, exactly as the build would (the blog plugin's own ``_resolve_post``, with
blog_speed's store), and sends each post's store line and the blog-cache entries its
making put (front matter, options) to the build. The build's blogs then read their
posts from the first one on: a post whose line has come from the copy is restored from
it, through the very check a warm build makes (same file bytes and source path, same
context: the blog's options, the site, the versions; ``_restored_post`` rebuilds what
Material's call sets); any other post is made as before. The two meet in the middle
(the copy stops where the build has got to: ``reached``), so the build makes about half
the posts and restores the other half. Nothing else of the copy reaches the build: a
post whose making logged anything or raised a warning is not sent (the build makes it,
and logs), its log and exit are its own, and it is ended in the newsbrief plugin's
``on_nav``. The site and the post store are the same as without it, and so are the blog
cache's entries when the copy's list of posts is the blog's (a post the copy made that the
build never asks for leaves its entries in the cache: unused, never output)
(tests/site/test_cold12_posts_ahead.py).

Not when the store has a line for most posts (a warm build: they are restored anyway),
below MIN_POSTS posts to make, without a second core or ``fork``, or when the blog-post
store is not installed.
"""

from __future__ import annotations

import contextlib
import logging
import mmap
import os
import pickle
import signal
import struct
import threading
import warnings

from .blog import blogs
from .second_core import _cores, _Noted, detach_copy, messages, send_message

try:
    import resource
except ImportError:  # (not on every platform; only the debug trace reads it)
    resource = None

log = logging.getLogger("mkdocs.plugins.newsbrief.posts_ahead")

# Fewer posts to make than this, and no copy is forked: the fork, and the copy-on-write
# faults it causes the build, cost more than the posts (~1 ms each) it would make.
MIN_POSTS = 200


def plan(speed, config, files) -> list[tuple]:
    """The posts the blogs will make (no line in their store), in the order they will ask
    for them: each blog in the order of its on_files, its posts as Material's
    ``_resolve_posts`` walks them (the documentation pages included now, under its posts
    folder, not taken by an earlier blog). Only a guess at what is asked: a post asked
    otherwise, or by another blog, finds no line of the copy's and is made as before."""
    pages = list(files.documentation_pages())
    taken: set[str] = set()
    work = []
    for plugin in blogs(config):
        path = os.path.normpath(plugin.config.post_dir.format(blog=plugin.config.blog_dir))
        context, _edit = speed._post_context(plugin, config)
        store = speed._post_store(context) if context is not None else None
        for file in pages:
            if file.src_uri in taken or not file.src_path.startswith(path):
                continue
            taken.add(file.src_uri)
            if store is not None and file.src_uri not in store.lines:
                work.append((plugin, file, context))
    return work


def start(speed, config, files) -> PostsAhead | None:
    """From the newsbrief plugin's on_files, once the seam ``posts-ahead`` holds: the copy,
    if it can pay."""
    if speed is None or speed._resolve_post is None or not hasattr(os, "fork") or _cores() < 2:
        return None
    work = plan(speed, config, files)
    if len(work) < MIN_POSTS:
        return None
    try:
        return PostsAhead(speed, config, work)
    except OSError as e:
        log.debug(f"newsbrief: posts on one core ({e})")
        return None


class PostsAhead:
    """The forked maker of posts. ``reached(file)`` as the build asks for each post
    (site/blog_speed.Speedup.resolve_post); ``stop()`` once the blogs have their posts
    (or on an error); safe to call twice."""

    def __init__(self, speed, config, work: list[tuple]):
        self.speed = speed
        self.work = work
        self.index = {file.src_uri: i for i, (_plugin, file, _context) in enumerate(work)}
        self.stores = {context: speed._post_store(context) for _plugin, _file, context in work}
        self._progress = mmap.mmap(-1, 8)  # the index of the post the build has reached, shared
        self._since = resource.getrusage(resource.RUSAGE_SELF) if resource is not None else None
        self._set_progress(-1)
        self._thread: threading.Thread | None = None
        rfd, wfd = os.pipe()
        try:
            self.pid = os.fork()
        except OSError:
            os.close(rfd)
            os.close(wfd)
            raise
        if self.pid == 0:  # the copy: never returns
            os.close(rfd)
            self._child(config, wfd)
        os.close(wfd)
        self._rfd = rfd
        try:
            self._thread = threading.Thread(target=self._receive, name="newsbrief-posts", daemon=True)
            self._thread.start()
        except BaseException:  # (the copy would wait on a full pipe until this process ends)
            self._thread = None
            self.stop()
            raise

    def _set_progress(self, i: int) -> None:
        self._progress[:8] = struct.pack("<q", i)

    def progress(self) -> int:
        return struct.unpack("<q", self._progress[:8])[0]

    def reached(self, file) -> None:
        i = self.index.get(getattr(file, "src_uri", None), -1)
        if i > self.progress():
            self._set_progress(i)

    def _receive(self) -> None:
        cache = self.speed.cache
        try:
            for context, src, line, entries, reads in messages(self._rfd):
                # What the making put in the blog cache, as the build would have put it
                # (an entry the build has made itself meanwhile is kept as it is).
                for key, entry in entries:
                    if cache.new.get(key) is None:
                        cache.put(key, entry)
                cache.read.update(key for key in reads if key in cache.index)
                store = self.stores.get(context)
                if store is not None:
                    store.ahead[src] = line
        except (OSError, ValueError, pickle.UnpicklingError, EOFError):
            pass

    def stop(self) -> None:
        if self.pid <= 0:
            return
        pid, self.pid = self.pid, 0
        self._set_progress(len(self.work))
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)  # (already gone once it has met the build)
        copy = None
        with contextlib.suppress(ChildProcessError):
            _pid, _status, copy = os.wait4(pid, 0)
        self._trace(copy)
        if self._thread is not None:
            self._thread.join()
        os.close(self._rfd)
        for store in self.stores.values():  # (the lines the build used are in its store's `used`)
            store.ahead.clear()

    def _trace(self, copy) -> None:
        """What the copy cost in CPU and page faults, and what the build spent meanwhile
        (debug: `mkdocs build -v`); minor faults are mostly copy-on-write after the fork."""
        if copy is None or self._since is None or not log.isEnabledFor(logging.DEBUG):
            return
        now, since = resource.getrusage(resource.RUSAGE_SELF), self._since
        log.debug(f"newsbrief: posts ahead: the copy {copy.ru_utime:.2f} s user, {copy.ru_stime:.2f} s system, "
                  f"{copy.ru_minflt} minor faults; the build meanwhile {now.ru_utime - since.ru_utime:.2f} s user, "
                  f"{now.ru_stime - since.ru_stime:.2f} s system, {now.ru_minflt - since.ru_minflt} minor faults")

    # -- the copy's side

    def _child(self, config, wfd: int) -> None:
        code = 0
        try:
            detach_copy()
            heard: list = []

            def handle(logger, record) -> None:  # (a post that logs is made by the build, which logs)
                heard.append(record)

            logging.Logger.handle = handle
            cache = self.speed.cache
            entries: list = []
            reads: list = []
            put = cache.put

            def put_too(key, entry) -> None:
                entries.append((key, entry))
                put(key, entry)

            cache.put = put_too
            cache.read = _Noted(cache.read, reads)

            from mkdocs.structure.files import InclusionLevel

            with warnings.catch_warnings(record=True) as caught:
                for j in reversed(range(len(self.work))):
                    if j <= self.progress():
                        break
                    plugin, file, context = self.work[j]
                    store = self.stores[context]
                    heard.clear()
                    entries.clear()
                    reads.clear()
                    before = len(caught)
                    file.inclusion = InclusionLevel.EXCLUDED  # (as _resolve_posts does before it)
                    try:
                        plugin._resolve_post(file, config)  # (blog_speed's: made, and stored if it can be)
                    except Exception:  # the build makes it, and reports
                        continue
                    finally:
                        file.page = None  # (the copy's memory: the post is sent, not kept)
                    line = store.used.get(file.src_uri)
                    if line is None or heard or len(caught) != before:
                        continue
                    send_message(wfd, (context, file.src_uri, line, list(entries), list(reads)))
        except BaseException:
            code = 1
        finally:
            os._exit(code)
