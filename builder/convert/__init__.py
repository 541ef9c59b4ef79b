"""Convert: the pure per-dump stages, bytes -> Outcome.

read (bytes -> Dump) -> which reader (readers/detect.py, from the content) -> the
reader: the family of shared/dump-format.md through parse (-> Layout) and clean (->
Article, every dropped line with its reason); a whole page's text through
readers/pagetext.py; HTML through readers/html.py -> enrich (tags, description, slug)
-> features (what the archive-wide steps need). `process()` is the one entry and the
dispatch point.

Nothing in convert/ looks at another dump. What other dumps of the same source tell a
page-text or HTML dump (which lines are the site's template) comes in as a SourceView
(readers/context.py): the counts of the dump's OWN lines over its source, built by the
pipeline in a first pass (`scan`), so `process(bytes, path, rules, view)` stays a pure
function of its arguments. Family dumps never need one and are converted in the first
pass directly.
"""

from __future__ import annotations

import gc
import hashlib
import os
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..model import REJECTED, Article, Dump, Outcome, Rejected
from ..rules import Rules
from . import clean, enrich, features, lang, parse, read
from .readers import detect
from .readers.context import SourceContext, SourceView, line_keys

# Below this many dumps a process pool costs more than it saves.
_POOL_THRESHOLD = 64


@dataclass(frozen=True)
class Scan:
    """What the first pass learns of a page-text or HTML dump: its kind and the keys of
    its lines (for HTML its visible lines), which the pipeline counts per source."""

    kind: str
    keys: tuple[str, ...]


def process(data: bytes, source_path: str, rules: Rules, source: SourceView | SourceContext | None = None,
            ) -> Outcome:
    """One dump's bytes -> its Outcome. Pure: no I/O, same input gives the same output.
    `source`: what the other dumps of its source tell (page-text and HTML dumps only)."""
    try:
        dump = read.read_bytes(data, source_path, rules.max_bytes)
    except Rejected as e:
        return _rejected(source_path, e, data)
    return run_stages(dump, detect.kind(dump, source_path), data, rules, source)


def _rejected(source_path: str, e: Rejected, data: bytes) -> Outcome:
    return Outcome(source_path, status=REJECTED, error=str(e), sha256=hashlib.sha256(data).hexdigest())


def run_stages(dump: Dump, kind: str, data: bytes, rules: Rules, source: SourceView | SourceContext | None,
             ) -> Outcome:
    """The dispatch point: the reader of the dump's kind, then the stages they share. Every
    conversion, in either pass, goes through here (tests count the dumps converted here)."""
    try:
        if kind == detect.FAMILY:
            article = clean.clean(parse.layout(dump, rules), rules)
        elif kind == detect.PAGE_TEXT:  # the readers are imported when first needed: a run
            from .readers import pagetext  # of family dumps never loads them (nor lxml)

            article = pagetext.extract(dump, rules, source)
        else:
            from .readers import html

            article = html.extract(dump, rules, source)
        article.kind = kind
        article = enrich.enrich(article, rules)
        article.lang = lang.language(article)
    except Rejected as e:
        return _rejected(dump.source_path, e, data)
    article.base_slug = article.slug
    article.content_key = content_key(article)
    return Outcome(dump.source_path, article=article, sha256=dump.sha256, features=features.features(article))


def scan(data: bytes, source_path: str, rules: Rules) -> Outcome | Scan:
    """The first pass over one dump: a family dump (or one that cannot be read) is
    converted at once, its Outcome returned; a page-text or HTML dump gives its Scan and
    is converted once its source's view is known."""
    try:
        dump = read.read_bytes(data, source_path, rules.max_bytes)
    except Rejected as e:
        return _rejected(source_path, e, data)
    kind = detect.kind(dump, source_path)
    if kind == detect.FAMILY:
        return run_stages(dump, kind, data, rules, None)
    if kind == detect.PAGE_TEXT:
        texts = [line.text for line in dump.lines]
    else:
        from .readers import html

        texts = html.context_lines(dump)
    return Scan(kind, line_keys(texts))


def content_key(article: Article) -> str:
    """The hash of the published text: same id and same key is a duplicate."""
    return hashlib.sha256(article.body_text.encode()).hexdigest()


def _read(item: tuple[str, Path], rules: Rules) -> bytes | Outcome:
    source, path = item
    try:
        return read.read_file(path, rules.max_bytes)
    except Rejected as e:
        return Outcome(source, status=REJECTED, error=str(e))
    except OSError as e:
        return Outcome(source, status=REJECTED, error=f"cannot read: {e.strerror or e}")


def _light(outcome: Outcome) -> Outcome:
    if outcome.article is not None:
        outcome.article.dump.lines = []  # only the stages need them; keep memory flat
    return outcome


