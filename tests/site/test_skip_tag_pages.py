"""A tag's briefs on a page a year when it has more than its page shows (site/tag_pages.py,
issue #15): a new, edited or removed brief changes its tag's page and its year's page
only, wherever its date falls; every brief is on exactly one year page, newest first;
every link names a page that exists; a tag with few briefs, or ``tag_page_size: 0``,
keeps every brief on its one page, as before."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys

from site_support import copy_project, plugin_options

from builder.site.tag_pages import TagPages, slugify_tag


def _index(days: list[int]) -> dict:
    start = dt.date(2022, 3, 1)
    return {f"2024/b{i:04d}.md": {"title": f"Brief {i}", "date": (start + dt.timedelta(days=i)).isoformat(),
                                  "publisher": "Wire", "tags": ["Kyiv"]} for i in days}


def _titles(markdown: str) -> list[str]:
    return re.findall(r"^- \[(Brief \d+)\]", markdown, re.M)


def test_every_brief_is_on_its_years_page_newest_first():
    tp = TagPages(_index(list(range(900))), "posts", slugify_tag, per_page=100)
    years = tp.years("Kyiv")
    assert years == ["2024", "2023", "2022"]
    titles = [t for year in years for t in _titles(tp.markdown("Kyiv", year))]
    assert titles == [f"Brief {i}" for i in range(899, -1, -1)]
    page = tp.markdown("Kyiv")
    assert _titles(page) == [f"Brief {i}" for i in range(899, 799, -1)]
    assert "900 briefs. By year: [2024](kyiv/2024.md) (" in page
    assert "briefs of 2023, newest first." in tp.markdown("Kyiv", "2023")


def test_a_brief_changes_its_tags_page_and_its_years_page_only():
    days = list(range(0, 900, 2))
    before = TagPages(_index(days), "posts", slugify_tag, per_page=100).pages()
    for extra in (899, 301):  # the newest brief; a late one, dated among the older ones (2022)
        after = TagPages(_index([*days, extra]), "posts", slugify_tag, per_page=100).pages()
        year = str((dt.date(2022, 3, 1) + dt.timedelta(days=extra)).year)
        assert after.keys() == before.keys()
        assert [uri for uri in before if before[uri] != after[uri]] == ["tags/kyiv.md", f"tags/kyiv/{year}.md"]
    removed = TagPages(_index(days[1:]), "posts", slugify_tag, per_page=100).pages()  # the oldest
    assert [uri for uri in before if before[uri] != removed[uri]] == ["tags/kyiv.md", "tags/kyiv/2022.md"]


def test_links_name_pages_that_exist():
    pages = TagPages(_index(list(range(900))), "posts", slugify_tag, per_page=100).pages()
    assert len(pages) == 4
    for uri, markdown in pages.items():
        folder = os.path.dirname(uri)
        for target in re.findall(r"\]\(([^)]+\.md)\)", markdown):
            resolved = os.path.normpath(os.path.join(folder, target))
            assert resolved in pages or resolved.startswith("posts/2024/b"), (uri, target)


def test_a_tag_with_few_briefs_or_size_zero_keeps_every_brief_on_its_page():
    many = TagPages(_index(list(range(537))), "posts", slugify_tag, per_page=0)
    assert list(many.pages()) == ["tags/kyiv.md"]
    md = many.markdown("Kyiv")
    assert len(_titles(md)) == 537 and "537 briefs, newest first.\n" in md and "By year" not in md
    few = TagPages(_index(list(range(100))), "posts", slugify_tag, per_page=100)
    assert list(few.pages()) == ["tags/kyiv.md"]
    assert few.markdown("Kyiv") == TagPages(_index(list(range(100))), "posts", slugify_tag, per_page=0).markdown("Kyiv")


def test_a_site_with_year_tag_pages_builds_strict(tmp_path):
    import random

    from dumpgen import make_dump

    project = copy_project(tmp_path / "p")
    rng = random.Random(5)
    for i in range(14):
        (project / "seeds" / f"d{i:02d}.txt").write_text(make_dump(rng).text, encoding="utf-8")
    plugin_options(project, "      tag_page_size: 1\n")
    env = dict(os.environ, NEWSBRIEF_SITE_URL="https://news.example.org/")
    p = subprocess.run([sys.executable, "-m", "builder", "build"], cwd=project, env=env, capture_output=True,
                       text=True, timeout=900, stdin=subprocess.DEVNULL)
    assert p.returncode == 0, (p.stdout + p.stderr)[-4000:]
    years = sorted((project / "site" / "tags").glob("*/[0-9][0-9][0-9][0-9]/index.html"))
    assert years, "no tag had a year page"
    page = years[0].read_text(encoding="utf-8")
    assert ">Every year of " in page and 'href="../"' in page
    tag_page = years[0].parents[1] / "index.html"
    assert f'href="{years[0].parent.name}/"' in tag_page.read_text(encoding="utf-8")
