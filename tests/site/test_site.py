"""The built site, checked in its HTML, feeds and sitemap.

One build per session: the project's site sources (mkdocs.yml, docs/ without the generated
docs/posts/, overrides/) are copied into a temp folder, seeds/ gets the sample dump, every
fixture of tests/fixtures (checked against its answer) and one hostile dump written here, and `newsbrief build`
(= `mkdocs build --strict` with the newsbrief plugin converting first) runs there.
"""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from fixture_dumps import REPO, answers, dumps
from site_support import copy_project

pytestmark = pytest.mark.slow

SITE_URL = "https://news.example.org/briefs/"
WS = re.compile(r"[\s\u00a0\u200b\u200c\u200d\ufeff]+")

# A dump whose title, byline and text are HTML/Markdown/template syntax when read naively.
HOSTILE_TITLE = '</title><script>alert(1)</script> <img src=x onerror=alert(2)> & "q" AT&amp;T'
HOSTILE_PUBLISHER = "AT&T <img src=p onerror=alert(5)>"
HOSTILE_DUMP = (
    "9_-424242-1\n\n"
    f"{HOSTILE_TITLE}\n\n"
    "May 20, 2025\n\n"
    "Summary\n\n"
    "The <b>Harrowgate</b> council & the Kelsey Bridge police said on Monday that {{ config }} was closed.\n"
    'A second paragraph with "quotes", an ampersand & and a [link](javascript:alert(6)) in it.\n\n'
    f"The content is provided by Jane Doe, {HOSTILE_PUBLISHER}\n"
)


def norm(s) -> str:
    return WS.sub(" ", str(s or "")).strip()


def strip_marks(s: str) -> str:
    return re.sub(r"\s*[¶#]\s*$", "", s).strip()


class Page(HTMLParser):
    """What the tests need from one HTML file."""

    BLOCK: ClassVar = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "td"}
    # Elements that make the browser fetch their URL by themselves.
    FETCH: ClassVar = {"script": "src", "img": "src", "iframe": "src", "audio": "src", "video": "src",
             "source": "src", "embed": "src", "object": "data", "input": "src", "track": "src"}
    LINK_FETCH_RELS: ClassVar = {"stylesheet", "icon", "shortcut", "apple-touch-icon", "preload",
                       "modulepreload", "prefetch", "preconnect", "dns-prefetch", "manifest"}

    def __init__(self, path: Path):
        super().__init__(convert_charrefs=True)
        self.path = path
        self.h1: list[str] = []
        self.blocks: list[str] = []  # text of block elements inside <article>
        self.links: list[str] = []  # every <a href>
        self.fetches: list[str] = []  # URLs the browser loads without a click
        self.handlers: list[tuple[str, str]] = []  # on* attributes and javascript: URLs
        self.scripts: list[str] = []  # inline script bodies
        self.title = ""
        self.raw = ""
        self._stack: list[list] = []
        self._article = 0
        self._in_title = False
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        for k, v in a.items():
            if k.startswith("on"):
                self.handlers.append((tag, f"{k}={v}"))
            if v.strip().lower().startswith("javascript:"):
                self.handlers.append((tag, f"{k}={v}"))
            if k == "style" and "url(" in v:
                self.fetches.extend(re.findall(r"url\(\s*['\"]?([^'\")]+)", v))
        if tag == "article":
            self._article += 1
        if tag == "a" and "href" in a:
            self.links.append(a["href"])
        if tag in self.FETCH and a.get(self.FETCH[tag]):
            self.fetches.append(a[self.FETCH[tag]])
        if tag in ("img", "source") and a.get("srcset"):
            self.fetches.extend(part.split()[0] for part in a["srcset"].split(",") if part.strip())
        if tag == "link" and a.get("href"):
            rels = set(a.get("rel", "").lower().split())
            if rels & self.LINK_FETCH_RELS:
                self.fetches.append(a["href"])
        if tag == "title":
            self._in_title = True
        if tag == "script":
            self._in_script = True
            self.scripts.append("")
        if tag in self.BLOCK:
            self._stack.append([tag, []])

    def handle_endtag(self, tag):
        if tag == "article":
            self._article = max(0, self._article - 1)
        if tag == "title":
            self._in_title = False
        if tag == "script":
            self._in_script = False
        if tag in self.BLOCK and self._stack:
            t, parts = self._stack.pop()
            text = norm("".join(parts))
            if t == "h1":
                self.h1.append(strip_marks(text))
            if self._article:
                self.blocks.append(strip_marks(text))
            if self._stack:
                self._stack[-1][1].append("".join(parts))

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        if self._in_script and self.scripts:
            self.scripts[-1] += data
        if self._stack:
            self._stack[-1][1].append(data)


