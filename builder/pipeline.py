"""The conversion pipeline: find dumps, run each through read -> parse -> clean ->
enrich (a pure function of the bytes and the rules, so it parallelises), then decide
across dumps (duplicates, revisions, unique slugs) and hand the pages to the writer.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .archive import (
    apply_learned,
    exact_jaccard,
    features,
    learned_chrome,
    near_duplicate_groups,
    normalise_tags,
    related,
)
from .cache import ConvertCache, archive_snapshot, fingerprint, restore, sources_digest
from .clean import clean
from .digest import DIGEST_DIR, digest_pages
from .enrich import enrich
from .model import DUPLICATE, NEAR_DUPLICATE, OK, REJECTED, SUPERSEDED, Article, Outcome, Rejected
from .parse import layout
from .read import read_bytes
from .render import author_key, avatar_svg, dump_yaml, render_page
from .rules import Rules
from .write import PostsFolder, WriteReport

AUTHORS_FILE = ".authors.yml"
INDEX_FILE = ".newsbrief-index.json"
# Below this many dumps a process pool costs more than it saves.
_POOL_THRESHOLD = 64


def display_path(path: Path) -> str:
    """The path as the user would write it: relative to the working folder if inside."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def discover(paths: Iterable[str | Path]) -> tuple[list[tuple[str, Path]], list[str]]:
    """(display path, path) of the dump files under the given files and folders, in path
    order; plus usage errors. Display paths are built from each folder's own, not resolved
    file by file (that costs more than reading an unchanged archive)."""
    found: dict[str, Path] = {}
    errors: list[str] = []
    for p in map(Path, paths):
        if p.is_dir():
            prefix = display_path(p)
            top = str(p)
            # os.walk, not Path.rglob: a third of an unchanged 10k-dump run went to pathlib.
            for folder, dirs, names in os.walk(top, followlinks=True):
                dirs[:] = [d for d in dirs if not d.startswith(".")]  # hidden folders: not dumps
                rel_dir = os.path.relpath(folder, top).replace(os.sep, "/")
                for name in names:
                    if name.endswith(".txt") and not name.startswith(".") \
                            and os.path.isfile(full := os.path.join(folder, name)):
                        rel = name if rel_dir == "." else f"{rel_dir}/{name}"
                        found[f"{prefix}/{rel}" if prefix != "." else rel] = Path(full)
        elif p.exists():
            found[display_path(p)] = p
        else:
            errors.append(f"{p}: no such file or folder")
    return [(k, found[k]) for k in sorted(found)], errors


def process(data: bytes, source_path: str, rules: Rules) -> Outcome:
    """One dump's bytes -> its Outcome. Pure: no I/O, same input gives the same output."""
    try:
        dump = read_bytes(data, source_path, rules.max_bytes)
        article = enrich(clean(layout(dump, rules), rules), rules)
    except Rejected as e:
        return Outcome(source_path, status=REJECTED, error=str(e), sha256=hashlib.sha256(data).hexdigest())
    article.base_slug = article.slug
    article.content_key = content_key(article)
    return Outcome(source_path, article=article, sha256=dump.sha256, features=features(article))


def content_key(article: Article) -> str:
    return hashlib.sha256(article.body_text.encode()).hexdigest()


def _process_file(item: tuple[str, Path], rules: Rules) -> Outcome:
    source, path = item
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


def _process_chunk(args: tuple[list[tuple[str, Path]], Rules]) -> list[Outcome]:
    paths, rules = args
    return [_process_file(p, rules) for p in paths]


