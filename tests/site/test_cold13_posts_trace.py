"""builder/site/posts_ahead.py's trace (round 13): with `mkdocs build -v`, the build says
what the forked copy that made posts ahead cost (user and system CPU, minor faults, from
the copy's own rusage as the build reaps it) and what the build spent meanwhile, so that
the copy's cost can be told from the build's. Without -v it says nothing of it.
"""

from __future__ import annotations

import re
import subprocess
import sys

from site_support import run_in
from test_cold12_posts_ahead import _RUN, _posts, _project

_TRACE = re.compile(r"posts ahead: the copy (\d+\.\d\d) s user, (\d+\.\d\d) s system, (\d+) minor faults; "
                    r"the build meanwhile (\d+\.\d\d) s user, (\d+\.\d\d) s system, (-?\d+) minor faults")


def _build(root, verbose: bool) -> str:
    code = _RUN.replace('"--strict"', '"--strict", "-v"') if verbose else _RUN
    assert code != _RUN or not verbose
    return run_in(root, [sys.executable, "-c", code])


def test_the_copys_cost_is_traced_under_verbose(tmp_path):
    proj = _project(tmp_path / "proj", "")
    log = _build(proj, verbose=True)
    assert _posts(log)[2] > 0  # the copy made posts
    m = _TRACE.search(log)
    assert m, log[-3000:]
    copy_user, copy_sys, copy_faults = float(m.group(1)), float(m.group(2)), int(m.group(3))
    assert copy_user + copy_sys > 0 and copy_faults > 0  # (a process that ran: it faulted)
    for cache in ("blog", "pages"):  # cold again, quiet
        subprocess.run(["rm", "-rf", str(proj / ".newsbrief-cache" / cache), str(proj / "site")], check=True)
    assert "posts ahead: the copy" not in _build(proj, verbose=False)
