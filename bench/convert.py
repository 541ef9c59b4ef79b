"""Benchmark the conversion stage: cold, unchanged (incremental), and +1: one new, one
edited and one removed dump (each a whole `newsbrief convert` again, cache warm).

    python bench/convert.py                 # N = 1000 and 10000
    python bench/convert.py --n 1000 10000 100000 --workers 2
    python bench/convert.py --n 10000 --workers 2 --stages   # where a cold run's time goes
    python bench/convert.py --in-process PROJECT [--no-memory]  # +1 calls as serve's plugin makes them

Each run is a real `newsbrief convert` in a child process (so peak memory is that
run's own), on a synthetic corpus from bench/corpus.py kept under .bench/.
Prints a table; the README quotes the last run. The +1 figures are CPU seconds of the
child (user + system, its own children included: the machine may be busy), beside the
wall seconds. "cold CPU s" is the CPU time of the cold run, its worker processes
included: on a machine other work keeps busy, wall time says little, and this says
what the run itself cost.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import subprocess
import sys
import time
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


def cpu_run(args: list[str], cwd: Path) -> tuple[float, float, str]:
    """CPU seconds (user + system of the child and its children), wall seconds and
    output of `newsbrief ARGS`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    p = subprocess.run([sys.executable, "-m", "builder", *args], cwd=cwd, capture_output=True, text=True,
                       env=dict(os.environ, NO_MKDOCS_2_WARNING="1"))
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if p.returncode:
        sys.exit(f"newsbrief {' '.join(args)} failed:\n{p.stdout}{p.stderr}")
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return cpu, wall, p.stdout + p.stderr


def edited(text: str) -> str:
    """The dump with one word of its last paragraph changed: same id, other text."""
    head, sep, last = text.rstrip("\n").rpartition("\n")
    return f"{head}{sep}{last} Officials said more talks would follow.\n"


def settle(proj: Path, limit: float = 300.0) -> float:
    """Wait until the previous build's replaced site (site.trash-PID, deleted by a
    detached process: builder/site/build.py) is gone; seconds waited. A user's builds
    are minutes apart, so a timed +1 build must not share the disk and the cores with
    the deletion left behind by the warm run just before it."""
    t = time.perf_counter()
    while any(proj.glob("site.trash-*")) and time.perf_counter() - t < limit:
        time.sleep(0.2)
    return time.perf_counter() - t


def plus_one(corpus: Path, proj: Path, n: int, extra: list[str], cmd: list[str] | None = None) -> dict:
    """The +1 runs, each after a warm run: a new dump, one edited in place, one removed.
    The corpus is as it was afterwards. `cmd`: what to run (default: newsbrief convert).
    Before each timed run, `settle` (the seconds waited are in out["settled"])."""
    cmd = cmd or ["convert", *extra, "seeds"]
    out: dict = {"settled": 0.0}
    victim = corpus / f"{n // 2:07d}.txt"
    original = victim.read_bytes()
    new = corpus / "zz-new.txt"
    def replace(data: bytes) -> None:  # a new file, never the old one edited in place (corpora may be hard links)
        part = victim.with_name(victim.name + ".part")
        part.write_bytes(data)
        part.replace(victim)

    steps = [("add", lambda: new.write_text(make_dump(random.Random(-n)).text, encoding="utf-8"), new.unlink),
             ("edit", lambda: replace(edited(original.decode("utf-8")).encode("utf-8")), lambda: replace(original)),
             ("remove", victim.unlink, lambda: replace(original))]
    for name, change, undo in steps:
        cpu_run(cmd, proj)  # warm, on the corpus as it is
        out["settled"] += settle(proj)
        change()
        try:
            out[name] = cpu_run(cmd, proj)
        finally:
            undo()
    return out


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
    plus = plus_one(corpus, proj, n, extra)
    written = next((line for line in plus["add"][2].splitlines() if line.startswith("pages:")), "")
    shutil.rmtree(proj)
    return {"n": n, "cold_s": cold, "dumps_s": n / cold, "mb_s": size_mb / cold, "peak_mb": rss, "cpu_s": cpu,
            "unchanged_s": warm, "plus": plus, "one_new_pages": written}


