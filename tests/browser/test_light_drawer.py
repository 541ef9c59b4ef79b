"""The drawer from a cached script (issue #15, builder/site/shell.py, option light_drawer)
in headless Chromium: on a phone it opens, lists the site's sections, marks the current
one, and its links lead on (the next page's drawer is its own); it is reached by the
keyboard; without JavaScript a phone gets the header's tabs and no drawer button.
Screenshots (desktop and phone, light and dark, the drawer open; phone without
JavaScript) go to test-output/screenshots/drawer-*.png."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import pytest
from fixture_dumps import REPO, SAMPLE, dumps
from site_support import copy_project, serve

pytest.importorskip("playwright.sync_api")

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SCREENSHOTS = REPO / "test-output" / "screenshots"
DEVICES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
SCHEMES = ("light", "dark")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    project = copy_project(tmp_path_factory.mktemp("drawer"), [SAMPLE, *dumps()])
    proc = subprocess.run([sys.executable, "-m", "builder", "build"], cwd=project, capture_output=True,
                          text=True, timeout=900, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    root = project / "site"
    brief = sorted(p.parent.relative_to(root).as_posix() for p in root.glob("20*/*/*/index.html"))[0] + "/"
    for page in (brief, "tags/callan/"):  # the drawer is not in the page as written
        html = (root / page / "index.html").read_text(encoding="utf-8")
        assert "nb-nav." in html and 'data-md-level="0"' not in html, page
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with serve(root, "drawer") as url:
        yield url, brief


def _watch(pg) -> list[str]:
    errors: list[str] = []
    pg.on("console", lambda m: m.type == "error" and errors.append(m.text))
    pg.on("pageerror", lambda e: errors.append(str(e)))
    return errors


@pytest.mark.parametrize("scheme", SCHEMES)
def test_phone_drawer_opens_leads_on_and_marks_the_page(browser, site, scheme):
    url, brief = site
    context = browser.new_context(viewport=DEVICES["phone"], color_scheme=scheme)
    pg = context.new_page()
    errors = _watch(pg)
    try:
        pg.goto(url + brief)
        pg.wait_for_load_state("networkidle")
        assert pg.evaluate("document.querySelectorAll('.md-sidebar--primary nav.md-nav--primary').length") == 1
        assert pg.evaluate("document.querySelectorAll('script[src*=\"nb-nav.\"]').length") == 0  # replaced
        pg.click("label.md-header__button[for=__drawer]")
        pg.wait_for_timeout(400)
        for section in ("Home", "Archive", "Publishers", "Tags", "Authors", "Digests", "About"):
            assert pg.is_visible(f".md-sidebar--primary .md-nav__link >> text={section}"), section
        # a brief belongs to the home list: its item is the active one
        active = pg.eval_on_selector(".md-sidebar--primary .md-nav__item--active", "e => e.textContent.trim()")
        assert active == "Home"
        pg.screenshot(path=str(SCREENSHOTS / f"drawer-phone-{scheme}-open.png"))
        # follow a link: the tags page (its drawer as written: it is listed in it), which marks Tags
        pg.click(".md-sidebar--primary .md-nav__link >> text=Tags")
        pg.wait_for_url(url + "tags/")
        pg.wait_for_load_state("networkidle")
        pg.click("label.md-header__button[for=__drawer]")
        pg.wait_for_timeout(400)
        current = pg.eval_on_selector(".md-sidebar--primary .md-nav__item--active", "e => e.textContent.trim()")
        assert current.startswith("Tags")
        assert pg.eval_on_selector(".md-sidebar--primary .md-nav__item--active .md-nav__link",
                                   "e => getComputedStyle(e).color") != pg.eval_on_selector(
            ".md-sidebar--primary .md-nav__item:not(.md-nav__item--active) .md-nav__link",
            "e => getComputedStyle(e).color")  # highlighted
        pg.screenshot(path=str(SCREENSHOTS / f"drawer-phone-{scheme}-tags.png"))
    finally:
        context.close()
    assert not errors, errors


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("scheme", SCHEMES)
def test_drawer_by_keyboard(browser, site, device, scheme):
    """Desktop: the drawer is in the page, hidden as Material hides it beside the tabs;
    phone: once open, Tab reaches its links and Enter follows one."""
    url, _ = site
    context = browser.new_context(viewport=DEVICES[device], color_scheme=scheme)
    pg = context.new_page()
    errors = _watch(pg)
    try:
        pg.goto(url + "tags/callan/")
        pg.wait_for_load_state("networkidle")
        assert pg.query_selector(".md-sidebar--primary nav.md-nav--primary .md-nav__link >> text=About")
        if device == "desktop":
            assert pg.is_visible(".md-tabs >> text=Archive")
            pg.screenshot(path=str(SCREENSHOTS / f"drawer-desktop-{scheme}.png"))
            return
        pg.click("label.md-header__button[for=__drawer]")
        pg.wait_for_timeout(400)
        reached = False
        for _ in range(60):
            pg.keyboard.press("Tab")
            if pg.evaluate("!!(document.activeElement.closest('.md-sidebar--primary') && "
                           "document.activeElement.matches('a.md-nav__link'))"):
                reached = True
                break
        assert reached
        href = pg.evaluate("document.activeElement.getAttribute('href')")
        with pg.expect_navigation():
            pg.keyboard.press("Enter")
        assert href and pg.url != url + "tags/callan/"  # followed
    finally:
        context.close()
    assert not errors, errors


def test_phone_without_javascript_gets_the_tabs(browser, site):
    url, brief = site
    context = browser.new_context(viewport=DEVICES["phone"], java_script_enabled=False)
    pg = context.new_page()
    try:
        pg.goto(url + brief)
        assert pg.is_visible(".md-tabs >> text=Archive")
        assert not pg.is_visible("label.md-header__button[for=__drawer]")
        assert pg.query_selector(".md-sidebar--primary nav") is None  # no drawer without its script
        pg.click(".md-tabs__link >> text=Archive")
        pg.wait_for_url(url + "archive/")
        pg.screenshot(path=str(SCREENSHOTS / "drawer-phone-nojs.png"))
    finally:
        context.close()
