"""Small pages, round 5 (issue #15): the lists by title (archive, publisher and author
pages, the home list's later pages) write a brief as one list item, not as Material's
card markup; a page links the feeds that are about it (the briefs' everywhere, the
digests' on the home page and the Digests pages); no generator <meta>.

What a reader gets stays: every brief of a list by its headline (with its label badge),
its day (machine-readable too), its authors and publisher as links."""

from __future__ import annotations

import datetime as dt
import html
import random
import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from dumpgen import make_dump
from site_support import briefs_meta, copy_site_sources, link_target, site_pages

from builder.site import feeds
from builder.site.byline import day_label

pytestmark = pytest.mark.slow

LISTS = re.compile(r"(archive/\d{4}/\d{2}/|publisher/[^/]+/|author/[^/]+/)(page/\d+/)?index\.html$")
TITLES = re.compile(r'<ul class="nb-titles">\n(.*?)</ul>', re.S)
ITEM = re.compile(r'<li><a href="([^"]+)">(.*?)</a><br>\n<time datetime="(\d{4}-\d{2}-\d{2})">([^<]+)</time>'
                  r"(.*?)</li>\n", re.S)
LABELLED = "*Updated* Harbour pilots vote to strike over night shifts"
PLAIN = "Updated: Harbour pilots vote to strike over night shifts"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample dumps, 40 more over ten days of January 2024 and one with a headline
    label, built as configured."""
    project = tmp_path_factory.mktemp("project-site-size5")
    copy_site_sources(project)
    for i in range(41):
        gen = make_dump(random.Random(500 + i), day=dt.date(2024, 1, 1) + dt.timedelta(days=i % 10),
                        ident=f"1_-{8500000 + i}-1")
        text = gen.text
        if i == 40:  # the dump's title (its second paragraph, and again under the date)
            text = text.replace(text.split("\n\n")[1], LABELLED)
        (project / "seeds" / f"size5-{i:03d}.txt").write_text(text, encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "builder", "build"], cwd=project, capture_output=True, text=True,
                          timeout=900, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "does not hold" not in proc.stdout + proc.stderr  # no seam fell back to Material's own
    return project


@pytest.fixture(scope="module")
def pages(project: Path) -> dict[str, str]:
    return site_pages(project / "site")




def _text(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", fragment)).split())


# --- the lists by title: a list item a brief -------------------------------------------

def test_every_list_by_title_is_one_list_with_an_item_a_brief(project, pages):
    meta = briefs_meta(project)
    names = [n for n in pages if LISTS.match(n) or re.match(r"page/\d+/index\.html$", n)]
    assert any(n.startswith("archive/") for n in names) and any(n.startswith("author/") for n in names)
    assert any(n.startswith("publisher/") for n in names) and any(n.startswith("page/") for n in names)
    months: dict[str, set[str]] = {}
    for name in names:
        page = pages[name]
        lists = TITLES.findall(page)
        assert len(lists) == 1, name
        assert "<article" not in page.split('<div class="md-content"', 1)[1], name  # no card
        items = ITEM.findall(lists[0])
        assert items and len(items) == lists[0].count("<li>"), name  # every item as below
        for href, title, iso, day, rest in items:
            url = link_target(name, href)
            brief = meta[url]
            # (a labelled title in its plain form, "Updated: …", as every list shows it: site/labels.py)
            assert _text(title) in (html.unescape(str(brief["title"])), PLAIN), name
            date = dt.date.fromisoformat(str(brief["date"])[:10])
            assert iso == date.isoformat() and day == day_label(date)
            # then " · By A and B · Publisher", each name a link to its page
            linked = [(link_target(name, h), _text(t)) for h, t in re.findall(r'<a href="([^"]+)">(.*?)</a>', rest)]
            authors = [u for u, _ in linked if u.startswith("author/")]
            publishers = [t for u, t in linked if u.startswith("publisher/")]
            assert len(linked) == len(authors) + len(publishers)
            assert authors == [f"author/{a}/" for a in brief.get("authors") or []]
            assert all((Path(project, "site", u, "index.html")).is_file() for u, _ in linked)
            assert publishers == ([html.unescape(str(brief["publisher"]))] if brief.get("publisher") else [])
            line = html.unescape(re.sub(r"<[^>]+>", "", rest)).replace("\u00a0", " ")  # (no-break before "·")
            assert line.startswith(" · By " if authors else " · ") if linked else not line.strip(), line
            if name.startswith("archive/"):
                months.setdefault(name.split("/page/")[0].removesuffix("index.html"), set()).add(url)
    # every brief once in its month
    assert set().union(*months.values()) == set(meta)


def test_a_labelled_headline_keeps_its_badge_in_the_lists(pages):
    rows = [(n, item) for n, p in pages.items() if LISTS.match(n) for item in ITEM.findall(p)
            if "nb-label" in item[1]]
    assert len(rows) >= 3  # its month, its publisher and its author(s)
    for name, (_, title, *_rest) in rows:
        assert '<span class="nb-label">' in title and _text(title) == PLAIN, name


def test_an_item_weighs_less_than_half_a_card(pages):
    """~650 bytes a brief as Material's card markup (round 4); an item now."""
    items = [m.group(0) for n, p in pages.items() if LISTS.match(n) for m in ITEM.finditer(p)
             if "nb-label" not in m.group(0)]  # (a badge is markup of its own)
    assert len(items) >= 100
    furniture = [len(i.encode()) - sum(len(t.encode()) for t in re.findall(r'>([^<]*)<', i))
                 - sum(len(h) for h in re.findall(r'href="([^"]*)"', i)) for i in items]
    # the markup around the text and the URLs (tags, attributes, the datetime): ~400 bytes
    # in a card, ~95 in an item (one author; 11 more a further author)
    assert max(furniture) <= 120, max(furniture)


