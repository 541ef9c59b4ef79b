"""What `mkdocs serve` watches: docs/ except the posts folder the conversion writes.

MkDocs watches the whole docs folder; the conversion (run at the start of every build)
writes docs/posts/ during the build, which set off a second whole rebuild, with nothing
changed, after every change of a dump (measured at 1k: a change's page came ~1.5x later
when a second change followed). The seeds folder and the rules file are watched instead
(the plugin's on_serve), so a dump's change still rebuilds.

The seeds folder (thousands of dumps) is watched with the system's file events (inotify
on Linux, FSEvents on macOS, ...) where watchdog has them, not with MkDocs' polling
observer, which lists and stats every file of a watched folder every 0.5 s: at 10,000
dumps ~0.1 s of CPU each time, mostly under the GIL, so ~20 % of the serving process's
core taken from the conversion a change starts, and up to half a second before a change
is seen at all. Where the platform has no native observer, or it cannot start (e.g. the
inotify watch limit), or MkDocs' server is not the one checked (seams.py
"serve-native-watch"), the folder is polled as before.
"""

from __future__ import annotations

import contextlib
import logging
import os

log = logging.getLogger("mkdocs.plugins.newsbrief")

# What changes a folder's content. Not "opened"/"closed_no_write": the conversion itself
# reads every changed dump, which must not set off another rebuild.
CHANGES = frozenset({"created", "modified", "deleted", "moved", "closed"})
# A folder's own events count only when it goes: inotify reports a folder moved out of the
# watched tree as that folder's event alone, not its files' (MkDocs' polling sees each file
# gone). A new or touched folder is not a change until a file in it is (as in MkDocs).
FOLDER_CHANGES = frozenset({"deleted", "moved"})


def watch_docs_except(server, docs_dir: str, skip: str) -> bool:
    """MkDocs' watch of docs_dir, except the folder `skip` inside it (MkDocs' public
    watch/unwatch only). A folder made at the top of docs/ while serving is watched
    from the next start. False (MkDocs' own watch left as it is) if `skip` is not inside."""
    docs, skip = os.path.abspath(docs_dir), os.path.abspath(skip)
    rel = os.path.relpath(skip, docs)
    if rel.startswith(os.pardir) or rel == os.curdir or not os.path.isdir(skip):
        return False
    try:
        server.unwatch(docs)
    except KeyError:
        return False
    folder = docs
    for part in rel.split(os.sep):
        server.watch(folder, recursive=False)
        for entry in os.scandir(folder):
            if entry.is_dir() and entry.name != part:
                server.watch(entry.path)
        folder = os.path.join(folder, part)
    return True


def native_observer_class():
    """watchdog's observer of the platform's file events, or None where it has only polling."""
    from watchdog.observers import Observer
    from watchdog.observers.polling import PollingObserver

    return None if issubclass(Observer, PollingObserver) else Observer


def watch_natively(server, path: str, observer_class=None):
    """Rebuild on a change of a file under `path` as MkDocs' own watch does (its
    callback: set `_want_rebuild` and notify `_rebuild_cond`), seen through the system's
    file events. The started observer (stop it at shutdown), or None when it cannot be
    had: the caller then uses MkDocs' polling watch."""
    observer_class = observer_class or native_observer_class()
    if observer_class is None:
        return None
    from watchdog.events import FileSystemEventHandler

    class Rebuild(FileSystemEventHandler):
        def on_any_event(self, event):
            if event.event_type not in CHANGES or (event.is_directory and event.event_type not in FOLDER_CHANGES):
                return
            with server._rebuild_cond:
                server._want_rebuild = True
                server._rebuild_cond.notify_all()

    observer = observer_class()
    try:
        observer.schedule(Rebuild(), os.path.abspath(path), recursive=True)
        observer.start()
    except Exception as e:  # (OSError: inotify's watch or instance limit, an unsupported file system)
        log.info(f"newsbrief: {path} polled for changes (no file events: {type(e).__name__}: {e})")
        with contextlib.suppress(Exception):
            observer.stop()
        return None
    return observer
