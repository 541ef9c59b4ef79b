"""Incremental conversion: unchanged dumps are skipped, and the result is always the
same as a conversion from scratch."""

from __future__ import annotations

import os
import random
import shutil
from pathlib import Path

import pytest
from dumpgen import make_dump
from invariants import tree

from builder.pipeline import convert
from builder.rules import load_rules

RULES = load_rules()


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    rng = random.Random(5)
    for i in range(30):
        (seeds / f"d{i:02d}.txt").write_text(make_dump(rng).text, encoding="utf-8")
    return tmp_path


def run(project: Path):
    return convert(["seeds"], RULES, project / "docs" / "posts", workers=1, cache_dir=project / ".cache")


def from_scratch(project: Path, tmp: Path) -> dict[str, bytes]:
    shutil.copytree(project / "seeds", tmp / "seeds")
    cwd = Path.cwd()
    os.chdir(tmp)
    try:
        convert(["seeds"], RULES, tmp / "docs" / "posts", workers=1)
    finally:
        os.chdir(cwd)
    return tree(tmp / "docs" / "posts")


def test_second_run_reads_nothing(project, processed):
    run(project)
    assert len(processed) == 30
    processed.clear()
    result = run(project)
    assert processed == []
    assert result.write.written == [] and len(result.outcomes) == 30


def test_one_new_dump_rewrites_only_its_page(project, processed):
    run(project)
    processed.clear()
    (project / "seeds" / "new.txt").write_text(make_dump(random.Random(99)).text, encoding="utf-8")
    result = run(project)
    assert processed == ["seeds/new.txt"]
    briefs = [w for w in result.write.written if w.endswith(".md") and not w.startswith("digests/")]
    assert len(briefs) == 1  # its own page; plus the digests of its day and week
    assert {w.split("/")[-1].split("-")[0] for w in result.write.written if w.startswith("digests/")} <= {
        "daily", "weekly"}


def test_touched_file_with_same_bytes_is_not_reconverted(project, processed):
    run(project)
    processed.clear()
    f = project / "seeds" / "d03.txt"
    os.utime(f, ns=(f.stat().st_atime_ns, f.stat().st_mtime_ns + 10**9))
    run(project)
    assert processed == []


def test_rules_change_reconverts_everything(project, processed, tmp_path):
    run(project)
    processed.clear()
    extra = tmp_path / "r.yml"
    extra.write_text("lines:\n  - {text: 'Most Read', reason: widget}\n")
    convert(["seeds"], load_rules(extra), project / "docs" / "posts", workers=1, cache_dir=project / ".cache")
    assert len(processed) == 30


def test_any_sequence_of_changes_equals_a_fresh_conversion(project, tmp_path_factory):
    rng = random.Random(11)
    seeds = project / "seeds"
    run(project)
    for step in range(12):
        files = sorted(seeds.glob("*.txt"))
        action = rng.choice(["add", "edit", "delete", "touch", "clash", "delete-page"])
        if action == "add":
            (seeds / f"a{step}.txt").write_text(make_dump(rng).text, encoding="utf-8")
        elif action == "edit":
            f = rng.choice(files)
            f.write_text(f.read_text(encoding="utf-8").replace("Summary", "Overview"), encoding="utf-8")
        elif action == "delete":
            rng.choice(files).unlink()
        elif action == "touch":
            os.utime(rng.choice(files))
        elif action == "clash":  # a new brief that takes an existing brief's slug
            victim = rng.choice(files).read_text(encoding="utf-8").split("\n")
            g = make_dump(rng, ident=f"0_-{step}-0")
            text = g.text.replace(g.title, victim[2]).replace(g.title, victim[2])
            (seeds / f"c{step}.txt").write_text(text, encoding="utf-8")
        else:
            pages = sorted((project / "docs" / "posts").rglob("*.md"))
            if pages:
                rng.choice(pages).unlink()
        run(project)
        want = from_scratch(project, tmp_path_factory.mktemp(f"fresh{step}"))
        got = tree(project / "docs" / "posts")
        assert got.keys() == want.keys(), action
        assert got == want, action