@dataclass
class Site:
    root: Path
    out: str
    returncode: int
    records: list[dict]
    expected: dict[str, dict]
    pages: dict[str, Page] = field(default_factory=dict)  # URL path ("/briefs/x/") -> page

    def url_of(self, html_file: Path) -> str:
        rel = html_file.relative_to(self.root / "site").as_posix()
        rel = rel[: -len("index.html")] if rel.endswith("index.html") else rel
        return urlsplit(SITE_URL).path + rel

    def resolve(self, page_url: str, href: str) -> str | None:
        """A link's target as a URL path on this site, or None if it points elsewhere."""
        target = urlsplit(urljoin(urljoin(SITE_URL, page_url), href))
        if (target.scheme, target.netloc) != tuple(urlsplit(SITE_URL)[:2]):
            return None
        return unquote(target.path)  # "luc%C3%ADa-ferreyra/": the page is saved under its Unicode name

    def with_h1(self, text: str) -> list[str]:
        return [url for url, p in self.pages.items() if norm(text) in p.h1]

    def linking_to(self, target: str, under: str) -> list[str]:
        """URLs of pages under the URL prefix `under` with a link to `target`."""
        prefix = urlsplit(SITE_URL).path + under
        return [url for url, p in self.pages.items() if url.startswith(prefix)
                and any(self.resolve(url, h) == target for h in p.links)]


def _copy_sources(dest: Path) -> None:
    copy_project(dest, [*sorted((REPO / "seeds").glob("*.txt")), *dumps()])
    (dest / "seeds" / "99_hostile.txt").write_text(HOSTILE_DUMP, encoding="utf-8")


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Site:
    root = tmp_path_factory.mktemp("site-build")
    _copy_sources(root)
    env = dict(os.environ, NEWSBRIEF_SITE_URL=SITE_URL)
    env.pop("NEWSBRIEF_STRICT", None)
    p = subprocess.run([sys.executable, "-m", "builder", "build"], cwd=root, env=env,
                       capture_output=True, text=True, timeout=900)
    exp = subprocess.run([sys.executable, "-m", "builder", "export", "seeds"], cwd=root,
                         capture_output=True, text=True, timeout=600)
    records = [json.loads(line) for line in exp.stdout.splitlines() if line.startswith("{")]
    s = Site(root, p.stdout + p.stderr, p.returncode, records, answers())
    for f in sorted((root / "site").rglob("*.html")):
        page = Page(f)
        page.raw = f.read_text(encoding="utf-8")
        page.feed(page.raw)
        s.pages[s.url_of(f)] = page
    return s


def _record(site: Site, name: str) -> dict:
    rec = next((r for r in site.records if Path(r["source_path"]).name == name), None)
    assert rec is not None, f"no export record for {name}"
    return rec


def _post_url(site: Site, rec: dict) -> str:
    """The URL of a published brief: /briefs/YYYY/MM/slug/ (blog post_url_format)."""
    y, m, _ = rec["date"].split("-")
    return f"{urlsplit(SITE_URL).path}{y}/{m}/{Path(rec['page']).stem}/"


def _published(site: Site) -> list[tuple[str, dict, dict]]:
    out = []
    for name, exp in site.expected.items():
        if exp["status"] == "ok":
            out.append((name, exp, _record(site, name)))
    return out


# -- the build -------------------------------------------------------------------------


def test_build_succeeds_without_warnings(site: Site):
    assert site.returncode == 0, site.out[-3000:]
    warnings = [line for line in site.out.splitlines() if "WARNING" in line or "ERROR" in line]
    assert warnings == []
    assert (site.root / "site" / "index.html").is_file()


def test_build_reports_rejected_dumps_as_info(site: Site):
    for name, exp in site.expected.items():
        if exp["status"] == "rejected":
            line = next((ln for ln in site.out.splitlines() if name in ln and "rejected" in ln), None)
            assert line is not None, f"{name} not reported"
            assert line.startswith("INFO"), line
    assert re.search(r"newsbrief: \d+ dumps: \d+ published, \d+ rejected", site.out)


