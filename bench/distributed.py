"""Benchmark `newsbrief convert --dask local` against `newsbrief convert` (cold, no cache).

    python bench/distributed.py                  # N = 1000, 2 workers
    python bench/distributed.py --n 1000 10000 --workers 2

Each run is a real command in a child process, on a synthetic corpus from
bench/corpus.py kept under .bench/; the two posts folders are compared byte for byte.
The Dask figure includes starting the LocalCluster (its workers import newsbrief).
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from corpus import generate
from measure import measured

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / ".bench"


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def bench(n: int, workers: int) -> dict:
    corpus = generate(n, WORK / f"corpus-{n}")
    out = {"n": n, "workers": workers}
    posts = {}
    for name, extra in (("convert", []), ("dask", ["--dask", "local"])):
        proj = WORK / f"project-{name}-{n}"
        shutil.rmtree(proj, ignore_errors=True)
        proj.mkdir(parents=True)
        (proj / "seeds").symlink_to(corpus, target_is_directory=True)
        secs, rss, _ = measured([sys.executable, "-m", "builder", "convert", "-q", "--no-cache",
                                   "--workers", str(workers), *extra, "seeds"], proj)
        out[f"{name}_s"], out[f"{name}_peak_mb"] = secs, rss
        posts[name] = tree(proj / "docs" / "posts")
        shutil.rmtree(proj)
    out["same_pages"] = posts["convert"] == posts["dask"] and len(posts["convert"]) > n // 2
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, nargs="+", default=[1000])
    ap.add_argument("--workers", type=int, default=2)
    a = ap.parse_args()
    print("| dumps | workers | convert s (dumps/s) | --dask local s (dumps/s) | peak MB (largest proc) | same |")
    print("|---:|---:|---:|---:|---:|:---:|")
    for n in a.n:
        r = bench(n, a.workers)
        print(f"| {n:,} | {r['workers']} | {r['convert_s']:.1f} ({n / r['convert_s']:.0f}) | "
              f"{r['dask_s']:.1f} ({n / r['dask_s']:.0f}) | {r['convert_peak_mb']:.0f} / {r['dask_peak_mb']:.0f} | "
              f"{'yes' if r['same_pages'] else 'NO'} |", flush=True)


if __name__ == "__main__":
    main()
