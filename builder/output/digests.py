"""Daily and weekly digests: the morning brief a desk sends round.

One page per day that has briefs, listing them with their highlights, and one per ISO
week with their lead sentences. They are posts of the blog (in the posts folder), so
the date archive links them and the feeds carry them as entries of their own. Which
digests there are, and their URLs, is decided in archive/digests.py.
"""

from __future__ import annotations

import datetime as dt
import posixpath
from collections import defaultdict

from ..archive import digests
from ..model import OK, Outcome
from .render import EXCERPT_MARKER, dump_yaml, escape_md


def _link(target: str, origin: str) -> str:
    """Relative Markdown link from one page in the posts folder to another (MkDocs checks it)."""
    return posixpath.relpath(target, posixpath.dirname(origin))


def _publishers(items: list[Outcome]) -> str:
    pubs = sorted({o.article.publisher for o in items if o.article.publisher})
    return ", ".join(pubs) if pubs else "various sources"


def _page(title: str, day: dt.date, slug: str, kind: str, intro: str, body: list[str]) -> bytes:
    meta = {"title": title, "date": day, "slug": slug, "description": intro, "digest": kind}
    text = "\n".join(["---", dump_yaml(meta).rstrip("\n"), "---", "", f"# {escape_md(title)}", "",
                      escape_md(intro), "", EXCERPT_MARKER, "", *body])
    return (text.rstrip("\n") + "\n").encode("utf-8")


def _byline(o: Outcome) -> str:
    a = o.article
    parts = [a.publisher] if a.publisher else []
    if a.authors:
        parts.append(" and ".join(a.authors))
    return escape_md(" · ".join(parts))


def digest_pages(outcomes: list[Outcome], posts_rel: str, daily: bool = True,
                 weekly: bool = True) -> dict[str, bytes]:
    """Relative path inside the posts folder -> page, for every day and week with briefs."""
    cut = len(posts_rel) + 1
    ok = sorted((o for o in outcomes if o.status == OK and o.page),
                key=lambda o: ((o.article.publisher or "").casefold(), o.article.title.casefold(), o.page))
    by_day: dict[dt.date, list[Outcome]] = defaultdict(list)
    by_week: dict[tuple[int, int], list[Outcome]] = defaultdict(list)
    for o in ok:
        by_day[o.article.date].append(o)
        by_week[o.article.date.isocalendar()[:2]].append(o)
    pages: dict[str, bytes] = {}
    if daily:
        for day, items in by_day.items():
            slug, rel = digests.daily(day)
            body: list[str] = []
            for o in items:
                a = o.article
                body += [f"## [{escape_md(a.title)}]({_link(o.page[cut:], rel)})", "", f"*{_byline(o)}*", ""]
                if a.highlights:
                    body += [f"- {escape_md(h)}" for h in a.highlights] + [""]
                elif a.description:
                    body += [escape_md(a.description), ""]
            n = len(items)
            intro = f"{n} brief{'s' * (n != 1)} from {_publishers(items)}."
            title = f"Daily brief: {day:%A} {day.day} {day:%B %Y}"
            pages[rel] = _page(title, day, slug, "daily", intro, body)
    if weekly:
        for (year, week), items in by_week.items():
            last = dt.date.fromisocalendar(year, week, 7)
            slug, rel = digests.weekly(year, week)
            body = []
            for o in sorted(items, key=lambda o: (o.article.date, o.page)):
                a = o.article
                body += [f"- **[{escape_md(a.title)}]({_link(o.page[cut:], rel)})** "
                         f"({a.date.day} {a.date:%b}, {_byline(o)}): {escape_md(a.description)}"]
            n = len(items)
            first = dt.date.fromisocalendar(year, week, 1)
            intro = f"{n} brief{'s' * (n != 1)} from {_publishers(items)}, {first.day} {first:%B} to " \
                    f"{last.day} {last:%B %Y}."
            # Dated by its newest brief, not the week's Sunday: a digest never stands in
            # the future, above briefs that are newer than it.
            newest = max(o.article.date for o in items)
            pages[rel] = _page(f"Weekly brief: week {week}, {year}", newest, slug, "weekly", intro, [*body, ""])
    return pages
