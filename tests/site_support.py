"""What the site-level tests share: a copy of the project to build in, the site served
on 127.0.0.1, how Chromium is launched, and what is watched while it shows pages."""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
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
