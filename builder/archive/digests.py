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


def daily(day: dt.date) -> tuple[str, str]:
    """The daily digest of `day`: its slug and its page (posts-relative)."""
    slug = f"daily-{day:%Y-%m-%d}"
    return slug, f"{DIGEST_DIR}/{day:%Y}/{day:%m}/{slug}.md"


def weekly(year: int, week: int) -> tuple[str, str]:
    """The digest of ISO week `week` of `year`: its slug and its page (posts-relative).
    It is dated by its newest brief, so its URL is in that brief's month."""
    slug = f"weekly-{year}-w{week:02d}"
    return slug, f"{DIGEST_DIR}/{year}/{slug}.md"


def digest_urls(dates: list[dt.date]) -> dict[str, str]:
    """URL ({yyyy}/{MM}/{slug}) -> digest page (posts-relative) of every digest that briefs
    of these dates give (output/digests.py writes those pages)."""
    urls: dict[str, str] = {}
    newest: dict[tuple[int, int], dt.date] = {}
    for day in dates:
        slug, rel = daily(day)
        urls[f"{day:%Y}/{day:%m}/{slug}"] = rel
        week = day.isocalendar()[:2]
        newest[week] = max(day, newest.get(week, day))
    for (year, week), day in newest.items():
        slug, rel = weekly(year, week)
        urls[f"{day:%Y}/{day:%m}/{slug}"] = rel
    return urls
