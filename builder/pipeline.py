"""The conversion pipeline: the order of the steps, and nothing else.

discover the dumps (convert/discover.py) -> a first pass over them (convert.scan: a
family dump is converted at once; a page-text or HTML dump gives its lines' keys) -> a
SourceView per page-text/HTML dump (its own lines' counts over its folder) -> those
through convert.process(); both passes in a process pool for large batches (convert/) ->
the archive-wide decisions, in order (archive/) -> every generated file
(output/generated.py) -> the posts folder (output/posts.py). With the conversion cache
(output/cache.py) an unchanged dump (same bytes; for page-text and HTML also the same
view) is neither read, parsed nor rendered again, and an unchanged archive is only
checked. Relative paths are taken from the project root the caller gives (the working
folder only when none is given).
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Container, Iterable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from .archive.chrome import apply_learned, body_spans, learned_chrome, learned_hits
from .archive.duplicates import bands_apart, known_bands, mark_near_duplicates, resolve
from .archive.names import assign_names, kept_categories
from .archive.pages import assign_pages, previous_pages
from .archive.related import Memo, related_again
from .archive.tags import normalise_tags
from .convert import _POOL_THRESHOLD as POOL_THRESHOLD  # (below it convert runs in this process)
from .convert import Scan, content_key, features, lang, process_file, process_files, scan_file, scan_files
from .convert.discover import discover, display_path
from .convert.lang import read_model_with
from .convert.readers.context import SourceView, views
from .model import OK, Outcome
from .output import fanout
from .output.authors import kept_authors
from .output.cache import Cached, ConvertCache, Memory, fingerprint, model_copy, restore
from .output.fanout import Batch
from .output.generated import archive_files, extra_files, page_files, render_digests, render_pages
from .output.index import entry_texts, load_index
from .output.posts import PostsFolder, WriteReport
from .output.render import render_key
from .output.store import remove_stale_temps
from .rules import Rules


@dataclass
class Result:
    outcomes: list[Outcome] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # usage errors (missing paths)
    warnings: list[str] = field(default_factory=list)  # entries skipped by discovery, and why
    write: WriteReport | None = None
    learned: dict[tuple[str, str], int] = field(default_factory=dict)  # chrome learned from the corpus
    related: Memo | None = None  # what the related briefs' step found, for the next run (distributed.py)

    def count(self, status: str) -> int:
        return sum(o.status == status for o in self.outcomes)


def _archive_steps(outcomes: list[Outcome], paths: dict[str, Path], rules: Rules, posts_rel: str, root: Path,
                   foreign: Callable[[str], bool] | None = None, stubs: dict[str, Cached] | None = None,
                   source_views: dict[str, SourceView] | None = None, link: bool = True) -> Result:
    """The decisions that need the whole archive, in order. `stubs` (source -> what the
    cache knows of its page): outcomes rebuilt from the cache, which take part with their
    features and are read again only if their page has to change; those whose page stays
    as it is are still in `stubs` afterwards."""
    stubs = {} if stubs is None else stubs
    source_views = source_views or {}
    spans = body_spans(outcomes, rules)
    learned = learned_chrome(outcomes, rules, spans)

    def full(o: Outcome) -> Outcome:
        """The stub's article with its text (read again), with the archive's learning."""
        stubs.pop(o.source_path, None)
        fresh = process_file((o.source_path, paths[o.source_path]), rules, source_views.get(o.source_path))
        if fresh.article is not None:
            fresh.article.learned = apply_learned(fresh.article, fresh.features, learned, spans.get(o.source_path))
            fresh.article.content_key = content_key(fresh.article)
        return fresh

    learning = {pub for pub, _ in learned}  # a publisher with no learned line loses none
    for i, o in enumerate(outcomes):
        if o.status != OK:
            continue
        a = o.article
        span = spans.get(o.source_path)
        if o.source_path not in stubs:
            a.learned = apply_learned(a, o.features, learned, span)
            if a.learned:  # its text changed; else it is the text the conversion hashed
                a.content_key = content_key(a)
        elif (learned_hits(a, o.features, learned, span) if (a.publisher or "") in learning else []) != a.learned:
            outcomes[i] = full(o)
    cut = len(posts_rel) + 1
    decide(outcomes, rules, posts_rel, root, foreign, {src: c.page[cut:] for src, c in stubs.items() if c.page}, link)
    # A cached page whose inputs moved (slug, tags, copies, learned lines) is rendered again.
    for i, o in enumerate(outcomes):
        cached = stubs.get(o.source_path)
        if o.status == OK and cached is not None and (render_key(o) != cached.render or not cached.exists):
            stub, fresh = o, full(o)
            if fresh.article is None:  # changed on disk since it was looked at: next run
                stubs[o.source_path] = cached
                continue
            fresh.status, fresh.page, fresh.related = stub.status, stub.page, stub.related
            fresh.article.slug, fresh.article.tags = stub.article.slug, stub.article.tags
            fresh.article.copies = stub.article.copies
            fresh.article.author_keys, fresh.article.category = stub.article.author_keys, stub.article.category
            outcomes[i] = fresh
    return Result(outcomes=outcomes, learned=learned)


def decide(outcomes: list[Outcome], rules: Rules, posts_rel: str, root: Path,
           foreign: Callable[[str], bool] | None = None, cached_pages: dict[str, str] | None = None,
           link: bool = True) -> Memo | None:
    """The archive-wide decisions after learned chrome, in order: duplicates and
    revisions, near-duplicates, tags, pages, names, related briefs. They read what the
    conversion cache keeps of a dump (its record), never its text, so they run as well
    on records gathered from a cluster (distributed.py). `cached_pages`: source ->
    posts-relative page the cache remembers. `link=False`: all but the related briefs
    (the caller then calls link_related()). Returns what link_related() returns."""
    resolve(outcomes)
    mark_near_duplicates(outcomes, rules.near_duplicate_threshold)
    normalise_tags([o.article for o in outcomes if o.status == OK], rules)
    posts = root / posts_rel
    index = load_index(posts)
    # A brief keeps the page it had: the archive index says which, else the cache.
    previous = (cached_pages or {}) | previous_pages(index)
    assign_pages(outcomes, posts_rel, previous, foreign)
    assign_names(outcomes, kept_authors(posts), kept_categories(index))
    return link_related(outcomes, rules) if link else None


def link_related(outcomes: list[Outcome], rules: Rules, memo: Memo | None = None,
                 same: Container[str] = ()) -> Memo | None:
    """The last decision: each brief's related briefs (their pages). `memo`: what the
    last run's step found (the same lists, found again only near what changed); returns
    this run's. `same`: sources restored from the cache that wrote `memo`, unchanged."""
    found, memo = _related_lists(outcomes, rules, memo, same)
    return _apply_related(outcomes, found, memo)


