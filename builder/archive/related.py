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

import heapq
import math
from collections import defaultdict
from operator import itemgetter

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
    ids = [a.id for _, a, _ in articles]
    scores: dict[tuple[int, int], float] = {}
    for i in range(n):
        shared = sorted((t for t in tags[i] if t in position), key=lambda t: (-idf[t], t))[:tags_used]
        # A plain dict: what Counter does, without its overhead in the inner loop.
        found: dict[int, float] = {}
        get = found.get
        for t in shared:
            ix, at, weight = postings[t], position[t][i], idf[t]
            for j in ix[max(0, at - window): at + window + 1]:
                found[j] = get(j, 0.0) + weight
        own = ids[i]
        found.pop(i, None)
        for j in [j for j in found if ids[j] == own]:  # another version of the same story
            del found[j]
        for j, _ in heapq.nlargest(4 * k, found.items(), key=itemgetter(1)):
            pair = (i, j) if i < j else (j, i)
            if pair not in scores:  # the pair's own score: every tag they share
                union = len(words[i] | words[j]) or 1
                # fsum: a set's order follows the string hash, which changes per process; a plain
                # sum in that order could differ in its last bit, and so break ties differently.
                scores[pair] = math.fsum(idf[t] for t in tags[i] & tags[j]) + 2 * len(words[i] & words[j]) / union
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
