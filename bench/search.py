"""Benchmark search on a built site (issue #5): bytes fetched and time to first result in
headless Chromium, and Pagefind's indexing time and peak memory.

    python bench/search.py                    # N = 1000 10000 (after bench/build.py)
    python bench/search.py --n 1000 --engine material pagefind
    python bench/search.py --synthetic --n 10000 100000   # search alone, any N

Uses the projects bench/build.py leaves under .bench/site-N/. For each engine the site
is built with `search: <engine>` (blog cache warm). Pagefind is then re-run alone under
a memory probe (shard by shard, as the build does) for its peak memory.
The browser is Debian's Chromium (/usr/bin/chromium, or NEWSBRIEF_CHROMIUM), driven by
Playwright; the site is served on 127.0.0.1 as GitHub Pages serves it (text gzipped);
every byte the server sends is counted from the moment the search box gets focus until
the network is idle after the first result is on screen (Pagefind's web worker's
requests included); the time is measured in the page, from the last keystroke's `input`
event to the first frame after the first result is in the list (median of --repeat runs,
each in a fresh browser context).

--synthetic measures the search alone where a whole site would take too long to build
(100k briefs: about an hour here): the home page and assets of a site built by
`--engine pagefind` (the biggest .bench/site-N/site-pagefind), and one page per brief holding just its article, the
part Pagefind indexes, in year/month folders as on the real site; the briefs are those
of bench/corpus.py with the same seed. Indexed as the build does (builder/site/search.py).

Columns: KB/query on the wire (and uncompressed; the most of any run), ms from the last
keystroke to the first result (median and range), results listed, Pagefind indexes read,
indexing seconds and peak MB, indexes, ms between keys.

    python bench/search.py --synthetic --keep-index --n 10000 --old main-nb-search.js --delay 60 150

--old alternates another nb-search.js (e.g. `git show main:overrides/assets/javascripts/
nb-search.js`) with the project's, run by run in the same browser (old new, new old, ...),
so that both see the same machine load; --delay sets the ms between keys (60: a fast
typist, keys closer than the script's pause; 150: the pause ends after every key);
--keep-index reuses a synthetic site's indexes (100k: ~10 min to index); --trace prints,
per run, when each request was answered and each message to Pagefind's worker was sent
and answered, in ms from the last keystroke.

    python bench/search.py --synthetic --keep-index --worst-case --n 100000 --old main-nb-search.js

--worst-case: the archive as if it ended with its biggest month (at 100k, 1,463 briefs),
so the first index a query reads is that month: in parts (builder/site/search.py), and
with --old, for the "old" runs, whole as before the split (old script, old layout); only
those indexes are made (shards.json is answered per run by the server).
"""

from __future__ import annotations

import argparse
import functools
import gzip
import html
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from measure import measured

from builder.site.search import SHARD_SIZE

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / ".bench"
CHROMIUM = os.environ.get("NEWSBRIEF_CHROMIUM", "/usr/bin/chromium")
# Words of the synthetic corpus (bench/corpus.py): a surname in ~6 % of the briefs (what a
# reader of a news archive looks for: a person, a place), and a word in every brief (the
# worst case: every index chunk of the word and its prefixes is fetched).
QUERIES = ["Lindqvist", "budget"]


