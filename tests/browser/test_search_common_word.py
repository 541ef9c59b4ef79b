"""A word in every brief, searched with Pagefind (issue 15, item 3): what the browser
fetches and when it shows the first result (bench/search.py measures the time; this test
checks the mechanism, not the clock).

The site: 14 briefs of February 2026 (the newest index) and three of 2019 beside the
project's samples of 2025 (an older index), every one with COMMON in its text. Typing
COMMON shows a page of ten results from the newest index alone; the browser fetches that
index's files and the fragments (each result's text) of those ten results only; nothing of
the older index, nor of Pagefind's own UI (not published). The first result is shown as
soon as its own fragment is in, while the other nine are still on their way.

When searches run (read in the page from the messages to Pagefind's web worker): focus
fetches no index chunk; the query is searched as it is typed (from four characters),
its fragments fetched only once typing pauses; searches asked for while the WebAssembly
is on its way are not queued (only the box's query runs); a stale query's results, back
after a newer query was typed, are never shown.
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
    plugin_options(project, f"      search: pagefind\n      search_shard_size: {NEWEST}\n")
    return build_site(project)


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


# Every message the page sends Pagefind's web worker, with its method and first argument
# (the query for search and preload), and whether its answer has come back.
_WORKER_LOG = """(() => {
  const log = window.__nbWorker = [];
  const post = Worker.prototype.postMessage;
  const hooked = new WeakSet();
  Worker.prototype.postMessage = function (m) {
    if (!hooked.has(this)) {
      hooked.add(this);
      this.addEventListener("message", (e) => {
        const entry = log.find((x) => x.id === (e.data && e.data.id));
        if (entry) entry.done = true;
      });
    }
    if (m && m.method) log.push({id: m.id, method: m.method, arg: (m.args || [])[0], done: false});
    return post.apply(this, arguments);
  };
})()"""


def _searches(pg, done: bool = False) -> list[str]:
    """The queries sent to Pagefind's worker to search (answered ones only if `done`)."""
    return pg.evaluate("(done) => window.__nbWorker.filter((x) => x.method === 'search' && (!done || x.done))"
                       ".map((x) => x.arg)", done)


def test_focus_readies_the_search_without_fetching_any_index_chunk(page, base_url: str) -> None:
    """The box gets focus: Pagefind's script, worker, page list and WebAssembly come, and an
    empty search tells when they are in; no word's index chunk nor any fragment is fetched
    before the reader types (the bytes of a query are what it reads, nothing more)."""
    pg, watch = page
    requested: list[str] = []
    pg.context.on("request", lambda r: requested.append(r.url[len(base_url):]))
    pg.add_init_script(_WORKER_LOG)
    pg.goto(base_url)
    pg.wait_for_load_state("networkidle")
    requested.clear()
    pg.locator("input.md-search__input").click()
    pg.wait_for_function("window.__nbWorker.some((x) => x.method === 'search' && x.done)")
    pg.wait_for_load_state("networkidle")
    assert _searches(pg) == [""]
    found = [u for u in requested if u.startswith("pagefind/")]
    assert len([u for u in found if u.endswith(".pagefind")]) == 1  # the WebAssembly
    assert [u for u in found if "/pagefind-entry.json" in u] and [u for u in found if u.endswith(".pf_meta")]
    assert not [u for u in found if "/index/" in u or "/fragment/" in u or "/filter/" in u]
    watch.assert_clean()


def test_keys_slower_than_the_pause_search_only_the_newest_query(page, base_url: str) -> None:
    """Keys come slower than the pause while Pagefind's WebAssembly is still on its way:
    the searches asked for meanwhile ("Br", "Bri", ...) are not queued behind it; once it
    is in, the box's query alone is searched, once, and its results shown."""
    pg, watch = page
    held: list = []
    pg.context.route("**/wasm.*.pagefind", lambda route: held.append(route))
    pg.add_init_script(_WORKER_LOG)
    pg.goto(base_url)
    pg.wait_for_load_state("networkidle")
    box = pg.locator("input.md-search__input")
    box.click()
    box.press_sequentially(COMMON, delay=150)  # the pause (80 ms) ends after every key
    pg.wait_for_timeout(300)
    assert len(held) == 1, "the WebAssembly is held until the word is typed"
    assert not _searches(pg, done=True)
    for route in held:
        route.continue_()
    items = pg.locator(f'[data-nb-search="result"][data-nb-complete="{COMMON}"] '
                       ".md-search-result__item:not(.nb-search-more)")
    expect(items).to_have_count(10)
    assert [q for q in _searches(pg) if q] == [COMMON]
    watch.assert_clean()


