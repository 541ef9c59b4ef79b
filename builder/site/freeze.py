"""Unchanged briefs and digests are not built again (issue #15: a build after one new dump
at 10,000 briefs ran every MkDocs event for every one of ~12,400 posts, ~20 s of a +1 build
that changes ~150 pages).

A post's page is a function of its inputs (what site/page_cache.py's key holds): the site
(package versions, newsbrief's site code, the configuration, the templates, the navigation),
its own Markdown and front matter, URL, authors, publisher pages, previous and next post,
ancestors, tag pages, related briefs, the URL each of its links resolves to, and the
labelled titles of the archive (site/labels.py badges them on every page). Each build
records, for each post it built, a key over those inputs, the sha256 of the page it wrote
and what other pages and plugins read of it once built: Material's read time and the title
its render found, the anchors it holds, the drawer script it uses, its page-cache key.

On the next `newsbrief build`, once the navigation is final, each post's key is computed
again *before* any page event runs. A post is **frozen** when its key is the one recorded
and the previous site's copy of its page still has the recorded sha256: MkDocs' render,
``on_page_content``, template and write are skipped for it, and its page is hard-linked
from the previous site. What the other pages need of it is what a normal build gives:

- every plugin's ``on_page_markdown`` runs as usual (the blog makes its excerpt and takes
  its authors, the tags plugin maps its tags, newsbrief registers its label);
- the RSS plugin's ``on_page_content`` runs as usual: it reads the front matter, not the
  HTML (a post without a ``description`` is never frozen: the plugin would read its HTML);
- Material's read time, the rendered title (excerpts use it) and the anchors (MkDocs checks
  links into the page) come from the record.

A blog list page is frozen the same way when its own inputs (source, pager, neighbours, the
posts it shows) are as recorded and so is what it shows of each post: the post's inputs but
its related block (which is on the post's page only), its links' URLs, read time and title.
Those of a post that is built again are known once it is rendered, so such a list page is
decided at its ``_build_page``: linked then, or rendered and built (``settle``). A new
brief's related neighbours are built again, but the lists that show them are not.

Only under ``newsbrief build`` (the previous site is there to link from, site_reuse.py)
and ``mkdocs serve`` (the last build's pages are set aside before MkDocs empties its folder),
with Pagefind as the search engine (Material's search indexes each page's HTML in its
``on_page_context``: under it, only with its entries replayed, site/search_replay.py),
every configured plugin one whose per-page events are handled above
(site_reuse.KNOWN_PLUGINS without Material's search), and the blog cache of
site/blog_speed.py (a post's links are replayed from it). Guarded by the seam
"build-loop" (site/seams.py): MkDocs' ``_populate_page`` and ``_build_page`` are wrapped
for the build. Anything unknown means the post is built the normal way.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import logging
import os
import shutil
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import orjson

from ..output.store import atomic_write, integrity
from . import labels, pagination
from .blog import blogs
from .build import remove_later
from .page_cache import _link, _plain, site_key

log = logging.getLogger("mkdocs.plugins.newsbrief.freeze")

RECORD_FILE = "freeze.json"
SERVE_RECORD_FILE = "freeze-serve.json"
SET_ASIDE = ".newsbrief-previous"
_FORMAT = 2
# The plugins whose per-page events this module accounts for (the module docstring).
HANDLED_PLUGINS = {"newsbrief", "blog", "material/blog", "tags", "material/tags", "rss", "meta", "material/meta"}


# (old, new) path pairs, NUL-separated, on its stdin: folders made, each old file linked at
# the new path (copied where the file system refuses links); -I -S: nothing but os/shutil.
_LINK_CHILD = """
import os, shutil, sys
data = sys.stdin.buffer.read().split(b"\\0")
made = set()
for old, new in zip(data[0::2], data[1::2]):
    folder = os.path.dirname(new)
    if folder not in made:
        os.makedirs(folder, exist_ok=True)
        made.add(folder)
    try:
        os.link(old, new)
    except OSError:
        shutil.copyfile(old, new)
