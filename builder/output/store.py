"""Files written so that a run killed at any moment leaves each either old or new, never
half written (temporary file in the same folder, then rename), with the mode any new
file gets (0666 minus the umask); an OSError becomes a WriteError whose message is one
line naming the file. Also the integrity hash each entry of the caches carries. The posts
folder, the conversion cache and the site's caches all write through here.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import stat
from collections.abc import Iterable
from pathlib import Path

from ..console import display, printable

# The name of a temporary file while it is written: what a killed run may leave behind.
TEMP_PREFIX, TEMP_SUFFIX = ".nb-", ".tmp"


def is_temp(name: str) -> bool:
    return name.startswith(TEMP_PREFIX) and name.endswith(TEMP_SUFFIX)


def remove_stale_temps(root: Path, recursive: bool = True) -> None:
    """Temporary files left by a run that was killed mid-write (regular files with the
    builder's temporary name only; symbolic links are not followed). Called under the
    project lock, when no other run of the project can be writing."""
    for folder, _dirs, names in os.walk(root) if recursive else [(root, [], _names(root))]:
        for name in names:
            if is_temp(name):
                path = os.path.join(folder, name)
                try:
                    if stat.S_ISREG(os.lstat(path).st_mode):
                        os.unlink(path)
                except OSError:
                    pass


def _names(folder: Path) -> list[str]:
    try:
        return os.listdir(folder)
    except OSError:
        return []


def integrity(*parts: str) -> str:
    """The hash a stored entry carries, over its key and content (each part ends in NUL,
    so no two lists of parts hash alike): it catches damage and hand edits."""
    h = hashlib.sha256()
    for p in parts:
        h.update(p.encode("utf-8", "surrogatepass"))
        h.update(b"\0")
    return h.hexdigest()


class WriteError(OSError):
    """An output file could not be written. ``str()`` is one line: `cannot write PATH: reason`."""

    def __init__(self, path: str | os.PathLike, err: OSError):
        super().__init__(err.errno, err.strerror or str(err), str(path))
        self.path = Path(path)

    def __str__(self) -> str:
        return f"cannot write {printable(display(self.path))}: {printable(self.strerror)}"


_umask: int | None = None


def file_mode() -> int:
    """The mode a new file gets from open(): 0666 minus the process umask."""
    global _umask
    if _umask is None:
        _umask = os.umask(0o022)
        os.umask(_umask)
    return 0o666 & ~_umask


# A temporary file is created, never opened: O_EXCL (not a file or link already there), no
# link followed. Named by process and count: tempfile.mkstemp's random names cost more
# than the rest of a small write.
_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0) \
    | getattr(os, "O_BINARY", 0)
_temp_names = itertools.count()


def _create_temp(folder: Path) -> tuple[int, Path]:
    while True:
        tmp = folder / f"{TEMP_PREFIX}{os.getpid()}-{next(_temp_names)}{TEMP_SUFFIX}"
        try:
            return os.open(tmp, _CREATE, 0o600), tmp
        except FileExistsError:  # left by a killed run of a process with the same id
            continue


def replace_file(path: Path, data: bytes | Iterable[bytes]) -> None:
    """Write `data` (bytes, or bytes in pieces: never all in memory at once) to `path`
    atomically (temporary file, then rename); WriteError on failure."""
    tmp = None
    try:
        try:
            fd, tmp = _create_temp(path.parent)
        except OSError:  # the folder is missing (or is no folder: mkdir says so, as it always has)
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = _create_temp(path.parent)
        try:
            if hasattr(os, "fchmod"):
                os.fchmod(fd, file_mode())
            for piece in (data,) if isinstance(data, bytes | bytearray | memoryview) else data:
                view = memoryview(piece)
                while view:
                    view = view[os.write(fd, view) :]
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except OSError as e:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        raise WriteError(path, e) from None
    except BaseException:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write(path: Path, data: bytes) -> bool:
    """Write `data` to `path` unless it already holds exactly that. True if written.
    An OSError becomes a WriteError naming `path`."""
    try:
        if path.read_bytes() == data:
            return False
    except OSError:  # missing, or not readable as a file: writing will tell
        pass
    replace_file(path, data)
    return True
