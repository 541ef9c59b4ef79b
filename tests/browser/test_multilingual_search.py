"""Search finds briefs in every language the archive holds, with both engines (issue 14).

One site per engine (`search: material` and `search: pagefind`), each built from the
sample plus the briefs of tests/data/lang/ (English, Russian, Greek, Japanese; what
each must be found by is in its languages.json). In Chromium, on the English home page
and on the Russian brief's page, typing a title word, a name or a word of a brief (for
Japanese, a word of two to four characters) lists that brief; each brief's page says its
language on <html lang>, every other page the site's; no request leaves the site. A word
quoted in guillemets («Миллениум») is found by the bare word.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fixture_dumps import REPO
from site_support import build_site, copy_site_sources, plugin_options, serve

pytest.importorskip("playwright.sync_api")
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LANG_DIR = REPO / "tests" / "data" / "lang"
BRIEFS: dict[str, dict] = json.loads((LANG_DIR / "languages.json").read_text(encoding="utf-8"))
RUSSIAN = "ru_kazan_bridge.txt"


@pytest.fixture(scope="module", params=["material", "pagefind"])
def site_dir(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    engine = request.param
    if engine == "pagefind":
        pytest.importorskip("pagefind")
    project = tmp_path_factory.mktemp(f"project-lang-{engine}")
    copy_site_sources(project)
    for name in BRIEFS:
        (project / "seeds" / name).write_bytes((LANG_DIR / name).read_bytes())
    plugin_options(project, f"      search: {engine}\n")
    build_site(project)
    site = project / "site"
    assert (site / "pagefind").is_dir() == (engine == "pagefind")
    return site


@pytest.fixture(scope="module")
def base_url(site_dir: Path) -> Iterator[str]:
    with serve(site_dir) as url:
        yield url


def _page_of(site_dir: Path, title: str) -> Path:
    """The brief's page: the one whose <h1> is its title."""
    for p in site_dir.glob("20*/*/*/index.html"):
        text = p.read_text(encoding="utf-8")
        if f">{title}<" in text and "daily-" not in p.parent.name and "weekly-" not in p.parent.name:
            return p
    raise AssertionError(f"no page for {title!r}")


def _search(pg, word: str, title: str) -> None:
    """Type `word` into the search box; the brief titled `title` must be listed."""
    box = pg.locator("input.md-search__input")
    box.click()
    box.fill("")
    box.press_sequentially(word, delay=20)
    # Material's search reads the box on keyup; Playwright types characters a US keyboard
    # lacks (Cyrillic, Greek, kana) as inserted text, with no key events. A reader's
    # keyboard or input method ends with a keyup: so does this.
    box.press("End")
    hits = pg.locator(".md-search-result__item").filter(has_text=title)
    expect(hits.first).to_be_visible()


def test_each_brief_page_says_its_language(site_dir: Path) -> None:
    for name, brief in BRIEFS.items():
        html = _page_of(site_dir, brief["title"]).read_text(encoding="utf-8")
        assert f'<html lang="{brief["lang"]}" class="no-js">' in html, name
    for other in (site_dir / "index.html", site_dir / "archive" / "index.html"):
        assert '<html lang="en" class="no-js">' in other.read_text(encoding="utf-8")


def test_material_search_is_set_up_for_the_archive_languages(site_dir: Path) -> None:
    index = site_dir / "search" / "search_index.json"
    if not index.exists():  # the Pagefind site
        langs = json.loads((site_dir / "pagefind" / "languages.json").read_text())
        assert all(set(found) >= {"en", "ru", "el", "ja"} for found in langs.values()), langs
        return
    config = json.loads(index.read_text(encoding="utf-8"))["config"]
    assert config["lang"][0] == "en" and set(config["lang"]) == {"en", "ru", "el", "ja"}
    # lunr's language scripts (and Japanese's segmenter) are this site's own files.
    lunr = site_dir / "assets" / "javascripts" / "lunr"
    assert (lunr / "tinyseg.js").is_file()
    assert all((lunr / "min" / f"lunr.{lang}.min.js").is_file() for lang in ("ru", "el", "ja", "multi"))


@pytest.mark.parametrize("start", ["home", "russian brief"])
def test_every_language_is_found(page, base_url: str, site_dir: Path, start: str) -> None:
    pg, watch = page
    if start == "home":
        pg.goto(base_url)
    else:
        rel = _page_of(site_dir, BRIEFS[RUSSIAN]["title"]).parent.relative_to(site_dir).as_posix()
        pg.goto(base_url + rel + "/")
    pg.wait_for_load_state("networkidle")
    for brief in BRIEFS.values():
        for word in brief["search"]:
            _search(pg, word, brief["title"])
    watch.assert_clean()
