"""Run a command in a child process and measure it: wall time and peak memory.

The command runs under a small Python probe, so the peak RSS reported is that of the
command's own process tree (its largest process), not of the benchmark script.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def measured(cmd: list[str], cwd: Path | None = None) -> tuple[float, float, str]:
    """(wall seconds, peak RSS in MB, stdout + stderr); exits with the output on failure."""
    code = (
        "import resource, subprocess, sys, time;"
        "t = time.perf_counter();"
        f"p = subprocess.run({cmd!r}, capture_output=True, text=True);"
        "dt = time.perf_counter() - t;"
        "rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss;"
        "print(dt, rss, p.returncode, file=sys.stderr); sys.stderr.write(p.stdout + p.stderr)"
    )
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    p = subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, env=env)
    first, *rest = p.stderr.splitlines()
    dt, rss, rc = first.split()
    if rc != "0":
        sys.exit(f"{' '.join(cmd)} failed:\n" + "\n".join(rest[-40:]))
    return float(dt), int(rss) / 1024, "\n".join(rest)
