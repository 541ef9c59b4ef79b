"""The conversion pipeline: find dumps, run each through read -> parse -> clean ->
enrich (a pure function of the bytes and the rules, so it parallelises), then decide
across dumps (duplicates, revisions, unique slugs) and hand the pages to the writer.
"""

from __future__ import annotations

import hashlib
import heapq
import json
import os
import re
import stat
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .archive.chrome import (
    apply_learned,
    body_spans,
    exact_jaccard,
    features,
    learned_chrome,
    learned_hits,
    near_duplicate_groups,
    normalise_tags,
    related,
)
from .archive.digests import DIGEST_DIR, digest_pages, digest_urls, is_digest_slug
from .convert.clean import clean
from .convert.enrich import enrich
from .convert.parse import layout
from .convert.read import read_bytes
from .model import DUPLICATE, NEAR_DUPLICATE, OK, REJECTED, SUPERSEDED, Article, Outcome, Rejected
from .output.cache import ConvertCache, archive_snapshot, fingerprint, restore, sources_digest
from .output.posts import PostsFolder, WriteReport
from .output.render import author_key, avatar_svg, category_slug, dump_yaml, render_page
from .rules import Rules

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


def _shown(text: str) -> str:
    """A path as one line of a report: control characters (a newline in a file name)
    shown escaped, so a name cannot forge a line of the summary."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def _walk_folder(top: str, prefix: str, found: dict[str, Path], warnings: list[str]) -> None:
    """The *.txt files under `top`, each read once. Real folders are walked first; then
    each symbolic link, in path order, is followed only if it resolves inside `top` and
    to a folder not yet walked (tracked by (st_dev, st_ino)) or a file not yet found.
    Everything skipped is reported in `warnings` with the reason."""
    real_top = os.path.realpath(top)
    seen_dirs: set[tuple[int, int]] = set()
    seen_files: dict[tuple[int, int], str] = {}
    links: list[tuple[str, str]] = []  # (display path, path) of links still to look at

    def shown(rel: str) -> str:
        return rel if prefix == "." else (f"{prefix}/{rel}" if rel else prefix)

    def add_file(display: str, full: str, st: os.stat_result) -> None:
        key = (st.st_dev, st.st_ino)
        if key in seen_files:
            warnings.append(f"{_shown(display)}: skipped: the same file as {_shown(seen_files[key])}")
            return
        seen_files[key] = display
        found[display] = Path(full)

    def walk(folder: str, rel: str) -> None:
        try:
            st = os.stat(folder)
            if (st.st_dev, st.st_ino) in seen_dirs:
                warnings.append(f"{_shown(shown(rel))}: skipped: a link to a folder already walked")
                return
            seen_dirs.add((st.st_dev, st.st_ino))
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as e:
            warnings.append(f"{_shown(shown(rel))}: skipped: unreadable folder ({e.strerror or e})")
            return
        for e in entries:
            if e.name.startswith("."):
                continue  # hidden files and folders: not dumps
            sub = f"{rel}/{e.name}" if rel else e.name
            try:
                if e.is_symlink():
                    heapq.heappush(links, (sub, e.path))
                elif e.is_dir(follow_symlinks=False):
                    if e.name.endswith(".txt"):
                        warnings.append(f"{_shown(shown(sub))}: a folder, not a dump (the dumps in it are read)")
                    walk(e.path, sub)
                elif e.name.endswith(".txt"):
                    st = e.stat(follow_symlinks=False)
                    if stat.S_ISREG(st.st_mode):
                        add_file(shown(sub), e.path, st)
                    else:
                        warnings.append(f"{_shown(shown(sub))}: skipped: not a regular file")
            except OSError as err:
                warnings.append(f"{_shown(shown(sub))}: skipped: {err.strerror or err}")

    walk(top, "")
    # Links last, so that a folder reached both directly and through a link is read
    # under its own path; a link found inside a followed link joins the queue.
    heapq.heapify(links)
    while links:
        sub, path = heapq.heappop(links)
        display = shown(sub)
        target = os.path.realpath(path)
        if not os.path.exists(target):
            warnings.append(f"{_shown(display)}: skipped: a dangling link")
        elif not _inside(target, real_top):
            warnings.append(f"{_shown(display)}: skipped: a link that leads outside {_shown(prefix)}")
        elif os.path.isdir(target):
            if sub.endswith(".txt"):
                warnings.append(f"{_shown(display)}: a folder, not a dump (the dumps in it are read)")
            walk(path, sub)
        elif sub.endswith(".txt"):
            try:
                st = os.stat(target)
            except OSError as err:
                warnings.append(f"{_shown(display)}: skipped: {err.strerror or err}")
                continue
            if stat.S_ISREG(st.st_mode):
                add_file(display, path, st)
            else:
                warnings.append(f"{_shown(display)}: skipped: not a regular file")


def discover(paths: Iterable[str | Path], warnings: list[str] | None = None,
             ) -> tuple[list[tuple[str, Path]], list[str]]:
    """(display path, path) of the dump files under the given files and folders, in path
    order; plus usage errors. Display paths are built from each folder's own, not resolved
    file by file (that costs more than reading an unchanged archive).

    Discovery never follows a link out of the folder being walked nor back into a folder
    it already walked, and reads a file reached twice once; every entry it skips for a
    reason (dangling link, link leading out, loop, a folder named *.txt, an unreadable
    folder, a special file) is added to `warnings` as one line."""
    found: dict[str, Path] = {}
    errors: list[str] = []
    warnings = [] if warnings is None else warnings
    for p in map(Path, paths):
        if p.is_dir():
            _walk_folder(str(p), display_path(p), found, warnings)
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


_PAGE = re.compile(r"(\d{4})/(\d{2})/([a-z0-9]+(?:-[a-z0-9]+)*)\.md")


def previous_pages(posts_rel: str) -> dict[str, str]:
    """source -> posts-relative page of the last run, from the archive index in the posts
    folder (there whenever the pages are). Read as untrusted: entries that are not a page
    path of the builder's form, or that two sources claim, are ignored; assign_pages then
    checks each against the brief it would name."""
    try:
        index = json.loads((Path(posts_rel) / INDEX_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(index, dict):
        return {}
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
    month of its date, its base slug or base-N, never a digest's slug."""
    m = _PAGE.fullmatch(page or "")
    if not m or (int(m[1]), int(m[2])) != (a.date.year, a.date.month) or is_digest_slug(m[3]):
        return None
    base, slug = a.base_slug or a.slug, m[3]
    if slug == base or (slug.startswith(base + "-") and slug[len(base) + 1 :].isdigit()
                        and int(slug[len(base) + 1 :]) >= 2 and not slug[len(base) + 1 :].startswith("0")):
        return slug
    return None


