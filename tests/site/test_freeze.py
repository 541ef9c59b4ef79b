"""Unchanged posts are not built again (site/freeze.py, issue #15 +1 builds).

A project on Pagefind (freezing needs it: Material's search indexes each built page) is
built, then changed and built again: the site must equal, byte for byte, a cold build of
the same seeds in a fresh folder (same SOURCE_DATE_EPOCH and site URL), while most posts
were frozen (the log says how many: the comparison is not vacuous). A page of the live
site that differs from what its record says is built again, never linked.
"""

from __future__ import annotations

import json
import random
import re
import shutil
from pathlib import Path
from typing import ClassVar

import pytest
from dumpgen import make_dump
from invariants import tree
from site_support import copy_project, mkdocs_serve, newsbrief_build, seeded_project

from builder.site import freeze, seams

N = 24
_FROZEN = re.compile(r"unchanged posts: (\d+) not built again \(linked from the previous site\), (\d+) built")


def _project(dest: Path, seeds: Path | None = None) -> Path:
    return seeded_project(dest, seeds, N, search="pagefind")


def _build(project: Path) -> str:
    return newsbrief_build(project, "https://news.example.org/briefs/")


def _frozen(log: str) -> tuple[int, int] | None:
    """The last build's figures in the log."""
    found = _FROZEN.findall(log)
    return None if not found else (int(found[-1][0]), int(found[-1][1]))


def _same_as_cold(project: Path, tmp: Path) -> None:
    cold = _project(tmp, project / "seeds")
    assert _frozen(_build(cold))[0] == 0  # (no previous site: nothing to freeze)
    got, want = tree(project / "site"), tree(cold / "site")
    assert got.keys() == want.keys(), sorted(got.keys() ^ want.keys())[:20]
    assert [rel for rel in want if got[rel] != want[rel]] == []


def _add(seeds: Path) -> None:
    (seeds / "g-new.txt").write_text(make_dump(random.Random(-5)).text, encoding="utf-8")


def _edit(seeds: Path) -> None:
    path = seeds / "d011.txt"
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + " Officials said talks would resume.\n",
                    encoding="utf-8")


def _remove(seeds: Path) -> None:
    (seeds / "d020.txt").unlink()


@pytest.mark.slow
def test_builds_with_frozen_posts_equal_cold_builds(tmp_path):
    project = _project(tmp_path / "inc")
    assert _frozen(_build(project))[0] == 0  # no previous site: built and recorded
    before = tree(project / "site")
    frozen, built = _frozen(log := _build(project))
    record = json.loads((project / ".newsbrief-cache" / freeze.RECORD_FILE).read_text(encoding="utf-8"))
    assert built == 0 and frozen >= N // 2  # every brief and digest, none built
    lists = re.findall(r"list pages: (\d+) not built again, (\d+) built", log)[-1]
    assert int(lists[0]) > 0 and lists[1] == "0"  # and every list page
    assert int(lists[0]) + frozen == len(record["posts"])
    assert tree(project / "site") == before
    for i, change in enumerate((_add, _edit, _remove)):
        change(project / "seeds")
        frozen, built = _frozen(_build(project))
        assert built >= 1, change.__name__
        if change is not _remove:  # (a removal may empty a month: a new navigation, nothing frozen)
            assert frozen > built, change.__name__
        _same_as_cold(project, tmp_path / f"cold-{i}")


@pytest.mark.slow
def test_a_page_changed_in_the_live_site_is_built_again(tmp_path):
    project = _project(tmp_path / "p")
    _build(project)
    _build(project)
    record = json.loads((project / ".newsbrief-cache" / freeze.RECORD_FILE).read_text(encoding="utf-8"))
    posts = sorted((src, fields) for src, fields in record["posts"].items() if src.startswith("posts/"))
    _, fields = posts[0]
    page = project / "site" / fields[2]
    original = page.read_bytes()
    page.unlink()  # (the live site's page is a link shared with the page cache's run: replace it)
    page.write_bytes(original.replace(b"</body>", b"<script>alert(1)</script></body>"))
    total = len(posts)
    # Another post's record's key altered: that post's inputs "changed".
    _, other_fields = posts[1]
    other_fields[0] = "0" * 64
    (project / ".newsbrief-cache" / freeze.RECORD_FILE).write_text(json.dumps(record), encoding="utf-8")
    frozen, built = _frozen(log := _build(project))
    assert (frozen, built) == (total - 2, 2)
    # What the lists show of those two posts is as recorded: every list page is linked, its
    # decision waiting until the two posts were rendered (Freezer.settle).
    assert re.findall(r"list pages: (\d+) not built again, (\d+) built", log)[-1][1] == "0"
    assert (project / "site" / fields[2]).read_bytes() == original
    _same_as_cold(project, tmp_path / "cold")