# -- one page per brief, with all its text ----------------------------------------------


def test_each_brief_has_exactly_one_page_with_its_title_as_h1(site: Site):
    for name, exp, rec in _published(site):
        urls = site.with_h1(exp["title"])
        assert urls == [_post_url(site, rec)], f"{name}: h1 {exp['title']!r} on {urls}"


def test_each_brief_page_holds_all_its_text(site: Site):
    for name, exp, rec in _published(site):
        page = site.pages[_post_url(site, rec)]
        body = " ".join(page.blocks)
        for section in exp.get("sections", []):
            if section.get("heading"):
                assert norm(section["heading"]) in page.blocks, f"{name}: heading {section['heading']!r}"
            for para in section["paragraphs"]:
                assert norm(para) in page.blocks or norm(para) in body, f"{name}: missing {para[:80]!r}"
        for hl in exp.get("highlights", []):
            assert norm(hl) in body, f"{name}: highlight {hl[:80]!r}"
        for line in exp.get("boilerplate", []):
            if norm(line) and norm(line) != norm(exp["title"]):
                assert norm(line) not in page.blocks[1:], f"{name}: boilerplate {line!r}"


def test_brief_page_shows_date_authors_publisher_and_tags(site: Site):
    for name, exp, rec in _published(site):
        url = _post_url(site, rec)
        text = (site.root / "site" / url[len(urlsplit(SITE_URL).path):] / "index.html").read_text("utf-8")
        byline = re.search(r'<div class="nb-byline">(.*?)</div>', text, re.S)
        assert byline, f"{name}: no byline"
        shown = norm(html.unescape(re.sub(r"<[^>]+>", "", byline.group(1))))
        assert str(int(rec["date"][8:])) in shown and rec["date"][:4] in shown, shown
        for author in exp.get("authors", []):
            assert norm(author) in shown, f"{name}: author {author!r} not in {shown!r}"
        if exp.get("publisher"):
            assert norm(exp["publisher"]) in shown, f"{name}: publisher not in {shown!r}"
        tags_nav = re.search(r'<nav class="(?:md|nb)-tags"[^>]*>(.*?)</nav>', text, re.S)  # nb-tags: under the byline
        assert tags_nav, f"{name}: no tags shown"
        for tag in rec["tags"]:
            assert html.escape(tag, quote=False) in tags_nav.group(1) or tag in html.unescape(tags_nav.group(1))


def test_unpublished_dumps_have_no_page(site: Site):
    published_titles = {norm(e["title"]) for _, e, _ in _published(site)}
    for name, exp in site.expected.items():
        if exp["status"] in ("superseded", "duplicate"):
            title = norm(_record(site, name).get("title"))
            if title and title not in published_titles:
                assert site.with_h1(title) == [], f"{name} ({exp['status']}) was published"


def test_index_pages_never_use_h1_for_a_brief(site: Site):
    titles = {norm(e["title"]) for _, e, _ in _published(site)}
    posts = {_post_url(site, rec) for _, _, rec in _published(site)}
    checked = 0
    for url, page in site.pages.items():
        if url not in posts:
            checked += 1
            assert not titles & set(page.h1), f"{url} has a brief's title as h1"
    assert checked > len(posts)  # home, archive, publishers, authors, tags, about...


# -- navigation: archive, publisher, author and tag pages link to every brief ------------


def test_home_archive_publisher_author_and_tag_pages_link_to_each_brief(site: Site):
    base = urlsplit(SITE_URL).path
    for name, exp, rec in _published(site):
        target = _post_url(site, rec)
        y, m = rec["date"][:4], rec["date"][5:7]
        assert site.linking_to(target, f"archive/{y}/{m}/"), f"{name}: not in archive {y}/{m}"
        if exp.get("publisher"):
            pubs = [u for u in site.linking_to(target, "publisher/")
                    if norm(exp["publisher"]) in site.pages[u].h1]
            assert pubs, f"{name}: no publisher page for {exp['publisher']!r} links to it"
        for author in exp["authors"]:
            pages = [u for u in site.linking_to(target, "author/") if norm(author) in site.pages[u].h1]
            assert pages, f"{name}: no author page for {author!r} links to it"
        for tag in rec["tags"]:  # each tag has its own page, and the tags index links to it
            pages = [u for u in site.linking_to(target, "tags/") if norm(tag) in site.pages[u].h1]
            assert pages, f"{name}: no page for tag {tag!r} links to it"
            assert f"{base}tags/" in site.linking_to(pages[0], "tags/"), f"tags index does not link to {pages[0]}"
        home = [u for u in site.pages if u == base or u.startswith(base + "page/")]
        assert any(target in {site.resolve(u, h) for h in site.pages[u].links} for u in home), \
            f"{name}: not on the home page or its pagination"


