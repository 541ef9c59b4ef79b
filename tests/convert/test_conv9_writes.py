"""The posts folder written by a few threads (issue #15 item 5: writing ~12,400 files was
the largest serial step left of a cold conversion at 10k, nearly all kernel time): the
same files, manifest and report as one thread writing them in order, with files to
write, to keep, to refuse and to delete, two paths that lead to one file, and a write
that fails (the first failing file in order is the one reported; the manifest still owns
every file the run was writing)."""

from __future__ import annotations

import json
import os
import time

import pytest

from builder.output import posts, store
from builder.output.posts import MANIFEST, PostsFolder
from builder.output.store import WriteError


def _state(root):
    out = {}
    for folder, _, names in os.walk(root):
        for name in names:
            path = os.path.join(folder, name)
            out[os.path.relpath(path, root)] = open(path, "rb").read()  # noqa: SIM115
    return out


def _files(n, salt=b""):
    return {f"{2020 + i % 5}/{i % 12 + 1:02d}/brief-{i:05d}.md": b"---\nid: x\n---\n" + salt + str(i).encode() * 50
            for i in range(n)}


def _scenario(root):
    """Two runs: the first writes many files; between them a hand-written file, a page
    edited by hand and a folder that is a link to another; the second rewrites half,
    keeps some, drops some."""
    folder = PostsFolder(root)
    first = folder.sync(_files(600))
    (root / "2020" / "01" / "hand.md").write_bytes(b"mine")
    (root / "2021" / "02" / "brief-00001.md").write_bytes(b"edited by hand")
    os.symlink("01", root / "2020" / "alias")  # a folder inside leading to another one inside
    files = {rel: (data if i % 2 else None) for i, (rel, data) in enumerate(_files(500, b"v2").items())}
    files["2020/01/hand.md"] = b"generated"
    files["2020/alias/brief-00000.md"] = b"the same file by another path"
    files["2020/alias/new.md"] = b"new by another path"
    files["2020/01/new.md"] = b"new by its own path"
    second = PostsFolder(root).sync(files)
    return first, second


def _report(r):
    return r.written, r.unchanged, r.deleted, r.refused


def test_threads_write_what_one_thread_writes(tmp_path, monkeypatch):
    results = {}
    monkeypatch.setattr(posts, "_MANY", 2)  # threads for every run but the one-thread one
    real = posts.replace_file

    def slow(target, data):  # a write still under way when the next path is looked at
        if target.name == "new.md":
            time.sleep(0.3)
        real(target, data)

    monkeypatch.setattr(posts, "replace_file", slow)
    for writers in (1, 4):
        monkeypatch.setattr(posts, "WRITERS", writers)
        root = tmp_path / f"w{writers}"
        first, second = _scenario(root)
        results[writers] = (_report(first), _report(second), _state(root))
    assert results[1] == results[4]
    written, _, deleted, refused = results[4][1]
    assert len(written) >= 250 and deleted and refused  # every kind of decision was taken
    assert ("2020/alias/new.md", posts.NOT_OURS) in refused  # written by its own path first
    manifest = json.loads(results[4][2][MANIFEST])
    assert set(manifest["files"]) >= set(written)


@pytest.mark.parametrize("writers", [1, 4])
def test_the_first_failing_write_in_order_is_reported_and_the_manifest_owns_every_file(tmp_path, monkeypatch,
                                                                                      writers):
    monkeypatch.setattr(posts, "WRITERS", writers)
    monkeypatch.setattr(posts, "_MANY", 2)
    files = _files(400)
    failing = sorted(files)[300:]
    real = store.os.replace

    def replace(src, dst):
        if os.path.relpath(dst, tmp_path).replace(os.sep, "/") in failing:
            raise OSError(28, "No space left on device")
        return real(src, dst)

    monkeypatch.setattr(store.os, "replace", replace)
    with pytest.raises(WriteError) as e:
        PostsFolder(tmp_path).sync(files)
    assert str(e.value).endswith(f"{failing[0]}: No space left on device")
    monkeypatch.setattr(store.os, "replace", real)
    manifest = json.loads((tmp_path / MANIFEST).read_bytes())
    assert set(manifest["pending"]) == set(files)  # the next run knows every file as its own
    report = PostsFolder(tmp_path).sync(files)  # and finishes the job
    assert sorted(report.written) == failing and not report.refused
    assert {rel: data for rel, data in _state(tmp_path).items() if rel != MANIFEST} == files
