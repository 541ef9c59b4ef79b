"""Tag pages (builder/site/tag_pages.py): one page per tag, an index of tags, dump text escaped."""

from __future__ import annotations

import markdown

from builder.mkdocs_plugin import slugify_tag
from builder.site.tag_pages import LISTING_META, TagPages


def _index() -> dict:
    return {
        "2024/05/a.md": {"title": "Alpha <b>bold</b>", "date": "2024-05-02", "publisher": "Wire",
                         "tags": ["AT&T", "Index", "Kyiv"]},
        "2025/01/b.md": {"title": "Beta [link](javascript:alert(1))", "date": "2025-01-09",
                         "publisher": None, "tags": ["ATT", "Kyiv", "<script>alert(1)</script>"]},
        "2023/12/c.md": {"title": "Gamma", "date": "2023-12-31", "publisher": "Desk", "tags": []},
    }


def test_every_tag_gets_its_own_page_and_slug():
    tp = TagPages(_index(), "posts", slugify_tag)
    slugs = list(tp.slugs.values())
    assert len(slugs) == len(set(slugs)) == 5  # "AT&T" and "ATT" share a base slug, not a page
    assert tp.slugs["Index"] != "index"  # tags/index.md would take over the tags index
    assert set(tp.pages()) == {f"tags/{s}.md" for s in slugs}
    assert tp.url("Kyiv") == "tags/kyiv/" and tp.url("no such tag") is None


def test_a_tag_page_lists_its_briefs_newest_first_with_links_to_their_sources():
    tp = TagPages(_index(), "posts", slugify_tag)
    md = tp.markdown("Kyiv")
    assert md.startswith(LISTING_META + "# Kyiv\n")  # front matter: not a search result
    assert "2 briefs" in md
    assert md.index("../posts/2025/01/b.md") < md.index("../posts/2024/05/a.md")
    assert "2 May 2024 · Wire" in md
    assert "Gamma" not in md


def test_dump_text_on_tag_pages_is_text():
    tp = TagPages(_index(), "posts", slugify_tag)
    for text in [*tp.pages().values(), tp.index_markdown("tags.md")]:
        out = markdown.markdown(text)
        assert "<script" not in out and "<b>" not in out and 'href="javascript' not in out
    page = markdown.markdown(tp.markdown("<script>alert(1)</script>"))
    assert "&#60;script&#62;alert(1)&#60;/script&#62;" in page


def test_the_tags_index_lists_tags_a_to_z_with_counts_and_relative_links():
    tp = TagPages(_index(), "posts", slugify_tag)
    md = tp.index_markdown("tags.md")
    kyiv = f"](tags/{tp.slugs['Kyiv']}.md) · 2"
    assert kyiv in md
    assert md.index("AT&#38;T") < md.index("Index") < md.index("Kyiv")
    assert f"](../tags/{tp.slugs['Kyiv']}.md)" in tp.index_markdown("section/tags.md")
    assert TagPages({}, "posts", slugify_tag).index_markdown("tags.md") == "*No tags yet.*\n"
