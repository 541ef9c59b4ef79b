"""Per-brief work of the main process after the archive-wide decisions (rendering pages,
encoding cache records), spread over worker processes forked for it.

The workers are forked once the decisions are made, so they inherit every Outcome as it
is: nothing is pickled to them but a range of indices, and back come only the results
(bytes or str, which pickle as a copy). Every job of a Batch goes to one pool, forked
once (never while another pool's threads run). Where fork is not available, or for a
small batch, each job runs in this process when its result is asked for: the results
are the same either way.
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
_jobs: list[tuple[Callable[[Any], Any], Sequence[Any]]] = []


def _chunk(task: tuple[int, int, int]) -> list:
    job, lo, hi = task
    fn, items = _jobs[job]
    return [fn(items[i]) for i in range(lo, hi)]


class Batch:
    """Jobs (a function over a list) added, then started together; each add() gives the
    function that waits for that job's list of results, in order."""

    def __init__(self, workers: int | None = 1):
        self.workers = workers or os.cpu_count() or 1
        self.jobs: list[tuple[Callable[[Any], Any], Sequence[Any]]] = []
        self.results: list[list] | None = None
        self._wait: Callable[[], list[list]] | None = None

    def add(self, fn: Callable[[Any], Any], items: Sequence[Any]) -> Callable[[], list]:
        index = len(self.jobs)
        self.jobs.append((fn, items))
        return lambda: self._result(index)

    def start(self, always: bool = False) -> None:
        """Fork the workers (if worth it, or `always`: one worker, for work that overlaps
        what this process does meanwhile, when there is too little to spread) and give
        them every job; the caller goes on."""
        global _jobs
        few = sum(len(items) for _, items in self.jobs) < THRESHOLD
        if "fork" not in multiprocessing.get_all_start_methods() or not any(items for _, items in self.jobs) \
                or (not always and (self.workers <= 1 or few)):
            return
        _jobs = self.jobs
        try:  # (each worker forked from a big heap costs both processes: a +1 run's few items need one)
            pool = multiprocessing.get_context("fork").Pool(1 if few else self.workers)
        finally:
            _jobs = []  # the workers have their copy; this process keeps nothing
        tasks = [(job, lo, min(lo + _CHUNK, len(items)))
                 for job, (_, items) in enumerate(self.jobs) for lo in range(0, len(items), _CHUNK)]
        pending = pool.map_async(_chunk, tasks)
        pool.close()

        def wait() -> list[list]:
            try:
                parts = pending.get()
            finally:
                pool.terminate()
                pool.join()
            out: list[list] = [[] for _ in self.jobs]
            for (job, _, _), part in zip(tasks, parts, strict=True):
                out[job] += part
            return out

        self._wait = wait

    def _result(self, index: int) -> list:
        if self._wait is None:  # not forked: this job, here, now
            fn, items = self.jobs[index]
            return [fn(x) for x in items]
        if self.results is None:
            self.results = self._wait()
        return self.results[index]
