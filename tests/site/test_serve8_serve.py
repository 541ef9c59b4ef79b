"""`newsbrief serve` on Material's search with frozen posts (site/search_replay.py, issue #15).

After a new dump, serve's rebuild freezes the unchanged posts and replays their search
entries; what it serves then (every brief's, digest's and list page's HTML and
search/search_index.json) is what `newsbrief build` gives for the same seeds at the served
address, byte for byte (but the live-reload script the server puts in each HTML page).
"""

from __future__ import annotations

import json
import random
import re
import shutil
import time
import urllib.request

import pytest
from dumpgen import make_dump
from site_support import copy_project, mkdocs_serve, newsbrief_build

from builder.site import freeze

N = 24
_FROZEN = re.compile(r"unchanged posts: (\d+) not built again \(linked from the previous site\), (\d+) built")
_RELOAD = re.compile(rb"<script>(?:(?!</script>).)*livereload\(\d+, \d+\);\s*</script>", re.S)


def _get(url: str) -> bytes | None:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return _RELOAD.sub(b"", r.read())
    except OSError:
        return None


@pytest.mark.slow
def test_serve_on_material_search_serves_what_build_gives(tmp_path):
    project = copy_project(tmp_path / "s")
    shutil.rmtree(project / "seeds")
    (project / "seeds").mkdir()
    rng = random.Random(77)
    for i in range(N):
        (project / "seeds" / f"d{i:03d}.txt").write_text(make_dump(rng).text, encoding="utf-8")
    log = tmp_path / "serve.log"
    with mkdocs_serve(project, log, SOURCE_DATE_EPOCH="1700000000") as (proc, base):

        def wait_for(cond, what):
            deadline = time.monotonic() + 180
            while not cond():
                assert proc.poll() is None, log.read_text()
                assert time.monotonic() < deadline, f"{what}:\n" + log.read_text()
                time.sleep(0.3)

        wait_for(lambda: "Serving on" in log.read_text(), "never served")
        assert "search: languages" in log.read_text()  # (Material's search)
        (project / "seeds" / "g-new.txt").write_text(make_dump(random.Random(-5)).text, encoding="utf-8")
        wait_for(lambda: log.read_text().count("Documentation built") >= 2, "no rebuild")
        frozen, built = (int(x) for x in _FROZEN.findall(log.read_text())[-1])
        assert frozen > built >= 1
        record = json.loads((project / ".newsbrief-cache" / freeze.SERVE_RECORD_FILE).read_text(encoding="utf-8"))
        dests = sorted(fields[2] for fields in record["posts"].values())
        served = {d: _get(base + d.removesuffix("index.html")) for d in [*dests, "search/search_index.json"]}
        warnings = [ln for ln in log.read_text().splitlines() if "WARNING" in ln and "code 404" not in ln]
        assert warnings == []
    assert all(served.values())
    newsbrief_build(project, base)
    site = project / "site"
    assert [d for d in served if served[d] != (site / d).read_bytes()] == []
