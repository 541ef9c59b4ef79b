"""Author keys (.authors.yml) and publisher categories (the blog's publisher pages):
one per spelling, so that names that slug alike ("Harper Eastwood", "HARPER EASTWOOD")
never merge, and a name keeps its key from one run to the next."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from ..model import OK, Outcome


def author_key(name: str) -> str:
    """The key of an author in .authors.yml: stable, ASCII, unique per spelling."""
    from slugify import slugify

    key = slugify(name) or "author"
    return f"{key}-{hashlib.sha256(name.encode()).hexdigest()[:6]}" if key == "author" else key


def category_slug(name: str) -> str:
    """The slug Material's blog plugin gives a category (its default categories_slugify,
    which mkdocs.yml keeps): the publisher page is publisher/{this}/."""
    from pymdownx.slugs import slugify

    return slugify(case="lower")(name, "-")


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


def kept_categories(index: dict) -> set[str]:
    """Publisher categories of the last run's archive index (output/index.py) that held
    their plain name: only ever used to keep a name's key. Read as untrusted."""
    categories = set()
    try:
        for entry in index.values():
            if isinstance(entry.get("category"), str) and entry["category"] == entry.get("publisher"):
                categories.add(entry["category"])
    except AttributeError:  # an entry that is no object: what was read so far counts
        pass
    return categories


def assign_names(outcomes: list[Outcome], kept_authors: set[str], kept_categories: set[str]) -> None:
    """Author keys and publisher categories unique per spelling (see unique_names);
    `kept_*`: the names that held their plain key last run."""
    ok = sorted((o for o in outcomes if o.status == OK), key=lambda o: (o.article.date, o.source_path))
    first_author: dict[str, tuple] = {}
    first_pub: dict[str, tuple] = {}
    for o in ok:
        for name in o.article.authors:
            first_author.setdefault(name, (o.article.date, o.source_path))
        if o.article.publisher:
            first_pub.setdefault(o.article.publisher, (o.article.date, o.source_path))
    keys = unique_names(first_author, author_key, kept_authors, lambda name, h: f"{name} {h}")
    keys = {name: author_key(name) if key == name else author_key(key) for name, key in keys.items()}
    cats = unique_names(first_pub, category_slug, kept_categories, lambda name, h: f"{name} ({h})")
    for o in ok:
        a = o.article
        a.author_keys = [keys[n] for n in a.authors]
        a.category = cats.get(a.publisher) if a.publisher else None
