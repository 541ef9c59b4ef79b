"""The MkDocs child exits without freeing its heap (site/build.py `_exit_now`), yet as a
normal exit would: the code kept, exit functions run, buffered output flushed."""

from __future__ import annotations

import subprocess
import sys

import pytest


def _run(code: str) -> subprocess.CompletedProcess:
    script = ("import atexit, logging\n"
              "from builder.site.build import _exit_now\n"
              "atexit.register(lambda: print('exit function ran'))\n"
              "logging.basicConfig(format='%(message)s')\n"
              "logging.getLogger('x').warning('logged')\n"
              "print('buffered', end='')\n"
              f"_exit_now({code})\n")
    return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize(("code", "want"), [("0", 0), ("None", 0), ("3", 3), ("'mkdocs: bad'", 1)])
def test_exit_keeps_the_code_and_the_output(code, want):
    done = _run(code)
    assert done.returncode == want
    assert done.stdout.startswith("buffered") and "exit function ran" in done.stdout
    assert "logged" in done.stderr
    if code.startswith("'"):
        assert "mkdocs: bad" in done.stderr
