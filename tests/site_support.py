"""What the site-level tests share: a copy of the project to build in, the site served
on 127.0.0.1, how Chromium is launched, and what is watched while it shows pages."""

from __future__ import annotations

import contextlib
import functools
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# What a site build needs from the project (docs/posts/ is generated, so left out).
SITE_SOURCES = ("mkdocs.yml", "docs", "overrides", "seeds", "newsbrief-rules.yml")
CHROMIUM = os.environ.get("NEWSBRIEF_CHROMIUM", "/usr/bin/chromium")
PAGE_TIMEOUT_MS = 20_000  # what a browser test waits for a page or element at most
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run"]


def copy_project(dest: Path, seeds: Iterable[Path] = ()) -> Path:
    """mkdocs.yml, docs/ (without the generated docs/posts), overrides/ and the rules file
    into `dest`, and the given dump files into dest/seeds."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy2(REPO / "mkdocs.yml", dest / "mkdocs.yml")
    shutil.copytree(REPO / "docs", dest / "docs",
                    ignore=lambda d, _: {"posts"} if Path(d) == REPO / "docs" else set())
    if (REPO / "overrides").is_dir():
        shutil.copytree(REPO / "overrides", dest / "overrides")
    if (REPO / "newsbrief-rules.yml").is_file():
        shutil.copy2(REPO / "newsbrief-rules.yml", dest / "newsbrief-rules.yml")
    (dest / "seeds").mkdir(exist_ok=True)
    for f in seeds:
        shutil.copy2(f, dest / "seeds" / f.name)
    return dest


def plugin_options(project: Path, lines: str) -> None:
    """`lines` (YAML, e.g. "      search: pagefind\n") added to the newsbrief plugin's
    options in the project's mkdocs.yml, after its posts_dir."""
    config = project / "mkdocs.yml"
    marker = "      posts_dir: posts\n"
    text = config.read_text(encoding="utf-8")
    assert text.count(marker) == 1, "mkdocs.yml: the newsbrief plugin's posts_dir line not found"
    config.write_text(text.replace(marker, marker + lines), encoding="utf-8")


def build_site(project: Path) -> Path:
    """`newsbrief build` in a project (the environment as it is); its site folder. Fails
    the test if the build fails."""
    p = subprocess.run([sys.executable, "-m", "builder", "build"], cwd=project, capture_output=True, text=True,
                       timeout=900, stdin=subprocess.DEVNULL)
    assert p.returncode == 0, p.stdout[-3000:] + p.stderr[-3000:]
    return project / "site"


def seeded_project(dest: Path, seeds: Path | None = None, n: int = 24, search: str | None = None) -> Path:
    """A copy of the project whose seeds are a copy of `seeds`, or `n` family dumps made from
    a fixed seed; `search` (e.g. "pagefind") set in the newsbrief plugin's options."""
    from dumpgen import make_dump

    project = copy_project(dest)
    if search is not None:
        plugin_options(project, f"      search: {search}\n")
    shutil.rmtree(project / "seeds")
    if seeds is not None:
        shutil.copytree(seeds, project / "seeds")
    else:
        (project / "seeds").mkdir()
        rng = random.Random(77)
        for i in range(n):
            (project / "seeds" / f"d{i:03d}.txt").write_text(make_dump(rng).text, encoding="utf-8")
    return project


# `mkdocs build` of a project into site/, strict: what the equality tests run.
MKDOCS_BUILD = (sys.executable, "-m", "mkdocs", "build", "--strict", "-d", "site")
# The RSS feeds' channel stamps the build's time (README: stamped fields).
BUILD_TIME = re.compile(rb"<pubDate>[^<]*</pubDate> <lastBuildDate>[^<]*</lastBuildDate>")


def synthetic_project(dest: Path, seed: int, n: int, options: str = "") -> Path:
    """A copy of the project with the repository's seeds and `n` family dumps of three
    sections made from `seed` (list pages with excerpts, months, publishers, authors);
    `options` (lines of YAML) added to the newsbrief plugin's options."""
    from dumpgen import make_dump

    project = copy_project(dest, sorted((REPO / "seeds").glob("*.txt")))
    if options:
        plugin_options(project, options)
    rng = random.Random(seed)
    for i in range(n):
        (project / "seeds" / f"syn{i:03d}.txt").write_text(make_dump(rng, n_sections=3).text, encoding="utf-8")
    return project


