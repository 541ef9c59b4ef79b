"""A page is rendered again only when something it shows has changed (issues #5, #15).

MkDocs renders every page's template on every build, ~14 ms a page, which is most of a
rebuild once the Markdown is cached (site/blog_speed.py). A page's HTML is a function of:

- the site: package versions, the configuration (plugin options included), the
  templates of the theme's custom_dir, the navigation;
- the page: URL, title, rendered content, table of contents, front matter, the blog's
  post settings, authors, categories, tag links, canonical and edit URLs;
- its place: previous and next page, ancestors;
- on a list page of the blogs (home, archive, publisher, author pages), what Material's
  blog plugin adds to its context: the cards it shows (each excerpt's URL, title,
  rendered content, front matter, authors, categories) and its pager (as it renders).
  Lists are numbered from the oldest brief (site/pagination.py), so a new brief changes
  the cards of a list's first page only, and every older page is reused.

The key hashes all of these. A template context with a key this module does not know
means no caching for that page: an input it cannot see is never guessed at. (Templates
that read other pages through `pages` or `nav` objects beyond their titles and URLs
are not covered: Material's are not such.) Pages are stored as files under
``.newsbrief-cache/pages/<key>.html``; a successful build deletes those it did not use.
Each file starts with a line holding a hash over its key and the page: a stored page
whose hash does not match (damaged, or edited by hand) is deleted and rendered again,
never published.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import orjson

from ..output.store import atomic_write, integrity, is_temp
from .blog_speed import package_versions, stable_text
from .seams import LIST_CONTEXT_KEYS, TEMPLATE_CONTEXT_KEYS

log = logging.getLogger("mkdocs.plugins.newsbrief.page_cache")

SUBDIR = "pages"
PENDING = 64  # pages at most in the storing thread's queue (PageCache)
_MARK = "<!--newsbrief-page-cache "
# Configuration that decides where files go or how MkDocs runs, not what a page shows.
_NOT_SHOWN = {"config_file_path", "docs_dir", "site_dir", "dev_addr", "strict", "watch", "hooks",
              "remote_branch", "remote_name", "validation", "plugins", "nav", "pages"}


def _fallback(value):
    """What JSON cannot write, as stable_text writes it (callables by name, other
    objects by type and str()); mappings and sets as JSON objects and sorted lists."""
    if isinstance(value, Mapping):
        return dict(value.items())
    if isinstance(value, set | frozenset):
        return ["<set>", *sorted(value, key=str)]
    if callable(value) and not isinstance(value, type):
        return stable_text(value)
    return f"<{type(value).__qualname__}:{value}>"


def _plain(value) -> str:
    """A page input as text that is the same in every run: JSON by orjson (~4× the standard
    library's C encoder, itself ~10× stable_text, which was ~10 s of a 10k rebuild), else
    stable_text. Dates, dataclasses and subclasses of built-in types go to _fallback (their
    type written with them), not written as the plain value they resemble; a mapping with a
    key that is not a string goes to stable_text (its key's type kept: {1: x} is not {"1": x})."""
    try:
        text = orjson.dumps(value, default=_fallback, option=_JSON_OPTIONS)
        if b"null" in text:  # (orjson writes NaN and infinities as null: the C encoder refuses them)
            _NO_NAN(value)
        return text.decode()
    except (TypeError, ValueError):  # (what orjson refuses: other keys, a lone surrogate, an integer past
        return "\0" + stable_text(value, with_values=True)  # 64 bits; a float that is not finite)


_NO_NAN = json.JSONEncoder(sort_keys=True, check_circular=False, allow_nan=False, default=_fallback).encode


_JSON_OPTIONS = (orjson.OPT_SORT_KEYS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS
                 | orjson.OPT_PASSTHROUGH_SUBCLASS)


def _link(page) -> list | None:
    return None if page is None else [getattr(page, "url", None), getattr(page, "title", None)]


def _nav(items) -> list:
    return [[type(i).__name__, getattr(i, "title", None), getattr(i, "url", None), _nav(i.children or [])]
            for i in items]


def _toc(items) -> list:
    return [[t.title, t.id, t.level, _toc(t.children)] for t in items]


def _files_digest(folder: Path) -> str:
    """Names, sizes and times of the files in a folder (the templates of custom_dir)."""
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")) if folder.is_dir() else []:
        if p.is_file():
            st = p.stat()
            h.update(f"{p.relative_to(folder).as_posix()}|{st.st_size}|{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


def seal(key: str, output: str) -> str:
    """A stored page: the integrity line, then the page."""
    return f"{_MARK}{integrity('page', key, output)}-->\n{output}"


def unseal(key: str, text: str) -> str | None:
    """The page if the stored text is intact, else None."""
    first, newline, output = text.partition("\n")
    if not newline or not first.startswith(_MARK) or first[len(_MARK):] != f"{integrity('page', key, output)}-->":
        return None
    return output


def site_key(config, nav) -> str:
    from .. import __version__

    parts = [package_versions(), f"newsbrief={__version__}"]
    for key in sorted(k for k in config if k not in _NOT_SHOWN):
        value = config[key]
        parts.append(f"{key}={_plain(dict(value.items()) if key == 'theme' else value)}")
    parts.append("plugins=" + _plain({name: dict(p.config.items()) for name, p in config.plugins.items()
                                      if hasattr(p, "config")}))
    custom = config.theme.custom_dir
    parts.append("custom_dir=" + (_files_digest(Path(custom)) if custom else ""))
    parts.append("nav=" + _plain(_nav(nav.items)))
    return hashlib.sha256("\n".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def _card(excerpt) -> list[str]:
    """What a list page shows of a post (partials/post.html): its card, as key parts (the
    content as it is: encoding it as JSON again was most of the key's time)."""
    return [_plain([excerpt.url, excerpt.title, getattr(getattr(excerpt, "post", None), "title", None),
                    bool(excerpt.more)]),
            excerpt.content or "", _plain(excerpt.meta),
            _plain(dict(excerpt.config.items()) if hasattr(excerpt, "config") else None),
            _plain([dict(a.items()) for a in getattr(excerpt, "authors", None) or ()]),
            _plain([_link(c) for c in getattr(excerpt, "categories", None) or ()])]


def _list_part(context) -> list[str]:
    """A list page's cards and pager (none on other pages): the pager as it renders (the
    template's arguments are constants of the templates, which the site key holds)."""
    if not any(k in context for k in LIST_CONTEXT_KEYS):
        return [""]
    pager = context.get("pagination")
    posts = context.get("posts") or ()
    parts = [f"list:{len(posts)}"]
    for excerpt in posts:
        parts += _card(excerpt)
    parts.append(_plain(pager({}) if callable(pager) else None))
    return parts


def page_key(site: str, context) -> str | None:
    """The key of a page, or None if its context holds something unknown."""
    if any(k not in TEMPLATE_CONTEXT_KEYS and k not in LIST_CONTEXT_KEYS for k in context):
        return None
    page = context["page"]
    tags = [[t.name, [[link.title, link.url] for link in t.links]] for t in context.get("tags") or ()]
    parts = [
        site, page.url, page.title, page.content or "", _plain(_toc(page.toc)), _plain(page.meta),
        _plain(dict(page.config.items()) if hasattr(page, "config") else None),
        _plain([dict(a.items()) for a in getattr(page, "authors", None) or ()]),
        _plain([_link(c) for c in getattr(page, "categories", None) or ()]),
        _plain(tags), _plain(_link(page.previous_page)), _plain(_link(page.next_page)),
        _plain([_link(a) for a in page.ancestors]), _plain([page.canonical_url, page.edit_url, page.is_homepage]),
        *_list_part(context),
    ]
    return integrity(*parts)


class PageCache:
    """Wraps the build's Jinja environment so that a page's template render is looked up
    first; ``close()`` deletes the stored pages this build did not use. ``is_post`` tells
    the briefs from the other pages in the log line."""

    def __init__(self, folder: Path, env, config, is_post, background: bool = False, accept=None):
        self.folder = folder / SUBDIR
        # background: pages are stored by a thread (file system calls release the GIL),
        # so a cold build does not wait for ~2 file operations a page (site/cold_speed.py).
        self._writer = ThreadPoolExecutor(1, thread_name_prefix="newsbrief-pages") if background else None
        # At most this many pages wait for the thread (each ~50 KB of HTML): a thread that
        # falls behind on a loaded machine must not hold the whole site in its queue.
        self._room = threading.BoundedSemaphore(PENDING)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.config, self.is_post = config, is_post
        # accept(page) -> bool: whether a stored page can be published as it is (the drawer
        # scripts it refers to still exist: site/shell.py); if not, it is rendered again.
        self.accept = accept
        self.site: str | None = None
        self.used: set[str] = set()
        self.keys: dict[str, str] = {}  # a page's src_uri -> its key in this build (site/freeze.py)
        self.hits = self.misses = self.uncacheable = self.discarded = 0
        self.other_hits = self.other_misses = 0  # pages that are not posts (lists, indexes, tag pages)
        get_template = env.get_template
        cache = self

        def cached_get_template(name, *args, **kwargs):
            return _Template(get_template(name, *args, **kwargs), cache)

        env.get_template = cached_get_template

    def render(self, template, context) -> str:
        page = context.get("page")
        if page is None:  # (404.html and other theme templates)
            return template.render(context)
        if self.site is None:  # the navigation is final once pages are rendered
            self.site = site_key(self.config, context["nav"])
        key = page_key(self.site, context)
        if key is None:
            self.uncacheable += 1
            return template.render(context)
        self.used.add(key)
        if (file := getattr(page, "file", None)) is not None:
            self.keys[file.src_uri] = key
        path = self.folder / f"{key}.html"
        try:
            output = unseal(key, path.read_text(encoding="utf-8"))
            if output is not None and (self.accept is None or self.accept(output)):
                self.hits += 1
                self.other_hits += not self.is_post(page)
                return output
            self.discarded += 1  # damaged, edited or missing its scripts: never published
            path.unlink(missing_ok=True)
        except (OSError, UnicodeDecodeError):
            pass
        self.misses += 1
        self.other_misses += not self.is_post(page)
        output = template.render(context)
        if self._writer is not None:
            self._room.acquire()
            self._writer.submit(self._store, path, key, output, self._room)
        else:
            self._store(path, key, output)
        return output

    def _store(self, path: Path, key: str, output: str, room=None) -> None:
        try:
            atomic_write(path, seal(key, output).encode("utf-8"))
        except (OSError, UnicodeEncodeError) as e:
            log.warning(f"newsbrief: could not store a rendered page: {e}")
        finally:
            if room is not None:
                room.release()

    def keep(self, keys) -> None:
        """Stored pages that pages not rendered in this build still stand for (site/freeze.py)."""
        self.used.update(keys)

    def close(self) -> None:
        if self._writer is not None:  # every page stored before the unused ones are deleted
            self._writer.shutdown(wait=True)
        for entry in os.scandir(self.folder):
            if is_temp(entry.name) or (entry.name.endswith(".html") and entry.name[:-5] not in self.used):
                Path(entry.path).unlink(missing_ok=True)  # unused, or a killed write
        log.info(f"newsbrief: page cache: {self.hits} reused, {self.misses} rendered, "
                 f"{self.uncacheable} not cacheable (of which pages other than posts: {self.other_hits} reused, "
                 f"{self.other_misses} rendered)")
        if self.discarded:
            log.info(f"newsbrief: page cache: {self.discarded} stored page(s) failed their check, rendered again")


class _Template:
    """A Jinja template whose ``render`` goes through the page cache."""

    def __init__(self, template, cache: PageCache):
        self._template, self._cache = template, cache

    def render(self, *args, **kwargs) -> str:
        if len(args) == 1 and not kwargs and isinstance(args[0], Mapping):
            return self._cache.render(self._template, args[0])
        return self._template.render(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._template, name)
