"""builder/site/drawer_memo.py on a whole site: a small copy of the real project (the
sample dumps plus synthetic ones: briefs, month archives, publisher, author and tag pages,
pages of the menu) built cold with the drawer memo and with its seam broken (Material's
drawer as if changed: the stock way, one warning) gives the same site, file for file,
under both search engines."""

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

pytestmark = pytest.mark.slow

N_SYNTHETIC = 30
BROKEN = """
import sys
import builder.site.seams as seams
seams.DRAWER_SHA256["partials/nav-item.html"] = "0" * 64
sys.argv = ["mkdocs", "build", "--strict", "-d", "site"]
from mkdocs.__main__ import cli
cli()
"""
COUNTED = """
import atexit, os, sys
import builder.site.drawer_memo as memo
made = []
install = memo.install
memo.install = lambda env, get: made.append(install(env, get)) or made[-1]
pid = os.getpid()
lines = lambda: [f"MEMO {n} {m[n].rendered} {m[n].hits}" for m in made for n in m]
atexit.register(lambda: os.getpid() == pid and print(*lines(), sep="\\n", file=sys.stderr))
sys.argv = ["mkdocs", "build", "--strict", "-d", "site"]
from mkdocs.__main__ import cli
cli()
"""
# The RSS feeds' channel stamps the build's time (README: stamped fields).
_BUILD_TIME = re.compile(rb"<pubDate>[^<]*</pubDate> <lastBuildDate>[^<]*</lastBuildDate>")


def _project(root: Path, search: str) -> Path:
    root.mkdir(parents=True)
    for name in ("docs", "overrides"):
        shutil.copytree(REPO / name, root / name, ignore=lambda d, n: {"posts"} if d == str(REPO / "docs") else set())
    if (REPO / "newsbrief-rules.yml").is_file():
        shutil.copy2(REPO / "newsbrief-rules.yml", root / "newsbrief-rules.yml")
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    config, n = re.subn(r"(- newsbrief:\n(?:      .*\n)*?      posts_dir: posts)", r"\1\n      search: " + search,
                        config)
    assert n == 1, "mkdocs.yml: newsbrief plugin block not found"
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    seeds = root / "seeds"
    seeds.mkdir()
    for sample in sorted((REPO / "seeds").glob("*.txt")):
        shutil.copy2(sample, seeds / sample.name)
    rng = random.Random(11)
    for i in range(N_SYNTHETIC):
        (seeds / f"syn{i:03d}.txt").write_text(make_dump(rng, n_sections=3).text, encoding="utf-8")
    return root


def _build(root: Path, script: str) -> str:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONPATH=str(REPO))
    env.pop("NEWSBRIEF_STRICT", None)
    p = subprocess.run([sys.executable, "-c", script], cwd=root, env=env, capture_output=True, text=True,
                       timeout=900, stdin=subprocess.DEVNULL)
    assert p.returncode == 0, p.stdout[-3000:] + p.stderr[-3000:]
    return p.stdout + p.stderr


def _files(site: Path) -> dict[str, bytes]:
    # sitemap.xml.gz: gzip stamps the time it was written.
    return {p.relative_to(site).as_posix(): _BUILD_TIME.sub(b"", p.read_bytes(), count=1)
            for p in sorted(site.rglob("*")) if p.is_file() and p.name != "sitemap.xml.gz"}


@pytest.mark.parametrize("search", ["material", "pagefind"])
def test_same_site_with_the_drawer_memo_and_with_its_seam_broken(tmp_path: Path, search: str) -> None:
    memo = _project(tmp_path / "memo", search)
    stock = _project(tmp_path / "stock", search)
    memo_log = _build(memo, COUNTED)
    stock_log = _build(stock, BROKEN)
    assert "seam 'drawer-memo'" in stock_log and "seam 'drawer-memo'" not in memo_log
    counts = {m[0]: (int(m[1]), int(m[2])) for m in re.findall(r"^MEMO (\S+) (\d+) (\d+)$", memo_log, re.M)}
    assert sorted(counts) == ["base.html#config", "partials/nav.html", "partials/tabs.html"], memo_log[-2000:]
    # each shared by many pages, and more than one of each (depths, active items)
    assert all(reused > rendered > 1 for rendered, reused in counts.values()), counts
    a, b = _files(memo / "site"), _files(stock / "site")
    assert a.keys() == b.keys()
    assert sum(k.endswith(".html") for k in a) > 3 * N_SYNTHETIC
    assert (search == "pagefind") == any(k.startswith("pagefind/") for k in a)
    differ = [k for k in a if a[k] != b[k]]
    assert not differ, f"{len(differ)} file(s) differ, e.g. {differ[:5]}"
    # More than one drawer script: pages at other depths and under other items differ.
    assert len([k for k in a if re.fullmatch(r"assets/javascripts/nb-nav\.[0-9a-f]{10}\.js", k)]) > 2
