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

import hashlib
import math
from collections import defaultdict
from collections.abc import Container
from dataclasses import dataclass
from itertools import chain, pairwise

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
    return related_again(articles, None, k, window, tags_used)[0]


@dataclass
class Memo:
    """What related_again() found, for the next run: each brief's key and what its
    candidates and scores depend on (day, tags, a digest of its id and words), its
    candidates and its ranking (indices into `keys`), the parameters, and each brief's
    links with the round of mutual choices that made each (None: not known, the rounds
    then all run again)."""

    keys: list[str]
    state: list[tuple[int, tuple[str, ...], int]]
    cand: list[list[int]]
    ranked: list[list[int]]
    params: tuple[int, int, int]  # k, window, tags_used
    links: list[dict[int, int]] | None = None  # brief -> {linked brief: round it was made in}


def _state(a: Article, f: ArticleFeatures, digest: int | None = None) -> tuple[int, tuple[str, ...], int]:
    """What a brief's candidates depend on; `digest`: that of its id and words, if known."""
    if digest is None:
        text = "\0".join([a.id, *sorted(set(f.words))]).encode("utf-8", "surrogatepass")
        digest = int.from_bytes(hashlib.blake2b(text, digest_size=8).digest(), "little", signed=True)
    return a.date.toordinal(), tuple(sorted(set(a.tags))), digest


def related_again(articles: list[tuple[str, Article, ArticleFeatures]], memo: Memo | None, k: int = 5,
                  window: int = 30, tags_used: int = 4, same: Container[str] = (),
                  ) -> tuple[dict[str, list[str]], Memo | None]:
    """related(), and the Memo of this run. With the last run's Memo, only the briefs whose
    candidates can have changed look for them again (_dirty()), and only those whose
    ranking can have changed are scored again; every other brief's candidates and ranking
    are the Memo's. The rounds then run over every ranking as they always do: the same
    lists as related() without a Memo (tests/output/test_plus7.py). `same`: keys whose id
    and words are those the Memo's run saw (an unchanged dump restored from the cache of
    the same fingerprint): their digest is the Memo's, not hashed again."""
    n = len(articles)
    keys = [key for key, _, _ in articles]
    out: dict[str, list[str]] = {key: [] for key in keys}
    if k <= 0 or n < 2:
        return out, None
    order = sorted(range(n), key=lambda i: (articles[i][1].date, keys[i]))
    postings: dict[str, list[int]] = defaultdict(list)
    for i in order:
        for t in dict.fromkeys(articles[i][1].tags):
            postings[t].append(i)
    weight = {t: tag_weight(len(ix), n) for t, ix in postings.items()}
    day = [a.date.toordinal() for _, a, _ in articles]
    key_rank = [0] * n
    for r, i in enumerate(sorted(range(n), key=keys.__getitem__)):
        key_rank[i] = r
    known: dict[str, int] = {}
    if memo is not None and same:
        known = {key: memo.state[i][2] for i, key in enumerate(memo.keys) if key in same}
    state = [_state(a, f, known.get(key)) for key, a, f in articles]
    params = (k, window, tags_used)
    dirty = None if memo is None or memo.params != params else _dirty(memo, keys, state, postings, window)
    if dirty is None:  # every brief
        pi, pj = _candidates(n, [a.id for _, a, _ in articles], postings, weight, day, key_rank, window,
                             tags_used, 4 * k)
        cand = _grouped(n, pi, pj)
        ranked = _ranked(n, pi, pj, articles, postings, weight, day, key_rank)
        moved = None
    else:
        cand, ranked, moved = _again(memo, dirty, n, keys, articles, postings, weight, day, key_rank, window,
                                     tags_used, k)
    if moved is None or memo.links is None:
        links = _rounds(ranked, k)
    else:
        links = _rounds_again(ranked, k, _OldLinks(memo, keys), moved)
    place = [0] * n  # a brief's place in (date, key) order: keys are unique, so it sorts alike
    for p, i in enumerate(order):
        place[i] = p
    for i in range(n):
        out[keys[i]] = [keys[j] for j in sorted(links[i], key=place.__getitem__, reverse=True)]
    return out, Memo(keys, state, cand, ranked, params, links)


