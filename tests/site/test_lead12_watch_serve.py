"""`newsbrief serve` sees the seeds folder through the system's file events (site/watch.py),
not through MkDocs' polling of every dump twice a second; with the seam broken, MkDocs
polls it as before. Either way a new dump is rebuilt and served."""

from __future__ import annotations

import random
import re
import time
import urllib.request

import pytest
from dumpgen import make_dump
from site_support import copy_project, mkdocs_serve, waiter

_BROKEN = """
import sys
from mkdocs.livereload import LiveReloadServer
watch = LiveReloadServer.watch
def other_watch(self, path, func=None, *, recursive=True):  # the same watch, another source
    return watch(self, path, func, recursive=recursive)
LiveReloadServer.watch = other_watch
sys.argv = ["mkdocs", "serve", "--livereload", "-a", sys.argv[1], "-f", "mkdocs.yml"]
from mkdocs.__main__ import cli
cli()
"""


def _serve_and_add(tmp_path, code: str | None) -> str:
    project = copy_project(tmp_path / "p")
    rng = random.Random(5)
    for i in range(4):
        (project / "seeds" / f"d{i}.txt").write_text(make_dump(rng).text, encoding="utf-8")
    log = tmp_path / "serve.log"
    with mkdocs_serve(project, log, code) as (proc, base):
        wait_for = waiter(proc, log)
        wait_for(lambda: "Serving on" in log.read_text(), "never served", 240)
        new = make_dump(random.Random(-9))
        (project / "seeds" / "zz-new.txt").write_text(new.text, encoding="utf-8")
        wait_for(lambda: log.read_text().count("Documentation built") >= 2, "the new dump was never rebuilt", 240)

        def home() -> bytes:
            with urllib.request.urlopen(base, timeout=10) as r:
                return r.read()

        wait_for(lambda: new.title.encode() in home().replace(b"&#39;", b"'").replace(b"&amp;", b"&"),
                 "the new brief is not on the home page", 240)
        time.sleep(1.5)  # (the conversion read the new dump: that must not start another rebuild)
        return log.read_text()


def _polled(log: str) -> str:
    return re.search(r"Watching paths for changes: (.*)", log).group(1)


@pytest.mark.slow
def test_serve_watches_the_seeds_through_file_events(tmp_path):
    log = _serve_and_add(tmp_path, None)
    assert "newsbrief: watching seeds through the system's file events" in log
    assert "'seeds'" not in _polled(log) and "'mkdocs.yml'" in _polled(log)
    assert "seam 'serve-native-watch'" not in log
    assert log.count("Detected file changes") == 1, log  # one change, one rebuild


@pytest.mark.slow
def test_with_the_seam_broken_mkdocs_polls_the_seeds(tmp_path):
    log = _serve_and_add(tmp_path, _BROKEN)
    assert log.count("seam 'serve-native-watch'") == 1
    assert "newsbrief: watching seeds" not in log
    assert "'seeds'" in _polled(log)
    assert log.count("Detected file changes") == 1, log
