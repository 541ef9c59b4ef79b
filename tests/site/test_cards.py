"""Cards and pages as readers use them (issue 14): who wrote a brief and where it came
from on every card, a Publishers index with counts (briefs with no publisher included),
the active tab on every page, one date format, one spelling per publisher, the tag chips
under the headline, related briefs both ways, a tags index by letter, named pagination.

One build of the sample and tests/fixtures for the module.
"""

from __future__ import annotations

import html
import itertools
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urljoin

import frontmatter
import pytest
import yaml
from fixture_dumps import REPO, SAMPLE, dumps
from site_support import copy_project

from builder.site import seams
from builder.site.byline import DATE_FORMAT

pytestmark = pytest.mark.slow

FERRY = "islanders-fear-lifeline-ferry-contract-will-cut-winter-sailings"
ACTIVE_TAB = re.compile(r'<li class="md-tabs__item md-tabs__item--active">\s*'
                        r'<a href="([^"]*)" class="md-tabs__link">\s*([^<]*?)\s*</a>')
TIME = re.compile(r"<time\b[^>]*>\s*([^<]*?)\s*</time>")
DAY = re.compile(r"^\d{1,2} (January|February|March|April|May|June|July|August|September|October|November|December)"
                 r" \d{4}$")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("cards"), [SAMPLE, *dumps()])
    config = project / "mkdocs.yml"  # 5 a page: the home page of these ~20 briefs has numbered pages
    config.write_text(config.read_text(encoding="utf-8").replace("pagination_per_page: 10\n",
                                                                 "pagination_per_page: 5\n"), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "builder", "build"], cwd=project, capture_output=True,
                          text=True, timeout=900, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return project


def _pages(site: Path) -> dict[str, str]:
    return {p.parent.relative_to(site).as_posix().strip("."): p.read_text(encoding="utf-8")
            for p in site.rglob("index.html")}


def _front_matter(project: Path) -> dict[str, dict]:
    out = {}
    for md in (project / "docs" / "posts").rglob("*.md"):
        text = md.read_text(encoding="utf-8")
        meta = yaml.safe_load(text.split("---\n", 2)[1])
        if not meta.get("digest"):
            out[meta["slug"]] = meta
    return out


