"""Tag pages (site/tag_pages.py, round 9): every brief sorted once for all tags, and a
brief's list item formatted once a build for each depth. Each page must be what that page
made alone, by a TagPages of its own (no shared order, no remembered items), gives."""

from __future__ import annotations

import datetime as dt
import random

from builder.site.tag_pages import TagPages, slugify_tag


def _index(seed: int) -> dict:
    rng = random.Random(seed)
    start = dt.date(2022, 11, 20)
    index = {}
    for i in rng.sample(range(3000), 500):
        # (many briefs a day: the order within a day is by path; a tag named twice on one brief)
        tags = rng.sample(["Kyiv", "Budget", "Ferries", "Élections", "AT&T"], rng.randint(0, 3))
        if tags and rng.random() < 0.05:
            tags.append(tags[0])
        index[f"{rng.choice(['a', 'b'])}/brief-{i:04d}.md"] = {
            "title": f"Brief *{i}* [x]", "date": (start + dt.timedelta(days=i // 4)).isoformat(),
            "publisher": rng.choice(["Wire", "The_Ledger", None]), "tags": tags}
    return index


def test_each_page_is_what_it_gives_made_alone():
    for seed in (9, 10):
        index = _index(seed)
        pages = TagPages(index, "posts", slugify_tag, per_page=40).pages()
        tags = TagPages(index, "posts", slugify_tag, per_page=40)
        checked = 0
        for tag in tags.slugs:
            assert pages[tags.src_uri(tag)] == TagPages(index, "posts", slugify_tag, per_page=40).markdown(tag)
            for year in tags.years(tag):
                alone = TagPages(index, "posts", slugify_tag, per_page=40)
                assert pages[tags.src_uri(tag, year)] == alone.markdown(tag, year)
                checked += 1
        assert checked >= 6 and len(pages) == len(tags.slugs) + checked


def test_a_brief_listed_at_both_depths_links_from_each():
    index = {"x/one.md": {"title": "One", "date": "2024-05-01", "publisher": None, "tags": ["T"]}}
    index |= {f"x/{i}.md": {"title": str(i), "date": f"{2020 + i % 3}-01-01", "publisher": None, "tags": ["T"]}
              for i in range(5)}
    pages = TagPages(index, "posts", slugify_tag, per_page=3).pages()
    assert "](../posts/x/one.md)" in pages["tags/t.md"]
    assert "](../../posts/x/one.md)" in pages["tags/t/2024.md"]