def test_nav_tabs_reach_archive_tags_authors_about_in_one_click(site: Site):
    home = site.pages[urlsplit(SITE_URL).path]
    targets = {site.resolve(urlsplit(SITE_URL).path, h) for h in home.links}
    base = urlsplit(SITE_URL).path
    for path in ("archive/", "tags/", "authors/", "about/"):
        assert base + path in targets, f"no link to {path} on the home page"
    authors = site.pages[base + "authors/"]
    for _, exp, _ in _published(site):
        for author in exp["authors"]:
            assert any(norm(author) in b for b in authors.blocks), f"{author} not on authors page"


# -- feeds and sitemap ---------------------------------------------------------------------


def test_rss_feed_parses_and_lists_each_brief(site: Site):
    feedparser = pytest.importorskip("feedparser")
    feed = feedparser.parse(str(site.root / "site" / "feed.xml"))
    assert not feed.bozo, feed.get("bozo_exception")
    links = {e.link for e in feed.entries}
    titles = {norm(e.title) for e in feed.entries}
    for name, exp, rec in _published(site):
        assert urljoin(SITE_URL, _post_url(site, rec)) in links, f"{name} not in RSS"
        assert norm(exp["title"]) in titles, f"{name}: RSS title differs"
    hostile = next(e for e in feed.entries if "alert(1)" in e.title)
    assert hostile.title == HOSTILE_TITLE


def test_json_feed_parses_and_lists_each_brief(site: Site):
    data = json.loads((site.root / "site" / "feed.json").read_text(encoding="utf-8"))
    assert data["version"].startswith("https://jsonfeed.org/version/1")
    urls = {item["url"] for item in data["items"]}
    titles = {item["title"] for item in data["items"]}
    for name, exp, rec in _published(site):
        assert urljoin(SITE_URL, _post_url(site, rec)) in urls, f"{name} not in JSON feed"
        assert exp["title"] in titles or norm(exp["title"]) in {norm(t) for t in titles}
    digests = [item for item in data["items"] if re.search(r"/(daily|weekly)-\d{4}-", item["url"])]
    assert not digests, "the digests have a feed of their own (digests/feed.json), not the briefs' feed"
    for item in data["items"]:
        assert "<" not in item["content_html"].replace("&lt;", ""), "feed HTML carries live markup"
        assert item["date_published"][:10] in {r.get("date") for r in site.records}


def test_sitemap_lists_each_brief(site: Site):
    tree = ET.parse(site.root / "site" / "sitemap.xml")
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = {el.text for el in tree.getroot().findall("s:url/s:loc", ns)}
    for name, _, rec in _published(site):
        assert urljoin(SITE_URL, _post_url(site, rec)) in locs, f"{name} not in sitemap"


# -- nothing from any other host; dump text stays text ----------------------------------


def _is_external(url: str) -> bool:
    u = urlsplit(url.strip())
    if u.scheme in ("", "data", "blob"):
        return bool(u.netloc)  # //host/path is external too
    return True  # http(s) or any other scheme: the site must not load it


def test_no_asset_from_any_host(site: Site):
    bad = [(url, f) for url, p in site.pages.items() for f in p.fetches if _is_external(f)]
    assert bad == []
    for css in (site.root / "site").rglob("*.css"):
        text = css.read_text(encoding="utf-8", errors="replace")
        for ref in re.findall(r"url\(\s*['\"]?([^'\")]+)", text) + re.findall(r"@import\s+['\"]([^'\"]+)", text):
            assert not _is_external(ref), f"{css.name}: {ref}"
    # Links a reader might click: nothing to another host (the footer generator link,
    # GitHub, ...). Canonical/feed <link>s point at the site itself, not elsewhere.
    site_host = urlsplit(SITE_URL).netloc
    offsite = {h for p in site.pages.values() for h in p.links
               if urlsplit(h).netloc and urlsplit(h).netloc != site_host}
    assert offsite == set()


