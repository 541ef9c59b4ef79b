"""Benchmark `newsbrief serve`: how long a new dump takes to show in the browser (issue #15).

    python bench/serve.py --n 1000            # a synthetic archive of N briefs
    python bench/serve.py --n 10000 --port 8765
    python bench/serve.py --n 1000 --keep                            # keep the built project, then
    python bench/serve.py --n 1000 --reuse --code /tmp/old-checkout  # old code on the same project
    python bench/serve.py --n 1000 --reuse                           # and this checkout's

In a copy of the project (as bench/build.py makes it) whose seeds/ is a folder of links to
the synthetic corpus (bench/corpus.py), hard-linked (a link that leads outside seeds/ is
refused), so that the corpus itself is never changed:

1. `newsbrief build` once (caches warm, as on a desk's machine);
2. `newsbrief serve`, until the home page answers, and until the sites replaced by the
   build and the first serve build are deleted (detached processes), then 2 s;
3. a new dump is written into seeds/; the clock runs from that moment until the new
   brief's own page is served with its title (polled every 0.1 s: the page's address is
   read from the archive index, docs/posts/.newsbrief-index.json, once it is written),
   and on until the whole rebuild is served (the server logs "Reloading browsers"); the
   page as first served is compared with the page after the rebuild (MkDocs' live-reload
   script aside);
4. the dump is removed again; the clock runs until its page is gone (404), and until the
   rebuild is served.

Prints the seconds of each step, and the CPU seconds the server's processes used in it
(the machine is shared: CPU time is the steadier figure). A browser would show the page at
the same moment: MkDocs' live reload tells an open page to reload once the rebuild is
served. With --timeline, where the time of the new dump's step went: each line the server
logged in it, stamped with the seconds since the dump was written (when MkDocs saw the
change, the conversion, each rebuild's end, "Reloading browsers").
"""

from __future__ import annotations

import argparse
import html
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from build import project
from corpus import generate
from measure import measured as run

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from dumpgen import make_dump

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / ".bench"


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.status, r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, ""
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return 0, ""


def wait(check, limit: float) -> float:
    """Seconds until check() is true (polled every 0.1 s); exits after `limit` seconds."""
    t = time.perf_counter()
    while not check():
        if time.perf_counter() - t > limit:
            sys.exit(f"gave up after {limit:.0f} s")
        time.sleep(0.1)
    return time.perf_counter() - t


def group_cpu(pgid: int) -> float:
    """CPU seconds (user + system) of the processes of a process group, and of the children
    they have waited for (Pagefind's runs): from /proc (Linux; 0 elsewhere)."""
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    total = 0
    for pid in os.listdir("/proc") if os.path.isdir("/proc") else ():
        if not pid.isdigit():
            continue
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()  # (the name may hold spaces)
        if int(fields[2]) == pgid:  # pgrp
            total += sum(int(x) for x in fields[11:15])  # utime stime cutime cstime
    return total / tick


class Log:
    """The server's log lines, each with the moment it was read."""

    def __init__(self, stream, copy: Path | None):
        self.lines: list[tuple[float, str]] = []
        self._copy = copy.open("w") if copy else None
        self._thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._thread.start()

    def _read(self, stream) -> None:
        for line in stream:
            self.lines.append((time.perf_counter(), line.rstrip("\n")))
            if self._copy:
                self._copy.write(line)
                self._copy.flush()

    def since(self, t0: float, t1: float) -> list[str]:
        return [f"{t - t0:7.2f} s  {line}" for t, line in list(self.lines) if t0 <= t <= t1]


