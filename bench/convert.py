"""Benchmark the conversion stage: cold, unchanged (incremental) and one new dump.

    python bench/convert.py                 # N = 1000 and 10000
    python bench/convert.py --n 1000 10000 100000 --workers 2

Each run is a real `newsbrief convert` in a child process (so peak memory is that
run's own), on a synthetic corpus from bench/corpus.py kept under .bench/.
Prints a table; the README quotes the last run. "cold CPU s" is the CPU time of the cold
run, its worker processes included: on a machine other work keeps busy, wall time
says little, and this says what the run itself cost.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import sys
from pathlib import Path

from corpus import generate, make_dump
from measure import measured

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / ".bench"


def run(args: list[str], cwd: Path) -> tuple[float, float, str]:
    """Wall seconds, peak RSS in MB and output of `newsbrief ARGS` in a child process."""
    return measured([sys.executable, "-m", "builder", *args], cwd)


def cpu_seconds() -> float:
    """User + system time of the finished child processes and theirs, so far."""
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def bench(n: int, workers: int | None) -> dict:
    corpus = generate(n, WORK / f"corpus-{n}")
    size_mb = sum(p.stat().st_size for p in corpus.glob("*.txt")) / 1e6
    proj = WORK / f"project-{n}"
    shutil.rmtree(proj, ignore_errors=True)
    proj.mkdir(parents=True)
    (proj / "seeds").symlink_to(corpus, target_is_directory=True)
    extra = ["--workers", str(workers)] if workers else []
    cpu = cpu_seconds()
    cold, rss, _ = run(["convert", "-q", "--no-cache", *extra, "seeds"], proj)
    cpu = cpu_seconds() - cpu
    run(["convert", "-q", *extra, "seeds"], proj)  # fill the cache
    warm, _, _ = run(["convert", "-q", *extra, "seeds"], proj)
    new = corpus / "zz-new.txt"
    new.write_text(make_dump(random.Random(-n)).text, encoding="utf-8")
    try:
        one, _, err = run(["convert", *extra, "seeds"], proj)
    finally:
        new.unlink()
    written = next((line for line in err.splitlines() if line.startswith("pages:")), "")
    shutil.rmtree(proj)
    return {"n": n, "cold_s": cold, "dumps_s": n / cold, "mb_s": size_mb / cold, "peak_mb": rss, "cpu_s": cpu,
            "unchanged_s": warm, "one_new_s": one, "one_new_pages": written}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--workers", type=int, help="processes (default: all cores)")
    a = ap.parse_args()
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}; "
          f"resource limit {resource.getrlimit(resource.RLIMIT_AS)[0]}")
    print(f"{'N':>7} {'cold s':>8} {'dumps/s':>8} {'MB/s':>6} {'peak MB':>8} {'cold CPU s':>11} {'unchanged s':>12} "
          f"{'+1 dump s':>10}  pages after +1")
    for n in a.n:
        r = bench(n, a.workers)
        print(f"{r['n']:>7} {r['cold_s']:>8.2f} {r['dumps_s']:>8.0f} {r['mb_s']:>6.1f} {r['peak_mb']:>8.0f} "
              f"{r['cpu_s']:>11.2f} {r['unchanged_s']:>12.2f} {r['one_new_s']:>10.2f}  {r['one_new_pages']}",
              flush=True)


if __name__ == "__main__":
    main()
