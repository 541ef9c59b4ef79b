"""Round 9 (a +1 conversion's archive-wide share): the fingerprint's module memo, the
convert index's checks kept from the read, the archive index read with orjson, body
spans counted in one pass, the related memo's packed lists checked with numpy. Each
gives what the code it replaced gave, and an incremental `convert` using all of them
gives the posts folder and export of a cold conversion after each change (a touched
dump, an addition, an edit, a removal)."""

from __future__ import annotations

import json
import os
import random
from collections import Counter
from pathlib import Path

import orjson
import pytest
from convert_support import cold, convert_in, export_of
from dumpgen import make_dump
from invariants import tree

from builder.archive.chrome import body_spans
from builder.archive.names import kept_categories
from builder.archive.pages import previous_pages
from builder.archive.related import Memo
from builder.convert.features import ArticleFeatures
from builder.model import OK, Outcome
from builder.output import cache, fanout
from builder.output.index import INDEX_FILE, load_index
from builder.rules import Rules

# -- the fingerprint's memo -----------------------------------------------------------

def test_fingerprint_is_the_same_with_its_memo_without_it_and_with_a_bad_one(tmp_path):
    plain = cache.fingerprint(["rule"], "docs/posts")
    assert cache.fingerprint(["rule"], "docs/posts", tmp_path) == plain  # writes the memo
    memo_file = tmp_path / cache.MODULES_MEMO
    raw = orjson.loads(memo_file.read_bytes())
    memo = json.loads(raw["body"])
    assert "builder.pipeline" in memo and "builder.output.cache" in memo
    assert cache.fingerprint(["rule"], "docs/posts", tmp_path) == plain  # read from the memo

    # A memo entry whose source hash is not the module's is parsed again: a module said to
    # import nothing (the check made anew, as only someone writing on purpose would) counts
    # only while it hashes as the memo says.
    memo["builder.pipeline"] = ["0" * 64, []]
    body = cache._canon(memo)
    memo_file.write_bytes(orjson.dumps({"format": cache.FORMAT, "body": body,
                                        "check": cache.integrity("modules", body)}))
    assert cache.fingerprint(["rule"], "docs/posts", tmp_path) == plain
    assert json.loads(orjson.loads(memo_file.read_bytes())["body"])["builder.pipeline"][0] != "0" * 64

    # damaged (its check fails), or no JSON: ignored, and written anew
    for damage in (lambda b: b.replace(b"builder.", b"builder_", 1), lambda b: b"not json"):
        memo_file.write_bytes(damage(memo_file.read_bytes()))
        assert cache.fingerprint(["rule"], "docs/posts", tmp_path) == plain
        assert cache._read_modules_memo(tmp_path) != {}


def test_conversion_modules_with_a_memo_are_those_without():
    memo: dict = {}
    first = cache.conversion_modules(memo)
    assert first == cache.conversion_modules() == cache.conversion_modules(memo)
    assert set(memo) >= {"builder.pipeline", "builder.output.cache"}


# -- the archive index read with orjson -----------------------------------------------

@pytest.mark.parametrize("text", [
    '{"2025/01/a.md": {"source": "a.txt", "title": "T\\u00e9 \\"q\\""}, "x": [1, 2.5, null, true]}',
    '{"a": NaN}',  # json takes it, orjson does not
    '{"a": "\\ud800"}',  # a lone surrogate: json takes it, orjson does not
    '{"a": 1, "a": 2}',
    '{"2025/01/b.md": {"source": "b.txt", "category": "X", "publisher": "X", "n": 12345678901234567890123}}',
])
def test_load_index_gives_what_json_gives(tmp_path, text):
    (tmp_path / INDEX_FILE).write_text(text, encoding="utf-8")
    got, expected = load_index(tmp_path), json.loads(text)
    if "12345678901234567890123" in text:  # past 64 bits: orjson's float (no reader takes a number)
        expected["2025/01/b.md"]["n"] = float(expected["2025/01/b.md"]["n"])
    assert got == expected
    assert previous_pages(got) == previous_pages(expected)
    assert kept_categories(got) == kept_categories(expected)


@pytest.mark.parametrize("data", [b"[1, 2]", b"{not json", b'{"a": "\xff"}', b"\xef\xbb\xbf{}"])
def test_load_index_is_empty_for_what_json_refuses_or_no_object(tmp_path, data):
    (tmp_path / INDEX_FILE).write_bytes(data)
    assert load_index(tmp_path) == {}
    assert load_index(tmp_path / "missing") == {}


# -- body spans ----------------------------------------------------------------------

def _spans_before(outcomes: list[Outcome], rules: Rules) -> dict:
    """body_spans as round 8 wrote it (a Counter.update a dump)."""
    counts: Counter[int] = Counter()
    for o in outcomes:
        if o.status == OK and o.features is not None:
            counts.update({h for _, h in o.features.sentence_lines})
    common = max(2, rules.learn_min_dumps)
    spans = {}
    for o in outcomes:
        if o.status == OK and o.features is not None:
            own = [n for n, h in o.features.sentence_lines if counts[h] < common]
            spans[o.source_path] = (min(own), max(own)) if own else None
    return spans