# The steps a cold `convert` takes in its main process, in order (pipeline.py's names,
# and the methods of the classes it calls); --stages times each where it is called.
# (A cold run learns the near-duplicate bands in a child during the pool: its wait is
# "bands_apart (wait)". A cold run finds the related briefs in a worker: _related_lists is then not timed here,
# _apply_related is; page_files waits for the pages, archive_files for the digests, both
# inside PostsFolder.sync's time for archive_files.)
STAGES = ["discover", "read_model_with", "_convert_files", "body_spans", "learned_chrome", "resolve",
          "mark_near_duplicates", "normalise_tags", "assign_pages", "assign_names", "render_digests",
          "render_pages", "link_related", "_apply_related", "page_files", "archive_files", "PostsFolder.sync",
          "ConvertCache.start_records", "ConvertCache.save", "Batch.start"]


def stages_child(args: list[str]) -> None:
    """Run `newsbrief ARGS` in this process with each of STAGES timed (wall, CPU of this
    process, CPU of its finished children meanwhile: the pool's workers, the forked
    renderers); prints one line a call to stderr, then the whole run's."""
    import functools

    from builder import cli, pipeline

    def cpu() -> tuple[float, float]:
        own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        return own.ru_utime + own.ru_stime, kids.ru_utime + kids.ru_stime

    start = time.perf_counter()
    rows: list[tuple[str, float, float, float, float]] = []

    def timed(owner, name: str, label: str) -> None:
        fn = getattr(owner, name)

        @functools.wraps(fn)
        def run(*a, **k):
            t, (own, kids) = time.perf_counter(), cpu()
            try:
                return fn(*a, **k)
            finally:
                own2, kids2 = cpu()
                rows.append((label, t - start, time.perf_counter() - t, own2 - own, kids2 - kids))

        setattr(owner, name, run)

    for stage in STAGES:
        cls, _, name = stage.rpartition(".")
        timed(getattr(pipeline, cls) if cls else pipeline, name, stage)
    start_bands = pipeline.bands_apart

    def bands_apart(*a, **k):  # (its wait for the child that learns the bands, after the pool)
        wait = start_bands(*a, **k)
        holder = type("Wait", (), {"wait": staticmethod(wait)})
        timed(holder, "wait", "bands_apart (wait)")
        return holder.wait

    pipeline.bands_apart = bands_apart
    try:
        cli.main(args)
    finally:
        own, kids = cpu()
        print(f"{'stage':28} {'at s':>6} {'wall s':>7} {'CPU s':>6} {'children CPU s':>15}", file=sys.stderr)
        for label, at, wall, c, k in rows:
            print(f"{label:28} {at:6.2f} {wall:7.2f} {c:6.2f} {k:15.2f}", file=sys.stderr)
        print(f"{'the whole run':28} {0:6.2f} {time.perf_counter() - start:7.2f} {own:6.2f} {kids:15.2f}",
              file=sys.stderr)


