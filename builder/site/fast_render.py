"""Under `newsbrief serve`: the briefs a change touched first, the whole site behind them.

A serve rebuild is a whole build (at 10,000 briefs ~20 s, most of it pages the change did
not touch). As Hugo's server does by default ("fast render"), the pages of the briefs the
conversion wrote or deleted are rendered first, right after the conversion, with the
previous build's configuration, files and navigation, into the folder being served, and
the browsers are told to reload. The whole rebuild goes on meanwhile into a folder of its
own (``next_folder``), which replaces the served one once it is complete; the browsers
then reload again. Until then the served site is the previous build with the changed
briefs' own pages: a list that should name a new brief does not yet, a link to a page
that only the rebuild makes (a new tag's page) is missing for those seconds.

The fast pages are rendered by a forked copy of the server process (``FastRender``): it
has the previous build's objects as they were (Material's blog with its posts, MkDocs'
files and navigation), changes them freely and exits, while the server process goes on
with the rebuild on the other core. Nothing the copy does can reach the rebuild: it
writes only the changed briefs' pages into the served folder (each to a temporary file,
then renamed over, so a page linked into the rebuild is never written through) and no
cache (the page cache and the reuse of pages are off in it).

The server's side (``Served``) relies on MkDocs' LiveReloadServer internals (seam
"serve-fast-render"): its epochs (the version of the site it serves and the one being
built; requests wait while they differ) and the folder it serves. When the seam does not
hold, a serve rebuild is as before: the whole build, then one reload.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import posixpath
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..output.store import replace_file
from . import avatars, cold_speed, escaping, seams
from .blog import blogs, posts_folder
from .build import remove_later

log = logging.getLogger("mkdocs.plugins.newsbrief")

NEXT = "-next"  # the rebuild's folder: beside the served one, renamed over it when complete
OLD = "-old"
FAST_LIMIT = 50  # more changed pages than this: no fast render (the rebuild shows them)


class Served:
    """The folder `mkdocs serve` serves and when its requests are answered (seam
    "serve-fast-render": LiveReloadServer's ``_epoch_cond``, ``_visible_epoch``,
    ``_wanted_epoch`` and ``root``)."""

    def __init__(self, server):
        self.server = server
        self.root = Path(server.root)
        self.next = self.root.with_name(self.root.name + NEXT)

    def release(self) -> None:
        """Serve the folder as it is now: requests are answered again, and the open pages
        reload (MkDocs does the same at the end of a rebuild)."""
        server = self.server
        with server._epoch_cond:
            server._visible_epoch = server._wanted_epoch
            server._epoch_cond.notify_all()

    def swap(self) -> None:
        """The rebuild's folder becomes the served one. Requests wait meanwhile (a newer
        wanted epoch), and MkDocs answers them, and reloads the pages, when the build
        returns; the replaced folder is deleted by a detached process."""
        from mkdocs.livereload import _timestamp

        server = self.server
        old = self.root.with_name(f"{self.root.name}{OLD}-{time.monotonic_ns()}")
        with server._epoch_cond:
            server._wanted_epoch = max(_timestamp(), server._visible_epoch + 1)
            os.rename(self.root, old)
            os.rename(self.next, self.root)
        remove_later(old)

    def discard_next(self) -> None:
        if self.next.exists():
            remove_later(self.next)


@dataclass
class LastBuild:
    """What the fast render needs of the last complete build: its objects as that build
    left them, and the newsbrief plugin's own state that shapes a page's bytes."""

    config: object
    files: object
    nav: object
    state: dict = field(default_factory=dict)
    # Each plugin's options as that build had them: MkDocs keeps a plugin that has an
    # on_startup event across serve rebuilds but loads its options again before the next
    # build's on_config (Material's search, switched off under Pagefind, is on again then).
    options: list = field(default_factory=list)

    @classmethod
    def of(cls, config, files, nav, state: dict) -> LastBuild:
        plugins = [getattr(p, "real", p) for p in config.plugins.values()]  # (site/search.py's stub: its plugin)
        return cls(config, files, nav, state, [(p, p.config) for p in plugins if hasattr(p, "config")])


@dataclass
class Change:
    """What a conversion changed in the posts folder (its WriteReport), docs-relative."""

    pages: list[str]  # Markdown pages written
    removed: list[str]  # Markdown pages deleted
    written: set[str]  # every file written (the authors file among them, or not)

    @classmethod
    def of(cls, write, posts_uri: str) -> Change:
        if write is None:
            return cls([], [], set())
        prefix = posts_uri.strip("/")
        written = [posixpath.join(prefix, rel) for rel in write.written]
        return cls([uri for uri in written if uri.endswith(".md")],
                   [posixpath.join(prefix, rel) for rel in write.deleted if rel.endswith(".md")], set(written))


def _blog_of(config, src_uri: str):
    """The blog whose posts folder holds this page (the deepest one: the digests' folder
    is inside the briefs')."""
    best = None
    for blog in blogs(config):
        folder = posts_folder(blog) + "/"
        if src_uri.startswith(folder) and (best is None or len(folder) > len(posts_folder(best)) + 1):
            best = blog
    return best


class FastRender:
    """The changed pages rendered by a forked copy into the served folder; ``on_done``
    is called (from a thread of this process) once they are in place."""

    def __init__(self, last: LastBuild, plugin, change: Change, served: Served, on_done):
        self.pid = 0
        self.started = time.perf_counter()
        rfd, wfd = os.pipe()
        try:
            self.pid = os.fork()
        except OSError:
            os.close(rfd)
            os.close(wfd)
            raise
        if self.pid == 0:  # the copy: never returns
            os.close(rfd)
            _child(last, plugin, change, served.root, wfd, self.started)
        os.close(wfd)
        self._thread = threading.Thread(target=self._wait, args=(rfd, on_done), name="newsbrief-fast-render",
                                        daemon=True)
        self._thread.start()

    def _wait(self, rfd: int, on_done) -> None:
        line = b""
        with contextlib.suppress(OSError), os.fdopen(rfd, "rb") as pipe:
            line = pipe.readline()  # (before the copy's exit: unmapping a big heap takes a while)
        seconds = time.perf_counter() - self.started
        message = line.decode("utf-8", "replace").strip()
        if message.startswith("ok "):
            on_done(message[3:], seconds)
        else:
            log.info(f"newsbrief: fast render failed ({message or 'the copy ended without a word'}); "
                     "the page shows after the rebuild")
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)
        self.pid = 0

    def stop(self) -> None:
        """The copy stopped (if it still runs) before the served folder is replaced."""
        pid = self.pid
        if pid:
            with contextlib.suppress(OSError):
                os.kill(pid, 9)
        self._thread.join()


