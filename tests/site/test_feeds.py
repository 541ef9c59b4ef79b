"""Issue 14 on a real build (`newsbrief build` = mkdocs build --strict): briefs first (the
home page, month archives, publisher, author and tag pages, the main feed and search list
briefs only; counts count briefs; digests in the Digests tab with their own archive and
feed) and feeds that work (autodiscovery to feeds that exist; both RSS feeds and both JSON
Feeds valid; every item's link a built page; times as the dump gives them; every author;
English labels in the feeds' styled view).

The site: the sample seed, every fixture of tests/fixtures, and three briefs written here:
two on one day (so that day has a daily digest), one of them dated "10:42 AM"."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import feedparser
import pytest
from fixture_dumps import REPO, dumps
from site_support import copy_project

pytestmark = pytest.mark.slow

SITE_URL = "https://news.example.org/briefs/"
BASE = urlsplit(SITE_URL).path
FEEDS = {"feed.xml": "application/rss+xml", "feed.json": "application/feed+json",
         "feed_digests.xml": "application/rss+xml", "feed_digests.json": "application/feed+json"}
DIGEST_URL = re.compile(r"/(?:daily|weekly)-\d{4}-")

EXTRA = {
    "90_timed.txt": ("2_-0000009001-5", "Harbour wall budget approved after late-night debate",
                     "Tuesday, July 8, 2025 10:42 AM",
                     ["The council approved the new harbour wall budget after a long debate on Tuesday night.",
                      "Residents had asked for the repairs since the storms of last winter flooded the lower town."],
                     "By Harper Eastwood, Harbourside Times"),
    "91_same_day.txt": ("2_-0000009002-5", "Old stone bridge to close for fourteen weeks of repairs",
                        "July 8, 2025",
                        ["Engineers will close the old stone bridge for fourteen weeks while its arches are rebuilt.",
                         "Buses will divert through the industrial estate, adding ten minutes to each journey."],
                        "By Colm Byrne, Kellow Courier"),
    "92_next_week.txt": ("2_-0000009003-5", "Dock workers accept overnight pay offer, ending dispute",
                         "July 15, 2025",
                         ["Dock workers accepted a pay offer overnight, ending a dispute that threatened exports.",
                          "The port authority said ships queued offshore would be unloaded within three days."],
                         "By Joost Verhagen, Harbourline Press"),
}


class Built:
    def __init__(self, root: Path, log: str, returncode: int, records: list[dict]):
        self.root, self.site, self.log, self.returncode, self.records = root, root / "site", log, returncode, records

    def html(self, url_path: str) -> str:
        rel = url_path[len(BASE):] if url_path.startswith(BASE) else url_path
        return (self.site / rel / "index.html").read_text(encoding="utf-8")

    def target(self, page_rel: str, href: str) -> Path | None:
        """The built file an href on the page at `page_rel` (site-relative folder) leads to."""
        url = urljoin(urljoin(SITE_URL, page_rel), href)
        if not url.startswith(SITE_URL):
            return None
        rel = urlsplit(url).path[len(BASE):]
        path = self.site / rel
        return path / "index.html" if rel.endswith("/") or rel == "" else path

    def briefs(self) -> list[dict]:
        return [r for r in self.records if r["status"] == "ok"]

    def brief_url(self, rec: dict) -> str:
        return f"{rec['date'][:4]}/{rec['date'][5:7]}/{Path(rec['page']).stem}/"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Built:
    root = tmp_path_factory.mktemp("feeds-build")
    copy_project(root, [*sorted((REPO / "seeds").glob("*.txt")), *dumps()])
    for name, (ident, title, date, body, byline) in EXTRA.items():
        (root / "seeds" / name).write_text("\n\n".join([ident, title, date, *body, byline]) + "\n", encoding="utf-8")
    env = dict(os.environ, NEWSBRIEF_SITE_URL=SITE_URL)
    env.pop("NEWSBRIEF_STRICT", None)
    p = subprocess.run([sys.executable, "-m", "builder", "build"], cwd=root, env=env,
                       capture_output=True, text=True, timeout=900)
    exp = subprocess.run([sys.executable, "-m", "builder", "export", "seeds"], cwd=root,
                         capture_output=True, text=True, timeout=600)
    records = [json.loads(line) for line in exp.stdout.splitlines() if line.startswith("{")]
    return Built(root, p.stdout + p.stderr, p.returncode, records)


def post_links(page_html: str) -> list[str]:
    """The headline link of each post card on a list page."""
    return re.findall(r'md-post--excerpt">.*?<a class="toclink" href="([^"]+)"', page_html, re.S)


def list_pages(b: Built, folder: str) -> list[Path]:
    return sorted((b.site / folder).rglob("index.html")) if (b.site / folder).is_dir() else []


# -- the build ---------------------------------------------------------------------------

def test_build_is_strict_clean(built: Built):
    assert built.returncode == 0, built.log[-3000:]
    assert "WARNING" not in built.log, built.log[-3000:]
    assert len(built.briefs()) == 15  # 11 fixtures, the sample seed, the three above


# -- briefs first ----------------------------------------------------------------------------

def test_home_page_lists_briefs_only(built: Built):
    home = built.html(BASE)
    cards = post_links(home)
    # the first page holds the newest 10 to 19 (lists numbered from the oldest: site/pagination.py),
    # so all 15 briefs (4 of 10 items were briefs when the digests were among them)
    assert len(cards) == 15
    briefs = {built.brief_url(r) for r in built.briefs()}
    assert {c.lstrip("./") for c in cards} <= briefs
    seen = set()
    for page in [built.site / "index.html", *list_pages(built, "page")]:
        seen |= set(post_links(page.read_text(encoding="utf-8")))
    assert not [c for c in seen if DIGEST_URL.search(c)]


# (15 briefs fill no numbered home page: tests/site/test_stable_pagination.py builds those)
@pytest.mark.parametrize("folder", ["archive", "publisher", "author", "tags"])
def test_lists_of_briefs_never_list_a_digest(built: Built, folder: str):
    pages = list_pages(built, folder)
    assert pages
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert not DIGEST_URL.search(" ".join(re.findall(r'href="([^"]+)"', text))), page


def test_archive_overview_counts_briefs(built: Built):
    overview = built.html(BASE + "archive/")
    per_year: dict[str, int] = {}
    for r in built.briefs():
        per_year[r["date"][:4]] = per_year.get(r["date"][:4], 0) + 1
    for year, n in per_year.items():
        assert re.search(rf'<h2 id="{year}">{year}.*?<p>{n} briefs\.</p>', overview, re.S), (year, n)
    total = sum(int(n) for n in re.findall(r"<p>(\d+) briefs?\.</p>", overview))
    assert total == len(built.briefs())


def test_digests_have_their_own_tab_archive_and_pages(built: Built):
    home = built.html(BASE)
    tabs = re.findall(r'class="md-tabs__link[^"]*"[^>]*href="([^"]+)"|href="([^"]+)"[^>]*class="md-tabs__link', home)
    assert any("digests/" in (a or b) for a, b in tabs), "no Digests tab"
    index = built.html(BASE + "digests/")
    listed = post_links(index)
    digests = sorted(p.parent for p in (built.site / "digests").rglob("index.html")
                     if DIGEST_URL.search(p.as_posix()))
    assert digests and len(listed) == min(10, len(digests))
    assert all(DIGEST_URL.search(link) for link in listed)
    # the day with two briefs has its daily digest; days with one brief have none
    assert (built.site / "digests/2025/07/daily-2025-07-08/index.html").is_file()
    assert not list((built.site / "digests").rglob("daily-2025-07-15"))
    assert not list(built.site.glob("2025/*/daily-*"))  # nothing left at the briefs' URLs
    daily = (built.site / "digests/2025/07/daily-2025-07-08/index.html").read_text(encoding="utf-8")
    for r in built.briefs():
        if r["date"] == "2025-07-08":
            assert built.target("digests/2025/07/daily-2025-07-08/", "../../../../" + built.brief_url(r)).is_file()
            assert built.brief_url(r) in daily
    assert list_pages(built, "digests/archive"), "the digests have no archive of their own"
    # the Digests tab is the active one on a digest
    assert re.search(r'md-tabs__item--active">\s*<a href="[^"]*"[^>]*>\s*Digests', daily)


def test_digests_are_not_in_search(built: Built):
    index = json.loads((built.site / "search/search_index.json").read_text(encoding="utf-8"))
    locations = [d["location"] for d in index["docs"]]
    assert not [loc for loc in locations if DIGEST_URL.search("/" + loc)]
    for r in built.briefs():  # the briefs are
        assert any(loc.startswith(built.brief_url(r)) for loc in locations), r["title"]


# -- feeds that work ----------------------------------------------------------------------------

def test_every_page_links_the_feeds_that_exist(built: Built):
    """Autodiscovery where a reader is (issue #15: four links on every page were 0.45 KB
    a page): the briefs' feeds on every page; the digests' on the home page and the
    Digests pages (their index, archive, numbered pages and each digest) only, since a
    reader who wants digests is there, and a brief's reader subscribes to briefs."""
    pages = sorted(built.site.rglob("*.html"))
    assert len(pages) > 40
    for page in pages:
        rel = page.parent.relative_to(built.site).as_posix() + "/"
        rel = "" if rel == "./" else rel
        text = page.read_text(encoding="utf-8")
        assert "feed_rss_created" not in text and "feed_rss_updated" not in text, page
        links = re.findall(r'<link rel="alternate" type="([^"]+)" title="[^"]+" href="([^"]+)">', text)
        found = {}
        for kind, href in links:
            target = built.target(rel, href)
            assert target is not None and target.is_file(), (page, href)
            found[target.relative_to(built.site).as_posix()] = kind
        digests = (rel == "" and page.name == "index.html") or rel.startswith("digests/")
        assert found == {f: k for f, k in FEEDS.items() if digests or "digests" not in f}, page
    assert (built.site / "404.html").read_text(encoding="utf-8").count('rel="alternate"') == 2


