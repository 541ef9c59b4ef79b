"""Every shared fixture and the real sample through `newsbrief export`, field by field."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from invariants import assert_accounted

from builder.pipeline import process
from builder.rules import load_rules

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
FOLDERS = [SHARED / "fixtures", SHARED / "dumps"]
WS = re.compile(r"[\s\u00a0\u200b\u200c\u200d\ufeff]+")


def norm(s):
    return None if s is None else WS.sub(" ", str(s)).strip()


def _export(folder: Path) -> dict[str, dict]:
    proc = subprocess.run([sys.executable, "-m", "builder", "export", str(folder)], cwd=ROOT,
                          capture_output=True, text=True, check=True)
    records = [json.loads(line) for line in proc.stdout.splitlines()]
    return {Path(r["source_path"]).name: r for r in records}


@pytest.fixture(scope="module")
def exported() -> dict[str, dict]:
    out: dict[str, dict] = {}
    for folder in FOLDERS:
        out.update(_export(folder))
    return out


CASES = sorted((f, p) for folder in FOLDERS for p in folder.glob("*.expected.json")
               for f in [p.name.replace(".expected.json", ".txt")])


@pytest.mark.parametrize(("name", "answer"), CASES, ids=[c[0] for c in CASES])
def test_fixture_matches_answer(exported, name, answer):
    exp = json.loads(answer.read_text(encoding="utf-8"))
    rec = exported[name]
    assert rec["status"] == exp["status"], rec.get("error")
    if exp["status"] == "rejected":
        assert exp["error_contains"] in rec["error"].lower()
        assert "\n" not in rec["error"]
        return
    if exp["status"] == "duplicate":
        assert Path(rec["duplicate_of"]).name == exp["duplicate_of"]
        return
    if exp["status"] == "superseded":
        assert Path(rec["superseded_by"]).name == exp["superseded_by"]
        return
    for key in ("id", "title", "date", "publisher"):
        if key in exp:
            assert norm(rec[key]) == norm(exp[key]), key
    assert [norm(a) for a in rec["authors"]] == [norm(a) for a in exp["authors"]]
    assert [norm(h) for h in rec["highlights"]] == [norm(h) for h in exp["highlights"]]
    assert [norm(s["heading"]) for s in rec["sections"]] == [norm(s["heading"]) for s in exp["sections"]]
    for got, want in zip(rec["sections"], exp["sections"], strict=True):
        assert [norm(p) for p in got["paragraphs"]] == [norm(p) for p in want["paragraphs"]], want["heading"]
    tags = [t.lower() for t in rec["tags"]]
    for word in exp.get("tags_must", []):
        assert any(word.lower() in t for t in tags), (word, tags)
    for word in exp.get("tags_must_not", []):
        assert word.lower() not in tags
    # every boilerplate line of the answer is accounted for in `removed`, none in the text
    removed = {norm(r["text"]) for r in rec["removed"]}
    published = {norm(p) for s in rec["sections"] for p in s["paragraphs"]} | {norm(h) for h in rec["highlights"]}
    for line in exp.get("boilerplate", []):
        assert norm(line) not in published, line
        if norm(line) != norm(exp.get("title")):
            assert norm(line) in removed, line


def test_every_line_is_published_or_removed():
    """Nothing is lost: each non-blank line of every published dump is on the page,
    in the front matter, or in `removed` with a reason."""
    rules = load_rules()
    for folder in FOLDERS:
        for txt in sorted(folder.glob("*.txt")):
            outcome = process(txt.read_bytes(), txt.name, rules)
            if outcome.status == "ok":
                assert_accounted(outcome, rules)


def test_score_tool_reports_everything_passing():
    for folder in FOLDERS:
        proc = subprocess.run([sys.executable, str(SHARED / "tools" / "score.py"), str(folder),
                               "--newsbrief", f"{sys.executable} -m builder"],
                              cwd=ROOT, capture_output=True, text=True)
        assert proc.returncode == 0, proc.stdout[-2000:]
        fields, _files = re.search(r"fields (\d+/\d+)\s+files (\d+/\d+)", proc.stdout).groups()
        a, b = map(int, fields.split("/"))
        assert a == b and a > 0
