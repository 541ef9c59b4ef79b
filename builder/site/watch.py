"""What `mkdocs serve` watches: docs/ except the posts folder the conversion writes.

MkDocs watches the whole docs folder; the conversion (run at the start of every build)
writes docs/posts/ during the build, which set off a second whole rebuild, with nothing
changed, after every change of a dump (measured at 1k: a change's page came ~1.5x later
when a second change followed). The seeds folder and the rules file are watched instead
(the plugin's on_serve), so a dump's change still rebuilds.
"""

from __future__ import annotations

import os


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
