"""The frozen pages are put in place by a child process (freeze._LINK_CHILD), or a thread
where no process can be started: each page linked (same inode), its folders made, and a
failure raised by ``wait()`` as one line naming the cause."""

from __future__ import annotations

import os
import subprocess

import pytest

from builder.site import freeze


def _freezer(tmp_path, pages: list[str]):
    old, new = tmp_path / "site", tmp_path / "site.partial-1"
    f = freeze.Freezer(tmp_path / "record.json", old, None, None, None, tmp_path / "drawers")
    for page in pages:
        (old / page).parent.mkdir(parents=True, exist_ok=True)
        (old / page).write_text(f"<p>{page}</p>", encoding="utf-8")
        f._targets.append((str(old / page), str(new / page)))
    return f, old, new


PAGES = ["2024/01/a/index.html", "2024/01/b/index.html", "2025/12/c d/index.html", "index.html"]


def test_child_links_every_page(tmp_path):
    f, old, new = _freezer(tmp_path, PAGES)
    f._start_linking()
    assert isinstance(f._linker, subprocess.Popen)
    f.wait()
    for page in PAGES:
        assert os.stat(new / page).st_ino == os.stat(old / page).st_ino


def test_thread_where_no_process_can_start(tmp_path, monkeypatch):
    def refuse(*a, **k):
        raise OSError("no processes")

    monkeypatch.setattr(freeze.subprocess, "Popen", refuse)
    f, old, new = _freezer(tmp_path, PAGES)
    f._start_linking()
    f.wait()
    for page in PAGES:
        assert os.stat(new / page).st_ino == os.stat(old / page).st_ino


def test_failure_is_raised_with_its_cause(tmp_path):
    f, old, new = _freezer(tmp_path, PAGES)
    f._targets.append((str(old / "gone.html"), str(new / "gone.html")))
    f._start_linking()
    with pytest.raises(OSError, match=r"frozen pages not put in place: .*No such file"):
        f.wait()
