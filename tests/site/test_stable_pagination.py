"""Stable pagination (builder/site/pagination.py) and cached list pages (page_cache.py),
issue #15: lists are numbered from the oldest brief, so a new brief changes the first
page of each list it is on and, once every `pagination_per_page` briefs, the few newest
numbered pages; every other page of the site is byte for byte what it was, and what an
incremental rebuild writes is byte for byte what a cold build of the same seeds writes.

The site is built with 3 briefs a page (both blogs), from the project's sample seeds plus
generated dumps one a day in October 2026 (newer than the samples), all by one author of
one publisher, so that a new brief adds no month, publisher or author to the navigation.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from dumpgen import make_dump
from site_support import copy_site_sources

from builder.site.pagination import StablePager, numbered_pages, page_slice

pytestmark = pytest.mark.slow

PER_PAGE = 3
EPOCH = "1790000000"  # SOURCE_DATE_EPOCH: the build's clock, the same in every build
LISTS = ("", "archive/2026/10/", "publisher/civic-wire/", "author/dana-novak/")
RENDERED = re.compile(r"page cache: (\d+) reused, (\d+) rendered, (\d+) not cacheable "
                      r"\(of which pages other than posts: (\d+) reused, (\d+) rendered\)")


def _dump(i: int) -> str:
    """A generated dump of 1 October 2026 + i days, by Dana Novak of Civic Wire."""
    g = make_dump(random.Random(i), day=dt.date(2026, 10, 1) + dt.timedelta(days=i), ident=f"1_-{8000000 + i}-1")
    credit = " and ".join(g.authors) + (f", {g.publisher}" if g.publisher else "")
    text = g.text.replace(credit, "Dana Novak, Civic Wire")
    return text.replace("\n" + g.authors[0].split()[0] + "\n", "\nDana\n")


def _add(project: Path, i: int) -> None:
    (project / "seeds" / f"gen-{i:03d}.txt").write_text(_dump(i), encoding="utf-8")


def _build(project: Path) -> tuple[int, ...]:
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    proc = subprocess.run([sys.executable, "-m", "builder", "build"], cwd=project, capture_output=True, text=True,
                          timeout=900, stdin=subprocess.DEVNULL, env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    found = RENDERED.findall(proc.stdout + proc.stderr)
    assert found, "the build should report the page cache"
    return tuple(int(x) for x in found[-1])


def _files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}


def _numbered(files: dict[str, bytes], lst: str) -> dict[int, bytes]:
    out = {}
    for name, data in files.items():
        m = re.fullmatch(re.escape(lst) + r"page/(\d+)/index\.html", name)
        if m:
            out[int(m[1])] = data
    return out


def _cards(page: bytes) -> list[str]:
    # a card, or a title row (overrides/blog-list.html: headline link, line break, day)
    return re.findall(r'(?:<article class="md-post md-post--excerpt[^"]*">|<li><a href="[^"]+">)'
                      r'.*?<time datetime="([^"]+)"', page.decode(), re.S)


def _list_sizes(files: dict[str, bytes]) -> dict[str, int]:
    """Posts on each list: the cards of its first page and its numbered pages."""
    return {lst: len(_cards(files[lst + "index.html"])) + sum(len(_cards(p)) for p in _numbered(files, lst).values())
            for lst in LISTS}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = tmp_path_factory.mktemp("project-stable-pagination")
    copy_site_sources(project)
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert text.count("pagination_per_page: 10\n") == 2
    # every list at PER_PAGE (the archive, publisher and author lists by title have their own
    # *_pagination_per_page settings)
    text = re.sub(r"pagination_per_page: \d+\n", f"pagination_per_page: {PER_PAGE}\n", text)
    # (and the home list's later pages too: the cut with titles is tested in test_site_size4.py)
    marker = "      posts_dir: posts\n"
    text = text.replace(marker, f"{marker}      index_titles_per_page: {PER_PAGE}\n", 1)
    config.write_text(text, encoding="utf-8")
    for i in range(16):
        _add(project, i)
    _build(project)
    return project


# -- the numbering, without a build ------------------------------------------------------

@pytest.mark.parametrize("n", range(0, 14))
def test_pages_cut_from_the_oldest_cover_each_post_once(n: int) -> None:
    s = PER_PAGE
    count = numbered_pages(n, s)
    slices = [page_slice(n, s, k) for k in range(count + 1)]
    covered = [i for p, q in slices for i in range(p, q)]
    assert sorted(covered) == list(range(n))  # every post once
    assert all(q - p == s for p, q in slices[1:])  # numbered pages are full
    first = slices[0][1] - slices[0][0]
    assert (s <= first <= 2 * s - 1) if n >= s else first == n
    # page/1 holds the oldest posts (the end of the newest-first list)
    if count:
        assert slices[1] == (n - s, n)


def test_a_new_post_moves_no_numbered_page() -> None:
    s = PER_PAGE
    for n in range(1, 40):
        before = {k: tuple(range(*page_slice(n, s, k))) for k in range(1, numbered_pages(n, s) + 1)}
        # the newest-first list gains a post at index 0: old indices shift by one
        after = {k: tuple(i - 1 for i in range(*page_slice(n + 1, s, k)))
                 for k in range(1, numbered_pages(n + 1, s) + 1)}
        assert all(after[k] == before[k] for k in before), n


def test_pager_reads_newest_to_oldest_with_rel_and_current() -> None:
    urls = {0: "../..", **{k: f"../{k}/" for k in range(1, 8)}}
    args = {"link_attr": {"class": "l"}, "curpage_attr": {"class": "c", "aria-current": "page"},
            "dotdot_attr": {"class": "d"}, "symbol_first": "F", "symbol_previous": "P",
            "symbol_next": "N", "symbol_last": "L"}
    fmt = "$link_first $link_previous ~2~ $link_next $link_last"
    out = StablePager(["x"], 4, 7, urls.__getitem__).pager(format=fmt, **args)
    assert out == ('<a class="l" href="../..">F</a> <a class="l" href="../5/" rel="prev">P</a> '
                   '<span class="d">..</span> <a class="l" href="../6/">6</a> <a class="l" href="../5/">5</a> '
                   '<span aria-current="page" class="c">4</span> <a class="l" href="../3/">3</a> '
                   '<a class="l" href="../2/">2</a> <a class="l" href="../1/">1</a> '
                   '<a class="l" href="../3/" rel="next">N</a> <a class="l" href="../1/">L</a>')
    first = StablePager(["x"], 0, 7, urls.__getitem__).pager(format=fmt, **args)
    assert "aria-current" not in first and 'href="../7/" rel="next"' in first and ">7<" in first
    assert StablePager(["x"], 0, 0, urls.__getitem__).pager(format=fmt, **args) == ""
    assert not StablePager([], 0, 0, urls.__getitem__)


# -- the site ------------------------------------------------------------------------

def _expected_numbered_changes(before: int, after: int) -> set[int]:
    """Numbered pages a newest post changes: none, or (when it starts a new numbered
    page) the new one and those whose pager shows it (radius 2 of the format)."""
    k0, k1 = numbered_pages(before, PER_PAGE), numbered_pages(after, PER_PAGE)
    return set() if k0 == k1 else {k for k in range(1, k1 + 1) if k >= k0 - 2}


@pytest.mark.parametrize("added", [16, 17, 18])
def test_a_new_brief_changes_only_the_newest_list_pages(project: Path, added: int) -> None:
    site = project / "site"
    old = _files(site)
    sizes = _list_sizes(old)
    _add(project, added)
    _, _, uncacheable, other_reused, other_rendered = _build(project)
    new = _files(site)
    assert uncacheable == 0 and other_reused > 0
    for lst in LISTS:
        n = sizes[lst]
        assert _list_sizes(new)[lst] == n + 1, lst
        before, after = _numbered(old, lst), _numbered(new, lst)
        assert set(before) == set(range(1, numbered_pages(n, PER_PAGE) + 1)), lst
        assert set(after) == set(range(1, numbered_pages(n + 1, PER_PAGE) + 1)), lst
        changed = {k for k in after if before.get(k) != after[k]}
        assert changed == _expected_numbered_changes(n, n + 1), (lst, n)
        assert old[lst + "index.html"] != new[lst + "index.html"], lst
        # The briefs of every numbered page that existed stay where they were.
        assert all(_cards(before[k]) == _cards(after[k]) for k in before), lst
    # No other list page changed: other months, publishers, authors, and their pages.
    listing = re.compile(r"(archive/\d{4}/\d{2}/|publisher/[^/]+/|author/[^/]+/)?(page/\d+/)?index\.html")
    allowed = {lst + "index.html" for lst in LISTS} | {
        f"{lst}page/{k}/index.html" for lst in LISTS for k in _expected_numbered_changes(sizes[lst], sizes[lst] + 1)}
    moved = {name for name in new if listing.fullmatch(name) and old.get(name) != new[name]}
    assert moved <= allowed, sorted(moved - allowed)
    # The page cache rendered again only pages that changed: of the pages that are not
    # briefs or digests, no more than changed (the others, all unchanged lists, reused).
    post = re.compile(r"(digests/)?\d{4}/\d{2}/[^/]+/index\.html")
    changed_pages = {name for name in new if name.endswith(".html") and name != "404.html"
                     and not post.fullmatch(name) and old.get(name) != new[name]}
    assert 0 < other_rendered <= len(changed_pages), sorted(changed_pages)


def test_rebuild_equals_a_cold_build(project: Path, tmp_path: Path) -> None:
    warm = _files(project / "site")
    cold_project = tmp_path / "cold"
    cold_project.mkdir()
    copy_site_sources(cold_project)
    shutil.copy2(project / "mkdocs.yml", cold_project / "mkdocs.yml")
    shutil.rmtree(cold_project / "seeds")
    shutil.copytree(project / "seeds", cold_project / "seeds")
    reused, *_ = _build(cold_project)
    assert reused == 0
    cold = _files(cold_project / "site")
    assert warm.keys() == cold.keys()
    assert sorted(name for name in warm if warm[name] != cold[name]) == []


# -- the seam and the page cache's key ------------------------------------------------

def test_seam_holds_and_fails_when_material_paginates_otherwise(monkeypatch) -> None:
    from material.plugins.blog.plugin import BlogPlugin

    from builder.site import seams

    assert seams.check("blog-pagination") is None
    monkeypatch.setattr(BlogPlugin, "_render", lambda self, view, extra=None: None)
    assert "signature" in seams.check("blog-pagination")
    monkeypatch.undo()
    source = seams._source

    def edited(obj):  # Material 10 cutting pages some other way
        text = source(obj)
        return text.replace("1 + at // step", "at // step + 1") if obj is BlogPlugin._generate_pages else text

    monkeypatch.setattr(seams, "_source", edited)
    assert "_generate_pages" in seams.check("blog-pagination")


def test_install_skips_a_format_it_cannot_write() -> None:
    from types import SimpleNamespace

    from builder.site import pagination

    plugin = SimpleNamespace(config=SimpleNamespace(pagination_format="$link_previous $page of $page_count"),
                             _render=None, _generate_pages=None)
    assert pagination.install([plugin]) == [] and plugin._render is None
    plugin.config.pagination_format = "$link_first $link_previous ~2~ $link_next $link_last"
    assert pagination.install([plugin]) == [plugin] and plugin._render is not None


def test_list_page_key_holds_its_cards_and_pager() -> None:
    from types import SimpleNamespace

    from builder.site.page_cache import page_key

    def context(content: str, pager: str) -> dict:
        card = SimpleNamespace(url="2026/10/a/", title="A", post=SimpleNamespace(title="A"), content=content,
                               more="rest", meta={}, config={"pin": False}, authors=[], categories=[])
        page = SimpleNamespace(url="", title="Home", content="<h1>Home</h1>", toc=[], meta={"template": "blog.html"},
                               previous_page=None, next_page=None, ancestors=[], canonical_url=None,
                               edit_url=None, is_homepage=True)
        return {"page": page, "posts": [card], "pagination": lambda args: pager}

    base = page_key("site", context("<p>a</p>", "1 2"))
    assert base == page_key("site", context("<p>a</p>", "1 2"))
    assert base != page_key("site", context("<p>b</p>", "1 2"))  # a card's excerpt
    assert base != page_key("site", context("<p>a</p>", "1 2 3"))  # the pager
    assert page_key("site", {**context("<p>a</p>", "1 2"), "sitemap": 1}) is None  # an unknown input