def run_in(root: Path, args: Iterable[str], **env_extra: str) -> str:
    """A command run in `root` with this checkout's builder importable, not in strict mode
    from the environment, `env_extra` added to it; its output. Fails the test if the
    command fails."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONPATH=str(REPO), **env_extra)
    env.pop("NEWSBRIEF_STRICT", None)
    p = subprocess.run(list(args), cwd=root, env=env, capture_output=True, text=True, timeout=900,
                       stdin=subprocess.DEVNULL)
    assert p.returncode == 0, (p.stdout + p.stderr)[-6000:]
    return p.stdout + p.stderr


def site_files(site: Path) -> dict[str, bytes]:
    """Every file of a built site, the build's time stamps taken out; sitemap.xml.gz left
    out (gzip stamps the time it was written)."""
    return {p.relative_to(site).as_posix(): BUILD_TIME.sub(b"", p.read_bytes(), count=1)
            for p in sorted(site.rglob("*")) if p.is_file() and p.name != "sitemap.xml.gz"}


def newsbrief_build(project: Path, site_url: str) -> str:
    """`newsbrief build` in a project at a fixed SOURCE_DATE_EPOCH (so builds compare byte
    for byte), not strict; its log. Fails the test if the build fails."""
    env = dict(os.environ, NEWSBRIEF_SITE_URL=site_url, SOURCE_DATE_EPOCH="1700000000")
    env.pop("NEWSBRIEF_STRICT", None)
    p = subprocess.run([sys.executable, "-m", "builder", "build"], cwd=project, env=env, capture_output=True,
                       text=True, timeout=900, stdin=subprocess.DEVNULL)
    assert p.returncode == 0, (p.stdout + p.stderr)[-4000:]
    return p.stdout + p.stderr


@contextlib.contextmanager
def mkdocs_serve(root: Path, log: Path, script: str | None = None,
                 **env_extra: str) -> Iterator[tuple[subprocess.Popen, str]]:
    """`mkdocs serve --livereload` of a project on a free port of 127.0.0.1, its output in
    `log`; yields the process and the base URL; stopped (SIGINT, else SIGKILL) on exit.
    With `script`, that Python code is run instead, given the address as its argument (a
    serve with something of MkDocs' replaced first)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", **env_extra)
    env.pop("NEWSBRIEF_STRICT", None)
    with log.open("w") as out:
        args = ["-m", "mkdocs", "serve", "--livereload", "-a", f"127.0.0.1:{port}", "-f", "mkdocs.yml"] \
            if script is None else ["-c", script, f"127.0.0.1:{port}"]
        proc = subprocess.Popen([sys.executable, *args], cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    try:
        yield proc, f"http://127.0.0.1:{port}/"
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def waiter(proc: subprocess.Popen, log: Path):
    """wait_for(cond, what, limit=180): polls cond() until it gives something true, which it
    returns; fails with the server's log if the server ends or `limit` seconds pass."""
    def wait_for(cond, what: str, limit: float = 180):
        deadline = time.monotonic() + limit
        while not (found := cond()):
            assert proc.poll() is None, log.read_text()
            assert time.monotonic() < deadline, f"{what}:\n" + log.read_text()
            time.sleep(0.1)
        return found

    return wait_for


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args) -> None:
        pass


@contextlib.contextmanager
def serve(directory: Path, name: str = "site-server") -> Iterator[str]:
    """A built site served over HTTP on 127.0.0.1 at a free port; yields its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name=name, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@dataclass
class Watch:
    """What went wrong while pages were open in Chromium: dialogs, console errors, failed
    requests, requests to hosts other than 127.0.0.1, and which pages were visited."""

    dialogs: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    foreign_hosts: set[str] = field(default_factory=set)
    visited: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        out = [f"dialog: {d}" for d in self.dialogs]
        out += [f"console error: {e}" for e in self.console_errors]
        out += [f"failed request: {r}" for r in self.failed_requests]
        out += [f"request to a host other than 127.0.0.1: {h}" for h in sorted(self.foreign_hosts)]
        return out

    def assert_clean(self) -> None:
        problems = self.problems()
        assert not problems, "on " + ", ".join(self.visited) + ":\n" + "\n".join(problems)


def copy_site_sources(dest: Path) -> None:
    """What a site build needs from the project into dest (docs/posts/ is generated, so
    left out)."""
    docs = str(REPO / "docs")

    def skip_generated(folder: str, names: list[str]) -> set[str]:
        # Only the top-level docs/posts/ is generated by the builder.
        return {"posts"} if folder == docs else set()

    for name in SITE_SOURCES:
        src = REPO / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=skip_generated)
        elif src.is_file():
            shutil.copy2(src, dest / name)


def build_variant(project: Path, site: str, options: str = "") -> Path:
    """`mkdocs build` of the project into `site`, with `options` added to the newsbrief
    plugin's configuration (a copy of mkdocs.yml named after the site); asserts that it
    succeeded and that no seam fell back to Material's own code."""
    cfg = project / f"{site}.yml"
    text = (project / "mkdocs.yml").read_text(encoding="utf-8")
    marker = "      posts_dir: posts\n"
    cfg.write_text(text.replace(marker, marker + options, 1), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", cfg.name, "-d", site],
                          cwd=project, capture_output=True, text=True, timeout=900, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "does not hold" not in proc.stdout + proc.stderr
    return project / site


def site_pages(site: Path) -> dict[str, str]:
    """A built site's HTML pages by site path (Pagefind's and the assets' aside)."""
    return {p.relative_to(site).as_posix(): p.read_text(encoding="utf-8") for p in site.rglob("*.html")
            if not p.relative_to(site).as_posix().startswith(("pagefind/", "assets/"))}


def briefs_meta(project: Path) -> dict[str, dict]:
    """Brief URL (site path, folder) -> its front matter."""
    import datetime as dt

    import yaml

    out = {}
    for md in (project / "docs" / "posts").rglob("*.md"):
        meta = yaml.safe_load(md.read_text(encoding="utf-8").split("---\n", 2)[1])
        if not meta.get("digest"):
            day = meta["date"] if isinstance(meta["date"], dt.date) else dt.date.fromisoformat(str(meta["date"])[:10])
            out[f"{day:%Y/%m}/{meta['slug']}/"] = meta
    return out


def link_target(page: str, href: str) -> str:
    """The site path a link on `page` leads to (fragment dropped, unquoted)."""
    from urllib.parse import unquote, urljoin

    base = "http://x/" + page.removesuffix("index.html")
    return unquote(urljoin(base, href).removeprefix("http://x/")).split("#")[0]
