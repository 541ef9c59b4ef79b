"""Related briefs with numpy over all pairs at once (issue #15: the largest serial step of
a conversion after the pool, and of a +1 run): the same lists as pair-by-pair Python
(candidates as running sums per brief, each pair's score with math.fsum over its shared
tags' weights, rankings by score, days and key, rounds of mutual choices), on random
archives with duplicate ids, ties, briefs without tags or words, and other k, windows
and numbers of tags used."""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import defaultdict
from types import SimpleNamespace

import pytest

from builder.archive.related import ROUNDS, THRESHOLD, related, tag_weight


def _reference(articles, k=5, window=30, tags_used=4):
    n = len(articles)
    keys = [key for key, _, _ in articles]
    out = {key: [] for key in keys}
    if k <= 0 or n < 2:
        return out
    day = [a.date.toordinal() for _, a, _ in articles]
    order = sorted(range(n), key=lambda i: (articles[i][1].date, keys[i]))
    postings = defaultdict(list)
    for i in order:
        for t in dict.fromkeys(articles[i][1].tags):
            postings[t].append(i)
    weight = {t: tag_weight(len(ix), n) for t, ix in postings.items()}
    tags = [frozenset(a.tags) for _, a, _ in articles]
    words = [frozenset(f.words) for _, _, f in articles]
    near = [set() for _ in range(n)]
    for i in range(n):
        found = {}
        for t in sorted((t for t in tags[i] if len(postings[t]) > 1), key=lambda t: (-weight[t], t))[:tags_used]:
            ix = postings[t]
            at = ix.index(i)
            for j in ix[max(0, at - window): at + window + 1]:
                if articles[j][1].id != articles[i][1].id:
                    found[j] = found.get(j, 0.0) + weight[t]
        for j in sorted(found, key=lambda j: (-found[j], abs(day[i] - day[j]), keys[j]))[: 4 * k]:
            near[i].add(j)
            near[j].add(i)

    def score(i, j):
        return math.fsum(weight[t] for t in tags[i] & tags[j]) + \
            2 * len(words[i] & words[j]) / (len(words[i] | words[j]) or 1)

    ranked = [sorted((j for j in near[i] if score(i, j) >= THRESHOLD),
                     key=lambda j: (-score(i, j), abs(day[i] - day[j]), keys[j])) for i in range(n)]
    links = [set() for _ in range(n)]
    for _ in range(ROUNDS):
        offers = [[j for j in ranked[i] if len(links[j]) < k and j not in links[i]][: k - len(links[i])]
                  for i in range(n)]
        added = [(i, j) for i in range(n) for j in offers[i] if i < j and i in offers[j]]
        if not added:
            break
        for a, b in added:
            links[a].add(b)
            links[b].add(a)
    return {key: [keys[j] for j in sorted(links[i], key=lambda j: (articles[j][1].date, keys[j]), reverse=True)]
            for i, key in enumerate(keys)}


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
    assert got == _reference(articles, k, window, tags_used)
    assert all(len(v) <= k for v in got.values()) and sum(map(len, got.values())) > n // 4


def test_small_and_empty_archives():
    for n in (0, 1, 2, 3):
        articles = _archive(7, n) if n else []
        assert related(articles) == _reference(articles)
    untagged = [(f"k{i}", SimpleNamespace(id=f"i{i}", date=dt.date(2024, 1, 1), tags=[]),
                 SimpleNamespace(words=["same"])) for i in range(5)]
    assert related(untagged) == {f"k{i}": [] for i in range(5)}
    wordless = [(f"k{i}", SimpleNamespace(id=f"i{i}", date=dt.date(2024, 1, 1 + i), tags=["a", "b"]),
                 SimpleNamespace(words=[])) for i in range(5)]
    assert related(wordless) == _reference(wordless)
    assert any(related(wordless).values())
