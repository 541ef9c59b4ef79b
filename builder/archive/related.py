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

Why a new brief changes only the lists near it (issue 15: one global greedy assignment,
best pairs first with each brief taking k, re-listed ~1,600 briefs all over a 10k archive
for one new brief, each a page rendered again and every period's search index rebuilt):
- Mutual choices in rounds, no global order: each brief ranks its own candidates (best
  score, then nearest in days, then key) and offers its free places to the best that
  have room; A lists B iff each offered to the other. A round depends only on a brief's
  candidates and theirs, so ROUNDS rounds bound how far a change can travel (a list
  depends on briefs at most ROUNDS candidate-steps away), symmetric and at most k by
  construction. Few rounds are the most local but leave briefs short of k where scores
  are flat (a made-up archive of 2,000 with random words: 1 round, 3.0 of 4.6 links a
  brief); run until nothing changes it is the best-pairs-first assignment over the
  candidate pairs, and with the two points below, that moves ~10 lists for a new brief
  at 10k (bench/related.py), not ~1,600.
- Candidates are local: a brief's window is `window` places on either side in each of its
  tags' date-sorted lists, so a new (edited, removed) brief enters (changes, leaves) the
  windows of the briefs near it in time on its tags only. The rest keep the same
  candidates, the same scores and so the same lists.
- A tag's weight depends on its brief count only by the power of two below it, against a
  fixed reference size (REFERENCE briefs; fewer in a smaller archive, where the whole
  archive is the reference): so it moves only when a tag's count crosses a power of two,
  not with every brief added to the archive, and pair scores (floats) stay bit for bit
  the same. A tag on most briefs still weighs little: its count grows with the archive.
"""

from __future__ import annotations

import math
from collections import defaultdict

from ..convert.features import ArticleFeatures
from ..model import Article

THRESHOLD = 1.0  # about one shared entity (its weight is >= 1 unless most briefs carry it)
ROUNDS = 32  # of mutual choices (each lets a change reach one brief further); ~10 settle 10k
REFERENCE = 8192  # the archive size a tag's rarity is measured against, once the archive is that big


def _floor2(count: int) -> int:
    """The power of two at or below `count` (>= 1)."""
    return 1 << (count.bit_length() - 1)


def tag_weight(count: int, n: int) -> float:
    """The weight of a tag that `count` of the archive's `n` briefs carry: an idf of counts
    rounded down to powers of two, the archive's size capped at REFERENCE."""
    return math.log(1 + min(_floor2(n), REFERENCE) / _floor2(count))


def related(articles: list[tuple[str, Article, ArticleFeatures]], k: int = 5, window: int = 30,
            tags_used: int = 4) -> dict[str, list[str]]:
    """key -> up to k related keys, newest first; symmetric (A lists B iff B lists A).

    Candidates: for each of a brief's `tags_used` rarest shared tags, the briefs nearest
    in time that carry it (`window` on either side in that tag's date-sorted list: a story
    is followed across days, not years). So each brief looks at a bounded number of
    others whatever the size of the archive. Of those, the 4k with the most tag weight
    are scored with their word overlap too; a brief also ranks the briefs that found it."""
    n = len(articles)
    keys = [key for key, _, _ in articles]
    out: dict[str, list[str]] = {key: [] for key in keys}
    if k <= 0 or n < 2:
        return out
    order = sorted(range(n), key=lambda i: (articles[i][1].date, keys[i]))
    postings: dict[str, list[int]] = defaultdict(list)
    for i in order:
        for t in dict.fromkeys(articles[i][1].tags):
            postings[t].append(i)
    weight = {t: tag_weight(len(ix), n) for t, ix in postings.items()}
    position = {t: {i: p for p, i in enumerate(ix)} for t, ix in postings.items() if len(ix) > 1}
    tags = [frozenset(a.tags) for _, a, _ in articles]
    words = [frozenset(f.words) for _, _, f in articles]
    sizes = [len(w) for w in words]
    day = [a.date.toordinal() for _, a, _ in articles]
    key_rank = {i: r for r, i in enumerate(sorted(range(n), key=keys.__getitem__))}
    pairs = {(i, j) if i < j else (j, i) for i, j in _candidates(
        n, tags, [a.id for _, a, _ in articles], postings, position, weight, day, key_rank, window, tags_used, 4 * k)}
    # Each brief's candidates (the ones it found, the ones that found it), best first:
    # score, then nearest in days, then key.
    scored: list[list[tuple[float, int, int, int]]] = [[] for _ in range(n)]
    for i, j in pairs:  # the pair's own score: every tag they share, their words
        common = len(words[i] & words[j])
        union = sizes[i] + sizes[j] - common or 1  # len(words[i] | words[j]), without building it
        # fsum: a set's order follows the string hash, which changes per process; a plain
        # sum in that order could differ in its last bit, and so break ties differently.
        s = math.fsum(weight[t] for t in tags[i] & tags[j]) + 2 * common / union
        if s >= THRESHOLD:
            apart = abs(day[i] - day[j])
            scored[i].append((-s, apart, key_rank[j], j))
            scored[j].append((-s, apart, key_rank[i], i))
    ranked = [[j for *_, j in sorted(c)] for c in scored]
    links: list[set[int]] = [set() for _ in range(n)]
    active = list(range(n))
    for _ in range(ROUNDS):  # each round: mutual best among the briefs that still have room
        offers: dict[int, set[int]] = {}
        for i in active:  # what is left of i's ranking: briefs with room, not yet linked to i
            ranked[i] = [j for j in ranked[i] if len(links[j]) < k and j not in links[i]]
            offers[i] = set(ranked[i][: k - len(links[i])])
        added = [(i, j) for i in active for j in offers[i] if i < j and i in offers.get(j, ())]
        if not added:
            break
        for i, j in added:
            links[i].add(j)
            links[j].add(i)
        active = [i for i in active if len(links[i]) < k and ranked[i]]
    for i in range(n):
        out[keys[i]] = [keys[j] for j in sorted(links[i], key=lambda j: (articles[j][1].date, keys[j]), reverse=True)]
    return out


def _candidates(n: int, tags: list[frozenset[str]], ids: list[str], postings: dict[str, list[int]],
                position: dict[str, dict[int, int]], weight: dict[str, float], day: list[int],
                key_rank: dict[int, int], window: int, tags_used: int, best: int) -> list[tuple[int, int]]:
    """(i, j) for each brief i and each of its `best` candidates j. A candidate's weight is
    the sum of the weights of the tags (of i's `tags_used` rarest shared ones) in whose
    `window` it is; ties: the nearer in days, then by key (never the order met, which a
    brief elsewhere in a tag's list would shift). Briefs with i's id (i itself, its other
    versions) are none of its candidates.
    With numpy over every (brief, tag) window at once: ~2.4 million steps at 10,000 briefs."""
    import numpy as np  # only here: a small archive never needs it loaded

    flat, start = [], {}
    for t, ix in postings.items():
        if t in position:
            start[t] = len(flat)
            flat += ix
    seg_i, seg_lo, seg_hi, seg_w = [], [], [], []
    for i in range(n):
        for t in sorted((t for t in tags[i] if t in position), key=lambda t: (-weight[t], t))[:tags_used]:
            at, size = position[t][i], len(postings[t])
            seg_i.append(i)
            seg_lo.append(start[t] + max(0, at - window))
            seg_hi.append(start[t] + min(size, at + window + 1))
            seg_w.append(weight[t])
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
    pair_keys, inverse = np.unique(ii * n + js, return_inverse=True)
    # Sums in row order, i's tags in the same order every time: the same floats.
    total = np.bincount(inverse.ravel(), weights=ww, minlength=len(pair_keys))
    pi, pj = pair_keys // n, pair_keys % n
    days, ranks = np.array(day, np.int64), np.array([key_rank[i] for i in range(n)], np.int64)
    by = np.lexsort((ranks[pj], np.abs(days[pi] - days[pj]), -total, pi))  # by brief, most weight, nearest, key
    pi, pj = pi[by], pj[by]
    group_start = np.searchsorted(pi, pi, side="left")
    top = (np.arange(len(pi)) - group_start) < best
    return list(zip(pi[top].tolist(), pj[top].tolist(), strict=True))
