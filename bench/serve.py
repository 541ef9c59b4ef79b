"""Benchmark `newsbrief serve`: how long a new dump takes to show in the browser (issue #15).

    python bench/serve.py --n 1000            # a synthetic archive of N briefs
    python bench/serve.py --n 10000 --port 8765

In a copy of the project (as bench/build.py makes it) whose seeds/ is a folder of links to
the synthetic corpus (bench/corpus.py), hard-linked (a link that leads outside seeds/ is
refused), so that the corpus itself is never changed:

1. `newsbrief build` once (caches warm, as on a desk's machine);
2. `newsbrief serve`, until the home page answers;
3. a new dump is written into seeds/; the clock runs from that moment until the new
   brief's own page is served with its title (polled every 0.1 s: the page's address is
   read from the archive index, docs/posts/.newsbrief-index.json, once it is written);
4. the dump is removed again; the clock runs until its page is gone (404).

Prints the seconds of each step. A browser would show the page at the same moment: MkDocs'
live reload tells an open page to reload once the rebuild is served.
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


def bench(n: int, port: int, log: Path | None = None) -> dict:
    corpus = generate(n, WORK / f"corpus-{n}")
    proj = project(n, corpus)  # (its seeds/ links the corpus: made a folder of hard links)
    proj.joinpath("seeds").unlink()
    seeds = proj / "seeds"
    seeds.mkdir()
    for p in sorted(corpus.glob("*.txt")):
        try:
            os.link(p, seeds / p.name)
        except OSError:  # another file system
            shutil.copy2(p, seeds / p.name)
    build_s, _, _ = run([sys.executable, "-m", "builder.cli", "build"], proj)
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([sys.executable, "-m", "builder.cli", "serve", "--dev-addr", f"127.0.0.1:{port}"],
                              cwd=proj, stdout=subprocess.DEVNULL,
                              stderr=log.open("w") if log else subprocess.DEVNULL,
                              env=dict(os.environ, NO_MKDOCS_2_WARNING="1"), start_new_session=True)
    try:
        first = wait(lambda: fetch(base + "/")[0] == 200, 3600)
        time.sleep(2)  # let the first build's file events settle
        dump = make_dump(random.Random(-n))
        new = seeds / "zz-new.txt"
        new.write_text(dump.text, encoding="utf-8")
        title = html.escape(dump.title, quote=False)
        url: list[str] = []

        def shown() -> bool:
            if not url:
                found = page_url(proj, "seeds/zz-new.txt")
                if not found:
                    return False
                url.append(found)
            status, body = fetch(base + url[0])
            return status == 200 and title in body

        add = wait(shown, 3600)
        new.unlink()
        gone = wait(lambda: fetch(base + url[0])[0] == 404, 3600)
    finally:
        os.killpg(server.pid, signal.SIGINT)
        server.wait(60)
    shutil.rmtree(proj)
    return {"n": n, "build_s": build_s, "serve_first_s": first, "add_s": add, "remove_s": gone, "url": url[0]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, nargs="+", default=[1000])
    ap.add_argument("--port", type=int, default=8765)
    ap.add_argument("--log", type=Path, help="write the server's log here")
    a = ap.parse_args()
    print(f"{'N':>7} {'build s':>8} {'serve up s':>11} {'new dump shown s':>17} {'removed dump gone s':>20}")
    for n in a.n:
        r = bench(n, a.port, a.log)
        print(f"{r['n']:>7} {r['build_s']:>8.1f} {r['serve_first_s']:>11.1f} {r['add_s']:>17.1f} "
              f"{r['remove_s']:>20.1f}", flush=True)


if __name__ == "__main__":
    main()
