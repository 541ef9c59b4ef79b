"""builder/site/blog_speed.py (issue #5): excerpts rendered once per post and rendered posts
reused across builds must change nothing in the site. A small copy of the real project
(its mkdocs.yml, docs/, overrides/, the sample dump plus 30 synthetic ones: pagination,
month archives, publisher and author pages) is built with and without the speed-up and
every HTML page compared byte for byte; then with a warm cache, and after a dump changed.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from dumpgen import make_dump
from fixture_dumps import REPO

from builder.site import blog_speed

N_SYNTHETIC = 30


def test_material_seams_are_what_blog_speed_patches():
    """Fails when Material/MkDocs change Excerpt.render, ExcerptTreeprocessor or
    Page.render: blog_speed must then be re-checked against the new code."""
    blog_speed.check_seams()


def _project(root: Path, speed: bool) -> Path:
    root.mkdir(parents=True)
    for name in ("docs", "overrides"):
        shutil.copytree(REPO / name, root / name, ignore=lambda d, n: {"posts"} if d == str(REPO / "docs") else set())
    for name in ("newsbrief-rules.yml",):
        if (REPO / name).is_file():
            shutil.copy2(REPO / name, root / name)
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    option = "" if speed else "\n      blog_speed: false"
    config, n = re.subn(r"(- newsbrief:\n(?:      .*\n)*?      posts_dir: posts)", r"\1" + option, config)
    assert n == 1, "mkdocs.yml: newsbrief plugin block not found"
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    seeds = root / "seeds"
    seeds.mkdir()
    for sample in sorted((REPO / "seeds").glob("*.txt")):
        shutil.copy2(sample, seeds / sample.name)
    rng = random.Random(5)
    for i in range(N_SYNTHETIC):
        (seeds / f"syn{i:03d}.txt").write_text(make_dump(rng, n_sections=4).text, encoding="utf-8")
    return root


def _build(root: Path, site: str = "site") -> str:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    env.pop("NEWSBRIEF_STRICT", None)
    p = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", site],
                       cwd=root, env=env, capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stdout + p.stderr
    return p.stdout + p.stderr


def _pages(site: Path) -> dict[str, bytes]:
    return {str(p.relative_to(site)): p.read_bytes() for p in sorted(site.rglob("*.html"))}


def _assert_same(a: Path, b: Path) -> None:
    pa, pb = _pages(a), _pages(b)
    assert pa.keys() == pb.keys()
    differ = [k for k in pa if pa[k] != pb[k]]
    assert not differ, f"{len(differ)} page(s) differ, e.g. {differ[:5]}"


def _cache_line(log: str) -> tuple[int, int, int]:
    m = re.search(r"blog cache: (\d+) reused, (\d+) rendered, (\d+) not cacheable", log)
    assert m, log
    return int(m[1]), int(m[2]), int(m[3])


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    base = tmp_path_factory.mktemp("speed")
    stock = _project(base / "stock", speed=False)
    fast = _project(base / "fast", speed=True)
    stock_log = _build(stock)
    cold_log = _build(fast)
    return stock, fast, stock_log, cold_log


def test_same_html_with_and_without_speedup(builds):
    stock, fast, stock_log, cold_log = builds
    assert "blog cache" not in stock_log
    reused, rendered, uncacheable = _cache_line(cold_log)
    # Each post: its page and its excerpt (pages read ahead by the second core, site/second_core.py,
    # are rendered in the build's copy and count as reused here).
    ahead = re.search(r"second core: (\d+) page\(s\) read ahead", cold_log)
    assert rendered + (int(ahead[1]) if ahead else 0) >= 2 * (N_SYNTHETIC + 1)
    assert uncacheable == 0
    # Excerpts were reused across list pages within the one build.
    assert reused > 0
    _assert_same(stock / "site", fast / "site")
    assert (fast / ".newsbrief-cache" / "blog" / blog_speed.CACHE_FILE).is_file()


def test_warm_rebuild_reuses_everything_and_is_identical(builds):
    stock, fast, _, _ = builds
    log = _build(fast, "site-warm")
    reused, rendered, uncacheable = _cache_line(log)
    assert rendered == 0 and reused > 0
    # Briefs come from the cache, permalinks to their own headings and all; so do the
    # digests, whose links to other briefs resolve as they did (site/blog_speed.render_page).
    assert uncacheable == 0
    _assert_same(stock / "site", fast / "site-warm")


def test_changed_dump_is_rendered_again(builds):
    stock, fast, _, _ = builds
    victim = sorted((fast / "seeds").glob("syn*.txt"))[3]
    text = victim.read_text(encoding="utf-8")
    changed = text.replace("\n\n", "\n\nA new paragraph about the ceasefire talks.\n\n", 1)
    assert changed != text
    for root in (stock, fast):
        (root / "seeds" / victim.name).write_text(changed, encoding="utf-8")
    _build(stock, "site-changed")
    log = _build(fast, "site-changed")
    reused, rendered, _ = _cache_line(log)
    # The changed post's page and excerpt (and any generated page that quotes it); the
    # rest comes from the cache.
    assert 1 <= rendered <= 10 and reused > 4 * rendered
    _assert_same(stock / "site-changed", fast / "site-changed")


def test_damaged_cache_is_ignored(builds):
    stock, fast, _, _ = builds
    cache = fast / ".newsbrief-cache" / "blog" / blog_speed.CACHE_FILE
    cache.write_bytes(b"not a cache")
    log = _build(fast, "site-damaged")
    _, rendered, _ = _cache_line(log)
    assert rendered >= N_SYNTHETIC
    _assert_same(stock / "site-changed", fast / "site-damaged")
