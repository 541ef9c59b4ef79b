"""A tag's briefs on pages counted from the oldest (site/tag_pages.py, issue #15): a new
brief changes the tag's own page and no numbered page (until a new one is due), every
brief is on exactly one page, newest first across them, and every pager link names a page
that exists; with ``tag_page_size: 0`` a tag's page is what it was (every brief on it)."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys

from site_support import copy_project

from builder.site.tag_pages import TagPages, slugify_tag


def _index(n: int, start: int = 0) -> dict:
    day = dt.date(2024, 1, 1)
    return {f"2024/b{i:04d}.md": {"title": f"Brief {i}", "date": (day + dt.timedelta(days=i)).isoformat(),
                                  "publisher": "Wire", "tags": ["Kyiv"]} for i in range(start, n)}


def _titles(markdown: str) -> list[str]:
    return re.findall(r"^- \[(Brief \d+)\]", markdown, re.M)


def test_every_brief_is_on_one_page_newest_first():
    tp = TagPages(_index(537), "posts", slugify_tag, per_page=50)
    count = tp.numbered("Kyiv")
    assert count == 9  # 537 // 50 - 1: the tag's page holds the newest 87
    order = [tp.markdown("Kyiv", k) for k in (0, *range(count, 0, -1))]
    titles = [t for md in order for t in _titles(md)]
    assert titles == [f"Brief {i}" for i in range(536, -1, -1)]
    assert len(_titles(order[0])) == 87 and all(len(_titles(md)) == 50 for md in order[1:])
    assert "537 briefs, newest first; the newest 87 here." in order[0]
    assert "Briefs 1 to 50 of this tag (1: the oldest)" in tp.markdown("Kyiv", 1)


def test_a_new_brief_changes_the_tags_page_only_until_a_numbered_page_is_due():
    before = TagPages(_index(537), "posts", slugify_tag, per_page=50).pages()
    after = TagPages(_index(538), "posts", slugify_tag, per_page=50).pages()
    assert after.keys() == before.keys()
    assert [uri for uri in before if before[uri] != after[uri]] == ["tags/kyiv.md"]
    # At 550 briefs a tenth numbered page takes the oldest 50 of the tag's page; page 9
    # gets a link to it, the older pages stay as they were.
    at_549 = TagPages(_index(549), "posts", slugify_tag, per_page=50).pages()
    at_550 = TagPages(_index(550), "posts", slugify_tag, per_page=50).pages()
    assert set(at_550) - set(at_549) == {"tags/kyiv/page/10.md"}
    changed = [uri for uri in at_549 if at_549[uri] != at_550[uri]]
    assert changed == ["tags/kyiv.md", "tags/kyiv/page/9.md"]


def test_pager_links_name_pages_that_exist():
    tp = TagPages(_index(537), "posts", slugify_tag, per_page=50)
    pages = tp.pages()
    for uri, markdown in pages.items():
        folder = os.path.dirname(uri)
        for target in re.findall(r"\]\(([^)]+\.md)\)", markdown):
            if "/posts/" in target or target.startswith("../posts/"):
                assert os.path.normpath(os.path.join(folder, target)) == "posts/" + target.split("posts/", 1)[1]
                continue
            assert os.path.normpath(os.path.join(folder, target)) in pages, (uri, target)
    assert "[Newer]" not in pages["tags/kyiv/page/9.md"] and "[Older](8.md)" in pages["tags/kyiv/page/9.md"]
    assert "[Older]" not in pages["tags/kyiv/page/1.md"] and "[Newer](2.md)" in pages["tags/kyiv/page/1.md"]


def test_size_zero_keeps_every_brief_on_the_tags_page():
    tp = TagPages(_index(537), "posts", slugify_tag, per_page=0)
    assert list(tp.pages()) == ["tags/kyiv.md"]
    md = tp.markdown("Kyiv")
    assert len(_titles(md)) == 537 and "537 briefs, newest first.\n" in md and "Older briefs" not in md
    small = TagPages(_index(60), "posts", slugify_tag, per_page=50)  # 60 < 2 × 50: one page
    assert list(small.pages()) == ["tags/kyiv.md"]
    assert small.markdown("Kyiv") == TagPages(_index(60), "posts", slugify_tag, per_page=0).markdown("Kyiv")


def test_a_site_with_numbered_tag_pages_builds_strict(tmp_path):
    import random

    from dumpgen import make_dump

    project = copy_project(tmp_path / "p")
    rng = random.Random(5)
    for i in range(14):
        (project / "seeds" / f"d{i:02d}.txt").write_text(make_dump(rng).text, encoding="utf-8")
    cfg = project / "mkdocs.yml"
    text = cfg.read_text(encoding="utf-8")
    cfg.write_text(text.replace("      posts_dir: posts\n", "      posts_dir: posts\n      tag_page_size: 2\n", 1),
                   encoding="utf-8")
    env = dict(os.environ, NEWSBRIEF_SITE_URL="https://news.example.org/")
    p = subprocess.run([sys.executable, "-m", "builder", "build"], cwd=project, env=env, capture_output=True,
                       text=True, timeout=900, stdin=subprocess.DEVNULL)
    assert p.returncode == 0, (p.stdout + p.stderr)[-4000:]
    numbered = sorted((project / "site" / "tags").glob("*/page/*/index.html"))
    assert numbered, "no tag had a numbered page"
    page = numbered[0].read_text(encoding="utf-8")
    assert ">Newest</a>" in page and 'href="../../"' in page
    tag_page = numbered[0].parents[2] / "index.html"
    assert "Older briefs, by page" in tag_page.read_text(encoding="utf-8")
