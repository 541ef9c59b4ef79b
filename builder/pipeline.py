"""The conversion pipeline: find dumps, run each through read -> parse -> clean ->
enrich (a pure function of the bytes and the rules, so it parallelises), then decide
across dumps (duplicates, revisions, unique slugs) and hand the pages to the writer.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .cache import ConvertCache, fingerprint
from .clean import clean
from .enrich import enrich
from .model import DUPLICATE, OK, REJECTED, SUPERSEDED, Outcome, Rejected
from .parse import layout
from .read import read_bytes
from .render import author_key, avatar_svg, dump_yaml, render_page
from .rules import Rules
from .write import PostsFolder, WriteReport

AUTHORS_FILE = ".authors.yml"
# Below this many dumps a process pool costs more than it saves.
_POOL_THRESHOLD = 64


def display_path(path: Path) -> str:
    """The path as the user would write it: relative to the working folder if inside."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def discover(paths: Iterable[str | Path]) -> tuple[list[Path], list[str]]:
    """Dump files under the given files and folders, in path order; plus usage errors."""
    found: dict[str, Path] = {}
    errors: list[str] = []
    for p in map(Path, paths):
        if p.is_dir():
            for f in p.rglob("*"):
                rel = f.relative_to(p)
                if f.suffix.lower() == ".txt" and f.is_file() and not any(
                    part.startswith(".") for part in rel.parts
                ):
                    found[display_path(f)] = f
        elif p.exists():
            found[display_path(p)] = p
        else:
            errors.append(f"{p}: no such file or folder")
    return [found[k] for k in sorted(found)], errors


def process(data: bytes, source_path: str, rules: Rules) -> Outcome:
    """One dump's bytes -> its Outcome. Pure: no I/O, same input gives the same output."""
    try:
        dump = read_bytes(data, source_path, rules.max_bytes)
        article = enrich(clean(layout(dump, rules), rules), rules)
    except Rejected as e:
        return Outcome(source_path, status=REJECTED, error=str(e), sha256=hashlib.sha256(data).hexdigest())
    article.base_slug = article.slug
    article.content_key = hashlib.sha256(article.body_text.encode()).hexdigest()
    return Outcome(source_path, article=article, sha256=dump.sha256)


def _process_file(path: Path, rules: Rules) -> Outcome:
    source = display_path(path)
    try:
        size = path.stat().st_size
        if rules.max_bytes is not None and size > rules.max_bytes:
            return Outcome(source, status=REJECTED,
                           error=f"too large: {size:,} bytes (limit {rules.max_bytes:,})")
        data = path.read_bytes()
    except OSError as e:
        return Outcome(source, status=REJECTED, error=f"cannot read: {e.strerror or e}")
    outcome = process(data, source, rules)
    if outcome.article is not None:
        outcome.article.dump.lines = []  # only the stages need them; keep memory flat
    return outcome


def _process_chunk(args: tuple[list[Path], Rules]) -> list[Outcome]:
    paths, rules = args
    return [_process_file(p, rules) for p in paths]