def process_files(files: list[tuple[str, Path]], rules: Rules, workers: int | None = None,
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


def mark_near_duplicates(outcomes: list[Outcome], threshold: float) -> None:
    """Syndicated copies (other ids, nearly the same sentences): the earliest is
    published, with a note of the others; the others are `near-duplicate`."""
    ok = {o.source_path: o for o in outcomes if o.status == OK and o.features is not None}
    items = [(k, o.features.signature, o.features.sentences) for k, o in ok.items() if o.features.signature]
    for group in near_duplicate_groups(items, threshold):
        members = sorted((ok[k] for k, _ in group), key=lambda o: (o.article.date, o.source_path))
        keeper = members[0]
        for o in members[1:]:
            sim = exact_jaccard(keeper.features.sentences, o.features.sentences)
            o.status, o.near_duplicate_of, o.similarity = NEAR_DUPLICATE, keeper.source_path, sim
            keeper.article.copies.append({
                "source": o.source_path, "title": o.article.title, "publisher": o.article.publisher,
                "date": o.article.date.isoformat(), "similarity": round(sim, 2)})


def assign_pages(outcomes: list[Outcome], posts_rel: str, foreign: Callable[[str], bool] | None = None) -> None:
    """Give each published article a unique page path (posts/YYYY/MM/slug.md).

    The month is part of the URL, so a slug need only be unique within its month; on a
    clash the article with the earlier (date, id) keeps the plain slug and the others
    get -2, -3, ... (news arrives in date order, so an existing URL rarely moves).
    A path where `foreign` says a file that is not the builder's lies (a hand-written
    page) is skipped like a taken one.
    """
    taken: set[tuple[int, int, str]] = set()
    published = sorted((o for o in outcomes if o.status == OK),
                       key=lambda o: (o.article.base_slug or o.article.slug, o.article.date, o.article.id))
    for o in published:
        a = o.article
        base = a.base_slug or a.slug
        n, slug = 1, base
        while (a.date.year, a.date.month, slug) in taken or \
                (foreign is not None and foreign(f"{a.date:%Y}/{a.date:%m}/{slug}.md")):
            n += 1
            slug = f"{base}-{n}"
        taken.add((a.date.year, a.date.month, slug))
        a.slug = slug
        o.page = f"{posts_rel}/{a.date:%Y}/{a.date:%m}/{slug}.md"


def render_key(o: Outcome) -> str:
    """Everything a page depends on beyond the dump's own bytes: when it is unchanged,
    a cached page is still right."""
    a = o.article
    return hashlib.sha256(json.dumps([o.page, a.slug, a.tags, a.copies, a.learned], sort_keys=True,
                                     ensure_ascii=False).encode()).hexdigest()[:16]


@dataclass
class Result:
    outcomes: list[Outcome] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # usage errors (missing paths)
    write: WriteReport | None = None
    learned: dict[tuple[str, str], int] = field(default_factory=dict)  # chrome learned from the corpus

    def count(self, status: str) -> int:
        return sum(o.status == status for o in self.outcomes)


def _archive_steps(outcomes: list[Outcome], paths: dict[str, Path], rules: Rules, posts_rel: str,
                   foreign: Callable[[str], bool] | None = None) -> Result:
    """The decisions that need the whole archive, in order; stubs from the cache take
    part with their features and are re-read only if their page has to change."""
    learned = learned_chrome(outcomes, rules)

    def full(o: Outcome) -> Outcome:
        """The stub's article with its text (read again), with the archive's learning."""
        fresh = _process_file((o.source_path, paths[o.source_path]), rules)
        if fresh.article is not None:
            fresh.article.learned = apply_learned(fresh.article, fresh.features, learned)
            fresh.article.content_key = content_key(fresh.article)
        return fresh

    for i, o in enumerate(outcomes):
        if o.status != OK:
            continue
        a, pub = o.article, o.article.publisher or ""
        hits = sorted({t for _, t in o.features.short_lines + o.features.headings if (pub, t) in learned})
        if not a.is_stub:
            a.learned = apply_learned(a, o.features, learned)
            a.content_key = content_key(a)
        elif hits != a.learned:
            outcomes[i] = full(o)
    resolve(outcomes)
    mark_near_duplicates(outcomes, rules.near_duplicate_threshold)
    normalise_tags([o.article for o in outcomes if o.status == OK], rules)
    assign_pages(outcomes, posts_rel, foreign)
    ok = [o for o in outcomes if o.status == OK]
    pages = {o.source_path: o.page for o in ok}
    by_source = {o.source_path: o for o in ok}
    for key, rel in related([(o.source_path, o.article, o.features) for o in ok], rules.related_max).items():
        by_source[key].related = [pages[k] for k in rel]
    # A cached page whose inputs moved (slug, tags, copies, learned lines) is rendered again.
    for i, o in enumerate(outcomes):
        if o.status == OK and o.article.is_stub and (render_key(o) != o.article.render or not o.page_exists):
            stub, fresh = o, full(o)
            if fresh.article is None:  # changed on disk since it was looked at: next run
                continue
            fresh.status, fresh.page, fresh.related = stub.status, stub.page, stub.related
            fresh.article.slug, fresh.article.tags = stub.article.slug, stub.article.tags
            fresh.article.copies = stub.article.copies
            outcomes[i] = fresh
    return Result(outcomes=outcomes, learned=learned)


def analyse(paths: Iterable[str | Path], rules: Rules, posts_rel: str = "docs/posts",
            workers: int | None = None, progress: Callable[[int], None] | None = None,
            on_total: Callable[[int], None] | None = None) -> Result:
    """Every dump through every stage and the archive-wide steps; writes nothing."""
    files, errors = discover(paths)
    if on_total:
        on_total(len(files))
    outcomes = process_files(files, rules, workers, progress)
    result = _archive_steps(outcomes, dict(files), rules, posts_rel, PostsFolder(Path(posts_rel)).foreign)
    result.errors = errors
    return result


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


def page_files(result: Result, posts_rel: str, rules: Rules) -> dict[str, bytes | None]:
    """Relative path (inside the posts folder) -> bytes, for every generated file;
    None for a page that the cache says is already there as it should be."""
    files: dict[str, bytes | None] = {}
    for o in result.outcomes:
        if o.status == OK and o.page:
            rel = o.page[len(posts_rel) + 1 :]
            files[rel] = None if o.article.is_stub else render_page(o.article, o.source_path).encode("utf-8")
    files[AUTHORS_FILE] = authors_yaml(result.outcomes).encode("utf-8")
    files[INDEX_FILE] = archive_index(result.outcomes, posts_rel).encode("utf-8")
    files.update(digest_pages(result.outcomes, posts_rel, rules.digest_daily, rules.digest_weekly))
    return files


def archive_index(outcomes: list[Outcome], posts_rel: str) -> str:
    """docs/posts/.newsbrief-index.json: what the site plugin adds to pages at build time
    (related briefs, tag pages), so that a new brief does not rewrite the pages it is
    related to or shares a tag with."""
    cut = len(posts_rel) + 1
    index = {o.page[cut:]: {"title": o.article.title, "date": o.article.date.isoformat(),
                            "publisher": o.article.publisher, "related": [p[cut:] for p in o.related],
                            "tags": list(o.article.tags)}
             for o in sorted((o for o in outcomes if o.status == OK), key=lambda o: o.page)}
    return json.dumps(index, ensure_ascii=False, sort_keys=True, indent=0) + "\n"


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
    stats: dict[str, os.stat_result] = {}
    todo: list[tuple[str, Path]] = []
    kept: list[str] = []
    for item in files:
        source, f = item
        try:
            stats[source] = st = f.stat()
        except OSError:
            todo.append(item)
            continue
        if cache and cache.unchanged(source, f, st):
            kept.append(source)
            if progress:
                progress(1)
        else:
            todo.append(item)
    root = Path.cwd()
    snapshot = None
    if cache and not todo:
        snapshot = cache.snapshot_for(sources_digest([(src, cache.index[src][2]) for src, _ in files]))
    if snapshot and all(os.path.isfile(os.path.join(root, d["page"])) for d in snapshot["outcomes"].values()
                        if d["page"]) \
            and all(os.path.isfile(os.path.join(posts_dir, rel)) for rel in snapshot["extras"]):
        # The same dumps with the same bytes as last time: the same decisions, the same
        # pages. Nothing to read, decide or render; the posts folder is only checked.
        ordered, learned = restore([src for src, _ in files], snapshot)
        result = Result(outcomes=ordered, errors=errors, learned=learned)
        result.write = PostsFolder(posts_dir).sync(
            {rel: None for rel in snapshot["extras"]}
            | {o.page[len(posts_rel) + 1 :]: None for o in ordered if o.status == OK and o.page})
        if cache.touched:
            cache.save_index()
        return result
    outcomes: dict[str, Outcome] = {}
    for source in kept:
        cached = cache.stub(source)
        if cached is None:  # the records file was lost: convert it again
            todo.append((source, dict(files)[source]))
        else:
            outcomes[source] = cached
    outcomes.update(zip((src for src, _ in todo), process_files(todo, rules, workers, progress), strict=True))
    ordered = [outcomes[src] for src, _ in files]
    for o in ordered:
        if o.article is not None and o.article.is_stub:
            o.page_exists = bool(o.cached_page) and (root / o.cached_page).is_file()
    folder = PostsFolder(posts_dir)
    result = _archive_steps(ordered, dict(files), rules, posts_rel, folder.foreign)
    result.errors = errors
    files_out = page_files(result, posts_rel, rules)
    result.write = folder.sync(files_out)
    if cache:
        extras = sorted(rel for rel in files_out if not rel.endswith(".md") or rel.startswith(DIGEST_DIR + "/"))
        digest = sources_digest([(o.source_path, (o.article.dump.sha256 if o.article else o.sha256) or "")
                                 for o in result.outcomes])
        cache.save(result.outcomes, stats, archive_snapshot(digest, result.outcomes, result.learned, extras))
    return result
