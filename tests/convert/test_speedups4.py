"""Related briefs with numpy over all pairs at once (issue #15: the largest serial step of
a conversion after the pool, and of a +1 run): the same lists as pair-by-pair Python
(candidates as running sums per brief, each pair's score with math.fsum over its shared
tags' weights, rankings by score, days and key, rounds of mutual choices), on random
archives with duplicate ids, ties, briefs without tags or words, and other k, windows
and numbers of tags used."""

from __future__ import annotations

import datetime as dt
import random
from types import SimpleNamespace

import pytest
from related_reference import related_one_by_one

from builder.archive.related import related


def _archive(seed: int, n: int):
    rng = random.Random(seed)
    tags = [f"tag{i}" for i in range(rng.randrange(5, 80))]
    vocab = [f"w{i}" for i in range(rng.randrange(3, 40))]
    out = []
    for i in range(n):
        brief_tags = rng.sample(tags, rng.randrange(0, min(8, len(tags))))
        brief_words = rng.sample(vocab, rng.randrange(0, min(10, len(vocab))))
        day = dt.date(2024, 1, 1) + dt.timedelta(rng.randrange(90))
        a = SimpleNamespace(id=f"id{rng.randrange(n - n // 10)}", date=day, tags=brief_tags)
        out.append((f"k{rng.randrange(10**6):06d}-{i}", a, SimpleNamespace(words=brief_words)))
    return out


@pytest.mark.parametrize("seed", range(8))
def test_related_is_what_pair_by_pair_python_gives(seed):
    rng = random.Random(100 + seed)
    articles = _archive(seed, rng.randrange(50, 500))
    k, window, tags_used = rng.choice([1, 2, 3, 5]), rng.choice([1, 3, 8, 30]), rng.choice([1, 2, 4])
    n = len(articles)
    got = related(articles, k, window, tags_used)
    assert got == related_one_by_one(articles, k, window, tags_used)
    assert all(len(v) <= k for v in got.values()) and sum(map(len, got.values())) > n // 4


def test_small_and_empty_archives():
    for n in (0, 1, 2, 3):
        articles = _archive(7, n) if n else []
        assert related(articles) == related_one_by_one(articles)
    untagged = [(f"k{i}", SimpleNamespace(id=f"i{i}", date=dt.date(2024, 1, 1), tags=[]),
                 SimpleNamespace(words=["same"])) for i in range(5)]
    assert related(untagged) == {f"k{i}": [] for i in range(5)}
    wordless = [(f"k{i}", SimpleNamespace(id=f"i{i}", date=dt.date(2024, 1, 1 + i), tags=["a", "b"]),
                 SimpleNamespace(words=[])) for i in range(5)]
    assert related(wordless) == related_one_by_one(wordless)
    assert any(related(wordless).values())
