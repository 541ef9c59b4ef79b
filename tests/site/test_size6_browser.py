"""Small pages, round 6 (issue #15), in headless Chromium: the parts a page carries only
for its scripts (Material's head script, the content script, "Back to top", the empty
footer, the dialog, the page configuration) are put back by the cached shell script, and
Material's scripts work with them as with the page written whole: the palette is stored
under the site's scope and kept on another page, "Back to top" appears and goes to the
top, the configuration's base is the page's. Desktop, phone, dark; without JavaScript the
page reads as before (no empty footer bar). Screenshots: test-output/screenshots/size6-*.png."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from fixture_dumps import REPO, SAMPLE, dumps
from site_support import build_site, copy_project, plugin_options, serve

pytest.importorskip("playwright.sync_api")

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SCREENSHOTS = REPO / "test-output" / "screenshots"
DEVICES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, str]]:
    project = copy_project(tmp_path_factory.mktemp("size6-browser"), [SAMPLE, *dumps()])
    plugin_options(project, "      search: pagefind\n")
    root = build_site(project)
    briefs = sorted(p.parent.relative_to(root).as_posix() + "/" for p in root.glob("20*/*/*/index.html"))
    page = (root / briefs[0] / "index.html").read_text(encoding="utf-8")
    assert "<script>__nb_cfg()</script>" in page and "<script>__nb_top()</script>" in page
    with serve(root, "size6-site") as url:
        yield url, briefs[0], briefs[-1]


def _open(browser, url: str, device: str, scheme: str = "light", js: bool = True):
    context = browser.new_context(viewport=DEVICES[device], color_scheme=scheme, java_script_enabled=js)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("console", lambda m: m.type == "error" and errors.append(m.text))
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.goto(url)
    pg.wait_for_load_state("networkidle")
    return context, pg, errors


@pytest.mark.parametrize("device,scheme", [("desktop", "light"), ("phone", "light"), ("phone", "dark"),
                                           ("desktop", "dark")])
def test_materials_scripts_work_with_the_parts_put_back(browser, site, device, scheme):
    url, brief, other = site
    context, pg, errors = _open(browser, url + brief, device, scheme)
    try:
        # each part once, where Material writes it
        assert pg.eval_on_selector_all("main > [data-md-component=top]", "e => e.length") == 1
        assert pg.eval_on_selector_all(".md-container > footer.md-footer", "e => e.length") == 1
        assert pg.eval_on_selector_all("body > [data-md-component=dialog]", "e => e.length") == 1
        config = json.loads(pg.eval_on_selector("#__config", "e => e.textContent"))
        assert config["base"] == "../../.." and "navigation.top" in config["features"]
        assert pg.evaluate("__md_scope.href") == url  # the site's root, from the page's base
        pg.screenshot(path=str(SCREENSHOTS / f"size6-brief-{device}-{scheme}.png"), full_page=False)
        # "Back to top": shown when the reader scrolls back up, and it goes to the top
        top = pg.locator("[data-md-component=top]")
        hidden = "document.querySelector('[data-md-component=top]').hidden"
        assert pg.evaluate(hidden)
        pg.mouse.wheel(0, 3000)
        pg.wait_for_timeout(400)
        pg.mouse.wheel(0, -300)
        pg.wait_for_function("!" + hidden, timeout=5000)
        pg.screenshot(path=str(SCREENSHOTS / f"size6-top-{device}-{scheme}.png"), full_page=False)
        top.click()
        pg.wait_for_function("window.scrollY === 0", timeout=5000)
        # the palette, stored by Material's helpers under the site's scope, holds on another page
        before = pg.evaluate("document.body.getAttribute('data-md-color-scheme')")
        shown = [x for x in pg.query_selector_all("form[data-md-component=palette] label") if x.is_visible()]
        assert len(shown) == 1
        shown[0].click()
        pg.wait_for_timeout(200)
        after = pg.evaluate("document.body.getAttribute('data-md-color-scheme')")
        stored = pg.evaluate("localStorage.getItem(new URL('.', __md_scope).pathname + '.__palette')")
        assert stored and json.loads(stored)["color"]["scheme"] == after
        pg.goto(url + other)
        pg.wait_for_load_state("networkidle")
        assert pg.evaluate("document.body.getAttribute('data-md-color-scheme')") == after
        assert before in ("default", "slate") and errors == []
    finally:
        context.close()


def test_without_javascript_the_page_reads_as_before(browser, site):
    url, brief, _ = site
    for device in DEVICES:
        context, pg, _errors = _open(browser, url + brief, device, js=False)
        try:
            assert pg.locator("article h1").is_visible()
            assert pg.eval_on_selector_all("footer, [data-md-component=top]", "e => e.length") == 0
            pg.screenshot(path=str(SCREENSHOTS / f"size6-nojs-{device}.png"), full_page=True)
        finally:
            context.close()
