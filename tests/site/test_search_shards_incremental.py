"""Incremental Pagefind (builder/site/search.py, ShardCache): an index whose pages did not
change is copied from .newsbrief-cache/pagefind/ instead of being made again, and the
result is byte for byte what indexing every shard from cold gives. Nothing stored is
trusted: a damaged file or list means that index is made again.

Pagefind's output is deterministic but for one file: pagefind-entry.json lists an index's
languages in hash-map order, different from run to run; search.tidy() sorts them. Checked
first here (two cold runs of a site in two languages give the same bytes): it is what
makes a copied index equal to a new one.
"""

from __future__ import annotations

import filecmp
import json
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest

pytest.importorskip("pagefind_bin")

from builder.site import search

# Two pages a month: 2025 (2 pages) is one index; 2024 (4 pages) is too big for one and
# is split by month, a month an index (two would be 4 pages).
SHARD_SIZE = 3
MONTHS = ["2024/11", "2024/12", "2025/01"]


def _page(site: Path, rel: str, text: str, lang: str = "en") -> None:
    path = site / rel / "index.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"<!doctype html><html lang={lang}><head><meta charset=utf-8><title>{rel}</title></head>"
                    f"<body><nav>menu</nav><article data-pagefind-body><h1>{rel}</h1><p>{text}</p>"
                    "</article></body></html>", encoding="utf-8")


def _site(root: Path) -> Path:
    site = root / "site"
    for i, month in enumerate(MONTHS):
        _page(site, f"{month}/budget-talks-{i}", f"The budget talks resumed in month {i}.")
        _page(site, f"{month}/harbour-{i}", f"Harbour cranes stood idle {i}; the budget waits.",
              lang="fr" if i == 1 else "en")
    (site / "index.html").write_text("<html><body>home</body></html>", encoding="utf-8")
    return site


def _index(site: Path, cache: Path | None) -> dict:
    return search.index(SimpleNamespace(site_dir=str(site)), SHARD_SIZE, cache)


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _same_as_cold(site: Path, tmp: Path) -> None:
    """site/pagefind/ equals a cold index (no cache) of a copy of the same pages."""
    cold = tmp / "cold"
    shutil.rmtree(cold, ignore_errors=True)
    shutil.copytree(site, cold, ignore=shutil.ignore_patterns(search.PAGEFIND_DIR))
    _index(cold, None)
    mine, theirs = _files(site / search.PAGEFIND_DIR), _files(cold / search.PAGEFIND_DIR)
    assert sorted(mine) == sorted(theirs)
    assert [rel for rel in mine if mine[rel] != theirs[rel]] == []


@pytest.fixture
def built(tmp_path: Path) -> tuple[Path, Path]:
    site = _site(tmp_path)
    cache = tmp_path / ".newsbrief-cache"
    figures = _index(site, cache)
    assert figures["shards"] == 3 and figures["reused"] == 0
    return site, cache


def test_pagefind_output_is_deterministic(tmp_path: Path):
    """The premise: the same pages indexed twice, in folders of different names, give
    the same bytes (else a copied index could not equal a new one). 2024-12 has pages
    in English and French: Pagefind alone writes its entry file's languages in either
    order."""
    a, b = _site(tmp_path / "a"), _site(tmp_path / "b")
    _index(a, None)
    _index(b, None)
    assert not filecmp.dircmp(a / "pagefind", b / "pagefind").diff_files
    assert _files(a / "pagefind") == _files(b / "pagefind")


def test_one_changed_page_reindexes_only_its_shard(built, tmp_path: Path):
    site, cache = built
    names = json.loads((site / "pagefind" / "shards.json").read_text())
    assert names == ["2025", "2024-12", "2024-11"]
    assert not list((site / "pagefind" / names[0]).glob("pagefind-*ui*"))  # unused UI files left out
    _page(site, "2024/12/harbour-1", "Harbour cranes moved again; a new budget.", lang="fr")
    figures = _index(site, cache)
    assert figures["reused"] == 2
    _same_as_cold(site, tmp_path)
    # And nothing changed: every index from the cache, the same bytes again.
    before = _files(site / "pagefind")
    assert _index(site, cache)["reused"] == 3
    assert _files(site / "pagefind") == before


