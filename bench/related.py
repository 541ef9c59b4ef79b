"""Benchmark related briefs: how many briefs' lists one change moves, coverage, CPU time;
the current builder/archive/related.py against an earlier revision's, in the same run.

    python bench/related.py                      # N = 10000, against 0378853 (the global greedy)
    python bench/related.py --n 1000 --trials 10 --before HEAD~1 tests/fixtures ../shared/fixtures

The synthetic corpus is bench/corpus.py's (kept under .bench/), converted once with the
pipeline (its briefs' key, id, date, tags and words kept in .bench/related-N.json). Then:
a new brief (a new synthetic dump, dated the archive's newest day) added, one brief in
the middle edited (a tag swapped, half its words new), one removed; each time, the
briefs whose related list changed (the changed brief itself aside) and the farthest of
them in days. "+1 x T" repeats the addition with T different new briefs. Coverage: the
share of briefs with a related brief and the mean list length, on the corpus and on
the fixture folders given. CPU: related() alone, best of 3, the two alternating.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType, SimpleNamespace

from corpus import generate, make_dump

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / ".bench"
sys.path.insert(0, str(ROOT))

from builder.archive import related as current  # noqa: E402
from builder.pipeline import analyse  # noqa: E402
from builder.rules import load_rules  # noqa: E402


def before(rev: str) -> ModuleType:
    """builder/archive/related.py as it was at `rev`, importable beside the current one."""
    text = subprocess.run(["git", "show", f"{rev}:builder/archive/related.py"], cwd=ROOT, check=True,
                          capture_output=True, text=True).stdout
    path = Path(tempfile.mkdtemp()) / "related_before.py"
    path.write_text(text, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("builder.archive._related_before", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def briefs(folder: Path) -> list[list]:
    """[key, id, date, tags, words] of each brief the pipeline makes of `folder`."""
    result = analyse([folder], load_rules(None), workers=2, root=folder.parent)
    return [[o.source_path, o.article.id, o.article.date.isoformat(), list(o.article.tags), list(o.features.words)]
            for o in result.outcomes if o.status == "ok"]


def corpus_briefs(n: int) -> list[list]:
    saved = WORK / f"related-{n}.json"
    if not saved.exists():
        saved.write_text(json.dumps(briefs(generate(n, WORK / f"corpus-{n}"))), encoding="utf-8")
    return json.loads(saved.read_text(encoding="utf-8"))


def new_brief(seed: int, newest: str) -> list:
    """A new synthetic dump converted alone, dated `newest`."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "new"
        folder.mkdir()
        (folder / "zz-new.txt").write_text(make_dump(random.Random(seed)).text, encoding="utf-8")
        (one,) = briefs(folder)
    return [f"zz-new-{seed}", f"new-{seed}", newest, one[3], one[4]]


def triples(records: list[list]) -> list[tuple]:
    return [(key, SimpleNamespace(id=ident, date=dt.date.fromisoformat(day), tags=tags), SimpleNamespace(words=words))
            for key, ident, day, tags, words in records]


def moved(f, records: list[list], changed: list[list], target: str) -> tuple[int, int]:
    """Briefs (the target aside) whose list differs, and the farthest of them in days."""
    a, b = f(triples(records)), f(triples(changed))
    day = {r[0]: dt.date.fromisoformat(r[2]) for r in records + changed}
    diff = [key for key in a.keys() & b.keys() if key != target and a[key] != b[key]]
    return len(diff), max((abs((day[key] - day[target]).days) for key in diff), default=0)


def coverage(f, records: list[list]) -> str:
    out = f(triples(records))
    size = max(1, len(out))
    return f"{sum(map(bool, out.values())) / size:6.1%} {sum(map(len, out.values())) / size:5.2f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("fixtures", nargs="*", type=Path, help="folders of dumps for coverage (default: tests/fixtures)")
    ap.add_argument("--n", type=int, default=10000)
    ap.add_argument("--trials", type=int, default=5, help="new briefs added one at a time")
    ap.add_argument("--before", default="0378853", help="revision of the related.py to compare with")
    a = ap.parse_args()
    old = before(a.before)
    algos = {f"before ({a.before})": old.related, "now": current.related}
    records = corpus_briefs(a.n)
    by_date = sorted(records, key=lambda r: (r[2], r[0]))
    newest = by_date[-1][2]
    middle = by_date[len(by_date) // 2]
    rng = random.Random(a.n)
    all_tags = sorted({t for r in records for t in r[3]})
    edited = [middle[0], middle[1], middle[2],
              sorted({*middle[3][1:], rng.choice([t for t in all_tags if t not in middle[3]])}),
              sorted({*middle[4][::2], *(f"edited{i}" for i in range(len(middle[4]) // 2))})]
    adds = [new_brief(-a.n - t, newest) for t in range(a.trials)]
    print(f"{len(records)} briefs, {len(all_tags)} tags; changes: briefs whose list moved (farthest, days)")
    print(f"{'':24} {'+1':>12} {f'+1 x {a.trials} mean/max':>20} {'edit':>12} {'remove':>12} "
          f"{'with any':>9} {'mean':>5}")
    for name, f in algos.items():
        one = [moved(f, records, [*records, add], add[0]) for add in adds]
        ed = moved(f, records, [edited if r is middle else r for r in records], middle[0])
        rm = moved(f, records, [r for r in records if r is not middle], middle[0])
        counts = [c for c, _ in one]
        print(f"{name:24} {one[0][0]:5} ({one[0][1]:4}) {sum(counts) / len(one):9.1f}/{max(counts):<5}"
              f"({max(d for _, d in one):4}) {ed[0]:5} ({ed[1]:4}) {rm[0]:5} ({rm[1]:4}) {coverage(f, records)}")
    cpu = {name: [] for name in algos}
    items = triples(records)
    for _ in range(3):
        for name, f in algos.items():
            t = time.process_time()
            f(items)
            cpu[name].append(time.process_time() - t)
    print("CPU s of related() at", len(records), ", best of 3:", ", ".join(f"{k} {min(v):.2f}" for k, v in cpu.items()))
    for folder in a.fixtures or [ROOT / "tests" / "fixtures"]:
        recs = briefs(folder.resolve())
        print(f"{folder!s:40} {len(recs):4} briefs   with any / mean: "
              + "   ".join(f"{name} {coverage(f, recs)}" for name, f in algos.items()))


if __name__ == "__main__":
    main()