def _related_lists(outcomes: list[Outcome], rules: Rules, memo: Memo | None = None,
                   same: Container[str] = ()) -> tuple[dict[str, list[str]], Memo | None]:
    """link_related()'s finding, without setting anything (so it can run in a worker)."""
    return related_again([(o.source_path, o.article, o.features) for o in outcomes if o.status == OK], memo,
                         rules.related_max, same=same)


def _apply_related(outcomes: list[Outcome], found: dict[str, list[str]], memo: Memo | None) -> Memo | None:
    pages = {o.source_path: o.page for o in outcomes if o.status == OK}
    by_source = {o.source_path: o for o in outcomes if o.status == OK}
    for key, rel in found.items():
        by_source[key].related = [pages[k] for k in rel]
    return memo


def _start_related(outcomes: list[Outcome], rules: Rules, memo: Callable[[], Memo | None] | None,
                   same: Container[str], batch: Batch) -> Callable[[], Memo | None]:
    """link_related() with the last run's memo (`memo()`), as the first job of `batch` when
    there is none (every list found anew: ~1.5 s of CPU at 10k, the longest job) in an
    archive big enough for the batch to fork, so that this process writes the pages
    meanwhile; else here, when asked (with a memo, a few lists: less than sending them
    back would cost). Returns the function that sets the lists and gives this run's Memo."""
    if memo is not None or sum(o.status == OK for o in outcomes) < fanout.THRESHOLD:
        return lambda: link_related(outcomes, rules, memo() if memo else None, same)
    started = batch.add(lambda _: _related_lists(outcomes, rules, None, same), [None])
    return lambda: _apply_related(outcomes, *started()[0])


