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
