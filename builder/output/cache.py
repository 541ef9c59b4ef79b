"""The conversion cache: what each dump gave last time, so an unchanged dump is neither
read, parsed nor rendered again.

Two JSON files in `.newsbrief-cache/`, keyed by the dump's path, written and read with
orjson; a record's integer lists (MinHash, sentence hashes) are packed as base64 of
64-bit integers: parsing them as JSON numbers was most of reading 10k records. An entry is
reused when
the file's size and modification time are the same, or else when its bytes hash the
same (a touched or copied file). The whole cache is thrown away when the rules, the
version or the code of the conversion change: its name, and its content, carry a
fingerprint of all of them (another newsbrief or configuration never reads this one).

Nothing read from the cache is trusted (README "Failure model"): every entry carries an
integrity hash over the fingerprint, its key and its content, and is checked for types
and consistency (a slug that is a safe slug, a page under its year and month folder)
before use. An entry that fails is dropped and its dump converted again; a snapshot of
the archive-wide decisions that fails is dropped and the decisions taken again. The hash
is not a secret (no HMAC): it catches damage and hand edits, not someone who can write
the project's files anyway. A records file whose bytes hash as the index (itself checked)
says they did when it was written is the one that run wrote, every record in it checked
then (a record is checked before it is stored): its records are not checked one by one
again (that was a second of a +1 run at 10k). Any other records file is checked record
by record.
"""

from __future__ import annotations

import array
import ast
import base64
import binascii
import datetime as dt
import hashlib
import importlib.util
import json
import os
import re
import shutil
import sys
from collections.abc import Callable, Container
from dataclasses import dataclass
from itertools import chain
from pathlib import Path

import orjson

from .. import __version__
from ..archive.duplicates import known_bands
from ..archive.related import ROUNDS, Memo
from ..convert import Scan, lang
from ..convert.enrich import earlier_slugs
from ..convert.features import ArticleFeatures
from ..convert.read import read_file
from ..model import DUPLICATE, NEAR_DUPLICATE, OK, REJECTED, SUPERSEDED, Article, Dump, Outcome, Rejected
from . import fanout
from .render import render_key
from .store import atomic_write, integrity, replace_file

CACHE_DIR = ".newsbrief-cache"
FORMAT = 5
_PACKAGE = Path(__file__).resolve().parent.parent
# The conversion starts here: the fingerprint hashes these modules and what they import.
_CONVERSION_ROOTS = ("builder.pipeline", "builder.output.cache")
_STATUSES = {OK, REJECTED, DUPLICATE, SUPERSEDED, NEAR_DUPLICATE}
SAFE_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_SHA256 = re.compile(r"[0-9a-f]{64}")
_LINE_KEY = re.compile(r"[0-9a-f]{16}")
_KINDS = {"family", "page-text", "html"}
_YEAR, _MONTH = re.compile(r"\d{4}"), re.compile(r"\d{2}")
_CONTROL = re.compile(r"[\x00-\x1f]")


