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
    """Per-dump entries, plus a snapshot of the archive-wide decisions of the last run:
    when the set of dumps is exactly the same, the decisions are too, and a run has
    nothing to do but check that the pages are still there."""

    def __init__(self, folder: Path, key: str):
        self.path = folder / f"convert-{key}.json"
        self.folder = folder
        self.entries: dict[str, Entry] = {}
        self.archive: dict | None = None
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
            self.entries = {k: Entry(**v) for k, v in raw["entries"].items()}
            self.archive = raw.get("archive")
        except (FileNotFoundError, ValueError, TypeError, KeyError, AttributeError):
            self.entries, self.archive = {}, None

    def lookup(self, source: str, path: Path, st: os.stat_result) -> tuple[Outcome | None, bytes | None]:
        """A stub Outcome from the cache if the dump is unchanged; else (None, bytes-if-read)."""
        entry = self.entries.get(source)
        if entry is None:
            return None, None
        if entry.matches(st):
            return stub(source, entry), None
        if not entry.sha256:  # a dump rejected unread (too large): only its size and mtime count
            return None, None
        try:
            data = path.read_bytes()
        except OSError:
            return None, None
        if hashlib.sha256(data).hexdigest() == entry.sha256:
            entry.mtime_ns, entry.size = st.st_mtime_ns, st.st_size
            return stub(source, entry), data
        return None, data

    def snapshot_for(self, digest: str) -> dict | None:
        return self.archive if self.archive and self.archive.get("digest") == digest else None

    def save(self, outcomes: list[Outcome], stats: dict[str, os.stat_result], archive: dict | None = None) -> None:
        entries = {}
        for o in outcomes:
            st = stats.get(o.source_path)
            if st is None:
                continue
            sha = (o.article.dump.sha256 if o.article else o.sha256) or ""
            entries[o.source_path] = {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "sha256": sha,
                                      "record": _record(o)}
        self.folder.mkdir(parents=True, exist_ok=True)
        for old in self.folder.glob("convert-*.json"):
            if old != self.path:
                old.unlink(missing_ok=True)
        body = {"entries": entries, "archive": archive}
        atomic_write(self.path, json.dumps(body, ensure_ascii=False, sort_keys=True).encode())


def sources_digest(outcomes: list[Outcome]) -> str:
    """Which dumps, with which bytes: the archive-wide decisions are a function of this."""
    h = hashlib.sha256()
    for o in outcomes:
        sha = (o.article.dump.sha256 if o.article else o.sha256) or ""
        h.update(f"{o.source_path}\0{sha}\n".encode())
    return h.hexdigest()


def archive_snapshot(digest: str, outcomes: list[Outcome], learned: dict, extras: list[str]) -> dict:
    """The archive-wide decisions of this run, per dump, to restore when nothing changed."""
    per = {}
    for o in outcomes:
        a = o.article
        per[o.source_path] = {
            "status": o.status, "duplicate_of": o.duplicate_of, "superseded_by": o.superseded_by,
            "near_duplicate_of": o.near_duplicate_of, "similarity": o.similarity, "page": o.page,
            "related": o.related, "slug": a.slug if a else None, "tags": a.tags if a else None,
            "copies": a.copies if a else None}
    return {"digest": digest, "outcomes": per, "extras": extras,
            "learned": [[pub, text, n] for (pub, text), n in sorted(learned.items())]}


def restore(outcomes: list[Outcome], snapshot: dict) -> dict[tuple[str, str], int]:
    """Apply a snapshot's decisions to stubs; returns the learned chrome it recorded."""
    per = snapshot["outcomes"]
    for o in outcomes:
        d = per[o.source_path]
        o.status, o.duplicate_of, o.superseded_by = d["status"], d["duplicate_of"], d["superseded_by"]
        o.near_duplicate_of, o.similarity, o.page, o.related = (
            d["near_duplicate_of"], d["similarity"], d["page"], list(d["related"]))
        if o.article is not None:
            o.article.slug, o.article.tags, o.article.copies = d["slug"], list(d["tags"]), list(d["copies"])
    return {(pub, text): n for pub, text, n in snapshot["learned"]}


def _record(o: Outcome) -> dict:
    if o.article is None:
        return {"status": REJECTED, "error": o.error}
    from .pipeline import render_key  # the pipeline owns what a page depends on

    a, f = o.article, o.features
    return {"status": OK, "id": a.id, "title": a.title, "date": a.date.isoformat(), "key": a.content_key,
            "slug": a.base_slug or a.slug, "authors": a.authors, "publisher": a.publisher, "page": o.page,
            "render": render_key(o) if o.page else "", "local_tags": a.local_tags, "learned": a.learned,
            "highlights": a.highlights, "description": a.description,
            "features": {"signature": f.signature, "sentences": f.sentences, "short_lines": f.short_lines,
                         "words": f.words,
                         "headings": f.headings}}


def stub(source: str, entry: Entry) -> Outcome:
    """An Outcome rebuilt from the cache: enough to decide duplicates, pages and authors
    without the text. `Outcome.cached_page` says which page it rendered last time."""
    r = entry.record
    if r["status"] == REJECTED:
        return Outcome(source, status=REJECTED, error=r["error"], sha256=entry.sha256 or None)
    dump = Dump(source_path=source, sha256=entry.sha256, size=entry.size)
    article = Article(dump=dump, id=r["id"], title=r["title"], date=dt.date.fromisoformat(r["date"]),
                      date_text="", authors=list(r["authors"]), publisher=r["publisher"], slug=r["slug"],
                      base_slug=r["slug"], content_key=r["key"], is_stub=True, render=r["render"],
                      local_tags=list(r["local_tags"]), tags=list(r["local_tags"]), learned=list(r["learned"]),
                      highlights=list(r["highlights"]), description=r["description"])
    f = r["features"]
    feats = ArticleFeatures(signature=list(f["signature"]), sentences=list(f["sentences"]), words=list(f["words"]),
                            short_lines=[(int(n), str(t)) for n, t in f["short_lines"]],
                            headings=[(int(n), str(t)) for n, t in f["headings"]])
    return Outcome(source, article=article, cached_page=r.get("page"), features=feats, sha256=entry.sha256)
