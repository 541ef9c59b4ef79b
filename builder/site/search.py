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

import importlib.util
import json
import logging
import re
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from mkdocs.exceptions import PluginError

from ..model import LANG_TAG, OK
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


def select(mode: str, threshold: int, result, config, languages: Counter | None = None) -> tuple[str, bool]:
    """The engine this build uses, with the build configured for it; and whether the
    copy of Material's search partial (overrides/) may be used: only while it is the
    checked one (seams.py). Pagefind needs the copy, its body marker and the search
    switch; when any of them does not hold, Material's own search runs. `languages`:
    how many briefs the archive holds in each language (archive_languages())."""
    engine = choose(mode, threshold, result, config)
    custom = config.theme.custom_dir
    copied = bool(custom) and (Path(custom) / seams.SEARCH_PARTIAL).is_file()
    partial_ok = True
    if copied or engine == "pagefind":
        partial_ok = seams.usable("search-partial", custom_dir=custom)
    if engine == "pagefind" and not (seams.usable("pagefind") and partial_ok):
        engine = "material"
    configure(engine, config)
    if engine == "material":
        configure_lunr(config, languages or Counter())
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
    """`python -m pagefind`, which runs the extended binary when it is installed (PyPI's
    pagefind[extended]: it segments Japanese and Chinese into words; the plain binary
    indexes a run of their text as one word), else the plain one (pagefind[bin])."""
    if not (importlib.util.find_spec("pagefind_bin_extended") or importlib.util.find_spec("pagefind_bin")):
        raise PluginError("newsbrief: search: pagefind needs `pip install 'pagefind[extended]'` "
                          "(pinned in requirements.lock)")
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


def shard_languages(folder: Path) -> list[str]:
    """The languages Pagefind made an index for in `folder` (its pagefind-entry.json),
    most pages first: what nb-search.js merges so that every language is searched."""
    try:
        entry = json.loads((folder / "pagefind-entry.json").read_text(encoding="utf-8"))
        found = entry["languages"]
        return [lang for lang, _ in sorted(((k, v.get("page_count", 0)) for k, v in found.items()),
                                           key=lambda kv: (-kv[1], kv[0]))]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return []


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
    languages = {name: shard_languages(out / name) for name, _ in groups}
    (out / "languages.json").write_text(json.dumps(languages), encoding="utf-8")
    figures = {"shards": len(groups), "seconds": time.perf_counter() - started,
               "languages": sorted({lang for found in languages.values() for lang in found})}
    if {"ja", "zh", "ko"} & set(figures["languages"]) and not importlib.util.find_spec("pagefind_bin_extended"):
        log.info("newsbrief: pagefind: Japanese/Chinese/Korean briefs are indexed without word segmentation; "
                 "`pip install 'pagefind[extended]'` segments them")
    log.info(f"newsbrief: pagefind: {len(groups)} index(es) in {figures['seconds']:.1f}s")
    return figures


# -- languages (issue 14) ----------------------------------------------------------------
#
# A brief's language (front matter `lang`, convert/lang.py) becomes its page's <html lang>;
# every other page keeps the site's (theme.language). Both engines then find briefs in
# every language the archive holds:
#
# - Material's search (lunr): `lang` lists the archive's languages that lunr-languages
#   supports (the site's first, then the most frequent, at most MAX_LUNR_LANGUAGES; their
#   scripts are served by Material from this site), so each gets its trimmer, stop words
#   and, for Japanese, its word segmenter (TinySegmenter); `separator` also splits at
#   the punctuation that would otherwise stick to a word. Set only when mkdocs.yml does
#   not set them.
# - Pagefind builds an index per language and per shard (the page's <html lang> says
#   which; Japanese and Chinese are segmented by the extended binary); nb-search.js
#   searches every language's index, each with its own stemmer (see that file).