def _rounds(ranked: list[list[int]], k: int) -> list[dict[int, int]]:
    """Mutual choices in rounds: in each, every brief with room offers its free places to
    the best of its ranking that have room and are not linked to it yet; a pair that
    offered each other is linked. Each brief's links, linked brief -> the round."""
    n = len(ranked)
    links: list[dict[int, int]] = [{} for _ in range(n)]
    active, left = list(range(n)), list(ranked)
    for r in range(ROUNDS):
        offers: dict[int, set[int]] = {}
        for i in active:  # what is left of i's ranking: briefs with room, not yet linked to i
            if r:  # (in the first round, every brief: no link yet)
                left[i] = [j for j in left[i] if len(links[j]) < k and j not in links[i]]
            offers[i] = set(left[i][: k - len(links[i])])
        added = [(i, j) for i in active for j in offers[i] if i < j and i in offers.get(j, ())]
        if not added:  # nothing changed: no later round would link anything either
            break
        for i, j in added:
            links[i][j] = links[j][i] = r
        active = [i for i in active if len(links[i]) < k and left[i]]
    return links


class _OldLinks:
    """The Memo's links in this run's indices, made as asked: a brief that left is
    -1 - its old index (so that a brief linked to it is seen to differ)."""

    def __init__(self, memo: Memo, keys: list[str]):
        self.memo = memo
        at = {key: i for i, key in enumerate(keys)}
        self.to_new = [at.get(key, -1) for key in memo.keys]
        self.old_of = {i: old for old, i in enumerate(self.to_new) if i >= 0}
        self.made: dict[int, dict[int, int]] = {}

    def __getitem__(self, i: int) -> dict[int, int]:
        got = self.made.get(i)
        if got is None:
            old = self.old_of.get(i)
            to_new = self.to_new
            got = self.made[i] = {} if old is None else {
                (to_new[j] if to_new[j] >= 0 else -1 - j): r for j, r in self.memo.links[old].items()}
        return got


class _Round:
    """One round of _rounds_again(): each brief's links before it (those `cur` has, else
    the old run's), and its offers in it, made as asked."""

    def __init__(self, r: int, ranked: list[list[int]], k: int, old: _OldLinks, cur: dict[int, dict[int, int]]):
        self.r, self.ranked, self.k, self.old, self.cur = r, ranked, k, old, cur
        self.before: dict[int, dict[int, int]] = {}
        self.now: dict[int, dict[int, int]] = {}
        self.offered: dict[int, set[int]] = {}

    def old_links(self, x: int) -> dict[int, int]:
        got = self.before.get(x)
        if got is None:
            got = self.before[x] = {j: q for j, q in self.old[x].items() if q < self.r}
        return got

    def links(self, x: int) -> dict[int, int]:
        got = self.now.get(x)
        if got is None:
            got = self.now[x] = self.cur[x] if x in self.cur else self.old_links(x)
        return got

    def offers(self, x: int) -> set[int]:
        got = self.offered.get(x)
        if got is None:
            mine, k = self.links(x), self.k
            room = k - len(mine)
            got = self.offered[x] = set() if room <= 0 else set(
                [j for j in self.ranked[x] if len(self.links(j)) < k and j not in mine][:room])
        return got


