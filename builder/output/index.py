"""The archive index, docs/posts/.newsbrief-index.json: what the site plugin adds to
pages at build time (related briefs, tag pages), so that a new brief does not rewrite the
pages it is related to or shares a tag with; read back next run (as untrusted) so that
briefs keep their pages and publishers their categories."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import orjson

from ..model import OK, Outcome

INDEX_FILE = ".newsbrief-index.json"


def archive_index(outcomes: list[Outcome], posts_rel: str, texts: dict[tuple, str] | None = None) -> str:
    """The index's text: posts-relative page -> title, date, source, publisher, category,
    related pages, tags, language. `texts` (kept by a long-lived process, output/cache.py
    Memory): each entry's text by its values, as the last call made them; updated to this
    call's entries. A +1 run encodes only the entries that moved, not 10,000 again."""
    cut = len(posts_rel) + 1
    known = {} if texts is None else texts
    made = {}
    for o in sorted((o for o in outcomes if o.status == OK), key=lambda o: o.page):
        a = o.article
        key = (cut, o.page, a.title, a.date, o.source_path, a.category, a.publisher, tuple(o.related),
               tuple(a.tags), a.lang)
        try:
            text = known.get(key)
        except TypeError:  # (not a value a key can hold: made every time)
            key, text = None, None
        if text is None:
            text = _entry_text(key)
        made[o.page[cut:]] = key, text  # (two briefs on one page: the last, as a dict of them keeps)
    if texts is not None:
        texts.clear()
        texts.update((key, text) for key, text in made.values() if key is not None)
    return ("{\n" + ",\n".join(text for _, (_, text) in sorted(made.items())) + "\n}" if made else "{}") + "\n"


def _entry_text(key: tuple) -> str:
    """An entry's text, from its key alone (so a text kept by its key is always its own)."""
    cut, page, title, date, source, category, publisher, related, tags, lang = key
    return f"{_STR(page[cut:])}: " + _indent0({
        "title": title, "date": date.isoformat(), "source": source, "category": category, "publisher": publisher,
        "related": [p[cut:] for p in related], "tags": list(tags), "lang": lang})


def entry_texts(index: dict, posts_rel: str) -> dict[tuple, str]:
    """archive_index()'s `texts` for the entries of an index read back (load_index()): what a
    long-lived process keeps made by a run that changed nothing (serve's first), so that
    the first change encodes only the entries that moved. Entries of no brief's form are left out."""
    cut, out = len(posts_rel) + 1, {}
    for rel, e in index.items():
        try:
            key = (cut, f"{posts_rel}/{rel}", e["title"], dt.date.fromisoformat(e["date"]), e["source"],
                   e["category"], e["publisher"], tuple(f"{posts_rel}/{p}" for p in e["related"]), tuple(e["tags"]),
                   e["lang"])
            if all(type(x) is str for x in (*key[7], *key[8])):
                out[key] = _entry_text(key)
        except (KeyError, TypeError, ValueError, AttributeError):
            continue
    return out


_STR = json.encoder.encode_basestring  # C; what json.dumps(ensure_ascii=False) writes a str as


def _indent0(value) -> str:
    """json.dumps(value, ensure_ascii=False, sort_keys=True, indent=0), the same text: with
    an indent the json module encodes in Python (the index's largest cost at 10k briefs);
    strings, the bulk, go through its C encoder here."""
    if isinstance(value, str):
        return _STR(value)
    if isinstance(value, dict):
        if not value:
            return "{}"
        return "{\n" + ",\n".join(f"{_STR(k)}: {_indent0(v)}" for k, v in sorted(value.items())) + "\n}"
    if isinstance(value, list):
        return "[\n" + ",\n".join(map(_indent0, value)) + "\n]" if value else "[]"
    return json.dumps(value)


def load_index(posts_dir: Path) -> dict:
    """The last run's index, {} if there is none or it is no JSON object."""
    try:
        data = (posts_dir / INDEX_FILE).read_bytes()
    except OSError:
        return {}
    # orjson: ~3x faster at 10k entries; what json gives, but for an integer past 64 bits
    # (a float: no reader of the index takes a number)
    try:
        index = orjson.loads(data)
    except orjson.JSONDecodeError:  # what it refuses (a lone surrogate, NaN, a huge integer): as json reads it
        try:
            index = json.loads(data.decode("utf-8"))
        except ValueError:
            return {}
    return index if isinstance(index, dict) else {}
