"""Every fixture of tests/fixtures through `newsbrief export`, field by field against its
answer (NAME.expected.json, the format of ../shared/fixtures); every line of every
published dump (and of the real sample in seeds/) published or removed with a reason."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import write_fixtures
from fixture_dumps import FIXTURES, REPO, SAMPLE, answers, dumps
from invariants import assert_accounted

from builder.convert import process
from builder.rules import load_rules

WS = re.compile(r"[\s\u00a0\u200b\u200c\u200d\ufeff]+")


def norm(s):
    return None if s is None else WS.sub(" ", str(s)).strip()


def _export(folder: Path) -> dict[str, dict]:
    proc = subprocess.run([sys.executable, "-m", "builder", "export", str(folder)], cwd=REPO,
                          capture_output=True, text=True, check=True)
    records = [json.loads(line) for line in proc.stdout.splitlines()]
    return {Path(r["source_path"]).name: r for r in records}


@pytest.fixture(scope="module")
def exported() -> dict[str, dict]:
    return _export(FIXTURES)


ANSWERS = answers()


def test_the_fixture_set_covers_every_status():
    assert len(ANSWERS) == len(dumps()) >= 19
    assert {a["status"] for a in ANSWERS.values()} == {"ok", "rejected", "duplicate", "superseded"}


@pytest.mark.parametrize("name", sorted(ANSWERS))
def test_fixture_matches_answer(exported, name):
    exp = ANSWERS[name]
    rec = exported[name]
    assert rec["status"] == exp["status"], rec.get("error")
    if exp["status"] == "rejected":
        assert exp["error_contains"] in rec["error"].lower()
        assert "\n" not in rec["error"]
        return
    for key in ("id", "date"):
        if key in exp:
            assert rec[key] == exp[key], key
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
    # the briefs it must list as related, and no other (by file: pages may move)
    if "related" in exp:
        name_of = {r["page"]: n for n, r in exported.items() if r.get("page")}
        assert sorted(name_of[p] for p in rec.get("related", [])) == sorted(exp["related"])


def test_every_line_is_published_or_removed():
    """Nothing is lost: each non-blank line of every published dump is on the page,
    in the front matter, or in `removed` with a reason."""
    rules = load_rules()
    published = 0
    for txt in [*dumps(), SAMPLE]:
        outcome = process(txt.read_bytes(), txt.name, rules)
        if outcome.status == "ok":
            assert_accounted(outcome, rules)
            published += 1
    assert published >= 12


def test_fixture_files_are_what_write_fixtures_writes():
    """The committed dumps and answers are the ones tests/write_fixtures.py makes: an
    answer is never edited apart from its dump (regenerate: python tests/write_fixtures.py)."""
    want = write_fixtures.files()
    have = {p.name: p.read_bytes() for p in FIXTURES.iterdir() if p.is_file()}
    assert sorted(have) == sorted(want)
    assert [n for n in sorted(want) if have[n] != want[n]] == []
