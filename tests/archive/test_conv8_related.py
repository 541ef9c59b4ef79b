"""Round 8: the related briefs' shared items found with numpy alone for a few pairs (a +1
run: no scipy.sparse import) are those the sparse product finds; digests of unchanged
briefs taken from the memo give the same lists."""

from __future__ import annotations

import datetime as dt
import random

import numpy as np

from builder.archive import related as rel
from builder.convert.features import ArticleFeatures
from builder.model import Article, Dump


def _rows(rng: random.Random, n: int, vocabulary: int) -> list[frozenset[str]]:
    return [frozenset(f"w{rng.randrange(vocabulary)}" for _ in range(rng.randrange(0, 12))) for _ in range(n)]


def _pairs(found) -> list[tuple[int, int]]:
    return sorted(zip(found[0].tolist(), found[1].tolist(), strict=True))


def test_shared_items_are_the_same_with_and_without_scipy(monkeypatch):
    rng = random.Random(8)
    for trial in range(30):
        n = rng.randrange(1, 60)
        m = rel._ids(_rows(rng, n, rng.randrange(1, 40)), {})
        pairs = rng.randrange(0, 200)
        pi = np.array([rng.randrange(n) for _ in range(pairs)], np.int64)
        pj = np.array([rng.randrange(n) for _ in range(pairs)], np.int64)
        monkeypatch.setattr(rel, "_FEW_PAIRS", 10**9)
        few = rel._shared(m, pi, pj)
        monkeypatch.setattr(rel, "_FEW_PAIRS", -1)
        many = rel._shared(m, pi, pj)
        assert _pairs(few) == _pairs(many), trial
        # and what they mean: the items both rows hold
        indptr, codes, _ = m
        row = [set(codes[indptr[i]:indptr[i + 1]].tolist()) for i in range(n)]
        expected = sorted((p, c) for p, (i, j) in enumerate(zip(pi.tolist(), pj.tolist(), strict=True))
                          for c in row[i] & row[j])
        assert _pairs(few) == expected


def _articles(rng: random.Random, n: int) -> list[tuple[str, Article, ArticleFeatures]]:
    tags = [f"Tag {c}" for c in "ABCDEFGH"]
    out = []
    for i in range(n):
        a = Article(dump=Dump(source_path=f"s{i:04d}.txt", sha256="", size=0), id=f"id{i}", title=f"t{i}",
                    date=dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(60)), date_text="")
        a.tags = rng.sample(tags, rng.randrange(1, 4))
        words = sorted({f"w{rng.randrange(30)}" for _ in range(rng.randrange(2, 10))})
        out.append((f"s{i:04d}.txt", a, ArticleFeatures(words=words)))
    return out


def test_a_memo_with_known_digests_gives_the_lists_found_from_scratch(monkeypatch):
    rng = random.Random(15)
    arts = _articles(rng, 300)
    _, memo = rel.related_again(arts, None, 5, 6, 3)
    # one brief reworded, one added, one removed; the others unchanged (their digests known)
    key, a, f = arts[7]
    arts[7] = (key, a, ArticleFeatures(words=[*f.words, "fresh"]))
    extra = _articles(random.Random(99), 1)[0]
    arts = [*arts[:20], *arts[21:], ("zz.txt", extra[1], extra[2])]
    same = {k for k, _, _ in arts if k not in ("s0007.txt", "zz.txt")}
    for few in (10**9, -1):  # both ways of finding shared items
        monkeypatch.setattr(rel, "_FEW_PAIRS", few)
        again, _ = rel.related_again(arts, memo, 5, 6, 3, same=same)
        assert again == rel.related(arts, 5, 6, 3)
    # a digest the memo does not match would be wrong: an unchanged key must mean unchanged words
    assert any(again.values())
