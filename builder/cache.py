"""The conversion cache: what each dump gave last time, so an unchanged dump is neither
read, parsed nor rendered again.

One JSON file in `.newsbrief-cache/`, keyed by the dump's path. An entry is reused when
the file's size and modification time are the same, or else when its bytes hash the
same (a touched or copied file). The whole cache is thrown away when the rules or the
builder's code change: its name carries a fingerprint of both.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from . import __version__
from .archive import ArticleFeatures
from .model import OK, REJECTED, Article, Dump, Outcome
from .write import atomic_write

CACHE_DIR = ".newsbrief-cache"
_PACKAGE = Path(__file__).resolve().parent


def fingerprint(rules_signature: list[str], posts_rel: str) -> str:
    """Changes whenever the output could: builder code, rules, version, posts folder."""
    h = hashlib.sha256(f"{__version__}\0{posts_rel}".encode())
    for path in sorted(_PACKAGE.glob("*.py")) + sorted(_PACKAGE.glob("*.yml")):
        h.update(path.read_bytes())
    for part in rules_signature:
        h.update(part.encode())
    return h.hexdigest()[:16]


@dataclass
class Entry:
    size: int
    mtime_ns: int
    sha256: str
    record: dict  # what a stub Outcome needs: status, error, id, date, key, slug, authors, ...

    def matches(self, st: os.stat_result) -> bool:
        return st.st_size == self.size and st.st_mtime_ns == self.mtime_ns


class ConvertCache:
    def __init__(self, folder: Path, key: str):
        self.path = folder / f"convert-{key}.json"
        self.folder = folder
        self.entries: dict[str, Entry] = {}
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
            self.entries = {k: Entry(**v) for k, v in raw.items()}
        except (FileNotFoundError, ValueError, TypeError):
            self.entries = {}

    def lookup(self, source: str, path: Path, st: os.stat_result) -> tuple[Outcome | None, bytes | None]:
        """A stub Outcome from the cache if the dump is unchanged; else (None, bytes-if-read)."""
        entry = self.entries.get(source)
        if entry is None:
            return None, None
        if entry.matches(st):
            return stub(source, entry), None
        try:
            data = path.read_bytes()
        except OSError:
            return None, None
        if hashlib.sha256(data).hexdigest() == entry.sha256:
            entry.mtime_ns, entry.size = st.st_mtime_ns, st.st_size
            return stub(source, entry), data
        return None, data

    def save(self, outcomes: list[Outcome], stats: dict[str, os.stat_result]) -> None:
        entries = {}
        for o in outcomes:
            st = stats.get(o.source_path)
            sha = o.article.dump.sha256 if o.article else o.sha256
            if st is None or not sha:
                continue
            entries[o.source_path] = {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "sha256": sha,
                                      "record": _record(o)}
        self.folder.mkdir(parents=True, exist_ok=True)
        for old in self.folder.glob("convert-*.json"):
            if old != self.path:
                old.unlink(missing_ok=True)
        atomic_write(self.path, json.dumps(entries, ensure_ascii=False, sort_keys=True).encode())


def _record(o: Outcome) -> dict:
    if o.article is None:
        return {"status": REJECTED, "error": o.error}
    from .pipeline import render_key  # the pipeline owns what a page depends on

    a, f = o.article, o.features
    return {"status": OK, "id": a.id, "title": a.title, "date": a.date.isoformat(), "key": a.content_key,
            "slug": a.base_slug or a.slug, "authors": a.authors, "publisher": a.publisher, "page": o.page,
            "render": render_key(o) if o.page else "", "local_tags": a.local_tags, "learned": a.learned,
            "highlights": a.highlights, "description": a.description,
            "features": {"signature": f.signature, "short_lines": f.short_lines, "words": f.words,
                         "headings": f.headings}}


def stub(source: str, entry: Entry) -> Outcome:
    """An Outcome rebuilt from the cache: enough to decide duplicates, pages and authors
    without the text. `Outcome.cached_page` says which page it rendered last time."""
    r = entry.record
    if r["status"] == REJECTED:
        return Outcome(source, status=REJECTED, error=r["error"], sha256=entry.sha256)
    dump = Dump(source_path=source, sha256=entry.sha256, size=entry.size)
    article = Article(dump=dump, id=r["id"], title=r["title"], date=dt.date.fromisoformat(r["date"]),
                      date_text="", authors=list(r["authors"]), publisher=r["publisher"], slug=r["slug"],
                      base_slug=r["slug"], content_key=r["key"], is_stub=True, render=r["render"],
                      local_tags=list(r["local_tags"]), tags=list(r["local_tags"]), learned=list(r["learned"]),
                      highlights=list(r["highlights"]), description=r["description"])
    f = r["features"]
    feats = ArticleFeatures(signature=list(f["signature"]), words=list(f["words"]),
                            short_lines=[(int(n), str(t)) for n, t in f["short_lines"]],
                            headings=[(int(n), str(t)) for n, t in f["headings"]])
    return Outcome(source, article=article, cached_page=r.get("page"), features=feats, sha256=entry.sha256)
