"""Which digests there are and their URLs: one per day with briefs and one per ISO week,
reserved before any brief is given a page (output/digests.py writes them)."""

from __future__ import annotations

import datetime as dt
import re

DIGEST_DIR = "digests"
# Digests are blog posts: Material gives them the URL {yyyy}/{MM}/{slug} like a brief. The
# slugs below are the digests' own; a brief's slug never has this form (archive/pages.py
# treats it as taken), so briefs and digests never share a URL.
DIGEST_SLUG = re.compile(r"(?:daily-\d{4}-\d{2}-\d{2}|weekly-\d{4}-w\d{2})")


def is_digest_slug(slug: str) -> bool:
    return DIGEST_SLUG.fullmatch(slug) is not None


def digest_urls(dates: list[dt.date]) -> dict[str, str]:
    """URL ({yyyy}/{MM}/{slug}) -> digest page (posts-relative) of every digest that briefs
    of these dates give; the same names digest_pages writes."""
    urls: dict[str, str] = {}
    newest: dict[tuple[int, int], dt.date] = {}
    for day in dates:
        urls[f"{day:%Y}/{day:%m}/daily-{day:%Y-%m-%d}"] = f"{DIGEST_DIR}/{day:%Y}/{day:%m}/daily-{day:%Y-%m-%d}.md"
        week = day.isocalendar()[:2]
        newest[week] = max(day, newest.get(week, day))
    for (year, week), day in newest.items():
        urls[f"{day:%Y}/{day:%m}/weekly-{year}-w{week:02d}"] = f"{DIGEST_DIR}/{year}/weekly-{year}-w{week:02d}.md"
    return urls
