"""The conversion on a Dask cluster (`newsbrief convert --dask`, `newsbrief export --dask`):
the same steps as pipeline.py, in the same order, with the per-dump work mapped with
`dask.bag` over the cluster's workers and the archive-wide steps run over the dumps'
records. Same dumps and rules: the same export and the same pages as `newsbrief convert`.

    driver                                   workers (a bag of the dumps, persisted)
    discover the dumps              ──map──▶ scan_file: a family dump converted, a
                                             page-text/HTML dump's line keys
    views: line counts per source   ──map──▶ process_file(view): bytes -> Outcome
    records (output/cache.py's)     ◀──────  each Outcome's record: metadata + features
    body spans, learned chrome      ──map──▶ apply_learned, content_key
      (counts per (publisher, line))
    learned lines, content keys     ◀──────
    pipeline.decide: group by id,
      MinHash/LSH, tag counts, pages,
      names, inverted index of tags ──map──▶ each decision applied to its Outcome;
                                             the page rendered (or the export record)
    posts folder, index, digests,   ◀──────  pages / export records
      cache

The archive-wide steps are the project's own functions (archive/), run over records
rather than texts, exactly as the conversion cache runs them over the records it keeps:
one rule, one place. A record is ~1-2 KB (a 64-value MinHash, the learnable lines, the
sentence hashes), so a million dumps' records fit on one machine; texts never leave the
workers. Each task checks that its worker runs the same newsbrief code and rules as the
driver (the conversion cache's fingerprint): a worker with another version fails the
run instead of giving other pages. The workers read the dumps by the driver's absolute
paths: on a real cluster, a filesystem every worker mounts at the same place.

Dask is an optional extra (`pip install 'newsbrief[dask]'`); nothing else imports this
module, and it imports Dask only inside its functions.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import os
from collections.abc import Iterator
from pathlib import Path

from .archive.chrome import apply_learned, body_spans, learned_chrome
from .convert import Scan, content_key, process_file, scan_file
from .convert.discover import discover, display_path
from .convert.readers.context import SourceView, views
from .model import OK, Outcome
from .output.cache import ConvertCache, fingerprint
from .output.cache import _record as cache_record
from .output.cache import stub as cache_stub
from .output.generated import extra_files, generated_files
from .output.posts import PostsFolder
from .output.render import render_page
from .pipeline import Result, decide
from .rules import Rules

LOCAL = "local"
INSTALL_HINT = ("--dask needs Dask, an optional extra: pip install 'newsbrief[dask]' "
                "(the exact pins: pip install -r requirements-dask.lock)")


class DaskError(RuntimeError):
    """The cluster cannot do the conversion (the CLI exits 2 with the message)."""


class DaskMissing(DaskError):
    """Dask (dask.bag and distributed) is not installed."""


class SchedulerUnreachable(DaskError):
    """No Dask scheduler answers at the address given."""


class WorkerMismatch(DaskError):
    """A worker runs other newsbrief code or rules than the driver."""


def require_dask() -> None:
    try:
        import dask.bag  # noqa: F401
        import distributed  # noqa: F401
    except ImportError as e:
        raise DaskMissing(INSTALL_HINT) from e


@contextlib.contextmanager
def client_for(scheduler: str, workers: int | None = None) -> Iterator[object]:
    """A Dask client: on a LocalCluster of `workers` processes (default: all cores) for
    "local", else connected to the scheduler at that address (tcp://host:8786)."""
    from distributed import Client, LocalCluster

    if scheduler == LOCAL:
        with LocalCluster(n_workers=workers or os.cpu_count() or 1, threads_per_worker=1, processes=True,
                          dashboard_address=None) as cluster, Client(cluster) as client:
            yield client
    else:
        try:
            client = Client(scheduler)  # waits distributed.comm.timeouts.connect (Dask's config)
        except (OSError, TimeoutError, ValueError) as e:
            raise SchedulerUnreachable(f"no Dask scheduler answers at {scheduler} ({e}); "
                                       "give `local` or an address like tcp://host:8786") from e
        with client:
            yield client


@functools.lru_cache(maxsize=8)
def _fingerprint(signature: tuple[str, ...], posts_rel: str) -> str:
    return fingerprint(list(signature), posts_rel)


def _check(rules: Rules, posts_rel: str, expected: str) -> None:
    got = _fingerprint(tuple(rules.signature), posts_rel)
    if got != expected:
        raise WorkerMismatch(f"a Dask worker runs other newsbrief code or rules than this machine "
                             f"(fingerprint {got}, expected {expected}): install the same newsbrief on every worker")


# -- what runs on the workers: one partition (a list) at a time --------------------------

def _scan_part(items: list[tuple[str, str]], rules: Rules, posts_rel: str, expected: str) -> list[Outcome | Scan]:
    """The first pass (convert.scan_file): family dumps are converted here."""
    _check(rules, posts_rel, expected)
    return [scan_file((source, Path(path)), rules) for source, path in items]


def _scans_part(scanned: list[Outcome | Scan]) -> list[Scan | None]:
    return [got if isinstance(got, Scan) else None for got in scanned]


def _convert_part(scanned: list[Outcome | Scan], items: list[tuple[str, str]],
                  source_views: list[SourceView | None], rules: Rules) -> list[Outcome]:
    """The second pass: each page-text/HTML dump converted with its source's view."""
    return [got if isinstance(got, Outcome) else process_file((source, Path(path)), rules, view)
            for got, (source, path), view in zip(scanned, items, source_views, strict=True)]


def _records_part(outcomes: list[Outcome]) -> list[tuple[str, int, str, dict]]:
    """(source, size, sha256, record) of each dump: what the archive-wide steps read."""
    out = []
    for o in outcomes:
        sha = (o.article.dump.sha256 if o.article else o.sha256) or ""
        out.append((o.source_path, o.article.dump.size if o.article else 0, sha, cache_record(o)))
    return out


def _learn_part(outcomes: list[Outcome], spans: list, learned: dict) -> list[Outcome]:
    """The learned chrome removed from each article (pipeline._archive_steps does the
    same). Copies: a persisted partition is never changed in place, so a task run twice
    (a lost worker) gives the same result."""
    out = []
    for o, span in zip(outcomes, spans, strict=True):
        o = copy.deepcopy(o)
        if o.status == OK:
            o.article.learned = apply_learned(o.article, o.features, learned, span)
            o.article.content_key = content_key(o.article)
        out.append(o)
    return out


def _learned_part(outcomes: list[Outcome]) -> list[tuple[list[str], str] | None]:
    return [(o.article.learned, o.article.content_key) if o.status == OK else None for o in outcomes]


def _finish_part(outcomes: list[Outcome], decisions: list[Outcome], export: bool) -> list:
    """Each archive-wide decision applied to its full Outcome; then its page (bytes, or
    None when it has none) or, for `export`, its export record."""
    out = []
    for o, d in zip(outcomes, decisions, strict=True):
        if o.article is not None:
            o = copy.copy(o)
            a = o.article = copy.copy(o.article)
            o.status, o.error, o.page, o.related = d.status, d.error, d.page, list(d.related)
            o.duplicate_of, o.superseded_by = d.duplicate_of, d.superseded_by
            o.near_duplicate_of, o.similarity = d.near_duplicate_of, d.similarity
            b = d.article
            a.slug, a.tags, a.copies = b.slug, list(b.tags), list(b.copies)
            a.author_keys, a.category = list(b.author_keys), b.category
        if export:
            out.append(o.as_record())
        else:
            out.append(render_page(o.article, o.source_path).encode("utf-8") if o.status == OK and o.page else None)
    return out


# -- the driver ---------------------------------------------------------------------------

def _decision(o: Outcome) -> Outcome:
    """What a worker needs of a record's decisions: the record without its features."""
    return Outcome(o.source_path, status=o.status, error=o.error, article=o.article, duplicate_of=o.duplicate_of,
                   superseded_by=o.superseded_by, page=o.page, near_duplicate_of=o.near_duplicate_of,
                   similarity=o.similarity, related=o.related)


def run(paths, rules: Rules, posts_rel: str, root: Path, client, export: bool = False,
        partition_size: int | None = None):
    """Every dump through every stage on the cluster behind `client`, and the archive-wide
    steps over their records. Returns (Result with the records' outcomes, per dump in
    discovery order: its page's bytes or None, or with `export` its export record, the
    files found)."""
    import dask
    import dask.bag as db

    warnings: list[str] = []
    files, errors = discover(paths, warnings, root)
    result = Result(errors=errors, warnings=warnings)
    if not files:
        return result, [], files, {}
    expected = _fingerprint(tuple(rules.signature), posts_rel)
    workers = max(1, len(client.scheduler_info().get("workers", {})))
    size = partition_size or max(16, min(256, len(files) // (workers * 8) or 1))

    def aligned(items: list) -> db.Bag:  # partitioned exactly like the dumps' bag
        return db.from_sequence(items, partition_size=size)

    shared_rules = dask.delayed(rules, traverse=False)
    items = [(source, str(f.absolute())) for source, f in files]
    # Two passes, as pipeline._convert_files: the page-text and HTML dumps' line keys first,
    # counted per source (one folder = one source), then those dumps with their view.
    scanned = aligned(items).map_partitions(_scan_part, shared_rules, posts_rel, expected).persist()
    scans = {source: got for (source, _), got in zip(items, scanned.map_partitions(_scans_part).compute(),
                                                     strict=True) if got is not None}
    source_views = views({src: scan.keys for src, scan in scans.items()})
    converted = scanned.map_partitions(_convert_part, aligned(items),
                                       aligned([source_views.get(src) for src, _ in items]),
                                       shared_rules).persist()
    del scanned

    # The records, as the conversion cache keeps them: enough for every archive-wide step.
    outcomes: list[Outcome] = []
    for source, size_, sha, record in converted.map_partitions(_records_part).compute():
        outcomes.append(cache_stub(source, [size_, 0, sha], record)[0])

    # Learned chrome: counts per (publisher, line) around each brief's own body.
    spans = body_spans(outcomes, rules)
    learned = learned_chrome(outcomes, rules, spans)
    learned_bag = converted.map_partitions(
        _learn_part, aligned([spans.get(o.source_path) for o in outcomes]),
        dask.delayed(learned, traverse=False)).persist()
    del converted
    for o, got in zip(outcomes, learned_bag.map_partitions(_learned_part).compute(), strict=True):
        if got is not None:
            o.article.learned, o.article.content_key = got

    # Duplicates and revisions, near-duplicates, tags, pages, names, related: pipeline's own.
    result.related = decide(outcomes, rules, posts_rel, root, PostsFolder(root / posts_rel).foreign)
    result.outcomes, result.learned = outcomes, learned
    finished = learned_bag.map_partitions(_finish_part, aligned([_decision(o) for o in outcomes]), export)
    result_scans = {src: (scan, source_views[src].digest()) for src, scan in scans.items()}
    return result, finished.compute(), files, result_scans


def export(paths, rules: Rules, posts_rel: str, root: Path, client,
           partition_size: int | None = None) -> tuple[Result, list[dict]]:
    """`newsbrief export --dask`: the export records, in discovery order; writes nothing."""
    result, records, _, _ = run(paths, rules, posts_rel, root, client, export=True, partition_size=partition_size)
    return result, records


def convert(paths, rules: Rules, posts_dir: Path, root: Path, client, cache_dir: Path | None = None,
            partition_size: int | None = None) -> Result:
    """`newsbrief convert --dask`: make the posts folder match the dumps, as
    pipeline.convert does (the same pages, index, authors file and digests, the same
    ownership rules), and leave the conversion cache as a run of `newsbrief convert`
    would, so that the next run on one machine is incremental."""
    posts_dir = root / posts_dir
    posts_rel = display_path(posts_dir, root)
    result, pages, files, scans = run(paths, rules, posts_rel, root, client, partition_size=partition_size)
    ok_pages = {o.source_path for o in result.outcomes if o.status == OK and o.page}
    files_out = generated_files(result.outcomes, posts_rel, rules, kept=ok_pages)
    cut = len(posts_rel) + 1
    for o, data in zip(result.outcomes, pages, strict=True):
        if data is not None:
            files_out[o.page[cut:]] = data
    result.write = PostsFolder(posts_dir).sync(files_out)
    if cache_dir is not None:
        stats = {}
        for source, f in files:
            with contextlib.suppress(OSError):
                stats[source] = f.stat()
        cache = ConvertCache(cache_dir, fingerprint(rules.signature, posts_rel))
        cache.save(result.outcomes, stats, result.learned, extra_files(files_out), scans, related=result.related)
    return result
