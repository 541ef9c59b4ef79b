"""Digests keyed by what they are made of (issue #15, a +1 run at 10k rendered all ~2,400
digests again): a run renders only the digests whose key moved or whose file is gone,
and the posts folder is the one a conversion without a cache gives."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import os
import random
import shutil
from pathlib import Path

import pytest
from dumpgen import make_dump
from invariants import tree

from builder.output import digests
from builder.pipeline import convert
from builder.rules import load_rules

RULES = copy.copy(load_rules())
RULES.digest_min_briefs = 1  # a digest for every day and week of a small archive


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    rng = random.Random(66)
    for i in range(12):
        (seeds / f"d{i:02d}.txt").write_text(make_dump(rng).text, encoding="utf-8")
    return tmp_path


def run(project: Path):
    return convert(["seeds"], RULES, project / "docs" / "posts", workers=1, cache_dir=project / ".cache")


def fresh(project: Path, tmp: Path) -> dict[str, bytes]:
    other = tmp / "fresh"
    shutil.rmtree(other, ignore_errors=True)
    shutil.copytree(project / "seeds", other / "seeds")
    cwd = Path.cwd()
    os.chdir(other)
    try:
        convert(["seeds"], RULES, other / "docs" / "posts", workers=1)
    finally:
        os.chdir(cwd)
    return tree(other / "docs" / "posts")


def _rendered(monkeypatch) -> list[str]:
    seen: list[str] = []
    for name, at in (("_daily", 2), ("_weekly", 3)):  # where each takes the digest's path
        real = getattr(digests, name)

        def counting(*args, real=real, at=at):
            seen.append(args[at])
            return real(*args)

        monkeypatch.setattr(digests, name, counting)
    return seen


def test_a_new_dump_renders_only_its_day_and_week(project, monkeypatch, tmp_path):
    run(project)
    posts = project / "docs" / "posts"
    every = sorted(p.relative_to(posts).as_posix() for p in (posts / "digests").rglob("*.md"))
    assert len(every) >= 4
    rendered = _rendered(monkeypatch)
    (project / "seeds" / "new.txt").write_text(make_dump(random.Random(67)).text, encoding="utf-8")
    run(project)
    assert 1 <= len(rendered) <= 2  # its day's digest and its week's (new or changed)
    assert tree(posts) == fresh(project, tmp_path)
    # A digest deleted by hand is written again, and only it.
    gone = every[0]
    (posts / gone).unlink()
    rendered.clear()
    (project / "seeds" / "new2.txt").write_text(make_dump(random.Random(68)).text, encoding="utf-8")
    run(project)
    assert gone in rendered and len(rendered) <= 3
    assert tree(posts) == fresh(project, tmp_path)


def test_the_key_moves_with_every_field_a_digest_shows(project):
    result = run(project)
    outcomes = [o for o in result.outcomes if o.status == "ok"]
    base = {rel: key for rel, key, _ in digests.digest_parts(outcomes, "docs/posts")}
    assert {rel: make() for rel, _, make in digests.digest_parts(outcomes, "docs/posts")} == \
        digests.digest_pages(outcomes, "docs/posts")
    target = outcomes[0]
    for field, value in (("title", "Another headline"), ("publisher", "Other Desk"), ("authors", ["A. Writer"]),
                         ("description", "Another lead."), ("date", target.article.date + dt.timedelta(days=1))):
        changed = dataclasses.replace(target, article=dataclasses.replace(target.article, **{field: value}))
        keys = {rel: key for rel, key, _ in digests.digest_parts([changed, *outcomes[1:]], "docs/posts")}
        assert keys != base, field
    moved = dataclasses.replace(target, page=target.page[:-3] + "-2.md")
    assert {rel: key for rel, key, _ in digests.digest_parts([moved, *outcomes[1:]], "docs/posts")} != base
