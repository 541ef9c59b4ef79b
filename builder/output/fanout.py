"""Per-brief work of the main process after the archive-wide decisions (rendering pages,
encoding cache records, finding related briefs), spread over worker processes forked for it.

The workers are forked once the decisions are made, so they inherit every Outcome as it
is: nothing is pickled to them but a range of indices, and back come only the results
(bytes or str, which pickle as a copy). Every job of a Batch goes to one pool, forked
once (never while another pool's threads run); the jobs' chunks are handed out in the
order the jobs were added, and each job's results can be waited for as soon as its own
chunks are done (the main process writes the pages while a worker still finds the
related briefs). Where fork is not available, or for a small batch, each job runs in this
process when its result is asked for: the results are the same either way. So is a job
whose worker failed (raised, or died): it is run again here, which raises what it raises.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections.abc import Callable, Sequence
from typing import Any

log = logging.getLogger("newsbrief")

# Below this many items forking costs more than it saves.
THRESHOLD = 512
_CHUNK = 256
_POLL = 0.5  # seconds between looks at the workers while waiting (one dead: its chunk never comes)

# What the forked workers compute: set just before they fork, read by _chunk in them.
_jobs: list[tuple[Callable[[Any], Any], Sequence[Any]]] = []


def _chunk(task: tuple[int, int, int]) -> list:
    job, lo, hi = task
    fn, items = _jobs[job]
    return [fn(items[i]) for i in range(lo, hi)]


class WorkerLost(RuntimeError):
    """A worker of the batch's pool exited before giving its results."""


class Batch:
    """Jobs (a function over a list) added, then started together; each add() gives the
    function that waits for that job's list of results, in order."""

    def __init__(self, workers: int | None = 1):
        self.workers = workers or os.cpu_count() or 1
        self.jobs: list[tuple[Callable[[Any], Any], Sequence[Any]]] = []
        self.results: dict[int, list] | None = None
        self.fell_back: list[int] = []  # jobs run again here after their worker failed
        self._pool = None
        self._pending: list[list] | None = None  # per job, its chunks' AsyncResults
        self._workers: list = []  # the pool's processes as forked

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
        self._pool, self._workers = pool, list(getattr(pool, "_pool", ()))
        self._pending = [[pool.apply_async(_chunk, ((job, lo, min(lo + _CHUNK, len(items))),))
                          for lo in range(0, len(items), _CHUNK)] for job, (_, items) in enumerate(self.jobs)]
        self.results = {}
        pool.close()

    def _result(self, index: int) -> list:
        if self.results is not None and index in self.results:
            return self.results[index]
        if self._pending is None:  # not forked (or given up on): this job, here, now
            fn, items = self.jobs[index]
            got = [fn(x) for x in items]
            if self.results is not None:
                self.results[index] = got
            return got
        try:
            self.results[index] = [x for part in self._pending[index] for x in self._get(part)]
        except Exception as e:  # (what the job raises there, it raises here too: the same error)
            log.warning(f"newsbrief: job {index} run in this process: its worker failed ({type(e).__name__}: {e})")
            self.fell_back.append(index)
            self.close()  # (a pool that lost a worker may never finish another job)
            self._pending = None
            return self._result(index)
        if len(self.results) == len(self.jobs):
            self.close()
        return self.results[index]

    def _get(self, part) -> list:
        """One chunk's results; WorkerLost if a worker exited meanwhile (multiprocessing's
        Pool would start another and wait for the lost chunk for ever)."""
        while not part.ready():
            part.wait(_POLL)
            if not part.ready() and any(p.exitcode is not None for p in self._workers):
                raise WorkerLost("a worker process exited before its work was done")
        return part.get()

    def close(self) -> None:
        """Stop the workers (once every result is in, or when the caller gives up on them)."""
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.terminate()
            pool.join()