"""

_dumps, _loads = orjson.dumps, orjson.loads  # (pinned; output/cache.py reads and writes with it too)


@dataclasses.dataclass
class Record:
    key: str            # over the post's inputs (static part and its links' URLs)
    sha: str            # sha256 of the page as written
    dest: str           # its path in the site
    readtime: int | None
    title: str | None   # the title its render found (Page._title_from_render)
    anchors: list       # Page.present_anchor_ids
    calls: list         # its links and what each resolved to: [[url, result], ...]
    drawers: list       # the drawer scripts it refers to
    page_key: str | None
    part: str | None = None  # a list page's key but its posts' cards (a post's: None)


def _sha256(path: str) -> str | None:
    try:
        with open(path, "rb") as f:
            return hashlib.file_digest(f, "sha256").hexdigest()
    except OSError:
        return None


def usable(config, engine: str | None, speedup, search_replay: bool = False) -> bool:
    """Whether this build may freeze posts at all (see the module docstring; the seam
    "build-loop" is checked by the caller, on every build); a build with no previous site
    to link from freezes none but records its posts for the next one. ``search_replay``:
    Material's search entries of frozen pages are replayed (site/search_replay.py)."""
    if speedup is None or not (engine == "pagefind" or (engine == "material" and search_replay)):
        return False
    # Material's search stays listed, switched off for Pagefind (site/search.configure).
    names = {name.split(" #", 1)[0] for name in config.plugins} - {"search", "material/search"}
    return names <= HANDLED_PLUGINS


def set_aside(site_dir: str) -> Path | None:
    """Under `mkdocs serve`, which empties its site folder before each build: the last
    build's pages moved to a sibling folder (None if there are none)."""
    site = Path(site_dir)
    aside = site.with_name(f"{site.name}{SET_ASIDE}-{time.monotonic_ns()}")  # (an older one may be being deleted)
    try:
        if not site.is_dir() or not any(site.iterdir()):
            return None
        os.rename(site, aside)
        site.mkdir()
    except OSError as e:
        log.debug(f"newsbrief: last pages not set aside: {e}")
        return None
    return aside


def discard(aside: Path | None, wait: bool = False) -> None:
    """A set-aside folder deleted (by a detached process, as a replaced site is, unless ``wait``)."""
    if aside is None:
        return
    if wait:
        shutil.rmtree(aside, ignore_errors=True)
    else:
        remove_later(aside)


