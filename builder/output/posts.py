"""The posts folder, which the builder owns, and nothing else in it.

- Every write is atomic (store.py), so a run killed at any moment leaves each page
  either old or new, never half written.
- **Ownership is checked for every write and every delete.** The manifest records, for
  each file the builder wrote, the sha256 of the bytes it wrote. A file is the builder's
  only while it still holds exactly those bytes: a hand-written file (not in the
  manifest) and a generated page edited by hand since (bytes changed) are never
  written over and never deleted; the run reports them in one line each. A manifest
  that is lost, damaged or edited can only make the builder leave more files alone,
  never touch a file it did not write: a file not recorded with its exact hash is
  overwritten only by identical bytes (nothing is lost), and never deleted.
- ``PostsFolder.foreign(rel)`` tells the pipeline which paths hold a file that is not
  the builder's, so that a brief takes a free name instead of a hand-written page's.
- A file whose content is unchanged is not rewritten, so a second run over the same
  input changes no byte and no modification time.
- Symbolic links are never written or deleted through: a link at a page's path is not
  the builder's file; a path whose folders lead out of the posts folder is refused.
- An OSError while writing (disk full, read-only folder, permission denied) becomes a
  ``WriteError`` whose message is one line naming the file.

Manifest formats: ``{"generator": "newsbrief", "format": 2, "files": {rel: sha256}}``;
while a run is in progress also ``"pending": {rel: sha256}`` (the bytes about to be
written), so a run killed half way leaves a manifest that still owns both the old and
the new version of every file it was writing. Format 1 (``"files": [rel, ...]``, no
hashes, written by versions before 0.x) is migrated on the first run: a listed file is
taken as the builder's only if it still looks like the builder's output (a brief's or
digest's front matter, the authors file, the index); anything else is left alone.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import unicodedata
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .store import WriteError, atomic_write, file_mode, remove_stale_temps, replace_file

MANIFEST = ".newsbrief-manifest.json"
MANIFEST_FORMAT = 2
_HEX64 = re.compile(r"[0-9a-f]{64}")
_SNIFF = 65536  # bytes read to tell whether a file looks like the builder's output


class UnsafePath(ValueError):
    pass


def safe_join(root: Path, rel: str, resolved_root: Path | None = None) -> Path:
    """root/rel, refusing anything that would land outside root (symlinks followed)."""
    target = (root / rel).resolve()
    if (resolved_root or root.resolve()) not in target.parents:
        raise UnsafePath(f"refusing to write outside {root}: {rel!r}")
    return target


def _plainly_inside(rel: str) -> bool:
    """A relative path with no way out ("..", absolute, NUL, backslash): the cheap check for
    files the builder keeps as they are; anything it writes goes through safe_join."""
    parts = rel.split("/")
    return bool(rel) and not rel.startswith("/") and "\x00" not in rel and "\\" not in rel and ".." not in parts


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def looks_generated(rel: str, head: bytes) -> bool:
    """Whether the start of a file looks like the builder's own output at `rel`: used only
    for files a format-1 manifest lists (no hashes) or that no manifest records at all."""
    name = rel.rsplit("/", 1)[-1]
    if name == ".authors.yml":
        return head.startswith(b"authors:")
    if name == ".newsbrief-index.json":
        return head.startswith(b"{")
    if not name.endswith(".md") or not head.startswith(b"---\n"):
        return False
    end = head.find(b"\n---\n", 3)
    if end < 0:
        return False
    lines = head[4:end].decode("utf-8", "replace").split("\n")
    keys = {line.split(":", 1)[0]: line.split(":", 1)[1].strip() for line in lines if ":" in line
            and not line.startswith(" ")}
    brief = {"id", "source", "slug"} <= keys.keys() and bool(_HEX64.fullmatch(keys.get("sha256", "")))
    digest = keys.get("digest") in ("daily", "weekly") and "slug" in keys
    return brief or digest


@dataclass
class WriteReport:
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    # (relative path, reason): files at a generated path that are not the builder's,
    # left exactly as they are (not written over, not deleted).
    refused: list[tuple[str, str]] = field(default_factory=list)


NOT_OURS = "not written by newsbrief (hand-written?); left as it is"
EDITED = "changed since newsbrief wrote it (edited by hand?); left as it is"
EDITED_KEPT = "changed since newsbrief wrote it (edited by hand?); not removed"
LINK = "a symbolic link or special file, not written by newsbrief; left as it is"
OUTSIDE = "its folder leads out of the posts folder (symbolic link); not written"


@dataclass
class _Manifest:
    present: bool = False  # a readable manifest (any format) exists
    records: dict[str, set[str]] = field(default_factory=dict)  # rel -> sha256 of bytes we wrote
    legacy: set[str] = field(default_factory=set)  # format-1 entries: listed, hash unknown


class PostsFolder:
    """The builder's own folder inside docs/ (default docs/posts)."""

    def __init__(self, root: Path):
        self.root = root
        self._m: _Manifest | None = None

    # -- the manifest ---------------------------------------------------------------

    def _manifest(self) -> _Manifest:
        if self._m is None:
            self._m = self._load()
        return self._m

    def _load(self) -> _Manifest:
        m = _Manifest()
        try:
            data = json.loads((self.root / MANIFEST).read_bytes())
        except (OSError, ValueError):
            return m  # missing or unreadable: nothing is known to be ours
        if not isinstance(data, dict):
            return m
        files = data.get("files")
        if isinstance(files, list):  # format 1: names only
            m.present = True
            m.legacy = {p for p in files if isinstance(p, str)}
        elif isinstance(files, dict):
            m.present = True
            for key in ("files", "pending"):
                part = data.get(key)
                if isinstance(part, dict):
                    for rel, shas in part.items():
                        for sha in shas if isinstance(shas, list) else [shas]:
                            if isinstance(rel, str) and isinstance(sha, str) and _HEX64.fullmatch(sha):
                                m.records.setdefault(rel, set()).add(sha)
            legacy = data.get("legacy")
            if isinstance(legacy, list):  # a migration run that was interrupted
                m.legacy = {p for p in legacy if isinstance(p, str)}
        return m

    def _save(self, files: dict[str, str], pending: dict[str, list[str]] | None = None,
              legacy: set[str] | None = None) -> None:
        body: dict = {"generator": "newsbrief", "format": MANIFEST_FORMAT,
                      "files": dict(sorted(files.items()))}
        if pending:
            body["pending"] = dict(sorted(pending.items()))
        if legacy:
            body["legacy"] = sorted(legacy)
        atomic_write(self.root / MANIFEST, (json.dumps(body, indent=0) + "\n").encode())

    # -- ownership -----------------------------------------------------------------

    def foreign(self, rel: str) -> bool:
        """True if a file that is not the builder's is at `rel` (relative to the posts
        folder): a generated page must not take that path. A generated page that was
        edited by hand is not foreign here (it keeps its URL; the writer leaves it alone)."""
        m = self._manifest()
        path = os.path.join(self.root, rel)
        if not os.path.lexists(path):
            return False
        if rel in m.records or rel in m.legacy:
            return False
        if m.present:
            return True
        # No manifest at all (a first run, or one that was lost): what looks like the
        # builder's output keeps its path, so a lost manifest does not move every URL;
        # whether it may be written over is decided by the bytes, in sync().
        return not self._looks_generated(Path(path), rel)

    def holds(self, rel: str) -> bool:
        """Is there a regular file (not a link, not a folder) at `rel`, plainly inside?"""
        if not _plainly_inside(rel):
            return False
        try:
            return stat.S_ISREG(os.lstat(os.path.join(self.root, rel)).st_mode)
        except OSError:
            return False

    def _looks_generated(self, path: Path, rel: str) -> bool:
        try:
            st = os.lstat(path)
            if not stat.S_ISREG(st.st_mode):
                return False
            with open(path, "rb") as f:
                return looks_generated(rel, f.read(_SNIFF))
        except OSError:
            return False

    def _inspect(self, target: Path) -> tuple[str, bytes | None]:
        """('missing' | 'file' | 'special', the bytes if a regular file)."""
        try:
            st = os.lstat(target)
        except FileNotFoundError:
            return "missing", None
        except NotADirectoryError:
            return "special", None
        if not stat.S_ISREG(st.st_mode):
            return "special", None
        try:
            return "file", target.read_bytes()
        except OSError as e:
            raise WriteError(target, e) from None

    # -- the run -------------------------------------------------------------------

    def sync(self, files: dict[str, bytes | None],
             later: Callable[[], dict[str, bytes | None]] | None = None) -> WriteReport:
        """Make the folder hold exactly `files` (relative path -> bytes; None: keep the
        file that is there) among the files the builder owns; leave all others alone.
        `later`: gives more such files (other paths), asked for once `files` are written
        (the pipeline writes the pages while the related briefs, which the index lists,
        are found): the same folder and the same report as with all of them in `files`;
        the manifest's pending hashes are recorded again, with theirs, before they are
        written."""
        report = WriteReport()
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise WriteError(self.root, e) from None
        m = self._manifest()
        new_sha = {rel: _sha(data) for rel, data in files.items() if data is not None}
        old_files = {rel: min(h) for rel, h in m.records.items()}
        # Record the union first (every hash known to be ours, plus the hashes about to be
        # written): if the run dies half way, the next run still knows its own files.
        pending = {rel: sorted((m.records.get(rel, set()) | ({new_sha[rel]} if rel in new_sha else set()))
                               - {old_files.get(rel)})
                   for rel in set(m.records) | set(new_sha)}
        self._save(old_files, {rel: p for rel, p in pending.items() if p}, m.legacy)
        final: dict[str, str] = {}
        real_root = self.root.resolve()
        target_of = _Targets(self.root, real_root)
        mode = file_mode()

        def one(rel: str, data: bytes | None) -> None:
            ours = m.records.get(rel, set())
            if data is None and len(ours) == 1 and _plainly_inside(rel):
                report.unchanged.append(rel)  # the cache says it is there: no I/O at all
                final[rel] = old_files[rel]
                return
            try:
                target = target_of(rel)
            except UnsafePath:
                report.refused.append((rel, OUTSIDE))
                return
            if os.fspath(target) in writes.targets:  # (two paths to one file: looked at as the last one left it)
                writes.finish()
            kind, current = ("missing", None) if target_of.absent(target) else self._inspect(target)
            if kind == "missing" and data is not None:
                target_of.written.add(os.fspath(target))
            if kind == "special":
                report.refused.append((rel, LINK))
                return
            if kind == "missing":
                if data is None:
                    report.unchanged.append(rel)
                else:
                    writes.add(target, data)
                    report.written.append(rel)
                    final[rel] = new_sha[rel]
                return
            sha = _sha(current)
            if data is None or current == data:
                if data is None and sha not in ours and not (
                        (rel in m.legacy or not m.present) and looks_generated(rel, current[:_SNIFF])):
                    report.refused.append((rel, EDITED if ours or rel in m.legacy else NOT_OURS))
                    if ours:
                        final[rel] = old_files[rel]
                    return
                report.unchanged.append(rel)
                final[rel] = sha
                if (sha in ours or data is not None) and stat.S_IMODE(os.lstat(target).st_mode) == 0o600 \
                        and mode != 0o600:
                    os.chmod(target, mode)  # written by a version that left mkstemp's 0600
                return
            if sha in ours or (rel in m.legacy and looks_generated(rel, current[:_SNIFF])):
                writes.add(target, data)
                report.written.append(rel)
                final[rel] = new_sha[rel]
            else:
                report.refused.append((rel, EDITED if ours or rel in m.legacy else NOT_OURS))
                if ours:
                    final[rel] = old_files[rel]  # still reserved for its brief; never written over

        with _Writes(len(new_sha)) as writes:
            for rel in sorted(files):
                one(rel, files[rel])
            if later is not None:
                more = later()
                if set(more) & set(files):
                    raise ValueError("sync(): a path given twice")
                files = files | more
                new_sha.update((rel, _sha(data)) for rel, data in more.items() if data is not None)
                pending = {rel: sorted((m.records.get(rel, set()) | ({new_sha[rel]} if rel in new_sha else set()))
                                       - {old_files.get(rel)}) for rel in set(m.records) | set(new_sha)}
                self._save(old_files, {rel: p for rel, p in pending.items() if p}, m.legacy)
                for rel in sorted(more):
                    one(rel, more[rel])
                # (the report as sync(files | more) gives it: each list in the paths' order)
                report.written.sort()
                report.unchanged.sort()
                report.refused.sort(key=lambda r: r[0])
        for rel in sorted((set(m.records) | m.legacy) - set(files)):
            try:
                target = target_of(rel)
            except UnsafePath:
                continue  # a tampered manifest cannot make us delete elsewhere
            kind, current = self._inspect(target)
            if kind == "missing":
                continue
            if kind == "special":
                report.refused.append((rel, LINK))
                continue
            if _sha(current) in m.records.get(rel, ()) or (
                    rel in m.legacy and looks_generated(rel, current[:_SNIFF])):
                try:
                    target.unlink()
                except FileNotFoundError:
                    continue
                except OSError as e:
                    raise WriteError(target, e) from None
                report.deleted.append(rel)
                _prune_empty_dirs(target.parent, real_root)
            else:
                report.refused.append((rel, EDITED_KEPT))
        self._save(final)
        self._m = _Manifest(present=True, records={rel: {h} for rel, h in final.items()})
        remove_stale_temps(self.root)
        return report


