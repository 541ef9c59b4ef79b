"""Accessibility: axe-core (npm, pinned in package.json / package-lock.json) run inside
headless Chromium on every page type (the home page, a brief, a month archive, a tag
page, an author page, a digest, the open search dialog), light and dark, desktop and
phone. Any serious or critical violation fails the test, with what axe says of it.

axe is injected from node_modules/axe-core/axe.min.js (add_script_tag(path=...)): no
CDN, no request to another host. scripts/test.sh runs `npm ci` when node_modules is
missing. Screenshots of each page type go to test-output/screenshots/a11y-*.png.

The site is built once for this module from the sample (seeds/), tests/fixtures and a
brief with a scraped headline label (tests/data/labels/), shown as a badge.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fixture_dumps import REPO, SAMPLE, dumps
from site_support import copy_project, serve

pytest.importorskip("playwright.sync_api")

pytestmark = [pytest.mark.browser, pytest.mark.slow]

AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
AXE_VERSION = json.loads((REPO / "package.json").read_text(encoding="utf-8"))["devDependencies"]["axe-core"]
SCREENSHOTS = REPO / "test-output" / "screenshots"
BLOCKING = ("serious", "critical")
DEVICES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
SCHEMES = {"light": "default", "dark": "slate"}  # prefers-color-scheme -> Material's scheme
BRIEF_SLUG = "islanders-fear-lifeline-ferry-contract-will-cut-winter-sailings"  # 01 of the fixtures
# a brief whose scraped headline carries a label ("*Updated* ..."), shown as a badge
LABELLED = REPO / "tests" / "data" / "labels" / "updated_harbour_wall.txt"
LABELLED_SLUG = "harbour-wall-repairs-to-finish-before-the-winter-storms"


@pytest.fixture(scope="module")
def a11y_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("a11y"), [SAMPLE, *dumps(), LABELLED])
    proc = subprocess.run([sys.executable, "-m", "builder", "build"], cwd=project, capture_output=True,
                          text=True, timeout=900, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, f"`newsbrief build` failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return project / "site"


@pytest.fixture(scope="module")
def base_url(a11y_site: Path) -> Iterator[str]:
    with serve(a11y_site, "a11y-site") as url:
        yield url


def _path_of(site: Path, pattern: str) -> str:
    found = sorted(p.parent.relative_to(site).as_posix() for p in site.rglob("index.html")
                   if pattern in p.parent.relative_to(site).as_posix())
    assert found, f"no page matching {pattern!r} in the built site"
    return found[0] + "/"


@pytest.fixture(scope="module")
def page_types(a11y_site: Path) -> dict[str, str]:
    """Page type -> its path on the site ("search": the home page with the dialog open)."""
    digests = sorted(p.parent.relative_to(a11y_site).as_posix() for p in a11y_site.rglob("index.html")
                     if p.parent.name.startswith(("weekly-", "daily-")))
    assert digests, "no digest page in the built site"
    return {
        "home": "",
        "brief": _path_of(a11y_site, BRIEF_SLUG),
        "labelled-brief": _path_of(a11y_site, LABELLED_SLUG),
        "month": "archive/2025/06/",
        "tag": "tags/skerry-ferries/",
        "author": "author/maren-holt/",
        "digest": digests[0] + "/",
        "search": "",
    }


def _open_search(pg, device: str) -> None:
    if device == "phone":
        pg.locator('label.md-header__button[for="__search"]').click()
    box = pg.locator("input.md-search__input")
    box.click()
    box.press_sequentially("ferry", delay=20)
    pg.locator(".md-search-result__item").first.wait_for(state="visible")
    # Material fades the results in (opacity 0 -> 1 over 0.4 s): measured half-way, every
    # colour is paler than the reader sees it.
    pg.wait_for_function("getComputedStyle(document.querySelector('.md-search__output')).opacity === '1'")
    # ... and so does the phone's dialog around it (its panel's opacity and transform): on a
    # loaded machine axe ran while that was still running and measured the text at 4.29:1
    # (the reader, a moment later, sees 4.6:1 or more). Every finite transition at rest.
    pg.wait_for_function("document.getAnimations().every(a => a.playState !== 'running'"
                         " || a.effect === null || a.effect.getComputedTiming().iterations === Infinity)")


def _axe(pg) -> list[dict]:
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run `npm ci` in {REPO} (scripts/test.sh does)")
    pg.add_script_tag(path=str(AXE))
    version = pg.evaluate("axe.version")
    assert version == AXE_VERSION, f"axe-core {version} injected, package.json pins {AXE_VERSION}"
    return pg.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 5).map(n =>
                n.target.join(' ') + ': ' + (n.failureSummary || '').replace(/\\s+/g, ' '))}));
    }""")


