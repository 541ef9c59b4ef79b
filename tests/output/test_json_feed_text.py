"""The JSON Feed's plain-text fields are plain text (issue 14): an author's name and the
tags as written, not HTML-escaped ("O'Brien", not "O&#x27;Brien"; "&", not "&amp;"), while
the RSS feed of the same build stays well-formed XML with the same names."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import feedparser
import pytest
from site_support import copy_project

from builder.site.feeds import _plain

pytestmark = pytest.mark.slow

DUMPS = {
    "a.txt": "\n\n".join(["2_-0000008001-5", "Harbour wall budget approved after late-night debate", "May 13, 2025",
                          "The council approved the harbour wall budget after a long debate in Kellow on Tuesday.",
                          "Residents had asked for repairs since the storms of last winter flooded the lower town.",
                          "By Seán O'Brien, Harbourside Times"]) + "\n",
}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = copy_project(tmp_path_factory.mktemp("jsonfeed"))
    for name, text in DUMPS.items():
        (root / "seeds" / name).write_text(text, encoding="utf-8")
    env = dict(os.environ, NEWSBRIEF_SITE_URL="https://news.example.org/")
    p = subprocess.run([sys.executable, "-m", "builder", "build"], cwd=root, env=env,
                       capture_output=True, text=True, timeout=900)
    assert p.returncode == 0, (p.stdout + p.stderr)[-3000:]
    return root / "site"


def test_json_feed_names_are_plain_text(site):
    feed = json.loads((site / "feed.json").read_text(encoding="utf-8"))
    names = [a["name"] for item in feed["items"] for a in item["authors"]]
    assert "Seán O'Brien" in names
    for item in feed["items"]:
        for text in [a["name"] for a in item["authors"]] + list(item.get("tags") or []) + [item["title"]]:
            assert "&#" not in text and "&amp;" not in text and "&lt;" not in text, text


def test_rss_feed_has_the_same_name_and_parses(site):
    feed = feedparser.parse(str(site / "feed.xml"))
    assert not feed.bozo, feed.bozo_exception
    assert any("Seán O'Brien" in e.get("author", "") for e in feed.entries)


def test_plain_unescapes_names_and_tags_once():
    feed = {"items": [{"authors": [{"name": "Smith &amp; Jones"}], "tags": ["R&amp;D", "A &amp;amp; B"],
                       "content_html": "<p>a &amp; b</p>"}]}
    out = _plain(feed)["items"][0]
    assert out["authors"] == [{"name": "Smith & Jones"}]
    assert out["tags"] == ["R&D", "A &amp; B"]  # once: a literal "&amp;" in a name survives
    assert out["content_html"] == "<p>a &amp; b</p>"
