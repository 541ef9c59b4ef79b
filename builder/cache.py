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


class ConvertCache:
    """Per-dump entries, plus a snapshot of the archive-wide decisions of the last run:
    when the set of dumps is exactly the same, the decisions are too, and a run has
    nothing to do but check that the pages are still there.

    Two files: a small index (size, mtime, hash of each dump, and the snapshot), read on
    every run, and the per-dump records (metadata and features), read only when some
    dump changed and the archive-wide steps have to run again."""

    def __init__(self, folder: Path, key: str):
        self.path = folder / f"convert-{key}.json"
        self.records_path = folder / f"records-{key}.json"
        self.folder = folder
        self.index: dict[str, list] = {}  # source -> [size, mtime_ns, sha256]
        self.archive: dict | None = None
        self._records: dict[str, dict] | None = None
        self.touched = False  # an entry's mtime was refreshed: worth saving even if nothing else changed
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
            self.index, self.archive = dict(raw["index"]), raw.get("archive")
        except (FileNotFoundError, ValueError, TypeError, KeyError, AttributeError):
            self.index, self.archive = {}, None

    @property
    def records(self) -> dict[str, dict]:
        if self._records is None:
            try:
                self._records = json.loads(self.records_path.read_text(encoding="utf-8"))
            except (FileNotFoundError, ValueError):
                self._records = {}
                self.index = {}
        return self._records

    def unchanged(self, source: str, path: Path, st: os.stat_result) -> bool:
        """Is the dump what it was last run? Size and mtime, else (if they moved) its bytes."""
        entry = self.index.get(source)
        if entry is None:
            return False
        size, mtime_ns, sha = entry
        if st.st_size == size and st.st_mtime_ns == mtime_ns:
            return True
        if not sha:  # a dump rejected unread (too large): only its size and mtime count
            return False
        try:
            data = path.read_bytes()
        except OSError:
            return False
        if hashlib.sha256(data).hexdigest() != sha:
            return False
        entry[0], entry[1] = st.st_size, st.st_mtime_ns
        self.touched = True
        return True

    def stub(self, source: str) -> Outcome | None:
        record = self.records.get(source)
        return None if record is None or source not in self.index else stub(source, self.index[source], record)

    def snapshot_for(self, digest: str) -> dict | None:
        return self.archive if self.archive and self.archive.get("digest") == digest else None

    def save_index(self) -> None:
        """Only the index changed (mtimes refreshed): keep the records file as it is."""
        body = {"index": self.index, "archive": self.archive}
        atomic_write(self.path, json.dumps(body, ensure_ascii=False, sort_keys=True).encode())

    def save(self, outcomes: list[Outcome], stats: dict[str, os.stat_result], archive: dict | None = None) -> None:
        index, records = {}, {}
        for o in outcomes:
            st = stats.get(o.source_path)
            if st is None:
                continue
            sha = (o.article.dump.sha256 if o.article else o.sha256) or ""
            index[o.source_path] = [st.st_size, st.st_mtime_ns, sha]
            records[o.source_path] = _record(o)
        self.folder.mkdir(parents=True, exist_ok=True)
        for old in [*self.folder.glob("convert-*.json"), *self.folder.glob("records-*.json")]:
            if old not in (self.path, self.records_path):
                old.unlink(missing_ok=True)
        atomic_write(self.records_path, json.dumps(records, ensure_ascii=False, sort_keys=True).encode())
        self.index, self.archive = index, archive
        self.save_index()


def sources_digest(items: list[tuple[str, str]]) -> str:
    """Which dumps, with which bytes ((source, sha256) pairs): the archive-wide decisions
    are a function of this."""
    h = hashlib.sha256()
    for source, sha in items:
        h.update(f"{source}\0{sha}\n".encode())
    return h.hexdigest()


def archive_snapshot(digest: str, outcomes: list[Outcome], learned: dict, extras: list[str]) -> dict:
    """The archive-wide decisions of this run, per dump, to restore when nothing changed."""
    per = {}
    for o in outcomes:
        a = o.article
        per[o.source_path] = {
            "status": o.status, "error": o.error, "duplicate_of": o.duplicate_of, "superseded_by": o.superseded_by,
            "near_duplicate_of": o.near_duplicate_of, "similarity": o.similarity, "page": o.page,
            "related": o.related, "slug": a.slug if a else None, "tags": a.tags if a else None,
            "copies": a.copies if a else None}
    return {"digest": digest, "outcomes": per, "extras": extras,
            "learned": [[pub, text, n] for (pub, text), n in sorted(learned.items())]}


def restore(sources: list[str], snapshot: dict) -> tuple[list[Outcome], dict[tuple[str, str], int]]:
    """Outcomes as the snapshot recorded them (no article: nothing needs the text), and
    the learned chrome."""
    per = snapshot["outcomes"]
    outcomes = []
    for source in sources:
        d = per[source]
        outcomes.append(Outcome(source, status=d["status"], error=d["error"], duplicate_of=d["duplicate_of"],
                                superseded_by=d["superseded_by"], near_duplicate_of=d["near_duplicate_of"],
                                similarity=d["similarity"], page=d["page"], related=list(d["related"])))
    return outcomes, {(pub, text): n for pub, text, n in snapshot["learned"]}


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
                         "headings": f.headings, "sentence_lines": f.sentence_lines}}


def stub(source: str, entry: list, r: dict) -> Outcome:
    """An Outcome rebuilt from the cache: enough to decide duplicates, pages and authors
    without the text. `Outcome.cached_page` says which page it rendered last time."""
    size, _, sha = entry
    if r["status"] == REJECTED:
        return Outcome(source, status=REJECTED, error=r["error"], sha256=sha or None)
    dump = Dump(source_path=source, sha256=sha, size=size)
    article = Article(dump=dump, id=r["id"], title=r["title"], date=dt.date.fromisoformat(r["date"]),
                      date_text="", authors=list(r["authors"]), publisher=r["publisher"], slug=r["slug"],
                      base_slug=r["slug"], content_key=r["key"], is_stub=True, render=r["render"],
                      local_tags=list(r["local_tags"]), tags=list(r["local_tags"]), learned=list(r["learned"]),
                      highlights=list(r["highlights"]), description=r["description"])
    f = r["features"]
    feats = ArticleFeatures(signature=list(f["signature"]), sentences=list(f["sentences"]), words=list(f["words"]),
                            short_lines=[(int(n), str(t)) for n, t in f["short_lines"]],
                            headings=[(int(n), str(t)) for n, t in f["headings"]],
                            sentence_lines=[(int(n), int(h)) for n, h in f.get("sentence_lines", [])])
    return Outcome(source, article=article, cached_page=r.get("page"), features=feats, sha256=sha)
