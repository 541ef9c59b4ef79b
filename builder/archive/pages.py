"""Page paths and URLs: each published brief gets a unique page (posts/YYYY/MM/slug.md),
keeps the one it had last run, and never takes a digest's slug or a hand-written page.
Digests live under their own URL prefix (archive/digests.py: digests/{yyyy}/{MM}/{slug}),
so no brief URL is reserved for them; a brief never takes a slug of the digests' form
all the same, so its URL does not depend on which digests exist (rules: min_briefs)."""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Callable

from ..convert.enrich import earlier_slugs
from ..model import OK, REJECTED, Article, Outcome
from .digests import is_digest_slug

_PAGE = re.compile(r"(\d{4})/(\d{2})/([a-z0-9]+(?:-[a-z0-9]+)*)\.md")


def previous_pages(index: dict) -> dict[str, str]:
    """source -> posts-relative page of the last run, from the archive index in the posts
    folder (there whenever the pages are: output/index.py). Read as untrusted: entries that
    are not a page path of the builder's form, or that two sources claim, are ignored;
    assign_pages then checks each against the brief it would name."""
    out: dict[str, str] = {}
    claimed: Counter[str] = Counter()
    for page, entry in index.items():
        if isinstance(page, str) and isinstance(entry, dict) and isinstance(entry.get("source"), str) \
                and _PAGE.fullmatch(page):
            out[entry["source"]] = page
            claimed[entry["source"]] += 1
    return {src: page for src, page in out.items() if claimed[src] == 1}


def _remembered(a: Article, page: str | None) -> str | None:
    """The slug of a remembered page, if it is one this brief could have been given: the
    month of its date, its base slug (or one an earlier version gave it) or base-N, never
    a digest's slug."""
    return _remembered_slug(page or "", a.date.year, a.date.month, a.base_slug or a.slug, a.title, a.id)


@functools.lru_cache(maxsize=1 << 15)
def _remembered_slug(page: str, year: int, month: int, base: str, title: str, ident: str) -> str | None:
    """_remembered() from what it depends on (kept by it: a long-lived process's +1 run asks
    again for 10,000 briefs', nearly all the same)."""
    m = _PAGE.fullmatch(page)
    if not m or (int(m[1]), int(m[2])) != (year, month) or is_digest_slug(m[3]):
        return None
    slug = m[3]
    # its own base first: an earlier version's (the title parsed again) only if that fails
    if _of_base(slug, base) or any(_of_base(slug, b) for b in earlier_slugs(title, ident)):
        return slug
    return None


def _of_base(slug: str, base: str) -> bool:
    """Is `slug` the base slug or base-N (N >= 2, no leading zero)?"""
    return slug == base or (slug.startswith(base + "-") and slug[len(base) + 1 :].isdigit()
                            and int(slug[len(base) + 1 :]) >= 2 and not slug[len(base) + 1 :].startswith("0"))


def assign_pages(outcomes: list[Outcome], posts_rel: str, previous: dict[str, str] | None = None,
                 foreign: Callable[[str], bool] | None = None) -> None:
    """Give each published article a unique page path (posts/YYYY/MM/slug.md), whose URL
    is {yyyy}/{MM}/{slug} (mkdocs.yml's post_url_format).

    Published URLs are stable: a brief keeps the page it had last run (`previous`, source
    -> posts-relative page, checked against the brief); new briefs take the base slug if
    free, else the next free -2, -3, ... Among new briefs that want one slug, the earlier
    date, then the dump file's path order (which the desk controls, unlike the id in the
    dump text) goes first. Brief slugs never have the digests' form (digests have URLs of
    their own: archive/digests.py); a brief whose URL is taken all the same is rejected with the reason,
    never silently overwritten. A path where `foreign` says a file that is not the
    builder's lies (a hand-written page) is skipped like a taken one.
    """
    previous = previous or {}
    published = sorted((o for o in outcomes if o.status == OK),
                       key=lambda o: (o.article.base_slug or o.article.slug, o.article.date, o.source_path))
    taken: dict[str, str] = {}
    fresh: list[Outcome] = []
    months: dict = {}  # date -> "YYYY/MM" (strftime once per date, not per brief: 10k briefs)

    def month_of(d) -> str:
        got = months.get(d)
        if got is None:
            got = months[d] = f"{d:%Y}/{d:%m}"
        return got

    for o in published:  # first, every brief that keeps its page
        slug = _remembered(o.article, previous.get(o.source_path))
        if slug is None:
            fresh.append(o)
            continue
        url = f"{month_of(o.article.date)}/{slug}"
        if url in taken:
            fresh.append(o)
            continue
        taken[url] = o.source_path
        o.article.slug, o.page = slug, f"{posts_rel}/{url}.md"
    for o in fresh:
        a = o.article
        base = a.base_slug or a.slug
        n, slug = 1, base
        month = month_of(a.date)
        while f"{month}/{slug}" in taken or is_digest_slug(slug) or \
                (foreign is not None and foreign(f"{month}/{slug}.md")):
            n += 1
            slug = f"{base}-{n}"
        claim(taken, o, f"{month}/{slug}", posts_rel)


def claim(taken: dict[str, str], o: Outcome, url: str, posts_rel: str) -> bool:
    """Give `o` the page of `url` unless another generated file has it: then `o` is
    rejected, with the reason (the check that no two generated files share a path)."""
    if url in taken:
        o.status, o.page = REJECTED, None
        o.error = f"page URL {url}/ is already taken by {taken[url]}"
        return False
    taken[url] = o.source_path
    o.article.slug = url.rsplit("/", 1)[1]
    o.page = f"{posts_rel}/{url}.md"
    return True