@dataclass
class _Converted:
    outcomes: dict[str, Outcome]
    scans: dict[str, Scan]  # the page-text and HTML dumps' kinds and line keys
    views: dict[str, SourceView]  # what each of them was (or is) converted with


def _convert_files(todo: list[tuple[str, Path]], rules: Rules, workers: int | None,
                   progress: Callable[[int], None] | None, kept: dict[str, tuple[Path, Scan, str]] | None = None,
                   first: dict[str, Outcome | Scan] | None = None) -> _Converted:
    """The dumps of `todo` converted: a first pass (family dumps converted, the others'
    line keys read), a SourceView per page-text/HTML dump from the keys of its folder's
    dumps (those of `todo` and the unchanged ones of `kept`: source -> (path, scan, digest
    of the view they were converted with)), then those dumps through process() with
    their view. A kept dump whose view is the same is not converted again. `first`: the
    first pass of some of `todo`, done already (_first_pass_apart())."""
    kept, first = kept or {}, first or {}
    outcomes: dict[str, Outcome] = {}
    scans = {src: scan for src, (_, scan, _) in kept.items()}
    paths = dict(todo)
    rest = [item for item in todo if item[0] not in first]
    if progress and first:
        progress(sum(isinstance(got, Outcome) for got in first.values()))
    first = first | dict(zip((src for src, _ in rest), scan_files(rest, rules, workers, progress), strict=True))
    for src, got in ((src, first[src]) for src, _ in todo):
        if isinstance(got, Scan):
            scans[src] = got
        else:
            outcomes[src] = got
    source_views = views({src: s.keys for src, s in scans.items()})
    again = [(src, paths[src]) if src in paths else (src, kept[src][0]) for src in sorted(scans)
             if src in paths or source_views[src].digest() != kept[src][2]]
    outcomes.update(zip((src for src, _ in again),
                        process_files(again, rules, workers, progress, source_views), strict=True))
    return _Converted(outcomes, scans, source_views)


class _Listing:
    """Path.is_file() for many files in few folders: each folder listed once (a page per
    brief, ~120 month folders at 10k) instead of a stat per file; the same answer (a
    link is followed, as is_file() follows it)."""

    def __init__(self, root: Path):
        self.root = root
        self.folders: dict[str, set[str] | None] = {}

    def is_file(self, rel: str) -> bool:
        folder, _, name = rel.rpartition("/")
        if folder not in self.folders:
            try:
                with os.scandir(os.path.join(self.root, folder)) as it:
                    self.folders[folder] = {e.name for e in it if e.is_file()}
            except OSError:
                self.folders[folder] = None
        names = self.folders[folder]
        return (self.root / rel).is_file() if names is None else name in names


def _first_pass_apart(todo: list[tuple[str, Path]], rules: Rules, workers: int | None, kept: int,
                      ) -> Callable[[], dict[str, Outcome | Scan]]:
    """The first pass over a few dumps (fewer than convert's pool takes: a +1 run's)
    started in a forked process when the cache has many (`kept`) to read meanwhile and
    more than one process is allowed: importing the conversion's libraries, loading the
    language model and converting overlap reading the cache. Returns the function that
    waits for it (source -> scan_file()'s result, as scan_files() gives it)."""
    items = list(todo)
    if not items or len(items) >= POOL_THRESHOLD or workers == 1 or kept < fanout.THRESHOLD:
        return dict
    # What the archive steps import anyway, imported before the fork: the child inherits
    # it instead of importing it again (scipy.sparse: only for many related pairs).
    import numpy  # noqa: F401

    batch = Batch(1)
    started = batch.add(partial(scan_file, rules=rules), items)
    batch.start(always=True)

    def wait() -> dict[str, Outcome | Scan]:
        try:
            return dict(zip((src for src, _ in items), started(), strict=True))
        finally:
            _done(batch)

    return wait


def _done(batch: Batch) -> None:
    """Drop what a finished batch holds. A started batch and its waiting function refer
    to each other: a cycle that would keep every outcome its jobs were given, and their
    results, until the cyclic collector runs (~460k objects at 10k briefs, 0.3-0.4 s, at
    the latest when the interpreter exits)."""
    batch.close()
    batch.jobs.clear()
    batch.results = batch._pending = None


def analyse(paths: Iterable[str | Path], rules: Rules, posts_rel: str = "docs/posts",
            workers: int | None = None, progress: Callable[[int], None] | None = None,
            on_total: Callable[[int], None] | None = None, root: Path | None = None) -> Result:
    """Every dump through every stage and the archive-wide steps; writes nothing."""
    root = Path.cwd() if root is None else root
    warnings: list[str] = []
    files, errors = discover(paths, warnings, root)
    if on_total:
        on_total(len(files))
    done = _convert_files(files, rules, workers, progress)
    outcomes = [done.outcomes[src] for src, _ in files]
    result = _archive_steps(outcomes, dict(files), rules, posts_rel, root, PostsFolder(root / posts_rel).foreign,
                            source_views=done.views)
    result.errors, result.warnings = errors, warnings
    return result


def warm_up() -> None:
    """Load now what a conversion in this process would load at its first changed dump:
    the language model (~0.65 s) and the MinHash permutations. A long-lived process calls
    it while it waits for changes (`newsbrief serve`, whose conversions run in its own
    process), so that the first change does not wait for them. Safe beside a conversion:
    at worst both load the same model."""
    lang.preload()
    features.preload()


def convert(paths: Iterable[str | Path], rules: Rules, posts_dir: Path,
            workers: int | None = None, progress: Callable[[int], None] | None = None,
            on_total: Callable[[int], None] | None = None, cache_dir: Path | None = None,
            root: Path | None = None, memory: Memory | None = None) -> Result:
    """Make the posts folder match the dumps. With a cache folder, a dump unchanged since
    the last run is neither read, parsed nor rendered again. `memory` (a long-lived
    process's, one per project, given to each call): the cache as the last call left it,
    used instead of reading its files again while they are the ones that call wrote
    (output/cache.py Memory)."""
    # The run builds a large heap of long-lived records and outcomes, which the cyclic
    # collector would walk again and again (~15 % of a +1 run); it has few cycles to free.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _convert(paths, rules, posts_dir, workers, progress, on_total, cache_dir, root, memory)
    finally:
        if enabled:
            gc.enable()