# Writing a file is kernel time (create, write, rename: 0.15-0.5 ms a file on the bench
# machine, nothing else runs meanwhile), which a thread spends without the GIL: a cold
# run's ~12,400 files are written by a thread a core (at most 4) instead of one. Below
# _MANY files, by this thread alone.
WRITERS = min(4, os.cpu_count() or 1)
_MANY = 256
# Files handed to a thread at once (one folder's, consecutive): one Future and one
# wake-up of the thread for each, not for each file.
_BATCH = 32


def _write_batch(batch: list[tuple[Path, bytes]]) -> None:
    for target, data in batch:  # (in order: after a failure, the rest is not written)
        replace_file(target, data)


class _Writes:
    """The files sync() decided to write, handed to WRITERS threads as they come, a few of
    one folder at a time (or written at once, for a few). finish() waits for them: the
    first error, in the order they came, is raised, and those not started yet are not
    written.

    Each folder's files go to one thread (folders dealt round in the order they come):
    creating a file and renaming into a folder both hold that folder's lock, and the
    kernel spins on it meanwhile: in one cold 10k run (perf), two threads writing one
    month folder spent 7 % of the run's CPU (~2.5 s) spinning there (rwsem_spin_on_owner
    under rename) while the other's create searched the inode bitmap; in another 0.5 %."""

    def __init__(self, expected: int):
        many = WRITERS > 1 and expected >= _MANY
        self.pools = [ThreadPoolExecutor(1) for _ in range(WRITERS)] if many else []
        self.folders: dict[str, ThreadPoolExecutor] = {}
        self.pending: list[Future] = []
        self.targets: set[str] = set()  # (paths as str: a Path hashes far slower, ~12,400 times a run)
        self.batch: list[tuple[Path, bytes]] = []
        self.batch_folder = ""

    def __enter__(self) -> _Writes:
        return self

    def __exit__(self, kind, *_) -> None:
        try:
            if kind is None:
                self.finish()
        finally:
            for pool in self.pools:  # (after an error: what has not started is not written)
                pool.shutdown(cancel_futures=True)

    def add(self, target: Path, data: bytes) -> None:
        if not self.pools:
            replace_file(target, data)
            return
        path = os.fspath(target)
        folder = os.path.dirname(path)
        if self.batch and (folder != self.batch_folder or len(self.batch) >= _BATCH):
            self._hand_over()
        self.batch.append((target, data))
        self.batch_folder = folder
        self.targets.add(path)

    def _hand_over(self) -> None:
        if not self.batch:
            return
        pool = self.folders.get(self.batch_folder)
        if pool is None:
            pool = self.folders[self.batch_folder] = self.pools[len(self.folders) % len(self.pools)]
        self.pending.append(pool.submit(_write_batch, self.batch))
        self.batch = []

    def finish(self) -> None:
        self._hand_over()
        try:
            for done in self.pending:
                done.result()
        finally:
            for waiting in self.pending:
                waiting.cancel()
            self.pending, self.targets = [], set()