def test_material_search_freezes_with_its_entries_replayed(tmp_path):
    """Material's search indexes each page's HTML as it is built: its entries are recorded
    and replayed for a frozen post (site/search_replay.py, tests/site/test_serve8_search_replay.py)."""
    project = copy_project(tmp_path / "m")
    shutil.rmtree(project / "seeds")
    (project / "seeds").mkdir()
    rng = random.Random(3)
    for i in range(4):
        (project / "seeds" / f"d{i}.txt").write_text(make_dump(rng).text, encoding="utf-8")
    _build(project)
    assert _frozen(_build(project))[0] >= 4
    assert (project / ".newsbrief-cache" / f"search-{freeze.RECORD_FILE}").exists()


def test_the_build_loop_seam_fails_on_another_signature(monkeypatch):
    from mkdocs.commands import build

    assert seams.check("build-loop") is None
    monkeypatch.setattr(build, "_populate_page", lambda page, config, files: None)
    assert "signature" in seams.check("build-loop")


def test_freezing_needs_known_plugins_and_pagefind(tmp_path):
    class Config:
        plugins: ClassVar[dict] = {"newsbrief": 0, "material/search": 0, "material/blog": 0, "rss": 0}

    assert freeze.usable(Config, "pagefind", object())
    assert not freeze.usable(Config, "material", object())
    assert not freeze.usable(Config, "pagefind", None)  # no blog cache: links cannot be replayed
    Config.plugins = {**Config.plugins, "macros": 0}
    assert not freeze.usable(Config, "pagefind", object())


# -- mkdocs serve --------------------------------------------------------------------------


def test_set_aside_moves_the_last_pages_and_discard_deletes_them(tmp_path):
    site = tmp_path / "mkdocs_x"
    site.mkdir()
    assert freeze.set_aside(str(site)) is None  # nothing built yet
    (site / "a").mkdir()
    (site / "a" / "index.html").write_text("<p>a</p>", encoding="utf-8")
    aside = freeze.set_aside(str(site))
    assert aside is not None and (aside / "a" / "index.html").read_text(encoding="utf-8") == "<p>a</p>"
    assert site.is_dir() and not any(site.iterdir())  # MkDocs' folder, empty, still there
    freeze.discard(aside, wait=True)
    assert not aside.exists()


def _get(url: str) -> bytes | None:
    """A served page without the script the live-reload server puts in each response."""
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            body = r.read()
    except OSError:
        return None
    return re.sub(rb"<script>(?:(?!</script>).)*livereload\(\d+, \d+\);\s*</script>", b"", body, flags=re.S)


@pytest.mark.slow
def test_serve_links_unchanged_posts_from_its_last_build(tmp_path):
    import time

    project = _project(tmp_path / "s")
    log = tmp_path / "serve.log"
    with mkdocs_serve(project, log, SOURCE_DATE_EPOCH="1700000000") as (proc, base):

        def wait_for(cond, what):
            deadline = time.monotonic() + 120
            while not cond():
                assert proc.poll() is None, log.read_text()
                assert time.monotonic() < deadline, f"{what}:\n" + log.read_text()
                time.sleep(0.3)

        wait_for(lambda: "Serving on" in log.read_text(), "never served")
        record = json.loads((project / ".newsbrief-cache" / freeze.SERVE_RECORD_FILE).read_text(encoding="utf-8"))
        dests = sorted(fields[2] for fields in record["posts"].values())
        before = {d: _get(base + d.removesuffix("index.html")) for d in dests}
        assert all(before.values())
        _add(project / "seeds")
        wait_for(lambda: log.read_text().count("Documentation built") >= 2, "no rebuild")
        frozen, built = _frozen(log.read_text())
        assert frozen > built >= 1
        after = {d: _get(base + d.removesuffix("index.html")) for d in dests}
        # Every page still served; most are the very same (the new brief's neighbours changed).
        assert all(after.values())
        assert sum(after[d] == before[d] for d in dests) >= frozen - 2
        warnings = [ln for ln in log.read_text().splitlines() if "WARNING" in ln and "code 404" not in ln]
        assert warnings == []
