"""The blog plugin's authors file, docs/posts/.authors.yml: every author of a published
brief, with an initials avatar (a data: URI, so the site loads no image from elsewhere);
read back next run (as untrusted) so that authors keep their keys."""

from __future__ import annotations

import base64
import hashlib
import html
from pathlib import Path

from ..archive.names import author_key
from ..model import OK, Outcome
from .render import dump_yaml

AUTHORS_FILE = ".authors.yml"


def avatar_svg(name: str) -> str:
    """An initials avatar as a data: URI, so the site loads no image from elsewhere."""
    initials = "".join(w[0] for w in name.split()[:2]).upper() or "?"
    hue = int(hashlib.sha256(name.encode()).hexdigest()[:4], 16) % 360
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64">'
        f'<rect width="64" height="64" rx="32" fill="hsl({hue},45%,40%)"/>'
        '<text x="32" y="40" font-family="sans-serif" font-size="24" font-weight="bold" '
        f'fill="#fff" text-anchor="middle">{html.escape(initials)}</text></svg>'
    )
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def authors_yaml(outcomes: list[Outcome]) -> str:
    """The blog plugin's .authors.yml: every author of a published brief."""
    authors: dict[str, dict] = {}
    publishers: dict[str, set[str]] = {}
    for o in outcomes:
        if o.status != OK:
            continue
        for name, key in zip(o.article.authors, o.article.author_keys or map(author_key, o.article.authors),
                             strict=True):
            if key not in authors:  # (an avatar made once an author, not once a byline: ~5x fewer)
                authors[key] = {"name": name, "description": "", "avatar": avatar_svg(name)}
            if o.article.publisher:
                publishers.setdefault(key, set()).add(o.article.publisher)
    for key, info in authors.items():
        info["description"] = ", ".join(sorted(publishers.get(key, ()))) or "Contributor"
    return dump_yaml({"authors": {k: authors[k] for k in sorted(authors)}})


def kept_authors(posts_dir: Path) -> set[str]:
    """Author names that held their plain key in the last run's authors file: only ever
    used to keep a name's key."""
    import yaml

    authors = set()
    try:
        # LibYAML's safe loader when PyYAML has it (the wheels do): the same data, ~10x faster.
        data = yaml.load((posts_dir / AUTHORS_FILE).read_text(encoding="utf-8"),
                         Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        for key, info in (data.get("authors") or {}).items():
            if isinstance(info, dict) and isinstance(info.get("name"), str) and key == author_key(info["name"]):
                authors.add(info["name"])
    except (OSError, ValueError, AttributeError, yaml.YAMLError):
        pass
    return authors
