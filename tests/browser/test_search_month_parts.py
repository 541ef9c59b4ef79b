"""A month bigger than `search_shard_size` searched in parts (issue 15, item 3;
builder/site/search.py splits it, nb-search.js reads the parts newest month first).

The site: six briefs of February 2026 (index size 3: the month is two indexes of three,
``2026-02~1`` and ``2026-02~2``), one of 2019, and the project's samples; COMMON is in
the seven new and old briefs, RARE_NEW only in the February brief whose folder sorts
last (so in the second part), RARE_OLD only in the 2019 one. A common word is answered
from the month's first part alone (nothing of the second is fetched), says which part it
covers, and offers the second; every brief is found.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from dumpgen import make_dump
from site_support import build_site, copy_site_sources, plugin_options, serve

pytest.importorskip("playwright.sync_api")
pytest.importorskip("pagefind_bin")

import test_browser as tb
from playwright.sync_api import expect

from builder.convert.enrich import base_slug
from builder.site import search

pytestmark = [pytest.mark.browser, pytest.mark.slow]

COMMON = "Brightwater"
RARE_NEW = "Quillmarsh"
RARE_OLD = "Fenwright"
TITLES: dict[str, list[str]] = {"new": [], "old": []}
LAST_SLUG: list[str] = []


def _with(text: str, words: list[str]) -> str:
    lines = text.split("\n")
    i = next(i for i, line in enumerate(lines) if len(line) > 200)
    lines[i] += "".join(f" The {w} council met again." for w in words)
    return "\n".join(lines)


@pytest.fixture(scope="module")
def site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = tmp_path_factory.mktemp("project-month-parts")
    copy_site_sources(project)
    gens = [make_dump(random.Random(300 + i), day=dt.date(2026, 2, 2 + i), ident=f"1_-202602{i:02d}01-1")
            for i in range(6)]
    slugs = [base_slug(g.title, "") for g in gens]
    assert len(set(slugs)) == 6
    last = max(range(6), key=lambda i: slugs[i])
    LAST_SLUG.append(slugs[last])
    for i, gen in enumerate(gens):
        words = [COMMON, RARE_NEW] if i == last else [COMMON]
        (project / "seeds" / f"feb-{i}.txt").write_text(_with(gen.text, words), encoding="utf-8")
        TITLES["new"].append(gen.title)
    old = make_dump(random.Random(2019), day=dt.date(2019, 5, 3), ident="1_-2019050301-1")
    (project / "seeds" / "old.txt").write_text(_with(old.text, [COMMON, RARE_OLD]), encoding="utf-8")
    TITLES["old"].append(old.title)
    plugin_options(project, "      search: pagefind\n      search_shard_size: 3\n")
    return build_site(project)


@pytest.fixture(scope="module")
def base_url(site_dir: Path) -> Iterator[str]:
    with serve(site_dir) as url:
        yield url


def _shards(site_dir: Path) -> list[str]:
    return json.loads((site_dir / "pagefind" / "shards.json").read_text())


def _type(pg, word: str) -> None:
    box = pg.locator("input.md-search__input")
    box.click()
    box.press_sequentially(word, delay=30)
    expect(pg.locator(f'[data-nb-search="result"][data-nb-query="{word}"]')).to_be_attached()


def test_the_month_is_two_indexes_of_three_briefs(site_dir: Path) -> None:
    names = _shards(site_dir)
    assert names[:2] == ["2026-02~1", "2026-02~2"] and names[-1] == "2019"
    for name in names[:2]:
        entry = json.loads((site_dir / "pagefind" / name / "pagefind-entry.json").read_text(encoding="utf-8"))
        assert sum(lang["page_count"] for lang in entry["languages"].values()) == 3
    second = dict(search.shards(site_dir, 3))["2026-02~2"]
    assert f"2026/02/{LAST_SLUG[0]}" in second


def test_a_common_word_reads_the_first_part_and_offers_the_second(page, base_url: str) -> None:
    pg, watch = page
    requested: list[str] = []
    pg.context.on("request", lambda r: requested.append(r.url[len(base_url):]))
    pg.goto(base_url)
    tb._settle(pg)
    pg.evaluate("document.querySelector('[data-nb-search=\"search\"]').dataset.nbSearchPage = '3'")
    _type(pg, COMMON)
    items = pg.locator(".md-search-result__item:not(.nb-search-more)")
    meta = pg.locator(".md-search-result__meta")
    more = pg.locator(".nb-search-more button")
    expect(items).to_have_count(3)
    expect(meta).to_have_text("3 matching documents in 2026-02 (1/2)")
    expect(more).to_have_text("Search 2026-02 (2/2) too")
    feb = {tb.plain(t) for t in TITLES["new"]}
    assert {tb.plain(t) for t in items.locator("h1").all_inner_texts()} <= feb  # the newest month's
    tb._shot(pg, "search-month-parts")
    pg.wait_for_load_state("networkidle")
    assert [u for u in requested if u.startswith("pagefind/2026-02~1/")]
    assert not [u for u in requested if u.startswith("pagefind/2026-02~2/")], "the second part is not needed"
    more.click()
    expect(meta).to_have_text("6 matching documents in 2026-02")
    assert [u for u in requested if u.startswith("pagefind/2026-02~2/")]
    watch.assert_clean()


def test_every_brief_is_found(page, base_url: str) -> None:
    """Fewer than a page of results in the month's first part: its second part and the
    older indexes join (Pagefind then ranks the merged indexes' results together)."""
    pg, watch = page
    pg.goto(base_url)
    tb._settle(pg)
    _type(pg, COMMON)
    items = pg.locator(".md-search-result__item:not(.nb-search-more)")
    expect(items).to_have_count(7)
    listed = sorted(tb.plain(t) for t in items.locator("h1").all_inner_texts())
    assert listed == sorted(tb.plain(t) for t in TITLES["new"] + TITLES["old"])
    watch.assert_clean()


@pytest.mark.parametrize("word,kind", [(RARE_NEW, "new"), (RARE_OLD, "old")])
def test_a_rare_word_is_found_in_any_part(page, base_url: str, word: str, kind: str) -> None:
    pg, watch = page
    pg.goto(base_url)
    tb._settle(pg)
    _type(pg, word)
    items = pg.locator(".md-search-result__item:not(.nb-search-more)")
    expect(items).to_have_count(1)
    title = TITLES["old"][0] if kind == "old" else next(
        t for t in TITLES["new"] if base_slug(t, "") == LAST_SLUG[0])
    assert tb.plain(items.first.locator("h1").inner_text()) == tb.plain(title)
    watch.assert_clean()
