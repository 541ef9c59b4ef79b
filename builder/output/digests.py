"""Daily and weekly digests: the morning brief a desk sends round.

One page per day with at least `min_briefs` briefs (rules: digests.min_briefs) and one
per ISO week with as many. Each lists its briefs as a digest does: one line a brief, its
headline linked to the brief, its byline (the weekly's with the day) and its lead
sentence. Not the highlights nor a heading a brief (issue #15, small pages): the brief's
own page has those, and a heading a brief put every headline three more times on the
page (its anchor, its permalink, the table of contents).

They are written to posts/digests/, the posts folder of the site's second blog
(mkdocs.yml: blog_dir ``digests``): the Digests tab, with an archive and a feed of their
own, so that the home page, the archive, publisher, author and tag pages and the main
feed list briefs only. A digest is left out of Material's search (front matter
``search: {exclude: true}``; Pagefind marks briefs only): it repeats its briefs. Which
digests there are, and their URLs, is decided in archive/digests.py.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import posixpath
from collections import defaultdict
from collections.abc import Callable, Iterator
from functools import partial

from ..archive import digests
from ..archive.digests import DIGEST_DIR

__all__ = ["DIGEST_DIR", "digest_pages"]  # DIGEST_DIR: the site side finds the digests blog by it
from ..model import OK, Outcome
from .render import EXCERPT_MARKER, dump_yaml, escape_md


def _link(target: str, origin: str) -> str:
    """Relative Markdown link from one page in the posts folder to another (MkDocs checks it).
    posixpath.relpath's answer, without its two os.getcwd() calls (~20,000 links at 10k):
    for paths of plain names the working folder is a common prefix of both and drops out."""
    start = posixpath.dirname(origin)
    to, at = target.split("/"), start.split("/") if start else []
    if not all(part and part not in (".", "..") for part in to + at):
        return posixpath.relpath(target, start)
    i = 0
    while i < len(to) and i < len(at) and to[i] == at[i]:
        i += 1
    return "/".join([".."] * (len(at) - i) + to[i:]) or "."


def _publishers(items: list[Outcome]) -> str:
    pubs = sorted({o.article.publisher for o in items if o.article.publisher})
    return ", ".join(pubs) if pubs else "various sources"


def _page(title: str, day: dt.date, slug: str, kind: str, intro: str, body: list[str]) -> bytes:
    meta = {"title": title, "date": day, "slug": slug, "description": intro, "digest": kind,
            "search": {"exclude": True}}
    text = "\n".join(["---", dump_yaml(meta).rstrip("\n"), "---", "", f"# {escape_md(title)}", "",
                      escape_md(intro), "", EXCERPT_MARKER, "", *body])
    return (text.rstrip("\n") + "\n").encode("utf-8")


def _byline(o: Outcome) -> str:
    a = o.article
    parts = [a.publisher] if a.publisher else []
    if a.authors:
        parts.append(" and ".join(a.authors))
    return escape_md(" · ".join(parts))


def _item(o: Outcome, target: str, origin: str, dated: bool) -> str:
    """One brief's line in a digest: headline (the link), byline, lead sentence."""
    a = o.article
    byline = ", ".join(filter(None, [f"{a.date.day} {a.date:%B %Y}" if dated else "", _byline(o)]))
    line = f"- **[{escape_md(a.title)}]({_link(target, origin)})**"
    if byline:
        line += f" ({byline})"
    return line + (f": {escape_md(a.description)}" if a.description else "")


def digest_pages(outcomes: list[Outcome], posts_rel: str, daily: bool = True,
                 weekly: bool = True, min_briefs: int = 1) -> dict[str, bytes]:
    """Relative path inside the posts folder -> page, for every day and week with at
    least `min_briefs` briefs."""
    return {rel: make() for rel, _, make in digest_parts(outcomes, posts_rel, daily, weekly, min_briefs)}


def digest_parts(outcomes: list[Outcome], posts_rel: str, daily: bool = True, weekly: bool = True,
                 min_briefs: int = 1) -> Iterator[tuple[str, str, Callable[[], bytes]]]:
    """(relative path, key, the function that renders the page) for every digest. The key
    hashes everything the page is made of (its day or week, and each brief's headline,
    page, date, publisher, authors and lead in order): same key, same bytes, so a run
    that kept a digest's key need not render it again (rendering all ~2,400 digests of
    a 10k archive was a tenth of a +1 run)."""
    cut = len(posts_rel) + 1
    ok = sorted((o for o in outcomes if o.status == OK and o.page),
                key=lambda o: ((o.article.publisher or "").casefold(), o.article.title.casefold(), o.page))
    by_day: dict[dt.date, list[Outcome]] = defaultdict(list)
    by_week: dict[tuple[int, int], list[Outcome]] = defaultdict(list)
    for o in ok:
        by_day[o.article.date].append(o)
        by_week[digests.week_of(o.article.date)].append(o)
    days, weeks = digests.digest_days((o.article.date for o in ok), min_briefs)
    if daily:
        for day, items in by_day.items():
            if day in days:
                slug, rel = digests.daily(day)
                yield rel, _key("daily", rel, slug, items, cut), partial(_daily, day, slug, rel, items, cut)
    if weekly:
        for (year, week), items in by_week.items():
            if (year, week) in weeks:
                slug, rel = digests.weekly(year, week)
                items = sorted(items, key=lambda o: (o.article.date, o.page))
                yield rel, _key("weekly", rel, slug, items, cut), partial(_weekly, year, week, slug, rel, items, cut)


def _key(kind: str, rel: str, slug: str, items: list[Outcome], cut: int) -> str:
    # repr of tuples of str, None and a date: unambiguous, and C-fast
    return hashlib.sha256(repr((kind, rel, slug, [
        (o.article.title, o.page[cut:], o.article.date, o.article.publisher, tuple(o.article.authors),
         o.article.description) for o in items])).encode("utf-8", "surrogatepass")).hexdigest()


def _daily(day: dt.date, slug: str, rel: str, items: list[Outcome], cut: int) -> bytes:
    body = [_item(o, o.page[cut:], rel, dated=False) for o in items]
    n = len(items)
    intro = f"{n} brief{'s' * (n != 1)} from {_publishers(items)}."
    title = f"Daily brief: {day:%A} {day.day} {day:%B %Y}"
    return _page(title, day, slug, "daily", intro, [*body, ""])


def _weekly(year: int, week: int, slug: str, rel: str, items: list[Outcome], cut: int) -> bytes:
    last = dt.date.fromisocalendar(year, week, 7)
    body = [_item(o, o.page[cut:], rel, dated=True) for o in items]
    n = len(items)
    first = dt.date.fromisocalendar(year, week, 1)
    intro = f"{n} brief{'s' * (n != 1)} from {_publishers(items)}, {first.day} {first:%B %Y} to " \
            f"{last.day} {last:%B %Y}."
    # Dated by its newest brief, not the week's Sunday: a digest never stands in
    # the future, above briefs that are newer than it.
    newest = max(o.article.date for o in items)
    return _page(f"Weekly brief: week {week}, {year}", newest, slug, "weekly", intro, [*body, ""])
