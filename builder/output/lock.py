"""One run at a time in a project: the lock (ROOT/.newsbrief.lock, fcntl.flock) that
`newsbrief convert`, `newsbrief build` and the MkDocs plugin hold while they write the
posts folder, the caches or the site."""

from __future__ import annotations

import errno
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ..console import display, printable
from .store import WriteError

LOCK_FILE = ".newsbrief.lock"
LOCK_ENV = "NEWSBRIEF_LOCK_HELD"  # "<lock path>:<pid>": that process holds the lock for us


class Busy(Exception):
    """Another newsbrief run holds the project's lock. ``str()`` is one line."""


_held: dict[str, list] = {}  # lock path -> [fd, depth]: re-entrant within a process


def _lock_path(root: Path) -> str:
    return os.path.join(os.path.realpath(root), LOCK_FILE)


def lock_env(root: Path) -> dict[str, str]:
    """Environment for a child process (MkDocs) that runs under this process's lock."""
    return {LOCK_ENV: f"{_lock_path(root)}:{os.getpid()}"}


def _holder(fd: int) -> str:
    try:
        pid = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        pid = ""
    return f"pid {pid}" if pid.isdigit() else "another process"


@contextmanager
def project_lock(root: Path, wait: float | None = 0,
                 on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the project's lock (``ROOT/.newsbrief.lock``, fcntl.flock) for the block, so
    that runs that write docs/posts/, the cache or the site never overlap.

    `wait`: seconds to wait for another run to finish (0: fail at once; None: no limit);
    `on_wait` is told once, in one line, that this run is waiting. Raises Busy when the
    time is up. Re-entrant in one process; a child process started with `lock_env()`
    (MkDocs run by `newsbrief build`) is covered by its parent's lock. Where fcntl does
    not exist (Windows), runs are not serialised."""
    path = _lock_path(root)
    inherited = os.environ.get(LOCK_ENV, "")
    if path in _held:
        _held[path][1] += 1
        try:
            yield
        finally:
            _held[path][1] -= 1
        return
    if inherited == f"{path}:{os.getppid()}":
        yield  # the parent holds it for us
        return
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o666)
    except OSError as e:
        raise WriteError(path, e) from None
    try:
        deadline = None if wait is None else time.monotonic() + max(0.0, wait)
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as e:
                if e.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                    raise WriteError(path, e) from None
            who = _holder(fd)
            if deadline is not None and time.monotonic() >= deadline:
                hint = f" (waited {wait:g}s)" if wait else "; try again later, or pass --wait SECONDS"
                raise Busy(f"another newsbrief run ({who}) is working in {printable(display(root))}{hint}")
            if not told and on_wait:
                on_wait(f"newsbrief: waiting for another run ({who}) to finish in {printable(display(root))}")
                told = True
            time.sleep(0.1)
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        except OSError:
            pass  # the pid is only a courtesy for the message above
        _held[path] = [fd, 1]
        try:
            yield
        finally:
            del _held[path]
    finally:
        os.close(fd)  # releases the flock