def _child(last: LastBuild, plugin, change: Change, served: Path, wfd: int, started: float) -> None:
    """The copy's whole life: render, put in place, say so in one line, exit without
    running anything of the server's (atexit, plugins' shutdown, buffered output)."""
    code, message = 1, "?"
    try:
        from .second_core import detach_copy

        detach_copy()
        gc.disable()  # (a short life: no collection touching, and so copying, the whole heap)
        logging.disable(logging.CRITICAL)  # (the rebuild logs what a render logs, once)
        done = render(last, plugin, change, served, started)
        code, message = 0, f"ok {done}"
    except BaseException as e:  # (anything: the server process must hear of it)
        message = f"{type(e).__name__}: {e}".replace("\n", " ")[:300]
    finally:
        with contextlib.suppress(OSError):
            os.write(wfd, message.encode("utf-8", "replace") + b"\n")
        os._exit(code)


def render(last: LastBuild, plugin, change: Change, served: Path, started: float | None = None) -> str:
    """In the copy: the changed posts made, read and templated as MkDocs' build does them
    (_populate_page, the env event, _build_page) with the last build's objects; each page
    written beside the served folder and renamed into it; removed posts' pages deleted.
    Returns what was done, for the log."""
    from mkdocs.commands.build import _build_page, _populate_page
    from mkdocs.structure.files import File, InclusionLevel

    config, files, nav = last.config, last.files, last.nav
    changed, removed = change.pages, change.removed
    clock = [time.perf_counter()]
    forked = clock[0] - started if started is not None else 0.0

    def lap() -> float:
        clock.append(time.perf_counter())
        return clock[-1] - clock[-2]

    for each, options in last.options:
        each.config = options
    for name, value in last.state.items():  # (the newsbrief plugin as the last build left it)
        setattr(plugin, name, value)
    if plugin.config.cold_speed:  # (as the last build had it: its excerpts make their parser when used)
        cold_speed.LazyExcerptParser(seams.check("blog-excerpt-parser") is None)
    # No cache is written from the copy, and nothing of the rebuild is touched.
    plugin.config.page_cache = False
    plugin.config.site_reuse = False
    plugin.posts = []
    deleted = 0
    for src_uri in removed:
        old = files.get_file_from_path(src_uri)
        if old is not None and old.page is not None and _blog_of(config, src_uri) is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(served / old.dest_path)
                deleted += 1
    staging = Path(tempfile.mkdtemp(prefix=served.name + "-fast-", dir=served.parent))
    try:
        gone = set(removed) | set(changed)
        pages, touched = [], {}
        for blog in blogs(config):  # the posts the conversion changed or removed, out
            if getattr(blog, "blog", None) is not None:
                blog.blog.posts = [p for p in blog.blog.posts if p.file.src_uri not in gone]
        for src_uri in gone:
            old = files.get_file_from_path(src_uri)
            if old is not None:
                files.remove(old)
        for src_uri in changed:  # their new versions in, each as its blog's on_files makes it
            blog = _blog_of(config, src_uri)
            if blog is None or getattr(blog, "blog", None) is None:
                continue
            file = File(src_uri, config.docs_dir, config.site_dir, config.use_directory_urls)
            post = blog._resolve_post(file, config)
            if blog._is_excluded(post):
                continue
            file.inclusion = InclusionLevel.NOT_IN_NAV
            files.append(file)
            blog.blog.posts.append(post)
            touched[id(blog)] = blog
            pages.append((blog, post))
        for blog in touched.values():
            blog.blog.posts.sort(key=lambda p: (p.config.pin, p.config.date.created), reverse=True)
            # (each post's parent and neighbours, as the blog's on_nav sets them)
            blog._attach(blog.blog, [None, *reversed(blog.blog.posts), None])
            authors_file = posixpath.normpath(blog.config.authors_file.format(blog=blog.config.blog_dir))
            if blog.config.authors and authors_file in change.written:  # (as the blog's on_config reads it)
                blog.authors = blog._resolve_authors(config)
                escaping.escape_authors([blog])
                avatars.as_files([blog], files, config)
                _missing_avatars(blog, files, served)
                if blog.config.authors_profiles:
                    _profile_urls(blog, files)
        for blog, post in pages:
            if blog.config.categories:
                _categories(blog, post, files)
        posts = [post for _, post in pages]
        # The first page of each changed blog's own list (the home page for the briefs),
        # where a new brief shows first; its other lists come with the rebuild.
        lists = {id(b): b.blog for b in (_blog_of(config, uri) for uri in gone)
                 if b is not None and getattr(b, "blog", None) is not None and b.blog.file is not None}
        pages = [*posts, *lists.values()]
        made = lap()
        for page in pages:
            _populate_page(page, config, files)
        read = lap()
        env = config.plugins.on_env(config.theme.get_env(), config=config, files=files) if pages else None
        prepared = lap()
        doc_files = files.documentation_pages(inclusion=InclusionLevel.is_in_serve)
        for page in pages:
            page.file.abs_dest_path = str(staging / page.file.dest_path)
            _build_page(page, config, doc_files, nav, env)
        templated = lap()
        drawers = getattr(plugin, "_drawers", None)
        for page in pages:
            target = served / page.file.dest_path
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(page.file.abs_dest_path, target)
        if drawers is not None:  # a drawer script none of the served pages used yet
            _missing_drawers(drawers, served)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return (f"{len(posts)} post(s) and {len(lists)} list(s) rendered, {deleted} deleted (copy {forked:.2f}s, "
            f"posts made {made:.2f}s, read {read:.2f}s, env {prepared:.2f}s, templates {templated:.2f}s)")


