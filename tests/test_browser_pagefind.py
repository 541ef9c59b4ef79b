"""The search test of test_browser.py on a site built with `search: pagefind` (what an
archive above the `search_threshold` gets, builder/search.py): typing `ceasefire` into
Material's search box lists the sample and clicking opens it, with no request to any
other host and no console error; the index holds article bodies only.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from dumpgen import make_dump
from site_support import serve

pytest.importorskip("playwright.sync_api")
pytest.importorskip("pagefind_bin")

import test_browser as tb
from test_browser import page, test_search_finds_sample_and_opens_it  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = tmp_path_factory.mktemp("project-pagefind")
    tb._copy_site_sources(project)
    # Briefs of two earlier years beside the sample's, so that there are several indexes.
    for year in (2019, 2021):
        gen = make_dump(random.Random(year), day=dt.date(year, 3, 14), ident=f"1_-{year}000001-1")
        (project / "seeds" / f"gen-{year}.txt").write_text(gen.text, encoding="utf-8")
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    marker = "      posts_dir: posts\n"
    assert marker in config
    # One page per index: every year is its own index, so the browser merges several.
    options = "      search: pagefind\n      search_shard_size: 1\n"
    (project / "mkdocs.yml").write_text(config.replace(marker, marker + options, 1), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "builder", "build"], cwd=project, capture_output=True,
                          text=True, timeout=900, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return project / "site"


@pytest.fixture(scope="module")
def base_url(site_dir: Path) -> Iterator[str]:
    with serve(site_dir) as url:
        yield url


def test_pagefind_site_has_no_builtin_index_and_marks_bodies(site_dir: Path) -> None:
    assert not (site_dir / "search" / "search_index.json").exists()
    shards = json.loads((site_dir / "pagefind" / "shards.json").read_text())
    years = sorted((p.name for p in site_dir.iterdir() if p.name.isdigit() and len(p.name) == 4), reverse=True)
    assert shards == years and len(shards) > 1  # search_shard_size 1: an index per year
    assert all((site_dir / "pagefind" / y / "pagefind.js").is_file() for y in shards)
    home = (site_dir / "index.html").read_text(encoding="utf-8")
    assert 'data-nb-search="search"' in home and "data-pagefind-body" not in home
    article = next(p for p in site_dir.rglob("index.html") if tb.SAMPLE_SLUG in str(p))
    assert "data-pagefind-body" in article.read_text(encoding="utf-8")
