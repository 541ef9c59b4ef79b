"""Stage 5, write: pages into the posts folder, which the builder owns, and nothing else.

- Every write is atomic (temporary file in the same folder, then rename), so a run
  killed at any moment leaves each page either old or new, never half written.
- A manifest lists the files the builder wrote. A page whose dump disappeared is
  removed; files the builder did not write (hand-written pages) are never touched.
- A file whose content is unchanged is not rewritten, so a second run over the same
  input changes no byte and no modification time.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

MANIFEST = ".newsbrief-manifest.json"


class UnsafePath(ValueError):
    pass


def atomic_write(path: Path, data: bytes) -> bool:
    """Write `data` to `path` unless it already holds exactly that. True if written."""
    try:
        if path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".nb-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


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


@dataclass
class WriteReport:
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)


class PostsFolder:
    """The builder's own folder inside docs/ (default docs/posts)."""

    def __init__(self, root: Path):
        self.root = root

    def _manifest(self) -> set[str]:
        try:
            data = json.loads((self.root / MANIFEST).read_text(encoding="utf-8"))
            return {str(p) for p in data.get("files", [])}
        except (FileNotFoundError, ValueError, AttributeError):
            return set()

    def _save_manifest(self, files: set[str]) -> None:
        body = json.dumps({"generator": "newsbrief", "files": sorted(files)}, indent=1) + "\n"
        atomic_write(self.root / MANIFEST, body.encode())

    def sync(self, files: dict[str, bytes | None]) -> WriteReport:
        """Make the folder hold exactly `files` (relative path -> bytes; None: keep the
        file that is there) among the files the builder owns; leave all others alone."""
        report = WriteReport()
        self.root.mkdir(parents=True, exist_ok=True)
        old = self._manifest()
        # Record the union first: if the run dies half way, the next run still knows
        # which files are its own and can clean them up.
        self._save_manifest(old | set(files))
        real_root = self.root.resolve()
        for rel in sorted(files):
            data = files[rel]
            if data is None and _plainly_inside(rel):
                report.unchanged.append(rel)
                continue
            target = safe_join(self.root, rel, real_root)
            if data is None or not atomic_write(target, data):
                report.unchanged.append(rel)
            else:
                report.written.append(rel)
        for rel in sorted(old - set(files)):
            try:
                target = safe_join(self.root, rel, real_root)
            except UnsafePath:
                continue  # a tampered manifest cannot make us delete elsewhere
            if target.is_file():
                target.unlink()
                report.deleted.append(rel)
                _prune_empty_dirs(target.parent, self.root)
        self._save_manifest(set(files))
        _remove_stale_temps(self.root)
        return report


def _prune_empty_dirs(folder: Path, stop: Path) -> None:
    while folder != stop and stop in folder.parents:
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent


def _remove_stale_temps(root: Path) -> None:
    """Temporary files left by a run that was killed mid-write."""
    for tmp in root.rglob(".nb-*.tmp"):
        tmp.unlink(missing_ok=True)
