"""Round 12: a cold run finds the related briefs in a forked worker while this process
writes the pages (pipeline._start_related), the index and digests written after them
(PostsFolder.sync(files, later)); a batch's job whose worker failed is run again here
(output/fanout.py). Each gives exactly what the plain way gives."""

from __future__ import annotations

import json
import os
import random
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from dumpgen import make_dump
from fixture_dumps import REPO

from builder import pipeline
from builder.output import fanout, posts
from builder.output.posts import MANIFEST, PostsFolder
from builder.rules import load_rules

FAMILY = REPO / "tests" / "data" / "family"


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _convert(project: Path, workers: int):
    if not (project / "seeds").exists():  # made-up dumps that share tags and words: related briefs
        shutil.copytree(FAMILY, project / "seeds")
        rng = random.Random(12)
        for i in range(150):
            (project / "seeds" / f"d{i:03d}.txt").write_text(make_dump(rng).text, encoding="utf-8")
    return pipeline.convert([project / "seeds"], load_rules(), Path("docs/posts"), workers=workers,
                            cache_dir=project / ".cache", root=project)


def _cache(project: Path) -> dict[str, bytes]:
    # (the language model's copy is written by whichever run in this process first loads the model)
    return {k: v for k, v in _tree(project / ".cache").items() if not k.startswith(("langid-", "convert-"))}


def _related_in(monkeypatch, log: Path, die: bool = False) -> Callable[[], list[int]]:
    """pipeline._related_lists, recording the process it runs in (in `log`: a worker's
    memory is its own), and exiting there if `die` and it is not this one. Returns the
    function that reads the pids recorded."""
    real, me = pipeline._related_lists, os.getpid()

    def spy(*args, **kwargs):
        with open(log, "a") as f:
            f.write(f"{os.getpid()}\n")
        if die and os.getpid() != me:
            os._exit(3)  # a worker killed mid-job: nothing sent back
        return real(*args, **kwargs)

    monkeypatch.setattr(pipeline, "_related_lists", spy)
    return lambda: [int(x) for x in log.read_text().split()] if log.exists() else []


@pytest.mark.parametrize("die", [False, True])
def test_related_in_a_worker_gives_what_the_plain_run_gives(tmp_path, monkeypatch, die):
    plain, forked = tmp_path / "plain", tmp_path / "forked"
    _convert(plain, 1)
    monkeypatch.setattr(fanout, "THRESHOLD", 2)
    monkeypatch.setattr(fanout, "_CHUNK", 3)
    monkeypatch.setattr(fanout, "_POLL", 0.05)
    pids = _related_in(monkeypatch, tmp_path / "pids", die)
    result = _convert(forked, 2)
    pids = pids()
    # found in a worker (a fork's pid is never this one's), and if that worker died, here
    assert pids and pids[0] != os.getpid()
    assert (pids[-1] == os.getpid()) == die and len(pids) == (2 if die else 1)
    assert sum(bool(o.related) for o in result.outcomes) >= 5  # (the lists are set on the outcomes too)
    pages = _tree(plain / "docs" / "posts")
    assert len([p for p in pages if p.endswith(".md")]) >= 10 and ".newsbrief-index.json" in pages
    assert pages == _tree(forked / "docs" / "posts")
    assert _cache(plain) == _cache(forked)
    # and the next (+1-less) run reads that memo and changes nothing
    again = _convert(forked, 2)
    assert again.write.written == [] and _tree(forked / "docs" / "posts") == pages


def test_a_warm_run_finds_the_related_briefs_here(tmp_path, monkeypatch):
    # With the last run's memo, few lists are found again: not worth sending them back.
    project = tmp_path / "p"
    _convert(project, 2)
    (project / "seeds" / "d007.txt").unlink()
    monkeypatch.setattr(fanout, "THRESHOLD", 2)
    pids = _related_in(monkeypatch, tmp_path / "pids")
    _convert(project, 2)
    assert pids() == [os.getpid()]


def _files(n: int, tag: str) -> dict[str, bytes]:
    return {f"2024/0{1 + i % 3}/b{i:03d}.md": f"---\ntitle: {tag} {i}\n---\nbody {i}\n".encode() for i in range(n)}


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {k: v for k, v in _tree(folder).items()}


