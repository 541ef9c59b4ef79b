"""Every file a run generates in the posts folder: the briefs' pages, the authors file,
the archive index and the digests (posts.py then writes them, owning nothing else)."""

from __future__ import annotations

from collections.abc import Callable, Container, Mapping

from ..archive.digests import DIGEST_DIR
from ..model import OK, Outcome
from ..rules import Rules
from . import fanout
from .authors import AUTHORS_FILE, authors_yaml
from .digests import digest_parts
from .index import INDEX_FILE, archive_index
from .render import render_page


def generated_files(outcomes: list[Outcome], posts_rel: str, rules: Rules,
                    kept: Container[str] = (), pages: Callable[[], dict[str, bytes]] | None = None,
                    digests: Callable[[], dict[str, tuple[str, bytes | None]]] | None = None,
                    index_texts: dict[tuple, str] | None = None) -> dict[str, bytes | None]:
    """Relative path (inside the posts folder) -> bytes, for every generated file;
    None for the page of a source in `kept` (the cache says it is there as it should be),
    and for a digest render_digests() kept. `pages`, `digests`: the briefs' pages and the
    digests as render_pages() and render_digests() started them (else rendered here)."""
    files = page_files(outcomes, posts_rel, kept, pages)
    files.update(archive_files(outcomes, posts_rel, rules, digests, index_texts, files))
    return files


def page_files(outcomes: list[Outcome], posts_rel: str, kept: Container[str] = (),
               pages: Callable[[], dict[str, bytes]] | None = None) -> dict[str, bytes | None]:
    """generated_files()' part that does not need the related briefs nor the digests: the
    briefs' pages and the authors file."""
    pages = pages or render_pages(outcomes, posts_rel, kept)
    files: dict[str, bytes | None] = {}
    for o in outcomes:
        if o.status == OK and o.page:
            files[o.page[len(posts_rel) + 1 :]] = None
    files[AUTHORS_FILE] = authors_yaml(outcomes).encode("utf-8")
    files.update(pages())
    return files


def archive_files(outcomes: list[Outcome], posts_rel: str, rules: Rules,
                  digests: Callable[[], dict[str, tuple[str, bytes | None]]] | None = None,
                  index_texts: dict[tuple, str] | None = None,
                  taken: Container[str] = ()) -> dict[str, bytes | None]:
    """generated_files()' other part, once the related briefs are found: the archive index
    and the digests. `taken`: the paths of page_files()' part."""
    digests = digests or render_digests(outcomes, posts_rel, rules)
    files: dict[str, bytes | None] = {INDEX_FILE: archive_index(outcomes, posts_rel, index_texts).encode("utf-8")}
    for rel, (_, data) in digests().items():
        if rel in files or rel in taken:  # cannot happen (digests have a folder of their own): never overwrite silently
            raise RuntimeError(f"newsbrief: two generated files share the path {posts_rel}/{rel}")
        files[rel] = data
    return files


def render_pages(outcomes: list[Outcome], posts_rel: str, kept: Container[str] = (),
                 batch: fanout.Batch | None = None) -> Callable[[], dict[str, bytes]]:
    """The pages of the briefs not in `kept`, as a job of `batch` (fanout.py: rendered in
    worker processes once it starts); returns the function that waits for them
    (posts-relative path -> bytes). A page depends on the decisions up to the names, not
    on the related briefs: those can be found meanwhile."""
    todo = [o for o in outcomes if o.status == OK and o.page and o.source_path not in kept]
    started = (batch or fanout.Batch()).add(_page, todo)
    return lambda: {o.page[len(posts_rel) + 1 :]: data for o, data in zip(todo, started(), strict=True)}


def render_digests(outcomes: list[Outcome], posts_rel: str, rules: Rules, batch: fanout.Batch | None = None,
                   known: Mapping[str, str] | None = None) -> Callable[[], dict[str, tuple[str, bytes | None]]]:
    """The digests, as one job of `batch` (rendered in a worker, beside the related briefs,
    which no digest shows, whether those are found here or in a worker too); returns the
    function that waits for them:
    relative path -> (key, page), the page None where `known` (path -> key of a digest
    that is on disk as rendered) has the same key."""
    known = known or {}

    def render(_) -> dict[str, tuple[str, bytes | None]]:
        parts = digest_parts(outcomes, posts_rel, rules.digest_daily, rules.digest_weekly, rules.digest_min_briefs)
        return {rel: (key, None if known.get(rel) == key else make()) for rel, key, make in parts}

    started = (batch or fanout.Batch()).add(render, [None])
    done: list[dict[str, tuple[str, bytes | None]]] = []

    def result() -> dict[str, tuple[str, bytes | None]]:
        if not done:  # once: a job not forked runs when asked
            done.append(started()[0])
        return done[0]

    return result


def _page(o: Outcome) -> bytes:
    return render_page(o.article, o.source_path).encode("utf-8")


def extra_files(files: dict[str, bytes | None]) -> list[str]:
    """The generated files that are not a brief's page (authors file, index, digests)."""
    return sorted(rel for rel in files if not rel.endswith(".md") or rel.startswith(DIGEST_DIR + "/"))