def _text(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", fragment)).split())


def _target(page: str, href: str) -> str:
    """The site path a link on a page (site path) goes to."""
    return unquote(urljoin(f"http://x/{page}/" if page else "http://x/", href).removeprefix("http://x/")).split("#")[0]


def _resolves(site: Path, page: str, href: str) -> bool:
    return (site / _target(page, href) / "index.html").is_file()


def test_every_page_has_its_tab(built: Path):
    site = built / "site"
    expected = {"": "Home", "page/1": "Home", "tags": "Tags", "tags/skerry-ferries": "Tags",
                "author/maren-holt": "Authors", "authors": "Authors", "publishers": "Publishers",
                "publishers/not-named": "Publishers", "publisher/harbourline-press": "Publishers",
                "archive": "Archive", "archive/2025/06": "Archive", "about": "About"}
    pages = _pages(site)
    for path, text in pages.items():
        tabs = ACTIVE_TAB.findall(text)
        assert len(tabs) == 1, f"{path or 'home'}: {len(tabs)} active tabs"
        if path in expected:
            assert tabs[0][1] == expected[path], f"{path}: the {tabs[0][1]} tab is active"
    assert set(expected) <= set(pages)
    # The Publishers tab lands on the index, not on one publisher's page.
    tab = re.search(r'<a href="([^"]*)" class="md-tabs__link">\s*Publishers\s*</a>', pages[""])
    assert tab and tab.group(1) == "publishers/"


def test_the_publishers_index_lists_every_publisher_with_its_count(built: Path):
    site, meta = built / "site", _front_matter(built)
    page = _pages(site)["publishers"]
    listed = re.findall(r'<li><a href="([^"]+)">([^<]+)</a> · (\d+) briefs?</li>', page)
    counts: dict[str, int] = {}
    for m in meta.values():
        name = m.get("publisher") or "Publisher not named"
        counts[name] = counts.get(name, 0) + 1
    assert {html.unescape(name): int(n) for _, name, n in listed} == counts
    assert counts["Publisher not named"] >= 1
    for href, _, _ in listed:
        assert _resolves(site, "publishers", href), href
    unnamed = _pages(site)["publishers/not-named"]
    for slug, m in meta.items():
        assert (slug in unnamed) == (not m.get("publisher")), slug


def test_cards_name_their_authors_and_publisher(built: Path):
    site = built / "site"
    pages = _pages(site)
    for path in ("archive/2025/06", "author/maren-holt", "publisher/harbourline-press"):
        # archive, author and publisher pages: a row a brief (overrides/blog-list.html):
        # headline, then "day · By A and B · Publisher", each name a link to its page
        rows = re.findall(r'<ul class="nb-titles">(.*?)</ul>', pages[path], re.S)
        assert len(rows) == 1, path
        items = re.findall(r"<li>(.*?)</li>", rows[0], re.S)
        assert items, path
        for item in items:
            links = re.findall(r'<a href="([^"]+)">', item)
            assert _resolves(site, path, links[0]) and re.match(r"\d{4}/\d{2}/", _target(path, links[0]))
            by = _text(item.split("<br>", 1)[1])
            assert DAY.match(by.split(" · ")[0]), by
            kinds = [_target(path, h).split("/")[0] for h in links[1:]]
            assert set(kinds) <= {"author", "publisher"} and "publisher" not in kinds[:-1], item
            assert kinds[-1:] == ["publisher"] or not path.startswith("publisher/"), item
            assert all(_resolves(site, path, h) for h in links), item
            assert (" · By " in by) == ("author" in kinds), by
    for path in ("",):
        cards = re.findall(r'<article class="md-post md-post--excerpt">(.*?)</article>', pages[path], re.S)
        assert cards, path
        for card in cards:
            assert "<nav" not in card  # no unlabelled navigation region per card
            assert re.search(r'<img src="[^"]*" alt="">', card) or "md-post__authors" not in card
            authors = re.search(r'<li class="md-meta__item nb-meta__authors">(.*?)</li>', card, re.S)
            if "md-post__authors" in card:
                assert authors, f"{path}: a card with avatars but no names"
                links = re.findall(r'<a href="([^"]+)" class="md-meta__link">([^<]+)</a>', authors.group(1))
                assert links and all(_target(path, h).startswith("author/") and _resolves(site, path, h)
                                     for h, _ in links)
                assert _text(authors.group(1)).startswith("By ")
    home = pages[""]
    assert 'class="md-post__action"' in home and "Continue reading" in home
    assert re.search(r'Continue reading<span class="nb-sr-only">: [^<]+</span>', home)


def test_one_date_format_everywhere(built: Path):
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8").replace("!ENV", "").replace(
        "!!python/name:builder.site.tag_pages.slugify_tag", "x"))
    blogs = [p["blog"] for p in config["plugins"] if isinstance(p, dict) and "blog" in p]
    assert len(blogs) == 2 and all(blog["post_date_format"] == DATE_FORMAT for blog in blogs)  # briefs, digests
    pages = _pages(built / "site")
    times = [(path, t) for path, text in pages.items() for t in TIME.findall(text)]
    assert len(times) > 50
    bad = [(p, t) for p, t in times if not DAY.match(html.unescape(t))]
    assert not bad, bad[:10]
    # the lists that print a day without <time>: tag pages and the briefs with no publisher
    for path in ("tags/skerry-ferries", "publishers/not-named"):
        days = re.findall(r"</a> · ([^·<]+?)(?: · |</li>)", pages[path])
        assert days and all(DAY.match(d.strip()) for d in days), (path, days)


def test_the_byline_reads_as_a_sentence_and_spells_the_publisher_as_the_cards(built: Path):
    pages = _pages(built / "site")
    brief = next(t for p, t in pages.items() if p.endswith(FERRY))
    line = _text(re.search(r'<div class="nb-byline">(.*?)</div>', brief, re.S).group(1))
    assert line == "3 June 2025 · By Maren Holt · Harbourline Press · 2 min read"
    card = re.search(r'\u00a0· <a href="[^"]*">\s*(Harbourline[^<]*)</a></li>', pages["publisher/harbourline-press"])
    assert card and card.group(1).strip() == "Harbourline Press"
    css = (REPO / "docs" / "stylesheets" / "extra.css").read_text(encoding="utf-8")
    rules = re.findall(r"\.nb-byline__publisher\s*\{([^}]*)\}", css)
    assert rules and "uppercase" not in rules[-1] and "text-transform: none" in rules[-1]


