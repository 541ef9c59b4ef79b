"""Scraped headline labels shown apart from the headline (issue 14, "Clean headlines").

The title stays the dump's (export, front matter, the text of the brief's <h1>, which
../shared/tools/score.py looks the page up by); the label is a badge (``nb-label``) with
the decoration's punctuation in hidden ``nb-deco`` spans on the brief's page, its cards
and every link to it; plain-text places (<title>, feeds, search) read "Updated: ...".
"""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import feedparser
import pytest
import yaml
from site_support import copy_project

from builder.site.labels import from_meta, labelled_html, with_labels

pytestmark = pytest.mark.slow

SITE_URL = "https://news.example.org/"
BRIEFS = {
    "l1.txt": ("2_-0000007001-5", "*Updated* Steelmakers brace for Trump’s second tariff round", "May 13, 2025",
               "Steelmakers", "By Harper Eastwood, Harbourside Times"),
    "l2.txt": ("2_-0000007002-5", "---Breaking--- Floods close the coast road", "May 13, 2025",
               "Floods", "By Colm Byrne, Kellow Courier"),
    "l3.txt": ("2_-0000007003-5", "Ferry fares <frozen> & fixed for a year (LIVE)", "May 14, 2025",
               "Ferry", "By Colm Byrne, Kellow Courier"),
    "l4.txt": ("2_-0000007004-5", "Harbour wall budget approved after late-night debate", "May 14, 2025",
               "Harbour", "By Harper Eastwood, Harbourside Times"),
}


def dump(ident, title, date, word, byline) -> str:
    body = [f"{word} news from the harbour town of Kellow was reported on the day by the council and residents.",
            f"The {word.lower()} story continued in the afternoon as the council met again to decide on the matter."]
    return "\n\n".join([ident, title, date, *body, byline]) + "\n"


class H1(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth, self.texts = 0, []

    def handle_starttag(self, tag, attrs):
        if tag == "h1":
            self.depth, self.texts = 1, [*self.texts, ""]

    def handle_endtag(self, tag):
        if tag == "h1":
            self.depth = 0

    def handle_data(self, data):
        if self.depth:
            self.texts[-1] += data


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("labels"))
    for name, args in BRIEFS.items():
        (root / "seeds" / name).write_text(dump(*args), encoding="utf-8")
    env = dict(os.environ, NEWSBRIEF_SITE_URL=SITE_URL)
    p = subprocess.run([sys.executable, "-m", "builder", "build"], cwd=root, env=env,
                       capture_output=True, text=True, timeout=900)
    assert p.returncode == 0, (p.stdout + p.stderr)[-3000:]
    return root


def _front(root: Path) -> dict[str, tuple[Path, dict]]:
    out = {}
    for md in (root / "docs" / "posts").rglob("*.md"):
        meta = yaml.safe_load(md.read_text(encoding="utf-8").split("---\n", 2)[1])
        if not meta.get("digest"):
            out[meta["title"]] = (md, meta)
    return out


def _page(root: Path, md: Path) -> str:
    rel = md.relative_to(root / "docs" / "posts").with_suffix("")
    return (root / "site" / rel.parent / rel.name / "index.html").read_text(encoding="utf-8")


def test_front_matter_keeps_the_title_and_records_the_split(site):
    front = _front(site)
    assert front["*Updated* Steelmakers brace for Trump’s second tariff round"][1]["title_label"] == "Updated"
    assert front["---Breaking--- Floods close the coast road"][1]["title_headline"] == "Floods close the coast road"
    assert front["Ferry fares <frozen> & fixed for a year (LIVE)"][1]["title_label"] == "LIVE"
    assert "title_label" not in front["Harbour wall budget approved after late-night debate"][1]
    assert "*updated*" not in front["*Updated* Steelmakers brace for Trump’s second tariff round"][1]["slug"]


@pytest.mark.parametrize("title,label,headline", [
    ("*Updated* Steelmakers brace for Trump’s second tariff round", "Updated",
     "Steelmakers brace for Trump’s second tariff round"),
    ("---Breaking--- Floods close the coast road", "Breaking", "Floods close the coast road"),
    ("Ferry fares <frozen> & fixed for a year (LIVE)", "LIVE", "Ferry fares <frozen> & fixed for a year"),
])
def test_brief_page_h1_text_is_the_title_with_a_badge(site, title, label, headline):
    md, _ = _front(site)[title]
    page = _page(site, md)
    parser = H1()
    parser.feed(page)
    assert [" ".join(t.split()) for t in parser.texts] == [title]  # what score.py reads
    h1 = re.search(r"<h1\b[^>]*>(.*?)</h1>", page, re.S)[1]
    badge = re.search(r'<span class="nb-label[^"]*">(.*?)</span></span>|<span class="nb-label[^"]*">([^<]*)</span>', h1)
    assert badge is not None and label in html.unescape(re.sub(r'<span class="nb-deco">[^<]*</span>', "", h1))
    visible = html.unescape(re.sub(r"<[^>]+>", "", re.sub(r'<span class="nb-deco">[^<]*</span>', "", h1)))
    assert visible.replace(label, "", 1).strip() == headline  # the decoration's marks are hidden
    assert "<frozen>" not in h1  # dump text stays escaped
    # plain-text places: the <title>
    title_tag = html.unescape(re.search(r"<title>(.*?)</title>", page)[1])
    assert title_tag.startswith(f"{label.capitalize() if label.isupper() else label}: {headline} - ")


def test_cards_and_links_show_the_badge(site):
    home = (site / "site" / "index.html").read_text(encoding="utf-8")
    cards = re.findall(r'<a class="toclink" href="[^"]*">(.*?)</a>', home, re.S)
    labelled = [c for c in cards if "nb-label" in c]
    assert len(labelled) == 3, cards
    assert not any("nb-label" in c for c in cards if "Harbour wall" in c)
    for c in labelled:
        assert "*" not in re.sub(r'<span class="nb-deco">[^<]*</span>', "", c)


def test_feeds_read_label_colon_headline(site):
    feed = feedparser.parse(str(site / "site" / "feed.xml"))
    assert not feed.bozo, feed.bozo_exception
    titles = {e.title for e in feed.entries}
    assert "Updated: Steelmakers brace for Trump’s second tariff round" in titles
    assert "Breaking: Floods close the coast road" in titles
    assert "Live: Ferry fares <frozen> & fixed for a year" in titles
    assert "Harbour wall budget approved after late-night debate" in titles
    items = json.loads((site / "site" / "feed.json").read_text(encoding="utf-8"))["items"]
    assert {i["title"] for i in items} == titles


def test_untrusted_front_matter_that_does_not_fit_is_ignored():
    assert from_meta({"title": "A title", "title_label": "Updated", "title_headline": "Other"}) is None
    assert from_meta({"title": "*Updated* X", "title_label": "Nope", "title_headline": "X"}) is None
    assert from_meta({"title": "*Updated* X", "title_label": 3, "title_headline": "X"}) is None
    lab = from_meta({"title": "[<b>] X", "title_label": "<b>", "title_headline": "X"})
    assert lab is None or "<b>" not in labelled_html(lab, lab.title)


def test_links_whose_text_is_not_a_whole_title_are_left_alone():
    lab = from_meta({"title": "*Updated* X & Y", "title_label": "Updated", "title_headline": "X & Y"})
    page = '<a href="a">*Updated* X &amp; Y</a> <a href="b">*Updated* X &amp; Y and more</a>'
    out = with_labels(page, {lab.title: lab})
    assert out.count("nb-label") == 1 and 'href="b">*Updated* X &amp; Y and more</a>' in out