def _items(b: Built, feed: str) -> list:
    parsed = feedparser.parse(str(b.site / feed))
    assert parsed.bozo == 0, (feed, parsed.get("bozo_exception"))
    assert parsed.version == "rss20"
    return parsed.entries


def test_rss_feeds_parse_and_every_item_is_a_built_page(built: Built):
    briefs = _items(built, "feed.xml")
    digests = _items(built, "feed_digests.xml")
    assert {e.link for e in briefs} == {SITE_URL + built.brief_url(r) for r in built.briefs()}
    assert digests and all(DIGEST_URL.search(e.link) and "/digests/" in e.link for e in digests)
    for e in [*briefs, *digests]:
        assert built.target("", e.link).is_file(), e.link


@pytest.mark.parametrize("feed", ["feed.json", "feed_digests.json"])
def test_json_feeds_have_the_json_feed_1_1_fields(built: Built, feed: str):
    data = json.loads((built.site / feed).read_text(encoding="utf-8"))
    assert data["version"] == "https://jsonfeed.org/version/1.1"
    assert isinstance(data["title"], str) and data["title"]
    assert data["feed_url"] == SITE_URL + feed and data["home_page_url"] == SITE_URL
    assert data["items"]
    for item in data["items"]:
        assert isinstance(item["id"], str) and item["id"]
        assert isinstance(item.get("content_html") or item.get("content_text"), str)
        assert built.target("", item["url"]).is_file(), item["url"]
    briefs = "digests" not in feed
    assert all(bool(DIGEST_URL.search(i["url"])) != briefs for i in data["items"])


