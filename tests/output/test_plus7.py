"""A +1 conversion does work in proportion to the change (issue #15): each step that
reuses the last run's work gives exactly what the step without it gives."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import random
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from dumpgen import make_dump
from invariants import tree

from builder.archive import related as rel
from builder.output import cache
from builder.pipeline import convert
from builder.rules import load_rules

DAY0 = dt.date(2024, 1, 1)


# -- related briefs found again only near what changed ---------------------------------

def _brief(key: str, day: int, tags: list[str], words: list[str], ident: str | None = None):
    return key, SimpleNamespace(id=ident or f"id-{key}", date=DAY0 + dt.timedelta(days=day), tags=tags), \
        SimpleNamespace(words=words)


def _archive(rng: random.Random, n: int) -> list:
    out = []
    for i in range(n):
        tags = [t for t in ("Capital", "Region", "Harbour", "Council", "Port") if rng.random() < 0.3]
        tags += [f"Story {rng.randrange(n // 5 + 1)}"] + ([f"Oneoff {i}"] if rng.random() < 0.5 else [])
        words = [f"w{rng.randrange(40)}" for _ in range(rng.randrange(1, 9))]
        out.append(_brief(f"b{i:04d}", rng.randrange(n // 3 + 1), tags, words))
    return out


def _change(rng: random.Random, briefs: list) -> list:
    """One of: a brief added, removed, retagged, reworded, moved in time, given another's id."""
    briefs = list(briefs)
    what = rng.randrange(6)
    i = rng.randrange(len(briefs))
    key, a, f = briefs[i]
    if what == 0:
        other = briefs[rng.randrange(len(briefs))][1]
        briefs.append(_brief(f"new{rng.randrange(10**6)}", other.date.toordinal() - DAY0.toordinal(),
                             [*other.tags, "Port"], [f"w{rng.randrange(40)}" for _ in range(5)]))
    elif what == 1:
        del briefs[i]
    elif what == 2:
        briefs[i] = (key, SimpleNamespace(**{**vars(a), "tags": [*a.tags[:1], "Council", "Region"]}), f)
    elif what == 3:
        briefs[i] = (key, a, SimpleNamespace(words=[*f.words, f"w{rng.randrange(40, 60)}"]))
    elif what == 4:
        briefs[i] = (key, SimpleNamespace(**{**vars(a), "date": a.date + dt.timedelta(days=rng.randrange(-9, 9))}), f)
    else:
        briefs[i] = (key, SimpleNamespace(**{**vars(a), "id": briefs[rng.randrange(len(briefs))][1].id}), f)
    return briefs


@pytest.mark.parametrize("seed", range(12))
def test_related_found_again_near_a_change_are_the_lists_found_from_scratch(seed):
    rng = random.Random(seed)
    window = rng.choice([1, 2, 4, 30])  # small windows: the edges of a window are met often
    briefs = _archive(rng, rng.randrange(40, 160))
    _, memo = rel.related_again(briefs, None, 3, window)
    for _ in range(8):
        briefs = _change(rng, briefs)
        if rng.random() < 0.3:
            briefs = _change(rng, briefs)
        full, full_memo = rel.related_again(briefs, None, 3, window)
        again, memo = rel.related_again(briefs, memo, 3, window)
        assert again == full
        assert (memo.cand, memo.ranked, memo.state) == (full_memo.cand, full_memo.ranked, full_memo.state)
        memo = cache.memo_from(cache.memo_bytes(memo))  # and through the file, as the next run reads it


