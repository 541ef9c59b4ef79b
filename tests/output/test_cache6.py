"""The conversion cache's format 5 (issue #15, a +1 run at 10k): orjson files, integer
lists packed, and a records file that is the one the last run wrote (its sha256 kept in
the checked index) read without checking each record again; any other records file is
checked record by record, and a record is checked before it is stored."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import pytest
from dumpgen import make_dump

from builder.output import cache
from builder.pipeline import convert
from builder.rules import load_rules

RULES = load_rules()
N = 6


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    rng = random.Random(61)
    for i in range(N):
        (seeds / f"d{i:02d}.txt").write_text(make_dump(rng).text, encoding="utf-8")
    return tmp_path


def run(project: Path):
    return convert(["seeds"], RULES, project / "docs" / "posts", workers=1, cache_dir=project / ".cache")


def _cache(project: Path) -> cache.ConvertCache:
    return cache.ConvertCache(project / ".cache", cache.fingerprint(RULES.signature, "docs/posts"))


def _records_file(project: Path) -> Path:
    (path,) = (project / ".cache").glob("records-*.json")
    return path


def _count_checks(monkeypatch) -> list[str]:
    seen: list[str] = []
    real = cache.record_ok

    def counting(r, posts=None):
        seen.append(r.get("id") if isinstance(r, dict) else None)
        return real(r, posts)

    monkeypatch.setattr(cache, "record_ok", counting)
    return seen


@pytest.mark.parametrize("values", [[], [0], [1, 2, 3], [-5, 2**63 - 1, -(2**63)], list(range(0, 2**32, 2**26))])
def test_packed_integers_round_trip(values):
    packed = cache.pack_ints(values)
    assert isinstance(packed, str)
    assert cache.unpack_ints(packed) == values


def test_integers_too_big_to_pack_stay_a_list_and_bad_packing_is_refused():
    assert cache.pack_ints([2**64]) == [2**64]
    assert cache.unpack_ints([2**64, 1]) == [2**64, 1]
    for bad in ("not base64!", "AAAA", 5, None, ["1"], [True]):
        with pytest.raises((TypeError, ValueError)):
            cache.unpack_ints(bad)


def test_the_file_the_last_run_wrote_is_read_without_checking_each_record(project, monkeypatch):
    run(project)
    checked = _count_checks(monkeypatch)
    trusted = _cache(project).records
    assert len(trusted) == N and checked == []
    # The same records when each one is checked (the index forgets the file's hash).
    again = _cache(project)
    again._records_sha = None
    assert again.records == trusted and len(checked) == N and again.discarded == 0


def test_a_records_file_with_other_bytes_is_checked_record_by_record(project, monkeypatch, processed):
    run(project)
    path = _records_file(project)
    data = json.loads(path.read_bytes())
    first = sorted(data["records"])[0]
    data["records"][first]["r"]["features"]["signature"] = "AAAA"  # not whole 64-bit integers
    path.write_text(json.dumps(data), encoding="utf-8")
    checked = _count_checks(monkeypatch)
    reread = _cache(project)
    # every other record checked for its shape; the edited one failed its hash already
    assert len(reread.records) == N - 1 and reread.discarded == 1 and len(checked) == N - 1
    (project / "seeds" / "new.txt").write_text(make_dump(random.Random(62)).text, encoding="utf-8")
    processed.clear()
    run(project)  # a new dump: the records are read (nothing new: the snapshot would do)
    assert sorted(processed) == [first, "seeds/new.txt"]


def test_a_record_that_fails_its_check_is_not_stored(project, monkeypatch, processed, tmp_path):
    real = cache.record_ok
    monkeypatch.setattr(cache, "record_ok", lambda r, posts=None: real(r, posts) and r["id"][-1] not in "13579")
    run(project)
    monkeypatch.setattr(cache, "record_ok", real)
    stored = json.loads(_records_file(project).read_bytes())["records"]
    dropped = sorted(src for src, entry in stored.items() if entry is None)
    assert dropped and len(dropped) < N
    (project / "seeds" / "new.txt").write_text(make_dump(random.Random(63)).text, encoding="utf-8")
    processed.clear()
    run(project)
    # converted again, as after a record that fails a read
    assert sorted(processed) == sorted([*dropped, "seeds/new.txt"])
    stored = json.loads(_records_file(project).read_bytes())["records"]
    assert len(stored) == N + 1 and None not in stored.values()


def test_a_lone_surrogate_falls_back_to_the_json_module():
    body = {"records": {"seeds/\udcff.txt": {"h": "x", "r": {"title": "a\udcffb"}}}}
    data = cache._dumps(body)
    assert cache._loads(data) == body
    assert cache._record_text({"title": "a\udcffb"}) == cache._canon({"title": "a\udcffb"})


def test_the_language_model_copy_is_the_model_and_a_damaged_copy_is_made_again(tmp_path):
    from builder.convert import lang

    read = cache.model_copy(tmp_path)
    first = read()
    assert first == lang.model_bytes()
    (copy,) = tmp_path.glob("langid-*.npz")
    assert read() == first
    copy.write_bytes(first[:-1] + bytes([first[-1] ^ 1]))
    assert read() == first
    (again,) = tmp_path.glob("langid-*.npz")
    assert again.read_bytes() == first
    shutil.rmtree(tmp_path)
    assert read() == first  # no folder: made, and stored again
    cache.clear(tmp_path)
    assert not list(tmp_path.glob("langid-*.npz"))
