"""Round 8: a batch started `always` with few items (a +1 run's digests, page and record)
forks one worker, not a pool of `workers`; enough items still go to every worker."""

from __future__ import annotations

import multiprocessing
import os

from builder.output import fanout


def test_few_items_started_always_go_to_one_worker(monkeypatch):
    sizes = []
    context = type(multiprocessing.get_context("fork"))
    real = context.Pool
    monkeypatch.setattr(context, "Pool", lambda self, n, *a, **k: sizes.append(n) or real(self, n, *a, **k))
    batch = fanout.Batch(2)
    got = batch.add(lambda x: (os.getpid(), 2 * x), [1, 2, 3])
    batch.start(always=True)
    assert [v for _, v in got()] == [2, 4, 6] and os.getpid() not in {pid for pid, _ in got()}
    assert sizes == [1]
    monkeypatch.setattr(fanout, "THRESHOLD", 4)
    batch = fanout.Batch(2)
    got = batch.add(lambda x: 2 * x, list(range(10)))
    batch.start()
    assert got() == [2 * x for x in range(10)] and sizes == [1, 2]