def _convert(paths, rules, posts_dir, workers, progress, on_total, cache_dir, root, memory) -> Result:
    root = Path.cwd() if root is None else root
    posts_dir = root / posts_dir
    posts_rel = display_path(posts_dir, root)
    warnings: list[str] = []
    files, errors = discover(paths, warnings, root)
    if on_total:
        on_total(len(files))
    if cache_dir:  # the cache folder's own files (the subfolders are their owners'): a killed run's temporaries
        remove_stale_temps(cache_dir, recursive=False)
    cache = None
    if cache_dir:
        key = fingerprint(rules.signature, posts_rel, cache_dir)
        cache = (memory.take(cache_dir, key) if memory else None) or ConvertCache(cache_dir, key)
        cache.keep_records = memory is not None
    read_model_with(model_copy(cache_dir) if cache_dir else None)
    stats: dict[str, os.stat_result] = {}
    todo: list[tuple[str, Path]] = []
    kept: list[str] = []
    for item in files:
        source, f = item
        try:
            stats[source] = st = f.stat()
        except OSError:
            todo.append(item)
            continue
        if cache and cache.unchanged(source, f, st):
            kept.append(source)
        else:
            todo.append(item)
    snapshot = cache.snapshot_for([src for src, _ in files]) if cache and not todo else None
    if snapshot and all(os.path.isfile(os.path.join(root, d["page"])) for d in snapshot["outcomes"].values()
                        if d["page"]) \
            and all(os.path.isfile(os.path.join(posts_dir, rel)) for rel in snapshot["extras"]):
        # The same dumps with the same bytes as last time: the same decisions, the same
        # pages. Nothing to read, decide or render; the posts folder is only checked.
        if progress:
            progress(len(kept))
        ordered, learned = restore([src for src, _ in files], snapshot)
        result = Result(outcomes=ordered, errors=errors, learned=learned, warnings=warnings)
        result.write = PostsFolder(posts_dir).sync(
            {rel: None for rel in snapshot["extras"]}
            | {o.page[len(posts_rel) + 1 :]: None for o in ordered if o.status == OK and o.page})
        if cache.touched:
            cache.save_index()
        if memory:  # what it keeps made now (ConvertCache.warm()), not by the run a change starts
            cache.index_texts = entry_texts(load_index(posts_dir), posts_rel)
            memory.keep(cache, read=True)
        return result
    # While this process reads the cache. Not with the cache kept in memory: nothing to read
    # meanwhile, and this long-lived process keeps the language model once loaded, where a
    # forked first pass loads it again every run (~0.3 s the run waits for).
    early = _first_pass_apart(todo, rules, workers, len(kept)) if memory is None else dict
    known_bands.update(cache.bands if cache else {})
    # Bands not known (a cold run): learned in a child while the pool converts, where
    # this process mostly waits (a +1 run's few dumps leave nothing to overlap).
    bands = bands_apart(rules.near_duplicate_threshold) if len(todo) >= POOL_THRESHOLD and workers != 1 \
        else (lambda: None)
    outcomes: dict[str, Outcome] = {}
    stubs: dict[str, Cached] = {}
    kept_scans: dict[str, tuple[Path, Scan, str]] = {}  # unchanged page-text/HTML dumps
    paths = dict(files)
    on_disk = _Listing(root)
    for source in kept:
        got = cache.stub(source)
        if got is None:  # the records file was lost: convert it again
            todo.append((source, paths[source]))
            continue
        outcomes[source], cached = got
        if cached is not None:
            cached.exists = bool(cached.page) and on_disk.is_file(cached.page)
            stubs[source] = cached
        scan = cache.scan(source)
        if scan is not None:
            kept_scans[source] = (paths[source], scan[0], scan[1])
    try:
        done = _convert_files(todo, rules, workers, progress, kept_scans, early())
    finally:
        bands()
    for source in kept:  # converted again (its view moved): not a stub any more
        if source in done.outcomes:
            stubs.pop(source, None)
    if progress:
        progress(sum(1 for src in kept if src not in done.outcomes))
    outcomes.update(done.outcomes)
    ordered = [outcomes[src] for src, _ in files]
    folder = PostsFolder(posts_dir)
    result = _archive_steps(ordered, paths, rules, posts_rel, root, folder.foreign, stubs, done.views, link=False)
    result.errors, result.warnings = errors, warnings
    # The pages, the digests and the cache's records need every decision but the related
    # briefs: they are rendered and encoded in worker processes while the related briefs are
    # found (in a worker too, for a whole archive's: then this process writes the pages).
    batch = Batch(workers)
    unchanged = {src for src in kept if src not in done.outcomes}  # (their words are the memo's run's)
    memo = cache.related_memo if cache and cache.has_related_memo() else None
    related = _start_related(result.outcomes, rules, memo, unchanged, batch)  # the longest job: first
    pages = render_pages(result.outcomes, posts_rel, stubs, batch)
    # A digest whose key is the one the last run wrote, and whose file is there, is kept.
    known = {rel: key for rel, key in cache.digests.items() if folder.holds(rel)} if cache else {}
    digests = render_digests(result.outcomes, posts_rel, rules, batch, known)
    scans = {src: (scan, done.views[src].digest()) for src, scan in done.scans.items()}
    records = cache.start_records(result.outcomes, stats, scans, stubs, batch) if cache else None
    # A big archive's digests (their keys: ~0.25 s at 10k) are worth a worker even on a +1 run.
    batch.start(always=workers != 1 and len(result.outcomes) >= fanout.THRESHOLD)
    try:
        files_out = page_files(result.outcomes, posts_rel, stubs, pages)
        found: list[Memo | None] = []

        def later() -> dict[str, bytes | None]:
            """What the pages' writing need not wait for: the index (it lists the related
            briefs) and the digests."""
            found.append(related())
            rest = archive_files(result.outcomes, posts_rel, rules, digests,
                                 cache.index_texts if cache and memory else None, files_out)
            files_out.update(rest)
            return rest

        result.write = folder.sync(dict(files_out), later)
        if cache:
            cache.save(result.outcomes, stats, result.learned, extra_files(files_out), scans, same=stubs,
                       records=records, digests={rel: key for rel, (key, _) in digests().items()}, related=found[0])
            if memory:
                memory.keep(cache)
    finally:
        _done(batch)
    return result