@pytest.mark.parametrize("scheme", list(SCHEMES))
@pytest.mark.parametrize("device", list(DEVICES))
def test_no_serious_axe_violation_on_any_page_type(browser, base_url: str, page_types: dict[str, str],
                                                   device: str, scheme: str) -> None:
    context = browser.new_context(viewport=DEVICES[device], color_scheme=scheme, service_workers="block")
    context.set_default_timeout(20_000)
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(base_url) else r.abort())
    problems: list[str] = []
    try:
        pg = context.new_page()
        for name, path in page_types.items():
            response = pg.goto(base_url + path)
            assert response is not None and response.status == 200, f"{name}: {base_url + path}"
            pg.wait_for_load_state("networkidle")
            assert pg.evaluate("document.body.getAttribute('data-md-color-scheme')") == SCHEMES[scheme], \
                f"{name}: the page is not in the {scheme} scheme"
            if name == "search":
                _open_search(pg, device)
            for v in _axe(pg):
                if v["impact"] in BLOCKING:
                    problems.append(f"{name} ({device}, {scheme}): {v['id']} [{v['impact']}] {v['help']}\n    "
                                    + "\n    ".join(v["nodes"]))
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            pg.screenshot(path=str(SCREENSHOTS / f"a11y-{name}-{device}-{scheme}.png"))
    finally:
        context.close()
    assert not problems, "axe-core found serious or critical violations:\n" + "\n".join(problems)


def test_cards_show_no_section_heading_and_name_their_authors(browser, base_url: str) -> None:
    """What a reader sees on a card: the headline, the authors' names as links, no
    "Summary" line that looks like a second, linked headline."""
    context = browser.new_context(viewport=DEVICES["phone"])
    try:
        pg = context.new_page()
        pg.goto(base_url + "archive/2025/06/")
        pg.wait_for_load_state("networkidle")
        # (a month lists its briefs by title, a list item each: overrides/blog-list.html)
        cards = pg.locator("ul.nb-titles > li")
        assert cards.count() >= 5
        for i in range(cards.count()):
            card = cards.nth(i)
            text = card.inner_text().replace("\u00a0", " ")
            assert "\nSummary\n" not in f"\n{text}\n", f"card {i} shows a bare heading:\n{text}"
            # the headline on its own line, then the day, authors and publisher
            headline, line = text.split("\n")
            assert headline and line.split(" · ")[0].split()[-1].isdigit(), text
        named = pg.locator("ul.nb-titles > li a[href*='/author/']")
        assert named.count() >= 3
        assert named.first.is_visible() and "/author/" in (named.first.get_attribute("href") or "")
    finally:
        context.close()


def test_on_a_phone_the_tag_chips_come_after_the_headline(browser, base_url: str, page_types) -> None:
    context = browser.new_context(viewport=DEVICES["phone"])
    try:
        pg = context.new_page()
        pg.goto(base_url + page_types["brief"])
        pg.wait_for_load_state("networkidle")
        h1 = pg.locator("article h1").first.bounding_box()
        chips = pg.locator("article .nb-tags .md-tag")
        assert chips.count() >= 3
        first = chips.first.bounding_box()
        assert h1 and first and first["y"] > h1["y"] + h1["height"], "tag chips above the headline"
        assert pg.locator("article nav.md-tags").count() == 0  # Material's own, above the headline
        rows = {round(c.bounding_box()["y"]) for c in chips.all()}
        assert len(rows) <= 2, f"the chips take {len(rows)} rows on a phone"
    finally:
        context.close()


@pytest.mark.parametrize("scheme", list(SCHEMES))
def test_a_headline_label_is_a_badge_apart_from_the_headline(browser, base_url: str, page_types, scheme) -> None:
    context = browser.new_context(viewport=DEVICES["desktop"], color_scheme=scheme, service_workers="block")
    try:
        pg = context.new_page()
        pg.goto(base_url + page_types["labelled-brief"])
        h1 = pg.locator("article h1, .md-content h1").first
        # the text of the h1 is still the dump's title (export contract, score.py --site)...
        assert h1.text_content().strip().startswith("*Updated* Harbour wall repairs")
        # ...but a reader sees a badge "UPDATED" and the headline, without the asterisks
        assert "*" not in h1.inner_text()
        badge = h1.locator(".nb-label")
        assert badge.inner_text().strip().upper() == "UPDATED"
        box, title_box = badge.bounding_box(), h1.bounding_box()
        assert box and title_box and box["width"] < title_box["width"] / 3
        style = badge.evaluate("e => [getComputedStyle(e).borderTopWidth, getComputedStyle(e).backgroundColor,"
                               " getComputedStyle(e.parentElement).backgroundColor]")
        assert style[0] != "0px" or style[1] != style[2], f"the label is not set apart: {style}"
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        pg.screenshot(path=str(SCREENSHOTS / f"headline-label-{scheme}.png"))
    finally:
        context.close()
