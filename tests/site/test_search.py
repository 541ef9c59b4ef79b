"""Pagefind shards (builder/site/search.py): years, or the months of a year too big for one
index, grouped newest first up to a page budget."""

from __future__ import annotations

from pathlib import Path

from builder.site.search import shard_command, shards


def _site(tmp_path: Path, pages: dict[str, int]) -> Path:
    """pages: {"2021": n} puts n briefs in January, {"2021/03": n} in March."""
    for unit, n in pages.items():
        folder = tmp_path / (unit if "/" in unit else f"{unit}/01")
        for i in range(n):
            page = folder / f"p{i}" / "index.html"
            page.parent.mkdir(parents=True)
            page.write_text("<html></html>")
    (tmp_path / "tags" / "x").mkdir(parents=True)
    (tmp_path / "tags" / "x" / "index.html").write_text("<html></html>")  # not a year: never indexed
    return tmp_path


def test_years_are_grouped_newest_first_within_the_page_budget(tmp_path: Path):
    site = _site(tmp_path, {"2021": 3, "2022": 2, "2023": 4, "2024": 1, "2025": 1})
    assert shards(site, 5) == [("2024_2025", ["2025", "2024"]), ("2023", ["2023"]),
                               ("2021_2022", ["2022", "2021"])]
    assert shards(site, 100) == [("2021_2025", ["2025", "2024", "2023", "2022", "2021"])]


def test_a_year_too_big_for_one_index_is_split_by_month(tmp_path: Path):
    site = _site(tmp_path, {"2023": 2, "2024/01": 2, "2024/02": 1, "2024/07": 3})
    assert shards(site, 4) == [("2024-02_2024-07", ["2024/07", "2024/02"]),
                               ("2023_2024-01", ["2024/01", "2023"])]
    assert shards(site, 6) == [("2024", ["2024"]), ("2023", ["2023"])]  # the year fits whole
    # A month bigger than the budget is split by its briefs' folders, each part on its own.
    assert shards(site, 1) == [("2024-07~1", ["2024/07/p0"]), ("2024-07~2", ["2024/07/p1"]),
                               ("2024-07~3", ["2024/07/p2"]), ("2024-02", ["2024/02"]),
                               ("2024-01~1", ["2024/01/p0"]), ("2024-01~2", ["2024/01/p1"]),
                               ("2023-01~1", ["2023/01/p0"]), ("2023-01~2", ["2023/01/p1"])]


def test_a_shard_indexes_exactly_its_folders(tmp_path: Path):
    cmd = shard_command(tmp_path, "2021_2022", ["2022", "2021"])
    assert cmd[cmd.index("--glob") + 1] == "{2022,2021}/**/*.html"
    assert cmd[cmd.index("--output-subdir") + 1] == "pagefind/2021_2022"
    single = shard_command(tmp_path, "2024-07", ["2024/07"])
    assert single[single.index("--glob") + 1] == "2024/07/**/*.html"
