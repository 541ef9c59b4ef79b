"""Benchmark the whole site build (issue #5): cold, incremental (+1 dump), and stock Material.

    python bench/build.py                     # N = 1000 5000 10000
    python bench/build.py --n 1000 --no-stock # fewer / skip the stock build

For each N, on a synthetic corpus from bench/corpus.py (under .bench/), in a copy of the
project (mkdocs.yml, docs/ without docs/posts, overrides/):

1. convert   `newsbrief convert --no-cache` (the conversion alone: s, dumps/s);
2. stock     `mkdocs build` with `blog_speed: false`, `page_cache: false`, `cold_speed:
             false` and `search: material`: Material's blog plugin as shipped, on the
             same posts (conversion cache warm, so this is the MkDocs part only);
3. ours      `mkdocs build` as configured (blog_speed, page_cache on, search auto), blog
             and page caches cold;
4. +1        the whole `newsbrief build` again (caches warm) after one new dump, after one
             dump edited in place (same id, other text) and after one removed: wall and
             CPU seconds (bench/convert.py's plus_one; the corpus is restored after). Each
             follows a warm build, and waits until that build's replaced site has been
             deleted (builder/site/build.py deletes it in the background): a user's builds
             are minutes apart, not back to back; the seconds waited are printed;

Each build is a child process; peak MB = the largest resident set of the build's process
tree members (ru_maxrss of children: the MkDocs process; Pagefind runs as its child).
Prints one table row per N and the ratio stock/ours; figures are for this machine.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from pathlib import Path

from convert import plus_one
from corpus import generate
from measure import measured as run

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / ".bench"


def project(n: int, corpus: Path) -> Path:
    proj = WORK / f"site-{n}"
    shutil.rmtree(proj, ignore_errors=True)
    proj.mkdir(parents=True)
    shutil.copy2(ROOT / "mkdocs.yml", proj / "mkdocs.yml")
    shutil.copytree(ROOT / "overrides", proj / "overrides")
    top = str(ROOT / "docs")
    shutil.copytree(ROOT / "docs", proj / "docs", ignore=lambda d, names: {"posts"} if d == top else set())
    if (ROOT / "newsbrief-rules.yml").is_file():
        shutil.copy2(ROOT / "newsbrief-rules.yml", proj / "newsbrief-rules.yml")
    (proj / "seeds").symlink_to(corpus, target_is_directory=True)
    return proj


def config(proj: Path, name: str, options: str) -> str:
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    marker = "      posts_dir: posts\n"
    assert marker in text
    (proj / name).write_text(text.replace(marker, marker + options, 1), encoding="utf-8")
    return name


def size_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


def site_kinds(site: Path) -> dict[str, int]:
    """Bytes of site/ by kind of file (issue #15: where the size per brief goes)."""
    out: dict[str, int] = {}
    for p in site.rglob("*"):
        if not p.is_file():
            continue
        rel = p.relative_to(site).as_posix()
        top = rel.split("/", 1)[0]
        if top[:4].isdigit():
            kind = "briefs"
        elif top == "digests":
            kind = "digests"
        elif top in ("page", "archive", "publisher", "author", "tags") or rel == "index.html":
            kind = "lists"
        elif top in ("pagefind", "search"):
            kind = "search"
        elif top in ("assets", "stylesheets"):
            kind = "assets"
        else:
            kind = "other"  # feeds, sitemap, tags.json, the site's own pages
        out[kind] = out.get(kind, 0) + p.stat().st_size
    return out


def mkdocs(cfg: str, site: str) -> list[str]:
    return [sys.executable, "-m", "mkdocs", "build", "-q", "-f", cfg, "-d", site]


def bench(n: int, stock: bool) -> dict:
    corpus = generate(n, WORK / f"corpus-{n}")
    proj = project(n, corpus)
    r: dict = {"n": n}
    r["convert_s"], r["convert_mb"], _ = run([sys.executable, "-m", "builder", "convert", "-q", "--no-cache",
                                              "seeds"], proj)
    run([sys.executable, "-m", "builder", "convert", "-q", "seeds"], proj)  # fill the conversion cache
    if stock:
        cfg = config(proj, "stock.yml", "      blog_speed: false\n      page_cache: false\n"
                                        "      cold_speed: false\n      search: material\n")
        r["stock_s"], r["stock_mb"], _ = run(mkdocs(cfg, "site-stock"), proj)
        r["stock_site_mb"] = size_mb(proj / "site-stock")
        shutil.rmtree(proj / "site-stock")
    for cache in ("blog", "pages"):
        shutil.rmtree(proj / ".newsbrief-cache" / cache, ignore_errors=True)
    r["build_s"], r["build_mb"], _ = run(mkdocs("mkdocs.yml", "site"), proj)
    r["site_mb"] = size_mb(proj / "site")
    r["kinds"] = site_kinds(proj / "site")
    r["search"] = "pagefind" if (proj / "site" / "pagefind").is_dir() else "material"
    r["plus"] = plus_one(corpus, proj, n, [], ["build"])
    return r


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, nargs="+", default=[1000, 5000, 10000])
    ap.add_argument("--no-stock", action="store_true", help="skip the stock Material build")
    a = ap.parse_args()
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, {time.strftime('%Y-%m-%d %H:%M')}")
    head = (f"{'N':>6} {'convert s':>9} {'dumps/s':>7} {'build s':>8} {'ms/article':>10} {'peak MB':>7} "
            f"{'site MB':>7} {'KB/brief':>8} {'+1 add s':>8} {'+1 edit s':>9} {'+1 rm s':>7} {'search':>8} | "
            f"{'stock s':>8} {'stock MB':>8} {'stock site':>10} {'KB/brief':>8} "
            f"{'stock/ours':>10}")
    print(head, flush=True)
    for n in a.n:
        r = bench(n, not a.no_stock)
        stock = "       -        -          -        -          -"
        if "stock_s" in r:
            stock = (f"{r['stock_s']:>8.1f} {r['stock_mb']:>8.0f} {r['stock_site_mb']:>10.0f} "
                     f"{1000 * r['stock_site_mb'] / n:>8.1f} "
                     f"{r['stock_s'] / r['build_s']:>9.2f}x")
        cpu = ", ".join(f"{k} {r['plus'][k][0]:.1f}" for k in ("add", "edit", "remove"))
        cpu += f"; waited {r['plus']['settled']:.1f} s for the previous sites' deletion"
        print(f"{n:>6} {r['convert_s']:>9.1f} {n / r['convert_s']:>7.0f} {r['build_s']:>8.1f} "
              f"{1000 * r['build_s'] / n:>10.1f} {r['build_mb']:>7.0f} {r['site_mb']:>7.0f} "
              f"{1000 * r['site_mb'] / n:>8.1f} "
              f"{r['plus']['add'][1]:>8.1f} {r['plus']['edit'][1]:>9.1f} {r['plus']['remove'][1]:>7.1f} "
              f"{r['search']:>8} | {stock}  (+1 CPU s: {cpu})", flush=True)
        print("        site KB a brief: " + ", ".join(f"{k} {v / 1e3 / n:.1f}" for k, v in
                                               sorted(r["kinds"].items(), key=lambda kv: -kv[1]))
              + f"; total {r['site_mb'] * 1e3 / n:.1f}", flush=True)


if __name__ == "__main__":
    main()
