"""The main process's per-brief work in forked workers (output/fanout.py), the posts
folder's targets resolved once per folder (posts._Targets), and related briefs that do
not depend on the string hash: each gives exactly what the plain way gives."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from fixture_dumps import REPO
from related_reference import related_one_by_one

from builder import pipeline
from builder.output import fanout
from builder.output.posts import UnsafePath, _Targets, safe_join
from builder.rules import load_rules

FAMILY = REPO / "tests" / "data" / "family"


def test_fanout_gives_the_lists_in_order(monkeypatch):
    monkeypatch.setattr(fanout, "THRESHOLD", 4)
    monkeypatch.setattr(fanout, "_CHUNK", 3)
    items = [f"item {i}" * (i % 7) for i in range(50)]
    batch = fanout.Batch(2)
    upper = batch.add(lambda s: (os.getpid(), s.upper().encode()), items)
    lengths = batch.add(len, items[:7])
    batch.start()
    assert fanout._jobs == []  # the parent keeps no reference to the items
    got = upper()
    assert [data for _, data in got] == [s.upper().encode() for s in items]
    assert os.getpid() not in {pid for pid, _ in got}  # really done in the workers
    assert lengths() == [len(s) for s in items[:7]]


def test_fanout_raises_what_a_worker_raised(monkeypatch):
    monkeypatch.setattr(fanout, "THRESHOLD", 2)

    def boom(x):
        if x == 3:
            raise ValueError("three")
        return x

    batch = fanout.Batch(2)
    got = batch.add(boom, list(range(8)))
    batch.start()
    with pytest.raises(ValueError, match="three"):
        got()


def _convert(project: Path, workers: int) -> None:
    shutil.copytree(FAMILY, project / "seeds")
    pipeline.convert([project / "seeds"], load_rules(), Path("docs/posts"), workers=workers,
                     cache_dir=project / ".cache", root=project)


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_pages_and_records_from_the_workers_are_the_same(tmp_path, monkeypatch):
    # A pool of one converts in this process; the fan-out is what is compared.
    one, two = tmp_path / "one", tmp_path / "two"
    _convert(one, 1)
    monkeypatch.setattr(fanout, "THRESHOLD", 2)
    monkeypatch.setattr(fanout, "_CHUNK", 3)
    _convert(two, 2)
    pages = _tree(one / "docs" / "posts")
    assert len([p for p in pages if p.endswith(".md")]) >= 10
    assert pages == _tree(two / "docs" / "posts")
    # (the language model's copy is written by whichever run in this process first loads the model)
    assert {k for k in _tree(one / ".cache") if not k.startswith("langid-")} == \
        {k for k in _tree(two / ".cache") if not k.startswith("langid-")}
    for name, data in _tree(one / ".cache").items():
        if name.startswith("records-"):  # the records file has no mtimes in it
            assert data == _tree(two / ".cache")[name]


def test_targets_resolve_as_safe_join_does(tmp_path):
    root = tmp_path / "posts"
    (root / "2024" / "05").mkdir(parents=True)
    outside = tmp_path / "outside"
    outside.mkdir()
    (root / "out").symlink_to(outside)  # a folder leading out
    (root / "in").symlink_to(root / "2024")  # a folder leading elsewhere inside
    (root / "2024" / "05" / "link.md").symlink_to(outside / "x.md")  # a page that is a link out
    (root / "2024" / "05" / "inlink.md").symlink_to(root / "2024" / "05" / "a.md")
    rels = ["2024/05/a.md", "2024/06/new.md", "x.md", "./x.md", "2024/./05/a.md", "out/a.md", "out/deep/a.md",
            "in/05/a.md", "2024/05/link.md", "2024/05/inlink.md", "../a.md", "2024/../../a.md", "/etc/passwd",
            "2024/05/", "2024/05/.", "2024/05/.."]
    real = root.resolve()
    targets = _Targets(root, real)
    for rel in rels * 2:  # the second time from the folders already resolved
        try:
            want = safe_join(root, rel, real)
        except UnsafePath:
            with pytest.raises(UnsafePath):
                targets(rel)
        else:
            assert targets(rel) == want, rel


def test_related_does_not_depend_on_the_string_hash(tmp_path):
    # The pair scores sum tag weights over a set, whose order follows PYTHONHASHSEED.
    script = (
        "import datetime as dt, random\n"
        "from builder.archive.related import related\n"
        "from builder.convert.features import ArticleFeatures\n"
        "from builder.model import Article, Dump\n"
        "rng = random.Random(5)\n"
        "tags = [f'tag{i}' for i in range(40)]\n"  # of many frequencies, so of many weights
        "arts = []\n"
        "for n in range(300):\n"
        "    a = Article(dump=Dump(source_path=f's{n}', sha256='', size=0), id=f'i{n}', title='', "
        "date=dt.date(2024, 1, 1 + n % 28), date_text='', authors=[], publisher='', slug='', "
        "tags=rng.sample(tags[: 8 + n % 32], 5))\n"
        "    arts.append((f's{n:03d}', a, ArticleFeatures(signature=[], sentences=[], words=[])))\n"
        "print(sorted(related(arts, 3).items()))\n")
    out = set()
    for seed in ("1", "2", "3", "4", "5"):  # a plain sum gave 4 different answers
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(REPO)}
        out.add(subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True,
                               check=True).stdout)
    assert len(out) == 1


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_related_as_the_running_sums_found_them(seed):
    import datetime as dt
    import random

    from builder.archive.related import related
    from builder.convert.features import ArticleFeatures
    from builder.model import Article, Dump
    rng = random.Random(seed)
    tags = [f"tag{i}" for i in range(60)]
    vocab = [f"w{i}" for i in range(30)]
    arts = []
    for n in range(400):
        a = Article(dump=Dump(source_path=f"s{n}", sha256="", size=0), id=f"i{rng.randrange(380)}", title="",
                    date=dt.date(2024, 1 + n % 12, 1 + rng.randrange(28)), date_text="", authors=[], publisher="",
                    slug="", tags=rng.sample(tags[: 6 + n % 54], rng.randrange(0, 7)))
        arts.append((f"s{n:03d}", a, ArticleFeatures(signature=[], sentences=[], words=rng.sample(vocab, 6))))
    got = related(arts, 3, window=8)
    assert got == related_one_by_one(arts, 3, window=8)
    assert sum(map(len, got.values())) > 300  # most briefs have some


@pytest.mark.parametrize("origin", ["digests/2024/05/01.md", "digests/2024-w05.md", "x.md", "2024/05/a.md",
                                    "2024/05/a.md/b.md", "a/./b.md", "../a/b.md", "/abs/b.md", "a//b.md"])
@pytest.mark.parametrize("target", ["2024/05/a.md", "2024/06/b.md", "x.md", "digests/2024/05/01.md", "2024/05",
                                    "2024/./a.md", "../y.md", "/abs/c.md", "2024//a.md"])
def test_digest_links_as_relpath(origin, target):
    import posixpath

    from builder.output.digests import _link
    assert _link(target, origin) == posixpath.relpath(target, posixpath.dirname(origin))
