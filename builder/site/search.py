"""Site search that stays instant as the archive grows (issue #5).

Material's built-in search sends the whole index (~16 KB per brief) to every reader, so at
thousands of briefs the first result takes tens of seconds. Pagefind splits its index into
small chunks fetched per query. The plugin option ``search`` picks the engine:

- ``material``: Material's built-in search (one JSON index; simplest, works offline from
  ``file://``, best for a small archive);
- ``pagefind``: Pagefind (PyPI ``pagefind[bin]``, run after the build): only the body of
  each brief is indexed (``data-pagefind-body`` on the post's ``<article>``; digests,
  which repeat their briefs, are not). Years, or the months of a year too big for one
  index, are grouped newest first into indexes of at most ``search_shard_size`` pages
  (``pagefind/2019/``, ``pagefind/2021_2024/``, ``pagefind/2025-07/``), so indexing
  memory is bounded by an index, not the archive. The browser searches the newest index
  first and merges older ones (``mergeIndex``) only while a query has less than a page
  of results or when the reader asks, so a query fetches about one index's worth
  whatever the archive's size. Material's search dialog stays (same markup,
  overrides/partials/search.html), driven by overrides/assets/javascripts/nb-search.js
  instead of Material's search worker. No request leaves the site.
- ``auto`` (default): ``pagefind`` from ``search_threshold`` briefs (default 2,000) up,
  ``material`` below: a small site keeps the simpler built-in search.
"""

from __future__ import annotations

import json
import logging
import re
import subprocess
import sys
import time
from pathlib import Path

from mkdocs.exceptions import PluginError

from ..model import OK
from . import seams
from .seams import BODY_OPEN

log = logging.getLogger("mkdocs.plugins.newsbrief.search")

PAGEFIND_DIR = "pagefind"
BODY_OPEN_MARKED = '<article class="md-content__inner md-typeset" data-pagefind-body>'
YEAR_DIR = re.compile(r"^\d{4}$")
MONTH_DIR = re.compile(r"^\d{2}$")
# Pages per Pagefind index: indexing memory grows with it, a query fetches a little for
# each index (its entry file, its WebAssembly, its metadata). See README "Performance".
SHARD_SIZE = 5_000


def select(mode: str, threshold: int, result, config) -> tuple[str, bool]:
    """The engine this build uses, with the build configured for it; and whether the
    copy of Material's search partial (overrides/) may be used: only while it is the
    checked one (seams.py). Pagefind needs the copy, its body marker and the search
    switch; when any of them does not hold, Material's own search runs."""
    engine = choose(mode, threshold, result, config)
    custom = config.theme.custom_dir
    copied = bool(custom) and (Path(custom) / seams.SEARCH_PARTIAL).is_file()
    partial_ok = True
    if copied or engine == "pagefind":
        partial_ok = seams.usable("search-partial", custom_dir=custom)
    if engine == "pagefind" and not (seams.usable("pagefind") and partial_ok):
        engine = "material"
    configure(engine, config)
    return engine, partial_ok


def choose(mode: str, threshold: int, result, config) -> str:
    """`auto`: Pagefind from `threshold` published briefs of `result` (a pipeline
    Result: anything with `outcomes`) up."""
    if mode != "auto":
        return mode
    posts = 0
    if result is not None:
        posts = sum(1 for o in result.outcomes if getattr(o, "status", None) == OK)
    return "pagefind" if posts >= threshold else "material"


class _SearchStub:
    """What the header template reads of the search plugin: ``config.enabled``."""

    def __init__(self, config):
        self.config = config


def configure(engine: str, config) -> None:
    """Tell the templates which engine runs (``config.extra.newsbrief_search``); with
    Pagefind, Material's search plugin is switched off (no per-page indexing, no
    search_index.json) while the header still shows the search box."""
    config.extra["newsbrief_search"] = engine
    if engine != "pagefind":
        return
    plugin = config.plugins.get("material/search")
    if plugin is None:
        raise PluginError("newsbrief: search: pagefind needs Material's search plugin in mkdocs.yml "
                          "(its dialog is the one Pagefind drives)")
    from copy import copy

    shown = copy(plugin.config)
    plugin.config.enabled = False
    shown.enabled = True
    # Only template lookups go through the dict; MkDocs dispatches events to the plugin's
    # bound methods, which now see enabled = False and do nothing.
    config.plugins["material/search"] = _SearchStub(shown)
    config.plugins["material/search"].real = plugin


