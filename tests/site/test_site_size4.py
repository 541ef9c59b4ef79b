"""Small pages, round 4 (issue #15): the home list's pages after its first list titles,
more to a page than its first page's cards (builder/site/pagination.py, plugin option
``index_titles_per_page``), still numbered from the oldest brief: walking the list from
its first page by the pager's "older" links gives every brief exactly once, newest
first, in the order the cards-only list gives; a new brief changes only the first page
and the newest numbered page(s)."""

from __future__ import annotations

import datetime as dt
import random
import re
from pathlib import Path
from urllib.parse import urljoin

import pytest
from dumpgen import make_dump
from site_support import build_variant, copy_site_sources

from builder.site.pagination import numbered_pages, page_slice

pytestmark = pytest.mark.slow

STEP, LATER = 3, 7
# A card's or a title row's link to its brief (a card's headline links to it).
CARD = re.compile(r'<article class="md-post md-post--excerpt">.*?<a class="toclink" href="([^"]+)">', re.S)
# A title row (overrides/blog-list.html): the headline's link, a line break, the day.
ROW = re.compile(r'<li><a href="([^"]+)">(?:(?!</li>).)*?</a><br>\n<time datetime=', re.S)
OLDER = re.compile(r'<a class="md-pagination__link" href="([^"]+)" rel="next">')
NUMBER = re.compile(r'<a class="md-pagination__link" href="[^"]+">(\d+)</a>')
BRIEF = re.compile(r"^(digests/)?\d{4}/\d{2}/[^/]+/index\.html$")


# -- the cut, without a build -------------------------------------------------------------