class _Quiet(SimpleHTTPRequestHandler):
    """Serves the site as GitHub Pages or nginx with `gzip on` do: text compressed when
    the browser accepts it. (Pagefind's index files are compressed already.)"""

    TEXT = frozenset({".html", ".js", ".css", ".json", ".xml", ".svg"})

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        listed = getattr(self.server, "shards", None)
        if listed is not None and self.path.split("?")[0].endswith("/pagefind/shards.json"):
            body = json.dumps(listed).encode()  # (--worst-case: the indexes this variant reads)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        path = Path(self.translate_path(self.path))
        if path.is_dir() and self.path.split("?")[0].endswith("/"):
            path = path / "index.html"
        if path.suffix not in self.TEXT or "gzip" not in self.headers.get("Accept-Encoding", "") \
                or not path.is_file():
            return super().do_GET()
        body = gzip.compress(path.read_bytes(), 6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def build(proj: Path, engine: str, shard_size: int) -> Path:
    # The project's current templates and configuration (bench/build.py copied them once).
    shutil.copytree(ROOT / "overrides", proj / "overrides", dirs_exist_ok=True)
    shutil.copytree(ROOT / "docs" / "stylesheets", proj / "docs" / "stylesheets", dirs_exist_ok=True)
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    marker = "      posts_dir: posts\n"
    cfg = proj / f"search-{engine}.yml"
    options = f"      search: {engine}\n      search_shard_size: {shard_size}\n"
    cfg.write_text(text.replace(marker, marker + options, 1), encoding="utf-8")
    site = proj / f"site-{engine}"
    p = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", cfg.name, "-d", site.name],
                       cwd=proj, capture_output=True, text=True, env=dict(os.environ, NO_MKDOCS_2_WARNING="1"))
    if p.returncode != 0:
        sys.exit(p.stdout + p.stderr)
    return site


def pagefind_memory(site: Path, max_pages: int) -> tuple[float, float, int]:
    """Seconds and peak RSS (MB) of indexing the site shard by shard from cold, as the
    build does without its cache (builder/site/search.py), and the number of shards."""
    from builder.site.search import PAGEFIND_DIR, finish, shard_command, shards, tidy

    t = time.perf_counter()
    peak = 0
    groups = shards(site, max_pages)
    shutil.rmtree(site / PAGEFIND_DIR, ignore_errors=True)
    for name, folders in groups:
        peak = max(peak, measured(shard_command(site, name, folders))[1])
        tidy(site / PAGEFIND_DIR / name)
    finish(site, [name for name, _ in groups])
    return time.perf_counter() - t, peak, len(groups)


def worst_case(site: Path, max_pages: int, old: bool) -> tuple[dict[str, list[str]], float]:
    """--worst-case: the archive as if it ended with its biggest month (the newest index
    a reader searches first is then that month, the most a month can cost). Returns
    label -> index names served (new: the month's parts first, as builder/site/search.py
    splits it; with --old also "old": the month whole, as before the split) and the
    seconds spent indexing: only the first indexes of each layout are made (a common
    word never reads further), each once (kept with --keep-index)."""
    from builder.site.search import PAGEFIND_DIR, PART, _html, finish, index_shard, shards

    groups = shards(site, max_pages)
    layouts = {"new": groups}
    if old:  # a month's parts put back together
        whole: list[tuple[str, list[str]]] = []
        for name, folders in groups:
            if PART in name:
                month = name.split(PART)[0]
                if whole and whole[-1][0] == month:
                    continue
                name, folders = month, [month.replace("-", "/")]
            whole.append((name, folders))
        layouts["old"] = whole
    months = {f"{m.parent.name}-{m.name}": len(_html(m)) for m in site.glob("[0-9][0-9][0-9][0-9]/[0-9][0-9]")}
    month = max(months, key=lambda m: (months[m], m))
    started = time.perf_counter()
    out = {}
    for label, layout in layouts.items():
        at = next((i for i, (name, _) in enumerate(layout) if name.split(PART)[0] == month), None)
        if at is None:
            sys.exit(f"--worst-case: the biggest month, {month}, is not an index of its own")
        first = layout[at:at + 3]
        for name, folders in first:
            if not (site / PAGEFIND_DIR / name / "pagefind-entry.json").is_file():
                index_shard(site, name, folders)
        out[label] = [name for name, _ in first]
    finish(site, sorted({name for names in out.values() for name in names}))
    return out, time.perf_counter() - started


