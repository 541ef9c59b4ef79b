"""Suite-wide settings.

The shared fixtures live beside the repository (`../shared/`), as they do on this
project's machines and in its CI. A clone elsewhere (a GitHub runner) has no such folder:
the tests that read it are skipped there with that reason, unless
NEWSBRIEF_REQUIRE_SHARED is set (as `.ci/run` does), which makes a missing folder an error.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from site_support import CHROMIUM, LAUNCH_ARGS, PAGE_TIMEOUT_MS, Watch

SHARED = Path(__file__).resolve().parents[2] / "shared"
NEEDS_SHARED = {"test_fixtures.py", "test_cli.py", "test_crash.py", "test_write.py", "test_site.py",
                "test_determinism.py", "test_plugin.py", "test_browser.py", "test_browser_pagefind.py",
                "test_blog_speed.py", "test_hostile_site.py"}


def pytest_collection_modifyitems(config, items):
    if (SHARED / "fixtures").is_dir():
        return
    if os.environ.get("NEWSBRIEF_REQUIRE_SHARED"):
        raise pytest.UsageError(f"NEWSBRIEF_REQUIRE_SHARED is set but {SHARED}/fixtures does not exist")
    skip = pytest.mark.skip(reason=f"needs the shared fixtures at {SHARED}")
    for item in items:
        if item.path.name in NEEDS_SHARED:
            item.add_marker(skip)


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
