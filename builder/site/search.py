"""Site search that stays instant as the archive grows (issue #5).

Material's built-in search sends the whole index (~16 KB per brief) to every reader, so at
thousands of briefs the first result takes tens of seconds. Pagefind splits its index into
small chunks fetched per query. The plugin option ``search`` picks the engine:

- ``material``: Material's built-in search (one JSON index; simplest, works offline from
  ``file://``, best for a small archive);
- ``pagefind``: Pagefind (PyPI ``pagefind[bin]``, run after the build): only the body of
  each brief is indexed (``data-pagefind-body`` on the post's ``<article>``; digests,
  which repeat their briefs, are not). Years, or the months of a year too big for one
  index, are grouped newest first into indexes of at most ``search_shard_size`` pages
  (``pagefind/2019/``, ``pagefind/2021_2024/``, ``pagefind/2025-07/``; a month bigger
  than that in parts, ``pagefind/2025-12~1/``), so indexing memory and what a query
  reads first are bounded by an index, not the archive. The browser searches the newest index
  first and merges older ones (``mergeIndex``) only while a query has less than a page
  of results or when the reader asks, so a query fetches about one index's worth
  whatever the archive's size. An index whose pages did not change since the last
  build is copied from .newsbrief-cache/pagefind/ instead of being made again
  (ShardCache below). Material's search dialog stays (same markup,
  overrides/partials/search.html), driven by overrides/assets/javascripts/nb-search.js
  instead of Material's search worker. No request leaves the site.
- ``auto`` (default): ``pagefind`` from ``search_threshold`` briefs (default 2,000) up,
  ``material`` below: a small site keeps the simpler built-in search.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import os
import re
import shutil
import stat
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from importlib import metadata
from pathlib import Path

from mkdocs.exceptions import PluginError

from ..model import LANG_TAG, OK
from ..output.store import atomic_write, integrity
from . import seams
from .seams import BODY_OPEN

log = logging.getLogger("mkdocs.plugins.newsbrief.search")

PAGEFIND_DIR = "pagefind"
BODY_OPEN_MARKED = '<article class="md-content__inner md-typeset" data-pagefind-body>'
YEAR_DIR = re.compile(r"^\d{4}$")
MONTH_DIR = re.compile(r"^\d{2}$")
# Pages per Pagefind index. A word on every page costs the browser in proportion to it:
# the word's postings to fetch and rank (~0.15 s and ~40 KB per 1,000 pages here), and the
# index's page list (~8 KB per 1,000). A month bigger than this is split (_month_parts).
# See README "Performance".
SHARD_SIZE = 1_000


def select(mode: str, threshold: int, result, config, languages: Counter | None = None) -> tuple[str, bool]:
    """The engine this build uses, with the build configured for it; and whether the
    copy of Material's search partial (overrides/) may be used: only while it is the
    checked one (seams.py). Pagefind needs the copy, its body marker and the search
    switch; when any of them does not hold, Material's own search runs. `languages`:
    how many briefs the archive holds in each language (archive_languages())."""
    engine = choose(mode, threshold, result, config)
    custom = config.theme.custom_dir
    copied = bool(custom) and (Path(custom) / seams.SEARCH_PARTIAL).is_file()
    partial_ok = True
    if copied or engine == "pagefind":
        partial_ok = seams.usable("search-partial", custom_dir=custom)
    if engine == "pagefind" and not (seams.usable("pagefind") and partial_ok):
        engine = "material"
    configure(engine, config)
    if engine == "material":
        configure_lunr(config, languages or Counter())
    return engine, partial_ok


def choose(mode: str, threshold: int, result, config) -> str:
    """`auto`: Pagefind from `threshold` published briefs of `result` (a pipeline
    Result: anything with `outcomes`) up."""
    if mode != "auto":
        return mode
    posts = 0
    if result is not None:
        posts = sum(1 for o in result.outcomes if getattr(o, "status", None) == OK)
    return "pagefind" if posts >= threshold else "material"


class _SearchStub:
    """What the header template reads of the search plugin: ``config.enabled``."""

    def __init__(self, config):
        self.config = config


def configure(engine: str, config) -> None:
    """Tell the templates which engine runs (``config.extra.newsbrief_search``); with
    Pagefind, Material's search plugin is switched off (no per-page indexing, no
    search_index.json) while the header still shows the search box."""
    config.extra["newsbrief_search"] = engine
    if engine != "pagefind":
        return
    plugin = config.plugins.get("material/search")
    if plugin is None:
        raise PluginError("newsbrief: search: pagefind needs Material's search plugin in mkdocs.yml "
                          "(its dialog is the one Pagefind drives)")
    from copy import copy

    shown = copy(plugin.config)
    plugin.config.enabled = False
    shown.enabled = True
    # Only template lookups go through the dict; MkDocs dispatches events to the plugin's
    # bound methods, which now see enabled = False and do nothing.
    config.plugins["material/search"] = _SearchStub(shown)
    config.plugins["material/search"].real = plugin


HEADERLINK = '<a class="headerlink" '


def mark_body(output: str) -> str:
    """Index only the article of a brief: not the header, navigation or footer, nor the
    headings' permalink signs (a result's excerpt would read "Background¶ Prices ...")."""
    output = output.replace(HEADERLINK, '<a class="headerlink" data-pagefind-ignore ')
    return output.replace(BODY_OPEN, BODY_OPEN_MARKED, 1)


def pagefind_cmd() -> list[str]:
    """`python -m pagefind`, which runs the extended binary when it is installed (PyPI's
    pagefind[extended]: it segments Japanese and Chinese into words; the plain binary
    indexes a run of their text as one word), else the plain one (pagefind[bin])."""
    if not (importlib.util.find_spec("pagefind_bin_extended") or importlib.util.find_spec("pagefind_bin")):
        raise PluginError("newsbrief: search: pagefind needs `pip install 'pagefind[extended]'` "
                          "(pinned in requirements.lock)")
    return [sys.executable, "-m", "pagefind"]


def _html(folder: Path | str) -> list[str]:
    """The paths under `folder` named *.html, as ``Path.rglob("*.html")`` finds them (links
    to folders not followed), in no particular order: with os.scandir, ~2.5× cheaper (at
    10k a walk of the site is ~0.1 s of CPU against ~0.25 s)."""
    out, stack = [], [os.fspath(folder)]
    while stack:
        try:
            entries = os.scandir(stack.pop())
        except OSError:
            continue
        with entries:
            for e in entries:
                if e.name.endswith(".html"):
                    out.append(e.path)
                if e.is_dir(follow_symlinks=False):
                    stack.append(e.path)
    return out


# A month with more pages than an index holds (URLs are /YYYY/MM/slug/) is split into
# parts of at most max_pages pages by its briefs' folders, in the order of their names
# (indexes ``2025-12~1``, ``2025-12~2``, newest month first as ever): what a word on every
# brief costs the reader grows with the pages of the index it reads first. A part's glob
# lists its folders (`{slug-a,slug-b}`), so only folder names that are plain in a glob
# are split on, and a glob is kept under Linux's 128 KiB limit for one argument.
PART = "~"
_PLAIN = re.compile(r"[\w.-]+")
MAX_GLOB = 100_000


def _month_parts(month: str, slugs: Counter, loose: int, max_pages: int) -> list[tuple[str, list[str], int]]:
    """(label, folders, pages) of a month (``YYYY/MM``): itself, or its parts when it has
    more than max_pages pages, all of them in folders (`slugs`: pages per folder; `loose`:
    pages directly in the month) with plain names."""
    n = sum(slugs.values()) + loose
    if n <= max_pages or loose or not all(_PLAIN.fullmatch(s) for s in slugs):
        return [(month, [month], n)]
    order = sorted(slugs)
    count = max(-(-n // max_pages), -(-sum(len(s) + 1 for s in order) // MAX_GLOB))
    parts: list[list[str]] = [[]]
    done = 0
    for s in order:
        if parts[-1] and done >= len(parts) * n / count:
            parts.append([])
        parts[-1].append(s)
        done += slugs[s]
    return [(f"{month}{PART}{i}", [f"{month}/{s}" for s in part], sum(slugs[s] for s in part))
            for i, part in enumerate(parts, 1)]


def _year_units(year: str, total: int, months: dict[str, int], slugs: dict[str, Counter],
                max_pages: int) -> list[tuple[str, list[str], int]]:
    """A year as one unit, or its months newest first (each split when too big) when it
    has more than max_pages pages, all of them in months."""
    if not (total > max_pages and sum(months.values()) == total):
        return [(year, [year], total)]
    out = []
    for m in sorted(months, reverse=True):
        found = slugs.get(m, Counter())
        out.extend(_month_parts(f"{year}/{m}", found, months[m] - sum(found.values()), max_pages))
    return out


def _units(site: Path, max_pages: int) -> list[tuple[str, list[str], int]]:
    """(label, folders, pages) newest first: each year of briefs (post URLs start with the
    year), or its months (``YYYY/MM``) when the year alone has more than max_pages pages,
    or the parts of a month (``YYYY/MM~1``) bigger than that."""
    out = []
    years = sorted((p.name for p in site.iterdir() if p.is_dir() and YEAR_DIR.match(p.name)), reverse=True)
    for year in years:
        found = _html(site / year)
        total = len(found)
        inside: Counter = Counter()
        slugs: dict[str, Counter] = {}
        for p in found:
            parts = os.path.relpath(p, site / year).split(os.sep)
            inside[parts[0]] += 1
            if len(parts) > 2:
                slugs.setdefault(parts[0], Counter())[parts[1]] += 1
        months = {}
        for m in (site / year).iterdir():
            if m.is_dir() and MONTH_DIR.match(m.name):
                if m.is_symlink():  # (a link: not in `found`)
                    linked = [os.path.relpath(p, m).split(os.sep) for p in _html(m)]
                    months[m.name] = len(linked)
                    slugs[m.name] = Counter(parts[0] for parts in linked if len(parts) > 1)
                else:
                    months[m.name] = inside[m.name]
        out.extend(_year_units(year, total, months, slugs, max_pages))
    return out


def _planned_units(html: list[str], max_pages: int) -> list[tuple[str, list[str], int]]:
    """What _units finds in a site folder, from the paths of the site's HTML files
    (relative, with /) before they are written."""
    years: dict[str, int] = {}
    months: dict[str, dict[str, int]] = {}
    slugs: dict[str, dict[str, Counter]] = {}
    for path in html:
        parts = path.split("/")
        if len(parts) < 2 or not YEAR_DIR.match(parts[0]):
            continue
        years[parts[0]] = years.get(parts[0], 0) + 1
        found = months.setdefault(parts[0], {})
        if len(parts) > 2 and MONTH_DIR.match(parts[1]):
            found[parts[1]] = found.get(parts[1], 0) + 1
            if len(parts) > 3:
                slugs.setdefault(parts[0], {}).setdefault(parts[1], Counter())[parts[2]] += 1
    out = []
    for year in sorted(years, reverse=True):
        out.extend(_year_units(year, years[year], months[year], slugs.get(year, {}), max_pages))
    return out


def planned_shards(html: list[str], max_pages: int) -> list[tuple[str, list[str]]]:
    """The indexes shards() will find once the site's HTML files (`html`: paths relative
    to the site) are written (site/second_core.py makes them while pages are written)."""
    return _grouped(_planned_units(html, max_pages), max_pages)


def shards(site: Path, max_pages: int) -> list[tuple[str, list[str]]]:
    """(name, folders) of each index: years (or the months of a year too big for one
    index, or the parts of a month too big), newest first, grouped so that an index
    holds at most max_pages pages. Names: ``2019``, ``2025-07``, ``2021_2024``,
    ``2025-12~1``."""
    return _grouped(_units(site, max_pages), max_pages)


def _grouped(units: list[tuple[str, list[str], int]], max_pages: int) -> list[tuple[str, list[str]]]:
    """Consecutive units while they fit in max_pages; the part of a month on its own."""
    groups: list[list[tuple[str, list[str]]]] = []
    pages = 0
    for label, folders, n in units:
        alone = PART in label
        if not groups or pages + n > max_pages or alone or PART in groups[-1][0][0]:
            groups.append([])
            pages = 0
        groups[-1].append((label, folders))
        pages += n

    def name(g: list[tuple[str, list[str]]]) -> str:
        ends = [g[0]] if len(g) == 1 else [g[-1], g[0]]
        return "_".join(label.replace("/", "-") for label, _ in ends)

    return [(name(g), [f for _, folders in g for f in folders]) for g in groups]


def members(pages, groups: list[tuple[str, list[str]]]) -> list[set[str]]:
    """For each index of `groups`, the paths of `pages` (relative to the site, with /)
    inside one of its folders: each page's parent folders looked up once (a month's part
    lists a folder per brief, so testing each page against each folder would be
    pages x briefs)."""
    owner = {folder: n for n, (_name, folders) in enumerate(groups) for folder in folders}
    out: list[set[str]] = [set() for _ in groups]
    for p in pages:
        parts = p.split("/")
        for i in range(1, min(len(parts), 4)):
            n = owner.get("/".join(parts[:i]))
            if n is not None:
                out[n].add(p)
                break
    return out


def shard_args(name: str, folders: list[str]) -> list[str]:
    """Pagefind's options for one index, the site aside: with the pages, all that decides
    its output (part of the cache key)."""
    if len(folders) == 1:
        pattern = f"{folders[0]}/**/*.html"
    elif PART in name:  # a month's part: YYYY/MM/{slug,...}
        month = folders[0].rsplit("/", 1)[0]
        pattern = month + "/{" + ",".join(f.rsplit("/", 1)[1] for f in folders) + "}/**/*.html"
    else:
        pattern = "{" + ",".join(folders) + "}/**/*.html"
    return ["--glob", pattern, "--output-subdir", f"{PAGEFIND_DIR}/{name}", "--quiet"]


def shard_command(site: Path, name: str, folders: list[str]) -> list[str]:
    return [*pagefind_cmd(), "--site", str(site), *shard_args(name, folders)]


# What Pagefind writes for its own search UIs; nb-search.js loads none of them (it uses
# pagefind.js, its worker, the WebAssembly and the index): ~600 KB an index, left out.
UNUSED = re.compile(r"pagefind-(?:component-ui|modular-ui|ui|highlight)\.(?:js|css)")
ENTRY = "pagefind-entry.json"


def tidy(folder: Path) -> None:
    """Pagefind's output as published: without the unused files, and with the one part
    that is not the same from run to run put in order: pagefind-entry.json lists an
    index's languages in the order of a Rust hash map, which changes with every run.
    (Sorted, Pagefind's own choice among languages of equal size is stable too.)"""
    for p in folder.iterdir():
        if p.is_file() and UNUSED.fullmatch(p.name):
            p.unlink()
    entry = folder / ENTRY
    try:
        data = json.loads(entry.read_text(encoding="utf-8"))
        data["languages"] = dict(sorted(data["languages"].items()))
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as e:
        raise PluginError(f"newsbrief: pagefind wrote no readable {ENTRY} in {folder.name}: {e}") from None
    entry.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def shard_languages(folder: Path) -> list[str]:
    """The languages Pagefind made an index for in `folder` (its pagefind-entry.json),
    most pages first: what nb-search.js merges so that every language is searched."""
    try:
        entry = json.loads((folder / ENTRY).read_text(encoding="utf-8"))
        found = entry["languages"]
        return [lang for lang, _ in sorted(((k, v.get("page_count", 0)) for k, v in found.items()),
                                           key=lambda kv: (-kv[1], kv[0]))]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return []


def index_shard(site: Path, name: str, folders: list[str], cache: ShardCache | None = None) -> bool:
    """One index, from the cache when its pages and settings are those of a stored one,
    else by running Pagefind (and stored). True if it came from the cache."""
    target = site / PAGEFIND_DIR / name
    key = cache.key(site, name, folders) if cache is not None else None
    if key is not None and cache.restore(key, target):
        return True
    shutil.rmtree(target, ignore_errors=True)  # Pagefind adds to a folder, never empties it
    p = subprocess.run(shard_command(site, name, folders), capture_output=True, text=True)
    if p.returncode != 0:
        raise PluginError(f"newsbrief: pagefind failed for {name}:\n{p.stdout}\n{p.stderr}")
    tidy(target)
    if key is not None:
        cache.store(key, target)
    return False


def finish(site: Path, names: list[str]) -> dict[str, list[str]]:
    """pagefind/shards.json (index names, newest first) and languages.json (each index's
    languages), what nb-search.js reads first. Returns the languages."""
    out = site / PAGEFIND_DIR
    out.mkdir(parents=True, exist_ok=True)
    (out / "shards.json").write_text(json.dumps(names), encoding="utf-8")
    languages = {name: shard_languages(out / name) for name in names}
    (out / "languages.json").write_text(json.dumps(languages), encoding="utf-8")
    return languages


def index(config, max_pages: int, cache_dir: Path | None = None) -> dict:
    """Index every shard (those whose pages did not change from the cache under
    `cache_dir`, see ShardCache), two Pagefind runs at a time; write shards.json.
    Returns figures."""
    site = Path(config.site_dir)
    groups = shards(site, max_pages)
    started = time.perf_counter()
    cache = ShardCache(cache_dir / CACHE_SUBDIR) if cache_dir is not None else None
    # What an earlier build left (a site folder that was not emptied) stays only where it
    # is an index of this build's, checked file by file (ShardCache.restore).
    keep = {name for name, _ in groups}
    for p in (site / PAGEFIND_DIR).iterdir() if (site / PAGEFIND_DIR).is_dir() else ():
        if p.is_symlink() or not p.is_dir():
            p.unlink()
        elif cache is None or p.name not in keep:
            shutil.rmtree(p)
    with ThreadPoolExecutor(max_workers=min(2, os.cpu_count() or 1)) as pool:
        reused = sum(pool.map(lambda g: index_shard(site, g[0], g[1], cache), groups))
    if cache is not None:
        cache.close()
    languages = finish(site, [name for name, _ in groups])
    figures = {"shards": len(groups), "reused": reused, "seconds": time.perf_counter() - started,
               "languages": sorted({lang for found in languages.values() for lang in found})}
    if {"ja", "zh", "ko"} & set(figures["languages"]) and not importlib.util.find_spec("pagefind_bin_extended"):
        log.info("newsbrief: pagefind: Japanese/Chinese/Korean briefs are indexed without word segmentation; "
                 "`pip install 'pagefind[extended]'` segments them")
    log.info(f"newsbrief: pagefind: {len(groups)} index(es), {reused} unchanged, in {figures['seconds']:.1f}s")
    return figures


# -- incremental indexing (issue 15) -----------------------------------------------------
#
# Pagefind's output for an index is a function of the pages it reads (their paths under
# the site and their bytes), its version and its options; checked: two runs on the same
# pages give the same bytes, whatever the folder, the files' times or the cores, once
# tidy() has put pagefind-entry.json's languages in order (their order varies). So an
# index whose pages are all unchanged is copied from the one stored by an earlier build.
# Stored under .newsbrief-cache/pagefind/: `<key>.json` lists the index's files and the
# SHA-256 of each, with an integrity hash over the key and the list; the files are stored
# once each under `blobs/<sha256>` (every index has the same pagefind.js and WebAssembly).
# Nothing is trusted: a list whose hash fails, or a file whose bytes do not hash to its
# name, means the index is made again (and the bad entry deleted). A build deletes the
# entries it did not use.
#
# A file's SHA-256 is taken again only when the file may have changed since it was last
# taken (FileHashes): at 10k, hashing every page and stored file of every index was ~3 s
# of CPU a build beside MkDocs, where a build with one new brief changes a few pages.

CACHE_SUBDIR = "pagefind"
# Raise when what this module does to Pagefind's output changes (tidy()).
CACHE_FORMAT = "1"
# Pagefind also reads a configuration file from the working directory, and PAGEFIND_*
# variables from the environment: both are part of the key.
PAGEFIND_CONFIGS = ("pagefind.yml", "pagefind.yaml", "pagefind.toml", "pagefind.json")
_SHA256 = re.compile(r"[0-9a-f]{64}")


def _sha256(path: Path) -> str:
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


# A file's remembered hash is trusted only if its modification time was at least this much
# before the hash was taken: a file changed again within the file system's clock tick of
# its last write keeps its time (git's "racily clean" entries), so such a hash is not kept.
RACY_NS = 1_000_000_000
HASHES_FILE = "file-hashes"  # in the cache folder, beside the indexes' lists
HASHES_FORMAT = "1"


class FileHashes:
    """The SHA-256 of files, remembered by what git's index keeps to know a file unchanged
    without reading it: its device and inode, size and modification time (nanoseconds).
    A file written again gets a new time (or, written as a new file, as MkDocs and
    site_reuse.py do, a new inode); a page site_reuse.py links from the previous site is
    the same inode with the same time, so it is not read. The change time is left out:
    linking a file (and deleting the previous site's link) changes it, so it would miss
    every linked page. What this does not see is a file rewritten in place with the same
    size and its modification time set back to the same nanosecond (`cp -p`, `touch -d`
    onto an existing file): the site and cache folders are the builder's. A file changed
    while it is read, or whose time is within RACY_NS of the read, is hashed but not
    remembered. Kept in the cache folder between builds (only the files a build used),
    shared by every ShardCache of a folder in one process (second_core.py's early
    indexes, then search.index)."""

    def __init__(self, path: Path | None):
        self.path = path
        self.known: dict[tuple[int, int], tuple[int, int, str]] = {}  # (dev, ino) -> (size, mtime_ns, sha256)
        self.seen: dict[tuple[int, int], tuple[int, int, str]] = {}  # those of this build's files
        self.read = 0  # files hashed (not known)
        if path is not None:
            self._load(path)

    def _load(self, path: Path) -> None:
        try:
            header, check, *lines = path.read_text(encoding="ascii").split("\n")
            body = "\n".join(lines)
            if header != HASHES_FORMAT or check != integrity(HASHES_FILE, body):
                return
            for line in lines:
                dev, ino, size, mtime, digest = line.split(" ")
                if _SHA256.fullmatch(digest):
                    self.known[(int(dev), int(ino))] = (int(size), int(mtime), digest)
        except (OSError, ValueError, UnicodeDecodeError):
            self.known = {}

    def sha256(self, path: Path | str, st: os.stat_result | None = None) -> str:
        """The file's SHA-256 (`st`: its os.stat, if the caller has it)."""
        st = st or os.stat(path)
        ident = (st.st_dev, st.st_ino)
        known = self.known.get(ident)
        if known is not None and known[0] == st.st_size and known[1] == st.st_mtime_ns:
            self.seen[ident] = known
            return known[2]
        started = time.time_ns()
        with open(path, "rb") as f:
            before = os.fstat(f.fileno())
            digest = hashlib.file_digest(f, "sha256").hexdigest()
            after = os.fstat(f.fileno())
        self.read += 1
        same = [(s.st_dev, s.st_ino, s.st_size, s.st_mtime_ns) for s in (before, after)]
        if same[0] == same[1] and before.st_mtime_ns + RACY_NS < started:
            entry = (before.st_size, before.st_mtime_ns, digest)
            self.known[(before.st_dev, before.st_ino)] = self.seen[(before.st_dev, before.st_ino)] = entry
        return digest

    def save(self) -> None:
        if self.path is None:
            return
        body = "\n".join(f"{dev} {ino} {size} {mtime} {digest}"
                         for (dev, ino), (size, mtime, digest) in sorted(self.seen.items()))
        try:
            atomic_write(self.path, f"{HASHES_FORMAT}\n{integrity(HASHES_FILE, body)}\n{body}".encode("ascii"))
        except OSError as e:
            log.warning(f"newsbrief: pagefind: could not store the files' hashes: {e}")


_hashes: dict[Path, FileHashes] = {}
_hashes_lock = threading.Lock()


def file_hashes(folder: Path) -> FileHashes:
    """The remembered hashes of a cache folder, loaded once until ShardCache.close saves them."""
    with _hashes_lock:
        found = _hashes.get(folder)
        if found is None:
            found = _hashes[folder] = FileHashes(folder / HASHES_FILE)
        return found


def pagefind_identity() -> str:
    """The Pagefind that runs: the versions of the packages that ship its binaries, the
    configuration it would read from the working directory and the environment."""
    parts = []
    for package in ("pagefind", "pagefind_bin", "pagefind_bin_extended"):
        try:
            parts.append(f"{package}={metadata.version(package)}")
        except metadata.PackageNotFoundError:
            parts.append(f"{package}=-")
    for name in PAGEFIND_CONFIGS:
        p = Path(name)
        parts.append(f"{name}={_sha256(p) if p.is_file() else '-'}")
    parts += sorted(f"{k}={v}" for k, v in os.environ.items() if k.upper().startswith("PAGEFIND_"))
    return "\n".join(parts)


def _place(blob: Path, dest: Path, digest: str) -> bool:
    """A stored file into the site: a hard link to the blob (~3× cheaper than writing
    it, at 10k ~3 s of a build), or a copy where links cannot be made (of bytes checked
    again: False if they do not hash to `digest`). Blobs are only ever replaced
    (atomic_write: a new file), never written in place, and each is checked against its
    hash before every use (FileHashes: unless it is the very file last checked), so a
    site file changed in place is caught."""
    try:
        os.link(blob, dest)
    except OSError:
        data = blob.read_bytes()
        if hashlib.sha256(data).hexdigest() != digest:
            return False
        dest.write_bytes(data)
    return True


class ShardCache:
    def __init__(self, folder: Path):
        self.folder = folder
        self.blobs = folder / "blobs"
        self.identity = pagefind_identity()
        self.used: set[str] = set()
        self.lock = threading.Lock()
        self.hashes = file_hashes(folder)

    def key(self, site: Path, name: str, folders: list[str]) -> str:
        """Every input of the index: Pagefind and its options, each page's path and bytes
        (the bytes by their SHA-256, read only where the file may have changed)."""
        pages = []
        for folder in folders:
            for p in _html(site / folder):
                try:
                    st = os.stat(p)
                except OSError:
                    continue
                if stat.S_ISREG(st.st_mode):  # (as Path.is_file)
                    pages.append((Path(p).relative_to(site).as_posix().split("/"), p, st))
        pages.sort(key=lambda page: page[0])  # (the order of the pages' Path objects)
        lines = [f"{'/'.join(parts)} {self.hashes.sha256(p, st)}" for parts, p, st in pages]
        key = integrity(CACHE_FORMAT, self.identity, json.dumps(shard_args(name, folders)), *lines)
        with self.lock:
            self.used.add(key)
        return key

    def _manifest(self, key: str) -> dict[str, str] | None:
        try:
            stored = json.loads((self.folder / f"{key}.json").read_text(encoding="utf-8"))
            files = stored["files"]
            if not isinstance(files, dict) or stored["check"] != integrity(key, json.dumps(files, sort_keys=True)):
                return None
            if all(isinstance(rel, str) and isinstance(h, str) and _SHA256.fullmatch(h) and _safe(rel)
                   for rel, h in files.items()):
                return files
        except (OSError, ValueError, KeyError, TypeError):
            pass
        return None

    def restore(self, key: str, target: Path) -> bool:
        """The stored index in `target`, if it is there and intact: left as it is when
        `target` holds exactly its files already (a site folder kept from the last
        build), else copied."""
        if not (self.folder / f"{key}.json").is_file():
            return False
        files = self._manifest(key)
        if files and _holds(target, files, self.hashes):
            return True
        shutil.rmtree(target, ignore_errors=True)
        made: set[Path] = set()
        try:
            for rel, digest in (files or {}).items():
                blob = self.blobs / digest
                if self.hashes.sha256(blob) != digest:
                    blob.unlink()
                    files = None
                    break
                dest = target / rel
                if dest.parent not in made:
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    made.add(dest.parent)
                if not _place(blob, dest, digest):
                    files = None
                    break
        except OSError:
            files = None
        if not files:
            log.info("newsbrief: pagefind: a stored index failed its check; indexing again")
            (self.folder / f"{key}.json").unlink(missing_ok=True)
            shutil.rmtree(target, ignore_errors=True)
            return False
        return True

    def store(self, key: str, source: Path) -> None:
        try:
            files = {}
            for p in sorted(source.rglob("*")):
                if p.is_file():
                    data = p.read_bytes()
                    digest = hashlib.sha256(data).hexdigest()
                    files[p.relative_to(source).as_posix()] = digest
                    atomic_write(self.blobs / digest, data)  # rewrites a damaged copy
            entry = {"files": files, "check": integrity(key, json.dumps(files, sort_keys=True))}
            atomic_write(self.folder / f"{key}.json", json.dumps(entry).encode("utf-8"))
        except OSError as e:
            log.warning(f"newsbrief: pagefind: could not store an index: {e}")

    def close(self) -> None:
        """Delete the entries this build did not use, and the files only they held; keep
        the files' hashes for the next build."""
        with _hashes_lock:
            if _hashes.get(self.folder) is self.hashes:
                del _hashes[self.folder]
        if not self.folder.is_dir():
            return
        self.hashes.save()
        keep: set[str] = set()
        for entry in os.scandir(self.folder):
            stem = entry.name[:-5] if entry.name.endswith(".json") else None
            if stem in self.used and (files := self._manifest(stem)):
                keep.update(files.values())
            elif entry.is_file() and entry.name != HASHES_FILE:
                Path(entry.path).unlink(missing_ok=True)  # unused, damaged, or a killed write
        if self.blobs.is_dir():
            for entry in os.scandir(self.blobs):
                if entry.name not in keep:
                    Path(entry.path).unlink(missing_ok=True)


def _holds(folder: Path, files: dict[str, str], hashes: FileHashes) -> bool:
    """`folder` holds these files, with these SHA-256s, and nothing else."""
    try:
        entries = list(folder.rglob("*"))
        if any(p.is_symlink() for p in entries):
            return False
        found = [p for p in entries if not p.is_dir()]
        return len(found) == len(files) and all(
            hashes.sha256(p) == files.get(p.relative_to(folder).as_posix()) for p in found)
    except OSError:
        return False


def _safe(rel: str) -> bool:
    """A stored file's path: relative, inside the index folder."""
    parts = rel.split("/")
    return bool(rel) and not rel.startswith("/") and "\\" not in rel and all(x not in ("", ".", "..") for x in parts)


# -- languages (issue 14) ----------------------------------------------------------------
#
# A brief's language (front matter `lang`, convert/lang.py) becomes its page's <html lang>;
# every other page keeps the site's (theme.language). Both engines then find briefs in
# every language the archive holds:
#
# - Material's search (lunr): `lang` lists the archive's languages that lunr-languages
#   supports (the site's first, then the most frequent, at most MAX_LUNR_LANGUAGES; their
#   scripts are served by Material from this site), so each gets its trimmer, stop words
#   and, for Japanese, its word segmenter (TinySegmenter); `separator` also splits at
#   the punctuation that would otherwise stick to a word. Set only when mkdocs.yml does
#   not set them.
# - Pagefind builds an index per language and per shard (the page's <html lang> says
#   which; Japanese and Chinese are segmented by the extended binary); nb-search.js
#   searches every language's index, each with its own stemmer (see that file).

# base.html's root element (`<html lang="{{ lang.t('language') }}" class="no-js">`;
# base.html is one of the templates seams.py checks by hash).
HTML_OPEN = re.compile(r'<html lang="[^"<>]*" class="no-js">')
# Material's default (whitespace, dashes), the Japanese/Chinese one (ideographic space,
# commas, full stops), and the punctuation that otherwise sticks to a word in lunr's index
# ("«барсы»", "(Kyiv)", "said,"): a query for the bare word then finds it. A full stop
# splits too, except before a digit ("3.2").
SEPARATOR = (r'[\s\-\u2010-\u2015\u3000\u3001\u3002\uff0c\uff0e\u30fb\u300c-\u300f\uff08\uff09'
             r'\uff01\uff1f\uff1b\uff1a()\[\]{}\u00ab\u00bb\u2039\u203a\u201e\u201c\u201d\u2018\u2019"`,;:!?/]+'
             r'|\.(?!\d)')
# Each lunr language costs the reader a script (10-25 KB) and a pass over every word.
MAX_LUNR_LANGUAGES = 6
# BCP 47 primary subtag -> lunr-languages' name, where they differ.
_LUNR_NAMES = {"nb": "no", "nn": "no"}


def page_lang(page) -> str:
    """A page's own language (front matter `lang`, checked), or ""."""
    tag = (page.meta or {}).get("lang") if page is not None else None
    return tag if isinstance(tag, str) and LANG_TAG.fullmatch(tag) else ""


def with_lang(output: str, lang: str) -> str:
    """The page with `lang` on its root element; unchanged if it has none of its own or
    the root element is not the one base.html writes."""
    if not lang or not LANG_TAG.fullmatch(lang):
        return output
    m = HTML_OPEN.search(output, 0, 2000)
    if m is None:
        return output
    return output[: m.start()] + f'<html lang="{lang}" class="no-js">' + output[m.end():]


def archive_languages(index: dict) -> Counter:
    """Briefs per language in the archive index (.newsbrief-index.json, read back as
    untrusted: entries without a valid tag count for nothing)."""
    out: Counter = Counter()
    for entry in index.values() if isinstance(index, dict) else ():
        tag = entry.get("lang") if isinstance(entry, dict) else None
        if isinstance(tag, str) and LANG_TAG.fullmatch(tag):
            out[tag] += 1
    return out


def lunr_supported() -> set[str]:
    """The languages Material's search can load (assets/javascripts/lunr/min/lunr.XX.min.js
    as installed), plus English, lunr's own."""
    root = seams.material_templates() / "assets" / "javascripts" / "lunr" / "min"
    names = {p.name[len("lunr."):-len(".min.js")] for p in root.glob("lunr.*.min.js")}
    return ({n for n in names if re.fullmatch(r"[a-z]{2,3}", n)} - {"jp"}) | {"en"}


def lunr_languages(site_lang: str, counts: Counter, supported: set[str],
                   cap: int = MAX_LUNR_LANGUAGES) -> list[str]:
    """The site's language first (English when lunr has no support for it), then the
    archive's languages lunr supports, most briefs first (ties by name), at most `cap`."""
    def name(tag: str) -> str:
        first = tag.split("-")[0].lower()
        return _LUNR_NAMES.get(first, first)

    site = name(site_lang or "en")
    out = [site if site in supported else "en"]
    by_size: Counter = Counter()
    for tag, n in counts.items():
        by_size[name(tag)] += n
    for lang, _ in sorted(by_size.items(), key=lambda kv: (-kv[1], kv[0])):
        if len(out) >= cap:
            break
        if lang in supported and lang not in out:
            out.append(lang)
    return out


def configure_lunr(config, counts: Counter) -> list[str] | None:
    """Material's search plugin set up for the archive's languages (see above); its own
    settings in mkdocs.yml win. Returns the languages, None if the plugin is absent."""
    plugin = config.plugins.get("material/search")
    if plugin is None or not hasattr(plugin, "config"):
        return None
    try:
        supported = lunr_supported()
    except (OSError, ImportError, AttributeError):
        supported = {"en"}
    if not plugin.config.get("lang"):
        plugin.config.lang = lunr_languages(config.theme.get("language") or "en", counts, supported)
    if not plugin.config.get("separator"):
        plugin.config.separator = SEPARATOR
    log.info(f"newsbrief: search: languages {', '.join(plugin.config.lang)}")
    return list(plugin.config.lang)