def assign_pages(outcomes: list[Outcome], posts_rel: str, previous: dict[str, str] | None = None,
                 foreign: Callable[[str], bool] | None = None) -> None:
    """Give each published article a unique page path (posts/YYYY/MM/slug.md), whose URL
    is {yyyy}/{MM}/{slug} (mkdocs.yml's post_url_format).

    Published URLs are stable: a brief keeps the page it had last run (`previous`, source
    -> posts-relative page, checked against the brief); new briefs take the base slug if
    free, else the next free -2, -3, ... Among new briefs that want one slug, the earlier
    date, then the dump file's path order (which the desk controls, unlike the id in the
    dump text) goes first. Digest URLs are reserved first and brief slugs never have the
    digests' form; a brief whose URL is taken all the same is rejected with the reason,
    never silently overwritten. A path where `foreign` says a file that is not the
    builder's lies (a hand-written page) is skipped like a taken one.
    """
    previous = previous or {}
    cut = len(posts_rel) + 1
    published = sorted((o for o in outcomes if o.status == OK),
                       key=lambda o: (o.article.base_slug or o.article.slug, o.article.date, o.source_path))
    taken: dict[str, str] = {url: f"the digest {posts_rel}/{rel}"
                             for url, rel in digest_urls(sorted({o.article.date for o in published})).items()}
    fresh: list[Outcome] = []
    for o in published:  # first, every brief that keeps its page
        slug = _remembered(o.article, previous.get(o.source_path) or (o.cached_page or "")[cut:] or None)
        url = f"{o.article.date:%Y}/{o.article.date:%m}/{slug}"
        if slug is None or url in taken:
            fresh.append(o)
            continue
        taken[url] = o.source_path
        o.article.slug, o.page = slug, f"{posts_rel}/{url}.md"
    for o in fresh:
        a = o.article
        base = a.base_slug or a.slug
        n, slug = 1, base
        month = f"{a.date:%Y}/{a.date:%m}"
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


