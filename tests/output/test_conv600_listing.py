"""Issue #15 item 5 (round 10): sync() takes a file's absence from its folder's listing
(one scandir a folder) instead of two lstat() a file, which in a cold run each handed
the GIL to the writer threads. The files, the manifest and the report are those the
file-by-file look gives, with files to write, keep, refuse and delete, a folder link
that leads to another folder, and a file this run writes by one path and meets again by
another; a name there under another case or normal form is never taken as missing."""

from __future__ import annotations

import os
import unicodedata

from builder.output import posts
from builder.output.posts import PostsFolder, _Targets


def _state(root):
    out = {}
    for folder, _, names in os.walk(root):
        for name in names:
            path = os.path.join(folder, name)
            out[os.path.relpath(path, root)] = open(path, "rb").read()  # noqa: SIM115
    return out


def _files(n, salt=b""):
    return {f"{2020 + i % 3}/{i % 4 + 1:02d}/brief-{i:04d}.md": b"---\nid: x\n---\n" + salt + str(i).encode() * 30
            for i in range(n)}


def _scenario(root):
    first = PostsFolder(root).sync(_files(300))
    (root / "2020" / "01" / "hand.md").write_bytes(b"mine")
    (root / "2021" / "02" / "brief-0001.md").write_bytes(b"edited by hand")
    os.symlink("01", root / "2020" / "alias")
    (root / "2022" / "09").mkdir(parents=True)
    (root / "2022" / "09" / "Hand.md").write_bytes(b"mine too")  # hand.md's other spelling
    files = {rel: (data if i % 2 else None) for i, (rel, data) in enumerate(_files(280, b"v2").items())}
    files |= {"2020/01/hand.md": b"generated", "2020/alias/brief-0000.md": b"the same file by another path",
              "2020/01/new.md": b"new by its own path", "2020/alias/new.md": b"new by another path",
              "2023/01/fresh.md": b"a new folder", "2022/09/other.md": b"beside a hand-written file"}
    second = PostsFolder(root).sync(files)
    return [(r.written, r.unchanged, r.deleted, r.refused) for r in (first, second)], _state(root)


def test_listing_gives_what_looking_at_each_file_gives(tmp_path, monkeypatch):
    for threads in (1, 3):
        monkeypatch.setattr(posts, "WRITERS", threads)
        monkeypatch.setattr(posts, "_MANY", 2)
        fast = _scenario(tmp_path / f"fast{threads}")
        with monkeypatch.context() as m:
            m.setattr(_Targets, "absent", lambda self, target: False)
            slow = _scenario(tmp_path / f"slow{threads}")
        assert fast == slow
        reports, _ = fast
        assert ("2020/alias/new.md", posts.NOT_OURS) in reports[1][3]  # met again by another path
        assert "2023/01/fresh.md" in reports[1][0]


def test_a_cold_sync_looks_at_folders_not_files(tmp_path, monkeypatch):
    looked: list[str] = []
    real = os.lstat

    def lstat(path, *a, **k):
        looked.append(os.fspath(path))
        return real(path, *a, **k)

    monkeypatch.setattr(posts.os, "lstat", lstat)
    files = _files(600)
    report = PostsFolder(tmp_path).sync(files)
    monkeypatch.undo()
    assert sorted(report.written) == sorted(files)
    assert {rel: data for rel, data in _state(tmp_path).items() if rel in files} == files
    assert not [p for p in looked if p.endswith(".md")]  # no page looked at one by one


def test_another_spelling_of_a_name_is_not_absent(tmp_path):
    folder = tmp_path / "2025" / "01"
    folder.mkdir(parents=True)
    (folder / "Hand.md").write_bytes(b"x")
    (folder / unicodedata.normalize("NFD", "café.md")).write_bytes(b"y")
    targets = _Targets(tmp_path, tmp_path.resolve())
    assert not targets.absent(targets("2025/01/hand.md"))
    assert not targets.absent(targets("2025/01/" + unicodedata.normalize("NFC", "café.md")))
    assert targets.absent(targets("2025/01/other.md"))
    assert targets.absent(targets("2024/12/in-a-missing-folder.md"))
    written = targets("2025/01/other.md")
    targets.written.add(str(written))
    assert not targets.absent(written)  # this run's own file is looked at, never listed
