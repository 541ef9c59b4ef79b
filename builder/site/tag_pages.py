"""One page per tag, and a tags index that lists the tags (not the briefs).

Material's tags listing (``<!-- material/tags -->``) puts every brief under every tag on
one page: ~14 MB of HTML at 10,000 briefs, and per-tag listings would make the tags plugin
compare every post with every listing. So the site plugin generates, at build time, a
page per tag (``tags/<slug>/``, its briefs newest first) from the archive index that the
builder writes (docs/posts/.newsbrief-index.json), fills the ``<!-- newsbrief/tags -->``
directive with the tags and their counts, and points each tag chip on a brief at its page.
Material's tags plugin still reads the tags (chips, ``tags.json``); it just lists nothing.

The same listing makes the page of the briefs whose dump names no publisher
(``publishers/not-named/``, linked from the Publishers index: navigation.py), so that
every brief can be reached by publisher.

A tag with more briefs than its page shows (plugin option ``tag_page_size``, 100) gets a
page a year (``tags/<slug>/<year>/``, every brief of the tag dated that year, newest
first), and its own page lists the newest briefs and the years with their counts. A new,
edited or removed brief changes its tag's page and its year's page, not every brief of the
tag: a 10,000-brief archive's tag pages listed up to ~9,700 briefs (~1.4 MB of Markdown,
converted again whenever one of them changed, issue #15); a year page holds ~700-1,400.
Years, not pages counted by position: a brief dated among older ones (a late dump, a
removal) shifts no other page, as it would shift every page after it in a list cut by
count. ``tag_page_size: 0``: every brief of a tag on its one page, no year pages.

Tags, titles and publishers are dump text: escaped as Markdown text (``escape_md``).
"""

from __future__ import annotations

import datetime as dt
import html
import re

from mkdocs.structure.files import File, InclusionLevel
from mkdocs.structure.nav import Link

from ..output.render import escape_md
from .byline import day_label

DIRECTIVE = re.compile(r"<!--\s*newsbrief/tags\s*-->")
TAGS_DIR = "tags"
# Source names MkDocs gives a meaning of its own (index.md, README.md become the folder's
# page): a tag with such a slug gets a suffix instead of taking over tags/.
_RESERVED = {"index", "readme"}
# The briefs whose dump names no publisher (publishers.md is the Publishers index).
UNNAMED_PUBLISHER = "publishers/not-named.md"
UNNAMED_PUBLISHER_TITLE = "Publisher not named"


def slugify_tag(text: str, separator: str = "-") -> str:
    """Slug for a tag name (the tags plugin's tags_slugify in mkdocs.yml). Tag names reach
    the tags plugin HTML-escaped (escaping.py), so unescape first: ``AT&amp;T`` gets the
    slug of ``AT&T``, not ``atampt``."""
    from pymdownx.slugs import slugify

    return slugify(case="lower")(html.unescape(text), separator)


# A tag page lists briefs' titles: as a search result it would stand beside (and above)
# the briefs it repeats, as digests would (they are excluded the same way).
LISTING_META = "---\nsearch:\n  exclude: true\n---\n\n"
# Briefs on a tag's own page when the tag has year pages (more briefs than this).
PER_PAGE = 100


