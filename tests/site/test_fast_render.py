"""`newsbrief serve`'s fast render (site/fast_render.py, issue #15: a new brief in the
browser in seconds at 10,000 briefs).

After a change, the changed briefs' pages are served before the rebuild ends (a hook in the
project's mkdocs.yml holds every rebuild back for a while, so "before" is observable), and
they are the pages the rebuild then serves, byte for byte, when the brief's authors,
publisher and tags already have pages; a removed brief is gone before the rebuild ends. The
rebuild goes into a folder of its own, so the served site stays whole meanwhile.
"""

from __future__ import annotations

import re
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from site_support import mkdocs_serve, seeded_project, waiter

from builder.site import fast_render, seams

_RELOAD = re.compile(rb"<script>(?:(?!</script>).)*livereload\(\d+, \d+\);\s*</script>", re.S)
HOLD = 8  # seconds every rebuild is held back before its end (the hook below)

# A MkDocs hook: every build but the first sleeps in on_post_build (before newsbrief's,
# priority -100, puts the rebuild's folder in place), so that the fast render's pages can
# be seen while the rebuild has not ended.
_HOOK = f"""
import time
_builds = []


def on_post_build(config):
    _builds.append(1)
    if len(_builds) > 1:
        time.sleep({HOLD})
"""


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.status, _RELOAD.sub(b"", r.read())
    except urllib.error.HTTPError as e:
        return e.code, b""
    except OSError:
        return 0, b""


def _project(tmp_path: Path, search: str | None = None) -> Path:
    project = seeded_project(tmp_path / "s", n=12, search=search)
    (project / "hold.py").write_text(_HOOK, encoding="utf-8")
    cfg = project / "mkdocs.yml"
    cfg.write_text(cfg.read_text(encoding="utf-8") + "\nhooks:\n  - hold.py\n", encoding="utf-8")
    return project


def _diff(a: bytes, b: bytes) -> list[str]:
    import difflib

    def lines(x: bytes) -> list[str]:
        return x.decode("utf-8", "replace").replace("><", ">\n<").splitlines()

    return list(difflib.unified_diff(lines(a), lines(b), "fast render", "rebuild", n=1, lineterm=""))[:60]


def _titles() -> list[str]:
    """The titles of seeded_project's dumps (made again from the same seed)."""
    import random

    from dumpgen import make_dump

    rng = random.Random(77)
    return [make_dump(rng).title for _ in range(12)]


def _url_of(project: Path, dump: str) -> str:
    """The served path of the brief made from seeds/<dump> (the archive index: YYYY/MM/slug.md)."""
    import json

    index = json.loads((project / "docs" / "posts" / ".newsbrief-index.json").read_text(encoding="utf-8"))
    pages = [page for page, entry in index.items() if entry.get("source") == f"seeds/{dump}"]
    assert len(pages) == 1, pages
    return pages[0].removesuffix(".md") + "/"


@pytest.mark.slow
@pytest.mark.parametrize("search", [None, "pagefind"])  # (under Pagefind, Material's search plugin is off)
def test_a_changed_brief_is_served_before_the_rebuild_ends_as_the_rebuild_serves_it(tmp_path, search):
    project = _project(tmp_path, search)
    log = tmp_path / "serve.log"
    with mkdocs_serve(project, log, SOURCE_DATE_EPOCH="1700000000") as (proc, base):

        wait_for = waiter(proc, log)

        wait_for(lambda: "Serving on" in log.read_text(), "never served")
        home_before, about_before = _get(base), _get(base + "about/")
        assert home_before[0] == 200 and about_before[0] == 200
        # An edit: the same dump (its author and publisher have pages) with another title.
        dump = project / "seeds" / "d003.txt"
        text = dump.read_text(encoding="utf-8")
        title = _titles()[3]
        assert title in text
        new_title = title + " Revised"
        dump.write_text(text.replace(title, new_title), encoding="utf-8")
        t0 = time.monotonic()

        def first_served():
            if "fast render:" not in log.read_text():
                return None
            status, body = _get(base + _url_of(project, "d003.txt"))
            return body if status == 200 and new_title.encode() in body else None

        first = wait_for(first_served, "the changed brief was never served")
        shown = time.monotonic() - t0
        built_then = log.read_text().count("Documentation built")
        assert built_then == 1, "the page came with the rebuild, not before it"
        # Meanwhile the rest of the site is served as it was (the rebuild has its own folder);
        # the home page shows the brief's new title (the first page of its blog's list).
        home = _get(base)
        assert home[0] == 200 and new_title.encode() in home[1], "\n".join(_diff(home_before[1], home[1]))
        assert _get(base + "about/") == about_before
        wait_for(lambda: log.read_text().count("Documentation built") >= 2, "the rebuild never ended")
        wait_for(lambda: "Reloading browsers" in log.read_text().split("fast render:")[-1], "no reload")
        after = _get(base + _url_of(project, "d003.txt"))
        assert after[0] == 200
        assert after[1] == first, "\n".join(_diff(first, after[1]))
        assert shown < HOLD + 60  # (not a timing claim: the loop above already proved the order)
        assert "fast render: " in log.read_text() and "browsers told to reload" in log.read_text()
        assert not [ln for ln in log.read_text().splitlines() if "WARNING" in ln and "code 404" not in ln]