def test_no_script_or_handler_from_dump_text(site: Site):
    for url, page in site.pages.items():
        assert page.handlers == [], f"{url}: {page.handlers}"
        for body in page.scripts:
            assert "alert(" not in body, f"{url}: dump text became a script"
        raw_title = re.search(r"<title>(.*?)</title>", page.raw, re.S)
        assert raw_title and "<" not in raw_title.group(1), f"{url}: markup in <title>"


def test_hostile_title_and_publisher_show_as_text(site: Site):
    rec = _record(site, "99_hostile.txt")
    assert rec["status"] == "ok" and rec["title"] == HOSTILE_TITLE
    url = _post_url(site, rec)
    page = site.pages[url]
    assert page.h1 == [norm(HOSTILE_TITLE)]
    assert norm(page.title) == norm(f"{HOSTILE_TITLE} - newsbrief")
    text = (site.root / "site" / url[len(urlsplit(SITE_URL).path):] / "index.html").read_text("utf-8")
    assert "<img src=x" not in text and "<script>alert" not in text
    desc = re.search(r'<meta name="description" content="([^"]*)"', text)
    assert desc and "<b>Harrowgate</b>" in html.unescape(desc.group(1))
    # The publisher's page: its name as the h1, as text; and in the nav of every page.
    pubs = [u for u, p in site.pages.items() if norm(HOSTILE_PUBLISHER) in p.h1]
    assert len(pubs) == 1, pubs
    for f in (site.root / "site").rglob("*.html"):
        assert "<img src=p" not in f.read_text(encoding="utf-8"), f"{f}: publisher rendered as markup"
    # The search index holds titles as HTML (Material shows them with innerHTML).
    index = json.loads((site.root / "site" / "search" / "search_index.json").read_text("utf-8"))
    for doc in index["docs"]:
        assert "<img" not in doc["title"] and "<script" not in doc["title"], doc["title"]
        assert "<img src" not in doc["text"] and "<script>" not in doc["text"]


# -- archive intelligence (issue 6) in the built site -----------------------------------


def test_related_briefs_link_to_published_briefs(site: Site):
    """The export's `related` lists show on each brief's page as links to those briefs."""
    shown = 0
    for _name, _exp, rec in _published(site):
        url = _post_url(site, rec)
        raw = site.pages[url].raw
        related = rec.get("related", [])
        if not related:
            assert 'class="nb-related"' not in raw
            continue
        block = raw[raw.index('class="nb-related"'):]
        block = block[: block.index("</section>")]
        targets = {site.resolve(url, h) for h in re.findall(r'href="([^"]+)"', block)}
        want = {_post_url(site, next(r for r in site.records if r.get("page") == p)) for p in related}
        assert targets == want
        shown += 1
    assert shown, "no brief of the test archive has related briefs"


def test_weekly_digest_lists_each_brief_of_its_week(site: Site):
    # Digests are in the Digests section (digests/...), for a week with two briefs or more
    # (digests.min_briefs); tests/archive/test_digests_section.py has the rest.
    import datetime as dt
    from collections import defaultdict

    weeks = defaultdict(list)
    for _name, _exp, rec in _published(site):
        weeks[dt.date.fromisoformat(rec["date"]).isocalendar()[:2]].append(rec)
    assert any(len(recs) >= 2 for recs in weeks.values()), "the test site should have a week with digests"
    for (year, week), recs in weeks.items():
        newest = max(r["date"] for r in recs)
        y, m = newest[:4], newest[5:7]
        digest = f"{urlsplit(SITE_URL).path}digests/{y}/{m}/weekly-{year}-w{week:02d}/"
        if len(recs) < 2:
            assert digest not in site.pages
            continue
        assert digest in site.pages, f"no weekly digest for {year}-W{week}"
        for rec in recs:
            assert _post_url(site, rec) in {site.resolve(digest, h) for h in site.pages[digest].links}
        # the digests' own archive links the digest; the briefs' archive does not
        assert site.linking_to(digest, f"digests/archive/{y}/{m}/"), f"digests archive {y}/{m} does not link it"
        assert not site.linking_to(digest, f"archive/{y}/{m}/")

