"""Light pages (issue #15, builder/site/shell.py) in headless Chromium: the palette
toggles and the search dialog, inserted by one cached script, work as Material's own,
on desktop and phone, with Material's search (a small archive) and with Pagefind; the
phone's drawer opens. Screenshots go to test-output/screenshots/light-*.png."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fixture_dumps import REPO, SAMPLE, dumps
from site_support import build_site, copy_project, plugin_options, serve

pytest.importorskip("playwright.sync_api")

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SCREENSHOTS = REPO / "test-output" / "screenshots"
DEVICES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(scope="module", params=["material", "pagefind"])
def site(request, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, str]]:
    project = copy_project(tmp_path_factory.mktemp(f"light-{request.param}"), [SAMPLE, *dumps()])
    plugin_options(project, f"      search: {request.param}\n")
    root = build_site(project)
    brief = sorted(p.parent.relative_to(root).as_posix() for p in root.glob("20*/*/*/index.html"))[0] + "/"
    assert "nb-shell." in (root / brief / "index.html").read_text(encoding="utf-8")
    with serve(root, f"light-{request.param}") as url:
        yield url, brief, request.param


def _visible_toggle(pg):
    shown = [label for label in pg.query_selector_all("form[data-md-component=palette] label") if label.is_visible()]
    assert len(shown) == 1
    return shown[0]


@pytest.mark.parametrize("device", DEVICES)
def test_palette_search_and_drawer_work(browser, site, device):
    url, brief, engine = site
    pg = browser.new_page(viewport=DEVICES[device])
    errors: list[str] = []
    pg.on("console", lambda m: m.type == "error" and errors.append(m.text))
    pg.on("pageerror", lambda e: errors.append(str(e)))
    try:
        pg.goto(url + brief)
        pg.wait_for_load_state("networkidle")
        # the palette: three toggles, one shown; two clicks go system -> light -> dark, kept on reload
        assert pg.eval_on_selector_all("form[data-md-component=palette] input", "e => e.length") == 3
        _visible_toggle(pg).click()
        pg.wait_for_timeout(200)
        _visible_toggle(pg).click()
        pg.wait_for_timeout(200)
        assert pg.evaluate("document.body.dataset.mdColorScheme") == "slate"
        pg.reload()
        pg.wait_for_load_state("networkidle")
        assert pg.evaluate("document.body.dataset.mdColorScheme") == "slate"
        if device == "phone":  # the drawer (no script of ours: Material's checkbox)
            pg.click("label.md-header__button[for=__drawer]")
            pg.wait_for_timeout(400)
            assert pg.is_visible(".md-sidebar--primary .md-nav__link >> text=Archive")
            pg.screenshot(path=str(SCREENSHOTS / f"light-{engine}-{device}-drawer.png"))
            pg.click("label.md-overlay", force=True)
            pg.wait_for_timeout(300)
            pg.click("label.md-header__button[for=__search]")
        else:
            pg.click(".md-search__input")
        pg.keyboard.type("ferry")
        pg.wait_for_function("document.querySelectorAll('.md-search-result__list li').length > 0", timeout=15000)
        assert pg.is_visible(".md-search-result__list li")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        pg.screenshot(path=str(SCREENSHOTS / f"light-{engine}-{device}-search.png"))
    finally:
        pg.close()
    assert not errors, errors
