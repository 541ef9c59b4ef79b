"""Round 13: the pages' sha256 (which the manifest records) is hashed where each page is
rendered (generated.Pages: the batch's workers on a big run), and PostsFolder.sync
takes it (`shas`) instead of hashing the pages again. The same manifest, the same
report, the same files; a renderer that dies is replaced here (fanout.py) with the same
result."""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
from pathlib import Path

import pytest
from dumpgen import make_dump
from fixture_dumps import REPO

from builder import pipeline
from builder.output import fanout, generated, posts
from builder.output.posts import MANIFEST, PostsFolder
from builder.rules import load_rules

FAMILY = REPO / "tests" / "data" / "family"


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _files(n: int) -> dict[str, bytes]:
    return {f"2025/{i % 7:02d}/brief-{i}.md": f"---\nid: {i}\n---\nText {i}\n".encode() for i in range(n)}


@pytest.mark.parametrize("n", [5, posts._MANY + 10])  # (written here, and by the writer threads)
def test_sync_with_given_shas_is_sync_without(tmp_path, n):
    files = _files(n)
    plain = PostsFolder(tmp_path / "plain").sync(dict(files))
    shas = {rel: hashlib.sha256(data).hexdigest() for rel, data in list(files.items())[::2]}
    given = PostsFolder(tmp_path / "given").sync(dict(files), shas=shas)
    assert plain == given and len(given.written) == n
    assert _tree(tmp_path / "plain") == _tree(tmp_path / "given")
    manifest = json.loads((tmp_path / "given" / MANIFEST).read_bytes())["files"]
    assert manifest == {rel: hashlib.sha256(data).hexdigest() for rel, data in files.items()}


def test_pages_hash_once_and_give_the_bytes_hash():
    calls = []

    def started():
        calls.append(1)
        return [(b"a", hashlib.sha256(b"a").hexdigest())]

    class Brief:
        page = "docs/posts/2025/01/a.md"

    pages = generated.Pages([Brief()], "docs/posts", started)
    assert pages() == {"2025/01/a.md": b"a"}
    assert pages.shas() == {"2025/01/a.md": hashlib.sha256(b"a").hexdigest()}
    assert len(calls) == 1  # (a job not forked would render again at each call)


def _convert(project: Path, workers: int):
    if not (project / "seeds").exists():
        shutil.copytree(FAMILY, project / "seeds")
        rng = random.Random(13)
        for i in range(120):
            (project / "seeds" / f"d{i:03d}.txt").write_text(make_dump(rng).text, encoding="utf-8")
    return pipeline.convert([project / "seeds"], load_rules(), Path("docs/posts"), workers=workers,
                            cache_dir=project / ".cache", root=project)


@pytest.mark.parametrize("die", [False, True])
def test_a_forked_run_hashes_its_pages_in_the_workers(tmp_path, monkeypatch, die):
    plain, forked = tmp_path / "plain", tmp_path / "forked"
    _convert(plain, 1)
    monkeypatch.setattr(fanout, "THRESHOLD", 2)
    monkeypatch.setattr(fanout, "_CHUNK", 3)
    monkeypatch.setattr(fanout, "_POLL", 0.05)
    me, real = os.getpid(), generated._page_and_sha

    def renderer(o):
        if die and os.getpid() != me:
            os._exit(3)  # a renderer killed mid-job: its pages are rendered here instead
        return real(o)

    monkeypatch.setattr(generated, "_page_and_sha", renderer)
    hashed: list[int] = []
    sha = posts._sha
    monkeypatch.setattr(posts, "_sha", lambda data: hashed.append(len(data)) or sha(data))
    result = _convert(forked, 2)
    pages = sum(1 for o in result.outcomes if o.status == "ok")
    assert pages >= 100
    posts_dir = forked / "docs" / "posts"
    assert _tree(plain / "docs" / "posts") == _tree(posts_dir)
    manifest = json.loads((posts_dir / MANIFEST).read_bytes())["files"]
    assert manifest == {rel: hashlib.sha256((posts_dir / rel).read_bytes()).hexdigest() for rel in manifest}
    assert len(hashed) == len(manifest) - pages > 0  # the authors file, the index, the digests: no page
