"""Which digests there are and their URLs (output/digests.py writes them).

A digest is worth a page only for a day or an ISO week with at least `min_briefs`
briefs (rules: ``digests: {min_briefs: 2}``): one brief is better read on its own page.
Digests are posts of a blog of their own (mkdocs.yml: the second ``blog`` instance,
blog_dir ``digests``, posts in ``posts/digests/``), so their URLs are
``digests/{yyyy}/{MM}/{slug}/``, never a brief's ``{yyyy}/{MM}/{slug}/``; briefs still never
take a slug of the digests' form (archive/pages.py), so no brief URL depends on whether
a digest exists.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable

DIGEST_DIR = "digests"  # inside the posts folder; also the digests blog's blog_dir (its URL prefix)
# A brief's slug never has this form (archive/pages.py treats it as taken).
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


def week_of(day: dt.date) -> tuple[int, int]:
    year, week, _ = day.isocalendar()
    return year, week


def digest_days(dates: Iterable[dt.date], min_briefs: int = 1) -> tuple[set[dt.date], set[tuple[int, int]]]:
    """The days and the ISO weeks (year, week) that have a digest: those with at least
    `min_briefs` briefs among `dates` (one date per brief)."""
    dates = list(dates)
    days = Counter(dates)
    weeks = Counter(week_of(d) for d in dates)
    return ({d for d, n in days.items() if n >= min_briefs},
            {w for w, n in weeks.items() if n >= min_briefs})


def digest_urls(dates: Iterable[dt.date], min_briefs: int = 1) -> dict[str, str]:
    """URL (digests/{yyyy}/{MM}/{slug}) -> digest page (posts-relative) of every digest
    that briefs of these dates (one per brief) give."""
    dates = list(dates)
    days, weeks = digest_days(dates, min_briefs)
    urls: dict[str, str] = {}
    newest: dict[tuple[int, int], dt.date] = {}
    for day in dates:
        newest[week_of(day)] = max(day, newest.get(week_of(day), day))
    for day in sorted(days):
        slug, rel = daily(day)
        urls[f"{DIGEST_DIR}/{day:%Y}/{day:%m}/{slug}"] = rel
    for (year, week) in sorted(weeks):
        day = newest[(year, week)]
        slug, rel = weekly(year, week)
        urls[f"{DIGEST_DIR}/{day:%Y}/{day:%m}/{slug}"] = rel
    return urls
