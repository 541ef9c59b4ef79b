"""Authors' avatars as files the browser caches (issue #15, small pages).

The builder writes each author's initials avatar into the authors file as a data: URI
(output/authors.py: the site loads no image from elsewhere). Printed as such, a 0.4 KB
URI is repeated on every page that shows the author: twice on a brief with two authors,
a dozen times on a home page. Here, once the blog plugin has read the authors file,
each data: SVG avatar becomes a file of the site, ``assets/avatars/<sha256>.svg`` (named
by its content: a changed avatar is a new URL, never a stale cached one), and the author
record points to it; the theme's ``author.avatar | url`` makes the link relative. Any
other avatar (a URL, a path) is left as it is.
"""

from __future__ import annotations

import base64
import binascii
import hashlib

from mkdocs.structure.files import File

AVATAR_DIR = "assets/avatars"
_DATA_SVG = "data:image/svg+xml;base64,"


def as_files(blogs: list, files, config) -> None:
    """Every blog's data: SVG avatars as files of the site (one per distinct avatar)."""
    added: set[str] = set()
    for blog in blogs:
        for author in getattr(blog, "authors", {}).values():
            avatar = getattr(author, "avatar", None)
            if not isinstance(avatar, str) or not avatar.startswith(_DATA_SVG):
                continue
            try:
                svg = base64.b64decode(avatar[len(_DATA_SVG):], validate=True)
            except (binascii.Error, ValueError):
                continue  # not ours to judge: printed as it is
            path = f"{AVATAR_DIR}/{hashlib.sha256(svg).hexdigest()[:20]}.svg"
            if path not in added and files.get_file_from_path(path) is None:
                files.append(File.generated(config, path, content=svg))
            added.add(path)
            author.avatar = path