def _rounds_again(ranked: list[list[int]], k: int, old: _OldLinks, moved: set[int]) -> list[dict[int, int]]:
    """_rounds(ranked, k), given the rounds of the Memo's run (`old`) and the briefs whose
    ranking is not the Memo's (`moved`, a new brief among them): only the briefs whose
    offers can differ from that run's are followed round by round. A brief's offers in a
    round depend on its ranking, its links so far and which of its ranked briefs are full;
    so they differ only for a moved brief, a brief whose links differ now, and the ranked
    briefs of one whose being full differs (rankings are symmetric: i ranks j iff j ranks
    i). A pair's link differs only if one side's offers do. The same links and rounds as
    _rounds() (tests/test_conv11_incremental.py)."""
    n = len(ranked)
    last = max((r for links in old.memo.links for r in links.values()), default=-1)
    cur: dict[int, dict[int, int]] = {}  # briefs whose links (with their rounds) differ from the old run's
    for r in range(ROUNDS):
        at = _Round(r, ranked, k, old, cur)
        for x in [x for x, d in cur.items() if d == at.old_links(x)]:
            del cur[x]  # the same again: the old run's rounds say what follows
        at.now = dict(cur)
        look = set(moved) | set(cur)
        for x in cur:
            if (len(cur[x]) < k) != (len(at.old_links(x)) < k):
                look.update(ranked[x])
        seen = set(look)
        for x in look:
            seen.update(at.offers(x))
            seen.update(j for j, q in old[x].items() if q == r and j >= 0)
        made = False
        changes: dict[int, set[int]] = {}
        for x in seen:
            added = {j for j in at.offers(x) if x in at.offers(j)}
            made = made or bool(added)
            if x in cur or added != {j for j, q in old[x].items() if q == r}:
                changes[x] = added
        for x, added in changes.items():
            d = cur.get(x)
            if d is None:
                d = cur[x] = dict(at.old_links(x))
            for j in added:
                d[j] = r
        if r > last and not made:  # nothing linked this round, by anyone: nothing ever will be
            break
    return [cur[i] if i in cur else old[i] for i in range(n)]


# More changed briefs than this: everything is found again (as cheap, and simpler).
_MOST_CHANGED = 256


def _dirty(memo: Memo, keys: list[str], state: list, postings: dict[str, list[int]], window: int,
           ) -> tuple[set[int], set[int]] | None:
    """(new indices, old indices) of the briefs whose candidates can differ from the
    Memo's, or None when every brief's can (the archive's size moved a tag weight's
    reference, or too much changed). A brief's candidates depend on its own state, the
    weights of its tags (their counts' powers of two) and, per tag, the briefs within
    `window` places of it in the tag's date-sorted list; so they are the same unless the
    brief changed, carries a tag whose weight moved, or is within window + 1 places of a
    brief that came, went or changed, in the tag's list before or after."""
    n, n0 = len(keys), len(memo.keys)
    if min(_floor2(n), REFERENCE) != min(_floor2(max(n0, 1)), REFERENCE) or n0 < 2:
        return None
    old_at = {key: i for i, key in enumerate(memo.keys)}
    new_at = {key: i for i, key in enumerate(keys)}
    if len(old_at) != n0 or len(new_at) != n:  # the same key twice: not a Memo this function wrote
        return None
    changed = [i for i, key in enumerate(keys) if key not in old_at or memo.state[old_at[key]] != state[i]]
    gone = [i for i, key in enumerate(memo.keys) if key not in new_at or state[new_at[key]] != memo.state[i]]
    if len(changed) + len(gone) > _MOST_CHANGED:
        return None
    old_postings: dict[str, list[int]] = defaultdict(list)
    for i in sorted(range(n0), key=lambda i: (memo.state[i][0], memo.keys[i])):
        for t in memo.state[i][1]:
            old_postings[t].append(i)
    new_dirty, old_dirty = set(changed), set(gone)
    for t in set(postings) | set(old_postings):
        a, b = len(old_postings.get(t, ())), len(postings.get(t, ()))
        if a != b and (not a or not b or _floor2(a) != _floor2(b)):  # its weight moved: every brief with it
            new_dirty.update(postings.get(t, ()))
            old_dirty.update(old_postings.get(t, ()))
    for moved, lists, into in ((changed, postings, new_dirty), (gone, old_postings, old_dirty)):
        places: dict[str, list[int]] = {}
        for i in moved:
            for t in (state[i] if lists is postings else memo.state[i])[1]:
                members = lists[t]
                at = places.setdefault(t, {j: p for p, j in enumerate(members)})[i]
                into.update(members[max(0, at - window - 1) : at + window + 2])
    return new_dirty, old_dirty


