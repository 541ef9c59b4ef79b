"""CPU a conversion worker spends per dump, measured in one process (no pool).

    python bench/dump_cpu.py .bench/corpus-10000                  # one pass
    python bench/dump_cpu.py .bench/corpus-1000 --rounds 3
    python bench/dump_cpu.py DIR --profile out.prof               # cProfile of one pass
    python bench/dump_cpu.py DIR --compare /path/to/old/checkout --rounds 3

What a pool worker does for each dump (builder/convert __init__: scan_file() in the
first pass, then process_file() with its SourceView for page-text/HTML dumps), over
the folder's dumps in this process, after the language model and the MinHash
permutations are loaded (the pool loads them before it forks). Prints the CPU seconds
(process_time: user + system) and ms a dump. `--compare OLD`: each round runs this
checkout and OLD's, alternately, each in a fresh child process (PYTHONPATH), so the
machine's load falls on both alike.
"""

from __future__ import annotations

import argparse
import gc
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def one_pass(folder: Path) -> tuple[int, float, float]:
    """(dumps, CPU s, wall s) of the per-dump work over FOLDER, in this process."""
    from builder.convert import Scan, features, lang, process_file, scan_file
    from builder.convert.discover import discover
    from builder.convert.readers.context import views
    from builder.rules import load_rules

    rules = load_rules(None)
    files, _ = discover([folder], [], folder)
    lang.preload()
    features.preload()
    gc.freeze()  # as the pool's workers: what is loaded before the fork is out of the collector's way
    t, c = time.perf_counter(), time.process_time()
    first = [scan_file(f, rules) for f in files]
    scans = {src: s.keys for (src, _), s in zip(files, first, strict=True) if isinstance(s, Scan)}
    if scans:
        vs = views(scans)
        for src, path in files:
            if src in scans:
                process_file((src, path), rules, vs[src])
    return len(files), time.process_time() - c, time.perf_counter() - t


def child(code: Path, folder: Path) -> tuple[int, float, float]:
    out = subprocess.run([sys.executable, __file__, "--child", str(folder)], capture_output=True, text=True,
                         env=dict(os.environ, PYTHONPATH=str(code)), check=True).stdout.split()
    return int(out[0]), float(out[1]), float(out[2])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folder", type=Path)
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--profile", type=Path, help="write a cProfile of one pass here")
    ap.add_argument("--compare", type=Path, metavar="OLD", help="another checkout, run alternately")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args()
    folder = a.folder.resolve()
    if a.child:
        n, cpu, wall = one_pass(folder)
        print(n, cpu, wall)
        return
    if a.profile:
        import cProfile

        sys.path.insert(0, str(ROOT))
        cProfile.runctx("one_pass(folder)", globals(), {"folder": folder, "one_pass": one_pass}, str(a.profile))
        return
    codes = [("new", ROOT)] + ([("old", a.compare.resolve())] if a.compare else [])
    got: dict[str, list[float]] = {name: [] for name, _ in codes}
    print(f"{folder}: load average {os.getloadavg()[0]:.1f}")
    for r in range(a.rounds):
        for name, code in codes if r % 2 == 0 else codes[::-1]:
            n, cpu, wall = child(code, folder)
            got[name].append(cpu)
            print(f"round {r + 1} {name}: {n} dumps, CPU {cpu:6.2f} s ({1000 * cpu / n:.3f} ms a dump), "
                  f"wall {wall:6.2f} s, load {os.getloadavg()[0]:.1f}", flush=True)
    for name, cpus in got.items():
        print(f"{name}: CPU s per pass: min {min(cpus):.2f}, median {sorted(cpus)[len(cpus) // 2]:.2f}")
    if a.compare:
        new, old = min(got["new"]), min(got["old"])
        print(f"new / old (min CPU): {new / old:.3f} ({100 * (1 - new / old):.1f} % less)")


if __name__ == "__main__":
    main()
