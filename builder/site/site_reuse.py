"""A page whose bytes did not change is not written again: it is put in place as a hard
link to the previous site's file (issue #15: writing ~14,000 files was ~12 % of a
rebuild in which no page changed, and the replaced site's deletion freed all their blocks).

``newsbrief build`` builds into a fresh folder beside the live site (site/build.py) and
swaps it in at the end, so while MkDocs writes a page the previous site's copy is still
there. MkDocs writes each page with ``mkdocs.utils.write_file(content, path)``; during
the build that call is wrapped: for a page's file (the destination of a documentation
page, nothing else: no file is ever rewritten in place after it is linked) whose
previous copy is a regular file of the same size *and the same bytes* (read and
compared: no size, time or stored hash is trusted), the previous file is linked instead.
Anything else (another size, other bytes, no previous site, a link the file system
refuses) is MkDocs' own write. The site is the same byte for byte either way; the new
site's file and the replaced site's share an inode until the replaced site is deleted.

Only under ``newsbrief build``: the folder MkDocs writes to must be the builder's
``<site>.partial-PID`` and ``<site>`` a site the builder made (its stamp file). Under a
plain ``mkdocs build`` (which empties the site folder first) or ``mkdocs serve`` nothing
is linked. Guarded by the seam "site-reuse" (site/seams.py).
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path

from . import seams
from .build import PARTIAL, STAMP

log = logging.getLogger("mkdocs.plugins.newsbrief.site_reuse")


def _live_name(site_dir: str | Path) -> str | None:
    m = re.fullmatch(r"(.+)" + re.escape(PARTIAL) + r"-\d+", Path(site_dir).name)
    return None if m is None else m.group(1)


def under_newsbrief_build(site_dir: str | Path) -> bool:
    """Whether MkDocs builds into the builder's ``<site>.partial-PID`` (`newsbrief build`)."""
    return _live_name(site_dir) is not None


def previous_site(site_dir: str | Path) -> Path | None:
    """The live site a build into ``site_dir`` replaces, if it may be linked from."""
    name = _live_name(site_dir)
    if name is None:
        return None
    previous = Path(site_dir).with_name(name)
    if previous.is_symlink() or not previous.is_dir() or not (previous / STAMP).is_file():
        return None
    return previous


class Reuse:
    """Wraps ``mkdocs.utils.write_file`` for one build; ``close()`` puts it back."""

    def __init__(self, utils_module, site_dir: str, previous: Path, pages: set[str]):
        self._utils, self._write = utils_module, utils_module.write_file
        self.site = os.path.abspath(site_dir) + os.sep
        self.previous = str(previous) + os.sep
        self.pages = pages  # absolute destination paths of the documentation pages
        self.linked = self.written = 0
        self._dirs: set[str] = set()
        self._linked: set[str] = set()
        reuse = self

        def write_file(content: bytes, output_path: str) -> None:
            if not reuse.link(content, output_path):
                if os.path.abspath(output_path) in reuse._linked:  # never write through a link
                    os.unlink(output_path)
                reuse.written += 1
                reuse._write(content, output_path)

        write_file.__wrapped__ = self._write
        utils_module.write_file = write_file

    def link(self, content: bytes, output_path: str) -> bool:
        """Link the previous site's copy if it holds exactly ``content``."""
        path = os.path.abspath(output_path)
        if path not in self.pages or path in self._linked or not path.startswith(self.site):
            return False
        old = self.previous + path[len(self.site):]
        try:
            st = os.lstat(old)
            if not (st.st_mode & 0o170000 == 0o100000 and st.st_size == len(content)):  # a regular file
                return False
            with open(old, "rb") as f:
                if f.read(len(content) + 1) != content:
                    return False
            folder = os.path.dirname(path)
            if folder not in self._dirs:
                os.makedirs(folder, exist_ok=True)
                self._dirs.add(folder)
            os.link(old, path)
            self._linked.add(path)
        except OSError:  # (then MkDocs writes it: a failed link leaves no file behind)
            return False
        self.linked += 1
        return True

    def close(self) -> None:
        if self._utils.write_file is not self._write:
            self._utils.write_file = self._write
            log.info(f"newsbrief: site: {self.linked} unchanged page(s) linked from the previous site, "
                     f"{self.written} written")


# Plugins known not to rewrite a written page in place (a rewrite through a link would
# change the live site's file too): with any other plugin configured, nothing is linked.
KNOWN_PLUGINS = {"newsbrief", "search", "material/search", "blog", "material/blog", "tags", "material/tags",
                 "rss", "meta", "material/meta"}


def known_plugins(config) -> bool:
    return all(name.split(" #", 1)[0] in KNOWN_PLUGINS for name in config.plugins)


def install(config, files) -> Reuse | None:
    """Link unchanged pages from the previous site during this build, if its seam holds,
    every plugin is one known not to rewrite pages and there is a previous site."""
    if not seams.usable("site-reuse"):  # (checked on every build: a broken seam is said at once)
        return None
    previous = previous_site(config.site_dir)
    if previous is None or not known_plugins(config):
        return None
    from mkdocs import utils

    pages = {os.path.abspath(f.abs_dest_path) for f in files.documentation_pages()}
    return Reuse(utils, config.site_dir, previous, pages)
