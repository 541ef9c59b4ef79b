"""A month with more briefs than an index holds is split into parts (builder/site/search.py,
issue 15 item 3): the first index a query reads stays within `search_shard_size` pages
whatever a month holds. The parts are even, newest month first, never grouped with
another month; together they hold every page of the month, each exactly once (Pagefind
run on each part's glob); the plan from the pages' paths is the split found on disk;
a month that cannot be listed folder by folder stays whole."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from builder.site import search


def _site(root: Path, months: dict[str, int], word: str = "budget") -> Path:
    for month, n in months.items():
        for i in range(n):
            page = root / month / f"brief-{i:03d}" / "index.html"
            page.parent.mkdir(parents=True)
            page.write_text(f"<!doctype html><html lang=en><head><title>b{i}</title></head><body>"
                            f"<article data-pagefind-body><p>The {word} of brief {i} in {month}.</p>"
                            f"</article></body></html>", encoding="utf-8")
    return root


def test_a_big_month_is_split_evenly_and_alone(tmp_path: Path):
    site = _site(tmp_path, {"2025/12": 7, "2025/11": 2, "2025/10": 2, "2024/03": 1})
    groups = search.shards(site, 3)
    assert [name for name, _ in groups] == ["2025-12~1", "2025-12~2", "2025-12~3", "2025-11", "2024_2025-10"]
    parts = [folders for name, folders in groups if "~" in name]
    assert [len(f) for f in parts] == [3, 2, 2]
    slugs = [f.rsplit("/", 1)[1] for folders in parts for f in folders]
    assert slugs == sorted(slugs) == [f"brief-{i:03d}" for i in range(7)]  # each once, in order
    # The plan made from the paths before the pages are written is the same.
    html = [p.relative_to(site).as_posix() for p in site.rglob("*.html")]
    for size in (1, 2, 3, 7, 100):
        assert search.planned_shards(html, size) == search.shards(site, size)
    assert search.shards(site, 7)[0] == ("2025-12", ["2025/12"])  # fits: whole


def test_a_month_that_cannot_be_listed_by_folder_stays_whole(tmp_path: Path):
    site = _site(tmp_path, {"2025/12": 4})
    (site / "2025" / "12" / "loose.html").write_text("<html></html>")  # a page in no brief's folder
    assert search.shards(site, 2)[0] == ("2025-12", ["2025/12"])
    other = _site(tmp_path / "b", {"2025/12": 4})
    (other / "2025" / "12" / "brief-000").rename(other / "2025" / "12" / "a{b,c}")  # not plain in a glob
    assert search.shards(other, 2)[0] == ("2025-12", ["2025/12"])


def test_members_are_the_pages_under_the_folders():
    pages = ["2025/12/a/index.html", "2025/12/b/index.html", "2025/11/c/index.html", "2024/x.html",
             "tags/index.html", "2023/1/index.html"]
    groups = [("2025-12~1", ["2025/12/a"]), ("2025-12~2", ["2025/12/b"]), ("2024_2025-11", ["2025/11", "2024"]),
              ("2023-10", ["2023/10"])]
    assert search.members(pages, groups) == [{"2025/12/a/index.html"}, {"2025/12/b/index.html"},
                                             {"2025/11/c/index.html", "2024/x.html"}, set()]
    assert search.members(pages, [("2025", ["2025"])]) == [set(pages[:3])]
    assert search.members(pages, [("2025-1", ["2025/1"])]) == [set()]  # a folder, not a prefix of a name


@pytest.mark.slow
def test_each_part_indexes_exactly_its_pages(tmp_path: Path):
    pytest.importorskip("pagefind_bin")
    site = _site(tmp_path, {"2025/12": 5, "2025/11": 1})
    groups = search.shards(site, 2)
    assert [name for name, _ in groups] == ["2025-12~1", "2025-12~2", "2025-12~3", "2025-11"]
    for name, folders in groups:
        search.index_shard(site, name, folders)
    search.finish(site, [name for name, _ in groups])
    counts = {}
    for name, _ in groups:
        entry = json.loads((site / "pagefind" / name / "pagefind-entry.json").read_text(encoding="utf-8"))
        counts[name] = sum(lang["page_count"] for lang in entry["languages"].values())
    assert counts == {"2025-12~1": 2, "2025-12~2": 2, "2025-12~3": 1, "2025-11": 1}
    assert json.loads((site / "pagefind" / "shards.json").read_text()) == [name for name, _ in groups]
