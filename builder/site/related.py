""""Related briefs" at the end of each brief's page, added when the site is built.

The builder decides which briefs are related (archive/related.py) and writes the answer to
docs/posts/.newsbrief-index.json; the page files themselves do not list them, so that a
new brief does not rewrite every page it is related to. Titles are dump text: escaped.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from pathlib import Path

from mkdocs.utils import get_relative_url

from ..output.index import INDEX_FILE
from .byline import time_html


class RelatedIndex:
    def __init__(self, posts_dir: Path, posts_uri: str, locale: str = "en"):
        self.prefix = posts_uri.strip("/") + "/"
        self.locale = locale  # for the dates (byline.DATE_FORMAT)
        self._days: dict[str, str] = {}
        try:
            self.index = json.loads((posts_dir / INDEX_FILE).read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            self.index = {}

    def _day(self, iso: str) -> str:
        """A date's <time> element, once per date (Babel's formatting is ~40 µs)."""
        got = self._days.get(iso)
        if got is None:
            got = self._days[iso] = time_html(dt.date.fromisoformat(iso), self.locale)
        return got

    def html_for(self, page, files) -> str:
        """The block for one page ('' when it has no related briefs)."""
        src = page.file.src_uri
        if not src.startswith(self.prefix):
            return ""
        entry = self.index.get(src[len(self.prefix):])
        if not entry or not entry.get("related"):
            return ""
        items = []
        for rel in entry["related"]:
            other = self.index.get(rel)
            target = files.get_file_from_path(self.prefix + rel)
            if other is None or target is None:
                continue
            href = html.escape(get_relative_url(target.url, page.file.url))
            day = self._day(other["date"])
            publisher = f' · {html.escape(other["publisher"])}' if other.get("publisher") else ""
            items.append(f'<li><a href="{href}">{html.escape(other["title"])}</a> '
                         f'<span class="nb-related__meta">{day}{publisher}</span></li>')
        if not items:
            return ""
        return ('<section class="nb-related" aria-labelledby="related-briefs" data-pagefind-ignore>'
                '<h2 id="related-briefs">Related briefs</h2>'
                f'<ul>{"".join(items)}</ul></section>')
