"""Issue #15 item 5 (round 10): the posts folder's files are written by a few threads,
each folder's files by one of them. Creating a file and renaming it into a folder both
take that folder's lock in the kernel; two threads writing one folder spun on it (perf:
~7.6 % of a cold 10k conversion's CPU in rename's rwsem spin). The files, the manifest
and the report are those one thread writes (tests/convert/test_conv9_writes.py)."""

from __future__ import annotations

import threading
import time
from collections import defaultdict

from builder.output import posts
from builder.output.posts import PostsFolder


def _files(n):
    return {f"{2020 + i % 3}/{i % 4 + 1:02d}/brief-{i:04d}.md": b"---\nid: x\n---\n" + str(i).encode() * 40
            for i in range(n)}


def test_each_folder_is_written_by_one_thread_and_the_threads_share_the_folders(tmp_path, monkeypatch):
    monkeypatch.setattr(posts, "WRITERS", 3)
    monkeypatch.setattr(posts, "_MANY", 2)
    real = posts.replace_file
    writers: dict[str, set[int]] = defaultdict(set)

    def recorded(target, data):  # slow enough that a shared pool would spread a folder's files
        writers[target.parent.name + "/" + target.parent.parent.name].add(threading.get_ident())
        time.sleep(0.002)
        real(target, data)

    monkeypatch.setattr(posts, "replace_file", recorded)
    files = _files(240)
    report = PostsFolder(tmp_path).sync(files)
    assert sorted(report.written) == sorted(files)
    assert len(writers) == 12
    assert all(len(ids) == 1 for ids in writers.values()), writers
    assert len(set().union(*writers.values())) == 3  # the folders are dealt to every thread
    assert all((tmp_path / rel).read_bytes() == data for rel, data in files.items())


def test_few_files_are_written_by_the_calling_thread(tmp_path, monkeypatch):
    monkeypatch.setattr(posts, "WRITERS", 3)
    real = posts.replace_file
    threads: set[int] = set()

    def recorded(target, data):
        threads.add(threading.get_ident())
        real(target, data)

    monkeypatch.setattr(posts, "replace_file", recorded)
    PostsFolder(tmp_path).sync(_files(posts._MANY - 10))
    assert threads == {threading.get_ident()}


def test_a_folder_s_files_go_to_their_thread_a_batch_at_a_time(tmp_path, monkeypatch):
    monkeypatch.setattr(posts, "WRITERS", 2)
    monkeypatch.setattr(posts, "_MANY", 2)
    real = posts._write_batch
    batches: list[list[str]] = []

    def recorded(batch):
        batches.append([t.parent.name for t, _ in batch])
        real(batch)

    monkeypatch.setattr(posts, "_write_batch", recorded)
    files = {f"2024/{i // 100 + 1:02d}/brief-{i:04d}.md": str(i).encode() for i in range(300)}  # 3 folders
    report = PostsFolder(tmp_path).sync(files)
    assert sorted(report.written) == sorted(files)
    assert all(len(set(b)) == 1 for b in batches)  # one folder a batch
    assert 3 <= len(batches) <= 3 * (100 // posts._BATCH + 1)  # not a hand-over a file
    assert all((tmp_path / rel).read_bytes() == data for rel, data in files.items())
