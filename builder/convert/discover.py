"""Finding the dumps: the dump files (*.txt, *.html, *.htm) under the folders and files given, each read once,
in path order, with every entry skipped and why (links that loop or lead out, special
files, unreadable folders)."""

from __future__ import annotations

import heapq
import os
import stat
from collections.abc import Iterable
from pathlib import Path

# The files that are dumps: a new input format adds its ending here and its reader
# behind convert.process(). The ending only selects the files: what a dump is (the
# family, a page's text, HTML) is told from its content (convert/readers/detect.py).
DUMP_SUFFIXES = (".txt", ".html", ".htm")


def display_path(path: Path, root: Path) -> str:
    """The path as the user would write it: relative to the project root if inside.
    Inside as written first, then as resolved: a `seeds/` that is a link to a folder
    elsewhere still gives `seeds/x.txt`, whether the caller passed `seeds` (the CLI) or
    the project's absolute path to it (the MkDocs plugin): the front matter and the
    export must not depend on which command converted."""
    try:
        return Path(os.path.abspath(path)).relative_to(os.path.abspath(root)).as_posix()
    except ValueError:
        pass
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


class FoundFile(type(Path())):
    """A dump's path with the identity (st_dev, st_ino) of the file discovery approved and
    the real path of the folder it was found in: read.read_file reads the file only if
    what opens at read time is that very file, or one that lies in that folder."""

    ident: tuple[int, int] | None = None
    root: str | None = None

    def __new__(cls, path: str, ident: tuple[int, int] | None = None, root: str | None = None):
        self = super().__new__(cls, path)
        self.ident, self.root = ident, root
        return self

    def __reduce__(self):  # to the process pool with its identity
        return (FoundFile, (str(self), self.ident, self.root))


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def _walk_folder(top: str, prefix: str, found: dict[str, Path], warnings: list[str]) -> None:
    """The dump files (DUMP_SUFFIXES) under `top`, each read once. Real folders are walked first; then
    each symbolic link, in path order, is followed only if it resolves inside `top` and
    to a folder not yet walked (tracked by (st_dev, st_ino)) or a file not yet found.
    Everything skipped is reported in `warnings` with the reason."""
    real_top = os.path.realpath(top)
    seen_dirs: set[tuple[int, int]] = set()
    seen_files: dict[tuple[int, int], str] = {}
    links: list[tuple[str, str]] = []  # (display path, path) of links still to look at

    def shown(rel: str) -> str:
        return rel if prefix == "." else (f"{prefix}/{rel}" if rel else prefix)

    def add_file(display: str, full: str, st: os.stat_result) -> None:
        key = (st.st_dev, st.st_ino)
        if key in seen_files:
            warnings.append(f"{display}: skipped: the same file as {seen_files[key]}")
            return
        seen_files[key] = display
        found[display] = FoundFile(full, key, real_top)

    def walk(folder: str, rel: str) -> None:
        try:
            st = os.stat(folder)
            if (st.st_dev, st.st_ino) in seen_dirs:
                warnings.append(f"{shown(rel)}: skipped: a link to a folder already walked")
                return
            seen_dirs.add((st.st_dev, st.st_ino))
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as e:
            warnings.append(f"{shown(rel)}: skipped: unreadable folder ({e.strerror or e})")
            return
        for e in entries:
            if e.name.startswith("."):
                continue  # hidden files and folders: not dumps
            sub = f"{rel}/{e.name}" if rel else e.name
            try:
                if e.is_symlink():
                    heapq.heappush(links, (sub, e.path))
                elif e.is_dir(follow_symlinks=False):
                    if e.name.endswith(DUMP_SUFFIXES):
                        warnings.append(f"{shown(sub)}: a folder, not a dump (the dumps in it are read)")
                    walk(e.path, sub)
                elif e.name.endswith(DUMP_SUFFIXES):
                    st = e.stat(follow_symlinks=False)
                    if stat.S_ISREG(st.st_mode):
                        add_file(shown(sub), e.path, st)
                    else:
                        warnings.append(f"{shown(sub)}: skipped: not a regular file")
            except OSError as err:
                warnings.append(f"{shown(sub)}: skipped: {err.strerror or err}")

    walk(top, "")
    # Links last, so that a folder reached both directly and through a link is read
    # under its own path; a link found inside a followed link joins the queue.
    heapq.heapify(links)
    while links:
        sub, path = heapq.heappop(links)
        display = shown(sub)
        target = os.path.realpath(path)
        if not os.path.exists(target):
            warnings.append(f"{display}: skipped: a dangling link")
        elif not _inside(target, real_top):
            warnings.append(f"{display}: skipped: a link that leads outside {prefix}")
        elif os.path.isdir(target):
            if sub.endswith(DUMP_SUFFIXES):
                warnings.append(f"{display}: a folder, not a dump (the dumps in it are read)")
            walk(path, sub)
        elif sub.endswith(DUMP_SUFFIXES):
            try:
                st = os.stat(target)
            except OSError as err:
                warnings.append(f"{display}: skipped: {err.strerror or err}")
                continue
            if stat.S_ISREG(st.st_mode):
                add_file(display, path, st)
            else:
                warnings.append(f"{display}: skipped: not a regular file")


def discover(paths: Iterable[str | Path], warnings: list[str] | None = None, root: Path | None = None,
             ) -> tuple[list[tuple[str, Path]], list[str]]:
    """(display path, path) of the dump files under the given files and folders, in path
    order; plus usage errors. Display paths are built from each folder's own, not resolved
    file by file (that costs more than reading an unchanged archive).

    Discovery never follows a link out of the folder being walked nor back into a folder
    it already walked, and reads a file reached twice once; every entry it skips for a
    reason (dangling link, link leading out, loop, a folder named like a dump, an unreadable
    folder, a special file) is added to `warnings` (paths as found: the summary escapes
    what it prints, report.py). Display paths are relative
    to `root` (the project root; default: the working folder)."""
    root = Path.cwd() if root is None else root
    found: dict[str, Path] = {}
    errors: list[str] = []
    warnings = [] if warnings is None else warnings
    for p in map(Path, paths):
        if p.is_dir():
            _walk_folder(str(p), display_path(p, root), found, warnings)
        elif p.exists():
            found[display_path(p, root)] = p
        else:
            errors.append(f"{p}: no such file or folder")
    return [(k, found[k]) for k in sorted(found)], errors