def process_file(item: tuple[str, Path], rules: Rules, source: SourceView | None = None) -> Outcome:
    """One dump file's Outcome; a file over the size limit is rejected before it is read."""
    data = _read(item, rules)
    return data if isinstance(data, Outcome) else _light(process(data, item[0], rules, source))


def scan_file(item: tuple[str, Path], rules: Rules) -> Outcome | Scan:
    """The first pass over one dump file (see scan())."""
    data = _read(item, rules)
    if isinstance(data, Outcome):
        return data
    got = scan(data, item[0], rules)
    return _light(got) if isinstance(got, Outcome) else got


# A pool worker's rules: given once as it starts, not with every chunk (each copy would
# build its RE2 sets again, ~3 ms).
_worker_rules: Rules | None = None


def _start_worker(rules: Rules) -> None:
    global _worker_rules
    _worker_rules = rules


def _process_chunk(args: tuple[list[tuple[str, Path]], list[SourceView | None]]) -> list[Outcome]:
    paths, views = args
    return [process_file(p, _worker_rules, v) for p, v in zip(paths, views, strict=True)]


def _scan_chunk(args: tuple[list[tuple[str, Path]]]) -> list[Outcome | Scan]:
    return [scan_file(p, _worker_rules) for p in args[0]]


@contextmanager
def _out_of_gc() -> Iterator[Callable[[], None]]:
    """While converting, the objects already there (modules, scipy's among them, the
    language model) and the Outcomes gathered so far are kept out of the cycle collector
    (gc.freeze): they live to the end of the run, yet each full collection went over all
    of them again, a cost that grows with the archive (3 s of CPU at 10,000 dumps, in
    the parent and in every worker, which inherit the frozen state when they fork).
    Yields the function that freezes what has been gathered since; on leaving, all are
    the collector's again (unless the caller had frozen objects itself)."""
    if gc.get_freeze_count():
        yield lambda: None
        return
    gc.freeze()
    try:
        yield gc.freeze
    finally:
        gc.unfreeze()


def _run(files: list[tuple[str, Path]], rules: Rules, one: Callable, chunk: Callable, extra: Callable[[list], tuple],
         workers: int | None, progress: Callable[[int], None] | None, done: Callable[[object], bool]) -> list:
    """`one` over `files` in order; a process pool (`chunk` per slice) for large batches.
    `progress` is told of the results `done` says are finished."""
    workers = workers or os.cpu_count() or 1
    out: list = []
    if workers == 1 or len(files) < _POOL_THRESHOLD:
        with _out_of_gc() as freeze:
            for n, f in enumerate(files, 1):
                out.append(one(f))
                if progress and done(out[-1]):
                    progress(1)
                if n % 256 == 0:
                    freeze()
        return out
    # Once, before the workers fork, so they share them: the language model (its
    # decompression, most of it, lets go of the GIL, so it runs in a thread while this
    # one imports numpy) and the MinHash permutations.
    with ThreadPoolExecutor(1) as loader:
        model = loader.submit(lang.preload)
        features.preload()
        model.result()
    # Chunks of at most 64 dumps (~0.1 s of work): the last ones leave a worker idle
    # for less time than 256 did, while a worker waits for the other to finish.
    size = max(16, min(64, len(files) // (workers * 8) or 1))
    chunks = [files[i : i + size] for i in range(0, len(files), size)]
    with _out_of_gc() as freeze, \
            ProcessPoolExecutor(max_workers=workers, initializer=_start_worker, initargs=(rules,)) as pool:
        for result in pool.map(chunk, [(c, *extra(c)) for c in chunks]):
            out.extend(result)
            freeze()
            if progress:
                progress(sum(1 for r in result if done(r)))
    return out


def process_files(files: list[tuple[str, Path]], rules: Rules, workers: int | None = None,
                  progress: Callable[[int], None] | None = None,
                  views: Mapping[str, SourceView] | None = None) -> list[Outcome]:
    """Outcomes in the order of `files`; a process pool for large batches. `views`:
    the SourceView of each page-text/HTML dump (source path -> view)."""
    views = views or {}
    return _run(files, rules, lambda f: process_file(f, rules, views.get(f[0])), _process_chunk,
                lambda c: ([views.get(src) for src, _ in c],), workers, progress, lambda r: True)


def scan_files(files: list[tuple[str, Path]], rules: Rules, workers: int | None = None,
               progress: Callable[[int], None] | None = None) -> list[Outcome | Scan]:
    """The first pass (scan_file) in the order of `files`; `progress` counts the dumps
    it finished (the family's, and those that cannot be read)."""
    return _run(files, rules, lambda f: scan_file(f, rules), _scan_chunk, lambda c: (), workers, progress,
                lambda r: isinstance(r, Outcome))
