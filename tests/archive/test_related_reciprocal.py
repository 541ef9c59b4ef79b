"""Related briefs are found for every brief of a story and listed both ways (issue 14:
1 brief of 11 had any, and its link was not reciprocal)."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from types import SimpleNamespace

from fixture_dumps import FIXTURES, statuses

from builder.archive.related import related
from builder.pipeline import convert
from builder.rules import load_rules


def _brief(key: str, day: int, tags: list[str], words: list[str]):
    article = SimpleNamespace(id=f"id-{key}", date=dt.date(2025, 1, 1) + dt.timedelta(days=day), tags=tags)
    return key, article, SimpleNamespace(words=words)


def _corpus(seed: int = 7, stories: int = 40, per_story: int = 3, singles: int = 80):
    """Stories of `per_story` briefs on nearby days sharing one entity; every brief also
    carries one-off names (a tag no other brief has: rarer than any shared one) and some
    carry a common place. Returns the briefs and key -> story (None for a lone brief)."""
    rng = random.Random(seed)
    briefs, story_of = [], {}
    counter = iter(range(10**6))

    def one_offs() -> list[str]:
        return [f"Oneoff {next(counter)}" for _ in range(rng.randint(4, 7))]

    for s in range(stories):
        start = rng.randint(0, 300)
        for b in range(per_story):
            key = f"story{s:02d}-{b}"
            tags = [*one_offs(), f"Story Entity {s}"] + (["Cityville"] if rng.random() < 0.1 else [])
            rng.shuffle(tags)
            words = [f"s{s}w{w}" for w in rng.sample(range(12), 6)] + [f"x{next(counter)}" for _ in range(6)]
            briefs.append(_brief(key, start + b * rng.randint(1, 3), tags, words))
            story_of[key] = s
    for u in range(singles):
        key = f"single{u:03d}"
        briefs.append(_brief(key, rng.randint(0, 320), one_offs(), [f"y{next(counter)}" for _ in range(12)]))
        story_of[key] = None
    rng.shuffle(briefs)
    return briefs, story_of


def _assert_symmetric(out: dict[str, list[str]], k: int) -> None:
    for a, listed in out.items():
        assert len(listed) <= k, a
        assert len(set(listed)) == len(listed), a
        assert a not in listed
        for b in listed:
            assert a in out[b], f"{a} lists {b}, but {b} does not list {a}"


def test_every_brief_of_a_story_lists_the_others_both_ways():
    briefs, story_of = _corpus()
    out = related(briefs, k=5)
    _assert_symmetric(out, 5)
    for key, story in story_of.items():
        siblings = {b for b, s in story_of.items() if s == story and b != key} if story is not None else set()
        assert siblings <= set(out[key]), f"{key}: lists {out[key]}, its story has {sorted(siblings)}"
        if story is None:  # shares nothing with any other brief
            assert out[key] == [], key
    with_story = [k for k, s in story_of.items() if s is not None]
    assert sum(bool(out[k]) for k in with_story) == len(with_story)


def test_related_lists_are_capped_and_still_symmetric():
    """A story of 9 briefs with k=3: nobody lists more than 3, and every link is mutual."""
    briefs = [_brief(f"b{i}", i, ["Big Story", f"Oneoff {i}a", f"Oneoff {i}b", f"Oneoff {i}c", f"Oneoff {i}d"],
                     ["big", "story", f"w{i}"]) for i in range(9)]
    out = related(briefs, k=3)
    _assert_symmetric(out, 3)
    assert sum(len(v) for v in out.values()) >= 2 * 12  # nearly everyone has 3 (9*3/2 pairs at best)
    # newest first
    for listed in out.values():
        days = [int(b[1:]) for b in listed]
        assert days == sorted(days, reverse=True)


def test_a_shared_name_beyond_the_rarest_tags_still_relates():
    """The case of the issue: the sample carries 8 tags, the steel story 3; they share only
    "Donald Trump", the sample's most common tag. Both list each other."""
    sample = _brief("sample", 0, ["Donald Trump", "Ukraine", "Russia", "Vladimir Putin", "Kyiv",
                                  "Volodymyr Zelenskyy", "Moscow", "Kremlin"], ["trump", "putin", "strikes"])
    steel = _brief("steel", 14, ["Donald Trump", "Hollis Steel", "Mexico"], ["steel", "tariffs", "trump"])
    others = [_brief(f"o{i}", i, [f"Other {i}", "Ukraine" if i == 3 else f"More {i}"], [f"w{i}"]) for i in range(1, 9)]
    out = related([sample, steel, *others], k=5)
    _assert_symmetric(out, 5)
    assert "steel" in out["sample"] and "sample" in out["steel"]


def test_fixtures_ferry_story_both_ways(tmp_path: Path):
    """tests/fixtures: 01 (the contract) and 13 (its follow-up) list each other, and every
    related link of the set is mutual."""
    result = convert([FIXTURES], load_rules(None), tmp_path / "docs" / "posts", root=tmp_path)
    ok = {Path(o.source_path).name: o for o in result.outcomes if o.status == "ok"}
    page_of = {name: o.page for name, o in ok.items()}
    name_of = {page: name for name, page in page_of.items()}
    assert page_of["13_ferry_contract_followup.txt"] in ok["01_ferry_contract_long.txt"].related
    assert page_of["01_ferry_contract_long.txt"] in ok["13_ferry_contract_followup.txt"].related
    out = {name: [name_of[p] for p in o.related] for name, o in ok.items()}
    _assert_symmetric(out, load_rules(None).related_max)
    assert len(ok) == statuses()["ok"]
