"""Archive-wide steps: what can only be decided by looking at many dumps at once.

- learned boilerplate: lines that recur across dumps of one publisher are chrome;
- near-duplicates: the same story syndicated with small edits is published once;
- tag normalisation: one spelling per entity across the archive, singletons by rule;
- related briefs: each brief's nearest neighbours by shared entities and words.

Each step works from small per-article features computed in the per-dump stages
(`ArticleFeatures`), so the steps also run on articles restored from the cache.
"""

from __future__ import annotations

import heapq
import math
import re
import zlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import pairwise
from operator import itemgetter

from ..convert.tags import same_stem
from ..model import OK, Article, Outcome, Removed
from ..rules import Rules

NUM_PERM = 64
SCHEME = "affine32"  # datasketch 2: the permutation scheme must match when signatures are reloaded
_SENTENCE = re.compile(r"(?<=[.!?…])[”\"’»)]*\s+")
_WORD = re.compile(r"[^\W\d_]{4,}")
_STOP = frozenset("""this that with from have were been which their there would could about after
before while where when what they them said says will also into over more than other some
such only most many much very just even still then here those these being does""".split())  # noqa: SIM905


@dataclass
class ArticleFeatures:
    """What the archive-wide steps need of one article; JSON-friendly for the cache."""

    signature: list[int] = field(default_factory=list)  # MinHash of its sentences
    sentences: list[int] = field(default_factory=list)  # their hashes, to confirm a match exactly
    short_lines: list[tuple[int, str]] = field(default_factory=list)  # (line, text): learnable
    headings: list[tuple[int, str]] = field(default_factory=list)  # learnable with more care
    words: list[str] = field(default_factory=list)  # content words of title + lead, for relatedness
    sentence_lines: list[tuple[int, int]] = field(default_factory=list)  # (line, crc32) of sentence paragraphs


def sentences(article: Article) -> list[str]:
    return [s for p in article.paragraphs for s in _SENTENCE.split(p) if len(s) > 20]


_PERMUTATIONS = None


def _minhash(**kw):
    """A datasketch MinHash sharing one set of permutations (making them is the slow part)."""
    global _PERMUTATIONS
    from datasketch import MinHash  # numpy/scipy: loaded only when there is work

    if _PERMUTATIONS is None:
        _PERMUTATIONS = MinHash(num_perm=NUM_PERM, seed=1, scheme=SCHEME).permutations
    return MinHash(num_perm=NUM_PERM, seed=1, scheme=SCHEME, permutations=_PERMUTATIONS, **kw)


def minhash(items: list[str]) -> list[int]:
    """A MinHash signature (datasketch) of a set of strings, with a stable hash (crc32)."""
    m = _minhash(hashfunc=zlib.crc32)
    m.update_batch([s.encode("utf-8") for s in items])
    return [int(v) for v in m.hashvalues]


def is_sentence(text: str) -> bool:
    """A line that reads as a sentence of the article: never learned as chrome."""
    words = text.split()
    return len(words) >= 25 or (len(words) >= 12 and text.rstrip("”\"’»)").endswith((".", "!", "?", "…")))


def features(article: Article) -> ArticleFeatures:
    said = sentences(article)
    items = said or article.paragraphs or [article.title]
    short = [(n, p) for s in article.sections for n, p in zip(s.lines, s.paragraphs, strict=True)
             if not is_sentence(p)]
    lead = " ".join([article.title, article.description])
    words = sorted({w.casefold() for w in _WORD.findall(lead)} - _STOP)
    heads = [(s.heading_line or 0, s.heading) for s in article.sections if s.heading]
    hashes = sorted({zlib.crc32(x.encode("utf-8")) for x in said})
    paras = [(n, zlib.crc32(p.encode("utf-8"))) for s in article.sections
             for n, p in zip(s.lines, s.paragraphs, strict=True) if is_sentence(p)]
    return ArticleFeatures(signature=minhash(items), short_lines=short, words=words, headings=heads,
                           sentences=hashes, sentence_lines=paras)


# --- learned boilerplate -----------------------------------------------------------

Span = tuple[int, int] | None


def body_spans(outcomes: list[Outcome], rules: Rules) -> dict[str, Span]:
    """source -> (first, last) dump line of the brief's own body: its first and last
    paragraph that reads as a sentence and is its own (not a sentence that recurs in
    several dumps, like a funding disclaimer). Chrome stands around the body (masthead,
    promos after a heading, sign-offs before the credit); a line between two paragraphs of
    the brief's own text is content, however often it recurs elsewhere. None: no such
    paragraph."""
    counts: Counter[int] = Counter()
    for o in outcomes:
        if o.status == OK and o.features is not None:
            counts.update({h for _, h in o.features.sentence_lines})
    common = max(2, rules.learn_min_dumps)
    spans: dict[str, Span] = {}
    for o in outcomes:
        if o.status == OK and o.features is not None:
            own = [n for n, h in o.features.sentence_lines if counts[h] < common]
            spans[o.source_path] = (min(own), max(own)) if own else None
    return spans


