"""Round 13: a cold run learns the near-duplicate bands (archive/duplicates.py lsh_bands:
importing datasketch and scipy.integrate) in a forked child while the conversion's pool
runs (duplicates.bands_apart); if the child fails, this process learns them itself and
says so. Either way the same bands, the same pages, the same cache."""

from __future__ import annotations

import json
import logging
import os
import random
import shutil
from pathlib import Path

import pytest
from dumpgen import make_dump
from fixture_dumps import REPO

from builder import pipeline
from builder.archive import duplicates
from builder.output import cache as cache_module
from builder.rules import load_rules

FAMILY = REPO / "tests" / "data" / "family"


def _fresh_bands(monkeypatch) -> dict:
    """No bands known to this process (as at the start of a cold run)."""
    fresh: dict = {}
    for module in (duplicates, pipeline, cache_module):
        monkeypatch.setattr(module, "known_bands", fresh)
    return fresh


def _spy(monkeypatch, log: Path, how: str = "") -> None:
    """lsh_bands recording the process it learns them in; in a process other than this one,
    `how` = "die" exits at once, "raise" raises."""
    real, me = duplicates.lsh_bands, os.getpid()

    def spy(threshold, *args, **kwargs):
        if duplicates.bands_key(threshold) in duplicates.known_bands:  # (known: nothing learned)
            return real(threshold, *args, **kwargs)
        with open(log, "a") as f:
            f.write(f"{os.getpid()}\n")
        if os.getpid() != me and how == "die":
            os._exit(3)
        if os.getpid() != me and how == "raise":
            raise RuntimeError("no bands here")
        return real(threshold, *args, **kwargs)

    monkeypatch.setattr(duplicates, "lsh_bands", spy)


def _pids(log: Path) -> list[int]:
    return [int(x) for x in log.read_text().split()] if log.exists() else []


def test_bands_learned_apart_are_datasketchs(tmp_path, monkeypatch):
    from datasketch import MinHashLSH

    known = _fresh_bands(monkeypatch)
    _spy(monkeypatch, tmp_path / "pids")
    wait = duplicates.bands_apart(0.8)
    wait()
    key = duplicates.bands_key(0.8)
    assert known[key] == [[a, b] for a, b in MinHashLSH(threshold=0.8, num_perm=duplicates.NUM_PERM).hashranges]
    pids = _pids(tmp_path / "pids")
    assert len(pids) == 1 and pids[0] != os.getpid()  # learned in the child, not here
    assert duplicates.bands_apart(0.8)() is None and len(_pids(tmp_path / "pids")) == 1  # known: no child


@pytest.mark.parametrize("how", ["die", "raise"])
def test_a_failed_child_is_said_and_learned_here(tmp_path, monkeypatch, caplog, how):
    known = _fresh_bands(monkeypatch)
    _spy(monkeypatch, tmp_path / "pids", how)
    with caplog.at_level(logging.WARNING, logger="newsbrief"):
        duplicates.bands_apart(0.8)()
    assert not known  # nothing kept from a failed child
    assert any("bands learned in this process" in r.getMessage() for r in caplog.records)
    bands = duplicates.lsh_bands(0.8)  # (here, as without the child)
    assert bands and _pids(tmp_path / "pids")[-1] == os.getpid()
    assert known[duplicates.bands_key(0.8)] == [list(b) for b in bands]


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _convert(project: Path, workers: int):
    shutil.copytree(FAMILY, project / "seeds")
    rng = random.Random(13)
    dumps = [make_dump(rng).text for _ in range(80)]
    # syndicated copies: the same text under another id
    dumps += [d.replace(d.split("\n", 1)[0], f"9_-12345678{i:02d}-1") for i, d in enumerate(dumps[:3])]
    for i, text in enumerate(dumps):
        (project / "seeds" / f"d{i:03d}.txt").write_text(text, encoding="utf-8")
    return pipeline.convert([project / "seeds"], load_rules(), Path("docs/posts"), workers=workers,
                            cache_dir=project / ".cache", root=project)


def _cache(project: Path) -> dict[str, bytes]:
    # (convert-*.json holds the dumps' modification times: another copy, other times)
    return {k: v for k, v in _tree(project / ".cache").items() if not k.startswith(("langid-", "convert-"))}


def _bands(project: Path) -> dict:
    """The bands the run stored in its cache, for the next run."""
    return json.loads(next((project / ".cache").glob("convert-*.json")).read_bytes())["bands"]


@pytest.mark.parametrize("how", ["", "die"])
def test_convert_with_bands_apart_gives_the_plain_runs_files(tmp_path, monkeypatch, how):
    plain, apart = tmp_path / "plain", tmp_path / "apart"
    _fresh_bands(monkeypatch)
    _convert(plain, 1)  # (one process: no pool, the bands learned in mark_near_duplicates)
    _fresh_bands(monkeypatch)
    _spy(monkeypatch, tmp_path / "pids", how)
    result = _convert(apart, 2)
    pids = _pids(tmp_path / "pids")
    assert pids and pids[0] != os.getpid()
    assert (pids[-1] == os.getpid()) == (how == "die") and len(pids) == (2 if how else 1)
    assert sum(o.status == "near-duplicate" for o in result.outcomes) >= 1  # the bands were used
    assert _tree(plain / "docs" / "posts") == _tree(apart / "docs" / "posts")
    assert _cache(plain) == _cache(apart)
    assert _bands(plain) == _bands(apart) and _bands(plain)["body"]
