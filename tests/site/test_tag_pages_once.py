"""A build's tag pages sort and split each tag's briefs once (TagPages.pages), and give
exactly what each page's Markdown made on its own gives."""

from __future__ import annotations

import datetime as dt
import random

from builder.site.tag_pages import TagPages, slugify_tag


def test_pages_equal_each_page_made_on_its_own():
    rng = random.Random(8)
    start = dt.date(2021, 1, 1)
    index = {}
    for i in rng.sample(range(2000), 700):  # (out of date order, as an index may be)
        tags = rng.sample(["Kyiv", "Budget", "Ferries", "Élections"], rng.randint(1, 3))
        index[f"posts/b{i:04d}.md"] = {"title": f"Brief {i}", "date": (start + dt.timedelta(days=i)).isoformat(),
                                       "publisher": rng.choice(["Wire", None]), "tags": tags}
    tp = TagPages(index, "posts", slugify_tag, per_page=60)
    pages = tp.pages()
    years = 0
    for tag in tp.slugs:
        assert pages[tp.src_uri(tag)] == tp.markdown(tag)
        for year in tp.years(tag):
            years += 1
            assert pages[tp.src_uri(tag, year)] == tp.markdown(tag, year)
    assert years >= 8 and len(pages) == len(tp.slugs) + years
