"""Convert: the pure per-dump stages, bytes -> Outcome.

read (bytes -> Dump) -> parse (-> Layout) -> clean (-> Article, every dropped line with
its reason) -> enrich (tags, description, slug) -> features (what the archive-wide steps
need). `process()` is the one entry and the dispatch point: a new input format gets a
reader of its own here (turning its bytes into a Dump's lines) and the stages after
`read` stay as they are. Nothing in convert/ looks at another dump.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from ..model import REJECTED, Article, Outcome, Rejected
from ..rules import Rules
from . import clean, enrich, features, lang, parse, read

# Below this many dumps a process pool costs more than it saves.
_POOL_THRESHOLD = 64


def process(data: bytes, source_path: str, rules: Rules) -> Outcome:
    """One dump's bytes -> its Outcome. Pure: no I/O, same input gives the same output."""
    try:
        # The dispatch point: a reader per input format turns bytes into a Dump (today
        # every dump is a plain-text scrape); the stages after it are shared.
        dump = read.read_bytes(data, source_path, rules.max_bytes)
        article = enrich.enrich(clean.clean(parse.layout(dump, rules), rules), rules)
        article.lang = lang.language(article)
    except Rejected as e:
        return Outcome(source_path, status=REJECTED, error=str(e), sha256=hashlib.sha256(data).hexdigest())
    article.base_slug = article.slug
    article.content_key = content_key(article)
    return Outcome(source_path, article=article, sha256=dump.sha256, features=features.features(article))


def content_key(article: Article) -> str:
    """The hash of the published text: same id and same key is a duplicate."""
    return hashlib.sha256(article.body_text.encode()).hexdigest()


def process_file(item: tuple[str, Path], rules: Rules) -> Outcome:
    """One dump file's Outcome; a file over the size limit is rejected before it is read."""
    source, path = item
    try:
        data = read.read_file(path, rules.max_bytes)
    except Rejected as e:
        return Outcome(source, status=REJECTED, error=str(e))
    except OSError as e:
        return Outcome(source, status=REJECTED, error=f"cannot read: {e.strerror or e}")
    outcome = process(data, source, rules)
    if outcome.article is not None:
        outcome.article.dump.lines = []  # only the stages need them; keep memory flat
    return outcome


def _process_chunk(args: tuple[list[tuple[str, Path]], Rules]) -> list[Outcome]:
    paths, rules = args
    return [process_file(p, rules) for p in paths]


def process_files(files: list[tuple[str, Path]], rules: Rules, workers: int | None = None,
                  progress: Callable[[int], None] | None = None) -> list[Outcome]:
    """Outcomes in the order of `files`; a process pool for large batches."""
    workers = workers or os.cpu_count() or 1
    if workers == 1 or len(files) < _POOL_THRESHOLD:
        out = []
        for f in files:
            out.append(process_file(f, rules))
            if progress:
                progress(1)
        return out
    lang.preload()  # once, before the workers fork: they share the model
    size = max(16, min(256, len(files) // (workers * 8) or 1))
    chunks = [files[i : i + size] for i in range(0, len(files), size)]
    out: list[Outcome] = []
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for result in pool.map(_process_chunk, [(c, rules) for c in chunks]):
            out.extend(result)
            if progress:
                progress(len(result))
    return out