# --- feeds where they belong; no generator ---------------------------------------------

def _alternates(page: str) -> set[str]:
    links = re.findall(r'<link rel="alternate" type="[^"]+" title="[^"]+" href="([^"]+)">', page)
    return {h.rsplit("/", 1)[-1] for h in links}


def test_feed_links_where_a_reader_is(pages):
    briefs, digests = {"feed.xml", "feed.json"}, {"feed_digests.xml", "feed_digests.json"}
    for name, page in pages.items():
        home = name == "index.html"
        assert _alternates(page) == (briefs | digests if home or name.startswith("digests/") else briefs), name
        assert '<meta name="generator"' not in page and '<link rel="icon"' in page, name
    assert any(re.match(r"digests/\d{4}/\d{2}/(daily|weekly)-", n) for n in pages)


class _Cfg(dict):
    __getattr__ = dict.__getitem__


def _config(*plugins: tuple[str, dict]) -> SimpleNamespace:
    return SimpleNamespace(site_name="site", plugins={k: SimpleNamespace(config=_Cfg(v)) for k, v in plugins})


BLOGS = (("material/blog", {"blog_dir": "digests", "post_dir": "posts/digests", "enabled": True}),
         ("material/blog #2", {"blog_dir": ".", "post_dir": "{blog}/posts", "enabled": True}))
NAMES = {"rss_created": "a.xml", "json_created": "a.json"}


def test_a_feed_is_linked_from_its_blogs_pages_and_the_home_page():
    config = _config(*BLOGS,
                     ("rss", {"match_path": "posts/(?!digests/).*", "feeds_filenames": NAMES, "feed_title": "B"}),
                     ("rss #2", {"match_path": "posts/digests/.*", "feed_title": "D",
                                 "feeds_filenames": {"rss_created": "d.xml", "json_created": "d.json"}}))

    def files(url, home=False):
        return [f for _, _, f in feeds.alternates(config, SimpleNamespace(url=url, is_homepage=home))]

    assert files("", home=True) == ["a.xml", "a.json", "d.xml", "d.json"]
    assert files("2024/01/a-brief/") == files("tags/") == ["a.xml", "a.json"]
    assert files("digests/") == files("digests/2024/01/daily-2024-01-02/") == ["a.xml", "a.json", "d.xml", "d.json"]
    assert [f for _, _, f in feeds.alternates(config, None)] == ["a.xml", "a.json"]  # 404.html
    kinds = feeds.alternates(config, SimpleNamespace(url="digests/", is_homepage=False))
    assert kinds[2:] == [("application/rss+xml", "D", "d.xml"), ("application/feed+json", "D (JSON Feed)", "d.json")]


def test_a_feed_of_no_one_blog_is_on_every_page():
    config = _config(*BLOGS, ("rss", {"match_path": ".*", "feeds_filenames": NAMES, "json_feed_enabled": False}),
                     ("rss #2", {"match_path": "elsewhere/.*", "feeds_filenames": NAMES, "enabled": False}))
    got = feeds.alternates(config, SimpleNamespace(url="digests/x/", is_homepage=False))
    assert got == [("application/rss+xml", "site", "a.xml")]
