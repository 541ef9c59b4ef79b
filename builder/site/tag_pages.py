"""One page per tag, and a tags index that lists the tags (not the briefs).

Material's tags listing (``<!-- material/tags -->``) puts every brief under every tag on
one page: ~14 MB of HTML at 10,000 briefs, and per-tag listings would make the tags plugin
compare every post with every listing. So the site plugin generates, at build time, a
page per tag (``tags/<slug>/``, its briefs newest first) from the archive index that the
builder writes (docs/posts/.newsbrief-index.json), fills the ``<!-- newsbrief/tags -->``
directive with the tags and their counts, and points each tag chip on a brief at its page.
Material's tags plugin still reads the tags (chips, ``tags.json``); it just lists nothing.

Tags, titles and publishers are dump text: escaped as Markdown text (``escape_md``).
"""

from __future__ import annotations

import datetime as dt
import html
import re

from mkdocs.structure.files import File, InclusionLevel
from mkdocs.structure.nav import Link

from ..output.render import escape_md

DIRECTIVE = re.compile(r"<!--\s*newsbrief/tags\s*-->")
TAGS_DIR = "tags"
# Source names MkDocs gives a meaning of its own (index.md, README.md become the folder's
# page): a tag with such a slug gets a suffix instead of taking over tags/.
_RESERVED = {"index", "readme"}


def slugify_tag(text: str, separator: str = "-") -> str:
    """Slug for a tag name (the tags plugin's tags_slugify in mkdocs.yml). Tag names reach
    the tags plugin HTML-escaped (escaping.py), so unescape first: ``AT&amp;T`` gets the
    slug of ``AT&T``, not ``atampt``."""
    from pymdownx.slugs import slugify

    return slugify(case="lower")(html.unescape(text), separator)


class TagPages:
    def __init__(self, index: dict, posts_uri: str, slugify):
        """index: the archive index (posts-relative path -> title, date, publisher, tags)."""
        self.posts_uri = posts_uri.strip("/")
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

    def src_uri(self, tag: str) -> str:
        return f"{TAGS_DIR}/{self.slugs[tag]}.md"

    def url(self, tag: str) -> str | None:
        """Site-relative URL of a tag's page (directory URLs), or None if it has none."""
        slug = self.slugs.get(tag)
        return f"{TAGS_DIR}/{slug}/" if slug else None

    def pages(self) -> dict[str, str]:
        """src_uri -> Markdown of every tag page."""
        return {self.src_uri(tag): self.markdown(tag) for tag in self.slugs}

    def markdown(self, tag: str) -> str:
        briefs = sorted(self.briefs[tag], key=lambda b: (b[1]["date"], b[0]), reverse=True)
        n = len(briefs)
        lines = [f"# {escape_md(tag)}", "", f"{n} brief{'s' * (n != 1)}, newest first.", ""]
        for rel, entry in briefs:
            day = dt.date.fromisoformat(entry["date"])
            meta = f"{day.day} {day:%B %Y}"
            if entry.get("publisher"):
                meta += f" · {escape_md(entry['publisher'])}"
            lines.append(f"- [{escape_md(entry['title'])}](../{self.posts_uri}/{rel}) · {meta}")
        return "\n".join(lines) + "\n"

    def add_to(self, files, config) -> None:
        """Every tag page into the build's files; a page in docs/ of the same name wins."""
        for src_uri, markdown in self.pages().items():
            if files.get_file_from_path(src_uri) is None:
                files.append(File.generated(config, src_uri, content=markdown, inclusion=InclusionLevel.NOT_IN_NAV))

    def link_chips(self, context) -> None:
        """Point each tag chip of a brief at the tag's own page (the tags plugin, which
        runs first, links chips to listings, and there are none)."""
        for ref in context.get("tags") or ():
            url = self.url(html.unescape(ref.name))
            if url:
                ref.links = [Link(ref.name, url)]

    def index_markdown(self, page_src_uri: str) -> str:
        """The tags and their counts, A to Z, for the directive on the tags index page."""
        if not self.slugs:
            return "*No tags yet.*\n"
        depth = page_src_uri.count("/")
        prefix = "../" * depth
        lines, letter = [], None
        for tag in self.slugs:  # already in A-Z order
            first = tag[:1].upper() if tag[:1].isalpha() else "#"
            if first != letter:
                letter = first
                lines += ["", f"## {escape_md(letter)}", ""]
            n = len(self.briefs[tag])
            lines.append(f"- [{escape_md(tag)}]({prefix}{self.src_uri(tag)}) · {n}")
        return "\n".join(lines).lstrip("\n") + "\n"