def process_files(files: list[Path], rules: Rules, workers: int | None = None,
                  progress: Callable[[int], None] | None = None) -> list[Outcome]:
    """Outcomes in the order of `files`; a process pool for large batches."""
    workers = workers or os.cpu_count() or 1
    if workers == 1 or len(files) < _POOL_THRESHOLD:
        out = []
        for f in files:
            out.append(_process_file(f, rules))
            if progress:
                progress(1)
        return out
    size = max(16, min(256, len(files) // (workers * 8) or 1))
    chunks = [files[i : i + size] for i in range(0, len(files), size)]
    out: list[Outcome] = []
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for result in pool.map(_process_chunk, [(c, rules) for c in chunks]):
            out.extend(result)
            if progress:
                progress(len(result))
    return out


def resolve(outcomes: list[Outcome]) -> None:
    """Mark duplicates (same id, same text) and superseded revisions (same id, other
    text: the later date wins, ties go to the later file in path order)."""
    by_id: dict[str, list[Outcome]] = {}
    for o in outcomes:
        if o.status == OK:
            by_id.setdefault(o.article.id, []).append(o)
    for group in by_id.values():
        if len(group) < 2:
            continue
        first_of: dict[str, Outcome] = {}
        for o in sorted(group, key=lambda o: o.source_path):
            key = o.article.content_key
            if key in first_of:
                o.status, o.duplicate_of = DUPLICATE, first_of[key].source_path
            else:
                first_of[key] = o
        originals = list(first_of.values())
        winner = max(originals, key=lambda o: (o.article.date, o.source_path))
        for o in originals:
            if o is not winner:
                o.status, o.superseded_by = SUPERSEDED, winner.source_path


def assign_pages(outcomes: list[Outcome], posts_rel: str) -> None:
    """Give each published article a unique page path (posts/YYYY/MM/slug.md).

    The month is part of the URL, so a slug need only be unique within its month; on a
    clash the article with the earlier (date, id) keeps the plain slug and the others
    get -2, -3, ... (news arrives in date order, so an existing URL rarely moves).
    """
    taken: set[tuple[int, int, str]] = set()
    published = sorted((o for o in outcomes if o.status == OK),
                       key=lambda o: (o.article.base_slug or o.article.slug, o.article.date, o.article.id))
    for o in published:
        a = o.article
        base = a.base_slug or a.slug
        n, slug = 1, base
        while (a.date.year, a.date.month, slug) in taken:
            n += 1
            slug = f"{base}-{n}"
        taken.add((a.date.year, a.date.month, slug))
        a.slug = slug
        o.page = f"{posts_rel}/{a.date:%Y}/{a.date:%m}/{slug}.md"


@dataclass
class Result:
    outcomes: list[Outcome] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # usage errors (missing paths)
    write: WriteReport | None = None

    def count(self, status: str) -> int:
        return sum(o.status == status for o in self.outcomes)


def analyse(paths: Iterable[str | Path], rules: Rules, posts_rel: str = "docs/posts",
            workers: int | None = None, progress: Callable[[int], None] | None = None,
            on_total: Callable[[int], None] | None = None) -> Result:
    files, errors = discover(paths)
    if on_total:
        on_total(len(files))
    outcomes = process_files(files, rules, workers, progress)
    resolve(outcomes)
    assign_pages(outcomes, posts_rel)
    return Result(outcomes=outcomes, errors=errors)


def authors_yaml(outcomes: list[Outcome]) -> str:
    """The blog plugin's .authors.yml: every author of a published brief."""
    authors: dict[str, dict] = {}
    publishers: dict[str, set[str]] = {}
    for o in outcomes:
        if o.status != OK:
            continue
        for name in o.article.authors:
            key = author_key(name)
            authors.setdefault(key, {"name": name, "description": "", "avatar": avatar_svg(name)})
            if o.article.publisher:
                publishers.setdefault(key, set()).add(o.article.publisher)
    for key, info in authors.items():
        info["description"] = ", ".join(sorted(publishers.get(key, ()))) or "Contributor"
    return dump_yaml({"authors": {k: authors[k] for k in sorted(authors)}})


def page_files(result: Result, posts_rel: str) -> dict[str, bytes | None]:
    """Relative path (inside the posts folder) -> bytes, for every generated file;
    None for a page that the cache says is already there as it should be."""
    files: dict[str, bytes | None] = {}
    for o in result.outcomes:
        if o.status == OK and o.page:
            rel = o.page[len(posts_rel) + 1 :]
            files[rel] = None if o.article.is_stub else render_page(o.article, o.source_path).encode("utf-8")
    files[AUTHORS_FILE] = authors_yaml(result.outcomes).encode("utf-8")
    return files


def convert(paths: Iterable[str | Path], rules: Rules, posts_dir: Path,
            workers: int | None = None, progress: Callable[[int], None] | None = None,
            on_total: Callable[[int], None] | None = None, cache_dir: Path | None = None) -> Result:
    """Make the posts folder match the dumps. With a cache folder, a dump unchanged since
    the last run is neither read, parsed nor rendered again."""
    posts_rel = display_path(posts_dir)
    files, errors = discover(paths)
    if on_total:
        on_total(len(files))
    cache = ConvertCache(cache_dir, fingerprint(rules.signature, posts_rel)) if cache_dir else None
    outcomes: dict[Path, Outcome] = {}
    stats: dict[str, os.stat_result] = {}
    todo: list[Path] = []
    for f in files:
        source = display_path(f)
        try:
            stats[source] = st = f.stat()
        except OSError:
            todo.append(f)
            continue
        cached = cache.lookup(source, f, st)[0] if cache else None
        if cached is None:
            todo.append(f)
        else:
            outcomes[f] = cached
            if progress:
                progress(1)
    outcomes.update(zip(todo, process_files(todo, rules, workers, progress), strict=True))
    ordered = [outcomes[f] for f in files]
    resolve(ordered)
    assign_pages(ordered, posts_rel)
    # A cached page that moved (a slug clash resolved differently) or went missing needs
    # its text after all.
    root = Path.cwd()
    for i, (f, o) in enumerate(zip(files, ordered, strict=True)):
        if o.status == OK and o.article.is_stub and (o.page != o.cached_page or not (root / o.page).is_file()):
            fresh = _process_file(f, rules)
            if fresh.article is None:  # changed under our feet since the stat: next run
                continue
            fresh.status, fresh.page = o.status, o.page
            fresh.article.slug = o.article.slug
            ordered[i] = fresh
    result = Result(outcomes=ordered, errors=errors)
    result.write = PostsFolder(posts_dir).sync(page_files(result, posts_rel))
    if cache:
        cache.save(ordered, stats)
    return result