def test_the_search_runs_while_typing_and_fragments_wait_for_the_pause(page, base_url: str) -> None:
    """The page's clock is stopped, so the pause after the last key never ends: the word
    is searched all the same (from four characters on, as it is typed: the WebAssembly
    is warm, and the results in hand, when the pause ends), and no fragment is fetched;
    when the pause ends, the results are listed, their ten fragments fetched then."""
    pg, watch = page
    fragments: list[str] = []
    pg.context.on("request", lambda r: "/fragment/" in r.url and fragments.append(r.url))
    pg.add_init_script(_WORKER_LOG)
    pg.goto(base_url)
    pg.wait_for_load_state("networkidle")
    box = pg.locator("input.md-search__input")
    box.click()
    pg.wait_for_function("window.__nbWorker.some((x) => x.method === 'search' && x.done)")  # ready
    pg.clock.install()
    pg.clock.pause_at(pg.evaluate("Date.now()") + 1000)
    box.press_sequentially(COMMON, delay=0)
    pg.wait_for_function(f"window.__nbWorker.some((x) => x.method === 'search' && x.arg === {COMMON!r} && x.done)")
    pg.wait_for_load_state("networkidle")
    assert not fragments
    assert pg.locator('[data-nb-search="result"]').get_attribute("data-nb-query") is None  # nothing listed yet
    pg.clock.resume()
    pg.clock.run_for(200)
    items = pg.locator(f'[data-nb-search="result"][data-nb-complete="{COMMON}"] '
                       ".md-search-result__item:not(.nb-search-more)")
    expect(items).to_have_count(10)
    pg.wait_for_load_state("networkidle")
    assert len(fragments) == len(set(fragments)) == 10
    assert _searches(pg).count(COMMON) == 1  # the pause's search is the one already done
    watch.assert_clean()


def test_a_stale_querys_results_are_never_shown(page, base_url: str) -> None:
    """A search for COMMON as typed so far is in the worker, waiting for its index chunk,
    when the reader types another word: its results come back after that and are
    dropped; only the new word's are listed, and the list never shows the old query's."""
    other = "council"
    pg, watch = page
    held: list = []
    pg.context.route("**/index/*.pf_index", lambda route: held.append(route))
    pg.add_init_script(_WORKER_LOG)
    pg.goto(base_url)
    pg.wait_for_load_state("networkidle")
    box = pg.locator("input.md-search__input")
    box.click()
    pg.wait_for_function("window.__nbWorker.some((x) => x.method === 'search' && x.done)")  # ready
    pg.evaluate("""() => {
      const result = document.querySelector('[data-nb-search="result"]');
      window.__shown = [];
      new MutationObserver(() => window.__shown.push(result.dataset.nbQuery || ""))
        .observe(result, {subtree: true, childList: true, attributes: true});
    }""")
    box.press_sequentially(COMMON, delay=0)
    pg.wait_for_function(f"window.__nbWorker.some((x) => x.method === 'search' && x.arg && {COMMON!r}"
                         ".startsWith(x.arg))")
    pg.wait_for_timeout(300)  # the pause ends; the search still waits for its chunk
    stale = [q for q in _searches(pg) if q]
    assert held and stale and not [q for q in _searches(pg, done=True) if q]
    box.fill("")
    box.press_sequentially(other, delay=0)
    for route in held:
        route.continue_()
    pg.context.unroute("**/index/*.pf_index")
    items = pg.locator(f'[data-nb-search="result"][data-nb-complete="{other}"] '
                       ".md-search-result__item:not(.nb-search-more)")
    expect(items.first).to_be_visible()
    pg.wait_for_function(f"window.__nbWorker.some((x) => x.method === 'search' && x.arg === {stale[0]!r} && x.done)")
    pg.wait_for_load_state("networkidle")
    shown = pg.evaluate("window.__shown")
    assert other in shown and not [q for q in shown if q and q != other]
    marked = pg.locator('[data-nb-search="result"] mark').all_inner_texts()
    assert marked and {m.lower() for m in marked} == {other}  # the excerpts mark the new word only
    watch.assert_clean()