def _again(memo: Memo, dirty: tuple[set[int], set[int]], n: int, keys: list[str], articles, postings, weight,
           day, key_rank, window: int, tags_used: int, k: int,
           ) -> tuple[list[list[int]], list[list[int]], set[int]]:
    """Candidates and rankings from the Memo, found again for the briefs _dirty() names
    (candidates) and for those briefs' old and new candidates (rankings): a ranking is over
    the pairs a brief is in (its candidates, the briefs that have it as one), each scored
    from the two briefs alone. And the briefs whose ranking is not the Memo's."""
    import numpy as np

    new_dirty, old_dirty = dirty
    new_at = {key: i for i, key in enumerate(keys)}
    to_new = [new_at.get(key, -1) for key in memo.keys]
    again = np.zeros(n, bool)
    again[list(new_dirty | {to_new[i] for i in old_dirty if to_new[i] >= 0})] = True
    pi, pj = _candidates(n, [a.id for _, a, _ in articles], postings, weight, day, key_rank, window, tags_used,
                         4 * k, again)
    cand = _grouped(n, pi, pj)
    old_cand = _renumbered(memo.cand, to_new)
    for old, i in enumerate(to_new):
        if i >= 0 and not again[i]:
            cand[i] = old_cand[old]
    # A ranking changes only if the brief's pairs or their scores do: the briefs found
    # again, and every brief they had or have as a candidate (a brief that left, or
    # changed, is among the old_dirty ones: its old candidates too).
    rescore = set(np.flatnonzero(again).tolist())
    old_at = {key: i for i, key in enumerate(memo.keys)}
    for i in list(rescore):
        rescore.update(cand[i])
        if keys[i] in old_at:
            rescore.update(to_new[j] for j in memo.cand[old_at[keys[i]]] if to_new[j] >= 0)
    for old in old_dirty:
        rescore.update(to_new[j] for j in memo.cand[old] if to_new[j] >= 0)
    lengths = np.fromiter(map(len, cand), np.int64, n)
    a = np.repeat(np.arange(n, dtype=np.int64), lengths)
    b = np.fromiter(chain.from_iterable(cand), np.int64, int(lengths.sum()))
    mask = np.zeros(n, bool)
    mask[list(rescore)] = True
    pick = mask[a] | mask[b] if len(a) else np.zeros(0, bool)
    fresh = _ranked(n, a[pick], b[pick], articles, postings, weight, day, key_rank)
    ranked: list[list[int]] = [[] for _ in range(n)]
    old_ranked = _renumbered(memo.ranked, to_new)
    for old, i in enumerate(to_new):
        if i >= 0 and not mask[i]:
            ranked[i] = old_ranked[old]
    moved = set()
    was = {i: old_ranked[old] for old, i in enumerate(to_new) if i >= 0 and mask[i]}
    for i in rescore:
        ranked[i] = fresh[i]
        if was.get(i) != fresh[i]:  # (a brief that left is -1 there: never equal)
            moved.add(i)
    return cand, ranked, moved


def _renumbered(lists: list[list[int]], to_new: list[int]) -> list[list[int]]:
    """`lists` of the Memo's indices in this run's (-1: a brief that left), with numpy
    (~400k indices at 10k briefs)."""
    import numpy as np

    lengths = np.fromiter(map(len, lists), np.int64, len(lists))
    items = np.fromiter(chain.from_iterable(lists), np.int64, int(lengths.sum()))
    mapped = np.asarray(to_new, np.int64)[items].tolist() if len(items) else []
    bounds = np.concatenate(([0], np.cumsum(lengths))).tolist()
    return [mapped[a:b] for a, b in pairwise(bounds)]


