"""Sizes: a huge dump is rejected by a configurable limit without being read, a 1 MB
line is handled, and 20,000 tiny dumps convert in bounded memory."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from fixture_dumps import REPO

from builder.convert import process
from builder.rules import load_rules

ROOT = REPO
HEAD = "7_-7-7\n\nA headline about sizes\n\nMay 13, 2025\n\nSummary\n\n"


def export(args: list[str], cwd: Path) -> tuple[list[dict], str, int]:
    """Run `newsbrief export` in a child; return records, stderr, and the child's peak RSS in MB."""
    code = (
        "import resource, subprocess, sys;"
        f"p = subprocess.run([sys.executable, '-m', 'builder', 'export', *{args!r}], capture_output=True, text=True);"
        "sys.stdout.write(p.stdout); sys.stderr.write(p.stderr);"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)"
    )
    p = subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, check=True)
    *err, rss = p.stderr.strip().splitlines()
    return [json.loads(line) for line in p.stdout.splitlines()], "\n".join(err), int(rss) // 1024


def test_huge_dump_is_rejected_without_being_read(tmp_path):
    big = tmp_path / "big.txt"
    with big.open("wb") as f:
        f.write(HEAD.encode())
        f.truncate(50 * 1024 * 1024)  # 50 MB (sparse: costs no disk)
    records, err, rss = export([str(big)], tmp_path)
    assert records[0]["status"] == "rejected"
    assert records[0]["error"] == "too large: 52,428,800 bytes (limit 10,000,000)"
    assert "big.txt: too large" in err
    assert rss < 200, f"peak RSS {rss} MB: the file was read"


def test_size_limit_is_configurable(tmp_path):
    rules = tmp_path / "rules.yml"
    rules.write_text("max_bytes: 100\n")
    dump = tmp_path / "d.txt"
    dump.write_text(HEAD + "A paragraph long enough to push this dump over one hundred bytes in size.\n")
    records, _, _ = export(["--rules", str(rules), str(dump)], tmp_path)
    assert records[0]["status"] == "rejected" and "limit 100" in records[0]["error"]
    assert process(dump.read_bytes(), "d.txt", load_rules()).status == "ok"


def test_one_megabyte_line():
    line = " ".join(f"word{i % 997} Name{i % 89}" for i in range(70_000))
    assert len(line) > 1_000_000
    out = process((HEAD + line + ".\n").encode(), "line.txt", load_rules())
    assert out.status == "ok"
    assert out.article.paragraphs == [line + "."]
    assert len(out.article.tags) <= 8


@pytest.mark.slow
def test_twenty_thousand_tiny_dumps_in_bounded_memory(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for i in range(20_000):
        (seeds / f"t{i:05d}.txt").write_text(f"8_-{i}-1\n\nTiny brief number {i}\n\n2024-01-{i % 28 + 1:02d}\n\n"
                                             f"One line of text for brief {i} in Halbrook.\n")
    records, err, rss = export(["seeds"], tmp_path)
    assert len(records) == 20_000
    assert all(r["status"] == "ok" for r in records)
    assert len({r["page"] for r in records}) == 20_000
    assert "20000 dumps: 20000 published" in err
    assert rss < 600, f"peak RSS {rss} MB"


def test_peak_memory_helper_measures_children():
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    subprocess.run([sys.executable, "-c", "x = bytearray(80 * 1024 * 1024)"], check=True)
    assert resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss >= max(before, 80 * 1024)
