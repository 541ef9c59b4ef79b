"""Crash safety: real runs killed with SIGKILL at random moments leave docs/ and the
previous site/ usable, and the next run recovers without manual cleaning."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import frontmatter
import pytest
from dumpgen import make_dump
from fixture_dumps import REPO, dumps
from invariants import tree

ROOT = REPO
ENV = dict(os.environ, NO_MKDOCS_2_WARNING="1")


def start(args: list[str], cwd: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "builder", *args], cwd=cwd, env=ENV,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


def kill_after(proc: subprocess.Popen, delay: float) -> None:
    time.sleep(delay)
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)  # the whole group: newsbrief and its mkdocs child
    proc.wait()


@pytest.fixture
def seeded(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    rng = random.Random(42)
    for i in range(300):
        (seeds / f"d{i:04d}.txt").write_text(make_dump(rng).text, encoding="utf-8")
    return tmp_path


def test_convert_killed_at_random_points_recovers(seeded, tmp_path_factory):
    reference = tmp_path_factory.mktemp("ref")
    shutil.copytree(seeded / "seeds", reference / "seeds")
    t0 = time.perf_counter()
    assert start(["convert", "-q", "--workers", "1"], reference).wait() == 0
    full = time.perf_counter() - t0
    want = tree(reference / "docs" / "posts")

    rng = random.Random(7)
    posts = seeded / "docs" / "posts"
    for _ in range(6):
        kill_after(start(["convert", "-q", "--workers", "1"], seeded), rng.uniform(0.05, full))
        for page in posts.rglob("*.md"):  # whatever is there is a whole page
            post = frontmatter.load(page)
            assert post["title"] and post.content.startswith("# ")
        if rng.random() < 0.5:  # the archive changes between runs, as it does in life
            rng.choice(sorted((seeded / "seeds").glob("*.txt"))).unlink()
    for dump in (reference / "seeds").glob("*.txt"):  # back to the reference's archive
        if not (seeded / "seeds" / dump.name).exists():
            shutil.copy(dump, seeded / "seeds" / dump.name)
    assert start(["convert", "-q"], seeded).wait() == 0
    assert tree(posts) == want
    assert not list(seeded.rglob(".nb-*.tmp"))


@pytest.mark.slow
def test_build_killed_at_random_points_keeps_the_previous_site(tmp_path):
    for item in ("mkdocs.yml", "docs", "overrides"):
        src = ROOT / item
        if src.is_dir():
            shutil.copytree(src, tmp_path / item, ignore=shutil.ignore_patterns("posts"))
        elif src.exists():
            shutil.copy(src, tmp_path / item)
    seeds = tmp_path / "seeds"
    shutil.copytree(ROOT / "seeds", seeds)
    t0 = time.perf_counter()
    assert start(["build"], tmp_path).wait() == 0
    full = time.perf_counter() - t0
    site = tmp_path / "site"
    first = tree(site)
    assert "index.html" in first

    rng = random.Random(3)
    for n in range(4):
        shutil.copy(dumps()[n], seeds)
        kill_after(start(["build"], tmp_path), rng.uniform(0.2, full))
        # site/ is a complete build: the previous one, or (if the kill came after the
        # swap) the new one; a swap cut in half is put back by the next run.
        if not site.is_dir():
            assert (tmp_path / "site.previous").is_dir()
            continue
        now = tree(site)
        assert "index.html" in now and "sitemap.xml" in now
        for page in (p for p in now if p.endswith(".html")):
            assert now[page].rstrip().endswith(b"</html>"), page
    assert start(["build"], tmp_path).wait() == 0
    assert (site / "index.html").is_file()
    assert not list(tmp_path.glob("site.partial-*")) and not (tmp_path / "site.previous").exists()
