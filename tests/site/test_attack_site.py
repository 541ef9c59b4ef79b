"""Issue 11, second attack pass, through a real site build: the feeds, the search index
and the pages with inputs beyond the hostile corpus (noncharacters, tilde fences, East
Asian legacy encodings, long blocks)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.dom.minidom
from pathlib import Path

from site_support import copy_project

REPO = Path(__file__).resolve().parents[2]


def brief(n: int, title: str, body: list[str]) -> str:
    return "\n".join([f"9_-{n}-7", "", title, "", "May 13, 2025", "", "Summary", "",
                      "A first paragraph that sets the scene for the content below in this brief.",
                      *body, "A closing paragraph that ends the section without anything unusual in it.",
                      "", "", "The content is provided by Test Author, Evil Wire", ""])


def test_feeds_search_and_pages_hold(tmp_path):
    root = copy_project(tmp_path / "p")
    seeds = root / "seeds"
    (seeds / "a.txt").write_text(brief(1, "NBA-1 title \ufffe\uffff ]]> </title><b>x</b>", ["Plain."]),
                                 encoding="utf-8")
    (seeds / "b.txt").write_text(brief(2, "NBA-2 tilde fence", [
        "A long first sentence of this paragraph that is surely a real paragraph.", "~~~",
        "Inside <b>the</b> fence & *stars* here.", "~~~"]), encoding="utf-8")
    (seeds / "c.txt").write_bytes(brief(3, "NBA-3 中文标题 北京 新闻", ["中文标题 北京 新闻。" * 6]).encode("gb18030"))
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    p = subprocess.run([sys.executable, "-m", "builder", "build"], cwd=root, env=env,
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr[-2000:]
    site = root / "site"
    for name in ("feed.xml", "feed_updated.xml"):
        doc = xml.dom.minidom.parse(str(site / name))  # U+FFFE would make it unparsable
        titles = [t.firstChild.data for t in doc.getElementsByTagName("title") if t.firstChild]
        assert "NBA-1 title ]]> </title><b>x</b>" in titles
    feed = json.loads((site / "feed.json").read_text(encoding="utf-8"))
    assert any(i["title"] == "NBA-3 中文标题 北京 新闻" for i in feed["items"])
    fence = next(site.glob("2025/05/nba-2-*/index.html")).read_text(encoding="utf-8")
    assert "<pre" not in fence.split('<article', 1)[1].split("</article>", 1)[0]
    assert "Inside &#60;b&#62;the&#60;/b&#62; fence &#38; *stars* here." in fence
