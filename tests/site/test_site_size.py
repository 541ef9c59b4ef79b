"""Small pages (issue #15): pages without template indentation (builder/site/compact.py,
plugin option `minify`) and lists by title on the archive, publisher and author pages
(builder/site/lists.py, option `title_lists`). A reader sees the same text; the options
off give the pages as they were."""

from __future__ import annotations

import datetime as dt
import random
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar

import pytest
from dumpgen import make_dump
from site_support import copy_site_sources

from builder.site.compact import compact
from builder.site.pagination import numbered_pages

pytestmark = pytest.mark.slow

# (and the home pages after the first, the blog's and the digests': tests/site/test_site_size2.py)
TITLE_LIST_DIRS = ("archive/", "publisher/", "author/", "digests/archive/", "page/", "digests/page/")
# A title row (overrides/blog-list.html): the headline's link, a line break, the day.
ROW = re.compile(r'<li><a href="([^"]+)">(?:(?!</li>).)*?</a><br>\n<time datetime=', re.S)


class _Text(HTMLParser):
    """The text a reader is shown (scripts and styles aside), whitespace collapsed; and
    the tags left open at the end (void elements aside)."""

    VOID: ClassVar[set[str]] = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                                "source", "track", "wbr", "path", "use"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.open: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag, attrs):
        pass

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip -= 1
        if tag in self.open:
            while self.open.pop() != tag:
                pass

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def _read(html: str) -> tuple[str, list[str]]:
    p = _Text()
    p.feed(html)
    p.close()
    return " ".join(" ".join(p.parts).split()), p.open


def _config(project: Path, name: str, options: str) -> str:
    text = (project / "mkdocs.yml").read_text(encoding="utf-8")
    marker = "      posts_dir: posts\n"
    assert marker in text
    (project / name).write_text(text.replace(marker, marker + options, 1), encoding="utf-8")
    return name


def _build(project: Path, config: str, site: str) -> Path:
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", config, "-d", site], cwd=project,
                          capture_output=True, text=True, timeout=900, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return project / site


def _pages(site: Path) -> dict[str, str]:
    """The HTML pages by path. The light pages' scripts (site/shell.py) hold the header and drawer
    markup as the page would have it, compacted or not, so their content-hashed names differ
    between the two sites: they are read here without their hash."""
    shell = re.compile(r"nb-(shell|nav)\.[0-9a-f]+\.js")
    return {p.relative_to(site).as_posix(): shell.sub(r"nb-\1.js", p.read_text(encoding="utf-8"))
            for p in site.rglob("*.html") if not p.relative_to(site).as_posix().startswith("pagefind/")}


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, str], dict[str, str]]:
    """(the site as configured, the site with both options off), same seeds: the sample
    dumps and 60 more in January 2024, so that month's list runs to a second page."""
    project = tmp_path_factory.mktemp("project-site-size")
    copy_site_sources(project)
    for i in range(60):
        gen = make_dump(random.Random(i), day=dt.date(2024, 1, 1) + dt.timedelta(days=i % 28),
                        ident=f"1_-{8000000 + i}-1")
        (project / "seeds" / f"size-{i:03d}.txt").write_text(gen.text, encoding="utf-8")
    small = _build(project, "mkdocs.yml", "site")
    full = _build(project, _config(project, "full.yml", "      minify: false\n      title_lists: false\n"), "site-full")
    return _pages(small), _pages(full)


def test_compact_cuts_indentation_only():
    page = ('<div class="a">\n    <p>One  two\n  three</p>\n    <span>x</span>\n    <span>y</span>\n  </div>\n'
            '<pre>\n  kept\n    as is\n</pre>\n<code>a\n   b</code>\n<script>\n  var x = "\n  ";\n</script>\n'
            '<p title="t">  a <b>b</b>\n\n   c</p>\n  <script></script>\n  \n  <style></style>  <p>x</p>')
    out = compact(page)
    assert out == ('<div class="a">\n<p>One  two\n  three</p>\n<span>x</span>\n<span>y</span>\n</div>\n'
                   '<pre>\n  kept\n    as is\n</pre>\n<code>a\n   b</code>\n<script>\n  var x = "\n  ";\n</script>\n'
                   '<p title="t">  a <b>b</b>\nc</p>\n<script></script>\n<style></style>  <p>x</p>')
    assert compact(out) == out
    assert _read(out) == _read(page)


def test_every_page_is_its_full_page_without_indentation(sites):
    small, full = sites
    # Title lists cut the blogs' later index pages by fifty (option index_titles_per_page),
    # so the lists and the two index pages whose pagers point into them differ in more
    # than whitespace; every other page is compared.
    lists = {n for n in small.keys() | full.keys() if n.startswith(TITLE_LIST_DIRS)}
    lists |= {"index.html", "digests/index.html"}
    assert small.keys() - lists == full.keys() - lists
    assert lists & small.keys()
    for name, html in small.items():
        if name in lists:
            continue
        assert html == compact(full[name]), name  # the option only takes whitespace out
        text, unclosed = _read(html)
        assert (text, unclosed) == _read(full[name]), name  # same text, same tree
    briefs = [n for n in small if re.match(r"\d{4}/\d{2}/[^/]+/index\.html$", n)]
    assert len(briefs) > 60
    indented = re.compile(r">\s*\n\s+<")  # (attributes on lines of their own keep their indentation)
    assert all(indented.search(full[n]) and not indented.search(small[n]) for n in briefs)
    assert all('class="md-content__inner md-typeset"' in small[n] for n in briefs)  # quotes kept


def test_lists_by_title_name_every_brief_and_the_home_page_keeps_its_excerpts(sites):
    small, full = sites
    home = small["index.html"]
    # the first page shows the newest 10 to 19 (lists are numbered from the oldest:
    # site/pagination.py), each a card with its excerpt
    assert 10 <= home.count('<article class="md-post md-post--excerpt">') <= 19 and "md-post__content" in home
    briefs = {n[:-len("index.html")] for n in small if re.match(r"\d{4}/\d{2}/[^/]+/index\.html$", n)}
    for folder in ("archive/", "publisher/"):
        listed: list[str] = []
        for name, html in small.items():
            if name.startswith(folder) and name.count("/") > 1:
                assert "md-post__content" not in html and "md-post__action" not in html, name
                rows = ROW.findall(html)
                # numbered pages hold fifty; the first page the newest 50 to 99 (lists are
                # numbered from the oldest: site/pagination.py)
                assert (len(rows) == 50) if "/page/" in name else (0 < len(rows) <= 99), name
                depth = name.count("/")
                listed += [re.sub(r"^(\.\./)+", "", h) for h in rows if h.startswith("../" * depth)]
        assert len(listed) == len(set(listed)) and set(listed) <= briefs, folder  # once at most
        if folder == "archive/":
            assert set(listed) == briefs  # every brief is in its month
    january = sorted(n for n in small if n.startswith("archive/2024/01/"))
    in_january = sum(1 for b in briefs if b.startswith("2024/01/"))
    assert in_january > 50  # more than a page of fifty: the first page takes up to 99
    assert len(january) == 1 + numbered_pages(in_january, 50)
    assert sum(len(h.encode()) for h in small.values()) < 0.8 * sum(len(h.encode()) for h in full.values())