def _short_hash(name: str, n: int = 6) -> str:
    return hashlib.sha256(name.encode()).hexdigest()[:n]


def unique_names(names: dict[str, tuple], slug: Callable[[str], str], kept: set[str],
                 told_apart: Callable[[str, str], str]) -> dict[str, str]:
    """name -> a key (or category name) of its own, for names that a slug function would
    merge ("Harper Eastwood", "HARPER EASTWOOD"; "!!!", "<b>").

    A name alone with its slug keeps it. Of names that slug alike, the one that had the
    plain slug last run (`kept`) keeps it, else the one first seen (its earliest (date,
    path), `names[name]`); every other one is told apart by a hash of its own spelling
    (`told_apart(name, hash)`), longer until it is free. A name that slugs to nothing is
    always told apart: its key is never empty."""
    groups: dict[str, list[str]] = {}
    for name in names:
        groups.setdefault(slug(name), []).append(name)
    out: dict[str, str] = {}
    used = {s for s in groups if s}
    for plain, group in sorted(groups.items()):
        group.sort(key=lambda n: (n not in kept, names[n], n))
        for i, name in enumerate(group):
            if i == 0 and plain:
                out[name] = name
                continue
            n = 6
            while slug(candidate := told_apart(name, _short_hash(name, n))) in used:
                n += 2
            used.add(slug(candidate))
            out[name] = candidate
    return out


def previous_names(posts_rel: str) -> tuple[set[str], set[str]]:
    """Author names that held their plain key in the last run's .authors.yml, and
    publisher categories of the last run's index: only ever used to keep a name's key."""
    import yaml

    authors, categories = set(), set()
    try:
        data = yaml.safe_load((Path(posts_rel) / AUTHORS_FILE).read_text(encoding="utf-8"))
        for key, info in (data.get("authors") or {}).items():
            if isinstance(info, dict) and isinstance(info.get("name"), str) and key == author_key(info["name"]):
                authors.add(info["name"])
    except (OSError, ValueError, AttributeError, yaml.YAMLError):
        pass
    try:
        index = json.loads((Path(posts_rel) / INDEX_FILE).read_text(encoding="utf-8"))
        for entry in index.values():
            if isinstance(entry.get("category"), str) and entry["category"] == entry.get("publisher"):
                categories.add(entry["category"])
    except (OSError, ValueError, AttributeError):
        pass
    return authors, categories


def assign_names(outcomes: list[Outcome], posts_rel: str) -> None:
    """Author keys and publisher categories unique per spelling (see unique_names)."""
    ok = sorted((o for o in outcomes if o.status == OK), key=lambda o: (o.article.date, o.source_path))
    first_author: dict[str, tuple] = {}
    first_pub: dict[str, tuple] = {}
    for o in ok:
        for name in o.article.authors:
            first_author.setdefault(name, (o.article.date, o.source_path))
        if o.article.publisher:
            first_pub.setdefault(o.article.publisher, (o.article.date, o.source_path))
    kept_authors, kept_categories = previous_names(posts_rel)
    keys = unique_names(first_author, author_key, kept_authors, lambda name, h: f"{name} {h}")
    keys = {name: author_key(name) if key == name else author_key(key) for name, key in keys.items()}
    cats = unique_names(first_pub, category_slug, kept_categories, lambda name, h: f"{name} ({h})")
    for o in ok:
        a = o.article
        a.author_keys = [keys[n] for n in a.authors]
        a.category = cats.get(a.publisher) if a.publisher else None


def render_key(o: Outcome) -> str:
    """Everything a page depends on beyond the dump's own bytes: when it is unchanged,
    a cached page is still right."""
    a = o.article
    return hashlib.sha256(json.dumps([o.page, a.slug, a.tags, a.copies, a.learned, a.author_keys, a.category],
                                     sort_keys=True,
                                     ensure_ascii=False).encode()).hexdigest()[:16]


@dataclass
class Result:
    outcomes: list[Outcome] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # usage errors (missing paths)
    warnings: list[str] = field(default_factory=list)  # entries skipped by discovery, and why
    write: WriteReport | None = None
    learned: dict[tuple[str, str], int] = field(default_factory=dict)  # chrome learned from the corpus

    def count(self, status: str) -> int:
        return sum(o.status == status for o in self.outcomes)