def _old_slice(n: int, s: int, k: int) -> tuple[int, int]:
    """The cut before this round (every page s): the first page s..2s-1, then s a page."""
    count = max(0, n // s - 1)
    return (0, n - count * s) if k == 0 else (n - k * s, n - (k - 1) * s)


@pytest.mark.parametrize("step,later", [(10, 50), (3, 7), (10, 10), (4, 6)])
def test_every_post_once_in_reading_order(step: int, later: int) -> None:
    for n in range(0, 230):
        count = numbered_pages(n, step, later)
        # reading order: the first page, then page/K (newest) down to page/1 (oldest)
        slices = [page_slice(n, step, 0, later)] + [page_slice(n, step, k, later) for k in range(count, 0, -1)]
        assert [i for p, q in slices for i in range(p, q)] == list(range(n)), n  # each once, newest first
        first = slices[0][1] - slices[0][0]
        assert (step <= first <= 2 * step - 1) if n >= step else first == n
        sizes = [q - p for p, q in slices[1:]]
        assert all(0 < size <= later for size in sizes) and all(size == later for size in sizes[1:]), (n, sizes)


@pytest.mark.parametrize("step,later", [(10, 50), (3, 7)])
def test_a_new_post_changes_only_the_newest_numbered_page(step: int, later: int) -> None:
    for n in range(1, 300):
        k0, k1 = numbered_pages(n, step, later), numbered_pages(n + 1, step, later)
        assert k1 in (k0, k0 + 1)
        before = {k: tuple(range(*page_slice(n, step, k, later))) for k in range(1, k0 + 1)}
        # the newest-first list gains a post at index 0: old indices shift by one
        after = {k: tuple(i - 1 for i in range(*page_slice(n + 1, step, k, later))) for k in range(1, k1 + 1)}
        assert all(after[k] == before[k] for k in before if k < k0), n
        if k0 and after[k0] != before[k0]:
            assert n % step == step - 1 and after[k0][-len(before[k0]):] == before[k0]  # grown, not moved


def test_later_as_the_first_is_the_cut_before() -> None:
    for s in (1, 3, 10):
        for n in range(0, 120):
            assert numbered_pages(n, s) == numbered_pages(n, s, s) == numbered_pages(n, s, 0) == max(0, n // s - 1)
            for k in range(numbered_pages(n, s) + 1):
                assert page_slice(n, s, k) == page_slice(n, s, k, s) == _old_slice(n, s, k)


# -- the site -------------------------------------------------------------------------------

def _build(project: Path, site: str, option: str = "") -> Path:
    return build_variant(project, site, option)


def _add(project: Path, i: int) -> None:
    gen = make_dump(random.Random(400 + i), day=dt.date(2024, 3, 1) + dt.timedelta(days=i // 3),
                    ident=f"1_-{8400000 + i}-1")
    (project / "seeds" / f"size4-{i:03d}.txt").write_text(gen.text, encoding="utf-8")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample dumps and 31 more (digests on several days), every list at STEP a page,
    the indexes' later pages at LATER titles."""
    project = tmp_path_factory.mktemp("project-site-size4")
    copy_site_sources(project)
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert text.count("      pagination_per_page: 10\n") == 2
    config.write_text(text.replace("      pagination_per_page: 10\n", f"      pagination_per_page: {STEP}\n"),
                      encoding="utf-8")
    for i in range(31):
        _add(project, i)
    return project


@pytest.fixture(scope="module")
def sites(project: Path) -> dict[str, Path]:
    return {"titles": _build(project, "site-titles", f"      index_titles_per_page: {LATER}\n"),
            "cards": _build(project, "site-cards", "      index_titles_per_page: 0\n")}


def _walk(site: Path, lst: str) -> list[tuple[str, list[str]]]:
    """The pages of a list from its first by the pager's "older" links: (page, its briefs)."""
    seen, out, url = set(), [], lst + "index.html"
    while url is not None:
        assert url not in seen, f"the pager loops at {url}"
        seen.add(url)
        page = (site / url).read_text(encoding="utf-8")
        briefs = [urljoin(url, h) for h in CARD.findall(page) + ROW.findall(page)]
        out.append((url, briefs))
        older = OLDER.findall(page)
        assert len(older) <= 1
        url = urljoin(url, older[0]) + "index.html" if older else None
    return out


@pytest.mark.parametrize("lst", ["", "digests/"])
def test_walking_the_list_gives_every_brief_once_in_order(sites: dict[str, Path], lst: str) -> None:
    titles, cards = _walk(sites["titles"], lst), _walk(sites["cards"], lst)
    order = [b for _, briefs in cards for b in briefs]
    walked = [b for _, briefs in titles for b in briefs]
    site = sites["titles"]
    on_disk = {p.relative_to(site).as_posix() for p in site.rglob("index.html")}
    posts = {name for name in on_disk if BRIEF.match(name) and name.startswith("digests/") == (lst == "digests/")}
    n = len(posts)
    assert numbered_pages(n, STEP, LATER) >= 2
    assert len(walked) == len(set(walked)) == n and {u + "index.html" for u in walked} == posts
    assert walked == order  # newest first, as the cards-only list reads
    # the first page keeps its STEP..2*STEP-1 newest cards; later pages are titles, LATER at most
    first = (site / lst / "index.html").read_text(encoding="utf-8")
    assert STEP <= len(CARD.findall(first)) <= 2 * STEP - 1 and not ROW.findall(first)
    count = numbered_pages(n, STEP, LATER)
    assert [u for u, _ in titles[1:]] == [f"{lst}page/{k}/index.html" for k in range(count, 0, -1)]
    numbered = {name for name in on_disk if re.fullmatch(re.escape(lst) + r"page/\d+/index\.html", name)}
    assert len(numbered) == count < numbered_pages(n, STEP)
    for url, briefs in titles[1:]:
        page = (site / url).read_text(encoding="utf-8")
        assert not CARD.findall(page) and 0 < len(briefs) <= LATER
        # the pager's numbers: the pages there are, none other
        assert {int(k) for k in NUMBER.findall(page)} <= set(range(1, count + 1))
        assert '<span aria-current="page" class="md-pagination__current">' + url.split("/")[-2] + "</span>" in page
    assert all(len(b) == LATER for _, b in titles[2:])  # only the newest numbered page may be short


def test_a_new_brief_changes_only_the_newest_home_pages(project: Path, sites: dict[str, Path]) -> None:
    site = sites["titles"]
    old = {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("index.html")}
    _add(project, 99)  # the newest brief (the build converts it)
    site = _build(project, "site-titles", f"      index_titles_per_page: {LATER}\n")
    new = {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("index.html")}
    home = re.compile(r"page/(\d+)/index\.html")
    old_pages = sorted(int(home.fullmatch(u)[1]) for u in old if home.fullmatch(u))
    new_pages = sorted(int(home.fullmatch(u)[1]) for u in new if home.fullmatch(u))
    k0, k1 = len(old_pages), len(new_pages)
    assert old_pages == list(range(1, k0 + 1)) and new_pages == list(range(1, k1 + 1))
    changed = {k for k in new_pages if old.get(f"page/{k}/index.html") != new[f"page/{k}/index.html"]}
    # the newest numbered page (grown, or new: then the pages whose pager shows it, radius 2)
    allowed = {k0} if k1 == k0 else {k for k in new_pages if k >= k0 - 2}
    assert changed <= allowed, (changed, k0, k1)
    assert old["index.html"] != new["index.html"]
    walked = [b for _, briefs in _walk(site, "") for b in briefs]
    assert len(walked) == len(set(walked)) == 1 + sum(len(b) for _, b in _walk(sites["cards"], ""))


# -- the drawer from a cached script (builder/site/shell.py, option light_drawer) -----------

NAV_TAG = re.compile(r'<script src="((?:\.\./)*)(assets/javascripts/nb-nav\.([0-9a-f]{10})\.js)"></script>')


def _pages(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): p.read_text(encoding="utf-8") for p in site.rglob("*.html")
            if not p.relative_to(site).as_posix().startswith(("pagefind/", "assets/"))}


@pytest.fixture(scope="module")
def drawer_sites(project: Path) -> dict[str, Path]:
    return {"light": _build(project, "site-drawer"), "stock": _build(project, "site-nodrawer",
                                                                     "      light_drawer: false\n")}


def test_the_drawer_comes_back_byte_for_byte(drawer_sites: dict[str, Path]) -> None:
    import json

    from builder.site import shell

    light, stock = _pages(drawer_sites["light"]), _pages(drawer_sites["stock"])
    assert light.keys() == stock.keys()
    variants, lightened, kept = set(), 0, set()
    for name, page in light.items():
        tags = NAV_TAG.findall(page)
        if not tags:  # left as written: then exactly as without the option
            assert page == stock[name], name
            kept.add(name)
            continue
        assert len(tags) == 1 and shell.drawer_span(page) is None, name
        prefix, path, key = tags[0]
        js = (drawer_sites["light"] / path).read_text(encoding="utf-8")
        literal = re.search(r'\}\)\(document\.currentScript, ("(?:[^"\\]|\\.)*")\);\n\Z', js)
        assert literal, path
        markup = shell.drawer_back(json.loads(literal.group(1)), prefix.rstrip("/") or ".")
        tag = f'<script src="{prefix}{path}"></script>'
        assert page.replace(tag, markup, 1) == stock[name], name
        assert stock[name].count(markup) == 1 and markup.startswith('<nav class="md-nav md-nav--primary')
        variants.add(key)
        lightened += 1
    # every page has its drawer from a script but 404.html (its URLs are absolute) and
    # those with a section open or their contents in it (theirs alone); few scripts
    own = {n for n, page in stock.items() if (s := shell.drawer_span(page)) and "md-nav__link--active" in
           page[s[0]:s[1]]}
    assert kept == {"404.html"} | own and len(variants) * 10 < lightened
    assert {"archive/2024/03/index.html", "about/index.html"} <= own and "tags/kyiv/index.html" not in kept
    on_disk = {p.name for p in (drawer_sites["light"] / "assets" / "javascripts").glob("nb-nav.*.js")}
    assert on_disk == {f"nb-nav.{k}.js" for k in variants}  # the ones the pages use, no other
    assert not list((drawer_sites["stock"] / "assets" / "javascripts").glob("nb-nav.*.js"))
    # what the drawer weighed
    saved = sum(len(stock[n]) - len(light[n]) for n in light) / len(light)
    assert saved > 1000, saved


def test_without_javascript_phones_get_the_tabs(drawer_sites: dict[str, Path]) -> None:
    css = (drawer_sites["light"] / "stylesheets" / "extra.css").read_text(encoding="utf-8")
    assert re.search(r"@media screen and \(max-width: 76\.2344em\) \{\s*\.no-js \.md-tabs \{\s*display: block;", css)
    assert re.search(r'\.no-js \.md-header__button\[for="__drawer"\] \{\s*display: none;', css)
    page = (drawer_sites["light"] / "index.html").read_text(encoding="utf-8")
    assert '<html lang="en" class="no-js">' in page and '<nav class="md-tabs"' in page


def test_a_drawer_with_other_urls_is_kept_as_they_are() -> None:
    from builder.site import shell

    markup = ('<nav class="md-nav md-nav--primary"><a href="../..">H</a><a href="../../archive/">A</a>'
              '<a href="../">T</a><a href="#x">X</a><a href="https://example.org/">E</a></nav>')
    light = shell.from_root(markup, "../..")
    assert light.count("@NB_BASE@") == 2 and 'href="../"' in light and 'href="https://example.org/"' in light
    assert shell.drawer_back(light, "../..") == markup
    assert shell.from_root(markup.replace("H<", "@NB_BASE@<"), "../..") is None
    root = '<nav class="md-nav md-nav--primary"><a href=".">H</a><a href="archive/">A</a></nav>'
    assert shell.drawer_back(shell.from_root(root, "."), ".") == root
    assert shell.drawer_span("<div>" + markup + "</div>") is None  # not in Material's sidebar
