"""Related briefs: each brief's nearest neighbours by shared entities (tags) and content
words, found through an inverted index so that no step compares every pair."""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from operator import itemgetter

from ..convert.features import ArticleFeatures
from ..model import Article


def related(articles: list[tuple[str, Article, ArticleFeatures]], k: int = 5, window: int = 30,
            tags_used: int = 4) -> dict[str, list[str]]:
    """key -> up to k related keys, newest first: shared entities (weighted by how rare
    they are) plus shared content words of title and lead.

    Candidates come from an inverted index of tags sorted by date: for each of a brief's
    rarest tags, the briefs nearest in time that share it (a story is followed across
    days, not years). So each brief looks at a bounded number of others, whatever the
    size of the archive: no step compares every pair."""
    n = len(articles)
    order = sorted(range(n), key=lambda i: (articles[i][1].date, articles[i][0]))
    postings: dict[str, list[int]] = defaultdict(list)
    for i in order:
        for t in articles[i][1].tags:
            postings[t].append(i)
    idf = {t: math.log(1 + n / len(ix)) for t, ix in postings.items()}
    position = {t: {i: p for p, i in enumerate(ix)} for t, ix in postings.items()}
    words = [set(f.words) for _, _, f in articles]
    ids = [a.id for _, a, _ in articles]
    out: dict[str, list[str]] = {}
    for i, (key, a, _) in enumerate(articles):
        # A plain dict and heapq: what Counter.most_common does, without its per-item
        # overhead in the innermost loop (~250 updates a brief).
        scores: dict[int, float] = {}
        own = ids[i]
        for t in sorted(a.tags, key=lambda t: -idf[t])[:tags_used]:
            ix, at, weight = postings[t], position[t][i], idf[t]
            for j in ix[max(0, at - window) : at + window + 1]:
                if j != i and ids[j] != own:
                    scores[j] = scores.get(j, 0.0) + weight
        ranked = []
        for j, s in heapq.nlargest(4 * k, scores.items(), key=itemgetter(1)):
            union = len(words[i] | words[j]) or 1
            ranked.append((s + 2 * len(words[i] & words[j]) / union, j))
        ranked.sort(key=lambda x: (-x[0], articles[x[1]][0]))
        best = [j for score, j in ranked[:k] if score >= 1.0]
        best.sort(key=lambda j: (articles[j][1].date, articles[j][0]), reverse=True)
        out[key] = [articles[j][0] for j in best]
    return out
