"""Pagefind shards (builder/search.py): years grouped newest first up to a page budget."""

from __future__ import annotations

from pathlib import Path

from builder.search import shard_command, shards


def _site(tmp_path: Path, pages: dict[str, int]) -> Path:
    for year, n in pages.items():
        for i in range(n):
            page = tmp_path / year / "01" / f"p{i}" / "index.html"
            page.parent.mkdir(parents=True)
            page.write_text("<html></html>")
    (tmp_path / "tags" / "x").mkdir(parents=True)
    (tmp_path / "tags" / "x" / "index.html").write_text("<html></html>")  # not a year: never indexed
    return tmp_path


def test_years_are_grouped_newest_first_within_the_page_budget(tmp_path: Path):
    site = _site(tmp_path, {"2021": 3, "2022": 2, "2023": 4, "2024": 1, "2025": 1})
    assert shards(site, 5) == [("2024-2025", ["2025", "2024"]), ("2023", ["2023"]),
                               ("2021-2022", ["2022", "2021"])]
    assert shards(site, 100) == [("2021-2025", ["2025", "2024", "2023", "2022", "2021"])]
    # A year bigger than the budget stays whole, on its own.
    assert shards(site, 1) == [(y, [y]) for y in ["2025", "2024", "2023", "2022", "2021"]]


def test_a_shard_indexes_exactly_its_years(tmp_path: Path):
    cmd = shard_command(tmp_path, "2021-2022", ["2022", "2021"])
    assert cmd[cmd.index("--glob") + 1] == "{2022,2021}/**/*.html"
    assert cmd[cmd.index("--output-subdir") + 1] == "pagefind/2021-2022"
    single = shard_command(tmp_path, "2024", ["2024"])
    assert single[single.index("--glob") + 1] == "2024/**/*.html"
