"""Duplicates, revisions and near-duplicates: which of several dumps of one story is
published. Same id and text: a duplicate; same id, other text: the later revision wins;
other ids, nearly the same sentences (a syndicated copy): the earliest is published,
with a note of the others."""

from __future__ import annotations

import functools
import itertools
import logging
import multiprocessing
from collections import defaultdict
from collections.abc import Callable

from ..convert.features import NUM_PERM
from ..model import DUPLICATE, NEAR_DUPLICATE, OK, SUPERSEDED, Outcome


def resolve(outcomes: list[Outcome]) -> None:
    """Mark duplicates (same id, same text) and superseded revisions (same id, other
    text: the later date wins, ties go to the later file in path order)."""
    by_id: dict[str, list[Outcome]] = {}
    for o in outcomes:
        if o.status == OK:
            by_id.setdefault(o.article.id, []).append(o)
    for group in by_id.values():
        if len(group) < 2:
            continue
        first_of: dict[str, Outcome] = {}
        for o in sorted(group, key=lambda o: o.source_path):
            key = o.article.content_key
            if key in first_of:
                o.status, o.duplicate_of = DUPLICATE, first_of[key].source_path
            else:
                first_of[key] = o
        originals = list(first_of.values())
        winner = max(originals, key=lambda o: (o.article.date, o.source_path))
        for o in originals:
            if o is not winner:
                o.status, o.superseded_by = SUPERSEDED, winner.source_path


def mark_near_duplicates(outcomes: list[Outcome], threshold: float) -> None:
    """Syndicated copies (other ids, nearly the same sentences): the earliest is
    published, with a note of the others; the others are `near-duplicate`."""
    ok = {o.source_path: o for o in outcomes if o.status == OK and o.features is not None}
    items = [(k, o.features.signature, o.features.sentences) for k, o in ok.items() if o.features.signature]
    for group in near_duplicate_groups(items, threshold):
        members = sorted((ok[k] for k, _ in group), key=lambda o: (o.article.date, o.source_path))
        keeper = members[0]
        for o in members[1:]:
            sim = exact_jaccard(keeper.features.sentences, o.features.sentences)
            o.status, o.near_duplicate_of, o.similarity = NEAR_DUPLICATE, keeper.source_path, sim
            keeper.article.copies.append({
                "source": o.source_path, "title": o.article.title, "publisher": o.article.publisher,
                "date": o.article.date.isoformat(), "similarity": round(sim, 2)})


# A story needs this many distinct sentences before two copies can be told to be one:
# below it, a shared template sentence or two would make short briefs look alike.
MIN_SENTENCES = 5


def exact_jaccard(a: list[int], b: list[int]) -> float:
    sa, sb = set(a), set(b)
    return len(sa & sb) / len(sa | sb) if sa or sb else 0.0


# The bands learned so far, by bands_key(): a run is given those the last one stored
# (output/cache.py), so that it imports datasketch (and scipy.integrate: ~0.3 s) only to
# convert a dump, not to learn the same bands again.
known_bands: dict[str, list[list[int]]] = {}
log = logging.getLogger("newsbrief")


@functools.lru_cache(maxsize=1)
def _datasketch_version() -> str:
    from importlib.metadata import version

    return version("datasketch")


def bands_key(threshold: float, num_perm: int = NUM_PERM) -> str:
    """What the bands are a function of: datasketch's version, the threshold, num_perm."""
    return f"{_datasketch_version()}/{threshold!r}/{num_perm}"


def lsh_bands(threshold: float, num_perm: int = NUM_PERM) -> list[tuple[int, int]]:
    """The signature slices of datasketch's MinHashLSH for this threshold (its b bands of
    r values, chosen by its _optimal_param)."""
    key = bands_key(threshold, num_perm)
    if key not in known_bands:
        from datasketch import MinHashLSH

        known_bands[key] = [[a, b] for a, b in MinHashLSH(threshold=threshold, num_perm=num_perm).hashranges]
    return [(a, b) for a, b in known_bands[key]]