def synthetic(n: int, keep_index: bool = False) -> Path:
    """A search-only site of n briefs (see --synthetic above); made once per n."""
    from corpus import make_dump

    # Any site built with `search: pagefind` will do: only its home page and assets are used.
    shells = sorted(WORK.glob("site-*/site-pagefind/index.html"), key=lambda p: -int(p.parts[-3][5:]))
    if not shells:
        sys.exit("no .bench/site-N/site-pagefind: run python bench/search.py --n 1000 --engine pagefind first")
    shell = shells[0].parent
    site = WORK / f"search-{n}"
    marker = site / f".synthetic-{n}"
    if not marker.exists():
        shutil.rmtree(site, ignore_errors=True)
        shutil.copytree(shell, site, ignore=lambda d, names: set() if d != str(shell) else {
            x for x in names if x.isdigit() or x in {"pagefind", "page", "archive", "author", "publisher", "tags"}})
        rng = random.Random(1)  # bench/corpus.py's sequence: the same briefs
        for i in range(n):
            g = make_dump(rng, n_sections=rng.randint(4, 8), paragraph_sentences=4)
            body = [f"<h1>{html.escape(g.title)}</h1>"]
            body += [f"<li>{html.escape(h)}</li>" for h in g.highlights]
            for heading, paragraphs in g.sections:
                if heading:
                    body.append(f"<h2>{html.escape(heading)}</h2>")
                body += [f"<p>{html.escape(p)}</p>" for p in paragraphs]
            byline = " and ".join(g.authors) + (f", {g.publisher}" if g.publisher else "")
            body.append(f"<p>By {html.escape(byline)}</p>")  # as the site prints it
            page = site / f"{g.date:%Y}" / f"{g.date:%m}" / f"brief-{i}" / "index.html"
            page.parent.mkdir(parents=True, exist_ok=True)
            page.write_text(f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{html.escape(g.title)}"
                            f"</title></head><body><article data-pagefind-body>{''.join(body)}</article></body></html>",
                            encoding="utf-8")
        marker.touch()
    shutil.copy2(ROOT / "overrides" / "assets" / "javascripts" / "nb-search.js",
                 site / "assets" / "javascripts" / "nb-search.js")  # the project's current script
    if not keep_index:
        shutil.rmtree(site / "pagefind", ignore_errors=True)
    return site


# In the page: the time of the last `input` event of the box, and of the first frame
# after the list shows a result for `query` (Pagefind's list says which query it answers:
# results for a prefix may already be on screen; Material's answers as the user types).
_WATCH = """([query, pagefind]) => {
  window.__nb = {input: 0, shown: 0};
  const box = document.querySelector("input.md-search__input");
  box.addEventListener("input", () => { window.__nb.input = performance.now(); });
  const result = document.querySelector(".md-search-result");
  const done = () => pagefind
    ? result.dataset.nbQuery === query && result.querySelector(".md-search-result__item")
    : result.querySelector(".md-search-result__item");
  new MutationObserver((_, obs) => {
    if (box.value === query && done()) {
      obs.disconnect();
      requestAnimationFrame(() => { window.__nb.shown = performance.now(); });
    }
  }).observe(result, {subtree: true, childList: true, attributes: true});
}"""


# --trace: each message the page sends Pagefind's web worker (search, preload, getData: a
# result's fragment) and when its answer came, in the page's clock.
_TRACE_WORKER = """(() => {
  const log = window.__nbWorker = [];
  const post = Worker.prototype.postMessage;
  const hooked = new WeakSet();
  Worker.prototype.postMessage = function (m) {
    if (!hooked.has(this)) {
      hooked.add(this);
      this.addEventListener("message", (e) => {
        const entry = log.find((x) => x.id === (e.data && e.data.id));
        if (entry) entry.done = performance.now();
      });
    }
    if (m && m.method) log.push({id: m.id, what: m.method + (typeof (m.args || [])[0] === "string" ?
      "(" + m.args[0].slice(0, 8) + ")" : ""), sent: performance.now(), done: 0});
    return post.apply(this, arguments);
  };
})()"""


class _Counted(_Quiet):
    """The same, counting the bytes it sends (headers included) per request: what a
    reader downloads, whoever asked for it (the page or Pagefind's web worker)."""

    def setup(self) -> None:
        super().setup()
        sent, write = self.server.sent, self.wfile.write

        class Out:
            def write(_, data) -> int:
                sent.append((self.path, len(data), time.time() * 1000))
                return write(data)

            def __getattr__(_, name):
                return getattr(self.wfile_raw, name)

        self.wfile_raw, self.wfile = self.wfile, Out()


