"""Material's blog temporary folders removed after the build's end, not before it (issue #15
item 4; part of ``cold_speed``; seam ``blog-temp``).

Each blog plugin instance makes a temporary folder (``mkdtemp`` in its ``__init__``) where
it writes a Markdown file for every view and every page of a list (``# name``, or a copy
of the list's first page): ~1,200 files at 10,000 briefs. Its ``on_shutdown`` deletes the
folder (``rmtree(self.temp_dir)``) before ``mkdocs build`` can exit: ~1-3 s of wall time at
10k on a disk that discards freed blocks, almost no CPU, after the site is complete.

The newsbrief plugin's ``on_shutdown`` (which MkDocs runs before the blogs' when newsbrief
is listed first, as the project's configuration has it) hands each blog's folder, when
it still exists, to a detached process that deletes it (site/build.py ``remove_later``,
at the lowest priority), and gives the blog an empty folder in its place: the blog's own
``on_shutdown`` then removes that one at once. Nothing reads the folder once the build is
over; the site is the same. If the blogs' handlers run first, or the seam does not hold,
the blogs delete their folders themselves, as before.
"""

from __future__ import annotations

import logging
import os
import tempfile

from .build import remove_later

log = logging.getLogger("mkdocs.plugins.newsbrief.blog_temp")


def hand_over(plugins) -> int:
    """For each blog plugin whose temporary folder still exists: the folder deleted in the
    background, an empty one given in its place. Returns how many were handed over."""
    handed = 0
    for plugin in plugins:
        folder = getattr(plugin, "temp_dir", None)
        if not isinstance(folder, str) or os.path.islink(folder) or not os.path.isdir(folder):
            continue  # (deleted already: the blog's handler ran first)
        try:
            empty = tempfile.mkdtemp()
        except OSError as e:
            log.debug(f"newsbrief: blog's temporary folder deleted in place ({e})")
            continue
        plugin.temp_dir = empty
        remove_later(folder)
        handed += 1
    return handed