class _Targets:
    """safe_join(root, rel) with each folder resolved once, not once per file: the same
    path, and the same refusals. A name that is a symbolic link, and any path that is not
    plainly inside, go through safe_join whole.

    absent(target): each folder is listed once (a cold run writes ~12,400 files into
    ~130 folders) instead of two lstat() a file, each of which gave the GIL to the
    writer threads and waited to get it back (12,400 files into tmpfs: the sync's wall
    1.4-2.0 -> 1.4 s, 0.95 s with the writes handed over in batches). Only an
    absence is taken from a listing, and never for a file this run has written (or is
    writing: `written`, kept by the caller); anything else is looked at as before. Names
    are compared caselessly and by their Unicode normal form, so a folder on a file
    system that folds case or normalises names (macOS, Windows) never takes a file that
    is there under another spelling for a missing one."""

    def __init__(self, root: Path, real_root: Path):
        self.root, self.real_root = root, real_root
        self.folders: dict[str, Path | None] = {"": real_root}  # None: leads outside
        self.listings: dict[str, frozenset[str] | None] = {}  # None: not listed (looked at file by file)
        self.written: set[str] = set()  # (paths as str: a Path hashes far slower)

    def __call__(self, rel: str) -> Path:
        head, _, name = rel.rpartition("/")
        if not _plainly_inside(rel) or name in ("", "."):
            return safe_join(self.root, rel, self.real_root)
        if head not in self.folders:
            folder = (self.root / head).resolve()
            self.folders[head] = folder if folder == self.real_root or self.real_root in folder.parents else None
        folder = self.folders[head]
        if folder is None:
            raise UnsafePath(f"refusing to write outside {self.root}: {rel!r}")
        target = folder / name
        if self.absent(target):
            return target  # (no link there)
        return safe_join(self.root, rel, self.real_root) if os.path.islink(target) else target

    def absent(self, target: Path) -> bool:
        """No entry of any kind at `target`, by its folder's listing."""
        path = os.fspath(target)
        if path in self.written:
            return False
        folder, name = os.path.split(path)
        if folder not in self.listings:
            try:
                with os.scandir(folder) as entries:
                    self.listings[folder] = frozenset(_fold(e.name) for e in entries)
            except FileNotFoundError:
                self.listings[folder] = frozenset()
            except OSError:
                self.listings[folder] = None
        names = self.listings[folder]
        return names is not None and _fold(name) not in names


def _fold(name: str) -> str:
    """A file name as a file system that ignores case and normal form may see it."""
    return unicodedata.normalize("NFD", unicodedata.normalize("NFD", name).casefold())


def _prune_empty_dirs(folder: Path, stop: Path) -> None:
    while folder != stop and stop in folder.parents:
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent
