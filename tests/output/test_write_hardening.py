"""Issue 11, findings 1, 5, 14, 16: the builder writes and deletes only its own files,
replaces only a site folder, runs one at a time with its MkDocs child tied to it, and
reports I/O failures and odd file names in one printable line."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import resource
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from fixture_dumps import REPO as ROOT

from builder import cli
from builder.console import printable
from builder.output import lock, store
from builder.output import posts as write
from builder.output.lock import project_lock
from builder.output.posts import MANIFEST, PostsFolder
from builder.pipeline import convert
from builder.rules import load_rules
from builder.site import build as site

RULES = load_rules()

ENV = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONPATH=str(ROOT))
PARA = "A paragraph of text that is long enough to be a paragraph of the article, with a verb in it."
HAND = "# My notes\n\nWritten by hand, not by newsbrief.\n"


def dump(ident: str, title: str, date: str = "May 13, 2025", extra: str = "") -> str:
    extra = extra or "Second paragraph of the article, also long enough."
    return f"{ident}\n\n{title}\n\n{date}\n\n{PARA}\n\n{extra}\n"


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "seeds").mkdir()
    (tmp_path / "docs").mkdir()
    (tmp_path / "seeds" / "other.txt").write_text(dump("1_-1-1", "Council backs flood wall"))
    return tmp_path


def run(posts: Path):
    return convert(["seeds"], RULES, posts)


def manifest(posts: Path) -> dict:
    return json.loads((posts / MANIFEST).read_text())


def pages_of(result) -> dict[str, str]:
    return {o.source_path: o.page for o in result.outcomes if o.status == "ok"}


# -- #1: ownership of every write and every delete ---------------------------------------------

def test_hand_written_page_is_never_overwritten_nor_deleted_and_the_brief_takes_a_free_name(project):
    posts = project / "docs" / "posts"
    mine = posts / "2025" / "05" / "my-notes.md"
    mine.parent.mkdir(parents=True)
    mine.write_text(HAND)
    (project / "seeds" / "notes.txt").write_text(dump("2_-1-1", "My Notes"))
    result = run(posts)
    assert mine.read_text() == HAND
    assert pages_of(result)["seeds/notes.txt"] == "docs/posts/2025/05/my-notes-2.md"
    assert (posts / "2025/05/my-notes-2.md").read_text().startswith("---\ntitle: My Notes\n")
    assert "2025/05/my-notes.md" not in manifest(posts)["files"]
    (project / "seeds" / "notes.txt").unlink()
    result = run(posts)
    assert mine.read_text() == HAND
    assert not (posts / "2025/05/my-notes-2.md").exists()
    assert "2025/05/my-notes-2.md" in result.write.deleted


def test_the_writer_refuses_a_foreign_file_even_when_the_pipeline_does_not_avoid_it(project):
    posts = project / "docs" / "posts"
    mine = posts / "2025" / "05" / "x.md"
    mine.parent.mkdir(parents=True)
    mine.write_text(HAND)
    folder = PostsFolder(posts)
    report = folder.sync({"2025/05/x.md": b"generated\n", ".authors.yml": b"authors: {}\n"})
    assert mine.read_text() == HAND
    assert report.refused == [("2025/05/x.md", write.NOT_OURS)]
    assert report.written == [".authors.yml"]
    report = PostsFolder(posts).sync({})
    assert mine.read_text() == HAND and report.deleted == [".authors.yml"]


def test_a_page_edited_by_hand_keeps_its_url_and_is_neither_overwritten_nor_deleted(project):
    posts = project / "docs" / "posts"
    first = pages_of(run(posts))["seeds/other.txt"]
    page = project / first
    edited = page.read_text().replace("flood wall", "flood wall (corrected by the desk)")
    page.write_text(edited)
    (project / "seeds" / "other.txt").write_text(dump("1_-1-1", "Council backs flood wall", extra="Changed text here, "
                                                      "which makes the page change as well, surely."))
    result = run(posts)
    assert pages_of(result)["seeds/other.txt"] == first  # its URL does not move
    assert page.read_text() == edited
    assert (first.removeprefix("docs/posts/"), write.EDITED) in result.write.refused
    (project / "seeds" / "other.txt").unlink()
    result = run(posts)
    assert page.read_text() == edited
    assert (first.removeprefix("docs/posts/"), write.EDITED_KEPT) in result.write.refused
    assert first.removeprefix("docs/posts/") not in manifest(posts)["files"]  # a hand-written page now


def test_manifest_records_the_sha256_of_every_file_written(project):
    import hashlib

    posts = project / "docs" / "posts"
    run(posts)
    files = manifest(posts)["files"]
    assert files and manifest(posts)["format"] == 2
    for rel, sha in files.items():
        assert hashlib.sha256((posts / rel).read_bytes()).hexdigest() == sha


def test_a_lost_manifest_moves_no_url_and_costs_no_hand_written_file(project):
    posts = project / "docs" / "posts"
    (project / "seeds" / "notes.txt").write_text(dump("2_-1-1", "My Notes"))
    before = pages_of(run(posts))
    (posts / "2025/05/hand.md").write_text(HAND)
    (posts / MANIFEST).unlink()
    result = run(posts)
    assert pages_of(result) == before  # generated pages are recognised: no URL moves
    assert result.write.refused == [] and (posts / "2025/05/hand.md").read_text() == HAND
    assert "2025/05/hand.md" not in manifest(posts)["files"]
    # without its manifest, a page that would change is left alone (it may be someone's)
    (posts / MANIFEST).unlink()
    (project / "seeds" / "notes.txt").write_text(dump("2_-1-1", "My Notes", extra="A different second paragraph "
                                                      "that changes the page of this brief."))
    result = run(posts)
    assert [r for r, _ in result.write.refused] == [before["seeds/notes.txt"].removeprefix("docs/posts/")]


@pytest.mark.parametrize("tamper", ["v2-bogus-hash", "legacy-list", "garbage"])
def test_a_tampered_manifest_never_deletes_a_foreign_file(project, tamper):
    posts = project / "docs" / "posts"
    run(posts)
    hand = posts / "2025" / "05" / "hand.md"
    hand.write_text(HAND)
    m = manifest(posts)
    if tamper == "v2-bogus-hash":
        m["files"]["2025/05/hand.md"] = "0" * 64
    elif tamper == "legacy-list":
        m = {"generator": "newsbrief", "files": [*m["files"], "2025/05/hand.md"]}
    else:
        m = {"files": 7}
    (posts / MANIFEST).write_text(json.dumps(m))
    run(posts)
    (project / "seeds" / "notes.txt").write_text(dump("2_-1-1", "Hand"))  # would slug to hand.md
    result = run(posts)
    assert hand.read_text() == HAND
    assert pages_of(result)["seeds/notes.txt"] != "docs/posts/2025/05/hand.md" or \
        ("2025/05/hand.md", write.EDITED) in result.write.refused


def test_a_format_1_manifest_is_migrated(project):
    posts = project / "docs" / "posts"
    (project / "seeds" / "notes.txt").write_text(dump("2_-1-1", "My Notes"))
    pages = pages_of(run(posts))
    files = sorted(manifest(posts)["files"])
    hand = posts / "2025/05/hand.md"
    hand.write_text(HAND)
    (posts / MANIFEST).write_text(json.dumps({"generator": "newsbrief", "files": [*files, "2025/05/hand.md"]}))
    (project / "seeds" / "notes.txt").unlink()
    result = run(posts)
    assert not (project / pages["seeds/notes.txt"]).exists()  # looks generated: ours, removed
    assert hand.read_text() == HAND  # listed, but does not look generated: left alone
    assert ("2025/05/hand.md", write.EDITED_KEPT) in result.write.refused
    assert isinstance(manifest(posts)["files"], dict) and "2025/05/hand.md" not in manifest(posts)["files"]


def test_a_run_killed_after_writing_still_owns_what_it_wrote(project, monkeypatch):
    posts = project / "docs" / "posts"
    page = project / pages_of(run(posts))["seeds/other.txt"]
    (project / "seeds" / "other.txt").write_text(dump("1_-1-1", "Council backs flood wall", extra="New text of "
                                                      "the second paragraph, long enough to count."))
    real_save = PostsFolder._save
    calls = []

    def die_on_final_save(self, files, pending=None, legacy=None):
        calls.append(pending)
        if len(calls) == 2:
            raise KeyboardInterrupt  # killed after the pages were written, before the manifest
        return real_save(self, files, pending, legacy)

    monkeypatch.setattr(PostsFolder, "_save", die_on_final_save)
    with pytest.raises(KeyboardInterrupt):
        run(posts)
    monkeypatch.undo()
    assert "New text" in page.read_text()
    (project / "seeds" / "other.txt").unlink()
    result = run(posts)
    assert not page.exists() and result.write.refused == []


def test_symbolic_links_in_the_posts_folder_are_never_followed(project, tmp_path_factory):
    posts = project / "docs" / "posts"
    outside = tmp_path_factory.mktemp("outside")
    secret = outside / "secret.md"
    secret.write_text("precious\n")
    (posts / "2025" / "05").mkdir(parents=True)
    (posts / "2025" / "05" / "council-backs-flood-wall.md").symlink_to(secret)
    result = run(posts)
    assert secret.read_text() == "precious\n"
    assert pages_of(result)["seeds/other.txt"] == "docs/posts/2025/05/council-backs-flood-wall-2.md"
    # a month folder that is a link out of the posts folder: refused, one line, nothing written there
    (project / "seeds" / "june.txt").write_text(dump("3_-1-1", "June brief", date="June 2, 2025"))
    (posts / "2025" / "06").symlink_to(outside, target_is_directory=True)
    result = run(posts)
    assert ("2025/06/june-brief.md", write.OUTSIDE) in result.write.refused
    assert sorted(p.name for p in outside.iterdir()) == ["secret.md"]
    (project / "seeds" / "other.txt").unlink()
    run(posts)
    assert secret.read_text() == "precious\n" and (posts / "2025/05/council-backs-flood-wall.md").is_symlink()


# -- #16: modes, one-line I/O errors, printable summaries ------------------------------------

def test_files_get_the_mode_of_any_new_file(project):
    posts = project / "docs" / "posts"
    old = os.umask(0o027)
    store._umask = None
    try:
        run(posts)
        modes = {stat.S_IMODE(p.stat().st_mode) for p in posts.rglob("*") if p.is_file()}
        assert modes == {0o640}
    finally:
        os.umask(old)
        store._umask = None
    page = next(posts.rglob("council-backs-flood-wall.md"))
    page.chmod(0o600)  # what versions before this one left
    (project / "seeds" / "other.txt").touch()
    convert(["seeds"], RULES, posts)
    assert stat.S_IMODE(page.stat().st_mode) == 0o666 & ~old


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS, errno.EACCES])
def test_an_io_error_is_one_line_and_exit_3(project, monkeypatch, capsys, code):
    real = os.replace

    def fail(src, dst, *a, **k):
        if "posts" in str(dst) and str(dst).endswith(".md"):
            raise OSError(code, os.strerror(code))
        return real(src, dst, *a, **k)

    monkeypatch.setattr(store.os, "replace", fail)
    assert cli.main(["convert", "-q"]) == cli.EXIT_IO
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("newsbrief: error: cannot write docs/posts/2025/05/council-backs-flood-wall.md: ")
    assert err.endswith(os.strerror(code) + "\n")
    assert not list(project.rglob(".nb-*.tmp"))


def _mount_tmpfs(where: Path, options: str) -> bool:
    if os.geteuid() != 0:
        return False
    where.mkdir(parents=True, exist_ok=True)
    return subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)],
                          capture_output=True).returncode == 0


def test_real_kernel_write_errors_are_one_line(project):
    """Real errors from the kernel, not injected ones: a file-size limit (EFBIG) always;
    a full and a read-only tmpfs when this process may mount (root in a privileged
    container), else a read-only folder by permissions (non-root)."""
    big = dump("4_-1-1", "Big brief", extra=" ".join([PARA] * 40))
    (project / "seeds" / "big.txt").write_text(big)

    def limit():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (3000, 3000))

    p = subprocess.run([sys.executable, "-m", "builder", "convert", "-q", "--no-cache"], cwd=project, env=ENV,
                       capture_output=True, text=True, preexec_fn=limit)
    assert p.returncode == cli.EXIT_IO, p.stderr
    assert p.stderr.count("\n") == 1 and p.stderr.endswith(": File too large\n")
    assert p.stderr.startswith("newsbrief: error: cannot write docs/posts/")
    cases = []
    full, ro = project / "full", project / "ro"
    if _mount_tmpfs(full / "docs", "size=16k"):
        cases.append((full, "No space left on device"))
    if _mount_tmpfs(ro / "docs", "ro,size=16k"):
        cases.append((ro, "Read-only file system"))
    elif os.geteuid() != 0:
        (ro / "docs").mkdir(parents=True)
        (ro / "docs").chmod(0o555)
        cases.append((ro, "Permission denied"))
    assert cases or os.geteuid() == 0
    try:
        for where, reason in cases:
            (where / "seeds").mkdir()
            (where / "seeds" / "big.txt").write_text(big)
            p = subprocess.run([sys.executable, "-m", "builder", "convert", "-q"], cwd=where, env=ENV,
                               capture_output=True, text=True)
            assert p.returncode == cli.EXIT_IO, p.stderr
            assert p.stderr.count("\n") == 1 and p.stderr.endswith(f": {reason}\n"), p.stderr
    finally:
        for where in (full, ro):
            subprocess.run(["umount", str(where / "docs")], capture_output=True)


def test_printable_escapes_controls_only():
    assert printable("Сибирские барсы — café.txt") == "Сибирские барсы — café.txt"
    assert printable("a\nnewsbrief: 0 dumps") == "a\\nnewsbrief: 0 dumps"
    assert printable("x\x1b[31m\r\t\x7f\x85") == "x\\x1b[31m\\r\\t\\x7f\\x85"
    assert printable("Invoice \u202egnp.exe") == "Invoice \\u202egnp.exe"
    assert printable("line\u2028sep") == "line\\u2028sep"
    assert printable("bad\udcffbyte") == "bad\\xffbyte"


def test_a_file_name_with_a_newline_cannot_forge_a_summary_line(project, capfd):
    (project / "seeds" / "x\nnewsbrief: 0 dumps: all fine\n.txt").write_text("")
    (project / "seeds" / "\u202eevil.txt").write_text("")
    assert cli.main(["convert", "-q"]) == cli.EXIT_OK
    err = capfd.readouterr().err
    lines = err.splitlines()
    assert lines[0].startswith("newsbrief: 3 dumps: 1 published, 2 rejected")
    assert "  rejected   seeds/x\\nnewsbrief: 0 dumps: all fine\\n.txt: empty file" in lines
    assert "  rejected   seeds/\\u202eevil.txt: empty file" in lines
    assert not any(line.startswith("newsbrief: 0 dumps") for line in lines)


# -- #5: the site folder ------------------------------------------------------------------

@pytest.fixture
def mkproject(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mkdocs.yml").write_text("site_name: t\nsite_url: !ENV [X, 'http://x/']\n"
                                         "plugins:\n  - search\n")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Home\n")
    (tmp_path / "docs" / "hand.md").write_text(HAND)
    (tmp_path / "seeds").mkdir()
    return tmp_path


@pytest.mark.parametrize("site_dir", ["docs", ".", "..", "seeds", "docs/site", "docs/../docs",
                                      "seeds/out", "notes", "link-to-docs", "a-file"])
def test_site_dir_that_would_lose_files_is_refused(mkproject, site_dir):
    (mkproject / "notes").mkdir()
    (mkproject / "notes" / "todo.txt").write_text("mine\n")
    (mkproject / "link-to-docs").symlink_to(mkproject / "docs")
    (mkproject / "a-file").write_text("x")
    with pytest.raises(site.SiteDirError):
        site.check_site_dir(site_dir, "mkdocs.yml")


def test_site_dir_that_holds_only_a_site_is_accepted(mkproject):
    assert site.check_site_dir("site", "mkdocs.yml") == mkproject / "site"  # missing: fine
    (mkproject / "empty").mkdir()
    site.check_site_dir("empty", "mkdocs.yml")
    (mkproject / "old").mkdir()  # what plain `mkdocs build` leaves
    (mkproject / "old" / "index.html").write_text("<html></html>")
    (mkproject / "old" / "sitemap.xml.gz").write_bytes(b"")
    site.check_site_dir("old", "mkdocs.yml")
    (mkproject / "built").mkdir()
    (mkproject / "built" / site.STAMP).write_text(site.STAMP_TEXT)
    (mkproject / "built" / "x.html").write_text("")
    site.check_site_dir("built", "mkdocs.yml")
    (mkproject / "cfg").mkdir()  # docs_dir and seeds as mkdocs.yml names them
    (mkproject / "cfg" / "mkdocs.yml").write_text("site_name: t\ndocs_dir: ../pages\nmarkdown_extensions:\n"
                                                 "  - x:\n      y: !!python/name:os.getcwd\nplugins:\n"
                                                 "  - newsbrief: {seeds: ../in}\n")
    for bad in ("pages", "in"):
        with pytest.raises(site.SiteDirError):
            site.check_site_dir(bad, "cfg/mkdocs.yml")


def test_build_into_the_docs_folder_is_refused_in_one_line_and_touches_nothing(mkproject):
    before = sorted(p.name for p in (mkproject / "docs").iterdir())
    p = subprocess.run([sys.executable, "-m", "builder", "build", "-d", "docs"], cwd=mkproject, env=ENV,
                       capture_output=True, text=True)
    assert p.returncode == cli.EXIT_USAGE
    assert p.stderr.count("\n") == 1 and p.stderr.startswith("newsbrief: error: site dir 'docs' is the docs folder")
    assert sorted(p.name for p in (mkproject / "docs").iterdir()) == before
    assert (mkproject / "docs" / "hand.md").read_text() == HAND


def test_build_stamps_its_site_and_replaces_it_next_time(mkproject):
    def build():
        return subprocess.run([sys.executable, "-m", "builder", "build"], cwd=mkproject, env=ENV,
                              capture_output=True, text=True)

    assert build().returncode == 0
    assert (mkproject / "site" / site.STAMP).is_file() and (mkproject / "site" / "index.html").is_file()
    assert stat.S_IMODE((mkproject / "site" / "index.html").stat().st_mode) == 0o644
    p = build()
    assert p.returncode == 0, p.stderr
    # Only the replaced site is left beside it, renamed aside and being deleted by a
    # detached process (site/build.py remove_later): gone within a minute.
    left = [q.name for q in mkproject.glob("site.*")]
    assert all(name.startswith("site.trash-") for name in left), left
    deadline = time.monotonic() + 60
    while list(mkproject.glob("site.*")) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not list(mkproject.glob("site.*"))


# -- #14: one run at a time; the MkDocs child dies with its parent ---------------------------------------

def test_a_second_run_fails_at_once_with_exit_4_or_waits(project):
    def nb(*args):
        return subprocess.run([sys.executable, "-m", "builder", "convert", "-q", *args], cwd=project, env=ENV,
                              capture_output=True, text=True)

    with project_lock(project):
        t0 = time.monotonic()
        p = nb()
        assert p.returncode == cli.EXIT_BUSY and time.monotonic() - t0 < 10
        assert p.stderr.count("\n") == 1
        assert p.stderr.startswith(f"newsbrief: error: another newsbrief run (pid {os.getpid()}) is working in")
        assert "--wait" in p.stderr
        p = nb("--wait", "0.3")
        assert p.returncode == cli.EXIT_BUSY and "waiting for another run" in p.stderr
        assert not (project / "docs" / "posts").exists()
    release = threading.Event()

    def hold():
        with project_lock(project):
            release.wait()

    t = threading.Thread(target=hold)
    t.start()
    time.sleep(0.2)
    # the holder lets go once the child says it waits (not after a fixed time: a child
    # started on a busy machine may take longer than that to get there)
    child = subprocess.Popen([sys.executable, "-m", "builder", "convert", "-q", "--wait", "60"], cwd=project,
                             env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    fallback = threading.Timer(60.0, release.set)
    fallback.start()
    first = child.stderr.readline()
    release.set()
    fallback.cancel()
    _, err = child.communicate(timeout=120)
    t.join()
    assert child.returncode == 0, first + err
    assert "waiting for another run" in first and (project / "docs" / "posts").is_dir()


def test_the_lock_is_reentrant_and_passed_to_the_mkdocs_child_only(project, monkeypatch):
    with project_lock(project), project_lock(project):
        pass
    env = lock.lock_env(project)
    monkeypatch.setenv(lock.LOCK_ENV, env[lock.LOCK_ENV])  # names this process, not our parent
    with project_lock(project):  # so it is taken for real, and a child named by it skips it
        code = subprocess.run([sys.executable, "-c", "from builder.output.lock import project_lock\n"
                               "with project_lock('.'): print('ok')"], cwd=project, capture_output=True,
                              text=True, env=dict(ENV, **env))
        assert code.stdout == "ok\n"
        code = subprocess.run([sys.executable, "-c", "from builder.output.lock import project_lock\n"
                               "with project_lock('.'): print('ok')"], cwd=project, capture_output=True,
                              text=True, env=ENV)
        assert code.returncode != 0 and "Busy" in code.stderr


HOOK = """
import os, time
def on_config(config):
    open(os.environ["READY"], "w").write(str(os.getpid()))
    time.sleep(60)
"""


def _children(pid: int) -> list[int]:
    with contextlib.suppress(OSError):
        return [int(x) for x in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    return []


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.parametrize("how", ["SIGKILL", "SIGTERM"])
def test_the_mkdocs_child_dies_with_newsbrief_build(mkproject, how):
    (mkproject / "hook.py").write_text(HOOK)
    with (mkproject / "mkdocs.yml").open("a") as f:
        f.write("hooks:\n  - hook.py\n")
    ready = mkproject / "ready"
    proc = subprocess.Popen([sys.executable, "-m", "builder", "build"], cwd=mkproject,
                            env=dict(ENV, READY=str(ready)), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    deadline = time.monotonic() + 60
    while not ready.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    child = int(ready.read_text())
    assert child in _children(proc.pid)
    proc.send_signal(getattr(signal, how))
    _, err = proc.communicate(timeout=30)
    deadline = time.monotonic() + 10
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(child)
    if how == "SIGTERM":
        assert proc.returncode == 128 + signal.SIGTERM
        assert err.splitlines()[-1] == ("newsbrief: error: interrupted by SIGTERM; the previous site was left "
                                        "in place")
        assert not list(mkproject.glob("site.partial-*"))
    else:
        assert proc.returncode == -signal.SIGKILL
    (mkproject / "mkdocs.yml").write_text((mkproject / "mkdocs.yml").read_text().replace("hooks:\n  - hook.py\n",
                                                                                          ""))
    p = subprocess.run([sys.executable, "-m", "builder", "build"], cwd=mkproject, env=ENV, capture_output=True,
                       text=True)
    assert p.returncode == 0, p.stderr  # the lock is free again; what was left is cleaned
    assert not list(mkproject.glob("site.partial-*")) and (mkproject / "site" / "index.html").is_file()


def test_a_second_build_fails_at_once_and_leaves_the_site_alone(mkproject):
    (mkproject / "site").mkdir()
    (mkproject / "site" / site.STAMP).write_text(site.STAMP_TEXT)
    with project_lock(mkproject):
        p = subprocess.run([sys.executable, "-m", "builder", "build"], cwd=mkproject, env=ENV,
                           capture_output=True, text=True)
    assert p.returncode == cli.EXIT_BUSY and p.stderr.count("\n") == 1
    assert sorted(x.name for x in (mkproject / "site").iterdir()) == [site.STAMP]
