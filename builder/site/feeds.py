"""The JSON Feeds as plain text (JSON Feed 1.1: an author's ``name`` and the ``tags`` are
text, not HTML).

The RSS plugin takes author names from the blog plugin's author records and tags from the
post's metadata, and both are HTML-escaped by then (site/escaping.py: Material's
templates print them unescaped). That is right for the RSS template, which prints them
into XML as they are, and wrong for the JSON Feed, which it writes from the same strings
("Smith &amp; Jones"). So once the plugin has written its feeds (the newsbrief plugin's
``on_post_build`` runs after it), each JSON Feed's names and tags are unescaped once.
``content_html`` is HTML and titles are read before any escaping: both stay as written.
"""

from __future__ import annotations

import html
import json
import logging
import posixpath
import re
from pathlib import Path

from ..output.store import replace_file

log = logging.getLogger("mkdocs.plugins.newsbrief.feeds")


def _plain(feed: dict) -> dict:
    for item in feed.get("items") or ():
        for author in item.get("authors") or ():
            if isinstance(author, dict) and isinstance(author.get("name"), str):
                author["name"] = html.unescape(author["name"])
        if isinstance(item.get("tags"), list):
            item["tags"] = [html.unescape(t) if isinstance(t, str) else t for t in item["tags"]]
    return feed


def json_feed_paths(config) -> list[Path]:
    """The JSON Feeds every enabled rss instance (mkdocs.yml: feeds_filenames) writes."""
    out = []
    for name, rss in config.plugins.items():
        if name != "rss" and not name.startswith("rss #"):
            continue
        cfg = getattr(rss, "config", None)
        if cfg is None or not cfg.get("enabled", True) or not cfg.get("json_feed_enabled", True):
            continue
        names = cfg.get("feeds_filenames") or {}
        for key in ("json_created", "json_updated"):
            if names.get(key):
                out.append(Path(config.site_dir) / names[key])
    return out


def plain_json_feeds(config) -> None:
    for path in json_feed_paths(config):
        try:
            feed = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            log.warning(f"newsbrief: JSON Feed not made plain: {path}: {e}")
            continue
        if isinstance(feed, dict):
            replace_file(path, json.dumps(_plain(feed), ensure_ascii=False).encode("utf-8"))


# -- which feeds a page links (<link rel="alternate">, overrides/main.html) ---------------

def _instances(config, kind: str) -> list:
    """The enabled instances of a plugin (``rss``, ``rss #2``, ...), in mkdocs.yml's order."""
    return [p for name, p in config.plugins.items()
            if (name == kind or name.startswith(kind + " #"))
            and getattr(p, "config", None) is not None and p.config.get("enabled", True)]


def _section(config, rss) -> str | None:
    """The URL folder of the one blog whose posts a feed carries ("digests/"); "" for a
    blog at the site's root, or a feed of no one blog (its pages are every page)."""
    try:
        pattern = re.compile(rss.config.get("match_path") or ".*")
    except re.error:
        return ""
    roots = []
    for blog in _instances(config, "material/blog"):
        root = posixpath.normpath(blog.config.blog_dir)
        if pattern.match(posixpath.normpath(blog.config.post_dir.format(blog=root)) + "/post.md"):
            roots.append(root)
    return roots[0].strip("/") + "/" if len(roots) == 1 and roots[0] != "." else ""


def alternates(config, page) -> list[tuple[str, str, str]]:
    """(type, title, file) of each feed the page links, for autodiscovery.

    The rule (issue #15, small pages: 0.11 KB a link on every page): a feed is linked
    from the pages of the blog it carries and from the home page. The briefs' blog is the
    site's root, so its feeds (RSS and JSON Feed) are on every page, where a reader who
    subscribes is; the digests' feeds are on the home page and the Digests pages (their
    index, archive and each digest), where a reader who wants digests is. A page with no
    URL of its own (404.html) is as the home page would be without the home rule."""
    url = getattr(page, "url", None)
    home = bool(getattr(page, "is_homepage", False))
    out = []
    for rss in _instances(config, "rss"):
        section = _section(config, rss)
        if section and not (home or (isinstance(url, str) and url.startswith(section))):
            continue
        title = rss.config.get("feed_title") or config.site_name
        names = rss.config.get("feeds_filenames") or {}
        if rss.config.get("rss_feed_enabled", True):
            out.append(("application/rss+xml", title, names["rss_created"]))
        if rss.config.get("json_feed_enabled", True):
            out.append(("application/feed+json", f"{title} (JSON Feed)", names["json_created"]))
    return out


def install(env, config) -> None:
    """``newsbrief_feeds(page)`` for overrides/main.html."""
    env.globals["newsbrief_feeds"] = lambda page: alternates(config, page)
