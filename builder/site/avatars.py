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


def file_path(data_uri: str) -> str | None:
    """The site path of a data: SVG avatar's file (None: not a data: SVG avatar)."""
    if not data_uri.startswith(_DATA_SVG):
        return None
    try:
        svg = base64.b64decode(data_uri[len(_DATA_SVG):], validate=True)
    except (binascii.Error, ValueError):
        return None  # not ours to judge: printed as it is
    return f"{AVATAR_DIR}/{hashlib.sha256(svg).hexdigest()[:20]}.svg"


def as_files(blogs: list, files, config) -> None:
    """Every blog's data: SVG avatars as files of the site (one per distinct avatar)."""
    added: set[str] = set()
    for blog in blogs:
        for author in getattr(blog, "authors", {}).values():
            avatar = getattr(author, "avatar", None)
            path = file_path(avatar) if isinstance(avatar, str) else None
            if path is None:
                continue
            if path not in added and files.get_file_from_path(path) is None:
                svg = base64.b64decode(avatar[len(_DATA_SVG):], validate=True)
                files.append(File.generated(config, path, content=svg))
            added.add(path)
            author.avatar = path
