"""The search test of test_browser.py on a site built with `search: pagefind` (what an
archive above the `search_threshold` gets, builder/site/search.py): typing `ceasefire` into
Material's search box lists the sample and clicking opens it, with no request to any
other host and no console error; the index holds article bodies only, digests left out.
With one index per year, a word only older briefs have is found by searching older
indexes in turn, and an older index is fetched only when the newest has less than a page
of results or the reader asks for it.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from dumpgen import make_dump
from site_support import build_site, copy_site_sources, plugin_options, serve

pytest.importorskip("playwright.sync_api")
pytest.importorskip("pagefind_bin")

import test_browser as tb
from playwright.sync_api import expect
from test_browser import test_search_finds_sample_and_opens_it  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.slow]


RARE_WORD = "Quillfeather"
OLDER_TITLES: dict[int, str] = {}


def _with_rare_word(text: str) -> str:
    """The dump with RARE_WORD in a sentence of its first long paragraph."""
    lines = text.split("\n")
    i = next(i for i, line in enumerate(lines) if len(line) > 200)
    lines[i] += f" The {RARE_WORD} inquiry resumed."
    return "\n".join(lines)


@pytest.fixture(scope="module")
def site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = tmp_path_factory.mktemp("project-pagefind")
    copy_site_sources(project)
    # Briefs of two earlier years beside the sample's, so that there are several indexes;
    # only they have RARE_WORD.
    for year in (2019, 2021):
        gen = make_dump(random.Random(year), day=dt.date(year, 3, 14), ident=f"1_-{year}000001-1")
        (project / "seeds" / f"gen-{year}.txt").write_text(_with_rare_word(gen.text), encoding="utf-8")
        OLDER_TITLES[year] = gen.title
    # One page per index: each year has one brief (its digests are in digests/, not
    # indexed), so each year is an index of its own and the browser merges several.
    # One brief a day has its digests here (digests.min_briefs, default 2), for
    # test_digests_are_not_indexed.
    rules = project / "newsbrief-rules.yml"
    with rules.open("a", encoding="utf-8") as f:
        f.write("\ndigests: {min_briefs: 1}\n")
    plugin_options(project, "      search: pagefind\n      search_shard_size: 1\n")
    return build_site(project)


@pytest.fixture(scope="module")
def base_url(site_dir: Path) -> Iterator[str]:
    with serve(site_dir) as url:
        yield url


def test_pagefind_site_has_no_builtin_index_and_marks_bodies(site_dir: Path) -> None:
    assert not (site_dir / "search" / "search_index.json").exists()
    shards = json.loads((site_dir / "pagefind" / "shards.json").read_text())
    assert shards[-2:] == ["2021", "2019"] and len(shards) >= 3
    assert all((site_dir / "pagefind" / name / "pagefind.js").is_file() for name in shards)
    home = (site_dir / "index.html").read_text(encoding="utf-8")
    # The search dialog is in the page, or (light pages, site/shell.py) in the header script it loads.
    shell = re.search(r'src="(?:\./)?(assets/javascripts/nb-shell\.[0-9a-f]+\.js)"', home)
    markup = home + ((site_dir / shell.group(1)).read_text(encoding="utf-8") if shell else "")
    assert re.search(r'data-nb-search=\\?"search\\?"', markup) and "data-pagefind-body" not in home
    article = next(p for p in site_dir.rglob("index.html") if tb.SAMPLE_SLUG in str(p))
    assert "data-pagefind-body" in article.read_text(encoding="utf-8")


def _shards(site_dir: Path) -> list[str]:
    return json.loads((site_dir / "pagefind" / "shards.json").read_text())


def test_digests_are_not_indexed(site_dir: Path) -> None:
    """A digest repeats its briefs' leads: only the briefs are marked for the index."""
    digests = [p for p in site_dir.rglob("*.html") if "-daily-" in p.as_posix() or "/weekly-" in p.as_posix()
               or "/daily-" in p.as_posix()]
    assert digests, "the test site should have digests"
    assert not [p for p in digests if "data-pagefind-body" in p.read_text(encoding="utf-8")]


def _type(pg, word: str) -> None:
    box = pg.locator("input.md-search__input")
    box.click()
    box.press_sequentially(word, delay=30)
    expect(pg.locator(f'[data-nb-search="result"][data-nb-query="{word}"]')).to_be_attached()


def test_rare_word_reaches_the_oldest_index(page, base_url: str, site_dir: Path) -> None:
    """Fewer than a page of results in the newest index: older ones are searched too,
    down to the oldest, without the reader asking."""
    pg, watch = page
    pg.goto(base_url)
    tb._settle(pg)
    _type(pg, RARE_WORD)
    items = pg.locator(".md-search-result__item:not(.nb-search-more)")
    expect(items).to_have_count(2)
    for title in OLDER_TITLES.values():
        expect(items.filter(has_text=title)).to_have_count(1)
    expect(pg.locator(".nb-search-more")).to_have_count(0)
    meta = pg.locator(".md-search-result__meta")
    expect(meta).to_have_text("2 matching documents")
    assert "¶" not in items.first.inner_text()  # headings' permalinks are not indexed
    watch.assert_clean()


def test_older_indexes_load_only_when_asked(page, base_url: str, site_dir: Path) -> None:
    """With a page of results in hand, the older index is not fetched until the reader
    asks for it; its results then join the list, a page at a time. (Pages of one
    result here, set on the dialog as a site's template could.)"""
    shards = _shards(site_dir)
    assert shards[-2:] == ["2021", "2019"]
    pg, watch = page
    requested: list[str] = []
    pg.on("request", lambda r: requested.append(r.url))
    pg.goto(base_url)
    tb._settle(pg)
    pg.evaluate("document.querySelector('[data-nb-search=\"search\"]').dataset.nbSearchPage = '1'")
    _type(pg, RARE_WORD)
    items = pg.locator(".md-search-result__item:not(.nb-search-more)")
    meta = pg.locator(".md-search-result__meta")
    more = pg.locator(".nb-search-more button")
    expect(items).to_have_count(1)
    expect(items.first).to_contain_text(OLDER_TITLES[2021])
    expect(meta).to_have_text(f"1 matching document in 2021\u2013{shards[0]}")
    assert not [u for u in requested if "/pagefind/2019/" in u]
    expect(more).to_have_text("Search 2019 too")
    tb._shot(pg, "search-pagefind-earlier")
    more.click()
    expect(meta).to_have_text("2 matching documents")
    assert [u for u in requested if "/pagefind/2019/" in u]
    expect(items).to_have_count(1)  # a page at a time
    expect(more).to_have_text("More results")
    more.click()
    expect(items).to_have_count(2)
    for title in OLDER_TITLES.values():
        expect(items.filter(has_text=title)).to_have_count(1)
    expect(pg.locator(".nb-search-more")).to_have_count(0)
    watch.assert_clean()
