"""Related briefs' numpy steps with fewer passes (issue #15 item 5: the related step was the
largest serial step of a cold conversion): sorts instead of numpy 2's hashing np.unique,
columns packed into one int64 key instead of a four-key lexsort, each pair's shared tags
summed from one value sort. Each helper is checked against the numpy call it replaces,
with ties and with bounds that do not fit one key; the lists against pair-by-pair Python
on archives big enough for the sparse path and full of ties."""

from __future__ import annotations

import datetime as dt
import random
from types import SimpleNamespace

import numpy as np
import pytest
from related_reference import related_one_by_one

from builder.archive import related as R


@pytest.mark.parametrize("seed", range(6))
def test_order_is_lexsorts_order(seed):
    rng = np.random.default_rng(seed)
    size = int(rng.integers(0, 3000))
    # small bounds (all in one key, many ties), huge ones (one key each), and a mix
    bounds = [[3, 2, 5, 7], [2**40, 2**40, 2**40], [10_000, 7, 2**50, 10_000], [1, 1, 4]][seed % 4]
    columns = [rng.integers(0, b, size) for b in bounds]
    got = R._order(*zip(columns, bounds, strict=True))
    assert got.tolist() == np.lexsort(columns[::-1]).tolist()


@pytest.mark.parametrize("size", [0, 1, 5, 20_000])
def test_distinct_and_dense_rank(size):
    rng = np.random.default_rng(size)
    values = rng.integers(-50, 50, size) * 10**12
    assert R._distinct(values).tolist() == np.unique(values).tolist()
    floats = rng.choice([0.5, 1.25, 3.0, 1e-9], size)
    place, count = R._dense_rank(floats)
    distinct = np.unique(floats)
    assert count == len(distinct) and place.tolist() == np.searchsorted(distinct, floats).tolist()


@pytest.mark.parametrize("top,width", [(1, 0), (1, 3), (5, 4), (40, 14), (2**31, 3)])
def test_distinct_rows_gives_every_row_back(top, width):
    rng = np.random.default_rng(top + width)
    counts = rng.integers(0, top, (500, width))
    distinct, inverse = R._distinct_rows(counts)
    assert np.array_equal(distinct[inverse.ravel()], counts)
    assert len({tuple(r) for r in distinct.tolist()}) == len(distinct) == len(np.unique(counts, axis=0))


def test_grouped_lists_each_owners_rows_in_order():
    owner = np.array([0, 0, 2, 2, 2, 5])
    other = np.array([9, 4, 1, 7, 3, 0])
    assert R._grouped(7, owner, other) == [[9, 4], [], [1, 7, 3], [], [], [0], []]
    assert R._grouped(2, np.zeros(0, np.int64), np.zeros(0, np.int64)) == [[], []]


def _tied_archive(seed: int, n: int):
    """Few tags, few words, few days: many equal weights, scores, gaps."""
    rng = random.Random(seed)
    tags = [f"t{i}" for i in range(12)]
    vocab = [f"w{i}" for i in range(8)]
    out = []
    for i in range(n):
        day = dt.date(2025, 3, 1) + dt.timedelta(rng.randrange(4))
        a = SimpleNamespace(id=f"id{rng.randrange(n - n // 8)}", date=day, tags=rng.sample(tags, rng.randrange(0, 6)))
        out.append((f"k{i:05d}", a, SimpleNamespace(words=rng.sample(vocab, rng.randrange(0, 6)))))
    return out


@pytest.mark.parametrize("seed", range(3))
def test_related_with_many_ties_is_pair_by_pair_pythons(seed):
    articles = _tied_archive(seed, 700)
    k, window, tags_used = (5, 30, 4) if seed == 0 else (3, 8, 2 + seed)
    got = R.related(articles, k, window, tags_used)
    assert got == related_one_by_one(articles, k, window, tags_used)
    assert sum(map(len, got.values())) > len(articles)