def browse(site: Path, query: str, engine: str, repeat: int = 1, delay: int = 60,
           scripts: dict[str, Path] | None = None, trace: bool = False,
           listed: dict[str, list[str]] | None = None) -> dict[str, dict]:
    """Per script variant (`scripts`: label -> an nb-search.js put in the site before each of
    its runs; none: the site as it is), over `repeat` runs: KB fetched for the query on
    the wire and uncompressed, ms from the last keystroke to the first result painted,
    results listed, Pagefind indexes fetched. Each run is in a fresh browser context (empty
    cache); the variants take turns (A B C, B C A, ...) so that the machine's load falls
    on each alike. `delay`: ms between keys. `listed`: label -> the index names served as
    pagefind/shards.json in its runs (--worst-case)."""
    from playwright.sync_api import sync_playwright

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Counted, directory=str(site)))
    server.sent = []
    server.shards = None
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    target = site / "assets" / "javascripts" / "nb-search.js"
    labels = list(scripts or listed or {"": None})
    out: dict[str, dict] = {label: {"ms": [], "kb": [], "raw": [], "hits": [], "read": []} for label in labels}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=[
                "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run"])
            for i in range(repeat):
                for label in labels[i % len(labels):] + labels[:i % len(labels)]:  # each first in turn
                    if scripts and label in scripts:
                        tmp = target.with_suffix(".tmp")
                        shutil.copyfile(scripts[label], tmp)
                        tmp.replace(target)
                    server.shards = (listed or {}).get(label)
                    r = out[label]
                    context = browser.new_context()
                    page = context.new_page()
                    if trace:
                        page.add_init_script(_TRACE_WORKER)
                    page.goto(url)
                    page.wait_for_load_state("networkidle")
                    page.evaluate(_WATCH, [query, engine == "pagefind"])
                    fetched: list = []
                    page.on("requestfinished", lambda r, fetched=fetched: fetched.append(r))
                    server.sent.clear()
                    box = page.locator("input.md-search__input")
                    box.click()
                    box.press_sequentially(query, delay=delay)
                    page.wait_for_function("window.__nb.shown > 0", timeout=180_000, polling=50)
                    r["ms"].append(page.evaluate("window.__nb.shown - window.__nb.input"))
                    if engine == "pagefind":  # the page of results complete
                        page.locator(f'[data-nb-search="result"][data-nb-complete="{query}"]').wait_for(
                            state="attached", timeout=180_000)
                    page.wait_for_load_state("networkidle")
                    r["hits"].append(page.locator(".md-search-result__item:not(.nb-search-more)").count())
                    r["kb"].append(sum(n for _, n, _ in server.sent) / 1024)
                    if trace:  # when each request was answered, in ms from the last keystroke
                        last = page.evaluate("performance.timeOrigin + window.__nb.input")
                        seen: dict[str, float] = {}
                        for path, _, at in server.sent:
                            seen.setdefault(path, at - last)
                        print(f"  {label} {r['ms'][-1]:.0f} ms:", " ".join(
                            f"{path.rsplit('/', 1)[-1][:12]}@{ms:.0f}" for path, ms in seen.items()), flush=True)
                        log = page.evaluate("(window.__nbWorker || []).map((x) => [x.what, x.sent - window.__nb.input,"
                                            " x.done - window.__nb.input])")
                        print("    worker:", " ".join(f"{w}@{a:.0f}-{b:.0f}" for w, a, b in log
                                                       if not w.startswith("getData")), flush=True)
                    raw = 0
                    indexes = set()
                    for f in fetched:
                        raw += len(f.response().body()) + f.sizes()["responseHeadersSize"]
                        path = f.url[len(url):].split("/")
                        if path[0] == "pagefind" and len(path) > 2:
                            indexes.add(path[1])
                    r["raw"].append(raw / 1024)
                    r["read"].append(len(indexes))
                    context.close()
            browser.close()
    finally:
        server.shutdown()
    return out


