"""The related briefs' rounds of mutual choices, followed again only where a change can
reach (archive/related.py _rounds_again): the same links, and the same rounds, as all
the rounds run again (issue #15: a +1 conversion's archive-wide steps in proportion to
the change)."""

from __future__ import annotations

import random

import pytest
from test_plus7 import _archive, _change

from builder.archive import related as rel
from builder.output import cache


@pytest.mark.parametrize("seed", range(16))
def test_rounds_followed_only_near_a_change_are_the_rounds_run_in_full(seed, monkeypatch):
    rng = random.Random(1000 + seed)
    k = rng.choice([1, 2, 3, 5])
    window = rng.choice([1, 2, 4, 30])
    briefs = _archive(rng, rng.randrange(40, 220))
    _, memo = rel.related_again(briefs, None, k, window)
    again_calls = []
    real = rel._rounds_again
    monkeypatch.setattr(rel, "_rounds_again", lambda *a: again_calls.append(1) or real(*a))
    for step in range(10):
        briefs = _change(rng, briefs)
        if rng.random() < 0.3:
            briefs = _change(rng, briefs)
        full, full_memo = rel.related_again(briefs, None, k, window)
        before = len(again_calls)
        again, memo = rel.related_again(briefs, memo, k, window)
        assert again == full
        assert memo.links == full_memo.links  # the rounds too: the next run follows them
        assert memo == full_memo
        if step % 2:  # and through the file, as the next run (a new process) reads it
            memo = cache.memo_from(cache.memo_bytes(memo))
            assert memo == full_memo
        assert len(again_calls) <= before + 1
    assert again_calls  # the rounds were followed from the memo, not all run again


def test_a_memo_without_rounds_runs_them_all():
    rng = random.Random(7)
    briefs = _archive(rng, 150)
    _, memo = rel.related_again(briefs, None, 3, 4)
    memo.links = None  # (a memo file an older version wrote)
    briefs = _change(rng, briefs)
    assert rel.related_again(briefs, memo, 3, 4) == rel.related_again(briefs, None, 3, 4)
    data = cache.memo_bytes(memo)
    assert cache.memo_from(data).links is None


def test_the_rounds_of_a_memo_file_are_checked():
    rng = random.Random(8)
    briefs = _archive(rng, 120)
    _, memo = rel.related_again(briefs, None, 3, 4)
    assert any(memo.links)
    bad = cache.memo_bytes(memo).replace(b'"rounds":', b'"rounds_":')
    assert cache.memo_from(bad) is None
    i = next(i for i, d in enumerate(memo.links) if d)
    memo.links[i] = {j: rel.ROUNDS for j in memo.links[i]}  # a round that cannot be
    assert cache.memo_from(cache.memo_bytes(memo)) is None
