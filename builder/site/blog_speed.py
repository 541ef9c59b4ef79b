"""Make Material's blog plugin build in time linear in the number of posts, and rebuild
fast after one new dump. Wired in by the newsbrief MkDocs plugin (``blog_speed`` option,
on by default); everything here is a pure speed-up: the HTML is byte-for-byte what stock
Material writes (tests/site/test_blog_speed.py builds a site both ways and compares).

Where the time goes in stock Material 9.8 (cProfile, 1,000 posts): ``Excerpt.render``
converts the *whole* post again for every list page the post appears on (index page,
month archive, publisher page, each author's page) and only then cuts at the
``<!-- more -->`` separator; MkDocs then converts every post once more for its own page.

Two caches, both keyed by a content hash (the Markdown, the extension configuration and
the library versions), never by a path or an mtime:

1. **Excerpts once per post** (``Excerpt.render`` is replaced, the one seam we patch).
   An excerpt's HTML depends on the list page it is shown on only through its links: the
   blog plugin points the headline anchor (and any ``#`` anchor) at the post, relative to
   the list page. So the excerpt is converted once with sentinels in those hrefs, and
   each list page gets it with the sentinels replaced by its own relative URL, exactly
   what ``ExcerptTreeprocessor`` would write. A post whose excerpt has any other link or
   image (whose URL MkDocs rewrites per page) is not cached and renders the stock way.
   When no list page shows its excerpts' tables of contents (``blog_toc`` and friends
   off, as here), only the Markdown before the separator is converted (``_head`` says
   when that gives the same HTML as converting it all and cutting).
2. **Rendered pages** (MkDocs' ``Page.render``: posts through ``Post.render``, every
   other page, tag pages and lists included, through ``Page.render``): a page's HTML,
   table of contents and anchors are reused while its Markdown, URL and configuration
   are unchanged *and* each of its links still resolves to the URL it did (the only
   thing MkDocs' conversion reads of other pages: ``render_page`` replays the recorded
   links on a fresh relative-path processor, which also gives MkDocs' anchor validation
   its ``links_to_anchors`` and logs what a render would log). So the digests and the
   tag pages, which link to briefs, are reused too (issue #15: ~14 s of a 10k rebuild).

Two quadratic steps are made linear:

3. **Post membership**: the blog plugin asks ``page not in self.blog.posts`` in three
   events of every page; ``Page.__eq__`` compares titles and files, so each test scans
   the list (10,000 posts: ~150 million comparisons). ``PostList`` answers it from an
   index by source path, comparing with ``==`` only the posts of that path.
4. **Front matter**: ``Post.__init__`` parses each post's YAML with PyYAML's pure-Python
   ``SafeLoader``; it gets ``CSafeLoader`` (LibYAML: same constructors and resolver,
   the parser in C) for this build, and a post's front matter is stored by its text
   (``_FrontMatter``): a rebuild decodes JSON instead of running PyYAML's constructors
   (~3 s of a 10k rebuild).

5. **Posts restored** (``Speedup.resolve_post`` in place of ``BlogPlugin._resolve_post``):
   the blog makes a Post for every post on every build (its file read, front matter,
   PostConfig, destination and URLs: ~0.35 ms a post, ~3.5 s at 10k, most of the blog's
   on_files). A post whose bytes and context (the blog's options, the site's URL,
   the packages' versions) are as stored gets those attributes back from its line of
   the context's post store (``_PostStore``: one file, read at once; the line decoded,
   its dates untagged in place); a new or changed post is made by Material and stored.

The caches are kept in memory for the build and on disk under ``.newsbrief-cache/blog/``
(a JSON line an entry, compressed, pruned to this build's posts: ``Cache``), so a rebuild after one new dump converts
only the new post's Markdown (and the digests); site/page_cache.py then skips the
template render of every brief page whose inputs did not change.

Each speed-up is guarded by a seam (site/seams.py: blog-excerpts, blog-posts,
page-render, blog-post-list, blog-yaml, blog-post-restore): if Material or MkDocs change
what it patches, that part is not installed (one warning names the seam) and the blog
builds the stock way.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import html
import importlib.metadata
import json
import logging
import math
import os
import re
import types
import weakref
from collections.abc import Mapping
from pathlib import Path, PurePath

import orjson
from markdown.treeprocessors import Treeprocessor

from ..output.store import integrity, replace_file
from . import seams

log = logging.getLogger("mkdocs.plugins.newsbrief.blog_speed")

CACHE_SUBDIR = "blog"
CACHE_FILE = "index.txt"  # the store's index; its log is named there (Cache)
LINKS_FILE = "links.json"  # the files' URLs as the last build saw them, and whose links held (LinkTrust)
FORMAT = 6
LINKS_FORMAT = 2  # LINKS_FILE's (LinkTrust)
# An entry not used by this many writing builds in a row leaves the store; the log is
# compacted when the bytes no indexed entry refers to exceed this share of those it does
# (and MIN_GARBAGE). See Cache.
KEEP_BUILDS, GARBAGE, MIN_GARBAGE = 4, 0.5, 8 << 20
# Private-use characters: the builder never writes them (dump text goes through
# escape_md, which keeps printable text), and markdown's serialiser leaves them alone.
MAIN = "\ue000nb-main\ue000"
ANCHOR = "\ue001nb-anchor\ue001"
# Where an excerpt's Markdown parser is kept when site/cold_speed.py makes it on first use
# (~80 KB once used: freed when the excerpt is cached, made again if ever needed).
PARSER_SLOT = "_newsbrief_md"
# Extensions (as MkDocs names them) whose state from one document is cleared by
# ``Markdown.reset()`` or set again by the next document before it is read (checked in
# their source: toc's tokens by its reset, md_in_html's parser made per document, the
# stash and references by Markdown's own reset; tables', admonition's and details' block
# processors set their fields in test() before run()). A parser with any other extension
# is never reused: its state is not known to be cleared.
RESETTABLE = frozenset({"toc", "tables", "fenced_code", "admonition", "attr_list", "md_in_html",
                        "pymdownx.details", "markdown.extensions.toc", "markdown.extensions.tables",
                        "markdown.extensions.fenced_code", "markdown.extensions.admonition",
                        "markdown.extensions.attr_list", "markdown.extensions.md_in_html"})
FREE_PARSERS = 4  # parsers at most kept free per configuration (one is in use at a time)
_PARSER_OF = "_newsbrief_parser_of"  # on a parser Parsers made: (kind, extensions, configs)


class Parsers:
    """Markdown parsers converting one document after another (site/cold_speed.py
    installs it). Making a parser loads every extension and builds and compiles its
    processors and patterns (~0.5-0.7 ms with the garbage it leaves, ~4 % of a cold
    build's CPU: one a page and one an excerpt); ``Markdown.reset()`` is
    Python-Markdown's way to convert the next document with the same one. A parser is
    handed out to one user at a time: ``get`` gives a free one reset (what a new one is
    after its ``__init__``, which ends by ``reset()``) or makes one; its user ``give``s it
    back when done, or keeps it (never handed out again). Parsers are told apart by kind
    (a page's, an excerpt's) and by the very extension list and configuration objects
    they were made from; only RESETTABLE extensions."""

    def __init__(self, prepare=None):
        self._free: dict[tuple, tuple] = {}  # (kind, ids) -> (extensions, configs, [parsers])
        self.made = self.reused = 0
        # Applied to each parser made (site/markdown_speed.install: the same output, sooner);
        # returns whether it took. None: parsers as Markdown makes them.
        self.prepare = prepare
        self.prepared = 0

    @staticmethod
    def reusable(extensions) -> bool:
        return all(isinstance(name, str) and name in RESETTABLE for name in extensions)

    def _slot(self, of: tuple) -> list:
        kind, extensions, configs = of
        slot = self._free.setdefault((kind, id(extensions), id(configs)), (extensions, configs, []))
        return slot[2] if slot[0] is extensions and slot[1] is configs else []

    def get(self, kind: str, extensions, configs, make):
        """A parser of this kind for these extensions and configuration: ``make()`` one
        if none is free."""
        free = self._slot((kind, extensions, configs))
        if free:
            self.reused += 1
            return free.pop().reset()
        self.made += 1
        md = make()
        md.__dict__[_PARSER_OF] = (kind, extensions, configs)
        if self.prepare is not None:
            self.prepared += bool(self.prepare(md))
        return md

    def give(self, md) -> None:
        """The parser's user is done with it (no document half-converted)."""
        of = md.__dict__.get(_PARSER_OF)
        if of is None or not self.reusable(of[1]):
            return
        free = self._slot(of)
        if len(free) < FREE_PARSERS and not any(m is md for m in free):
            free.append(md)


# The build's Parsers while site/cold_speed.py's LazyExcerptParser is installed, else None.
parsers: Parsers | None = None


def free_parser(excerpt) -> None:
    """An excerpt's parser that this build never uses again: let go of (and reused)."""
    md = vars(excerpt).pop(PARSER_SLOT, None)
    if md is not None and parsers is not None:
        parsers.give(md)


# What Material's ReadtimeParser (an html.parser.HTMLParser) sees of plain HTML, the HTML
# Markdown writes: a comment without "--" inside, a start or end tag with no "<" or ">"
# inside (its name as the parser reads it, lowercased there). See plain_readtime.
_MARKUP = re.compile(r"<!--(?:[^<>-]|-(?!-))*-->|<(/?)([a-zA-Z][^\t\n\r\f />\x00]*)[^<>]*>")
_WORD = re.compile(r"\w")
_NOT_ASCII = re.compile(r"[^\x00-\x7f]")
# UTF-8 bytes with every ASCII byte that is no word character (re's \w) made a space
_SPACED = bytes(32 if i < 128 and not _WORD.match(chr(i)) else i for i in range(256))
# ReadtimeParser.skip, and the elements whose text an HTML parser may read as raw text
# (tags in it are text: Python's parser for script and style, newer ones for more)
_NOT_PLAIN = frozenset({"object", "script", "style", "svg", "textarea", "title", "xmp", "iframe", "noembed",
                        "noframes", "noscript", "plaintext"})


def plain_readtime(html_text: str, words_per_minute: int) -> int | None:
    """Material's read time of a post (material.plugins.blog.readtime, seam
    ``readtime-plain``) without an HTML parser (~0.8 ms a brief, ~3× this), or None where
    the HTML is not plain enough to be sure of the same answer: Material counts the words
    of the text between tags (character references resolved, each piece by itself),
    skipping what is inside object, script, style and svg elements, and adds time for
    each img tag. Here every "<" must open a comment or tag that _MARKUP reads as the
    parser does, no ">" may stand in the text, and no skipped element (nor one whose text
    a parser may read raw) may occur: then every piece of text counts, whatever the
    nesting. Else None, and the caller asks Material."""
    text: list[str] = []
    images = pos = 0
    for m in _MARKUP.finditer(html_text):
        piece = html_text[pos:m.start()]
        pos = m.end()
        if piece:
            text.append(piece)
        name = m.group(2)
        if name is not None:
            name = name.lower()
            if name in _NOT_PLAIN:
                return None
            images += not m.group(1) and name == "img"
    text.append(html_text[pos:])
    for i, piece in enumerate(text):
        if "<" in piece or ">" in piece:
            return None
        if "&" in piece:
            text[i] = html.unescape(piece)
    # Material's arithmetic, as in readtime()
    seconds = math.ceil(_split_length("".join(text)) / words_per_minute * 60)
    delta = 12
    for _ in range(images):
        seconds += delta
        if delta > 3:
            delta -= 1
    return math.ceil(seconds / 60)


def _split_length(text: str) -> int:
    """``len(re.split(r"\\W+", text))``, Material's word count, without the list of
    words (~2.5× faster): the runs of word characters counted by bytes.split() once every
    other character is a space, then the pieces the split makes of them."""
    if not text:
        return 1
    if not text.isascii():  # (then only word characters are left beyond ASCII)
        for char in set(_NOT_ASCII.findall(text)):
            if _WORD.match(char) is None:
                text = text.replace(char, " ")
    words = len(text.encode("utf-8", "surrogatepass").translate(_SPACED).split())
    if not words:
        return 2  # ["", ""]
    # a piece between each two runs of words, and an empty one for a run of other
    # characters at either end
    return words + (_WORD.match(text[0]) is None) + (_WORD.match(text[-1]) is None)


def package_versions() -> str:
    """What rendered pages depend on besides their inputs: the packages' versions and
    newsbrief's own site code (a checkout changed without a new version number must not
    reuse pages the old code made)."""
    out = []
    for dist in ("mkdocs", "mkdocs-material", "markdown", "pymdown-extensions"):
        try:
            out.append(f"{dist}={importlib.metadata.version(dist)}")
        except importlib.metadata.PackageNotFoundError:
            out.append(f"{dist}=?")
    out.append(f"site-code={_site_code()}")
    return ";".join(out)


@functools.cache
def _site_code() -> str:
    """A hash of the site side's source (builder/site/ and the MkDocs plugin), once a run."""
    here = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for path in sorted([*here.glob("*.py"), here.parent / "mkdocs_plugin.py"]):
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def stable_text(value, with_values: bool = False) -> str:
    """A text form of a value that is the same in every run: callables by their
    qualified name, not their address; other objects by their type, or with_values by
    their type and str() too (dates, locales: site/page_cache.py)."""
    if isinstance(value, Mapping):
        items = sorted(value.items(), key=lambda kv: str(kv[0]))
        return "{" + ",".join(f"{stable_text(k, with_values)}:{stable_text(v, with_values)}" for k, v in items) + "}"
    if isinstance(value, list | tuple | set | frozenset):
        seq = sorted(value, key=str) if isinstance(value, set | frozenset) else value
        return "[" + ",".join(stable_text(v, with_values) for v in seq) + "]"
    if callable(value) and not isinstance(value, type):
        return f"<{getattr(value, '__module__', '?')}.{getattr(value, '__qualname__', type(value).__qualname__)}>"
    if isinstance(value, str | int | float | bool) or value is None:
        return repr(value)
    if with_values:
        return f"<{type(value).__qualname__}:{value}>"
    return f"<{type(value).__module__}.{type(value).__qualname__}>"


def config_digest(config) -> str:
    text = "|".join([package_versions(), stable_text(list(config.markdown_extensions)),
                     stable_text(dict(config.mdx_configs or {})), str(config.use_directory_urls)])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _attr(text: str) -> str:
    """Escape an attribute value the way markdown's HTML serialiser does."""
    from markdown.serializers import _escape_attrib_html
    return _escape_attrib_html(text)


class _LinkCheck(Treeprocessor):
    """Runs before MkDocs' relative-path processor: notes whether any element has a URL
    that MkDocs would rewrite per page (anything but a same-page ``#`` anchor)."""

    def __init__(self, md=None):
        super().__init__(md)
        self.page_dependent = False

    def run(self, root):
        self.page_dependent = False
        for el in root.iter():
            href = el.get("href")
            if (href is not None and not href.startswith("#")) or el.get("src") is not None \
                    or el.get("srcset") is not None:
                self.page_dependent = True
                return None
        return None


class _SentinelAnchors(Treeprocessor):
    """Stands in for the blog plugin's ExcerptTreeprocessor while an excerpt is rendered
    once: the same rewrite, with sentinels for the URL of the post relative to the list
    page (filled in per list page)."""

    def run(self, root):
        main = True
        for el in root.iter("a"):
            anchor = el.get("href")
            if not anchor.startswith("#"):
                continue
            el.set("href", MAIN if main else ANCHOR + anchor)
            main = False


def _entry_ok(entry) -> bool:
    """The shape of a stored read time ([minutes]), front matter (["yaml", tagged JSON]), a
    post's validated configuration (["postconfig", {option: tagged JSON}]), a post as
    Material's _resolve_post makes it (["post", {...}]: ``_post_fields`` checks the fields),
    excerpt ([content, more, toc]) or page ([content, toc, title, anchors, [[link, its
    URL], ...]]); a None content means "not
    cacheable"."""
    if not isinstance(entry, list) or len(entry) not in (1, 2, 3, 5):
        return False
    if len(entry) == 1:
        return isinstance(entry[0], int) and not isinstance(entry[0], bool)
    if len(entry) == 2:
        return entry[0] == "yaml" or (entry[0] in ("postconfig", "post") and isinstance(entry[1], dict))
    if entry[0] is None:
        return all(x is None for x in entry)
    if len(entry) == 3:
        content, more, toc = entry
        return isinstance(content, str) and (more is None or isinstance(more, str)) and _toc_ok(toc)
    content, toc, title, anchors, links = entry
    return (isinstance(content, str) and _toc_ok(toc) and (title is None or isinstance(title, str))
            and isinstance(anchors, list) and all(isinstance(a, str) for a in anchors)
            and isinstance(links, list) and all(isinstance(x, list) and len(x) == 2
                                                 and all(isinstance(u, str) for u in x) for x in links))


def _toc_ok(tokens) -> bool:
    return isinstance(tokens, list) and all(
        isinstance(t, dict) and isinstance(t.get("level"), int) and isinstance(t.get("id"), str)
        and isinstance(t.get("name"), str) and _toc_ok(t.get("children")) for t in tokens)


class Cache:
    """Content-addressed store of rendered excerpts, pages, read times, front matter and
    post configurations, for one build.

    On disk (``.newsbrief-cache/blog/``), an append-only store: a log of entries (each its
    JSON text, ASCII, no separator) and an index (``CACHE_FILE``: a header naming the log,
    then one line an entry, ``key TAB build TAB hash TAB offset TAB length``; the hash is
    integrity() over the key and the JSON text; build: the last writing build that used it).
    Opening reads the index only; an entry is read (``os.pread``), checked and decoded when
    a build asks for it, and a damaged one is dropped (rendered again, never published). A
    save appends this build's new entries to the log and writes the index again (~9 MB at
    10k): a build that changed few entries writes few. An entry no build used for
    ``KEEP_BUILDS`` writing builds leaves the index; when the log's bytes no entry of the
    index refers to outgrow ``GARBAGE`` of those it does, the log is written again with the
    indexed entries only (compaction, into a new log: the index names it, so a run killed
    at any point leaves the old index and log, or the new ones). Before this store, every
    build decompressed the whole cache (~200 MB of text at 10k, ~1.3 s) and compressed it
    all again (~1.2 s)."""

    def __init__(self, directory: Path | None):
        self.dir = directory / CACHE_SUBDIR if directory else None
        self.path = self.dir / CACHE_FILE if self.dir else None
        # key -> (the build that last used it, "hash TAB offset TAB length") as read, not yet checked
        self.index: dict[str, tuple[int, str]] = {}
        self.new: dict[str, list] = {}  # this build's entries, decoded
        self.read: set[str] = set()  # keys of `new` whose entry is the stored one (read and checked)
        self.dirty = False
        self.hits = self.misses = self.uncacheable = 0
        self.page_hits = self.page_misses = 0  # pages that are not posts (site/blog_speed.render_page)
        self.discarded = 0
        self.build = 0  # writing builds so far
        self.log_name: str | None = None
        self._fd: int | None = None
        self._closer = None
        if self.path is not None and self.path.is_file():
            try:
                header, *lines = self.path.read_text(encoding="utf-8").split("\n")
                head = json.loads(header)
                if head.get("format") == FORMAT and _LOG_NAME.fullmatch(name := head.get("log", "")):
                    # (the log opened now: a later compaction by another run unlinks, never changes, it)
                    self._open(name)
                    self.build = int(head["build"])
                    index = self.index
                    for line in lines:
                        key, build, rest = line.split("\t", 2)
                        index[key] = (int(build), rest)
            except (OSError, ValueError, TypeError, KeyError, AttributeError, UnicodeDecodeError):
                self.index = {}  # a damaged cache is an empty cache

    @property
    def old(self) -> dict[str, list]:
        """Every stored entry that passes its check (decodes them all: for tests)."""
        return {key: entry for key in list(self.index) if (entry := self._stored(key)) is not None}

    def _stored(self, key: str) -> list | None:
        try:
            digest, offset, length = self.index[key][1].split("\t")
            body = os.pread(self._fd, int(length), int(offset)).decode("ascii")
            entry = json.loads(body) if digest == integrity("blog", key, body) else None
        except (OSError, ValueError, TypeError):  # (UnicodeDecodeError is a ValueError)
            entry = None
        if entry is None or not _entry_ok(entry):
            del self.index[key]
            self.discarded += 1
            return None
        return entry

    def get(self, key: str, keep: bool = True):
        """The entry, or None; a stored one is decoded (and kept: ``keep``)."""
        entry = self.new.get(key)
        if entry is None and key in self.index:
            entry = self._stored(key)
            if entry is not None:
                if keep:
                    self.new[key] = entry
                self.read.add(key)
        return entry

    def put(self, key: str, entry: list) -> None:
        self.new[key] = entry
        self.read.discard(key)
        self.dirty = True

    def save(self) -> None:
        """Append this build's new entries, mark what it used, drop what no recent build
        used; written only if something changed."""
        if self.path is None:
            return
        build = self.build + 1
        index = self.index
        for key in self.read:  # used by this build
            index[key] = (build, index[key][1])
        stale = [key for key, (used, _) in index.items() if used <= build - KEEP_BUILDS]
        if not self.dirty and not stale:
            return
        for key in stale:
            del index[key]
        self.dir.mkdir(parents=True, exist_ok=True)
        log_name, fresh = self.log_name, self.new.keys() - self.read
        if log_name is None or not (self.dir / log_name).is_file():  # (no store yet, or its log is gone)
            log_name, index, fresh = _log_name(build), {}, self.new.keys()
        offset = self._append(log_name, fresh, index, build)
        live = sum(int(rest.rsplit("\t", 1)[1]) for _, rest in index.values())
        if offset - live > max(GARBAGE * live, MIN_GARBAGE) and log_name != _log_name(build):
            index = self._compact(index, log_name, _log_name(build))
            log_name = _log_name(build)
        replace_file(self.path, self._index_text(index, log_name, build))
        for old_log in self.dir.glob("entries-*.log"):  # a compacted log, or a killed compaction's
            if old_log.name != log_name:
                old_log.unlink(missing_ok=True)
        self.index, self.build, self.dirty = index, build, False
        self.read = {key for key in self.new if key in index}
        self._open(log_name)

    def _append(self, log_name: str, keys, index: dict, build: int) -> int:
        """Append these entries of ``new`` to the log and index them; the log's new length."""
        with open(self.dir / log_name, "ab") as log_file:
            offset = log_file.seek(0, os.SEEK_END)
            for key in keys:
                if "\t" in key or "\n" in key:
                    continue
                body = json.dumps(self.new[key], separators=(",", ":"))  # (ASCII: no tab or newline)
                data = body.encode("ascii")
                log_file.write(data)
                index[key] = (build, f"{integrity('blog', key, body)}\t{offset}\t{len(data)}")
                offset += len(data)
        return offset

    def spill(self, keys=None) -> None:
        """Store these of this build's entries (None: all) now and let go of them decoded;
        one asked for again is read back from the store (``save()`` then marks and indexes
        them). For the renders of pages MkDocs has read (site/second_core.py): to the end of
        a cold build at 10k this held ~150 MB of pages' HTML, tables of contents and links,
        the posts' HTML a second copy of what the pages hold. (Safe beside the read-ahead
        thread's ``put``: no iteration over ``new`` unless all are asked for.)"""
        if self.path is None or not self.new:
            return
        self.dir.mkdir(parents=True, exist_ok=True)
        if self.log_name is None or not (self.dir / self.log_name).is_file():  # (as save(): a new store)
            self.index, self.read = {}, set()
            name = _log_name(self.build + 1)
            (self.dir / name).touch()
            self._open(name)
        keys = list(self.new) if keys is None else [key for key in keys if key in self.new]
        fresh = [key for key in keys if key not in self.read]
        if fresh:
            self._append(self.log_name, fresh, self.index, self.build + 1)
            self.dirty = True
        for key in keys:
            if key in self.index:
                self.read.add(key)
                del self.new[key]

    def _open(self, log_name: str) -> None:
        """Read entries from this log from now on."""
        if self._closer is not None:
            self._closer()
        self._fd = os.open(self.dir / log_name, os.O_RDONLY | getattr(os, "O_BINARY", 0))
        self._closer = weakref.finalize(self, os.close, self._fd)
        self.log_name = log_name

    def _compact(self, index: dict, source_name: str, log_name: str) -> dict:
        """The log again (as log_name) with the indexed entries only, as stored
        (unchecked: a damaged entry stays damaged, and is dropped when read)."""
        source = os.open(self.dir / source_name, os.O_RDONLY | getattr(os, "O_BINARY", 0))
        out: dict[str, tuple[int, str]] = {}

        def records():
            offset = 0
            for key, (used, rest) in index.items():
                digest, at, length = rest.split("\t")
                data = os.pread(source, int(length), int(at))
                out[key] = (used, f"{digest}\t{offset}\t{len(data)}")
                offset += len(data)
                yield data

        try:
            replace_file(self.dir / log_name, records())
        finally:
            os.close(source)
        return out

    @staticmethod
    def _index_text(index: dict, log_name: str, build: int):
        yield json.dumps({"format": FORMAT, "log": log_name, "build": build}).encode()
        lines = [f"\n{key}\t{used}\t{rest}" for key, (used, rest) in index.items()]
        for at in range(0, len(lines), 4096):
            yield "".join(lines[at:at + 4096]).encode("utf-8")


_LOG_NAME = re.compile(r"entries-\d+\.log")


def _log_name(build: int) -> str:
    return f"entries-{build}.log"


class _Lookups:
    """The build's files as MkDocs' relative-path processor reads them during a replay
    (``get_file_from_path``, its one use), noting whether a lookup found nothing or an
    excluded file (``doubtful``: path_to_url then logs, at a level the logger may drop) and
    the files found (``found``: in a replay that logged nothing, the files the links
    named). The lookup is Files.get_file_from_path's (seam "page-links-trusted" pins its
    source) with the path's normalisation (pathlib, ~40 % of a replayed link) remembered
    for the build (posix: None where the seam does not hold, and Files looks up)."""

    def __init__(self, files, posix: dict | None):
        self._files, self._posix, self.doubtful = files, posix, False
        self.found: set[str] = set()

    def get_file_from_path(self, path: str):
        if self._posix is None:
            file = self._files.get_file_from_path(path)
        else:
            posix = self._posix.get(path)
            if posix is None:
                posix = self._posix[path] = PurePath(path).as_posix()
            file = self._files.src_uris.get(posix)
        if file is None or file.inclusion.is_excluded():
            self.doubtful = True
        else:
            self.found.add(file.src_uri)
        return file

    def __getattr__(self, name):
        return getattr(self._files, name)


class LinkTrust:
    """Which reused pages need not replay their links (site/blog_speed.render_page).

    MkDocs' ``path_to_url`` (seam "page-links-trusted" pins its source) makes a link's URL
    from the page's file, the link validation options and ``use_directory_urls``, and the
    file its path names (``_target_uri``, looked up by ``Files.get_file_from_path``): that
    file's URL and whether it is excluded. Other lookups (guesses) are made only for a link
    that names no file. So a page whose links each named a file that is not excluded, or
    were external or same-page links (none absolute: path_to_url logs for those, at a level
    the logger may drop; none logged), resolves them all alike in a later build in which
    none of the files it named (nor its own) was removed or changed its URL or exclusion,
    and those options are as they were: a new file changes nothing a lookup that found
    another one gave, nor does a file the page did not name. Such a page is "trusted": its
    links are not replayed (but those with an ``#anchor``, which fill MkDocs' anchor
    validation). A +1 build at 10k replayed ~82,000 links of the tag pages (~1.4 s) and
    every frozen post's recorded links (~0.3 s, site/freeze.py: replay_links); a removal
    replays only the pages that named the removed file.

    On disk (``LINKS_FILE`` beside the store, orjson): each file's URL and exclusion as
    this build first saw them (at the first replay: files added later, as MkDocs adds the
    theme's, change nothing trusted; a build in which one is removed or changed after that
    trusts nothing more and saves no trusted page), and each trusted page's key with the
    files its links named (and its own): their places in that list of files. A page that
    named a file added later is not trusted (no snapshot to compare it with)."""

    def __init__(self, directory: Path | None):
        self.path = directory / LINKS_FILE if directory else None
        self.before: dict | None = None  # the last build's {src_uri: [url, excluded]}
        self.before_options: str | None = None
        self.trusted_before: dict[str, list] = {}  # key -> places in ``before`` of the files it named
        self.now: dict | None = None
        self.options: str | None = None
        self.usable = False  # the last build's snapshot read and the link options as they were
        self.changed: set[int] = set()  # places in ``before`` of the files removed or changed since
        self.verified: dict[str, set | None] = {}  # pages whose links held in this build -> the files
        # they named (None: those recorded, the page trusted)
        self.dropped: set[str] = set()  # trusted before, rendered again in this build
        self.used = 0  # pages (and posts' recorded links) trusted, not replayed, in this build
        self.moved = False  # a file of the snapshot removed or changed during this build
        self._files = None
        self._size = -1
        if self.path is not None:
            try:
                data = orjson.loads(self.path.read_bytes())
                files, trusted = data.get("files"), data.get("trusted")
                if data.get("format") == LINKS_FORMAT and isinstance(files, dict) \
                        and isinstance(data.get("options"), str) and isinstance(trusted, dict) \
                        and all(isinstance(ids, list) and all(type(i) is int and 0 <= i < len(files) for i in ids)
                                for ids in trusted.values()):
                    self.before, self.before_options, self.trusted_before = files, data["options"], trusted
            except (OSError, ValueError, TypeError, AttributeError):  # (damaged: nothing trusted)
                self.before, self.trusted_before = None, {}

    @staticmethod
    def _snapshot(files) -> dict:
        return {file.src_uri: [file.url, file.inclusion.is_excluded()] for file in files}

    @staticmethod
    def _options(config) -> str:
        return stable_text([dict(config.validation.links.items()), config.use_directory_urls], with_values=True)

    def _ready(self, files, config) -> None:
        if self.now is None:
            self._files, self._size = files, len(files.src_uris)
            self.now, self.options = self._snapshot(files), self._options(config)
            self.usable = self.before is not None and self.before_options == self.options
            if self.usable:
                now = self.now
                self.changed = {i for i, (src, value) in enumerate(self.before.items()) if now.get(src) != value}
        elif files is not self._files or len(files.src_uris) != self._size:  # (files added or removed since)
            self._files, self._size = files, len(files.src_uris)
            if not self._kept(self.now, self._snapshot(files)):
                self.moved = True

    @staticmethod
    def _kept(before: dict, now: dict) -> bool:
        """No file of ``before`` removed or changed in ``now`` (files added are no change)."""
        return all(now.get(src) == value for src, value in before.items())

    def _holds(self, key: str) -> bool:
        """The last build trusted this page and none of the files it named changed since."""
        ids = self.trusted_before.get(key)
        return ids is not None and self.usable and not self.moved and self.changed.isdisjoint(ids)

    def trusts(self, key: str, files, config) -> bool:
        self._ready(files, config)
        return self._holds(key)

    def held(self, key: str, files, config, named: set | None = None) -> None:
        """This page's links held: replayed (``named``: the files they named, and the page's
        own), each named a file, none logged, all as recorded; or trusted (None)."""
        self._ready(files, config)
        self.verified[key] = named
        self.dropped.discard(key)

    def drop(self, key: str) -> None:
        """This page is rendered again: what was trusted of it holds no more."""
        self.verified.pop(key, None)
        self.dropped.add(key)

    def save(self, stored) -> None:
        """The snapshot and the trusted pages: those whose links held in this build, and the
        others trusted before, still in the store (``stored(key)``), none of whose files
        changed."""
        if self.path is None or (self.now is None and not (self.dropped and self.before is not None)):
            return
        files, options = self.now, self.options
        if files is None:  # (no replay in this build: the last snapshot kept, without the pages rendered)
            files, options = self.before, self.before_options
            trusted = {key: ids for key, ids in self.trusted_before.items() if key not in self.dropped}
        elif not self.moved and self._kept(self.now, self._snapshot(self._files)):
            trusted = {}
            place = {src: i for i, src in enumerate(self.now)}
            remap = [place.get(src, -1) for src in self.before] if self.usable else []
            for key, named in self.verified.items():
                if named is None:
                    if self._holds(key):
                        trusted[key] = [remap[i] for i in self.trusted_before[key]]
                else:
                    trusted[key] = sorted(place.get(src, -1) for src in named)
            for key, ids in self.trusted_before.items():
                if key not in self.verified and key not in self.dropped and self._holds(key) and stored(key):
                    trusted[key] = [remap[i] for i in ids]
            trusted = {key: ids for key, ids in trusted.items() if -1 not in ids}  # (a file added later named)
        else:
            trusted = {}
        data = orjson.dumps({"format": LINKS_FORMAT, "options": options, "files": files, "trusted": trusted})
        self.path.parent.mkdir(parents=True, exist_ok=True)
        replace_file(self.path, data)


# -- the seams ---------------------------------------------------------------------------

# Each speed-up and the seam (site/seams.py) its check guards.
SEAMS = ("blog-excerpts", "blog-posts", "page-render", "blog-readtime", "blog-post-list", "blog-yaml",
         "blog-post-config", "blog-dates", "blog-post-restore", "page-links-trusted", "readtime-plain")


def check_seams() -> None:
    """Raise seams.SeamError if any Material/MkDocs internal patched here changed."""
    for name in SEAMS:
        reason = seams.check(name)
        if reason is not None:
            raise seams.SeamError(f"{name}: {reason}")


def install(config, cache_dir: Path | None) -> tuple[Speedup | None, bool]:
    """Each speed-up whose seam holds: (the installed caches, or None; whether the blog's
    post list may be indexed, in on_nav). A part that holds but will not install leaves
    the blog to build the stock way, with one warning."""
    parts = [name for name in SEAMS if seams.usable(name)]
    post_list = "blog-post-list" in parts
    if not {"blog-excerpts", "blog-posts", "page-render", "blog-readtime", "blog-yaml", "blog-post-config",
            "blog-dates", "blog-post-restore"} & set(parts):
        return None, post_list
    try:
        return Speedup(config, cache_dir, parts), post_list
    except Exception as e:  # (a seam that held but would not install: stock)
        seams.log.warning(f"newsbrief: blog speed-ups could not be installed ({type(e).__name__}: {e}); "
                          "building the blog the stock way")
        return None, post_list


class Speedup:
    """Installs the caches for one build (only the parts in ``parts``, the seams that
    hold); ``close()`` saves and uninstalls."""

    def __init__(self, config, cache_dir: Path | None, parts=("blog-excerpts", "blog-posts", "blog-yaml")):
        from material.plugins.blog.structure import Excerpt, Post
        from mkdocs.structure import pages

        self.digest = config_digest(config)
        self.head_only = not _blog_toc(config)
        self.cache = Cache(cache_dir)
        self.links = LinkTrust(self.cache.dir)
        self._posix: dict[str, str] = {}  # a link's path -> as Files looks it up (_Lookups), for the build
        self.links_trusted = "page-links-trusted" in parts
        self.Excerpt, self.Post, self.Page = Excerpt, Post, pages.Page
        self._excerpt_render = Excerpt.__dict__.get("render")
        self._page_render = pages.Page.__dict__["render"]  # MkDocs' own, whatever is patched below
        self._processor = pages._RelativePathTreeprocessor
        self._path_to_url = self._processor.__dict__["path_to_url"]
        self._recording: tuple | None = None  # (the file being rendered, its links and their URLs)
        self._structure = self._loader = self._readtime = self._post_config = self._dates = None
        self._readtime_plain = None  # plain_readtime while its seam holds
        self.readtimes = [0, 0]  # read times counted by plain_readtime, by Material's (cache misses)
        self._resolve_post = None  # Material's BlogPlugin._resolve_post while ours is installed
        self._post_contexts: dict[int, tuple] = {}  # id(blog plugin) -> (the plugin, its context or None, edit)
        self.posts_restored = self.posts_made = 0
        self.posts_ahead = 0  # of posts_made: made by site/posts_ahead.py's copy, restored from its lines
        self.ahead = None  # site/posts_ahead.PostsAhead while its copy makes posts
        self._post_stores: dict[str, _PostStore] = {}  # a post context -> its restored posts
        self._validated: tuple | None = None  # (the PostConfig last validated, whether clean)
        self._patched_excerpt = self._patched_post = self._patched_page = self._patched_links = False
        speed = self

        def excerpt_render(excerpt, page, separator):
            return speed.render_excerpt(excerpt, page, separator)

        def page_render(page, config, files):
            return speed.render_page(page, config, files)

        def path_to_url(processor, url):
            result = speed._path_to_url(processor, url)
            if speed._recording is not None and processor.file is speed._recording[0]:
                speed._recording[1].append([url, result])
            return result

        excerpt_render.__wrapped__ = self._excerpt_render
        page_render.__wrapped__ = self._page_render  # (seams read MkDocs' source through it)
        try:
            if "blog-excerpts" in parts:
                Excerpt.render = excerpt_render
                self._patched_excerpt = True
            if "blog-posts" in parts or "page-render" in parts:
                self._processor.path_to_url = path_to_url
                self._patched_links = True
            if "blog-posts" in parts:
                Post.render = page_render
                self._patched_post = True
            if "page-render" in parts:
                pages.Page.render = page_render
                self._patched_page = True
            if "blog-readtime" in parts:
                from material.plugins.blog import plugin

                self._readtime = plugin.readtime
                plugin.readtime = speed.readtime
                if "readtime-plain" in parts:
                    self._readtime_plain = plain_readtime
            if "blog-yaml" in parts:
                import yaml
                from material.plugins.blog import structure

                self._structure, self._loader, self._yaml = structure, structure.SafeLoader, structure.yaml
                structure.SafeLoader = yaml.CSafeLoader
                structure.yaml = _FrontMatter(self.cache, yaml)
            if "blog-post-config" in parts:
                from material.plugins.blog import structure

                self._post_config = structure.PostConfig
                structure.PostConfig = _stored_post_config(structure.PostConfig, self.cache, self._heard)
            if "blog-dates" in parts:
                from material.plugins.blog import plugin

                self._dates = plugin.format_date, plugin.format_datetime
                plugin.format_date, plugin.format_datetime = _same_dates(plugin.format_date, plugin.format_datetime)
            if "blog-post-restore" in parts and self._post_config is not None:  # (it hears validations)
                from material.plugins.blog.plugin import BlogPlugin

                self._resolve_post = BlogPlugin.__dict__["_resolve_post"]

                def resolve_post(plugin, file, config):
                    return speed.resolve_post(plugin, file, config)

                resolve_post.__wrapped__ = self._resolve_post
                BlogPlugin._resolve_post = resolve_post
        except BaseException:
            self.uninstall()
            raise

    def uninstall(self) -> None:
        """Put Material and MkDocs back as they were (also after a failed install)."""
        if self._resolve_post is not None:
            from material.plugins.blog.plugin import BlogPlugin

            BlogPlugin._resolve_post, self._resolve_post = self._resolve_post, None
        if self._post_config is not None:
            from material.plugins.blog import structure

            structure.PostConfig, self._post_config = self._post_config, None
        if self._dates is not None:
            from material.plugins.blog import plugin

            (plugin.format_date, plugin.format_datetime), self._dates = self._dates, None
        if self._structure is not None:
            self._structure.SafeLoader, self._structure.yaml = self._loader, self._yaml
            self._structure = None
        if self._readtime is not None:
            from material.plugins.blog import plugin

            plugin.readtime, self._readtime = self._readtime, None
        if self._patched_excerpt:
            self.Excerpt.render = self._excerpt_render
            self._patched_excerpt = False
        if self._patched_post:
            self._patched_post = False
            if self.Post.__dict__.get("render") is not None:
                del self.Post.render
        if self._patched_page:
            self.Page.render = self._page_render
            self._patched_page = False
        if self._patched_links:
            self._processor.path_to_url = self._path_to_url
            self._patched_links = False

    def close(self) -> None:
        self.uninstall()
        try:
            self.cache.save()
            self.links.save(self.cache.index.__contains__)
        except OSError as e:
            log.warning(f"newsbrief: could not save the blog cache: {e}")
        self._save_posts()
        log.info(f"newsbrief: blog cache: {self.cache.hits} reused, {self.cache.misses} rendered, "
                 f"{self.cache.uncacheable} not cacheable; other pages: {self.cache.page_hits} reused, "
                 f"{self.cache.page_misses} rendered; posts: {self.posts_restored} restored, "
                 f"{self.posts_made} made ({self.posts_ahead} by a second process); links of {self.links.used} page(s) "
                 "trusted, not replayed")
        if self.readtimes[0] or self.readtimes[1]:
            log.info(f"newsbrief: read time: {self.readtimes[0]} post(s) counted without a parser, "
                     f"{self.readtimes[1]} by Material's")

    # -- posts ---------------------------------------------------------------------

    def resolve_post(self, plugin, file, config):
        """Material's ``BlogPlugin._resolve_post`` (a Post for a file: read, front matter
        parsed, options validated, moved to its URL), restored when the file's bytes and
        what else the Post depends on are as stored (the file's sha256 and source path in
        its entry; the blog plugin's options, the site's URL, docs folder and language,
        the packages' versions and PostConfig's options in the store's name,
        ``_post_context``). What is restored is what the stock call computes from those
        (its Markdown, meta, validated options, destination and URLs); what it computes
        from anything else (the build date, the edit URL) is computed as it does. A post
        is stored only when the stock call made it with no warning, into values JSON gives
        back exactly, sharing no list or dict between its meta and its options
        (``_post_fields``); anything else is made the stock way every build. The entries
        are one file a context (``_PostStore``), read at once: a post costs its file's
        read and hash and one small JSON decode (~0.2 ms a post with an entry each in
        the blog cache, ~3 s of every build at 10k, before)."""
        if self.ahead is not None:  # (site/posts_ahead.py: where the copy must stop)
            self.ahead.reached(file)
        context, edit = self._post_context(plugin, config)
        data = text = None
        if context is not None:
            try:
                with open(file.abs_src_path, "rb") as f:
                    data = f.read()
                text = _text_of(data)
            except (OSError, ValueError, TypeError):
                text = None  # (the stock way reads it again, and fails as it does)
        if text is None:
            return self._resolve_post(plugin, file, config)
        store = self._post_store(context)
        digest = integrity(file.src_uri, str(file.abs_src_path), hashlib.sha256(data).hexdigest())
        fields = store.get(file.src_uri, digest)
        if fields is not None:
            post = self._restored_post(fields, text, file, config, edit)
            if post is not None:
                if store.keep(file.src_uri, digest):  # (made by the copy, this build)
                    self.posts_made += 1
                    self.posts_ahead += 1
                else:
                    self.posts_restored += 1
                return post
        self._validated = None
        post = self._resolve_post(plugin, file, config)
        validated, self._validated = self._validated, None
        self.posts_made += 1
        if validated is not None and validated[1] and validated[0] is getattr(post, "config", None):
            fields = _post_fields(post, text, file, config.site_dir)
            if fields is not None:
                store.put(file.src_uri, digest,
                          {**fields, "tagged": [_tag_paths(fields["meta"]), _tag_paths(fields["config"])]})
        return post

    def _post_store(self, context: str) -> _PostStore:
        store = self._post_stores.get(context)
        if store is None:
            store = self._post_stores[context] = _PostStore(self.cache.dir, context)
        return store

    def _save_posts(self) -> None:
        stores, self._post_stores = self._post_stores, {}
        try:
            for store in stores.values():
                store.save()
            if stores:
                _PostStore.prune(self.cache.dir, {store.path for store in stores.values()})
        except OSError as e:
            log.warning(f"newsbrief: could not save the blog's posts: {e}")

    def _heard(self, config, clean: bool) -> None:
        self._validated = (config, clean)

    def _post_context(self, plugin, config) -> tuple[str | None, tuple]:
        """What a post made by this blog plugin depends on besides its file, as a hash;
        None if that cannot be said exactly (an option whose value has no exact text, the
        meta plugin, which merges other files into a post's meta): then posts are made
        the stock way. With it, Page.__init__'s arguments of _set_edit_url (read once:
        the site's configuration does not change while the blog reads its posts)."""
        got = self._post_contexts.get(id(plugin))
        if got is None or got[0] is not plugin:
            edit = (config.get("repo_url", None), config.get("edit_uri"), config.get("edit_uri_template"))
            got = self._post_contexts[id(plugin)] = (plugin, self._context_text(plugin, config), edit)
        return got[1], got[2]

    def _context_text(self, plugin, config) -> str | None:
        try:
            if config.plugins.get("material/meta"):
                return None
            options = _exact_text(dict(plugin.config))
            if options is None:
                return None
            versions = [package_versions()]
            for dist in ("babel", "pyyaml"):  # (dates in URLs; front matter)
                try:
                    versions.append(f"{dist}={importlib.metadata.version(dist)}")
                except importlib.metadata.PackageNotFoundError:
                    versions.append(f"{dist}=?")
            text = "|".join([*versions, _schema_text(self._post_config), options, repr(config.site_url),
                             repr(config.docs_dir), repr(config.use_directory_urls),
                             repr(config.theme["language"])])
        except Exception:  # (anything unexpected: the stock way)
            return None
        return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()

    def _restored_post(self, fields: dict, text: str, file, config, edit: tuple):
        """The Post the stock call made, from its stored fields: the attributes Page.__init__,
        Post.__init__ and _resolve_post set, in their order (seams.py checks that those
        are what they set). None if the fields are not as stored."""
        from material.plugins.blog import structure
        from mkdocs.structure import pages

        tagged = fields.pop("tagged", None) if type(fields) is dict else None
        if not _post_fields_ok(fields):
            return None
        try:
            if tagged is None:
                meta = _untag(fields["meta"])
                values = {name: _untag_option(value) for name, value in fields["config"].items()}
            else:  # (fields of its own, decoded for this post: its tagged values untagged in place)
                meta, values = fields["meta"], fields["config"]
                _untag_at(meta, tagged[0], _untag)
                _untag_at(values, tagged[1], _untag_option)
        except (KeyError, IndexError, TypeError, ValueError, AttributeError):  # (not what a post stores)
            return None
        Config = structure.PostConfig
        if type(meta) is not dict or list(values) != [name for name, _ in Config._schema]:
            return None
        options = Config.__new__(Config)  # (Config.__init__, load_dict and validate, as they leave it)
        options.data = values
        options._Config__user_configs = [{key: meta[key] for key in meta if key in values}]
        options._schema_keys = set(values)
        options.config_file_path = file.abs_src_path or ""

        post = structure.Post.__new__(structure.Post)
        file.page = post
        post.file = file
        post.children = post.previous_page = post.next_page = None
        post.active = False
        post.update_date = pages.get_build_date()
        post.canonical_url = post.abs_url = None  # (set below: here for Page.__init__'s order)
        post._set_edit_url(*edit)
        post.markdown = text[fields["start"]:]
        post._title_from_render = None
        post.content = None
        post.toc = []
        post.meta = meta
        post.config = options
        post.excerpt = None
        post.authors = []
        post.categories = []
        file.name  # noqa: B018  (cached, as _format_path_for_post leaves it)
        file.dest_uri = fields["dest_uri"]
        file.abs_dest_path = _abs_dest_path(config.site_dir, fields["dest_uri"])
        file.url = fields["url"]
        post.canonical_url = fields["canonical_url"]
        post.abs_url = fields["abs_url"]
        return post

    # -- excerpts ------------------------------------------------------------------

    def render_excerpt(self, excerpt, page, separator: str) -> None:
        post = excerpt.post
        markdown = post.markdown
        if not post._title_from_render:
            markdown = "\n\n".join([f"# {post.title}", markdown])
        key = integrity("excerpt", self.digest, separator, str(self.head_only), markdown)
        entry = self.cache.get(key)
        if entry is None:
            self.cache.misses += 1
            entry = self._excerpt_template(excerpt, markdown, separator)
            self.cache.put(key, entry)
            if entry[0] is not None:  # this build never converts it again: free its parser
                free_parser(excerpt)
        else:
            self.cache.hits += 1
        if entry[0] is None:  # links that MkDocs rewrites per page: the stock way
            self.cache.uncacheable += 1
            return self._excerpt_render(excerpt, page, separator)
        content, more, toc_tokens = entry
        from mkdocs.structure.toc import get_toc
        from mkdocs.utils import get_relative_url

        path = _attr(get_relative_url(post.url, page.url))
        excerpt.markdown = markdown
        excerpt.content = content.replace(MAIN, path).replace(ANCHOR, path)
        if more is not None:
            excerpt.more = more.replace(MAIN, path).replace(ANCHOR, path)
        excerpt.toc = get_toc(toc_tokens)
        excerpt.file.url = post.url
        return None

    def _excerpt_template(self, excerpt, markdown: str, separator: str) -> list:
        from mkdocs.structure.toc import get_toc  # noqa: F401  (same module the stock path uses)

        md = excerpt.md
        at = md.treeprocessors.get_index_for_name("excerpt")
        original = md.treeprocessors[at]
        priority = next(p.priority for p in md.treeprocessors._priority if p.name == "excerpt")
        check = _LinkCheck(md)
        md.treeprocessors.register(check, "newsbrief-linkcheck", 50)
        md.treeprocessors.register(_SentinelAnchors(md), "excerpt", priority)
        excerpt.file.url = excerpt.post.url
        head = _head(markdown, separator) if self.head_only else None
        try:
            out = md.convert(markdown if head is None else head)
        finally:
            md.treeprocessors.deregister("newsbrief-linkcheck")
            md.treeprocessors.register(original, "excerpt", priority)
        if check.page_dependent or MAIN in markdown or ANCHOR in markdown:
            return [None, None, None]
        if head is not None:
            # What the whole conversion would give before the separator ("\n" joins blocks);
            # `more` is only ever tested for truth ("Continue reading"), and is true here.
            return [out + "\n" if out else out, REST_NOT_RENDERED, _plain(getattr(md, "toc_tokens", []))]
        content, *more = out.split(separator, 1)
        return [content, more[0] if more else None, _plain(getattr(md, "toc_tokens", []))]

    # -- read time -----------------------------------------------------------------

    def readtime(self, html_text: str, words_per_minute: int) -> int:
        """Material's read time of a post (an HTML parser over the whole page, ~0.8 ms a
        brief), reused while the post's HTML and the words per minute are the same."""
        key = integrity("readtime", str(words_per_minute), html_text)
        entry = self.cache.get(key)
        if entry is None:
            minutes = None if self._readtime_plain is None else self._readtime_plain(html_text, words_per_minute)
            self.readtimes[minutes is None] += 1
            entry = [self._readtime(html_text, words_per_minute) if minutes is None else minutes]
            self.cache.put(key, entry)
        return entry[0]

    # -- pages ---------------------------------------------------------------------

    def render_page(self, page, config, files) -> None:
        """MkDocs' Page.render, reused: a page's HTML is a function of its Markdown, URL,
        source path and the Markdown configuration, and of what MkDocs' relative-path
        processor makes of each link (``path_to_url``, the one step that reads other
        pages). A render records each link and what it became; a later build replays
        those calls on a fresh processor (cheap: no Markdown) and reuses the page only if
        every link gives the same URL again. The replay's log lines (a missing target,
        an excluded one) are what the render would log: they are emitted as the render
        would have, or dropped if the page is rendered after all."""
        if page.markdown is None:
            return self._page_render(page, config, files)
        post = isinstance(page, self.Post)
        key = self._page_key(page)
        entry = self.cache.get(key)
        if entry is not None and self._reuse(page, entry, config, files, key):
            if post:
                self.cache.hits += 1
            else:
                self.cache.page_hits += 1
            return None
        if self.links_trusted:
            self.links.drop(key)  # (rendered: its links are trusted after a clean replay, not before)
        calls: list = []
        self._recording = (page.file, calls)
        try:
            self._page_render(page, config, files)
        finally:
            self._recording = None
        if post:
            self.cache.misses += 1
        else:
            self.cache.page_misses += 1
        self.cache.put(key, [page.content, _toc_tokens(page.toc), page._title_from_render,
                             sorted(page.present_anchor_ids or ()), calls])
        return None

    def _page_key(self, page) -> str:
        return integrity("post" if isinstance(page, self.Post) else "page", self.digest, page.url,
                         page.file.src_uri, page.markdown)

    def spill_pages(self, pages) -> None:
        """The renders of these pages (read by MkDocs: it asks for them no more) stored and
        let go of (Cache.spill)."""
        self.cache.spill([self._page_key(page) for page in pages if page.markdown is not None])

    def links_of(self, page) -> list | None:
        """The links of a page rendered or reused in this build, each with the URL it
        became (None if its render is not in the cache)."""
        entry = self.cache.get(self._page_key(page), keep=False) if page.markdown is not None else None
        return None if entry is None else entry[4]

    def _replay(self, page, calls, config, files):
        """(the processor, what each link resolves to now, the log records it held); the
        processor's ``files.doubtful``: whether a lookup found nothing or an excluded file."""
        from mkdocs.structure import pages

        lookups = _Lookups(files, self._posix if self.links_trusted else None)
        processor = pages._RelativePathTreeprocessor(page.file, lookups, config)
        held = _HeldLog()
        pages.log.addFilter(held)
        try:
            results = [[url, self._path_to_url(processor, url)] for url, _ in calls]
        finally:
            pages.log.removeFilter(held)
        return processor, results, held.records

    def replay_links(self, page, calls, config, files) -> list | None:
        """What each of these links resolves to now; None if resolving one logs (site/freeze.py).
        Links of this page that LinkTrust trusts resolve as they did: not replayed."""
        key = None
        if self.links_trusted:
            key = integrity("links", page.file.src_uri, json.dumps(calls, separators=(",", ":")))
            if self.links.trusts(key, files, config):
                self.links.held(key, files, config)  # (the files recorded)
                self.links.used += 1
                return calls
        processor, results, records = self._replay(page, calls, config, files)
        if records:
            return None
        if key is not None and results == calls and self._clean(processor, calls):
            self.links.held(key, files, config, self._named(page, processor))
        return results

    @staticmethod
    def _named(page, processor) -> set:
        """The files a clean replay's links named, and the page's own (its URL is in each)."""
        return processor.files.found | {page.file.src_uri}

    @staticmethod
    def _clean(processor, calls) -> bool:
        """A replay (that logged nothing) whose links LinkTrust may trust: each named a file
        that is not excluded, or was external or on the page; none absolute."""
        return not processor.files.doubtful and not any(url.startswith(("/", "\\")) for url, _ in calls)

    def _reuse(self, page, entry, config, files, key: str | None = None) -> bool:
        """The stored render if each of its links resolves as recorded: replayed, or for a
        page LinkTrust trusts (key: its entry's), only its links with an anchor."""
        from mkdocs.structure import pages
        from mkdocs.structure.toc import get_toc

        content, toc_tokens, title, anchors, calls = entry
        trusted = key is not None and self.links_trusted and self.links.trusts(key, files, config)
        if trusted:
            some = [call for call in calls if "#" in call[0]]
            processor, results, records = self._replay(page, some, config, files)
            trusted = not records and not processor.files.doubtful and results == some
            self.links.used += trusted
            if not trusted:  # (trusted again only if the replay below is clean)
                self.links.drop(key)
        if not trusted:
            processor, results, records = self._replay(page, calls, config, files)
            if any(new != old for (_, new), (_, old) in zip(results, calls, strict=True)):
                return False
        if key is not None and self.links_trusted and not records and self._clean(processor, calls):
            self.links.held(key, files, config, None if trusted else self._named(page, processor))
        for record in records:
            pages.log.handle(record)
        page.content = content
        page.toc = get_toc(toc_tokens)
        page._title_from_render = title
        page.present_anchor_ids = set(anchors)
        if pages.log.getEffectiveLevel() > logging.DEBUG:  # as Page.render
            page.links_to_anchors = processor.links_to_anchors
        return True


class _HeldLog(logging.Filter):
    """Holds back a logger's records (a replay's), to be emitted or dropped after."""

    def __init__(self):
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def filter(self, record) -> bool:
        self.records.append(record)
        return False


class _FrontMatter:
    """Stands in for the ``yaml`` module in Material's blog structure (its one use:
    ``yaml.load(front matter, SafeLoader)`` in Post.__init__): the result is stored by the
    text and the loader, as JSON with dates tagged, and each call gets objects of its own
    (Material and the plugins change a post's meta). A result JSON cannot give back
    exactly (keys that are not strings, sets, binary, other time zones) is not stored."""

    def __init__(self, cache: Cache, yaml_module):
        self._cache, self._yaml = cache, yaml_module

    def __getattr__(self, name):
        return getattr(self._yaml, name)

    def load(self, stream, Loader):
        if not isinstance(stream, str):
            return self._yaml.load(stream, Loader)
        key = integrity("yaml", getattr(self._yaml, "__version__", "?"), f"{Loader.__module__}.{Loader.__qualname__}",
                        stream)
        entry = self._cache.get(key)
        if entry is not None:
            return _untag(entry[1])
        value = self._yaml.load(stream, Loader)
        tagged = _tag(value)
        if tagged is not _NO:
            self._cache.put(key, ["yaml", tagged])
        return value


_NO = object()
_TAG = "\ue000nb:"  # (a key no front matter has: private-use, as MAIN above)


def _tag(value):
    """A YAML value as JSON, dates tagged; _NO if JSON would not give it back exactly."""
    kind = type(value)
    if value is None or kind in (str, int, float, bool):
        return value
    if kind is list:
        out = [_tag(v) for v in value]
        return _NO if any(v is _NO for v in out) else out
    if kind is dict:
        if not all(type(k) is str and not k.startswith(_TAG) for k in value):
            return _NO
        out = {k: _tag(v) for k, v in value.items()}
        return _NO if any(v is _NO for v in out.values()) else out
    if kind is dt.date:
        return {_TAG + "date": [value.year, value.month, value.day]}
    if kind is dt.datetime and (value.tzinfo is None or type(value.tzinfo) is dt.timezone) and not value.fold:
        offset = value.utcoffset()
        micro = None if offset is None else offset // dt.timedelta(microseconds=1)
        return {_TAG + "datetime": [value.year, value.month, value.day, value.hour, value.minute, value.second,
                                    value.microsecond, micro]}
    return _NO


def _untag(value):
    if type(value) is list:
        return [_untag(v) for v in value]
    if type(value) is dict:
        if len(value) == 1:
            (key, parts), = value.items()
            if key == _TAG + "date":
                return dt.date(*parts)
            if key == _TAG + "datetime":
                *fields, offset = parts
                tz = None if offset is None else dt.timezone(dt.timedelta(microseconds=offset))
                return dt.datetime(*fields, tzinfo=tz)
        return {k: _untag(v) for k, v in value.items()}
    return value


def _tag_option(value):
    """A validated PostConfig value as JSON (_tag), Material's DateDict tagged; _NO if
    JSON would not give it back exactly."""
    from material.plugins.blog.structure.options import DateDict

    if type(value) is DateDict and set(vars(value)) == {"created"} and value.created is value.get("created"):
        plain = _tag(dict(value))
        return _NO if plain is _NO else {_TAG + "datedict": plain}
    if type(value) is list:
        out = [_tag_option(v) for v in value]
        return _NO if any(v is _NO for v in out) else out
    return _tag(value)


def _untag_option(value):
    from material.plugins.blog.structure.options import DateDict

    if type(value) is list:
        return [_untag_option(v) for v in value]
    if type(value) is dict and len(value) == 1 and _TAG + "datedict" in value:
        return DateDict(_untag(value[_TAG + "datedict"]))
    return _untag(value)


def _stored_post_config(base, cache: Cache, on_validated=None):
    """Material's PostConfig, with ``validate()`` stored by its input: the front matter's
    options as loaded (canonical tagged JSON), the file's path (an option may read it)
    and the options themselves (``_schema_text``; Material's version is in the key too).
    A post whose options validate with no error and no warning, into values JSON gives
    back exactly (dates as Material's DateDict), and without changing what was loaded,
    gets on a later build fresh copies of those values, set as Config.validate sets them
    (``self[key] = value``, every option), without validating; any other post is validated
    the stock way, every time. (~0.25 ms a post: ~3 s of every build at 10k.)
    ``on_validated(config, clean)``, if given, hears after each validate() whether it
    was such a post (Speedup.resolve_post stores only those)."""
    schema = _schema_text(base)
    versions = package_versions()
    tag, untag = _tag_option, _untag_option
    heard = on_validated or (lambda config, clean: None)

    class StoredPostConfig(base):
        def load_dict(self, patch) -> None:
            super().load_dict(patch)
            self._newsbrief_loaded = None if "_newsbrief_loaded" in vars(self) else patch  # (once only)

        def validate(self):
            patch = vars(self).pop("_newsbrief_loaded", None)
            tagged = _NO if patch is None else _tag(patch)
            if tagged is _NO:
                return super().validate()
            text = json.dumps(tagged, sort_keys=True, separators=(",", ":"))
            key = integrity("postconfig", versions, schema, str(self.config_file_path), text)
            entry = cache.get(key)
            if entry is not None and entry[1].keys() == set(self.keys()):
                for name, value in entry[1].items():
                    self[name] = untag(value)
                heard(self, True)
                return [], []
            failed, warnings = super().validate()
            if not failed and not warnings and _tag(patch) == tagged:
                heard(self, True)
                stored = {name: tag(value) for name, value in self.items()}
                if not any(value is _NO for value in stored.values()):
                    cache.put(key, ["postconfig", stored])
            return failed, warnings

    StoredPostConfig.__name__ = StoredPostConfig.__qualname__ = base.__name__
    StoredPostConfig.__module__ = base.__module__
    return StoredPostConfig


# The attributes of a Post as Material's _resolve_post leaves it (Page.__init__'s, then
# Post.__init__'s), in order, and of its PostConfig: what _restored_post sets.
_POST_ATTRS = ("file", "children", "previous_page", "next_page", "_Page__active", "update_date", "canonical_url",
               "abs_url", "edit_url", "markdown", "_title_from_render", "content", "toc", "meta", "config",
               "excerpt", "authors", "categories")
_POST_CONFIG_ATTRS = ("data", "_Config__user_configs", "_schema_keys", "config_file_path")
_POST_URLS = ("dest_uri", "url")  # the file's, set by _resolve_post (and abs_dest_path: from dest_uri)
_POST_STRINGS = ("canonical_url", "abs_url")  # (None without a site_url)


def _post_fields(post, text: str, file, site_dir: str) -> dict | None:
    """What _restored_post needs to make this post again, if it can make it exactly:
    the attributes are the checked ones, those it sets to constants have those values,
    meta and options come back from JSON as they are and share no list or dict (a change
    to one would show in the other, not so after a restore). Else None."""
    from material.plugins.blog import structure

    if type(post) is not structure.Post or tuple(vars(post)) != _POST_ATTRS or post.file is not file \
            or tuple(vars(post.config)) != _POST_CONFIG_ATTRS or type(post.config) is not structure.PostConfig:
        return None
    if not (post.children is None and post.previous_page is None and post.next_page is None
            and post.active is False and post._title_from_render is None and post.content is None
            and type(post.toc) is list and not post.toc and post.excerpt is None
            and type(post.authors) is list and not post.authors
            and type(post.categories) is list and not post.categories):
        return None
    markdown = post.markdown
    start = len(text) - len(markdown) if type(markdown) is str else -1
    if start < 0 or text[start:] != markdown:
        return None
    meta = _tag(post.meta)
    options = {name: _tag_option(value) for name, value in post.config.items()}
    if type(post.meta) is not dict or meta is _NO or any(value is _NO for value in options.values()) \
            or list(options) != [name for name, _ in type(post.config)._schema]:
        return None
    if _containers(post.meta) & _containers(dict(post.config.data)) - {id(post.config.data)}:
        return None
    urls = {name: vars(file).get(name) for name in _POST_URLS}
    strings = {name: getattr(post, name) for name in _POST_STRINGS}
    if not all(type(v) is str for v in urls.values()) or not all(v is None or type(v) is str
                                                                for v in strings.values()) \
            or vars(file).get("abs_dest_path") != _abs_dest_path(site_dir, urls["dest_uri"]):
        return None
    return {"start": start, "meta": meta, "config": options, **urls, **strings}


def _abs_dest_path(site_dir: str, dest_uri: str) -> str:
    """File.abs_dest_path of a file in site_dir (the site folder is another one each
    `newsbrief build`: not in a stored post's key)."""
    return os.path.normpath(os.path.join(site_dir, dest_uri))


_POST_FIELDS = frozenset({"start", "meta", "config", *_POST_URLS, *_POST_STRINGS})


def _post_fields_ok(fields) -> bool:
    return (fields.keys() == _POST_FIELDS
            and type(fields["start"]) is int and fields["start"] >= 0 and type(fields["meta"]) is dict
            and type(fields["config"]) is dict and all(type(fields[k]) is str for k in _POST_URLS)
            and all(fields[k] is None or type(fields[k]) is str for k in _POST_STRINGS))


def _text_of(data: bytes) -> str:
    """A post file's bytes as Post.__init__ reads them (``open(path, encoding="utf-8-sig")``:
    the BOM off, universal newlines); raises ValueError where that read does."""
    text = data.decode("utf-8-sig")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def _tag_paths(value, path: tuple = ()) -> list:
    """Where a _tag'ged (or _tag_option'ed) value has tagged values (dates, Material's
    DateDict): each one's keys and indexes from the top, outermost tags only."""
    if type(value) is dict:
        if len(value) == 1 and next(iter(value)).startswith(_TAG):
            return [list(path)]
        return [p for k, v in value.items() for p in _tag_paths(v, (*path, k))]
    if type(value) is list:
        return [p for i, v in enumerate(value) for p in _tag_paths(v, (*path, i))]
    return []


def _untag_at(value, paths: list, untag) -> None:
    """The tagged values at these paths (_tag_paths) untagged in place: the same value as
    untagging the whole, without walking the rest of it (a brief's meta: ~30 values)."""
    for path in paths:
        *parents, last = path  # (an empty path is not one _tag_paths gives: ValueError)
        node = value
        for key in parents:
            node = node[key]
        node[last] = untag(node[last])


POSTS_PREFIX, POSTS_FORMAT = "posts-", 1
POSTS_KEEP = 6  # stores kept (a context each: two blogs, built and served, and one more)


class _PostStore:
    """The posts Speedup.resolve_post restores under one context (the blog's options, the
    site, the versions: the file is named by it), one file in the blog cache's folder: a
    header line (format, context, sha256 of the rest), then a line a post, ``src_uri TAB
    digest TAB its fields as JSON`` (digest: over its source path and its file's sha256).
    Read whole on first use, a line decoded only when its post asks (a damaged file is an
    empty store: every post made again); saved, when this build's posts are not the
    stored ones, with a restored post's line as read and a made post's new."""

    def __init__(self, directory: Path | None, context: str):
        self.path = directory / f"{POSTS_PREFIX}{context[:32]}.txt" if directory is not None else None
        self.context = context
        self.lines: dict[str, tuple[str, bytes]] = {}  # as stored: src_uri -> (digest, fields' JSON)
        self.used: dict[str, tuple[str, bytes]] = {}  # this build's, to be saved
        # Lines of posts made this build by site/posts_ahead.py's copy (put there from its thread)
        self.ahead: dict[str, tuple[str, bytes]] = {}
        self.changed = False
        try:
            head, _, body = self.path.read_bytes().partition(b"\n") if self.path is not None else (b"", b"", b"")
            header = orjson.loads(head) if head else None
            if type(header) is not dict or header.get("format") != POSTS_FORMAT \
                    or header.get("context") != context or header.get("sha") != hashlib.sha256(body).hexdigest():
                return
            lines = {}
            for line in body.split(b"\n") if body else ():
                src, digest, fields = line.split(b"\t", 2)
                lines[src.decode("utf-8")] = (digest.decode("ascii"), fields)
            self.lines = lines
        except (OSError, ValueError):  # (orjson's and the splits' errors are ValueErrors)
            self.lines = {}

    def _line(self, src: str, digest: str) -> tuple[str, bytes] | None:
        got = self.lines.get(src)
        if got is None or got[0] != digest:
            got = self.ahead.get(src)
        return got if got is not None and got[0] == digest else None

    def get(self, src: str, digest: str) -> dict | None:
        """The stored fields of this post, if stored (or made by the copy) under this digest."""
        got = self._line(src, digest)
        if got is None:
            return None
        try:
            fields = orjson.loads(got[1])
        except ValueError:
            return None
        return fields if type(fields) is dict else None

    def keep(self, src: str, digest: str) -> bool:
        """This post was restored from its line (``get``): saved again as it is. True if
        the line is the copy's (site/posts_ahead.py): new in the store, as if put."""
        line = self._line(src, digest)
        self.used[src] = line
        if self.lines.get(src) is line:
            return False
        self.changed = True
        return True

    def put(self, src: str, digest: str, fields: dict) -> None:
        """A post made by Material: stored if JSON gives its fields back exactly."""
        if "\t" in src or "\n" in src:
            return
        try:
            body = orjson.dumps(fields)
        except TypeError:  # (orjson's JSONEncodeError: an integer past 64 bits)
            return
        if orjson.loads(body) != fields:  # (orjson writes NaN as null)
            return
        self.used[src] = (digest, body)
        self.changed = True

    def save(self) -> None:
        if self.path is None:
            return
        if not self.changed and self.used.keys() == self.lines.keys():
            with contextlib.suppress(OSError):
                os.utime(self.path)  # (used: kept by prune)
            return
        body = b"\n".join(b"%s\t%s\t%s" % (src.encode("utf-8"), digest.encode("ascii"), fields)
                          for src, (digest, fields) in self.used.items())
        head = orjson.dumps({"format": POSTS_FORMAT, "context": self.context,
                             "sha": hashlib.sha256(body).hexdigest()})
        self.path.parent.mkdir(parents=True, exist_ok=True)
        replace_file(self.path, head + b"\n" + body)
        self.lines, self.changed = dict(self.used), False

    @staticmethod
    def prune(directory: Path | None, keep: set) -> None:
        """The stores of other contexts, but the POSTS_KEEP last used, deleted."""
        if directory is None:
            return
        stores = sorted(directory.glob(f"{POSTS_PREFIX}*.txt"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
        for path in [p for p in stores if p not in keep][max(0, POSTS_KEEP - len(keep)):]:
            path.unlink(missing_ok=True)


def _containers(value, out: set | None = None) -> set:
    """The ids of the lists and dicts in a value, itself included."""
    out = set() if out is None else out
    if isinstance(value, dict):
        out.add(id(value))
        for v in value.values():
            _containers(v, out)
    elif isinstance(value, list):
        out.add(id(value))
        for v in value:
            _containers(v, out)
    return out


def _exact_text(value) -> str | None:
    """A text that only equal values have, the same in every run: plain values, lists and
    mappings of them, module-level functions (by name and code) and partials of them;
    None for anything else (a lambda, a bound method, an object: not said exactly)."""
    if value is None or type(value) in (str, int, float, bool):
        return repr(value)
    if isinstance(value, Mapping) or type(value) in (list, tuple):
        items = sorted(value.items(), key=lambda kv: repr(kv[0])) if isinstance(value, Mapping) \
            else list(enumerate(value))
        parts = [(_exact_text(k), _exact_text(v)) for k, v in items]
        if any(k is None or v is None for k, v in parts):
            return None
        return f"{type(value).__name__}(" + ",".join(f"{k}:{v}" for k, v in parts) + ")"
    if type(value) is functools.partial:
        parts = [_exact_text(value.func), _exact_text(list(value.args)), _exact_text(dict(value.keywords))]
        return None if None in parts else "partial(" + ",".join(parts) + ")"
    if isinstance(value, types.FunctionType) and "<" not in value.__qualname__:
        return f"<{value.__module__}.{value.__qualname__}:{_code_text(value.__code__)}>"
    if isinstance(value, types.BuiltinFunctionType) and isinstance(value.__self__, types.ModuleType | None):
        return f"<{value.__module__}.{value.__qualname__}>"
    return None


def _code_text(code) -> str:
    """A function's code as a hash (its bytecode, names and constants, nested code too)."""
    h = hashlib.sha256(code.co_code)
    for const in code.co_consts:
        h.update((_code_text(const) if hasattr(const, "co_code") else repr(const)).encode("utf-8", "surrogatepass"))
    h.update(repr(code.co_names).encode())
    return h.hexdigest()[:16]


def _schema_text(config_class) -> str:
    """The options of a Config class as text: each option's class and attributes (nested
    options likewise), the same in every run."""
    from mkdocs.config.base import BaseConfigOption

    def option(value) -> str:
        if isinstance(value, BaseConfigOption):
            attrs = {k: option(v) for k, v in vars(value).items() if k not in ("warnings", "_config", "_key_name")}
            return f"{type(value).__module__}.{type(value).__qualname__}{stable_text(attrs)}"
        return stable_text(value, with_values=True)

    return stable_text([[name, option(opt)] for name, opt in config_class._schema])


def _same_dates(format_date, format_datetime):
    """Babel's format_date and format_datetime as Material's blog calls them (~0.1 ms each,
    three calls a post), remembered for the build by the date and the arguments: the same
    date (naive, or with a fixed-offset ``datetime.timezone``, compared by its repr, not by
    the instant) gives the same text. Any other call is Babel's."""
    memo: dict = {}

    def remembered(function):
        def call(*args, **kw):
            date, tz = args[0] if len(args) == 1 else None, None
            if type(date) in (dt.date, dt.datetime) and kw.keys() == {"format", "locale"} \
                    and type(kw["format"]) is str and type(kw["locale"]) is str:
                tz = getattr(date, "tzinfo", None)
                if tz is None or type(tz) is dt.timezone:
                    key = (function, type(date), date.timetuple()[:6], getattr(date, "microsecond", 0),
                           getattr(date, "fold", 0), repr(tz), kw["format"], kw["locale"])
                    text = memo.get(key)
                    if text is None:
                        text = memo[key] = function(*args, **kw)
                    return text
            return function(*args, **kw)

        call.__wrapped__ = function
        return call

    return remembered(format_date), remembered(format_datetime)


class PostList(list):
    """The blog's list of posts, with ``in`` answered from an index by source path (the
    list stays a list: order, iteration and slicing are untouched). Equal pages have
    equal files, so only posts of the same path are compared with ``==``."""

    def __init__(self, posts):
        super().__init__(posts)
        self._index: dict[str, list] | None = None
        self._size = -1

    def __contains__(self, page) -> bool:
        file = getattr(page, "file", None)
        if file is None:
            return super().__contains__(page)
        if self._index is None or self._size != len(self):  # rebuilt if the list changed
            self._index, self._size = {}, len(self)
            for post in self:
                self._index.setdefault(post.file.src_uri, []).append(post)
        return any(post == page for post in self._index.get(file.src_uri, ()))

    def _invalidating(name):  # a helper for the class body below, not a method
        def method(self, *args, **kw):
            self._index = None
            return getattr(list, name)(self, *args, **kw)
        return method

    append, extend, insert = _invalidating("append"), _invalidating("extend"), _invalidating("insert")
    remove, pop, clear = _invalidating("remove"), _invalidating("pop"), _invalidating("clear")
    __setitem__, __delitem__ = _invalidating("__setitem__"), _invalidating("__delitem__")
    __iadd__ = _invalidating("__iadd__")
    del _invalidating


def index_posts(blog_plugins) -> None:
    """Give each blog plugin's post list the O(1) ``in`` (call after its on_files)."""
    for plugin in blog_plugins:
        blog = getattr(plugin, "blog", None)
        if blog is not None and not isinstance(blog.posts, PostList):
            blog.posts = PostList(blog.posts)


# Lines after the separator that could change how the part before it converts: reference
# link and footnote definitions, abbreviations.
_DEFINITIONS = re.compile(r"^ {0,3}(?:\[[^\]\n]+\]:|\*\[)", re.M)
REST_NOT_RENDERED = "<!-- newsbrief: the rest of the post is on its page -->"


def _head(markdown: str, separator: str) -> str | None:
    """The Markdown before the excerpt separator, when converting it alone gives the same
    HTML as converting the whole post and cutting there: the separator stands alone between
    blank lines, something follows it, nothing before it opens a code fence or raw HTML,
    and nothing after it defines what the part before it refers to. Else None."""
    mark = f"\n\n{separator}\n"
    at = markdown.find(mark)
    if at < 0 or markdown.count(separator) != 1:
        return None
    head, tail = markdown[:at], markdown[at + len(mark):]
    # (every definition holds "]:" or "*[": looked for first, the expression is slow on a whole post)
    defines = ("]:" in tail or "*[" in tail) and _DEFINITIONS.search(tail)
    if not tail.strip() or defines or "`" in head or "~~~" in head \
            or re.search(r"^ {0,3}<", head, re.M):
        return None
    return head + "\n"


def _blog_toc(config) -> bool:
    """Does any list page show the tables of contents of its excerpts? Then excerpts are
    rendered whole (their toc lists every heading of the post)."""
    from material.plugins.blog.plugin import BlogPlugin

    for plugin in config.plugins.values():
        if isinstance(plugin, BlogPlugin) and plugin.config.enabled:
            c = plugin.config
            if c.blog_toc or any(c.get(k) for k in ("archive_toc", "categories_toc", "authors_profiles_toc")):
                return True
    return False


def _plain(tokens) -> list:
    return json.loads(json.dumps(tokens))


def _toc_tokens(toc) -> list:
    """Rebuild toc tokens (the input of get_toc) from a TableOfContents."""
    def item(i):
        return {"level": i.level, "id": i.id, "name": i.title, "children": [item(c) for c in i.children]}
    return [item(i) for i in toc.items]
