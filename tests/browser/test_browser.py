"""End-to-end: build the site from the repo's seeds and drive it in headless Chromium.

A session fixture copies the project's site sources (mkdocs.yml, docs/ without the generated
docs/posts/, overrides/, seeds/, newsbrief-rules.yml) into a temp folder, runs `newsbrief build`
there and serves site/ on 127.0.0.1. The tests then use the site as a reader would: the home
page, Material's search, an article, a tag page. Every page visited must log no console error,
have no failed request and ask nothing of any host but 127.0.0.1 (the site must work offline
and leak no reader to a third party). Screenshots go to test-output/screenshots/.

Env:
  NEWSBRIEF_CHROMIUM   browser binary (default /usr/bin/chromium; CI on GitHub uses Chrome)
  NEWSBRIEF_TEST_SITE  an already built site/ folder to serve instead of building one
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin

import pytest
from fixture_dumps import REPO
from site_support import copy_site_sources, serve

playwright_sync = pytest.importorskip("playwright.sync_api")
expect = playwright_sync.expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SCREENSHOTS = REPO / "test-output" / "screenshots"

SAMPLE_TITLE = "Trump tells Putin to 'STOP!' Russian strikes on Kyiv"
SAMPLE_SLUG = "trump-tells-putin-to-stop-russian-strikes-on-kyiv"
SEARCH_WORD = "ceasefire"


def plain(text: str) -> str:
    """Text as a reader compares it: typographic quotes as straight ones, spaces collapsed."""
    table = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "\u00a0": " "})
    return " ".join(text.translate(table).split())


# --------------------------------------------------------------------------- the site


@pytest.fixture(scope="session")
def site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """site/ built by `newsbrief build` from a temp copy of the project's site sources."""
    prebuilt = os.environ.get("NEWSBRIEF_TEST_SITE")
    if prebuilt:
        return Path(prebuilt).resolve()
    if not (REPO / "mkdocs.yml").is_file():
        pytest.fail(f"no mkdocs.yml in {REPO}: there is no site to test")
    project = tmp_path_factory.mktemp("project")
    copy_site_sources(project)
    proc = subprocess.run(
        [sys.executable, "-m", "builder", "build"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=900,
        stdin=subprocess.DEVNULL,
    )
    log = f"$ newsbrief build  (exit {proc.returncode})\n{proc.stdout}\n{proc.stderr}"
    SCREENSHOTS.parent.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS.parent / "browser-site-build.log").write_text(log, encoding="utf-8")
    if proc.returncode != 0:
        pytest.fail(f"`newsbrief build` failed:\n{log[-4000:]}")
    site = project / "site"
    assert (site / "index.html").is_file(), f"no site/index.html after the build:\n{log[-4000:]}"
    return site


@pytest.fixture(scope="session")
def base_url(site_dir: Path) -> Iterator[str]:
    """site/ served over HTTP on 127.0.0.1 at a free port."""
    with serve(site_dir) as url:
        yield url


@pytest.fixture(scope="session")
def article_path(site_dir: Path) -> str:
    """The sample's page, as a URL path relative to the site root."""
    pages = sorted(
        (p for p in site_dir.rglob("*.html") if SAMPLE_SLUG in p.relative_to(site_dir).as_posix()),
        key=lambda p: len(p.parts),
    )
    assert pages, f"no page for {SAMPLE_SLUG!r} in the built site"
    rel = pages[0].relative_to(site_dir).as_posix()
    return rel.removesuffix("index.html")


# --------------------------------------------------------------------------- the browser


def _shot(pg, name: str) -> None:
    """NAME.png: what the reader sees first (the viewport); NAME-full.png: the whole page."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(SCREENSHOTS / f"{name}.png"))
    pg.screenshot(path=str(SCREENSHOTS / f"{name}-full.png"), full_page=True)


def _settle(pg) -> None:
    pg.wait_for_load_state("networkidle")


# --------------------------------------------------------------------------- the tests


def test_home_lists_latest_brief(page, base_url: str) -> None:
    pg, watch = page
    pg.goto(base_url)
    _settle(pg)
    content = pg.locator(".md-content")
    link = content.get_by_role("link", name=SAMPLE_TITLE).or_(
        content.get_by_role("link", name=SAMPLE_TITLE.replace("'", "’"))
    )
    expect(link.first).to_be_visible()
    href = link.first.get_attribute("href") or ""
    assert SAMPLE_SLUG in urljoin(pg.url, href), f"the home page's link goes to {href!r}"
    _shot(pg, "home")
    pg.set_viewport_size({"width": 390, "height": 844})
    _settle(pg)
    _shot(pg, "home-mobile")
    watch.assert_clean()


def test_search_finds_sample_and_opens_it(page, base_url: str) -> None:
    pg, watch = page
    pg.goto(base_url)
    _settle(pg)
    box = pg.locator("input.md-search__input")
    box.click()
    box.press_sequentially(SEARCH_WORD, delay=30)
    results = pg.locator(".md-search-result__item a, a.md-search-result__link")
    hit = results.filter(has_text="Russian strikes on Kyiv").first
    expect(hit).to_be_visible()
    _shot(pg, "search-ceasefire")
    hit.click()
    pg.wait_for_url(f"**{SAMPLE_SLUG}**")
    _settle(pg)
    h1 = pg.locator(".md-content h1").first
    expect(h1).to_be_visible()
    assert plain(h1.inner_text()) == SAMPLE_TITLE
    watch.assert_clean()


def test_article_page(page, base_url: str, article_path: str) -> None:
    pg, watch = page
    pg.goto(base_url + article_path)
    _settle(pg)
    assert plain(pg.locator(".md-content h1").first.inner_text()) == SAMPLE_TITLE
    assert plain(pg.title()).startswith(SAMPLE_TITLE)
    expect(pg.locator(".md-content h2", has_text="Summary").first).to_be_visible()
    _shot(pg, "article")
    watch.assert_clean()


def test_tag_link_lands_on_listing_with_article(page, base_url: str, article_path: str) -> None:
    pg, watch = page
    pg.goto(base_url + article_path)
    _settle(pg)
    tags = pg.locator(".md-content a.md-tag, article a[href*='tag']")
    expect(tags.first).to_be_visible()
    tag_name = plain(tags.first.inner_text())
    article_url = pg.url
    tags.first.click()
    pg.wait_for_url(lambda url: url.split("#")[0] != article_url.split("#")[0])
    _settle(pg)
    listing = pg.locator(".md-content")
    links = listing.locator(f"a[href*='{SAMPLE_SLUG}']")
    expect(links.first).to_be_visible()
    assert "Russian strikes on Kyiv" in plain(listing.inner_text()), f"tag {tag_name!r} page lacks the title"
    _shot(pg, "tag")
    watch.assert_clean()