def _row(n: int, engine: str, query: str, r: dict, idx: tuple[float, float, int], delay: int, label: str) -> str:
    """One printed row: KB (max over runs), time median and range."""
    ms = r["ms"]
    spread = f"({min(ms):.0f}-{max(ms):.0f})" if len(ms) > 1 else ""
    return (f"{n:>6} {engine:>9} {query:>10} {max(r['kb']):>9.0f} {max(r['raw']):>7.0f} "
            f"{statistics.median(ms):>9.0f} {spread:>11} {max(r['hits']):>5} {max(r['read']):>5} "
            f"{idx[0]:>8.1f} {idx[1]:>9.0f} {idx[2]:>7} {delay:>6} {label}"
            f"  ({sum(t <= 300 for t in ms)}/{len(ms)} runs <= 300 ms; KB {min(r['kb']):.0f}-{max(r['kb']):.0f})")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--engine", nargs="+", default=["pagefind", "material"])
    ap.add_argument("--shard-size", type=int, default=SHARD_SIZE, help="pages per Pagefind index")
    ap.add_argument("--query", nargs="+", default=QUERIES, help="what to type into the search box")
    ap.add_argument("--repeat", type=int, default=3, help="runs per query (the median time is shown)")
    ap.add_argument("--delay", type=int, nargs="+", default=[60],
                    help="ms between keys (60: a fast typist; above the script's pause, searches run while typing)")
    ap.add_argument("--old", type=Path, nargs="+", metavar="NB_SEARCH_JS",
                    help="other nb-search.js files (e.g. main's) to alternate with the project's, run by run")
    ap.add_argument("--trace", action="store_true", help="print when each request was answered")
    ap.add_argument("--synthetic", action="store_true", help="search alone on a synthetic site (Pagefind)")
    ap.add_argument("--worst-case", action="store_true",
                    help="--synthetic: the newest index is the biggest month (with --old: old = that month whole)")
    ap.add_argument("--keep-index", action="store_true",
                    help="--synthetic: reuse the site's Pagefind indexes if made already (same shard size)")
    a = ap.parse_args()
    scripts = None
    if a.old:  # labelled "old" (or by file name, if several) and "new"
        scripts = {("old" if len(a.old) == 1 else f.stem): f.resolve() for f in a.old}
        scripts["new"] = ROOT / "overrides" / "assets" / "javascripts" / "nb-search.js"
    print(f"{'N':>6} {'engine':>9} {'query':>10} {'KB/query':>9} {'KB raw':>7} {'first ms':>9} {'(range)':>11} "
          f"{'hits':>5} {'read':>5} {'index s':>8} {'index MB':>9} {'indexes':>7} {'key ms':>6}", flush=True)
    for n in a.n:
        if a.synthetic:
            site = synthetic(n, a.keep_index)
            marker = site / "pagefind" / f".indexed-{a.shard_size}"
            listed = None
            if a.worst_case:
                listed, seconds = worst_case(site, a.shard_size, bool(a.old))
                print("  indexes read first:", listed, flush=True)
                idx = (seconds, float("nan"), len(listed["new"]))
            elif a.keep_index and marker.exists():
                idx = (float("nan"), float("nan"), len(json.loads((site / "pagefind" / "shards.json").read_text())))
            else:
                idx = pagefind_memory(site, a.shard_size)
                marker.touch()
            for delay in a.delay:
                for query in a.query:
                    got = browse(site, query, "pagefind", a.repeat, delay, scripts, a.trace, listed)
                    for label, r in got.items():
                        print(_row(n, "synthetic", query, r, idx, delay, label), flush=True)
            continue
        proj = WORK / f"site-{n}"
        if not proj.is_dir():
            sys.exit(f"no {proj}: run python bench/build.py --n {n} first")
        for engine in a.engine:
            site = build(proj, engine, a.shard_size)
            idx = (float("nan"), float("nan"), 0)
            if engine == "pagefind":
                idx = pagefind_memory(site, a.shard_size)
            for delay in a.delay:
                for query in a.query:
                    got = browse(site, query, engine, a.repeat, delay,
                                 scripts if engine == "pagefind" else None, a.trace)
                    for label, r in got.items():
                        print(_row(n, engine, query, r, idx, delay, label), flush=True)


if __name__ == "__main__":
    main()