def at_edge(line: int, span: Span) -> bool:
    """Does a line stand where chrome stands: outside the brief's own body?"""
    return span is None or line < span[0] or line > span[1]


def chrome_places(features: ArticleFeatures, span: Span) -> tuple[set[tuple[int, str]], set[tuple[int, str]]]:
    """(line, text) of the short lines and of the headings of a dump that stand where
    chrome stands, and so may be learned or removed: around its own body, or a short
    line or heading that opens a section (a promo right under a heading); never a line
    between two paragraphs of the brief's own text."""
    items = sorted([(n, 0) for n, _ in features.headings] + [(n, 1) for n, _ in features.short_lines]
                   + [(n, 1) for n, _ in features.sentence_lines])
    opening = {n for (_, kind), (n, _) in pairwise(items) if kind == 0}
    return ({(n, t) for n, t in features.short_lines if at_edge(n, span) or n in opening},
            {(n, t) for n, t in features.headings if at_edge(n, span) or n in opening})


def learnable(features: ArticleFeatures, span: Span) -> tuple[set[str], set[str]]:
    """The texts of chrome_places: short lines, headings."""
    short, heads = chrome_places(features, span)
    return {t for _, t in short}, {t for _, t in heads}


def learned_chrome(outcomes: list[Outcome], rules: Rules,
                   spans: dict[str, Span] | None = None) -> dict[tuple[str, str], int]:
    """(publisher, line) -> in how many of that publisher's dumps the line stands, for
    lines that recur often enough to be chrome (rules.learn_min_dumps/min_share).

    Hard to poison: a line counts only where it stands around a dump's own body
    (body_spans), never between two of its own paragraphs, and it must recur on at least
    learn_min_dumps distinct dates (chrome is there day after day; a batch of fakes
    written at once is not). A learned line is removed only where it stands around the
    body too (apply_learned), so a short line inside a real brief's text stays, whatever
    fake dumps repeat it.

    Headings need more: chrome that stands alone between blank lines looks like a
    heading ("Sign up for the Harbour Bulletin"), but so does a section name that every
    brief of a desk has ("Summary"). A heading is learned only if it is the publisher's
    own: it recurs there and is (almost) absent from every other publisher's dumps. With
    a single publisher, headings are never learned; `rules suggest` lists them instead.
    """
    if rules.learn_min_dumps <= 0:
        return {}
    spans = body_spans(outcomes, rules) if spans is None else spans
    per_publisher: Counter[str] = Counter()
    seen: Counter[tuple[str, str]] = Counter()
    days: dict[tuple[str, str], set] = defaultdict(set)
    heading_seen: Counter[tuple[str, str]] = Counter()
    heading_total: Counter[str] = Counter()
    for o in outcomes:
        if o.status != OK or o.features is None:
            continue
        pub = o.article.publisher or ""
        per_publisher[pub] += 1
        short, heads = learnable(o.features, spans.get(o.source_path))
        for text in short:
            seen[(pub, text)] += 1
            days[(pub, text)].add(o.article.date)
        for text in heads:
            heading_seen[(pub, text)] += 1
            heading_total[text] += 1
            days[(pub, text)].add(o.article.date)
    keep = {k.casefold() for k in rules.learn_keep}

    def often(key: tuple[str, str], n: int) -> bool:
        return (n >= rules.learn_min_dumps and n >= rules.learn_min_share * per_publisher[key[0]]
                and len(days[key]) >= rules.learn_min_dumps and key[1].casefold() not in keep)

    learned = {key: n for key, n in seen.items() if often(key, n)}
    if len(per_publisher) > 1:
        for key, n in heading_seen.items():
            elsewhere = heading_total[key[1]] - n
            if often(key, n) and elsewhere < rules.learn_min_dumps:
                learned[key] = n
    return learned


def learned_hits(article: Article, features: ArticleFeatures, learned: dict[tuple[str, str], int],
                 span: Span) -> list[str]:
    """The learned lines that this article loses: those standing around its own body."""
    pub = article.publisher or ""
    short, heads = learnable(features, span)
    return sorted(t for t in short | heads if (pub, t) in learned)


def apply_learned(article: Article, features: ArticleFeatures, learned: dict[tuple[str, str], int],
                  span: Span = None) -> list[str]:
    """Move learned chrome from the article to `removed`, where it stands around the
    article's own body (`span`, see body_spans); returns the lines. A learned heading goes
    and its paragraphs join the section before it."""
    pub = article.publisher or ""
    who = pub or "unknown publisher"
    hits = set(learned_hits(article, features, learned, span))
    if not hits:
        return []

    short, heads = chrome_places(features, span)
    places = short | heads

    def gone(n: int | None, text: str | None) -> bool:
        return text in hits and (n or 0, text) in places

    sections = []
    for s in article.sections:
        for n, p in zip(s.lines, s.paragraphs, strict=True):
            if gone(n, p):
                article.removed.append(Removed(n, p, f"learned: seen in {learned[(pub, p)]} dumps of {who}"))
        kept = [(n, p) for n, p in zip(s.lines, s.paragraphs, strict=True) if not gone(n, p)]
        s.lines, s.paragraphs = [n for n, _ in kept], [p for _, p in kept]
        if gone(s.heading_line, s.heading):
            article.removed.append(Removed(s.heading_line or 0, s.heading,
                                           f"learned: seen in {learned[(pub, s.heading)]} dumps of {who}"))
            if sections:
                sections[-1].paragraphs += s.paragraphs
                sections[-1].lines += s.lines
                continue
            s.heading, s.heading_line = None, None
        sections.append(s)
    article.sections = [s for s in sections if s.paragraphs or s.heading]
    article.removed.sort(key=lambda r: r.line)
    return sorted(hits)