def page_url(proj: Path, source: str) -> str | None:
    """The served path of the brief made from `source` (posts/YYYY/MM/slug.md -> /YYYY/MM/slug/)."""
    try:
        index = json.loads((proj / "docs" / "posts" / ".newsbrief-index.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    for page, entry in index.items():
        if entry.get("source") == source:
            return "/" + page.rsplit("/", 1)[0] + "/" + page.rsplit("/", 1)[1].removesuffix(".md") + "/"
    return None


def bench(n: int, port: int, log: Path | None = None, settle: float = 0.0, keep: bool = False,
          reuse: bool = False, pages: Path | None = None) -> dict:
    seeds = WORK / f"site-{n}" / "seeds"
    if reuse and seeds.is_dir() and not seeds.is_symlink():  # a project kept by --keep, built
        proj, build_s = seeds.parent, float("nan")
        (seeds / "zz-new.txt").unlink(missing_ok=True)
    else:
        corpus = generate(n, WORK / f"corpus-{n}")
        proj = project(n, corpus)  # (its seeds/ links the corpus: made a folder of hard links)
        proj.joinpath("seeds").unlink()
        seeds.mkdir()
        for p in sorted(corpus.glob("*.txt")):
            try:
                os.link(p, seeds / p.name)
            except OSError:  # another file system
                shutil.copy2(p, seeds / p.name)
        build_s, _, _ = run([sys.executable, "-m", "builder.cli", "build"], proj)
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([sys.executable, "-m", "builder.cli", "serve", "--dev-addr", f"127.0.0.1:{port}"],
                              cwd=proj, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                              env=dict(os.environ, NO_MKDOCS_2_WARNING="1"), start_new_session=True)
    lines = Log(server.stderr, log)
    try:
        first = wait(lambda: fetch(base + "/")[0] == 200, 3600)
        # The sites the build and serve's first build replaced are deleted by detached
        # processes (builder/site/build.py remove_later): a one-off of starting, which a
        # change made seconds after the server answers would otherwise share the cores with.
        deleting = time.perf_counter()
        wait(lambda: not any(any(proj.glob(g)) for g in LEFTOVERS), 600)
        deleting = time.perf_counter() - deleting
        time.sleep(2)  # let the first build's file events settle
        dump = make_dump(random.Random(-n))
        new = seeds / "zz-new.txt"
        cpu = group_cpu(server.pid)
        t0 = time.perf_counter()
        new.write_text(dump.text, encoding="utf-8")
        title = html.escape(dump.title, quote=False)
        url: list[str] = []

        first_body: list[str] = []

        def shown() -> bool:
            if not url:
                found = page_url(proj, "seeds/zz-new.txt")
                if not found:
                    return False
                url.append(found)
            status, body = fetch(base + url[0])
            if status == 200 and title in body:
                first_body.append(body)
                return True
            return False

        add = wait(shown, 3600)
        add_cpu = group_cpu(server.pid) - cpu
        add_rebuilt = rebuilt(lines, t0)
        timeline = lines.since(t0, time.perf_counter())
        final_body = fetch(base + url[0])[1]
        same = without_reload(final_body) == without_reload(first_body[0])
        if pages is not None:  # both versions, to compare them
            pages.mkdir(parents=True, exist_ok=True)
            (pages / f"first-{n}.html").write_text(without_reload(first_body[0]), encoding="utf-8")
            (pages / f"rebuilt-{n}.html").write_text(without_reload(final_body), encoding="utf-8")
        time.sleep(settle)  # what else the change set off (a rebuild for the conversion's own writes)
        timeline_after = lines.since(t0 + add_rebuilt + 1e-6, time.perf_counter())
        cpu = group_cpu(server.pid)
        t1 = time.perf_counter()
        new.unlink()
        gone = wait(lambda: fetch(base + url[0])[0] == 404, 3600)
        gone_cpu = group_cpu(server.pid) - cpu
        gone_rebuilt = rebuilt(lines, t1)
    finally:
        os.killpg(server.pid, signal.SIGINT)
        server.wait(60)
    if not keep:
        shutil.rmtree(proj)
    return {"n": n, "build_s": build_s, "serve_first_s": first, "add_s": add, "remove_s": gone, "url": url[0],
            "add_cpu": add_cpu, "remove_cpu": gone_cpu, "timeline": timeline, "after": timeline_after,
            "add_rebuilt_s": add_rebuilt, "remove_rebuilt_s": gone_rebuilt, "same": same, "deleting_s": deleting}


# What is left of a replaced site while a detached process deletes it (site/build.py's
# trash, site/freeze.py's set-aside site, site/fast_render.py's replaced served folder).
LEFTOVERS = ("site.trash-*", "site.newsbrief-previous-*", "site-old-*")


def rebuilt(lines: Log, t0: float, limit: float = 3600) -> float:
    """Seconds from t0 until the server logged the end of a rebuild ("Reloading browsers",
    MkDocs' line once the whole rebuild is served); waits for it."""
    def done() -> float | None:
        return next((t - t0 for t, line in list(lines.lines) if t >= t0 and "Reloading browsers" in line), None)

    wait(lambda: done() is not None, limit)
    return done()


def without_reload(page: str) -> str:
    """A served page without the live-reload script MkDocs adds to it (its epoch differs)."""
    at = page.rfind("<script>")
    return page[:at] if at >= 0 and "livereload(" in page[at:] else page


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, nargs="+", default=[1000])
    ap.add_argument("--port", type=int, default=8765)
    ap.add_argument("--log", type=Path, help="write the server's log here")
    ap.add_argument("--timeline", action="store_true",
                    help="print the server's log lines of the new dump's step, with their times")
    ap.add_argument("--settle", type=float, default=0.0, metavar="S",
                    help="wait S seconds after the new page is shown, before the removal (with --timeline: "
                         "what the server did in them is printed too)")
    ap.add_argument("--keep", action="store_true", help="keep the project (under .bench/site-N)")
    ap.add_argument("--pages", type=Path, metavar="DIR",
                    help="save the new brief's page as first served and after the rebuild here")
    ap.add_argument("--reuse", action="store_true",
                    help="serve the project a run with --keep left (no build first; implies --keep)")
    ap.add_argument("--code", type=Path, metavar="DIR",
                    help="run the server with the builder package of this checkout (PYTHONPATH), e.g. an "
                         "older commit's `git archive`, to compare old and new on the same project")
    a = ap.parse_args()
    if a.code:
        os.environ["PYTHONPATH"] = str(a.code.resolve())
    print(f"{'N':>7} {'build s':>8} {'serve up s':>11} {'new dump shown s':>17} {'(CPU s)':>8} "
          f"{'site rebuilt s':>15} {'removed dump gone s':>20} {'(CPU s)':>8} {'site rebuilt s':>15} "
          f"{'first page = rebuilt one':>25}")
    for n in a.n:
        r = bench(n, a.port, a.log, a.settle, a.keep or a.reuse, a.reuse, a.pages)
        print(f"{r['n']:>7} {r['build_s']:>8.1f} {r['serve_first_s']:>11.1f} {r['add_s']:>17.1f} "
              f"{r['add_cpu']:>8.1f} {r['add_rebuilt_s']:>15.1f} {r['remove_s']:>20.1f} {r['remove_cpu']:>8.1f} "
              f"{r['remove_rebuilt_s']:>15.1f} {'yes' if r['same'] else 'no':>25}", flush=True)
        print(f"  (before the new dump: {r['deleting_s']:.1f} s until the replaced sites were deleted, then 2 s)")
        if a.timeline:
            print("\n".join(["  the new dump, until its page was served:", *r["timeline"]]))
            if a.settle:
                print("\n".join([f"  then, for {a.settle:.0f} s:", *r["after"]]))


if __name__ == "__main__":
    main()
