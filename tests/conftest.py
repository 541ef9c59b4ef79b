"""Suite-wide settings: the one Chromium every browser test shares, and its pages.

The suite is self-contained: everything it reads is in this repository (the fixture
dumps in tests/fixtures/, the hostile corpus in tests/data/hostile/, the sample in
seeds/). The shared fixtures beside the repository (`../shared/`) are an additional
check that `.ci/run` runs with `../shared/tools/score.py` after the suite, not part of it.
Helper modules (site_support, dumpgen, invariants, fixture_dumps, hostile) live here in
tests/, which pyproject.toml puts on pytest's pythonpath for every test folder.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from site_support import CHROMIUM, LAUNCH_ARGS, PAGE_TIMEOUT_MS, Watch


@pytest.fixture(scope="session")
def browser():
    """The suite's one Playwright driver and headless Chromium (Playwright's sync API
    allows a single driver at a time), shared by every browser test module."""
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"no browser at {CHROMIUM} (install Debian's chromium or set NEWSBRIEF_CHROMIUM)")
    with sync_api.sync_playwright() as driver:
        b = driver.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser, base_url: str) -> Iterator[tuple[object, Watch]]:
    """A fresh page with a Watch on it; requests to any other host are recorded and blocked.
    Served from the requesting module's own `base_url` fixture."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    watch = Watch()

    def route(r):
        url = r.request.url
        parts = urlsplit(url)
        if parts.scheme in ("http", "https", "ws", "wss") and parts.hostname != "127.0.0.1":
            watch.foreign_hosts.add(parts.hostname or url)
            r.abort()
        else:
            r.continue_()

    context.route("**/*", route)
    pg = context.new_page()
    pg.on("console", lambda m: m.type == "error" and watch.console_errors.append(f"{m.text} @ {m.location}"))
    pg.on("pageerror", lambda e: watch.console_errors.append(f"uncaught: {e}"))
    pg.on(
        "requestfailed",
        lambda r: urlsplit(r.url).hostname == "127.0.0.1"
        and watch.failed_requests.append(f"{r.url}: {r.failure}"),
    )
    pg.on("response", lambda r: r.status >= 400 and watch.failed_requests.append(f"{r.url}: HTTP {r.status}"))
    pg.on("framenavigated", lambda f: f == pg.main_frame and watch.visited.append(f.url))
    try:
        yield pg, watch
    finally:
        context.close()


@pytest.fixture
def processed(monkeypatch) -> list[str]:
    """The source paths that went through the stages (not served from the cache): every
    conversion, in either pass, runs through convert.run_stages."""
    import builder.convert as convert_stage

    seen: list[str] = []
    real = convert_stage.run_stages

    def counting(dump, *args):
        seen.append(dump.source_path)
        return real(dump, *args)

    monkeypatch.setattr(convert_stage, "run_stages", counting)
    return seen
