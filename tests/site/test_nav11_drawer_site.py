"""builder/site/drawer_memo.py on a whole site: a small copy of the real project (the
sample dumps plus synthetic ones: briefs, month archives, publisher, author and tag pages,
pages of the menu) built cold with the drawer memo and with its seam broken (Material's
drawer as if changed: the stock way, one warning) gives the same site, file for file,
under both search engines."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from site_support import run_in, site_files, synthetic_project

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


@pytest.mark.parametrize("search", ["material", "pagefind"])
def test_same_site_with_the_drawer_memo_and_with_its_seam_broken(tmp_path: Path, search: str) -> None:
    memo = synthetic_project(tmp_path / "memo", 11, N_SYNTHETIC, "      search: " + search + "\n")
    stock = synthetic_project(tmp_path / "stock", 11, N_SYNTHETIC, "      search: " + search + "\n")
    memo_log = run_in(memo, [sys.executable, "-c", COUNTED])
    stock_log = run_in(stock, [sys.executable, "-c", BROKEN])
    assert "seam 'drawer-memo'" in stock_log and "seam 'drawer-memo'" not in memo_log
    counts = {m[0]: (int(m[1]), int(m[2])) for m in re.findall(r"^MEMO (\S+) (\d+) (\d+)$", memo_log, re.M)}
    assert sorted(counts) == ["base.html#config", "partials/nav.html", "partials/tabs.html"], memo_log[-2000:]
    # each shared by many pages, and more than one of each (depths, active items)
    assert all(reused > rendered > 1 for rendered, reused in counts.values()), counts
    a, b = site_files(memo / "site"), site_files(stock / "site")
    assert a.keys() == b.keys()
    assert sum(k.endswith(".html") for k in a) > 3 * N_SYNTHETIC
    assert (search == "pagefind") == any(k.startswith("pagefind/") for k in a)
    differ = [k for k in a if a[k] != b[k]]
    assert not differ, f"{len(differ)} file(s) differ, e.g. {differ[:5]}"
    # More than one drawer script: pages at other depths and under other items differ.
    assert len([k for k in a if re.fullmatch(r"assets/javascripts/nb-nav\.[0-9a-f]{10}\.js", k)]) > 2