def test_only_the_briefs_near_a_change_are_looked_at_again(monkeypatch):
    rng = random.Random(5)
    briefs = _archive(rng, 400)
    _, memo = rel.related_again(briefs, None, 3, 4)
    seen = []
    real = rel._candidates

    def candidates(*args):
        seen.append(args[9] if len(args) > 9 else None)  # `only`
        return real(*args)

    monkeypatch.setattr(rel, "_candidates", candidates)
    briefs[7] = (briefs[7][0], briefs[7][1], SimpleNamespace(words=["changed"]))
    rel.related_again(briefs, memo, 3, 4)
    assert seen[0] is not None and 1 <= seen[0].sum() < 100  # briefs near it on its tags, not all 400
    # A Memo of other parameters, or of an archive whose size moved the tags' reference: all again.
    seen.clear()
    rel.related_again(briefs, memo, 4, 4)
    rel.related_again(briefs[:200], memo, 3, 4)
    assert seen == [None, None]


def test_a_memo_that_is_not_one_is_refused():
    briefs = _archive(random.Random(2), 50)
    _, memo = rel.related_again(briefs, None)
    good = cache.memo_bytes(memo)
    assert cache.memo_from(good) == memo
    bad = dataclasses.replace(memo, cand=[[len(memo.keys)], *memo.cand[1:]])  # an index out of range
    assert cache.memo_from(cache.memo_bytes(bad)) is None
    assert cache.memo_from(good[:-10]) is None
    assert cache.memo_from(b"[]") is None


# -- the whole conversion: a +1 run writes what a run without a cache writes ------------

RULES = load_rules()


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    rng = random.Random(77)
    for i in range(30):
        (seeds / f"d{i:02d}.txt").write_text(make_dump(rng).text, encoding="utf-8")
    return tmp_path


def run(project: Path, workers: int = 1):
    return convert(["seeds"], RULES, project / "docs" / "posts", workers=workers, cache_dir=project / ".cache")


def fresh(project: Path, tmp: Path) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """The posts folder and the cache a first run over the same seeds writes."""
    other = tmp / "fresh"
    shutil.rmtree(other, ignore_errors=True)
    shutil.copytree(project / "seeds", other / "seeds")
    cwd = Path.cwd()
    os.chdir(other)
    try:
        convert(["seeds"], RULES, other / "docs" / "posts", workers=1, cache_dir=other / ".cache")
    finally:
        os.chdir(cwd)
    return tree(other / "docs" / "posts"), _cache_files(other)


def _cache_files(project: Path) -> dict[str, bytes]:
    # The related briefs' memo. (The records file may differ from a first run's where a
    # dump became a duplicate: a kept record still names the page it had, as before.)
    return {name: data for name, data in tree(project / ".cache").items() if name.startswith("related-")}


def test_after_additions_edits_and_removals_the_files_are_those_of_a_first_run(project, tmp_path, monkeypatch):
    run(project)
    used = []
    real = rel.related_again
    monkeypatch.setattr("builder.pipeline.related_again",
                        lambda arts, m, *a, **kw: used.append(m) or real(arts, m, *a, **kw))
    seeds = project / "seeds"
    rng = random.Random(78)
    steps = [lambda: (seeds / "new.txt").write_text(make_dump(rng).text, encoding="utf-8"),
             lambda: (seeds / "d03.txt").write_text(make_dump(rng).text, encoding="utf-8"),
             lambda: (seeds / "d05.txt").unlink(),
             lambda: (seeds / "d06.txt").write_bytes((seeds / "d07.txt").read_bytes())]
    for n, step in enumerate(steps):
        step()
        run(project, 1 + n % 2)
        assert used.pop() is not None  # the last run's memo was used
        posts, files = fresh(project, tmp_path)
        assert tree(project / "docs" / "posts") == posts
        assert _cache_files(project) == files
        assert any(name.startswith("related-") for name in files)


def test_a_damaged_memo_file_is_not_used(project, tmp_path, monkeypatch):
    run(project)
    memo = next((project / ".cache").glob("related-*.json"))
    data = bytearray(memo.read_bytes())
    data[data.index(b'"ranked"') - 5] ^= 1
    memo.write_bytes(bytes(data))
    used = []
    real = rel.related_again
    monkeypatch.setattr("builder.pipeline.related_again",
                        lambda arts, m, *a, **kw: used.append(m) or real(arts, m, *a, **kw))
    (project / "seeds" / "new.txt").write_text(make_dump(random.Random(9)).text, encoding="utf-8")
    run(project)
    assert used == [None]
    assert tree(project / "docs" / "posts") == fresh(project, tmp_path)[0]


