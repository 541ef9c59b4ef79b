"""Learned boilerplate: lines that recur across the dumps of one publisher, where chrome
stands (around a brief's own body), are chrome, and are removed with the reason. The
counting works from the features of each dump (convert/features.py), so it also runs on
dumps restored from the cache; `rules suggest` reads the same counts."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import chain, pairwise
from operator import itemgetter

from ..convert.features import ArticleFeatures
from ..model import OK, Article, Outcome, Removed
from ..rules import Rules

Span = tuple[int, int] | None


def body_spans(outcomes: list[Outcome], rules: Rules) -> dict[str, Span]:
    """source -> (first, last) dump line of the brief's own body: its first and last
    paragraph that reads as a sentence and is its own (not a sentence that recurs in
    several dumps, like a funding disclaimer). Chrome stands around the body (masthead,
    promos after a heading, sign-offs before the credit); a line between two paragraphs of
    the brief's own text is content, however often it recurs elsewhere. None: no such
    paragraph."""
    lines = [(o.source_path, o.features.sentence_lines) for o in outcomes if o.status == OK and o.features is not None]
    # In how many dumps each hash stands: one counting pass in C over every dump's set
    # (not a Counter.update a dump: its type checks were most of the step at 10k dumps).
    hash_of = itemgetter(1)
    counts = Counter(chain.from_iterable(set(map(hash_of, pairs)) for _, pairs in lines))
    common = max(2, rules.learn_min_dumps)
    recurring = {h for h, n in counts.items() if n >= common}
    spans: dict[str, Span] = {}
    for source, pairs in lines:
        own = [n for n, h in pairs if h not in recurring]
        spans[source] = (min(own), max(own)) if own else None
    return spans


def at_edge(line: int, span: Span) -> bool:
    """Does a line stand where chrome stands: outside the brief's own body?"""
    return span is None or line < span[0] or line > span[1]


def chrome_places(features: ArticleFeatures, span: Span) -> tuple[set[tuple[int, str]], set[tuple[int, str]]]:
    """(line, text) of the short lines and of the headings of a dump that stand where
    chrome stands, and so may be learned or removed: around its own body, or a short
    line or heading that opens a section (a promo right under a heading); never a line
    between two paragraphs of the brief's own text."""
    if not features.short_lines and not features.headings:  # nothing to place (most briefs, some archives)
        return set(), set()
    items = sorted([(n, 0) for n, _ in features.headings] + [(n, 1) for n, _ in features.short_lines]
                   + [(n, 1) for n, _ in features.sentence_lines])
    opening = {n for (_, kind), (n, _) in pairwise(items) if kind == 0}
    return ({(n, t) for n, t in features.short_lines if at_edge(n, span) or n in opening},
            {(n, t) for n, t in features.headings if at_edge(n, span) or n in opening})


def learnable(features: ArticleFeatures, span: Span) -> tuple[set[str], set[str]]:
    """The texts of chrome_places: short lines, headings."""
    short, heads = chrome_places(features, span)
    return {t for _, t in short}, {t for _, t in heads}


@dataclass
class _Recurrence:
    """How often each learnable line stands where chrome stands, per publisher."""

    per_publisher: Counter[str] = field(default_factory=Counter)  # dumps of each publisher
    lines: Counter[tuple[str, str]] = field(default_factory=Counter)  # (publisher, short line) -> dumps
    headings: Counter[tuple[str, str]] = field(default_factory=Counter)  # (publisher, heading) -> dumps
    heading_total: Counter[str] = field(default_factory=Counter)  # heading -> dumps of any publisher
    days: dict[tuple[str, str], set] = field(default_factory=lambda: defaultdict(set))
    keep: set[str] = field(default_factory=set)  # rules.learn_keep, casefolded


def _recurrence(outcomes: list[Outcome], spans: dict[str, Span], rules: Rules) -> _Recurrence:
    r = _Recurrence(keep={k.casefold() for k in rules.learn_keep})
    for o in outcomes:
        if o.status != OK or o.features is None:
            continue
        pub = o.article.publisher or ""
        r.per_publisher[pub] += 1
        short, heads = learnable(o.features, spans.get(o.source_path))
        for text in short:
            r.lines[(pub, text)] += 1
            r.days[(pub, text)].add(o.article.date)
        for text in heads:
            r.headings[(pub, text)] += 1
            r.heading_total[text] += 1
            r.days[(pub, text)].add(o.article.date)
    return r


def _recurs(key: tuple[str, str], n: int, r: _Recurrence, rules: Rules) -> bool:
    """The one rule for "recurs like chrome": in enough of the publisher's dumps, on
    enough distinct dates, and not a line the rules keep."""
    return (n >= rules.learn_min_dumps and n >= rules.learn_min_share * r.per_publisher[key[0]]
            and len(r.days[key]) >= rules.learn_min_dumps
            and key[1].casefold() not in r.keep)


def _own_heading(key: tuple[str, str], n: int, r: _Recurrence, rules: Rules) -> bool:
    """A recurring heading is the publisher's own chrome if it is (almost) absent from
    every other publisher's dumps; with a single publisher there is no telling."""
    return len(r.per_publisher) > 1 and r.heading_total[key[1]] - n < rules.learn_min_dumps


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
    a single publisher, headings are never learned; `rules suggest` lists them instead
    (recurring_headings).
    """
    if rules.learn_min_dumps <= 0:
        return {}
    r = _recurrence(outcomes, body_spans(outcomes, rules) if spans is None else spans, rules)
    learned = {key: n for key, n in r.lines.items() if _recurs(key, n, r, rules)}
    learned.update((key, n) for key, n in r.headings.items()
                   if _recurs(key, n, r, rules) and _own_heading(key, n, r, rules))
    return learned


def recurring_headings(outcomes: list[Outcome], rules: Rules) -> dict[tuple[str, str], int]:
    """(publisher, heading) -> dumps, for the headings that recur like chrome (counted as
    learned_chrome counts them) but are not learned: another publisher has them too, or
    there is only one publisher. `rules suggest` lists them for an editor to judge."""
    if rules.learn_min_dumps <= 0:
        return {}
    r = _recurrence(outcomes, body_spans(outcomes, rules), rules)
    return {key: n for key, n in r.headings.items()
            if _recurs(key, n, r, rules) and not _own_heading(key, n, r, rules)}


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