HEADERLINK = '<a class="headerlink" '


def mark_body(output: str) -> str:
    """Index only the article of a brief: not the header, navigation or footer, nor the
    headings' permalink signs (a result's excerpt would read "Background¶ Prices ...")."""
    output = output.replace(HEADERLINK, '<a class="headerlink" data-pagefind-ignore ')
    return output.replace(BODY_OPEN, BODY_OPEN_MARKED, 1)


def pagefind_cmd() -> list[str]:
    try:
        import pagefind_bin  # noqa: F401  (the binary from PyPI's pagefind[bin])
    except ImportError:
        raise PluginError("newsbrief: search: pagefind needs `pip install 'pagefind[bin]'` "
                          "(pinned in requirements.lock)") from None
    return [sys.executable, "-m", "pagefind"]


def _units(site: Path, max_pages: int) -> list[tuple[str, int]]:
    """(folder, pages) newest first: each year of briefs (post URLs start with the year),
    or its months (``YYYY/MM``) when the year alone has more than max_pages pages."""
    out = []
    years = sorted((p.name for p in site.iterdir() if p.is_dir() and YEAR_DIR.match(p.name)), reverse=True)
    for year in years:
        total = sum(1 for _ in (site / year).rglob("*.html"))
        months = {m.name: sum(1 for _ in m.rglob("*.html"))
                  for m in (site / year).iterdir() if m.is_dir() and MONTH_DIR.match(m.name)}
        if total > max_pages and sum(months.values()) == total:
            out.extend((f"{year}/{m}", months[m]) for m in sorted(months, reverse=True))
        else:
            out.append((year, total))
    return out


def shards(site: Path, max_pages: int) -> list[tuple[str, list[str]]]:
    """(name, folders) of each index: years (or the months of a year too big for one
    index), newest first, grouped so that an index holds at most max_pages pages (a
    month with more stays whole). Names: ``2019``, ``2025-07``, ``2021_2024``."""
    groups: list[list[str]] = []
    pages = 0
    for unit, n in _units(site, max_pages):
        if not groups or pages + n > max_pages:
            groups.append([])
            pages = 0
        groups[-1].append(unit)
        pages += n

    def name(g: list[str]) -> str:
        ends = [g[0]] if len(g) == 1 else [g[-1], g[0]]
        return "_".join(u.replace("/", "-") for u in ends)

    return [(name(g), g) for g in groups]


def shard_command(site: Path, name: str, folders: list[str]) -> list[str]:
    pattern = f"{folders[0]}/**/*.html" if len(folders) == 1 else "{" + ",".join(folders) + "}/**/*.html"
    return [*pagefind_cmd(), "--site", str(site), "--glob", pattern,
            "--output-subdir", f"{PAGEFIND_DIR}/{name}", "--quiet"]


def index(config, max_pages: int) -> dict:
    """Run Pagefind once per shard; write pagefind/shards.json. Returns figures."""
    site = Path(config.site_dir)
    out = site / PAGEFIND_DIR
    groups = shards(site, max_pages)
    started = time.perf_counter()
    for name, folders in groups:
        p = subprocess.run(shard_command(site, name, folders), capture_output=True, text=True)
        if p.returncode != 0:
            raise PluginError(f"newsbrief: pagefind failed for {name}:\n{p.stdout}\n{p.stderr}")
    out.mkdir(parents=True, exist_ok=True)
    (out / "shards.json").write_text(json.dumps([name for name, _ in groups]), encoding="utf-8")
    figures = {"shards": len(groups), "seconds": time.perf_counter() - started}
    log.info(f"newsbrief: pagefind: {len(groups)} index(es) in {figures['seconds']:.1f}s")
    return figures