def test_a_first_pass_forked_beside_reading_the_cache_gives_the_same_files(project, tmp_path, monkeypatch):
    """_first_pass_apart() (a big archive's +1 run: the new dump converted in a forked
    process) and the digests' worker (pipeline: batch.start(always=...)) at 30 dumps."""
    from builder.output import fanout

    monkeypatch.setattr(fanout, "THRESHOLD", 8)
    forks = []
    real = fanout.Batch.start
    monkeypatch.setattr(fanout.Batch, "start", lambda self, always=False: forks.append(always) or real(self, always))
    run(project, 2)
    (project / "seeds" / "new.txt").write_text(make_dump(random.Random(80)).text, encoding="utf-8")
    (project / "seeds" / "d09.txt").write_text(make_dump(random.Random(81)).text, encoding="utf-8")
    forks.clear()
    run(project, 2)
    assert forks == [True, True]
    assert tree(project / "docs" / "posts") == fresh(project, tmp_path)[0]


def test_the_lsh_bands_come_from_the_cache_and_are_datasketchs(project, tmp_path, monkeypatch):
    import datasketch

    from builder.archive import duplicates

    run(project)
    key = duplicates.bands_key(RULES.near_duplicate_threshold)
    bands = [list(r) for r in datasketch.MinHashLSH(threshold=RULES.near_duplicate_threshold,
                                                    num_perm=duplicates.NUM_PERM).hashranges]
    (index,) = (project / ".cache").glob("convert-*.json")
    assert cache.orjson.loads(index.read_bytes())["bands"]["body"] == {key: bands}
    # A run given them by the cache does not ask datasketch again.
    monkeypatch.setattr(duplicates, "known_bands", {})
    monkeypatch.setattr("builder.pipeline.known_bands", duplicates.known_bands)
    monkeypatch.setattr(datasketch, "MinHashLSH", None)  # (calling it would fail)
    (project / "seeds" / "new.txt").write_text(make_dump(random.Random(90)).text, encoding="utf-8")
    run(project)
    assert duplicates.lsh_bands(RULES.near_duplicate_threshold) == [tuple(r) for r in bands]
    # Bands edited in the cache fail its check: not used.
    data = cache.orjson.loads(index.read_bytes())
    data["bands"]["body"][key] = [[0, 1]]
    index.write_bytes(cache.orjson.dumps(data))
    assert cache.ConvertCache(project / ".cache", cache.fingerprint(RULES.signature, "docs/posts")).bands == {}


def test_the_records_file_in_one_call_is_the_records_file_piece_by_piece():
    records = {"a": {"id": "x", "n": [1, 2], "t": "é"}, "b": {"id": "y", "t": "lone \ud800"}, "c": None}
    sealed = {src: None if r is None else (f"h-{src}", r if src == "a" else cache._record_text(r))
              for src, r in records.items()}
    whole = cache._records_file("k", {src: sealed[src] for src in ("a", "c")})  # orjson, one call
    assert cache._loads(whole) == {"format": cache.FORMAT, "key": "k",
                                   "records": {"a": {"h": "h-a", "r": records["a"]}, "c": None}}
    assert cache._record_text(records["a"]) in whole.decode()  # the text its hash covers
    mixed = cache._records_file("k", sealed)  # a lone surrogate: piece by piece
    assert cache._record_text(records["b"]) in mixed.decode("utf-8", "surrogatepass")
    assert '"a":{"h":"h-a","r":' + cache._record_text(records["a"]) in mixed.decode("utf-8", "surrogatepass")
