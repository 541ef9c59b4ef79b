"""Per-brief work of the main process after the archive-wide decisions (rendering pages,
encoding cache records), spread over worker processes forked for it.

The workers are forked once the decisions are made, so they inherit every Outcome as it
is: nothing is pickled to them but a range of indices, and back come only the results
(bytes or str, which pickle as a copy). Where fork is not available, or for a small
batch, the same function runs in this process: the results are the same either way.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from typing import Any

# Below this many items forking costs more than it saves.
THRESHOLD = 512
_CHUNK = 256

# What the forked workers compute: set just before they fork, read by _chunk in them.
_job: tuple[Callable[[Any], Any], Sequence[Any]] | None = None


def _chunk(bounds: tuple[int, int]) -> list:
    fn, items = _job
    return [fn(items[i]) for i in range(*bounds)]


def start(fn: Callable[[Any], Any], items: Sequence[Any], workers: int | None = None) -> Callable[[], list]:
    """Start [fn(x) for x in items] in forked workers; returns the function that waits for
    the list (in order). Meanwhile the caller is free to do other work."""
    global _job
    workers = workers or os.cpu_count() or 1
    if workers <= 1 or len(items) < THRESHOLD or "fork" not in multiprocessing.get_all_start_methods():
        return lambda: [fn(x) for x in items]
    _job = (fn, items)
    try:
        pool = multiprocessing.get_context("fork").Pool(workers)
    finally:
        _job = None  # the workers have their copy; this process keeps nothing
    pending = pool.map_async(_chunk, [(i, min(i + _CHUNK, len(items))) for i in range(0, len(items), _CHUNK)])
    pool.close()

    def result() -> list:
        try:
            return [x for part in pending.get() for x in part]
        finally:
            pool.terminate()
            pool.join()

    return result