def stages(n: int, workers: int | None) -> None:
    """A cold `convert --no-cache` of N dumps (posts folder empty, as bench/build.py's
    first column), its main process's steps timed (stages_child())."""
    corpus = generate(n, WORK / f"corpus-{n}")
    proj = WORK / f"project-{n}"
    shutil.rmtree(proj, ignore_errors=True)
    proj.mkdir(parents=True)
    (proj / "seeds").symlink_to(corpus, target_is_directory=True)
    extra = ["--workers", str(workers)] if workers else []
    p = subprocess.run([sys.executable, __file__, "--stages-child", "convert", "-q", "--no-cache", *extra, "seeds"],
                       cwd=proj, capture_output=True, text=True, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    print(f"N = {n}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}\n{p.stdout}{p.stderr}", end="")
    shutil.rmtree(proj)


def in_process(project: Path, memory: bool, rounds: int) -> None:
    """+1 conversions as `newsbrief serve`'s plugin makes them: convert() called again and
    again in this one process (a new dump, it removed, an edit, the edit undone), with
    the cache kept in memory between calls (output/cache.py Memory) unless `memory` is
    False. Prints each call's wall and CPU seconds (this process; the forked workers
    apart, as `children`). PROJECT: a folder whose seeds/ a warm convert has seen."""
    sys.path.insert(0, str(ROOT))
    from builder.output.cache import CACHE_DIR, Memory
    from builder.output.lock import project_lock
    from builder.pipeline import convert
    from builder.rules import load_rules

    root = project.resolve()
    corpus = (root / "seeds").resolve()
    n = len(list(corpus.glob("*.txt")))
    new, victim = corpus / "zz-new.txt", corpus / f"{n // 2:07d}.txt"
    original = victim.read_bytes()
    kept = Memory() if memory else None
    rules = load_rules(None)

    def call(label: str) -> None:
        t, own, kids = time.perf_counter(), time.process_time(), cpu_seconds()
        with project_lock(root, wait=None):
            convert([root / "seeds"], rules, root / "docs" / "posts", cache_dir=root / CACHE_DIR, root=root,
                    memory=kept)
        print(f"{label:7} wall {time.perf_counter() - t:5.2f}  CPU {time.process_time() - own:5.2f}  "
              f"children {cpu_seconds() - kids:5.2f}  load {os.getloadavg()[0]:.1f}", flush=True)

    def replace(data: bytes) -> None:  # (a new file: the corpus may be hard links)
        victim.unlink()
        victim.write_bytes(data)

    new.unlink(missing_ok=True)
    call("first")
    try:
        for _ in range(rounds):
            new.write_text(make_dump(random.Random(-n)).text, encoding="utf-8")
            call("add")
            new.unlink()
            call("remove")
            replace(edited(original.decode("utf-8")).encode("utf-8"))
            call("edit")
            replace(original)
            call("unedit")
    finally:
        new.unlink(missing_ok=True)
        if victim.read_bytes() != original:
            replace(original)


def main() -> None:
    if sys.argv[1:2] == ["--stages-child"]:
        return stages_child(sys.argv[2:])
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--workers", type=int, help="processes (default: all cores)")
    ap.add_argument("--plus-one", type=Path, metavar="PROJECT",
                    help="only the +1 runs, in this project (a folder whose seeds/ a warm convert has seen)")
    ap.add_argument("--stages", action="store_true",
                    help="only a cold run of each N, with the time of each step of its main process")
    ap.add_argument("--in-process", type=Path, metavar="PROJECT",
                    help="+1 convert() calls in one process, as serve's plugin makes them (see in_process())")
    ap.add_argument("--no-memory", action="store_true", help="with --in-process: without the cache kept in memory")
    ap.add_argument("--rounds", type=int, default=2, help="with --in-process: rounds of add/remove/edit/unedit")
    a = ap.parse_args()
    if a.in_process:
        return in_process(a.in_process, not a.no_memory, a.rounds)
    if a.stages:
        for n in a.n:
            stages(n, a.workers)
        return
    if a.plus_one:
        corpus = (a.plus_one / "seeds").resolve()
        for name, got in plus_one(corpus, a.plus_one, len(list(corpus.glob("*.txt"))), []).items():
            if name == "settled":  # (seconds waited before the timed runs, not a run)
                continue
            cpu, wall, _ = got
            print(f"+1 {name}: {cpu:.2f} CPU s, {wall:.2f} wall s", flush=True)
        return
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}; "
          f"resource limit {resource.getrlimit(resource.RLIMIT_AS)[0]}")
    print(f"{'N':>7} {'cold s':>8} {'dumps/s':>8} {'MB/s':>6} {'peak MB':>8} {'cold CPU s':>11} {'unchanged s':>12} "
          f"{'+1 add s':>9} {'+1 edit s':>9} {'+1 remove s':>11}  (CPU s; wall s)  pages after +1")
    for n in a.n:
        r = bench(n, a.workers)
        walls = "; ".join(f"{r['plus'][k][1]:.2f}" for k in ("add", "edit", "remove"))
        print(f"{r['n']:>7} {r['cold_s']:>8.2f} {r['dumps_s']:>8.0f} {r['mb_s']:>6.1f} {r['peak_mb']:>8.0f} "
              f"{r['cpu_s']:>11.2f} {r['unchanged_s']:>12.2f} {r['plus']['add'][0]:>9.2f} {r['plus']['edit'][0]:>9.2f} "
              f"{r['plus']['remove'][0]:>11.2f}  ({walls})  "
              f"{r['one_new_pages']}", flush=True)


if __name__ == "__main__":
    main()
