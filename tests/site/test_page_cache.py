"""The page cache (builder/site/page_cache.py): a rebuild that reuses stored brief pages gives
the same site, byte for byte, as a build that renders every page; what a page shows
but its own file does not say (the site's name, a new neighbour) is in the key."""

from __future__ import annotations

import datetime as dt
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from dumpgen import make_dump
from site_support import copy_site_sources

from builder.site.page_cache import page_key

pytestmark = pytest.mark.slow

REUSED = re.compile(r"page cache: (\d+) reused, (\d+) rendered, (\d+) not cacheable")


def _build(project: Path) -> tuple[int, int, int]:
    proc = subprocess.run([sys.executable, "-m", "builder", "build"], cwd=project, capture_output=True,
                          text=True, timeout=900, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    found = REUSED.findall(proc.stdout + proc.stderr)
    assert found, "the build should report the page cache"
    return tuple(int(x) for x in found[-1])


def _add_dump(project: Path, i: int) -> None:
    gen = make_dump(random.Random(i), day=dt.date(2024, 1, 1) + dt.timedelta(days=3 * i), ident=f"1_-{7000000 + i}-1")
    (project / "seeds" / f"gen-{i:03d}.txt").write_text(gen.text, encoding="utf-8")


def _pages(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*.html")}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = tmp_path_factory.mktemp("project-page-cache")
    copy_site_sources(project)
    for i in range(12):
        _add_dump(project, i)
    reused, rendered, uncacheable = _build(project)
    assert (reused, uncacheable) == (0, 0) and rendered > 12
    return project


def test_rebuild_after_a_new_dump_equals_a_cold_build(project: Path) -> None:
    _add_dump(project, 12)  # a new brief between others: neighbours' links change
    reused, rendered, _ = _build(project)
    assert reused > 0 and rendered > 0
    warm = _pages(project / "site")
    shutil.rmtree(project / ".newsbrief-cache" / "pages")
    reused, _, _ = _build(project)
    assert reused == 0
    cold = _pages(project / "site")
    assert warm.keys() == cold.keys()
    assert [name for name in warm if warm[name] != cold[name]] == []


def test_unchanged_rebuild_renders_no_brief(project: Path) -> None:
    _build(project)
    reused, rendered, _ = _build(project)
    assert reused > 12 and rendered == 0


def test_site_name_change_renders_every_brief_again(project: Path) -> None:
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "site_name: newsbrief\n" in text
    config.write_text(text.replace("site_name: newsbrief\n", "site_name: Desk archive\n", 1), encoding="utf-8")
    try:
        reused, rendered, _ = _build(project)
        assert reused == 0 and rendered > 12
        brief = next((project / "site" / "2024").rglob("index.html"))
        assert "Desk archive" in brief.read_text(encoding="utf-8")
    finally:
        config.write_text(text, encoding="utf-8")


def test_unknown_context_is_not_cached() -> None:
    """A plugin that adds its own context key: the page is rendered, not guessed."""
    page = SimpleNamespace(url="x/", title="X", content="", toc=[], meta={}, previous_page=None,
                           next_page=None, ancestors=[], canonical_url=None, edit_url=None, is_homepage=False)
    assert page_key("site", {"page": page, "config": {}}) is not None
    assert page_key("site", {"page": page, "config": {}, "comments": ["new"]}) is None