# base.html's root element (`<html lang="{{ lang.t('language') }}" class="no-js">`;
# base.html is one of the templates seams.py checks by hash).
HTML_OPEN = re.compile(r'<html lang="[^"<>]*" class="no-js">')
# Material's default (whitespace, dashes), the Japanese/Chinese one (ideographic space,
# commas, full stops), and the punctuation that otherwise sticks to a word in lunr's index
# ("«барсы»", "(Kyiv)", "said,"): a query for the bare word then finds it. A full stop
# splits too, except before a digit ("3.2").
SEPARATOR = (r'[\s\-\u2010-\u2015\u3000\u3001\u3002\uff0c\uff0e\u30fb\u300c-\u300f\uff08\uff09'
             r'\uff01\uff1f\uff1b\uff1a()\[\]{}\u00ab\u00bb\u2039\u203a\u201e\u201c\u201d\u2018\u2019"`,;:!?/]+'
             r'|\.(?!\d)')
# Each lunr language costs the reader a script (10-25 KB) and a pass over every word.
MAX_LUNR_LANGUAGES = 6
# BCP 47 primary subtag -> lunr-languages' name, where they differ.
_LUNR_NAMES = {"nb": "no", "nn": "no"}


def page_lang(page) -> str:
    """A page's own language (front matter `lang`, checked), or ""."""
    tag = (page.meta or {}).get("lang") if page is not None else None
    return tag if isinstance(tag, str) and LANG_TAG.fullmatch(tag) else ""


def with_lang(output: str, lang: str) -> str:
    """The page with `lang` on its root element; unchanged if it has none of its own or
    the root element is not the one base.html writes."""
    if not lang or not LANG_TAG.fullmatch(lang):
        return output
    m = HTML_OPEN.search(output, 0, 2000)
    if m is None:
        return output
    return output[: m.start()] + f'<html lang="{lang}" class="no-js">' + output[m.end():]


def archive_languages(index: dict) -> Counter:
    """Briefs per language in the archive index (.newsbrief-index.json, read back as
    untrusted: entries without a valid tag count for nothing)."""
    out: Counter = Counter()
    for entry in index.values() if isinstance(index, dict) else ():
        tag = entry.get("lang") if isinstance(entry, dict) else None
        if isinstance(tag, str) and LANG_TAG.fullmatch(tag):
            out[tag] += 1
    return out


def lunr_supported() -> set[str]:
    """The languages Material's search can load (assets/javascripts/lunr/min/lunr.XX.min.js
    as installed), plus English, lunr's own."""
    root = seams.material_templates() / "assets" / "javascripts" / "lunr" / "min"
    names = {p.name[len("lunr."):-len(".min.js")] for p in root.glob("lunr.*.min.js")}
    return ({n for n in names if re.fullmatch(r"[a-z]{2,3}", n)} - {"jp"}) | {"en"}


def lunr_languages(site_lang: str, counts: Counter, supported: set[str],
                   cap: int = MAX_LUNR_LANGUAGES) -> list[str]:
    """The site's language first (English when lunr has no support for it), then the
    archive's languages lunr supports, most briefs first (ties by name), at most `cap`."""
    def name(tag: str) -> str:
        first = tag.split("-")[0].lower()
        return _LUNR_NAMES.get(first, first)

    site = name(site_lang or "en")
    out = [site if site in supported else "en"]
    by_size: Counter = Counter()
    for tag, n in counts.items():
        by_size[name(tag)] += n
    for lang, _ in sorted(by_size.items(), key=lambda kv: (-kv[1], kv[0])):
        if len(out) >= cap:
            break
        if lang in supported and lang not in out:
            out.append(lang)
    return out


def configure_lunr(config, counts: Counter) -> list[str] | None:
    """Material's search plugin set up for the archive's languages (see above); its own
    settings in mkdocs.yml win. Returns the languages, None if the plugin is absent."""
    plugin = config.plugins.get("material/search")
    if plugin is None or not hasattr(plugin, "config"):
        return None
    try:
        supported = lunr_supported()
    except (OSError, ImportError, AttributeError):
        supported = {"en"}
    if not plugin.config.get("lang"):
        plugin.config.lang = lunr_languages(config.theme.get("language") or "en", counts, supported)
    if not plugin.config.get("separator"):
        plugin.config.separator = SEPARATOR
    log.info(f"newsbrief: search: languages {', '.join(plugin.config.lang)}")
    return list(plugin.config.lang)
