"""Material's search entries of a frozen page replayed (issue #15: `newsbrief serve` shows a
new brief in <= 5 s; at <= 2,000 briefs the site uses Material's built-in search).

Material's search plugin indexes a page in its ``on_page_context``: ``SearchIndex.
add_entry_from_context(page)`` parses the page's HTML into sections and appends one entry
a section to ``SearchIndex.entries``, in the order pages are built; ``on_post_build``
writes ``{"config": ..., "docs": entries}`` as search/search_index.json. A page frozen by
site/freeze.py has no HTML and no ``on_page_context``, so until now nothing was frozen
under Material's search.

Here each build records, for every page it indexes, the entries Material added for it
(the plugin's own objects, as its index holds them), and the next build appends a frozen
page's recorded entries at the moment its page is put in place, which is where the page
loop would have indexed it: the index written is the one a build without freezing writes,
byte for byte (the entries are a function of the page's HTML, table of contents, URL and
front matter, all of which the freeze key covers).

A page is frozen only if its entries were recorded by the build whose freeze record it
comes from: each entry set is saved with that record's key and sha256 of the page
(read back from the freeze record just written), and ``accept()`` asks for both.
Guarded by the seam "search-replay" (site/seams.py); anything else (the seam broken,
the plugin not found, a dirty reload, which merges indexes across builds) means every
page is built and indexed the normal way.
"""

from __future__ import annotations

import logging
from pathlib import Path

import orjson

from ..output.store import atomic_write
from . import seams

log = logging.getLogger("mkdocs.plugins.newsbrief.search_replay")

_FORMAT = 1


_dumps, _loads = orjson.dumps, orjson.loads  # (pinned; output/cache.py reads and writes with it too)


def record_path(freeze_record: Path) -> Path:
    """The entries' file beside the freeze record it goes with (build's or serve's)."""
    return freeze_record.with_name(f"search-{freeze_record.name}")


class Replay:
    """One build's search entries: recorded for the pages it indexes, replayed for the
    pages it freezes (``attach()`` a Freezer before its plan)."""

    def __init__(self, index, path: Path):
        self.index, self.path = index, path
        self.made: dict[str, list] = {}     # src_uri -> this build's entries for the page
        self._old: dict[str, list] = {}     # src_uri -> [freeze key, page sha256, entries]
        self._load()
        add = index.add_entry_from_context

        def add_entry_from_context(page):
            start = len(index.entries)
            add(page)
            self.made[page.file.src_uri] = index.entries[start:]

        index.add_entry_from_context = add_entry_from_context  # (this build's index only)

    def _load(self) -> None:
        try:
            data = _loads(self.path.read_bytes())
            if data.get("format") == _FORMAT and isinstance(data.get("pages"), dict):
                self._old = data["pages"]
        except (OSError, ValueError, TypeError, AttributeError):
            self._old = {}

    def attach(self, freezer) -> None:
        freezer.accept = self.accept
        freezer.on_written.append(self.written)

    def accept(self, src: str, rec) -> bool:
        """Whether a frozen candidate's entries were recorded with its freeze record."""
        old = self._old.get(src)
        return isinstance(old, list) and len(old) == 3 and old[0] == rec.key and old[1] == rec.sha \
            and isinstance(old[2], list)

    def written(self, page) -> None:
        """A frozen page put in place: its entries, where the page loop would have added them."""
        entries = self._old[page.file.src_uri][2]
        self.index.entries.extend(entries)
        self.made[page.file.src_uri] = entries

    def save(self, posts: dict[str, list] | None) -> None:
        """This build's entries for the pages of the freeze record this build saved (``posts``;
        None if it could not), each with that record's key and page sha256 (an entry set
        without them is never replayed)."""
        try:
            if posts is None:
                raise OSError("the record of built pages was not saved")
            pages = {src: [fields[0], fields[1], self.made[src]]
                     for src, fields in posts.items() if src in self.made}
            atomic_write(self.path, _dumps({"format": _FORMAT, "pages": pages}))
        except (OSError, ValueError, TypeError, KeyError) as e:
            log.warning(f"newsbrief: could not save the search entries of built pages: {e}")
            self.path.unlink(missing_ok=True)


def start(config, freeze_record: Path) -> Replay | None:
    """This build's Replay when Material's search runs and may be replayed, else None."""
    plugin = config.plugins.get("material/search")
    index = getattr(plugin, "search_index", None)
    if plugin is None or not getattr(plugin.config, "enabled", False) or index is None:
        return None
    if getattr(plugin, "is_dirty", True) or not seams.usable("search-replay", plugin=plugin):
        return None
    return Replay(index, record_path(freeze_record))
