"""Make N synthetic dumps of the real family, deterministic by seed.

    python bench/corpus.py 10000 /tmp/corpus-10k [--seed 1]

Varied titles, dates over six years, 16x16 author names, 8 publishers, 4-8 sections,
highlights or not, 5 bullet styles, 6 date formats, teasers, footer widgets. About
12 KB a dump. The generator is tests/dumpgen.py, the one the tests use.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from dumpgen import make_dump


def generate(n: int, out: Path, seed: int = 1) -> Path:
    """Write the corpus unless an identical one is already there (marker file)."""
    marker = out / f".corpus-{n}-{seed}"
    if marker.exists():
        return out
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.txt"):
        old.unlink()
    rng = random.Random(seed)
    for i in range(n):
        g = make_dump(rng, n_sections=rng.randint(4, 8), paragraph_sentences=4)
        (out / f"{i:07d}.txt").write_text(g.text, encoding="utf-8")
    marker.touch()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("n", type=int)
    ap.add_argument("out", type=Path)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    t = time.perf_counter()
    generate(a.n, a.out, a.seed)
    size = sum(p.stat().st_size for p in a.out.glob("*.txt"))
    print(f"{a.n} dumps, {size / 1e6:.1f} MB in {a.out} ({time.perf_counter() - t:.1f} s)")


if __name__ == "__main__":
    main()