@pytest.mark.parametrize("many", [3, 300])  # (below and above posts._MANY: written here, or by threads)
def test_sync_with_later_files_is_sync_with_all_of_them(tmp_path, many):
    first = _files(many, "old") | {"x.md": b"x\n", "gone.md": b"gone\n", ".newsbrief-index.json": b"{}\n"}
    runs = []
    for name in ("all", "later"):
        folder = PostsFolder(tmp_path / name)
        folder.sync(first)
        (tmp_path / name / "hand.md").write_bytes(b"mine\n")  # a hand-written file at a generated path
        now = _files(many, "new") | {"x.md": b"x\n", "hand.md": b"theirs\n"}
        rest = {".newsbrief-index.json": b'{"a": 1}\n', "digests/2024/01/01.md": b"digest\n"}
        if name == "all":
            report = PostsFolder(tmp_path / name).sync(now | rest)
        else:
            asked = []
            report = PostsFolder(tmp_path / name).sync(now, lambda asked=asked, rest=rest: asked.append(1) or rest)
            assert asked == [1]
        runs.append((report, _snapshot(tmp_path / name)))
    (a, tree_a), (b, tree_b) = runs
    assert tree_a == tree_b and json.loads(tree_a[MANIFEST])["files"]
    assert (a.written, a.unchanged, a.deleted, a.refused) == (b.written, b.unchanged, b.deleted, b.refused)
    assert "gone.md" in a.deleted and ("hand.md", posts.NOT_OURS) in a.refused
    assert ".newsbrief-index.json" in a.written and "digests/2024/01/01.md" in a.written


def test_sync_records_the_later_files_before_writing_them(tmp_path, monkeypatch):
    # A run that dies writing a later file leaves a manifest that owns its new bytes too.
    root = tmp_path / "posts"
    PostsFolder(root).sync({"a.md": b"a1\n", ".newsbrief-index.json": b"{}\n"})
    real = posts.replace_file

    def failing(target, data):
        if Path(target).name == ".newsbrief-index.json":
            raise posts.WriteError(target, OSError(28, "No space left on device"))
        return real(target, data)

    monkeypatch.setattr(posts, "replace_file", failing)
    with pytest.raises(posts.WriteError):
        PostsFolder(root).sync({"a.md": b"a2\n"}, lambda: {".newsbrief-index.json": b'{"new": 1}\n'})
    pending = json.loads((root / MANIFEST).read_bytes())["pending"]
    assert posts._sha(b'{"new": 1}\n') in pending[".newsbrief-index.json"]
    assert posts._sha(b"a2\n") in pending["a.md"]
    assert (root / "a.md").read_bytes() == b"a2\n"  # each file old or new, and owned either way
    assert (root / ".newsbrief-index.json").read_bytes() == b"{}\n"


def test_sync_refuses_a_later_path_given_twice(tmp_path):
    with pytest.raises(ValueError):
        PostsFolder(tmp_path).sync({"a.md": b"a\n"}, lambda: {"a.md": b"b\n"})


def test_fanout_runs_a_job_here_when_its_worker_dies(monkeypatch):
    monkeypatch.setattr(fanout, "THRESHOLD", 2)
    monkeypatch.setattr(fanout, "_POLL", 0.05)
    me = os.getpid()

    def fragile(x):
        if x == 5 and os.getpid() != me:
            os._exit(7)
        return os.getpid(), x * x

    batch = fanout.Batch(2)
    first = batch.add(lambda x: (os.getpid(), -x), list(range(4)))
    second = batch.add(fragile, list(range(10)))
    batch.start()
    assert [v for _, v in first()] == [0, -1, -2, -3] and me not in {pid for pid, _ in first()}
    got = second()
    assert [v for _, v in got] == [x * x for x in range(10)]
    assert {pid for pid, _ in got} == {me} and batch.fell_back == [1]  # all of it again, here
    assert first() is first()  # (a job's results are kept: asked again, not run again)


def test_fanout_gives_a_job_once_its_own_chunks_are_done(monkeypatch):
    # The first job's results come while a later job still runs (the pages before the
    # related briefs' worker is done).
    import time

    monkeypatch.setattr(fanout, "THRESHOLD", 2)
    batch = fanout.Batch(2)
    slow = batch.add(lambda _: time.sleep(3) or "slow", [None])
    quick = batch.add(lambda x: x + 1, list(range(4)))
    batch.start()
    t = time.perf_counter()
    assert quick() == [1, 2, 3, 4]
    assert time.perf_counter() - t < 2.5
    assert slow() == ["slow"]
    batch.close()