def _archive_steps(outcomes: list[Outcome], paths: dict[str, Path], rules: Rules, posts_rel: str,
                   foreign: Callable[[str], bool] | None = None) -> Result:
    """The decisions that need the whole archive, in order; stubs from the cache take
    part with their features and are re-read only if their page has to change."""
    spans = body_spans(outcomes, rules)
    learned = learned_chrome(outcomes, rules, spans)

    def full(o: Outcome) -> Outcome:
        """The stub's article with its text (read again), with the archive's learning."""
        fresh = _process_file((o.source_path, paths[o.source_path]), rules)
        if fresh.article is not None:
            fresh.article.learned = apply_learned(fresh.article, fresh.features, learned, spans.get(o.source_path))
            fresh.article.content_key = content_key(fresh.article)
        return fresh

    for i, o in enumerate(outcomes):
        if o.status != OK:
            continue
        a = o.article
        span = spans.get(o.source_path)
        hits = learned_hits(a, o.features, learned, span)
        if not a.is_stub:
            a.learned = apply_learned(a, o.features, learned, span)
            a.content_key = content_key(a)
        elif hits != a.learned:
            outcomes[i] = full(o)
    resolve(outcomes)
    mark_near_duplicates(outcomes, rules.near_duplicate_threshold)
    normalise_tags([o.article for o in outcomes if o.status == OK], rules)
    assign_pages(outcomes, posts_rel, previous_pages(posts_rel), foreign)
    assign_names(outcomes, posts_rel)
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
            fresh.article.author_keys, fresh.article.category = stub.article.author_keys, stub.article.category
            outcomes[i] = fresh
    return Result(outcomes=outcomes, learned=learned)


def analyse(paths: Iterable[str | Path], rules: Rules, posts_rel: str = "docs/posts",
            workers: int | None = None, progress: Callable[[int], None] | None = None,
            on_total: Callable[[int], None] | None = None) -> Result:
    """Every dump through every stage and the archive-wide steps; writes nothing."""
    warnings: list[str] = []
    files, errors = discover(paths, warnings)
    if on_total:
        on_total(len(files))
    outcomes = process_files(files, rules, workers, progress)
    result = _archive_steps(outcomes, dict(files), rules, posts_rel, PostsFolder(Path(posts_rel)).foreign)
    result.errors, result.warnings = errors, warnings
    return result


def authors_yaml(outcomes: list[Outcome]) -> str:
    """The blog plugin's .authors.yml: every author of a published brief."""
    authors: dict[str, dict] = {}
    publishers: dict[str, set[str]] = {}
    for o in outcomes:
        if o.status != OK:
            continue
        for name, key in zip(o.article.authors, o.article.author_keys or map(author_key, o.article.authors),
                             strict=True):
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
    for rel, data in digest_pages(result.outcomes, posts_rel, rules.digest_daily, rules.digest_weekly).items():
        if rel in files:  # cannot happen (digests have a folder of their own): never overwrite silently
            raise RuntimeError(f"newsbrief: two generated files share the path {posts_rel}/{rel}")
        files[rel] = data
    return files


def archive_index(outcomes: list[Outcome], posts_rel: str) -> str:
    """docs/posts/.newsbrief-index.json: what the site plugin adds to pages at build time
    (related briefs, tag pages), so that a new brief does not rewrite the pages it is
    related to or shares a tag with."""
    cut = len(posts_rel) + 1
    index = {o.page[cut:]: {"title": o.article.title, "date": o.article.date.isoformat(), "source": o.source_path,
                            "category": o.article.category,
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
    warnings: list[str] = []
    files, errors = discover(paths, warnings)
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
        result = Result(outcomes=ordered, errors=errors, learned=learned, warnings=warnings)
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
    result.errors, result.warnings = errors, warnings
    files_out = page_files(result, posts_rel, rules)
    result.write = folder.sync(files_out)
    if cache:
        extras = sorted(rel for rel in files_out if not rel.endswith(".md") or rel.startswith(DIGEST_DIR + "/"))
        digest = sources_digest([(o.source_path, (o.article.dump.sha256 if o.article else o.sha256) or "")
                                 for o in result.outcomes])
        cache.save(result.outcomes, stats, archive_snapshot(digest, result.outcomes, result.learned, extras))
    return result
