"""A word in every brief, searched with Pagefind (issue 15, item 3): what the browser
fetches and when it shows the first result (bench/search.py measures the time; this test
checks the mechanism, not the clock).

The site: 14 briefs of February 2026 (the newest index) and three of 2019 beside the
project's samples of 2025 (an older index), every one with COMMON in its text. Typing
COMMON shows a page of ten results from the newest index alone; the browser fetches that
index's files and the fragments (each result's text) of those ten results only; nothing of
the older index, nor of Pagefind's own UI (not published). The first result is shown as
soon as its own fragment is in, while the other nine are still on their way.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from dumpgen import make_dump
from site_support import copy_site_sources, serve

pytest.importorskip("playwright.sync_api")
pytest.importorskip("pagefind_bin")

from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]

COMMON = "Brightwater"
NEWEST = 14


def _with_word(text: str) -> str:
    lines = text.split("\n")
    i = next(i for i, line in enumerate(lines) if len(line) > 200)
    lines[i] += f" The {COMMON} council met again."
    return "\n".join(lines)


@pytest.fixture(scope="module")
def site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = tmp_path_factory.mktemp("project-common-word")
    copy_site_sources(project)
    days = [dt.date(2026, 2, 1 + i) for i in range(NEWEST)] + [dt.date(2019, 5, 1 + i) for i in range(3)]
    for i, day in enumerate(days):
        gen = make_dump(random.Random(100 + i), day=day, ident=f"1_-{day:%Y%m%d}{i:02d}-1")
        (project / "seeds" / f"common-{i}.txt").write_text(_with_word(gen.text), encoding="utf-8")
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    marker = "      posts_dir: posts\n"
    assert marker in config
    options = f"      search: pagefind\n      search_shard_size: {NEWEST}\n"
    (project / "mkdocs.yml").write_text(config.replace(marker, marker + options, 1), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "builder", "build"], cwd=project, capture_output=True,
                          text=True, timeout=900, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return project / "site"


@pytest.fixture(scope="module")
def base_url(site_dir: Path) -> Iterator[str]:
    with serve(site_dir) as url:
        yield url


def _shards(site_dir: Path) -> list[str]:
    return json.loads((site_dir / "pagefind" / "shards.json").read_text())


def _type(pg) -> None:
    box = pg.locator("input.md-search__input")
    box.click()
    box.press_sequentially(COMMON, delay=30)


def test_the_site_has_two_indexes_without_pagefinds_ui(site_dir: Path) -> None:
    shards = _shards(site_dir)
    assert shards[0] == "2026" and len(shards) == 2
    published = {p.name for p in (site_dir / "pagefind" / "2026").iterdir()}
    assert {"pagefind.js", "pagefind-worker.js", "pagefind-entry.json", "wasm.en.pagefind"} <= published
    assert not [n for n in published if "-ui" in n or "highlight" in n]


def test_a_common_word_fetches_one_index_and_ten_fragments(page, base_url: str, site_dir: Path) -> None:
    pg, watch = page
    requested: list[str] = []
    pg.context.on("request", lambda r: requested.append(r.url[len(base_url):]))
    pg.goto(base_url)
    pg.wait_for_load_state("networkidle")
    _type(pg)
    items = pg.locator(".md-search-result__item:not(.nb-search-more)")
    expect(items).to_have_count(10)
    expect(pg.locator(".md-search-result__meta")).to_have_text(f"{NEWEST} matching documents in 2026")
    expect(pg.locator(".nb-search-more button")).to_have_text("More results")
    pg.wait_for_load_state("networkidle")
    found = [u for u in requested if u.startswith("pagefind/")]
    older = _shards(site_dir)[1]
    assert not [u for u in found if u.startswith(f"pagefind/{older}/")], "the older index is not needed"
    fragments = [u for u in found if "/fragment/" in u]
    assert len(fragments) == len(set(fragments)) == 10  # the results shown, each once
    chunks = {u for u in found if "/index/" in u}
    assert 1 <= len(chunks) <= 2
    assert len([u for u in found if u.endswith(".pagefind")]) == 1  # one WebAssembly module
    watch.assert_clean()


def test_the_first_result_shows_before_the_other_fragments_arrive(page, base_url: str) -> None:
    """Every fragment but the first result's is held back: the first result is listed
    all the same; the rest follow when their fragments come."""
    pg, watch = page
    held: list = []
    first: list[str] = []

    def hold(route):
        # Pagefind asks for the fragments in the order of the results.
        if first and len(held) < 9:
            held.append(route)
        else:
            first.append(route.request.url)
            route.continue_()

    pg.context.route("**/fragment/*", hold)
    pg.goto(base_url)
    pg.wait_for_load_state("networkidle")
    _type(pg)
    items = pg.locator(f'[data-nb-search="result"][data-nb-query="{COMMON}"] '
                       ".md-search-result__item:not(.nb-search-more)")
    expect(items).to_have_count(1)
    assert len(first) == 1 and len(held) == 9
    expect(items.first).to_contain_text(COMMON)
    expect(pg.locator(".nb-search-more")).to_have_count(0)  # the page is not complete yet
    for route in held:
        route.continue_()
    expect(items).to_have_count(10)
    expect(pg.locator(".nb-search-more button")).to_have_text("More results")
    pg.locator(".nb-search-more button").click()
    expect(items).to_have_count(NEWEST)
    watch.assert_clean()