def _grouped(n: int, owner, other) -> list[list[int]]:
    """Per brief i < n, the `other` of its rows, in order (`owner` sorted ascending)."""
    import numpy as np

    bounds = np.searchsorted(owner, np.arange(n + 1)).tolist()
    others = other.tolist()
    return [others[a:b] for a, b in pairwise(bounds)]


def _distinct(values):
    """np.unique(values) by sorting: numpy 2's np.unique without an inverse or counts
    hashes instead, ~15 times slower than a sort for a few hundred thousand int64."""
    import numpy as np

    values = np.sort(values)
    if len(values):
        values = values[np.concatenate(([True], values[1:] != values[:-1]))]
    return values


def _dense_rank(values):
    """Each value's place among the distinct values (0 for the smallest), and how many
    distinct values there are: equal values have equal places."""
    import numpy as np

    distinct = _distinct(values)
    return np.searchsorted(distinct, values), len(distinct)


def _distinct_rows(counts):
    """np.unique(counts, axis=0, return_inverse=True) for a 2-d array of small
    non-negative ints (the distinct rows in some order, and each row's index among them):
    each row read as one int64 (its counts the digits), unless that overflows."""
    import numpy as np

    top = int(counts.max()) + 1 if counts.size else 1
    if top ** counts.shape[1] >= 1 << 63:
        return np.unique(counts, axis=0, return_inverse=True)
    digits = top ** np.arange(counts.shape[1], dtype=np.int64)
    codes, inverse = np.unique(counts @ digits, return_inverse=True)
    return (codes[:, None] // digits) % top, inverse


def _order(*columns):
    """The permutation np.lexsort gives for rows sorted by `columns` (the first the most
    significant), each (non-negative int array, a bound above its values): adjacent
    columns packed into one int64 key while their bounds' product fits, so one stable
    argsort (or a lexsort of fewer keys) does the work of four."""
    import numpy as np

    keys, key, span = [], None, 1
    for column, bound in columns:
        bound = max(int(bound), 1)
        if key is not None and span * bound < 1 << 63:
            key, span = key * bound + column, span * bound
        else:
            if key is not None:
                keys.append(key)
            key, span = column.astype(np.int64), bound
    keys.append(key)
    return keys[0].argsort(kind="stable") if len(keys) == 1 else np.lexsort(keys[::-1])


def _ids(sets: list, vocabulary: dict[str, int]):
    """Rows of item codes, brief i's row holding its items (`vocabulary`'s codes, new
    items coded as met): (indptr, codes, width) as in a CSR matrix with a 1 where brief i
    holds item t."""
    import numpy as np

    lengths = [len(x) for x in sets]
    items = list(chain.from_iterable(sets))
    new = [t for t in dict.fromkeys(items) if t not in vocabulary]
    vocabulary.update(zip(new, range(len(vocabulary), len(vocabulary) + len(new)), strict=True))
    cols = np.fromiter(map(vocabulary.__getitem__, items), np.int64, len(items))
    indptr = np.zeros(len(sets) + 1, np.int64)
    np.cumsum(lengths, out=indptr[1:])
    return indptr, cols, max(len(vocabulary), 1)


# Up to this many pairs (a +1 run scores a few hundred) _shared() sorts the pairs' items
# with numpy alone: scipy.sparse (~0.15 s to import) is loaded only for more.
_FEW_PAIRS = 4096


def _shared(m, pi, pj):
    """For each pair (pi[p], pj[p]) of rows of `m` (_ids()): the pair's row index and
    column of each item both hold, as (rows, cols) arrays (in no particular order: the
    callers count them)."""
    import numpy as np

    indptr, codes, width = m
    if len(pi) > _FEW_PAIRS:
        from scipy.sparse import csr_matrix

        matrix = csr_matrix((np.ones(len(codes), np.int8), codes, indptr), shape=(len(indptr) - 1, width))
        matrix.sort_indices()
        both = matrix[pi].multiply(matrix[pj]).tocsr()
        both.eliminate_zeros()
        rows = np.repeat(np.arange(len(pi), dtype=np.int64), np.diff(both.indptr))
        return rows, both.indices.astype(np.int64)
    keys = []
    for side in (pi, pj):  # each pair's items of one side, as pair * width + code
        lengths = indptr[side + 1] - indptr[side]
        ends = np.cumsum(lengths)
        at = np.arange(ends[-1] if len(ends) else 0, dtype=np.int64) + np.repeat(indptr[side] - (ends - lengths),
                                                                                 lengths)
        keys.append(np.repeat(np.arange(len(side), dtype=np.int64), lengths) * width + codes[at])
    # a row holds an item once: a key met twice is an item both rows hold
    found, counts = np.unique(np.concatenate(keys), return_counts=True)
    both = found[counts == 2]
    return both // width, both % width


def _ranked(n: int, pi, pj, articles, postings: dict[str, list[int]], weight: dict[str, float], day: list[int],
            key_rank: list[int]) -> list[list[int]]:
    """Each brief's candidates (the ones it found, the ones that found it), best first:
    score, then nearest in days, then key; only pairs scoring THRESHOLD or more. A pair's
    score is its own: every tag the two share, weighted, plus 2 * |common words| / |all
    their words|. All pairs at once (numpy, sparse rows); the tag weights' sum is
    math.fsum of each pair's shared weights (exact, whatever the order: a plain sum
    followed the set's order, which follows the string hash), taken once per distinct
    multiset of weights (a weight depends on a tag's count only by its power of two, so
    there are few)."""
    import numpy as np

    ranked: list[list[int]] = [[] for _ in range(n)]
    pairs = _distinct(np.minimum(pi, pj) * n + np.maximum(pi, pj))
    if not len(pairs):
        return ranked
    pi, pj = pairs // n, pairs % n
    # Rows for the briefs in some pair only (a +1 run scores a few hundred pairs).
    inside = np.zeros(n, bool)
    inside[pi] = inside[pj] = True
    involved = np.flatnonzero(inside)
    row_of = np.cumsum(inside) - 1
    li, lj = row_of[pi], row_of[pj]
    words = _ids([set(articles[i][2].words) for i in involved.tolist()], {})
    sizes = np.diff(words[0])
    rows, _ = _shared(words, li, lj)
    common = np.bincount(rows, minlength=len(pi))
    union = sizes[li] + sizes[lj] - common
    union[union == 0] = 1
    tag_code = {t: c for c, t in enumerate(postings)}
    tags = _ids([set(articles[i][1].tags) for i in involved.tolist()], tag_code)
    values = sorted(set(weight.values()))
    klass = np.array([values.index(weight[t]) for t in tag_code], np.int64)
    rows, cols = _shared(tags, li, lj)
    counts = np.zeros((len(pi), len(values)), np.int64)
    np.add.at(counts, (rows, klass[cols]), 1)
    distinct, inverse = _distinct_rows(counts)
    sums = np.array([math.fsum(v for v, c in zip(values, row, strict=True) for _ in range(c))
                     for row in distinct.tolist()], np.float64)
    score = sums[inverse.ravel()] + (2 * common).astype(np.float64) / union.astype(np.float64)
    keep = score >= THRESHOLD
    pi, pj, score = pi[keep], pj[keep], score[keep]
    days, ranks = np.array(day, np.int64), np.array(key_rank, np.int64)
    owner, other = np.concatenate((pi, pj)), np.concatenate((pj, pi))
    place, count = _dense_rank(score)
    gap = np.abs(days[owner] - days[other])
    by = _order((owner, n), (count - 1 - np.concatenate((place, place)), count), (gap, gap.max(initial=0) + 1),
                (ranks[other], n))
    return _grouped(n, owner[by], other[by])


def _candidates(n: int, ids: list[str], postings: dict[str, list[int]], weight: dict[str, float], day: list[int],
                key_rank: list[int], window: int, tags_used: int, best: int, only=None):
    """(i, j) for each brief i and each of its `best` candidates j, as two arrays. A
    candidate's weight is the sum of the weights of the tags (of i's `tags_used` rarest
    shared ones: most weight, then by name) in whose `window` it is; ties: the nearer in
    days, then by key (never the order met, which a brief elsewhere in a tag's list would
    shift). Briefs with i's id (i itself, its other versions) are none of its candidates.
    With numpy over every (brief, tag) window at once: ~2.4 million steps at 10,000 briefs.
    `only` (a boolean per brief): the candidates of those briefs alone (each brief's are
    found apart from the others', in the same order: the same lists)."""
    import numpy as np  # only here: a small archive never needs it loaded

    # Every (brief, shared tag) membership: the tag's list, the brief's place in it.
    shared = sorted((t for t, ix in postings.items() if len(ix) > 1), key=lambda t: (-weight[t], t))
    if not shared:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    flat = np.array([i for t in shared for i in postings[t]], np.int64)
    size = np.array([len(postings[t]) for t in shared], np.int64)
    tag = np.repeat(np.arange(len(shared), dtype=np.int64), size)  # tags in (-weight, name) order
    first = np.repeat(np.cumsum(size) - size, size)  # where each member's tag list starts in flat
    at = np.arange(len(flat), dtype=np.int64) - first
    # Each brief's first `tags_used` tags in that order: its segments, briefs in order.
    by = np.lexsort((tag, flat))
    seg_i, seg_tag, seg_at, seg_first = flat[by], tag[by], at[by], first[by]
    rank = np.arange(len(seg_i)) - np.searchsorted(seg_i, seg_i, side="left")  # the tag's place among i's
    use = rank < tags_used
    if only is not None:
        use &= only[seg_i]
    if not use.any():
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    seg_i, seg_tag, seg_at, seg_first, seg_rank = seg_i[use], seg_tag[use], seg_at[use], seg_first[use], rank[use]
    seg_lo = seg_first + np.maximum(0, seg_at - window)
    seg_hi = seg_first + np.minimum(size[seg_tag], seg_at + window + 1)
    seg_w = np.array([weight[t] for t in shared], np.float64)[seg_tag]
    lo, lengths = seg_lo, seg_hi - seg_lo
    # Every window's members, windows in order: a running index restarted at each window's lo.
    ends = np.cumsum(lengths)
    rows = np.arange(ends[-1], dtype=np.int64) + np.repeat(lo - (ends - lengths), lengths)
    js = flat[rows]
    ii = np.repeat(seg_i, lengths)
    codes: dict[str, int] = {}
    id_code = np.array([codes.setdefault(x, len(codes)) for x in ids], np.int64)
    # Each window member as (pair, the tag's place among i's) in one int64, sorted: a
    # pair's rows together, its tags in i's order (a value sort, no argsort).
    found = (ii * n + js) * tags_used + np.repeat(seg_rank, lengths)
    found = found[id_code[js] != id_code[ii]]
    found.sort()
    pair, slot = found // tags_used, found % tags_used
    weights = np.zeros(n * tags_used, np.float64)
    weights[seg_i * tags_used + seg_rank] = seg_w
    starts = np.concatenate(([True], pair[1:] != pair[:-1])) if len(pair) else np.zeros(0, bool)
    pair_keys = pair[starts]
    # Sums in i's tags' order, the same order every time: the same floats.
    total = np.bincount(np.cumsum(starts) - 1, weights=weights[(pair // n) * tags_used + slot],
                        minlength=len(pair_keys))
    pi, pj = pair_keys // n, pair_keys % n
    days, ranks = np.array(day, np.int64), np.array(key_rank, np.int64)
    place, count = _dense_rank(total)
    gap = np.abs(days[pi] - days[pj])
    # by brief, most weight, nearest, key
    by = _order((pi, n), (count - 1 - place, count), (gap, gap.max(initial=0) + 1), (ranks[pj], n))
    pi, pj = pi[by], pj[by]
    group_start = np.searchsorted(pi, pi, side="left")
    top = (np.arange(len(pi)) - group_start) < best
    return pi[top], pj[top]
