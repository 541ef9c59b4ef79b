"""The command line: help, exit codes, summary, one JSON object a line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from fixture_dumps import CRLF, FIXTURES, LONG, REPO, statuses

ROOT = REPO


def nb(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "builder", *args], cwd=cwd, capture_output=True, text=True)


def test_help_explains_commands_and_exit_codes():
    p = nb("--help")
    assert p.returncode == 0
    for word in ("convert", "export", "build", "serve", "exit codes", "--strict"):
        assert word in p.stdout
    assert nb("export", "--help").returncode == 0


def test_no_command_is_a_usage_error():
    assert nb().returncode == 2
    assert nb("frobnicate").returncode == 2


def test_export_prints_one_record_per_dump_and_a_summary():
    p = nb("export", str(FIXTURES))
    assert p.returncode == 0
    records = [json.loads(line) for line in p.stdout.splitlines()]
    assert len(records) == len(list(FIXTURES.glob("*.txt")))
    assert {r["status"] for r in records} == {"ok", "rejected", "duplicate", "superseded"}
    for r in records:
        for key in ("id", "source_path", "status", "error", "page"):
            assert key in r
    summary = p.stderr
    n = statuses()
    assert (f"{n['ok']} published, {n['rejected']} rejected, {n['duplicate']} duplicate, "
            f"{n['superseded']} superseded, 0 near-duplicate") in summary
    assert n == {"ok": 11, "rejected": 6, "duplicate": 1, "superseded": 1}
    assert "14_empty.txt: empty file" in summary
    assert "17_no_date.txt: no date" in summary


def test_strict_fails_on_rejects_but_plain_run_does_not():
    assert nb("export", "--strict", str(FIXTURES)).returncode == 1
    assert nb("export", "--strict", str(LONG)).returncode == 0


def test_missing_path_is_a_usage_error_named_in_one_line():
    p = nb("export", "no/such/folder")
    assert p.returncode == 2
    assert "no/such/folder: no such file or folder" in p.stderr


def test_bad_rules_file_is_a_usage_error(tmp_path):
    bad = tmp_path / "rules.yml"
    bad.write_text("lines: [ {text: Share\n")
    p = nb("export", "--rules", str(bad), str(LONG))
    assert p.returncode == 2
    assert str(bad) in p.stderr and "not valid YAML" in p.stderr
    assert p.stdout == ""


def test_export_writes_nothing(tmp_path):
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "a.txt").write_bytes(CRLF.read_bytes())
    p = nb("export", cwd=tmp_path)
    assert p.returncode == 0 and json.loads(p.stdout)["status"] == "ok"
    assert sorted(x.name for x in tmp_path.rglob("*")) == ["a.txt", "seeds"]


def test_convert_reports_pages(tmp_path):
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "a.txt").write_bytes(CRLF.read_bytes())
    p = nb("convert", cwd=tmp_path)
    assert p.returncode == 0
    # the page, .authors.yml, the archive index (one brief: no digest, digests.min_briefs 2)
    assert "1 published" in p.stderr and "pages: 3 written, 0 unchanged" in p.stderr
    p = nb("convert", cwd=tmp_path)
    assert "pages: 0 written, 3 unchanged" in p.stderr