# --- near-duplicates -----------------------------------------------------------------

# A story needs this many distinct sentences before two copies can be told to be one:
# below it, a shared template sentence or two would make short briefs look alike.
MIN_SENTENCES = 5


def exact_jaccard(a: list[int], b: list[int]) -> float:
    sa, sb = set(a), set(b)
    return len(sa & sb) / len(sa | sb) if sa or sb else 0.0


def near_duplicate_groups(items: list[tuple[str, list[int], list[int]]],
                          threshold: float) -> list[list[tuple[str, float]]]:
    """Clusters of near-identical texts, [(key, similarity to the cluster's first)]:
    candidates from MinHash LSH, each pair confirmed by the exact Jaccard similarity of
    the two sentence sets."""
    items = [it for it in items if len(it[2]) >= MIN_SENTENCES]
    if threshold <= 0 or threshold > 1 or len(items) < 2:
        return []
    import numpy as np
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
    sents = {key: s for key, _, s in items}
    hashes = {key: _minhash(hashvalues=np.array(sig, dtype=np.uint32)) for key, sig, _ in items}
    for key, _, _ in items:
        lsh.insert(key, hashes[key])
    parent = {k: k for k, _, _ in items}

    def find(k: str) -> str:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for key, _, _ in items:
        for other in lsh.query(hashes[key]):
            if other != key and exact_jaccard(sents[key], sents[other]) >= threshold:
                parent[find(other)] = find(key)
    groups: dict[str, list[str]] = defaultdict(list)
    for key, _, _ in items:
        groups[find(key)].append(key)
    return [[(k, exact_jaccard(sents[g[0]], sents[k])) for k in g] for g in groups.values() if len(g) > 1]


# --- tags ------------------------------------------------------------------------------

def normalise_tags(articles: list[Article], rules: Rules) -> None:
    """One spelling per entity across the archive; tags on too few briefs dropped by rule.

    A lone surname ("Trump") becomes the full name the archive uses most ("Donald
    Trump"); spellings that differ in a short ending ("Zelensky", "Zelenskyy") become
    the commonest one; configured aliases win over both.
    """
    counts: Counter[str] = Counter(t for a in articles for t in a.local_tags)
    full_names: dict[str, Counter[str]] = defaultdict(Counter)
    for tag, n in counts.items():
        parts = tag.split()
        if len(parts) > 1:
            full_names[parts[-1]][tag] += n
    by_stem: dict[str, list[str]] = defaultdict(list)
    for tag in counts:
        if " " not in tag and len(tag) >= 6:
            by_stem[tag[:5]].append(tag)
    mapping: dict[str, str] = {}
    for tag in counts:
        target = tag
        if " " not in tag:
            forms = [t for t in by_stem.get(tag[:5], ()) if same_stem(t, tag)]
            if forms:
                target = max([tag, *forms], key=lambda t: (counts[t], -len(t), t))
            # only into a name whose other words are no entity of their own: "Trump" ->
            # "Donald Trump", but "Ravenshead" never -> "Millbrook Ravenshead"
            names = {f: n for f, n in full_names.get(target, {}).items()
                     if len(f.split()) <= 3 and all(w[:1].isupper() for w in f.split())
                     and not any(w in counts for w in f.split()[:-1])}
            if names:
                target = max(names.items(), key=lambda kv: (kv[1], kv[0]))[0]
        elif len(tag.split()) > 1:  # "Volodymyr Zelensky" -> "Volodymyr Zelenskyy"
            *first, last = tag.split()
            forms = [t for t in by_stem.get(last[:5], ()) if same_stem(t, last)]
            if forms:
                best = max([last, *forms], key=lambda t: (counts[t], -len(t), t))
                target = " ".join([*first, best])
        mapping[tag] = rules.tag_aliases.get(target, target)
    briefs: Counter[str] = Counter()
    for a in articles:
        a.tags = list(dict.fromkeys(mapping.get(t, t) for t in a.local_tags))
        briefs.update(a.tags)
    if rules.tag_min_briefs > 1:
        for a in articles:
            a.tags = [t for t in a.tags if briefs[t] >= rules.tag_min_briefs]


# --- related briefs ---------------------------------------------------------------

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