def bands_apart(threshold: float, num_perm: int = NUM_PERM) -> Callable[[], None]:
    """lsh_bands(threshold) learned in a forked process, started now, when they are not
    known yet (a cold run, or one without the cache): importing datasketch and
    scipy.integrate for them (~0.4 s quiet, more on a busy machine) then overlaps the
    conversion's pool, where this process mostly waits, instead of being the first
    thing mark_near_duplicates() does after it. Returns the function that waits for the
    child and keeps its bands in known_bands; if the child failed (or sent something
    that is not bands), it says so and keeps nothing: lsh_bands() then learns them here,
    as it would have without this. Fork only (no thread: a fork of the pool's workers
    while a thread holds an import lock could hang them)."""
    key = bands_key(threshold, num_perm)
    if key in known_bands or "fork" not in multiprocessing.get_all_start_methods():
        return lambda: None
    ctx = multiprocessing.get_context("fork")
    reader, writer = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_bands_child, args=(writer, threshold, num_perm), daemon=True)
    try:
        child.start()
    except OSError as e:
        reader.close()
        writer.close()
        log.warning(f"newsbrief: near-duplicate bands learned in this process ({type(e).__name__}: {e})")
        return lambda: None
    writer.close()  # (this process keeps only the reading end: the child's exit is an EOF)

    def wait() -> None:
        try:
            got = reader.recv()
        except (EOFError, OSError) as e:
            got = f"{type(e).__name__}: {e}"
        finally:
            reader.close()
            child.join()
        if isinstance(got, list) and got and all(
                isinstance(b, list) and len(b) == 2 and all(type(x) is int for x in b) for b in got):
            known_bands.setdefault(key, got)
        else:
            log.warning(f"newsbrief: near-duplicate bands learned in this process: the child's failed ({got})")

    return wait


def _bands_child(conn, threshold: float, num_perm: int) -> None:
    try:
        conn.send([[a, b] for a, b in lsh_bands(threshold, num_perm)])
    except BaseException as e:  # (what the parent then does itself, saying why)
        conn.send(f"{type(e).__name__}: {e}")
    finally:
        conn.close()


def _lsh_candidates(items: list[tuple[str, list[int], list[int]]], threshold: float) -> set[tuple[str, str]]:
    """The pairs (in items order) that MinHashLSH with this threshold returns for each
    other: those that agree on every value of at least one band. It compares the bands'
    bytes (its default hashfunc), so a bucket is exactly one band's values: found here
    with numpy over all signatures at once instead of a MinHash object and an LSH
    insert and query per brief (most of the step's time, every run)."""
    import numpy as np

    sigs = np.array([sig for _, sig, _ in items], dtype=np.uint64)
    if sigs.ndim != 2 or sigs.shape[1] != NUM_PERM:
        raise ValueError(f"MinHash signatures of {NUM_PERM} values expected")
    pairs: set[tuple[int, int]] = set()
    for start, end in lsh_bands(threshold):
        band = np.ascontiguousarray(sigs[:, start:end]).view(np.dtype((np.void, 8 * (end - start)))).ravel()
        _, bucket, counts = np.unique(band, return_inverse=True, return_counts=True)
        shared = np.flatnonzero(counts[bucket] > 1)
        by_bucket: dict[int, list[int]] = defaultdict(list)
        for i in shared.tolist():
            by_bucket[int(bucket[i])].append(i)
        for members in by_bucket.values():
            pairs.update(itertools.combinations(members, 2))
    return {(items[i][0], items[j][0]) for i, j in pairs}


def near_duplicate_groups(items: list[tuple[str, list[int], list[int]]],
                          threshold: float) -> list[list[tuple[str, float]]]:
    """Clusters of near-identical texts, [(key, similarity to the cluster's first)]:
    candidates from MinHash LSH, each pair confirmed by the exact Jaccard similarity of
    the two sentence sets."""
    items = [it for it in items if len(it[2]) >= MIN_SENTENCES]
    if threshold <= 0 or threshold > 1 or len(items) < 2:
        return []
    sents = {key: s for key, _, s in items}
    parent = {k: k for k, _, _ in items}

    def find(k: str) -> str:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for a, b in sorted(_lsh_candidates(items, threshold)):
        if exact_jaccard(sents[a], sents[b]) >= threshold:
            parent[find(b)] = find(a)
    groups: dict[str, list[str]] = defaultdict(list)
    for key, _, _ in items:
        groups[find(key)].append(key)
    return [[(k, exact_jaccard(sents[g[0]], sents[k])) for k in g] for g in groups.values() if len(g) > 1]
