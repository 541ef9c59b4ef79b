"""Related lists are local (issue 15): adding, editing or removing one brief changes only
the lists of briefs near it in time on its tags, not lists all over the archive (one
global greedy assignment, and tag weights that moved with the archive's size, re-listed
~1,600 of 10,000 briefs for one new brief)."""

from __future__ import annotations

import datetime as dt
import random
from types import SimpleNamespace

from builder.archive.related import REFERENCE, related, tag_weight

DAY0 = dt.date(2024, 1, 1)


def _brief(key: str, day: int, tags: list[str], words: list[str]):
    return key, SimpleNamespace(id=f"id-{key}", date=DAY0 + dt.timedelta(days=day), tags=tags), \
        SimpleNamespace(words=words)


def _archive(briefs: int = 2000, seed: int = 3):
    """Four briefs a day for 500 days: common places on many (so many pairs tie but for
    words), stories of six briefs over two days, a beat tag recurring all year."""
    rng = random.Random(seed)
    out = []
    for i in range(briefs):
        tags = [t for t, p in (("Capital", 0.45), ("Region", 0.3), ("Harbour", 0.2), ("Council", 0.15))
                if rng.random() < p]
        tags += [f"Story {i // 6}", f"Oneoff {i}"] + (["Budget"] if i % 120 == 0 else [])
        words = [f"w{rng.randrange(60)}" for _ in range(8)] + [f"story{i // 6}"]
        out.append(_brief(f"b{i:04d}", i // 4, tags, words))
    return out


def _moved(before: dict[str, list[str]], after: dict[str, list[str]], *changed: str) -> list[str]:
    return sorted(k for k in before.keys() & after.keys() if k not in changed and before[k] != after[k])


def _days(key: str) -> int:
    return int(key[1:]) // 4


def _counts_cross_no_power_of_two(briefs, extra: list[str]) -> bool:
    """None of the new brief's tags goes from 2^m - 1 to 2^m carriers (that moves its weight)."""
    count = {t: sum(t in a.tags for _, a, _ in briefs) for t in extra}
    return all((c + 1) & c for c in count.values())


def test_a_new_brief_changes_only_lists_near_it_in_time():
    briefs = _archive()
    new = _brief("b2000", 500, ["Capital", "Region", "Story 333", "Harbour"], ["w1", "w2", "story333", "w9"])
    assert _counts_cross_no_power_of_two(briefs, new[1].tags)
    before, after = related(briefs), related([*briefs, new])
    moved = _moved(before, after, "b2000")
    assert after["b2000"], "the new brief has related briefs"
    assert all(_days(k) >= 400 for k in moved), moved  # within 100 days, of 500
    assert len(moved) <= 30, moved
    for key in after["b2000"]:
        assert "b2000" in after[key]


def test_removing_or_editing_an_old_brief_changes_only_lists_near_it():
    briefs = _archive()
    before = related(briefs)
    victim = briefs[160]
    assert before[victim[0]]
    removed = related([b for b in briefs if b is not victim])
    moved = _moved(before, removed, victim[0])
    assert moved and all(_days(k) <= 140 for k in moved), moved
    assert len(moved) <= 30, moved
    assert not any(victim[0] in listed for listed in removed.values())
    key, _, features = briefs[1000]
    edited = _brief(key, 250, ["Council", "Story 10"], [*features.words[:4], "new", "words"])
    after = related([edited if b is briefs[1000] else b for b in briefs])
    moved = _moved(before, after, key)
    # near it on its tags, or near "Story 10"'s other briefs (days 15 and 16)
    assert all(abs(_days(k) - 250) <= 100 or _days(k) <= 100 for k in moved), moved
    assert len(moved) <= 30, moved


def test_the_lists_do_not_depend_on_the_order_of_the_briefs():
    briefs = _archive(600)
    want = related(briefs)
    for seed in (1, 2):
        shuffled = list(briefs)
        random.Random(seed).shuffle(shuffled)
        assert related(shuffled) == want
    assert sum(map(len, want.values())) > 3 * len(briefs)  # most briefs have several


def test_a_tag_weight_moves_only_when_its_count_crosses_a_power_of_two():
    assert tag_weight(5, 10_000) == tag_weight(7, 10_000) == tag_weight(4, 20_000) == tag_weight(6, 3 * REFERENCE)
    assert tag_weight(8, 10_000) < tag_weight(7, 10_000)
    # a small archive is its own reference: a tag on every brief counts for little
    assert tag_weight(20, 20) < 1 < tag_weight(2, 20)
    assert tag_weight(REFERENCE, 4 * REFERENCE) < 1