class TagPages:
    def __init__(self, index: dict, posts_uri: str, slugify, locale: str = "en", per_page: int = PER_PAGE):
        """index: the archive index (posts-relative path -> title, date, publisher, tags);
        locale: the site's language, for the dates; per_page: the newest briefs on a tag's
        page when it has more, the others on its year pages (0: every brief on its page)."""
        self.posts_uri = posts_uri.strip("/")
        self.locale = locale
        self.per_page = max(0, per_page)
        self._days: dict[str, str] = {}
        self._lines: dict[tuple[str, int], str] = {}  # (brief, depth) -> its list item (_items)
        self.unnamed = [(rel, entry) for rel, entry in index.items() if not entry.get("publisher")]
        self.briefs: dict[str, list[tuple[str, dict]]] = {}
        for rel, entry in index.items():
            for tag in entry.get("tags") or ():
                self.briefs.setdefault(tag, []).append((rel, entry))
        self.slugs: dict[str, str] = {}
        taken: set[str] = set()
        for tag in sorted(self.briefs, key=lambda t: (t.casefold(), t)):
            base = slugify(tag) or "tag"
            slug, n = (f"{base}-tag" if base in _RESERVED else base), 1
            while slug in taken:  # "AT&T" and "ATT": one slug each
                n += 1
                slug = f"{base}-{n}"
            taken.add(slug)
            self.slugs[tag] = slug

    def src_uri(self, tag: str, year: str | None = None) -> str:
        """The source name of a tag's page, or of its page of a year."""
        if year:
            return f"{TAGS_DIR}/{self.slugs[tag]}/{year}.md"
        return f"{TAGS_DIR}/{self.slugs[tag]}.md"

    def url(self, tag: str) -> str | None:
        """Site-relative URL of a tag's page (directory URLs), or None if it has none."""
        slug = self.slugs.get(tag)
        return f"{TAGS_DIR}/{slug}/" if slug else None

    def years(self, tag: str) -> list[str]:
        """The years of the tag's year pages, newest first (none if its page shows all)."""
        briefs = self.briefs[tag]
        if not self.per_page or len(briefs) <= self.per_page:
            return []
        return sorted({entry["date"][:4] for _, entry in briefs}, reverse=True)

    def pages(self) -> dict[str, str]:
        """src_uri -> Markdown of every tag page, year pages included."""
        out = {}
        # (every brief sorted once, not once a tag, and dealt to its tags in that order)
        every = {rel: entry for briefs in self.briefs.values() for rel, entry in briefs}
        newest: dict[str, list] = {}
        for rel, entry in self._newest_first(list(every.items())):
            for tag in entry.get("tags") or ():
                newest.setdefault(tag, []).append((rel, entry))
        for tag in self.slugs:  # (each tag's briefs sorted and split by year once, not once a page)
            briefs, years = newest[tag], self.years(tag)
            out[self.src_uri(tag)] = self.markdown(tag, newest=briefs, years=years)
            by_year: dict[str, list] = {}
            for brief in briefs:
                by_year.setdefault(brief[1]["date"][:4], []).append(brief)
            for year in years:
                out[self.src_uri(tag, year)] = self.markdown(tag, year, newest=by_year.get(year, []), years=years)
        return out

    @staticmethod
    def _newest_first(briefs: list[tuple[str, dict]]) -> list[tuple[str, dict]]:
        return sorted(briefs, key=lambda b: (b[1]["date"], b[0]), reverse=True)

    def _day(self, iso: str) -> str:
        """A day's label, once a day (Babel's formatting is ~40 µs; a tag lists thousands)."""
        label = self._days.get(iso)
        if label is None:
            label = self._days[iso] = day_label(dt.date.fromisoformat(iso), self.locale)
        return label

    def _items(self, briefs: list[tuple[str, dict]], depth: int) -> list[str]:
        """A list item a brief, linked relative to a page `depth` folders deep (once a build
        for each: a brief is listed on each of its tags' pages, ~80,000 items at 10k)."""
        lines, memo = [], self._lines
        for rel, entry in briefs:
            line = memo.get((rel, depth))
            if line is None:
                meta = self._day(entry["date"])
                if entry.get("publisher"):
                    meta += f" · {escape_md(entry['publisher'])}"
                line = memo[rel, depth] = \
                    f"- [{escape_md(entry['title'])}]({'../' * depth}{self.posts_uri}/{rel}) · {meta}"
            lines.append(line)
        return lines

    def _listing(self, briefs: list[tuple[str, dict]], what: str) -> list[str]:
        """A page's count line and its briefs, newest first (the page is one folder deep)."""
        briefs = self._newest_first(briefs)
        n = len(briefs)
        return [f"{n} brief{'s' * (n != 1)}{what}, newest first.", "", *self._items(briefs, 1)]

    def markdown(self, tag: str, year: str | None = None, *, newest: list | None = None,
                 years: list[str] | None = None) -> str:
        """The Markdown of a tag's page, or of its page of a year (``newest``: the briefs it
        lists, newest first, and ``years``: the tag's, if the caller has them)."""
        briefs = newest if newest is not None else self._newest_first(self.briefs[tag])
        years = years if years is not None else self.years(tag)
        head = LISTING_META + f"# {escape_md(tag)}"
        if year is not None:
            if newest is None:
                briefs = [b for b in briefs if b[1]["date"][:4] == year]
            n = len(briefs)
            return "\n".join([f"{head}: {year}", "", f"{n} brief{'s' * (n != 1)} of {year}, newest first.", "",
                              *self._items(briefs, 2), "", f"[Every year of {escape_md(tag)}](../{self.slugs[tag]}.md)"]
                             ) + "\n"
        if not years:
            return "\n".join([head, "", *self._listing(briefs, "")]) + "\n"
        counts = {y: 0 for y in years}
        for _, entry in briefs:
            counts[entry["date"][:4]] += 1
        by_year = " · ".join(f"[{y}]({self.slugs[tag]}/{y}.md) ({counts[y]})" for y in years)
        return "\n".join([head, "", f"{len(briefs)} briefs. By year: {by_year}", "",
                          f"The newest {self.per_page}:", "", *self._items(briefs[:self.per_page], 1)]) + "\n"

    def unnamed_markdown(self) -> str:
        return "\n".join([LISTING_META + f"# {UNNAMED_PUBLISHER_TITLE}", "",
                          *self._listing(self.unnamed, " whose dump names no publisher")]) + "\n"

    def add_to(self, files, config) -> None:
        """Every tag page (and the page of the briefs with no publisher) into the build's
        files; a page in docs/ of the same name wins."""
        pages = self.pages()
        if self.unnamed:
            pages[UNNAMED_PUBLISHER] = self.unnamed_markdown()
        for src_uri, markdown in pages.items():
            if files.get_file_from_path(src_uri) is None:
                files.append(File.generated(config, src_uri, content=markdown, inclusion=InclusionLevel.NOT_IN_NAV))

    def link_chips(self, context) -> None:
        """Point each tag chip of a brief at the tag's own page (the tags plugin, which
        runs first, links chips to listings, and there are none). A brief whose chips are
        under its byline (byline.py: `hide: [tags]`) gets none above its headline: not
        even hidden ones (search indexes the tags from the front matter, not from these)."""
        page = context.get("page")
        hide = (getattr(page, "meta", None) or {}).get("hide")
        if isinstance(hide, list) and "tags" in hide:
            context["tags"] = []
            return
        for ref in context.get("tags") or ():
            url = self.url(html.unescape(ref.name))
            if url:
                ref.links = [Link(ref.name, url)]

    def index_markdown(self, page_src_uri: str) -> str:
        """The tags and their counts, A to Z, for the directive on the tags index page:
        grouped by first letter (a heading each, in the page's table of contents, and a
        row of letters at the top that jumps to them), the groups in columns (CSS:
        .nb-tag-index), each tag with the number of its briefs."""
        if not self.slugs:
            return "*No tags yet.*\n"
        depth = page_src_uri.count("/")
        prefix = "../" * depth
        groups: dict[str, list[str]] = {}
        for tag in self.slugs:  # already in A-Z order
            first = tag[:1].upper() if tag[:1].isalpha() else "#"
            n = len(self.briefs[tag])
            groups.setdefault(first, []).append(
                f"- [{escape_md(tag)}]({prefix}{self.src_uri(tag)}) · {n}"
                f'<span class="nb-sr-only"> brief{"s" * (n != 1)}</span>')
        jump = " ".join(f'<a href="#{_letter_id(letter)}">{html.escape(letter)}</a>' for letter in groups)
        lines = [f'<nav class="nb-jump" aria-label="Tags by letter">{jump}</nav>', "",
                 '<div class="nb-tag-index" markdown>']
        for letter, items in groups.items():
            lines += ["", '<div class="nb-tag-index__group" markdown>', "",
                      f"## {escape_md(letter)} {{#{_letter_id(letter)}}}", "", *items, "", "</div>"]
        lines += ["", "</div>"]
        return "\n".join(lines) + "\n"


def _letter_id(letter: str) -> str:
    """An ASCII id for a letter's heading: tags-a, tags-u3b1 (α), tags-other (#)."""
    if letter == "#":
        return "tags-other"
    return f"tags-{letter.lower()}" if letter.isascii() else f"tags-u{ord(letter.lower()):x}"