class Freezer:
    """One build's frozen posts: decided in ``plan()``, installed around MkDocs' page loop
    by ``install()``; ``save()`` records this build's posts for the next one."""

    def __init__(self, record: Path, previous: Path | None, speedup, related, tag_pages, drawers_store):
        self.path = record
        self.previous = previous
        self.speedup, self.related, self.tag_pages = speedup, related, tag_pages
        self.drawers_store = drawers_store
        self.static: dict[str, str] = {}      # src_uri -> static key part, every post
        self.cards: dict[str, str] = {}       # src_uri -> what a list shows of it, but its render's part
        self.posts: dict[str, object] = {}    # src_uri -> the post
        self.frozen: dict[str, Record] = {}   # src_uri -> its record, frozen posts
        self.lists: dict[str, tuple] = {}     # src_uri -> (static key part, posts shown), list pages
        self.frozen_lists: dict[str, Record] = {}
        self.pending: dict[str, Record] = {}  # list pages decided once their built posts are rendered
        self.built: dict[str, dict] = {}      # src_uri -> what a built post left to record
        self.owner: dict[str, object] = {}    # src_uri -> its blog plugin
        self.on_written: list = []            # callbacks(page) for a frozen page put in place
        self.drawers: set[str] = set()
        self.page_keys: set[str] = set()
        self._dirs: set[str] = set()
        self._raw: dict[str, list] = {}
        self._targets: list[tuple[str, str]] = []  # (previous site's file, this build's), frozen pages
        self._linker: threading.Thread | None = None
        self._link_error: OSError | None = None
        self._saved_loop = None
        self._files = None                    # this build's Files (MkDocs passes _build_page a list)
        self.accept = None                    # (src_uri, Record) -> may it be frozen (search_replay.py)

    # -- deciding -------------------------------------------------------------------

    def _load(self) -> dict[str, Record]:
        try:
            data = _loads(self.path.read_bytes())
            if data.get("format") != _FORMAT:
                return {}
            self._raw = data["posts"]  # (a frozen post's record is saved again as read)
            return {src: Record(*fields) for src, fields in self._raw.items()}
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            return {}

    def plan(self, config, files, nav) -> None:
        """Every post's and list page's key (before any page event) and which are frozen."""
        self._files = files
        site = site_key(config, nav)
        every = [p for b in blogs(config) for p in b.blog.posts]
        registry: dict = {}
        for post in every:
            if lab := labels.from_meta(post.meta):
                labels.register(registry, lab)
        label_part = _plain(sorted([k, list(dataclasses.astuple(v))] for k, v in registry.items()))
        site_part = integrity("freeze", str(_FORMAT), site, label_part)
        for index, blog in enumerate(blogs(config)):
            for post in blog.blog.posts:
                src = post.file.src_uri
                self.owner[src], self.posts[src] = blog, post
                self.cards[src] = self._card_key(site_part, index, blog, post, files)
                # (the related block is on the post's page, not on its card)
                self.static[src] = integrity(
                    self.cards[src], self.related.html_for(post, files) if self.related is not None else "")
            for view in blog._resolve_views(blog.blog):
                for page in view.pages or [view]:
                    self._list_static(site_part, index, blog, view, page)
        old = self._load() if self.previous is not None else {}
        candidates = []
        for post in every:
            rec = old.get(post.file.src_uri)
            # (the RSS plugin reads a post's HTML when it has no description; a post with no
            # headline may have had no content, which the byline and chips go by)
            if rec is None or not post.meta.get("description") or rec.title is None:
                continue
            # (what each recorded link resolves to now; None if one logs, as the build would)
            calls = self.speedup.replay_links(post, rec.calls, config, files) if rec.calls else []
            if calls is None or integrity(self.static[post.file.src_uri], _plain(calls)) != rec.key:
                continue
            candidates.append((post.file, rec))
        self._check_previous(candidates, self.frozen)
        # A list page whose own inputs are as recorded, and what it shows of each post: frozen
        # now if its posts are, else pending until they are rendered (_build_page).
        candidates, later = [], []
        for src, (static, shown) in self.lists.items():
            rec = old.get(src)
            if rec is None or rec.part != static or rec.title is None:
                continue
            if all(s in self.frozen for s in shown):
                if self.list_key(static, shown) == rec.key:
                    candidates.append((files.get_file_from_path(src), rec))
            else:
                later.append((files.get_file_from_path(src), rec))
        self._check_previous(candidates, self.frozen_lists)
        self._check_previous(later, self.pending, link=False)
        if self._targets:
            self._start_linking()

    def _check_previous(self, candidates: list, into: dict, link: bool = True) -> None:
        """Candidates whose page in the previous site is the recorded one (read, not trusted)."""
        def hash_all(part: list) -> list:  # (hashlib reads and hashes without the GIL)
            return [_sha256(os.path.join(self.previous, rec.dest)) for _, rec in part]

        half = len(candidates) // 2
        with ThreadPoolExecutor(2) as pool:
            shas = [sha for part in pool.map(hash_all, (candidates[:half], candidates[half:])) for sha in part]
        available = self._drawers_available({k for _, rec in candidates for k in rec.drawers})
        for (file, rec), sha in zip(candidates, shas, strict=True):
            if sha == rec.sha and file.dest_uri == rec.dest and all(k in available for k in rec.drawers) \
                    and (self.accept is None or self.accept(file.src_uri, rec)):
                into[file.src_uri] = rec
                if link:
                    self._targets.append((os.path.join(self.previous, rec.dest), file.abs_dest_path))

    def _start_linking(self) -> None:
        """The frozen pages put in place beside the build: ~13,300 folders made and files
        linked at 10k, ~1-4 s of system calls. By a child process (``_LINK_CHILD``): a thread
        making them took the GIL back after each call, against the build's Python. A thread
        where no process can be started."""
        try:
            child = subprocess.Popen([sys.executable, "-I", "-S", "-c", _LINK_CHILD], stdin=subprocess.PIPE,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        except OSError:
            self._linker = threading.Thread(target=self._link_all, name="newsbrief-freeze", daemon=True)
            self._linker.start()
            return
        self._linker = child
        try:
            with child.stdin:
                child.stdin.write(b"\0".join(os.fsencode(p) for pair in self._targets for p in pair))
        except OSError:  # (it stopped: wait() says why)
            pass

    def _link_all(self) -> None:
        try:
            for old, new in self._targets:
                folder = os.path.dirname(new)
                if folder not in self._dirs:
                    os.makedirs(folder, exist_ok=True)
                    self._dirs.add(folder)
                try:
                    os.link(old, new)
                except OSError:  # (a file system that refuses the link: the same bytes, copied)
                    shutil.copyfile(old, new)
        except OSError as e:
            self._link_error = e

    def _list_static(self, site_part: str, index: int, blog, view, page) -> None:
        """A list page's inputs but its posts' keys: what it shows of them, its pager, its
        own source (and its list's first page's: a numbered page's headline is that page's)."""
        got = pagination.shown(blog, page)
        if got is None:
            return
        posts, pager = got
        try:
            sources = [Path(p.file.abs_src_path).read_bytes().hex() for p in (page, view)]
        except (OSError, TypeError):
            return
        self.lists[page.file.src_uri] = (integrity(
            site_part, "list", str(index), type(page).__name__, str(getattr(page, "name", None)),
            page.file.src_uri, page.file.dest_uri, page.url, *sources, _plain(pager),
            _plain([_link(page.previous_page), _link(page.next_page)]),
            _plain([_link(a) for a in page.ancestors]),
            _plain([page.canonical_url, page.edit_url, page.is_homepage]),
            _plain([p.file.src_uri for p in posts])), [p.file.src_uri for p in posts])

    def card(self, src: str) -> str:
        """What a list page shows of a post: its inputs but the related block, and what its
        render gave (links' URLs, read time, title); a built post's once it is rendered."""
        rec = self.frozen.get(src)
        if rec is not None:
            calls, readtime, title = rec.calls, rec.readtime, rec.title
        else:
            post = self.posts[src]
            calls = self.speedup.links_of(post)
            readtime, title = getattr(post.config, "readtime", None), post._title_from_render
        return integrity(self.cards[src], _plain([calls, readtime, title]))

    def list_key(self, static: str, shown: list[str]) -> str:
        return integrity(static, *(self.card(s) for s in shown))

    def _card_key(self, site_part: str, index: int, blog, post, files) -> str:
        authors = getattr(blog, "authors", None) or {}
        ids = getattr(post.config, "authors", None) or []
        meta_tags = post.meta.get("tags") if isinstance(post.meta.get("tags"), list) else []
        return integrity(
            site_part, str(index), post.file.src_uri, post.file.dest_uri, post.url, post.markdown or "",
            _plain(post.meta), _plain(dict(post.config.items())),
            _plain([dict(authors[i].items()) if i in authors else None for i in ids]),
            _plain([_link(c) for c in post.categories]),
            _plain([_link(post.previous_page), _link(post.next_page)]),
            _plain([_link(a) for a in post.ancestors]),
            _plain([post.canonical_url, post.edit_url, post.is_homepage]),
            _plain([[t, self.tag_pages.url(str(t)) if self.tag_pages is not None else None] for t in meta_tags]),
        )

    def _drawers_available(self, keys: set[str]) -> set[str]:
        from .shell import Drawers

        drawers = Drawers(self.drawers_store)
        return {k for k in keys if drawers.available(f"nb-nav.{k}.js")}

    # -- the page loop -----------------------------------------------------------------

    def install(self) -> None:
        from mkdocs.commands import build

        populate, build_page = build._populate_page, build._build_page
        self._saved_loop = (build, populate, build_page)
        freezer = self

        def _populate_page(page, config, files, dirty=False):
            src = page.file.src_uri
            if src in freezer.frozen or src in freezer.frozen_lists or src in freezer.pending:
                return freezer.populate(page, config, files)
            return populate(page, config, files, dirty)

        def _build_page(page, config, doc_files, nav, env, dirty=False, excluded=False):
            src = page.file.src_uri
            if src in freezer.pending and not freezer.settle(page, config):
                freezer.pending.pop(src)
            if src in freezer.frozen or src in freezer.frozen_lists:
                return freezer.put_in_place(page, config)
            build_page(page, config, doc_files, nav, env, dirty, excluded)
            if src in freezer.static:
                freezer.note_built(page)
            elif src in freezer.lists:
                freezer.built[src] = {"dest": page.file.dest_uri, "title": page._title_from_render,
                                      "anchors": sorted(page.present_anchor_ids or ())}

        _populate_page.__wrapped__, _build_page.__wrapped__ = populate, build_page
        build._populate_page, build._build_page = _populate_page, _build_page

    def uninstall(self) -> None:
        if self._linker is not None:  # (a build that stopped before its pages were put in place)
            with contextlib.suppress(OSError):
                self.wait()
        if self._saved_loop is not None:
            build, populate, build_page = self._saved_loop
            build._populate_page, build._build_page = populate, build_page
            self._saved_loop = None

    def populate(self, page, config, files) -> None:
        """A frozen post or list page: what other pages and plugins read of it, without its
        render (a pending list page's is done in settle() if it is built after all)."""
        src = page.file.src_uri
        rec = self.frozen.get(src) or self.frozen_lists.get(src) or self.pending[src]
        config._current_page = page
        try:
            page = config.plugins.on_pre_page(page, config=config, files=files)
            page.read_source(config)  # (a no-op for posts: Material read them in on_files)
            page.markdown = config.plugins.on_page_markdown(page.markdown, page=page, config=config, files=files)
            page._title_from_render = rec.title
            page.present_anchor_ids = set(rec.anchors)
            blog = self.owner.get(src)
            if blog is None:  # (a list page)
                return
            if blog.config.post_readtime and not page.config.readtime:
                page.config.readtime = rec.readtime
            for name, plugin in config.plugins.items():
                if name.split(" #", 1)[0] == "rss":
                    plugin.on_page_content(None, page=page, config=config, files=files)
        finally:
            config._current_page = None

    def settle(self, page, config) -> bool:
        """A pending list page, once every post is rendered: frozen (its previous page linked)
        if it shows them as recorded, else the rest of its populate (MkDocs' own steps)."""
        src = page.file.src_uri
        rec = self.pending[src]
        static, shown = self.lists[src]
        if self.list_key(static, shown) == rec.key:
            self.frozen_lists[src] = rec
            self.wait()
            os.makedirs(os.path.dirname(page.file.abs_dest_path), exist_ok=True)
            try:
                os.link(os.path.join(self.previous, rec.dest), page.file.abs_dest_path)
            except OSError:
                shutil.copyfile(os.path.join(self.previous, rec.dest), page.file.abs_dest_path)
            return True
        config._current_page = page
        try:
            page.render(config, self._files)
            page.content = config.plugins.on_page_content(page.content, page=page, config=config, files=self._files)
        finally:
            config._current_page = None
        return False

    def put_in_place(self, page, config) -> None:
        """A frozen post's page: the previous site's file (its bytes were checked in plan())."""
        rec = self.frozen.get(page.file.src_uri) or self.frozen_lists[page.file.src_uri]
        self.wait()
        self.drawers.update(rec.drawers)
        if rec.page_key:
            self.page_keys.add(rec.page_key)
        for callback in self.on_written:
            callback(page)

    def wait(self) -> None:
        """Every frozen page in place (raises what stopped the linking)."""
        linker, self._linker = self._linker, None
        if isinstance(linker, threading.Thread):
            linker.join()
        elif linker is not None:  # (the child process)
            with linker.stderr:
                said = linker.stderr.read().decode("utf-8", "replace").strip().splitlines()
            if linker.wait() != 0:
                self._link_error = OSError(f"frozen pages not put in place: {said[-1] if said else linker.returncode}")
        if self._link_error is not None:
            raise self._link_error

    def note_built(self, page) -> None:
        """What a post built the normal way leaves for the next build's record."""
        self.built[page.file.src_uri] = {
            "readtime": getattr(page.config, "readtime", None), "title": page._title_from_render,
            "anchors": sorted(page.present_anchor_ids or ()), "calls": self.speedup.links_of(page),
            "dest": page.file.dest_uri}

    # -- recording ---------------------------------------------------------------------

    def save(self, site_dir: str, page_keys: dict[str, str]) -> dict[str, list] | None:
        """The record of this build's posts and list pages (frozen ones as they were; built
        ones read back from the new site), for the next build; returned (None if it could
        not be saved)."""
        from .shell import _DRAWER_REF

        pages: dict[str, list] = {src: self._raw[src] for src in (*self.frozen, *self.frozen_lists)}

        def built(src: str, key: str, done: dict, extra: list, part: str | None = None) -> None:
            try:
                data = Path(site_dir, done["dest"]).read_bytes()
            except OSError:
                return
            drawers = sorted(set(_DRAWER_REF.findall(data.decode("utf-8", "replace"))))
            pages[src] = [key, hashlib.sha256(data).hexdigest(), done["dest"], *extra, drawers, page_keys.get(src)]
            if part is not None:
                pages[src].append(part)

        for src, done in self.built.items():
            if src in self.static and done["calls"] is not None:
                built(src, integrity(self.static[src], _plain(done["calls"])), done,
                      [done["readtime"], done["title"], done["anchors"], done["calls"]])
        for src, done in self.built.items():
            if src in self.lists:
                static, shown = self.lists[src]
                if all(s in self.frozen or self.built.get(s, {}).get("calls") is not None for s in shown):
                    built(src, self.list_key(static, shown), done,
                          [None, done["title"], done["anchors"], []], part=static)
        try:
            atomic_write(self.path, _dumps({"format": _FORMAT, "posts": pages}))
        except OSError as e:
            log.warning(f"newsbrief: could not save the record of built pages: {e}")
            return None
        return pages

    def summary(self) -> str:
        return (f"newsbrief: unchanged posts: {len(self.frozen)} not built again (linked from the previous "
                f"site), {len(self.static) - len(self.frozen)} built; list pages: {len(self.frozen_lists)} "
                f"not built again, {len(self.lists) - len(self.frozen_lists)} built")
