"""Related briefs: each brief's nearest neighbours by shared entities (tags) and content
words, found through an inverted index so that no step compares every pair, and listed
both ways: if A lists B, B lists A.

Why it is built like this (issue 14: 1 brief of 11 had any, one way only):
- Candidates come from a brief's rarest tags, but only tags that another brief carries
  too: a tag no other brief has (most of them, in a real archive: a one-off name, a
  misread word) finds nobody, and used to take one of the few slots, so that the tag
  two briefs did share was never looked at.
- The score of a pair is the pair's, not the finder's: every shared tag counts (weighted
  by how rare it is), plus the overlap of the content words of title and lead. So B
  scores A as A scores B.
- The lists are chosen for the whole archive at once, best pairs first, each brief
  taking at most k: a pair is listed on both briefs or on neither.
"""

from __future__ import annotations

import math
from collections import defaultdict

from ..convert.features import ArticleFeatures
from ..model import Article

THRESHOLD = 1.0  # about one shared entity (its weight is >= 1 unless most briefs carry it)


def related(articles: list[tuple[str, Article, ArticleFeatures]], k: int = 5, window: int = 30,
            tags_used: int = 4) -> dict[str, list[str]]:
    """key -> up to k related keys, newest first; symmetric (A lists B iff B lists A).

    Candidates: for each of a brief's `tags_used` rarest shared tags, the briefs nearest
    in time that carry it (`window` on either side in that tag's date-sorted list: a story
    is followed across days, not years). So each brief looks at a bounded number of
    others whatever the size of the archive. Of those, the 4k with the most tag weight
    are scored with their word overlap too."""
    n = len(articles)
    out: dict[str, list[str]] = {key: [] for key, _, _ in articles}
    if k <= 0 or n < 2:
        return out
    order = sorted(range(n), key=lambda i: (articles[i][1].date, articles[i][0]))
    rank = {i: r for r, i in enumerate(order)}
    postings: dict[str, list[int]] = defaultdict(list)
    for i in order:
        for t in dict.fromkeys(articles[i][1].tags):
            postings[t].append(i)
    idf = {t: math.log(1 + n / len(ix)) for t, ix in postings.items()}
    position = {t: {i: p for p, i in enumerate(ix)} for t, ix in postings.items() if len(ix) > 1}
    tags = [frozenset(a.tags) for _, a, _ in articles]
    words = [frozenset(f.words) for _, _, f in articles]
    sizes = [len(w) for w in words]
    ids = [a.id for _, a, _ in articles]
    scores: dict[tuple[int, int], float] = {}
    for i, j in _candidates(n, tags, ids, postings, position, idf, window, tags_used, 4 * k):
        pair = (i, j) if i < j else (j, i)
        if pair not in scores:  # the pair's own score: every tag they share
            common = len(words[i] & words[j])
            union = sizes[i] + sizes[j] - common or 1  # len(words[i] | words[j]), without building it
            # fsum: a set's order follows the string hash, which changes per process; a plain
            # sum in that order could differ in its last bit, and so break ties differently.
            scores[pair] = math.fsum(idf[t] for t in tags[i] & tags[j]) + 2 * common / union
    # Best pairs first (ties: the pair closer in time, then by key), each brief taking k.
    chosen: list[list[int]] = [[] for _ in range(n)]
    ranked = sorted((p for p, s in scores.items() if s >= THRESHOLD),
                    key=lambda p: (-scores[p], abs(rank[p[0]] - rank[p[1]]), min(articles[p[0]][0], articles[p[1]][0]),
                                   max(articles[p[0]][0], articles[p[1]][0])))
    for i, j in ranked:
        if len(chosen[i]) < k and len(chosen[j]) < k:
            chosen[i].append(j)
            chosen[j].append(i)
    for i, (key, _, _) in enumerate(articles):
        best = sorted(chosen[i], key=lambda j: (articles[j][1].date, articles[j][0]), reverse=True)
        out[key] = [articles[j][0] for j in best]
    return out


def _candidates(n: int, tags: list[frozenset[str]], ids: list[str], postings: dict[str, list[int]],
                position: dict[str, dict[int, int]], idf: dict[str, float], window: int, tags_used: int,
                best: int) -> list[tuple[int, int]]:
    """(i, j) for each brief i and each of its `best` candidates j, by brief, most tag weight
    first. A candidate's weight is the sum of the idf of the tags (of i's `tags_used` rarest
    shared ones) in whose `window` it is: added in that order, as a running sum per brief
    did, so the floats are the same; ties keep the order the candidates were first met
    in. Briefs with i's id (i itself, its other versions) are none of its candidates.
    With numpy over every (brief, tag) window at once: ~2.4 million steps at 10,000 briefs."""
    import numpy as np  # only here: a small archive never needs it loaded

    flat, start = [], {}
    for t, ix in postings.items():
        if t in position:
            start[t] = len(flat)
            flat += ix
    seg_i, seg_lo, seg_hi, seg_w = [], [], [], []
    for i in range(n):
        for t in sorted((t for t in tags[i] if t in position), key=lambda t: (-idf[t], t))[:tags_used]:
            at, size = position[t][i], len(postings[t])
            seg_i.append(i)
            seg_lo.append(start[t] + max(0, at - window))
            seg_hi.append(start[t] + min(size, at + window + 1))
            seg_w.append(idf[t])
    if not seg_i:
        return []
    lo, lengths = np.array(seg_lo, np.int64), np.array(seg_hi, np.int64) - np.array(seg_lo, np.int64)
    # Every window's members, windows in order: a running index restarted at each window's lo.
    ends = np.cumsum(lengths)
    rows = np.arange(ends[-1], dtype=np.int64) + np.repeat(lo - (ends - lengths), lengths)
    js = np.array(flat, np.int64)[rows]
    ii = np.repeat(np.array(seg_i, np.int64), lengths)
    ww = np.repeat(np.array(seg_w, np.float64), lengths)
    codes = {}
    id_code = np.array([codes.setdefault(x, len(codes)) for x in ids], np.int64)
    keep = id_code[js] != id_code[ii]
    js, ii, ww = js[keep], ii[keep], ww[keep]
    pair_keys, first, inverse = np.unique(ii * n + js, return_index=True, return_inverse=True)
    weight = np.bincount(inverse.ravel(), weights=ww, minlength=len(pair_keys))  # sums in row order
    pi, pj = pair_keys // n, pair_keys % n
    by = np.lexsort((first, -weight, pi))  # by brief, then most weight, then first met
    pi, pj = pi[by], pj[by]
    group_start = np.searchsorted(pi, pi, side="left")
    top = (np.arange(len(pi)) - group_start) < best
    return list(zip(pi[top].tolist(), pj[top].tolist(), strict=True))