def test_body_spans_are_those_counted_a_dump_at_a_time():
    rng = random.Random(9)
    outcomes = []
    for i in range(300):
        lines = [(n, rng.randrange(40) if rng.random() < 0.6 else rng.getrandbits(60))  # recurring, or its own
                 for n in sorted(rng.sample(range(200), rng.randrange(0, 12)))]
        o = Outcome(f"d{i}.txt", features=ArticleFeatures(sentence_lines=lines))
        o.status = OK if i % 17 else "rejected"
        if i % 23 == 0:
            o.features = None
        outcomes.append(o)
    for min_dumps in (0, 2, 3, 9):
        rules = Rules(learn_min_dumps=min_dumps)
        got = body_spans(outcomes, rules)
        assert got == _spans_before(outcomes, rules)
        assert any(span is None for span in got.values()) and any(span for span in got.values())


# -- the related memo's packed lists -------------------------------------------------

def test_memo_round_trip_and_refusals():
    rng = random.Random(5)
    n = 40
    cand = [sorted(rng.sample(range(n), rng.randrange(0, 6))) for _ in range(n)]
    ranked = [c[:3] for c in cand]
    state = [(rng.randrange(20000), tuple(sorted(rng.sample(["a", "b", "c", "d"], 2))), rng.getrandbits(63))
             for _ in range(n)]
    memo = Memo([f"s{i}" for i in range(n)], state, cand, ranked, (5, 3, 2))
    data = cache.memo_bytes(memo)
    back = cache.memo_from(data)
    assert (back.keys, back.state, back.cand, back.ranked, back.params) == \
        (memo.keys, memo.state, memo.cand, memo.ranked, memo.params)
    assert cache.memo_bytes(back) == data

    def flat(lengths, items):
        return {"lengths": cache.pack_ints(lengths), "items": cache.pack_ints(items)}

    assert cache._unflat(flat([2, 0, 1], [0, 2, 1]), 3) == [[0, 2], [], [1]]
    assert cache._unflat(flat([], []), 0) == []
    for lengths, items, count in [([2, 0], [0, 1], 3),  # not n lists
                                  ([3, -1], [0, 1], 2),  # a negative length
                                  ([1, 0], [0, 1], 2),  # lengths that do not sum to the items
                                  ([1, 1], [0, 2], 2),  # an index past n
                                  ([1, 1], [-1, 0], 2),  # a negative index
                                  ([2 ** 62, 2 ** 62, 2 ** 62, 2 ** 62, -2 ** 63 + 2], [0, 1], 5)]:  # wraps round
        with pytest.raises(ValueError):
            cache._unflat(flat(lengths, items), count)
    with pytest.raises(ValueError):  # stored as a list (past 64 bits): refused, not wrapped
        cache._unflat({"lengths": [2 ** 64], "items": [0]}, 1)


# -- the convert index's checks --------------------------------------------------------

def _checks_hold(project: Path) -> int:
    (path,) = (project / ".newsbrief-cache").glob("convert-*.json")
    raw = json.loads(path.read_bytes())
    for source, item in raw["index"].items():
        assert item[3] == cache._index_check(raw["key"], source, item[:3]), source
    return len(raw["index"])


# -- a convert after each change equals a cold one -------------------------------------


def test_each_change_gives_what_a_cold_conversion_gives(tmp_path, monkeypatch):
    monkeypatch.setattr(fanout, "THRESHOLD", 8)  # a "big" archive at 20 dumps: the +1 paths run
    project = tmp_path / "inc"
    seeds = project / "seeds"
    seeds.mkdir(parents=True)
    rng = random.Random(99)
    for i in range(20):
        (seeds / f"d{i:02d}.txt").write_text(make_dump(rng).text, encoding="utf-8")
    convert_in(project)
    assert (project / ".newsbrief-cache" / cache.MODULES_MEMO).is_file()
    assert _checks_hold(project) == 20

    def touch(s: Path) -> None:  # same bytes, another mtime: the entry's check is made anew
        st = (s / "d04.txt").stat()
        os.utime(s / "d04.txt", ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))

    def edit(s: Path) -> None:
        path = s / "d05.txt"
        path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + " Officials said talks would resume.\n",
                        encoding="utf-8")

    steps = [
        ("add", lambda s: (s / "g-new.txt").write_text(make_dump(random.Random(-9)).text, encoding="utf-8")),
        ("touch and add", lambda s: (touch(s), (s / "g-two.txt").write_text(
            make_dump(random.Random(-10)).text, encoding="utf-8"))),
        ("edit", edit),
        ("remove", lambda s: (s / "d07.txt").unlink()),
    ]
    for i, (name, change) in enumerate(steps):
        before = tree(project / "docs" / "posts")
        change(seeds)
        convert_in(project)
        got = tree(project / "docs" / "posts")
        posts, export = cold(project, tmp_path / f"cold-{i}")
        assert got.keys() == posts.keys(), (name, sorted(got.keys() ^ posts.keys()))
        assert [rel for rel in got if got[rel] != posts[rel]] == [], name
        assert export_of(project) == export, name
        assert got != before, name
        assert _checks_hold(project) == len(list(seeds.iterdir())), name
