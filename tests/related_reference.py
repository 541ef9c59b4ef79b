"""related() (builder/archive/related.py) in plain Python, pair by pair: the independent
version the numpy path is checked against (tests/output/test_fanout.py,
tests/convert/test_speedups4.py)."""

from __future__ import annotations

import math
from collections import defaultdict

from builder.archive.related import ROUNDS, THRESHOLD, tag_weight


def related_one_by_one(articles, k=5, window=30, tags_used=4):
    """related() in plain Python, pair by pair: the candidates a running sum per brief,
    then rounds of mutual best choices among the briefs with room."""
    n = len(articles)
    keys = [key for key, _, _ in articles]
    day = [a.date.toordinal() for _, a, _ in articles]
    order = sorted(range(n), key=lambda i: (articles[i][1].date, keys[i]))
    postings = defaultdict(list)
    for i in order:
        for t in dict.fromkeys(articles[i][1].tags):
            postings[t].append(i)
    weight = {t: tag_weight(len(ix), n) for t, ix in postings.items()}
    position = {t: {i: p for p, i in enumerate(ix)} for t, ix in postings.items() if len(ix) > 1}
    tags = [frozenset(a.tags) for _, a, _ in articles]
    words = [frozenset(f.words) for _, _, f in articles]
    near = [set() for _ in range(n)]
    for i in range(n):
        found = {}
        for t in sorted((t for t in tags[i] if t in position), key=lambda t: (-weight[t], t))[:tags_used]:
            ix, at = postings[t], position[t][i]
            for j in ix[max(0, at - window): at + window + 1]:
                found[j] = found.get(j, 0.0) + weight[t]
        for j in [j for j in found if articles[j][1].id == articles[i][1].id]:
            del found[j]
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
        for a, b in [(i, j) for i in range(n) for j in offers[i] if i < j and i in offers[j]]:
            links[a].add(b)
            links[b].add(a)
    return {key: [keys[j] for j in sorted(links[i], key=lambda j: (articles[j][1].date, keys[j]), reverse=True)]
            for i, key in enumerate(keys)}