def _missing_drawers(drawers, served: Path) -> None:
    from .shell import SHELL_DIR

    for key in sorted(drawers.used):
        path = served / SHELL_DIR / f"nb-nav.{key}.js"
        js = drawers.known.get(key)
        if js is not None and not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            replace_file(path, js.encode("utf-8"))


def _missing_avatars(blog, files, served: Path) -> None:
    """A new author's avatar file, which the served folder has not yet."""
    for author in blog.authors.values():
        path = getattr(author, "avatar", None)
        file = files.get_file_from_path(path) if isinstance(path, str) and path.startswith(avatars.AVATAR_DIR) else None
        if file is not None and not (served / file.dest_path).exists():
            (served / file.dest_path).parent.mkdir(parents=True, exist_ok=True)
            replace_file(served / file.dest_path, file.content_bytes)


def _profile_urls(blog, files) -> None:
    """Each author's profile page, where the last build made one (the blog's
    _generate_profiles sets ``author.url``; a new author's page comes with the rebuild)."""
    for key, author in blog.authors.items():
        if not author.url:
            view = files.get_file_from_path(blog._format_path_for_profile(key, author))
            if view is not None:
                author.url = view.url


def _categories(blog, post, files) -> None:
    """The post's category pages (the publishers' pages here), where the last build made
    them (the blog's _generate_categories; a new one comes with the rebuild)."""
    from material.plugins.blog.structure import Category

    for name in post.config.categories:
        view = files.get_file_from_path(blog._format_path_for_category(name))
        if view is not None and isinstance(view.page, Category):
            post.categories.append(view.page)
