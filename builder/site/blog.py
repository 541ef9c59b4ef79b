"""What the site side reads of Material's blog plugin: the enabled blogs, their views
(the archive, publisher and author pages it generates), and which pages are posts."""

from __future__ import annotations

from material.plugins.blog.plugin import BlogPlugin


def blogs(config) -> list:
    return [p for p in config.plugins.values() if isinstance(p, BlogPlugin) and p.config.enabled]


def views(config, cls) -> list:
    out = []
    for blog in blogs(config):
        out.extend(v for v in blog.blog.views if isinstance(v, cls))
    return out


def is_post(page, posts_uri: str) -> bool:
    """A brief or a digest: a Markdown page in the posts folder."""
    prefix = posts_uri.strip("/") + "/"
    return page.file.src_uri.startswith(prefix) and page.file.src_uri.endswith(".md")