def test_item_times_are_the_dumps(built: Built):
    timed = SITE_URL + next(built.brief_url(r) for r in built.briefs() if r["title"].startswith("Harbour wall"))
    entry = next(e for e in _items(built, "feed.xml") if e.link == timed)
    assert entry.published == "Tue, 08 Jul 2025 10:42:00 +0000"
    item = next(i for i in json.loads((built.site / "feed.json").read_text(encoding="utf-8"))["items"]
                if i["url"] == timed)
    assert item["date_published"] == "2025-07-08T10:42:00+00:00"
    # the fixture "June 9, 2025 4:15 PM" too; a date without a time stays midnight
    cocoa = next(e for e in _items(built, "feed.xml") if "cocoa" in e.title.lower())
    assert cocoa.published == "Mon, 09 Jun 2025 16:15:00 +0000"
    # and the brief's URL is still its day's month
    assert "/2025/06/" in cocoa.link


def test_every_author_of_an_item(built: Built):
    two = [r for r in built.briefs() if len(r["authors"]) >= 2]
    assert two, "the fixtures have briefs with two authors"
    rss = {e.link: e for e in _items(built, "feed.xml")}
    items = {i["url"]: i for i in json.loads((built.site / "feed.json").read_text(encoding="utf-8"))["items"]}
    for r in two:
        url = SITE_URL + built.brief_url(r)
        assert [a["name"] for a in rss[url].authors] == r["authors"]
        assert [a["name"] for a in items[url]["authors"]] == r["authors"]


def test_feed_styled_view_is_english_and_exists(built: Built):
    for feed in ("feed.xml", "feed_digests.xml"):
        head = (built.site / feed).read_text(encoding="utf-8")[:300]
        href = re.search(r'<\?xml-stylesheet type="text/xsl" href="([^"]+)"\?>', head)[1]
        xsl = built.target(feed, href)
        assert xsl is not None and xsl.is_file(), href
        text = xsl.read_text(encoding="utf-8")
        assert "By " in text and "Par " not in text and 'lang="en"' in text
    assert not (built.site / "rss.xsl").exists()  # the plugin's French one is not shipped


def test_feeds_stay_at_the_root(built: Built):
    # Material's script fetches sitemap.xml beside every <link rel="alternate">: a feed in a
    # folder would make that a 404 on every page.
    for feed in FEEDS:
        assert "/" not in feed
    assert (built.site / "sitemap.xml").is_file()