def test_tag_chips_come_after_the_headline_and_byline(built: Path):
    pages = _pages(built / "site")
    brief = next(t for p, t in pages.items() if p.endswith(FERRY))
    article = brief[brief.index('<article class="md-content__inner md-typeset">'):]
    assert article.index("</h1>") < article.index('class="nb-byline"') < article.index('class="nb-tags"')
    assert 'class="md-tags"' not in article  # Material's, above the headline
    chips = re.findall(r'<a class="md-tag" href="([^"]+)">([^<]+)</a>', article)
    # Every tag of the brief's front matter, each once, in its order (html-escaped like the page).
    meta = frontmatter.load(built / f"docs/posts/2025/06/{FERRY}.md")
    assert [html.unescape(c) for _, c in chips] == meta["tags"]
    assert {"Callan Star", "Skerry Ferries", "Port Ardmore", "Elin Marsh"} <= set(meta["tags"])
    # The text as any extraction gets it (tags dropped, nothing added): "2 min read" and
    # the chips apart ("2 min readState Senate", "State SenateLucia Ferrand" in the issue).
    flat = html.unescape(re.sub(r"<[^>]+>", "", brief))
    assert not re.search(r"min read\S", flat)
    names = [c for _, c in chips]
    assert not any(a + b in flat for a, b in itertools.pairwise(names))


def test_related_briefs_link_both_ways_on_the_site(built: Path):
    pages = _pages(built / "site")
    first = "2025/06/islanders-fear-lifeline-ferry-contract-will-cut-winter-sailings"
    follow_up = "2025/06/minister-keeps-early-callan-sailing-after-islanders-protest"
    for a, b in ((first, follow_up), (follow_up, first)):
        block = re.search(r'<section class="nb-related".*?</section>', pages[a], re.S)
        assert block, a
        assert b.rsplit("/", 1)[1] in block.group(0)
        assert 'aria-labelledby="related-briefs"' in block.group(0)


def test_the_tags_index_reads_as_an_index(built: Path):
    page = _pages(built / "site")["tags"]
    assert 'class="nb-tag-index"' in page
    letters = re.findall(r'<nav class="nb-jump" aria-label="Tags by letter">(.*?)</nav>', page, re.S)
    assert letters
    for anchor in re.findall(r'href="#([^"]+)"', letters[0]):
        assert f'id="{anchor}"' in page, anchor
    entries = re.findall(r'<li><a href="[^"]+">([^<]+)</a> · (\d+)<span class="nb-sr-only"> briefs?</span></li>', page)
    assert len(entries) > 20 and ("Skerry Ferries", "2") in entries


def test_pagination_arrows_have_names(built: Path):
    home = _pages(built / "site")[""]
    nav = re.search(r'<nav class="md-pagination" aria-label="Pages">(.*?)</nav>', home, re.S)
    assert nav
    for link in re.findall(r'<a class="md-pagination__link"[^>]*>(.*?)</a>', nav.group(1), re.S):
        assert _text(link), f"a pagination link without a name: {link[:200]}"
    assert 'rel="next"><svg' in nav.group(1) and "Older briefs" in nav.group(1)


def test_the_template_overrides_seam_checks_copies_and_originals(tmp_path: Path, monkeypatch):
    assert seams.check("template-overrides") is None
    assert seams.check("search-partial") is None  # the copy with its declared patch (the dialog's name)
    # a copy that differs from Material's original beyond its patches
    (tmp_path / "partials").mkdir()
    for name in seams.OVERRIDDEN_TEMPLATES:
        (tmp_path / name).write_text((REPO / "overrides" / name).read_text(encoding="utf-8"), encoding="utf-8")
    assert seams.check("template-overrides", custom_dir=tmp_path) is None
    copy = tmp_path / "blog-post.html"
    copy.write_text(copy.read_text(encoding="utf-8").replace("md-post__back", "md-post__back x"), encoding="utf-8")
    assert "copy differs" in (seams.check("template-overrides", custom_dir=tmp_path) or "")
    # Material's originals changed: the overrides are not used
    monkeypatch.setitem(seams.TEMPLATE_SHA256, "partials/post.html", "0" * 64)
    assert "partials/post.html" in (seams.check("template-overrides") or "")
    loader = seams.original_partials_loader(seams.OVERRIDDEN_TEMPLATES)
    source = loader.get_source(None, "partials/post.html")[0]
    assert "nb-meta__authors" not in source and "md-post__authors" in source


def test_tag_pages_are_not_search_results(built: Path):
    """A tag page repeats its briefs' titles: in the results it crowded out the briefs."""
    import json

    index = json.loads((built / "site" / "search" / "search_index.json").read_text(encoding="utf-8"))
    locations = [doc["location"] for doc in index["docs"]]
    assert any(loc.startswith("2025/") for loc in locations)  # the briefs are there
    assert not [loc for loc in locations if loc.startswith(("tags/", "publishers/not-named"))]