def _canon(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _record_text(record) -> str:
    """The text a record's integrity hash covers: its JSON, keys sorted (orjson; the json
    module for what orjson refuses, a lone surrogate: the same choice every time)."""
    try:
        return orjson.dumps(record, option=orjson.OPT_SORT_KEYS).decode("utf-8")
    except (TypeError, orjson.JSONEncodeError):
        return _canon(record)


def _dumps(body: dict) -> bytes:
    """A cache file's bytes: orjson, keys sorted; json (ASCII escapes) where orjson refuses."""
    try:
        return orjson.dumps(body, option=orjson.OPT_SORT_KEYS)
    except (TypeError, orjson.JSONEncodeError):
        return json.dumps(body, sort_keys=True).encode("ascii")


def _records_file(key: str, sealed: dict[str, tuple[str, str | dict] | None]) -> bytes:
    """The records file: {"format", "key", "records": {source: {"h": hash, "r": record}}},
    each record written as the text its hash covers: given as that text (encoded where it
    was sealed), or as the record read back, whose text is _record_text()'s (orjson's, keys
    sorted). One orjson call for the whole file; where orjson refuses (a record the json
    module wrote: a lone surrogate), piece by piece."""
    try:
        body = {source: None if entry is None else
                {"h": entry[0], "r": orjson.Fragment(entry[1]) if isinstance(entry[1], str) else entry[1]}
                for source, entry in sealed.items()}
        return orjson.dumps({"format": FORMAT, "key": key, "records": body}, option=orjson.OPT_SORT_KEYS)
    except (TypeError, orjson.JSONEncodeError):
        pass
    parts = []
    for source in sorted(sealed):
        entry = sealed[source]
        text = None if entry is None else entry[1] if isinstance(entry[1], str) else _record_text(entry[1])
        value = "null" if entry is None else f'{{"h":"{entry[0]}","r":{text}}}'
        parts.append(f"{json.dumps(source)}:{value}")
    text = f'{{"format":{FORMAT},"key":{json.dumps(key)},"records":{{{",".join(parts)}}}}}'
    return text.encode("utf-8", "surrogatepass")  # (a record orjson refused may not load: then converted again)


def _loads(data: bytes):
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        return json.loads(data)  # ValueError too if it is no JSON at all


_BIG = sys.byteorder == "big"


def pack_ints(values: list[int]) -> str | list[int]:
    """A list of integers as base64 of 64-bit little-endian integers (a list as it is if
    one does not fit)."""
    try:
        packed = array.array("q", values)
    except (OverflowError, TypeError):
        return list(values)
    if _BIG:
        packed.byteswap()
    return base64.b64encode(packed.tobytes()).decode("ascii")


def unpack_ints(value) -> list[int]:
    """What pack_ints() gave, as the list; ValueError or TypeError if it is neither form."""
    got = unpack_array(value)
    return got if isinstance(got, list) else got.tolist()


def unpack_array(value) -> array.array | list[int]:
    """unpack_ints() as an array of 64-bit integers (a list if it was stored as one): a
    MinHash signature stays packed, as numpy reads it, instead of 128 int objects per
    brief made and freed on every run (~10k briefs)."""
    if isinstance(value, list):
        if not _ints(value):
            raise TypeError("not a list of integers")
        return list(value)
    if not isinstance(value, str):
        raise TypeError("not packed integers")
    try:  # strict: the alphabet, padding and length checked in C (b64decode's validate is a regex)
        data = binascii.a2b_base64(value, strict_mode=True)
    except binascii.Error as e:
        raise ValueError(str(e)) from None
    if len(data) % 8:
        raise ValueError("not a whole number of 64-bit integers")
    out = array.array("q")
    out.frombytes(data)
    if _BIG:
        out.byteswap()
    return out


def _packed(v, pairs: bool = False) -> bool:
    try:
        return not pairs or len(unpack_array(v)) % 2 == 0
    except (TypeError, ValueError):
        return False


def _module_path(name: str) -> Path | None:
    parts = name.split(".")[1:]
    base = _PACKAGE.joinpath(*parts)
    for candidate in (base.with_suffix(".py") if parts else None, base / "__init__.py"):
        if candidate is not None and candidate.is_file():
            return candidate
    return None


def _import_statements(tree: ast.Module):
    """The import statements of a module, at any depth (in functions, classes, if/try/
    with/match blocks): statements are walked, expressions never hold one (ast.walk
    visits every expression node too: most of the fingerprint's time, every run)."""
    todo: list[ast.AST] = [tree]
    while todo:
        node = todo.pop()
        for name in ("body", "orelse", "finalbody", "handlers", "cases"):
            for child in getattr(node, name, None) or ():
                if isinstance(child, ast.Import | ast.ImportFrom):
                    yield child
                elif isinstance(child, ast.AST):
                    todo.append(child)


def _named_modules(source: bytes, package: str, top: str) -> list[str]:
    """The builder modules (and names in them) a module's import statements name."""
    found: list[str] = []
    for node in _import_statements(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            base = importlib.util.resolve_name("." * node.level + (node.module or ""), package) \
                if node.level else (node.module or "")
            names = [base, *(f"{base}.{a.name}" for a in node.names)]
        else:
            names = [a.name for a in node.names]
        found.extend(n for n in names if n == top or n.startswith(top + "."))
    return found


def conversion_modules(memo: dict | None = None) -> list[Path]:
    """The builder's modules the conversion runs: _CONVERSION_ROOTS and every builder
    module they import, directly or not, with the packages they are in (read from the
    source, imports inside functions included). The site side (plugin, search, page cache) is not among them, so editing
    it keeps the conversion cache. `memo` (module -> [sha256 of its source, what
    _named_modules() found in it]), read and updated: a module whose source hashes the
    same is not parsed again (parsing ~40 modules was most of the fingerprint's time)."""
    top = _PACKAGE.name
    seen: dict[str, Path] = {}
    todo = [top, *_CONVERSION_ROOTS]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        path = _module_path(name)
        if path is None:
            continue
        seen[name] = path
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        todo.append(name.rpartition(".")[0] or top)  # a package's __init__ runs first
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        known = memo.get(name) if memo is not None else None
        if isinstance(known, list) and len(known) == 2 and known[0] == digest and _strs(known[1]):
            found = known[1]
        else:
            found = _named_modules(data, package, top)
            if memo is not None:
                memo[name] = [digest, found]
        todo.extend(found)
    return sorted(seen.values())


@dataclass
class Cached:
    """What the cache knows of a dump's page beyond its Outcome: the page it rendered last
    run and that page's render key (output/render.py), and whether it is still on disk."""

    page: str | None
    render: str
    exists: bool = True


# fingerprint -> the posts folder it was taken for (pages read from the cache must be in it)
_POSTS_OF: dict[str, str] = {}


MODULES_MEMO = "modules.json"  # conversion_modules()'s memo, in the cache folder


def fingerprint(rules_signature: list[str], posts_rel: str, memo_dir: Path | None = None) -> str:
    """Changes whenever the output could: the conversion's code, rules, version, posts folder.
    `memo_dir`: where conversion_modules() keeps its memo (the cache folder); the same key
    with it or without it."""
    h = hashlib.sha256(f"{__version__}\0{FORMAT}\0{posts_rel}".encode())
    memo = _read_modules_memo(memo_dir) if memo_dir else None
    before = dict(memo) if memo is not None else None
    try:
        modules = conversion_modules(memo)
    except (OSError, SyntaxError, ValueError, ImportError):
        modules = []
    if memo is not None and memo != before:
        body = _canon(memo)
        try:
            memo_dir.mkdir(parents=True, exist_ok=True)
            atomic_write(memo_dir / MODULES_MEMO,
                         orjson.dumps({"format": FORMAT, "body": body, "check": integrity("modules", body)}))
        except OSError:  # a memo is only a saving
            pass
    if not modules:  # cannot tell: every module counts
        modules = sorted(_PACKAGE.rglob("*.py"))
    for path in modules + sorted(_PACKAGE.rglob("*.yml")):
        h.update(path.relative_to(_PACKAGE).as_posix().encode() + b"\0")
        h.update(path.read_bytes())
    for part in rules_signature:
        h.update(part.encode())
    key = h.hexdigest()[:16]
    _POSTS_OF[key] = posts_rel
    return key


def _read_modules_memo(folder: Path) -> dict:
    """The memo fingerprint() keeps, {} unless it is this format's and passes its check."""
    try:
        raw = orjson.loads((folder / MODULES_MEMO).read_bytes())
        body = raw["body"]
        if raw["format"] == FORMAT and isinstance(body, str) and raw["check"] == integrity("modules", body):
            memo = json.loads(body)
            if isinstance(memo, dict):
                return memo
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return {}


def clear(folder: Path) -> None:
    """Delete every cache newsbrief keeps in `folder` (``--no-cache``: the run then
    converts and renders everything and writes the caches anew)."""
    for old in [*folder.glob("convert-*.json"), *folder.glob("records-*.json"), *folder.glob("related-*.json"),
                *folder.glob("langid-*.npz"), folder / MODULES_MEMO]:
        old.unlink(missing_ok=True)
    for sub in ("blog", "pages"):
        shutil.rmtree(folder / sub, ignore_errors=True)


def model_copy(folder: Path) -> Callable[[], bytes]:
    """The language model's decompressed npz (convert/lang.py) from a copy kept in
    `folder`: named by the model file's path, size and modification time, and by the
    sha256 of its bytes, which a read checks (a copy that fails is deleted); made and
    stored by the first run that needs it."""

    def read() -> bytes:
        source = lang.model_file()
        st = source.stat()
        made_from = hashlib.sha256(f"{source}\0{st.st_size}\0{st.st_mtime_ns}".encode()).hexdigest()[:16]
        for copy in folder.glob(f"langid-{made_from}-*.npz"):
            try:
                data = copy.read_bytes()
            except OSError:
                continue
            if copy.name == f"langid-{made_from}-{hashlib.sha256(data).hexdigest()[:32]}.npz":
                return data
            copy.unlink(missing_ok=True)
        data = lang.model_bytes()
        try:
            folder.mkdir(parents=True, exist_ok=True)
            for old in folder.glob("langid-*.npz"):
                old.unlink(missing_ok=True)
            atomic_write(folder / f"langid-{made_from}-{hashlib.sha256(data).hexdigest()[:32]}.npz", data)
        except OSError:  # a copy is only a saving: the run goes on without it
            pass
        return data

    return read


# -- what a valid entry looks like ----------------------------------------------------

def _str(v) -> bool:
    return isinstance(v, str)


def _opt_str(v) -> bool:
    return v is None or isinstance(v, str)


def _strs(v) -> bool:
    return isinstance(v, list) and all(isinstance(x, str) for x in v)


def _int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _ints(v) -> bool:
    # type() is int: no bool (as _int), and a C-speed check over a signature's 128 values
    return isinstance(v, list) and all(type(x) is int for x in v)


def _pairs(v) -> bool:
    return isinstance(v, list) and all(isinstance(x, list) and len(x) == 2 and _int(x[0]) and _str(x[1])
                                       for x in v)


def safe_rel(rel) -> bool:
    """A relative POSIX path with no `.`/`..` part, no backslash, no control character."""
    return (isinstance(rel, str) and bool(rel) and not rel.startswith("/") and "\\" not in rel
            and not _CONTROL.search(rel)
            and all(part not in ("", ".", "..") for part in rel.split("/")))


def page_path_ok(page, posts: str | None = None, date: dt.date | None = None,
                 slug: str | tuple[str, ...] | None = None) -> bool:
    """A page as the builder names it: <posts>/<YYYY>/<MM>/<slug>[-N].md, with <posts>
    the posts folder of the cache's fingerprint when known, and <slug> one of `slug`
    when given (a brief keeps a page an earlier version named: enrich.earlier_slugs)."""
    if not isinstance(page, str) or not page.endswith(".md") or _CONTROL.search(page):
        return False
    parts = page[:-3].split("/")
    if len(parts) < 4 or (posts is not None and "/".join(parts[:-3]) != posts):
        return False
    if not _YEAR.fullmatch(parts[-3]) or not _MONTH.fullmatch(parts[-2]) or not SAFE_SLUG.fullmatch(parts[-1]):
        return False
    if date is not None and (parts[-3], parts[-2]) != (f"{date:%Y}", f"{date:%m}"):
        return False
    # <slug> or <slug>-N; the name is ASCII already (SAFE_SLUG). No pattern per slug: a
    # compiled pattern per record thrashed re's cache (seconds at 10k records).
    if slug is None:
        return True
    name = parts[-1]
    return any(name == s or (name.startswith(s + "-") and name[len(s) + 1 :].isdigit())
               for s in ((slug,) if isinstance(slug, str) else slug))


def _index_check(key: str, source: str, e: list) -> str:
    return integrity(key, "index", source, str(e[0]), str(e[1]), e[2])


def _index_entry_ok(e) -> bool:
    return (isinstance(e, list) and len(e) == 3 and _int(e[0]) and e[0] >= 0 and _int(e[1])
            and isinstance(e[2], str) and (e[2] == "" or _SHA256.fullmatch(e[2]) is not None))


def _scan_ok(r: dict) -> bool:
    """A record's reader and, for page-text and HTML, its line keys and view digest."""
    kind = r.get("kind")
    if kind is None or kind == "family":
        return "lines" not in r and "view" not in r
    return (kind in _KINDS and isinstance(r.get("lines"), list)
            and all(isinstance(k, str) and _LINE_KEY.fullmatch(k) for k in r["lines"])
            and r["lines"] == sorted(set(r["lines"]))
            and _str(r.get("view")) and _SHA256.fullmatch(r["view"]) is not None)


def record_ok(r, posts: str | None = None) -> bool:
    """Types and consistency of a stored record (what stub() builds an Outcome from)."""
    if not isinstance(r, dict) or not _scan_ok(r):
        return False
    if r.get("status") == REJECTED:
        return _opt_str(r.get("error"))
    if r.get("status") != OK:
        return False
    try:
        date = dt.date.fromisoformat(r["date"])
        f = r["features"]
        return (_str(r["id"]) and _str(r["title"]) and _str(r["key"]) and _str(r["render"])
                and _str(r["slug"]) and SAFE_SLUG.fullmatch(r["slug"]) is not None and len(r["slug"]) <= 200
                and (r["page"] is None or page_path_ok(r["page"], posts, date, r["slug"])
                     or page_path_ok(r["page"], posts, date, earlier_slugs(r["title"], r["id"])))
                and _strs(r["authors"]) and _opt_str(r["publisher"]) and _strs(r["local_tags"])
                and _strs(r["learned"]) and _strs(r["highlights"]) and _opt_str(r["description"])
                and isinstance(f, dict) and _packed(f["signature"]) and _packed(f["sentences"])
                and _packed(f["sentence_lines"], pairs=True) and _strs(f["words"])
                and _pairs(f["short_lines"]) and _pairs(f["headings"]))
    except (KeyError, TypeError, ValueError):
        return False


def snapshot_ok(snap, posts: str | None = None) -> bool:
    """Types and consistency of the archive-wide decisions (what restore() uses)."""
    try:
        if not (_str(snap["digest"]) and isinstance(snap["outcomes"], dict)):
            return False
        prefixes = set()
        for source, d in snap["outcomes"].items():
            if not (_str(source) and d["status"] in _STATUSES and _opt_str(d["error"])
                    and _opt_str(d["duplicate_of"]) and _opt_str(d["superseded_by"])
                    and _opt_str(d["near_duplicate_of"])
                    and (d["similarity"] is None or isinstance(d["similarity"], int | float))
                    and (d["page"] is None or page_path_ok(d["page"], posts, slug=d.get("slug")))
                    and isinstance(d["related"], list) and all(page_path_ok(p, posts) for p in d["related"])):
                return False
            if d["status"] == OK and d["page"] is None:
                return False
            if d["page"]:
                prefixes.add(d["page"].rsplit("/", 3)[0])
        return (len(prefixes) <= 1 and isinstance(snap["extras"], list) and all(safe_rel(x) for x in snap["extras"])
                and isinstance(snap["learned"], list)
                and all(isinstance(x, list) and len(x) == 3 and _str(x[0]) and _str(x[1]) and _int(x[2])
                        for x in snap["learned"]))
    except (KeyError, TypeError, AttributeError):
        return False


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
        self.related_path = folder / f"related-{key}.json"
        self.folder, self.key = folder, key
        self.posts = _POSTS_OF.get(key)
        self.index: dict[str, list] = {}  # source -> [size, mtime_ns, sha256]
        self._checks: dict[str, tuple[tuple, str]] = {}  # source -> (its entry, its check) as read or written
        self._archive: dict | None = None  # the snapshot, once checked
        self._archive_text: str | None = None  # its text as read (checked when first used)
        self._archive_digest: str | None = None  # its "digest" as the index says (to tell a miss unparsed)
        self._records: dict[str, dict | str] | None = None  # (str: a record's stored text, parsed when used)
        self._memo: Memo | None = None  # the related briefs' memo this process saved (Memory)
        self.keep_records = False  # save() keeps the records it stored in memory (Memory)
        self._features: dict[str, tuple[dict, ArticleFeatures]] = {}  # (Memory) source -> (record, its features)
        self._texts: dict[str, str] = {}  # (Memory) source -> its record's stored text
        self.index_texts: dict[tuple, str] = {}  # (Memory) the archive index's entries' texts (output/index.py)
        self._seals: dict[str, str] = {}  # source -> the checked record's integrity hash, as stored
        self._records_sha: str | None = None  # sha256 of the records file as the last run wrote it
        self._related_sha: str | None = None  # sha256 of the related briefs' memo as the last run wrote it
        self.digests: dict[str, str] = {}  # digest (posts-relative) -> key of what the last run rendered
        self.bands: dict[str, list[list[int]]] = {}  # archive/duplicates.py's known_bands, as the last run knew them
        self.discarded = 0  # entries that failed their check (dropped, converted again)
        self.touched = False  # an entry's mtime was refreshed: worth saving even if nothing else changed
        raw = self._load(self.path)
        if raw is None:
            return
        index, archive = raw.get("index"), raw.get("archive")
        for source, item in (index.items() if isinstance(index, dict) else ()):
            entry = item[:3] if isinstance(item, list) and len(item) == 4 else None
            if _index_entry_ok(entry) and item[3] == _index_check(key, source, entry):
                self.index[source] = entry
                self._checks[source] = (tuple(entry), item[3])
            else:
                self.discarded += 1
        text = archive.get("body") if isinstance(archive, dict) else None
        if isinstance(text, str) and archive.get("check") == integrity(key, "archive", text):
            self._archive_text = text
            digest = archive.get("digest")
            self._archive_digest = digest if isinstance(digest, str) else None
        elif archive is not None:
            self.discarded += 1
        written = raw.get("records")
        sha = written.get("sha") if isinstance(written, dict) else None
        if isinstance(sha, str) and written.get("check") == integrity(key, "records", sha):
            self._records_sha = sha
        written = raw.get("related")
        sha = written.get("sha") if isinstance(written, dict) else None
        if isinstance(sha, str) and written.get("check") == integrity(key, "related", sha):
            self._related_sha = sha
        bands = raw.get("bands")
        body = bands.get("body") if isinstance(bands, dict) else None
        if isinstance(body, dict) and bands.get("check") == integrity(key, "bands", _canon(body)) and all(
                isinstance(k, str) and isinstance(v, list) and v and all(
                    isinstance(r, list) and len(r) == 2 and _int(r[0]) and _int(r[1]) and 0 <= r[0] < r[1]
                    for r in v) for k, v in body.items()):
            self.bands = body
        digests = raw.get("digests")
        body = digests.get("body") if isinstance(digests, dict) else None
        if isinstance(body, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in body.items()) \
                and digests.get("check") == integrity(key, "digests", _canon(body)):
            self.digests = body

    @property
    def archive(self) -> dict | None:
        """The snapshot of the last run's decisions, parsed and checked when first asked
        for (a run where some dump changed never needs it)."""
        if self._archive is None and self._archive_text is not None:
            text, self._archive_text = self._archive_text, None
            try:
                body = json.loads(text)
            except ValueError:
                body = None
            if snapshot_ok(body, self.posts):
                self._archive = body
            else:
                self.discarded += 1
        return self._archive

    def _load(self, path: Path, data: bytes | None = None) -> dict | None:
        """The file's body (`data`: its bytes, if read already) if it is this format and
        this fingerprint's, else None."""
        try:
            raw = _loads(path.read_bytes() if data is None else data)
        except (OSError, ValueError):
            return None
        if not isinstance(raw, dict) or raw.get("format") != FORMAT or raw.get("key") != self.key:
            return None
        return raw

    @property
    def records(self) -> dict[str, dict]:
        if self._records is None:
            self._records = {}
            try:
                data = self.records_path.read_bytes()
            except OSError:
                data = b""
            # The file the last run wrote (and checked each record of): trusted as a whole.
            whole = self._records_sha is not None and hashlib.sha256(data).hexdigest() == self._records_sha
            raw = self._load(self.records_path, data)
            entries = raw.get("records") if raw is not None else None
            for source, item in (entries.items() if isinstance(entries, dict) else ()):
                record = item.get("r") if isinstance(item, dict) else None
                seal = item.get("h") if isinstance(item, dict) else None
                if record is not None and isinstance(seal, str) and (whole or (
                        seal == integrity(self.key, "record", source, _record_text(record))
                        and record_ok(record, self.posts))):
                    self._records[source] = record
                    self._seals[source] = seal
                else:
                    self.discarded += 1
        return self._records

    def record(self, source: str) -> dict | None:
        """The stored record of a dump (checked), None if there is none."""
        record = self.records.get(source)
        if isinstance(record, str):  # kept in memory as the text this process sealed
            self._texts[source] = record
            record = self._records[source] = _loads(record)
        return record

    def warm(self) -> None:
        """What a run with the cache kept in memory (Memory) keeps, made now: every record
        parsed, its text and its features, and the related briefs' memo (else the first run
        a change starts would make them)."""
        self._memo = self.related_memo()
        for source in list(self.records):
            record = self.record(source)
            if source not in self._texts:
                self._texts[source] = _record_text(record)
            known = self._features.get(source)
            if not (known and known[0] is record):
                self.stub(source)

    def has_related_memo(self) -> bool:
        """Whether related_memo() may give a memo (without reading it)."""
        return self._memo is not None or self._related_sha is not None

    def related_memo(self) -> Memo | None:
        """What the last run's related briefs' step found: only the file that run wrote
        (its sha256 as the checked index says), and only if it is well formed."""
        if self._memo is not None:
            return self._memo
        if self._related_sha is None:
            return None
        try:
            data = self.related_path.read_bytes()
        except OSError:
            return None
        if hashlib.sha256(data).hexdigest() != self._related_sha:
            self.discarded += 1
            return None
        return memo_from(data)

    def unchanged(self, source: str, path: Path, st: os.stat_result) -> bool:
        """Is the dump what it was last run? Size and mtime, else (if they moved) its bytes."""
        entry = self.index.get(source)
        if entry is None:
            return False
        size, mtime_ns, sha = entry
        if st.st_size == size and st.st_mtime_ns == mtime_ns:
            return True
        if not sha or st.st_size != size:  # rejected unread (too large), or other bytes for sure
            return False
        try:  # no more than `size` bytes, from a regular file only (read.read_file)
            data = read_file(path, size)
        except (OSError, Rejected):
            return False
        if hashlib.sha256(data).hexdigest() != sha:
            return False
        entry[0], entry[1] = st.st_size, st.st_mtime_ns
        self.touched = True
        return True

    def stub(self, source: str) -> tuple[Outcome, Cached | None] | None:
        """The cached Outcome of a dump and what the cache knows of its page, or None (no
        entry, or one that failed its check)."""
        record = self.record(source)
        if record is None or source not in self.index:
            return None
        try:
            if not self.keep_records:
                return stub(source, self.index[source], record)
            # A record's features, unpacked once while this process keeps the cache (Memory):
            # nothing changes them (the archive steps read them; a stub's other parts change).
            known = self._features.get(source)
            got = stub(source, self.index[source], record, known[1] if known and known[0] is record else None)
            if got[0].features is not None:
                self._features[source] = (record, got[0].features)
            return got
        except (KeyError, TypeError, ValueError):
            self.discarded += 1
            return None

    def scan(self, source: str) -> tuple[Scan, str] | None:
        """A page-text or HTML dump's first pass as recorded (kind, line keys) and the
        digest of the SourceView it was converted with; None for a family dump."""
        record = self.record(source)
        if record is None or record.get("kind") in (None, "family"):
            return None
        return Scan(record["kind"], tuple(record["lines"])), record["view"]

    def snapshot_for(self, sources: list[str]) -> dict | None:
        """The archive-wide decisions of the last run, if it ran over exactly these
        sources (all unchanged, so in the index) with the same bytes."""
        digest = sources_digest([(src, self.index[src][2]) for src in sources])
        if self._archive is None and self._archive_digest not in (None, digest):
            return None  # another set of dumps: not worth parsing ~10 MB to see it (a match is checked inside)
        archive = self.archive
        return archive if archive and archive.get("digest") == digest else None

    def save_index(self) -> None:
        """Only the index changed (mtimes refreshed): keep the records file as it is."""
        index = {src: [*e, self._check(src, e)] for src, e in self.index.items()}
        text = self._archive_text if self._archive is None else _record_text(self._archive)  # (orjson: 10k briefs)
        digest = self._archive_digest if self._archive is None else self._archive.get("digest")
        archive = None if text is None else {"body": text, "check": integrity(self.key, "archive", text),
                                             "digest": digest}
        sha = self._records_sha
        written = None if sha is None else {"sha": sha, "check": integrity(self.key, "records", sha)}
        sha = self._related_sha
        memo = None if sha is None else {"sha": sha, "check": integrity(self.key, "related", sha)}
        digests = {"body": self.digests, "check": integrity(self.key, "digests", _canon(self.digests))}
        bands = {"body": self.bands, "check": integrity(self.key, "bands", _canon(self.bands))}
        body = {"format": FORMAT, "key": self.key, "index": index, "archive": archive, "records": written,
                "digests": digests, "related": memo, "bands": bands}
        replace_file(self.path, _dumps(body))  # (changed: no need to read the old one to compare)

    def _check(self, source: str, entry: list) -> str:
        """_index_check() of an entry, that of the entry as read or last written if it is the
        same (10k hashes a run at 10k dumps)."""
        known = self._checks.get(source)
        if known is not None and known[0] == tuple(entry):
            return known[1]
        check = _index_check(self.key, source, entry)
        self._checks[source] = (tuple(entry), check)
        return check

    def _fresh(self, outcomes: list[Outcome], stats: dict[str, os.stat_result], same: Container[str],
               ) -> list[Outcome]:
        """The outcomes whose record is encoded anew (not one whose stored text stays)."""
        return [o for o in outcomes if o.source_path in stats
                and not (o.source_path in same and o.source_path in self._seals)]

    def start_records(self, outcomes: list[Outcome], stats: dict[str, os.stat_result],
                      scans: dict[str, tuple[Scan, str]] | None = None, same: Container[str] = (),
                      batch: fanout.Batch | None = None) -> Callable[[], list[tuple[str, str] | None]]:
        """The records save() will store, as a job of `batch` (fanout.py: encoded in worker
        processes once it starts); returns the function that waits for them. A record
        holds no related briefs; it is checked as a read would check it, and not stored if
        it fails (its dump is converted again next run, as after a failed read)."""
        scans, key, posts = scans or {}, self.key, self.posts

        def seal(o: Outcome) -> tuple[str, str] | None:  # text, not the dict: ~50x cheaper to unpickle
            r = _record(o, scans.get(o.source_path))
            if not record_ok(r, posts):
                return None
            text = _record_text(r)
            return integrity(key, "record", o.source_path, text), text

        return (batch or fanout.Batch()).add(seal, self._fresh(outcomes, stats, same))

    def save(self, outcomes: list[Outcome], stats: dict[str, os.stat_result],
             learned: dict[tuple[str, str], int] | None = None, extras: list[str] | None = None,
             scans: dict[str, tuple[Scan, str]] | None = None, same: Container[str] = (),
             records: Callable[[], list[tuple[str, str] | None]] | None = None,
             digests: dict[str, str] | None = None, related: Memo | None = None,
             ) -> None:
        """Store this run: an entry per dump, and (with `extras`, the generated files that
        are not a brief's page) a snapshot of the archive-wide decisions. `scans`: the
        page-text and HTML dumps' first pass and the digest of the view each was
        converted with (the next run converts such a dump again when its view moved).
        `same`: the sources whose record is the one this cache gave (stubs whose page
        stayed: same bytes, same page, same render key), whose stored record is kept as it is.
        `records`: what start_records() started with the same arguments (else encoded here).
        `digests`: each digest's key (output/digests.py) as this run wrote it.
        `related`: what the related briefs' step found (archive/related.py), for the next run."""
        scans = scans or {}
        fresh = self._fresh(outcomes, stats, same)
        records = records or self.start_records(outcomes, stats, scans, same)
        archive = None
        if extras is not None:
            digest = sources_digest([(o.source_path, (o.article.dump.sha256 if o.article else o.sha256) or "")
                                     for o in outcomes])
            archive = archive_snapshot(digest, outcomes, learned or {}, extras)
        index, sealed, kept = {}, {}, {}
        for o in outcomes:
            st = stats.get(o.source_path)
            if st is None:
                continue
            sha = (o.article.dump.sha256 if o.article else o.sha256) or ""
            index[o.source_path] = [st.st_size, st.st_mtime_ns, sha]
            seal = self._seals.get(o.source_path) if o.source_path in same else None
            if seal and self.keep_records:  # its text encoded once, then kept (Memory)
                kept[o.source_path] = self._records[o.source_path]
                if o.source_path not in self._texts:
                    self._texts[o.source_path] = _record_text(kept[o.source_path])
            sealed[o.source_path] = (seal, self._texts.get(o.source_path) or self._records[o.source_path]) \
                if seal else None
        for o, entry in zip(fresh, records(), strict=True):
            sealed[o.source_path] = entry
        self.folder.mkdir(parents=True, exist_ok=True)
        for old in [*self.folder.glob("convert-*.json"), *self.folder.glob("records-*.json"),
                    *self.folder.glob("related-*.json")]:
            if old not in (self.path, self.records_path, self.related_path):
                old.unlink(missing_ok=True)
        self._related_sha = None
        if related is not None:
            memo = memo_bytes(related)
            replace_file(self.related_path, memo)
            self._related_sha = hashlib.sha256(memo).hexdigest()
        else:
            self.related_path.unlink(missing_ok=True)
        data = _records_file(self.key, sealed)
        replace_file(self.records_path, data)
        self.index, self._archive, self._archive_text, self._archive_digest = index, archive, None, None
        self._records, self._seals, self._records_sha = None, {}, hashlib.sha256(data).hexdigest()
        self._memo = None
        if self.keep_records:  # what the file now holds, for this process's next run (Memory)
            features = self._features
            self._records = {src: kept.get(src, entry[1]) for src, entry in sealed.items() if entry is not None}
            self._seals = {src: entry[0] for src, entry in sealed.items() if entry is not None}
            self._texts = {src: entry[1] for src, entry in sealed.items() if entry is not None}
            self._features = {src: f for src, f in features.items() if self._records.get(src) is f[0]}
            self._memo = related
        self.digests = dict(digests or {})
        self.bands = dict(known_bands)  # what this process knows (given by this cache, or learned)
        self.save_index()


class Memory:
    """What a long-lived process (`mkdocs serve`: the plugin's instance lives across
    rebuilds) keeps of the conversion cache between two convert() calls: the cache as
    this process last saved or checked it, with its records parsed and the related
    briefs' memo, instead of reading and parsing ~50 MB again. Trusted only while the
    cache's three files are the very files it left (device, inode, size, modification
    and change times: any other run replaces them through a new file and a rename,
    store.replace_file; an edit in place moves the times); else, and for another cache
    folder or fingerprint, the run reads the files as without it. A run that fails
    leaves it empty (take() hands the cache over)."""

    def __init__(self) -> None:
        self._cache: ConvertCache | None = None
        self._files: tuple | None = None

    @staticmethod
    def _identity(cache: ConvertCache) -> tuple:
        out = []
        for path in (cache.path, cache.records_path, cache.related_path):
            try:
                st = os.stat(path)
                out.append((st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns))
            except OSError:
                out.append(None)
        return tuple(out)

    def take(self, folder: Path, key: str) -> ConvertCache | None:
        """The cache kept for `folder` and `key`, if its files are still the ones it left
        (then no longer kept: keep() it again after a run that saved it)."""
        cache, files, self._cache, self._files = self._cache, self._files, None, None
        # (the same folder named two ways counts: `mkdocs serve` gives its first build the
        # configuration file's path as written, e.g. relative, and its rebuilds an absolute one)
        if cache is None or os.path.realpath(cache.folder) != os.path.realpath(folder) or cache.key != key \
                or self._identity(cache) != files:
            return None
        cache.discarded, cache.touched = 0, False
        return cache

    def keep(self, cache: ConvertCache | None, read: bool = False) -> None:
        """Hold `cache` as it now is on disk (after its save(), or a run that changed nothing;
        `read`: what it keeps made now, ConvertCache.warm())."""
        if cache is not None and read:
            cache.warm()
        self._cache = cache
        self._files = None if cache is None else self._identity(cache)


def _flat(lists: list[list[int]]) -> dict:
    return {"lengths": pack_ints(list(map(len, lists))), "items": pack_ints(list(chain.from_iterable(lists)))}


def _unflat(value: dict, n: int, below: int | None = None) -> list[list[int]]:
    """_flat()'s lists; ValueError unless there are n of them, each of indices below
    `below` (n if not given). Checked with numpy (~500k indices at 10k briefs)."""
    import numpy as np

    lengths, items = unpack_array(value["lengths"]), unpack_array(value["items"])
    below = n if below is None else below
    try:
        counts, values = np.asarray(lengths, dtype=np.int64), np.asarray(items, dtype=np.int64)
    except OverflowError:
        raise ValueError("not lists of indices") from None
    # (no length above the number of items: their sum cannot wrap round in 64 bits)
    if len(counts) != n or (n and not 0 <= counts.min() <= counts.max() <= len(values)) \
            or int(counts.sum()) != len(values) or (len(values) and not 0 <= values.min() <= values.max() < below):
        raise ValueError("not lists of indices")
    items = values.tolist()
    out, at = [], 0
    for length in counts.tolist():
        out.append(items[at : at + length])
        at += length
    return out


def memo_bytes(memo: Memo) -> bytes:
    """The related briefs' memo file (archive/related.py's Memo): integers packed, each
    tag once."""
    names = sorted({t for _, tags, _ in memo.state for t in tags})
    code = {t: c for c, t in enumerate(names)}
    return orjson.dumps({"format": FORMAT, "params": list(memo.params), "keys": memo.keys,
                         "days": pack_ints([d for d, _, _ in memo.state]), "names": names,
                         "tags": _flat([[code[t] for t in tags] for _, tags, _ in memo.state]),
                         "digests": pack_ints([h for _, _, h in memo.state]),
                         "cand": _flat(memo.cand), "ranked": _flat(memo.ranked),
                         **({} if memo.links is None else _links(memo.links))})


def _links(links: list[dict[int, int]]) -> dict:
    """A memo's links, each brief's in the order of the briefs (a dict's order is how it was
    made: the rounds followed again make them in another order than all the rounds)."""
    items = [sorted(d.items()) for d in links]
    return {"linked": _flat([[j for j, _ in d] for d in items]), "rounds": _flat([[r for _, r in d] for d in items])}


def memo_from(data: bytes) -> Memo | None:
    """memo_bytes()'s Memo, None if the bytes are not one."""
    try:
        raw = orjson.loads(data)
        keys, names, params = raw["keys"], raw["names"], tuple(raw["params"])
        n = len(keys)
        if raw["format"] != FORMAT or not _strs(keys) or not _strs(names) or len(params) != 3 \
                or not all(_int(x) for x in params):
            return None
        days, digests = unpack_ints(raw["days"]), unpack_ints(raw["digests"])
        tags = _unflat(raw["tags"], n, len(names))
        if len(days) != n or len(digests) != n:
            return None
        name_of = names.__getitem__
        state = [(d, tuple(map(name_of, t)), h) for d, t, h in zip(days, tags, digests, strict=True)]
        links = None
        if "linked" in raw:  # (a memo without them: the rounds all run again)
            linked, rounds = _unflat(raw["linked"], n), _unflat(raw["rounds"], n, ROUNDS)
            links = [dict(zip(a, b, strict=True)) for a, b in zip(linked, rounds, strict=True)]
        return Memo(keys, state, _unflat(raw["cand"], n), _unflat(raw["ranked"], n), params, links)
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        return None


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


def _record(o: Outcome, scan: tuple[Scan, str] | None = None) -> dict:
    """What the cache keeps of a dump, JSON-shaped (lists, not tuples: checked as read back)."""
    extra = {} if scan is None else {"kind": scan[0].kind, "lines": list(scan[0].keys), "view": scan[1]}
    if o.article is None:
        return {"status": REJECTED, "error": o.error, **extra}
    a, f = o.article, o.features
    return {"kind": a.kind, **extra, "status": OK, "id": a.id, "title": a.title, "date": a.date.isoformat(),
            "key": a.content_key,
            "slug": a.base_slug or a.slug, "authors": list(a.authors), "publisher": a.publisher, "page": o.page,
            "render": render_key(o) if o.page else "", "local_tags": list(a.local_tags), "learned": list(a.learned),
            "highlights": list(a.highlights), "description": a.description, "lang": a.lang,
            "features": {"signature": pack_ints(f.signature), "sentences": pack_ints(f.sentences),
                         "short_lines": [list(x) for x in f.short_lines], "words": list(f.words),
                         "headings": [list(x) for x in f.headings],
                         "sentence_lines": pack_ints([x for pair in f.sentence_lines for x in pair])}}


def stub(source: str, entry: list, r: dict, feats: ArticleFeatures | None = None) -> tuple[Outcome, Cached | None]:
    """An Outcome rebuilt from the cache: enough to decide duplicates, pages and authors
    without the text (its article has no sections); with it, the page it rendered.
    `feats`: the record's features, unpacked already."""
    size, _, sha = entry
    if r["status"] == REJECTED:
        return Outcome(source, status=REJECTED, error=r["error"], sha256=sha or None), None
    dump = Dump(source_path=source, sha256=sha, size=size)
    article = Article(dump=dump, id=r["id"], title=r["title"], date=dt.date.fromisoformat(r["date"]),
                      date_text="", authors=list(r["authors"]), publisher=r["publisher"], slug=r["slug"],
                      base_slug=r["slug"], content_key=r["key"],
                      local_tags=list(r["local_tags"]), tags=list(r["local_tags"]), learned=list(r["learned"]),
                      highlights=list(r["highlights"]), description=r["description"],
                      kind=r.get("kind") or "family",
                      lang=r["lang"] if isinstance(r.get("lang"), str) else "")
    if feats is not None:
        return Outcome(source, article=article, features=feats, sha256=sha), Cached(r.get("page"), r["render"])
    f = r["features"]
    lines = unpack_array(f["sentence_lines"])
    feats = ArticleFeatures(signature=unpack_array(f["signature"]), sentences=unpack_array(f["sentences"]),
                            words=list(f["words"]),
                            short_lines=[(n, t) for n, t in f["short_lines"]],  # (types: record_ok())
                            headings=[(n, t) for n, t in f["headings"]],
                            sentence_lines=list(zip(lines[::2], lines[1::2], strict=True)))
    return Outcome(source, article=article, features=feats, sha256=sha), Cached(r.get("page"), r["render"])