def test_added_and_removed_pages(built, tmp_path: Path):
    site, cache = built
    _page(site, "2024/12/ferry-strike", "The ferry strike ended.")
    shutil.rmtree(site / "2025/01/harbour-2")
    figures = _index(site, cache)
    assert figures["shards"] == 3 and figures["reused"] == 1  # 2024-11 only
    _same_as_cold(site, tmp_path)


def test_a_damaged_stored_file_is_never_published(built, tmp_path: Path):
    site, cache = built
    blobs = cache / "pagefind" / "blobs"
    for blob in blobs.iterdir():  # every stored file altered: no index can be copied
        blob.write_bytes(blob.read_bytes() + b"x")
    shutil.rmtree(site / "pagefind")  # a site folder emptied by MkDocs, as by default
    assert _index(site, cache)["reused"] == 0
    _same_as_cold(site, tmp_path)
    assert _index(site, cache)["reused"] == 3  # stored again, intact


def test_a_tampered_file_list_is_not_trusted(built, tmp_path: Path):
    site, cache = built
    for entry in (cache / "pagefind").glob("*.json"):
        stored = json.loads(entry.read_text())
        rel = next(iter(stored["files"]))
        stored["files"][rel] = "0" * 64  # points at another file, check left as it was
        entry.write_text(json.dumps(stored))
    assert _index(site, cache)["reused"] == 0
    _same_as_cold(site, tmp_path)


def test_another_pagefind_or_configuration_misses(built, monkeypatch: pytest.MonkeyPatch):
    site, cache = built
    monkeypatch.setenv("PAGEFIND_EXCLUDE_SELECTORS", "nav")  # Pagefind reads it: part of the key
    assert _index(site, cache)["reused"] == 0
    monkeypatch.delenv("PAGEFIND_EXCLUDE_SELECTORS")
    monkeypatch.setattr(search, "pagefind_identity", lambda: "pagefind=0.0.0")
    assert _index(site, cache)["reused"] == 0


def test_unused_entries_are_deleted(built):
    site, cache = built
    stored = cache / "pagefind"
    entries = set(stored.glob("*.json"))
    blobs = set((stored / "blobs").iterdir())
    assert len(entries) == 3
    _page(site, "2025/01/harbour-2", "Replaced text.")
    _index(site, cache)
    now = set(stored.glob("*.json"))
    assert len(now) == 3 and len(now - entries) == 1  # the old 2025 entry is gone
    kept = set((stored / "blobs").iterdir())
    assert kept - blobs and blobs - kept  # the new index's files in, the old one's out
    assert not [p for p in stored.rglob("*") if p.name.startswith(".nb-")]


def test_stale_indexes_of_an_earlier_build_are_removed(built, tmp_path: Path):
    """The site folder of an earlier build (not emptied): an index it holds intact is
    left as it is; an index of pages that are gone, a file beside an index's own, or an
    altered file do not stay."""
    site, cache = built
    (site / "pagefind" / "2019").mkdir()
    (site / "pagefind" / "2019" / "pagefind.js").write_text("old")
    (site / "pagefind" / "2025" / "fragment" / "en_stale.pf_fragment").write_bytes(b"old")
    meta = next((site / "pagefind" / "2024-12").glob("pagefind.*.pf_meta"))
    meta.write_bytes(meta.read_bytes()[:-1])
    intact = next((site / "pagefind" / "2024-11" / "fragment").iterdir())
    inode = intact.stat().st_ino
    assert _index(site, cache)["reused"] == 3
    assert not (site / "pagefind" / "2019").exists()
    assert not (site / "pagefind" / "2025" / "fragment" / "en_stale.pf_fragment").exists()
    assert intact.stat().st_ino == inode  # not written again
    _same_as_cold(site, tmp_path)