@pytest.mark.slow
def test_a_removed_brief_is_gone_before_the_rebuild_ends(tmp_path):
    project = _project(tmp_path)
    log = tmp_path / "serve.log"
    with mkdocs_serve(project, log, SOURCE_DATE_EPOCH="1700000000") as (proc, base):

        wait_for = waiter(proc, log)

        wait_for(lambda: "Serving on" in log.read_text(), "never served")
        url = base + _url_of(project, "d005.txt")
        assert _get(url)[0] == 200
        (project / "seeds" / "d005.txt").unlink()
        wait_for(lambda: _get(url)[0] == 404, "the removed brief's page was still served")
        assert log.read_text().count("Documentation built") == 1, "gone with the rebuild, not before it"
        assert "1 deleted" in log.read_text()
        wait_for(lambda: log.read_text().count("Documentation built") >= 2, "the rebuild never ended")
        time.sleep(1)
        assert _get(url)[0] == 404
        assert _get(base)[0] == 200


def test_a_change_is_the_conversions_markdown_pages_and_what_else_it_wrote():
    from builder.output.posts import WriteReport

    report = WriteReport(written=["2024/10/a.md", ".authors.yml", "digests/2024/10/d.md"],
                         deleted=["2023/01/b.md"])
    change = fast_render.Change.of(report, "posts")
    assert change.pages == ["posts/2024/10/a.md", "posts/digests/2024/10/d.md"]
    assert change.removed == ["posts/2023/01/b.md"]
    assert "posts/.authors.yml" in change.written
    assert fast_render.Change.of(None, "posts") == fast_render.Change([], [], set())


def test_the_seam_holds_for_mkdocs_own_server_and_not_for_another(tmp_path):
    from mkdocs.livereload import LiveReloadServer

    server = LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=0, root=str(tmp_path))
    try:
        assert seams.check("serve-fast-render", server=server) is None
        del server._epoch_cond
        assert seams.check("serve-fast-render", server=server) is not None
    finally:
        server.server_close()

    class Other:
        root = str(tmp_path)

    assert "not MkDocs' LiveReloadServer" in seams.check("serve-fast-render", server=Other())


_BROKEN_SERVE = """
import sys
from mkdocs.livereload import LiveReloadServer
loop = LiveReloadServer._build_loop
def _build_loop(self):  # the same loop, another source: the seam's check fails
    return loop(self)
LiveReloadServer._build_loop = _build_loop
sys.argv = ["mkdocs", "serve", "--livereload", "-a", sys.argv[1], "-f", "mkdocs.yml"]
from mkdocs.__main__ import cli
cli()
"""


@pytest.mark.slow
def test_a_broken_seam_serves_the_change_after_the_whole_rebuild(tmp_path):
    project = _project(tmp_path)
    log = tmp_path / "serve.log"
    with mkdocs_serve(project, log, _BROKEN_SERVE, SOURCE_DATE_EPOCH="1700000000") as (proc, base):
        wait_for = waiter(proc, log)

        wait_for(lambda: "Serving on" in log.read_text(), "never served")
        assert log.read_text().count("seam 'serve-fast-render'") == 1
        dump = project / "seeds" / "d003.txt"
        title = _titles()[3]
        dump.write_text(dump.read_text(encoding="utf-8").replace(title, title + " Revised"), encoding="utf-8")
        wait_for(lambda: _get(base + _url_of(project, "d003.txt"))[0] == 200
                 and (title + " Revised").encode() in _get(base + _url_of(project, "d003.txt"))[1],
                 "the changed brief was never served")
        # Served only once the whole rebuild was (requests wait for it, as in stock MkDocs).
        assert log.read_text().count("Documentation built") >= 2
        assert "fast render:" not in log.read_text()
        assert log.read_text().count("seam 'serve-fast-render'") == 1


def _newest_dump_by(author_of: int):
    """A new dump dated after every seeded one, by the author and publisher of seeded dump
    number `author_of` (whose pages exist), with a text of its own."""
    import datetime as dt
    import random

    from dumpgen import make_dump

    rng = random.Random(77)
    old = [make_dump(rng) for _ in range(12)][author_of]
    new = make_dump(random.Random(-31), day=dt.date(2026, 6, 1))

    def credit(d):
        return " and ".join(d.authors) + (f", {d.publisher}" if d.publisher else "")

    text = new.text.replace(credit(new), credit(old))
    text = text.replace(f"\n{new.authors[0].split()[0]}\n", f"\n{old.authors[0].split()[0]}\n")
    return new.title, text


@pytest.mark.slow
def test_a_new_newest_brief_is_on_the_home_page_before_the_rebuild_ends(tmp_path):
    project = _project(tmp_path)
    log = tmp_path / "serve.log"
    with mkdocs_serve(project, log, SOURCE_DATE_EPOCH="1700000000") as (proc, base):

        wait_for = waiter(proc, log)

        wait_for(lambda: "Serving on" in log.read_text(), "never served")
        title, text = _newest_dump_by(3)
        assert title.encode() not in _get(base)[1]
        (project / "seeds" / "n-new.txt").write_text(text, encoding="utf-8")

        def home_with_it():
            if "fast render:" not in log.read_text():
                return None
            status, body = _get(base)
            return body if status == 200 and title.encode() in body else None

        first = wait_for(home_with_it, "the home page never listed the new brief")
        assert log.read_text().count("Documentation built") == 1, "listed with the rebuild, not before it"
        wait_for(lambda: log.read_text().count("Documentation built") >= 2, "the rebuild never ended")
        wait_for(lambda: "Reloading browsers" in log.read_text().split("fast render:")[-1], "no reload")
        after = _get(base)
        assert after[0] == 200
        assert after[1] == first, "\n".join(_diff(first, after[1]))
