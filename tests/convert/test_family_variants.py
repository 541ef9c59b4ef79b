"""Dumps of the family from other desks (issue 13): teasers worded otherwise, credits in
every common form, date-times with zones and labels, decorated headlines. The dumps are
tests/data/family (written by tests/family_dumps.py with their answers); the unit tests
below pin each form on its own."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import family_dumps
import pytest
from fixture_dumps import REPO
from invariants import assert_accounted

from builder.convert import process
from builder.convert.dates import looks_like_date, parse_date
from builder.convert.parse import _credit, _header_chrome, headline_parts
from builder.rules import load_rules

RULES = load_rules()
FAMILY = family_dumps.HERE
ANSWERS = {p.name.replace(".expected.json", ".txt"): json.loads(p.read_text(encoding="utf-8"))
           for p in sorted(FAMILY.glob("*.expected.json"))}


def test_family_files_are_what_family_dumps_writes():
    want = family_dumps.files()
    have = {p.name: p.read_bytes() for p in FAMILY.iterdir() if p.is_file()}
    assert sorted(have) == sorted(want)
    assert [n for n in sorted(want) if have[n] != want[n]] == []


@pytest.fixture(scope="module")
def exported() -> dict[str, dict]:
    proc = subprocess.run([sys.executable, "-m", "builder", "export", str(FAMILY)], cwd=REPO,
                          capture_output=True, text=True, check=True)
    return {Path(r["source_path"]).name: r for r in map(json.loads, proc.stdout.splitlines())}


@pytest.mark.parametrize("name", sorted(ANSWERS))
def test_family_dump_matches_answer(exported, name):
    exp, rec = ANSWERS[name], exported[name]
    assert rec["status"] == "ok", rec["error"]
    for key in ("id", "title", "date", "authors", "publisher", "highlights"):
        assert rec[key] == exp[key], key
    assert [s["heading"] for s in rec["sections"]] == [s["heading"] for s in exp["sections"]]
    assert [s["paragraphs"] for s in rec["sections"]] == [s["paragraphs"] for s in exp["sections"]]
    removed = {r["text"] for r in rec["removed"]}
    for line in exp["boilerplate"]:
        if line != exp["title"]:
            assert line in removed, line
    tags = [t.lower() for t in rec["tags"]]
    for word in exp["tags_must"]:
        assert any(word.lower() in t for t in tags), (word, tags)
    for word in exp["tags_must_not"]:
        assert word.lower() not in tags, word


def test_every_line_of_the_family_is_published_or_removed():
    for txt in sorted(FAMILY.glob("*.txt")):
        outcome = process(txt.read_bytes(), txt.name, RULES)
        assert outcome.status == "ok", (txt.name, outcome.error)
        assert_accounted(outcome, RULES)


# --- bylines: every common form ------------------------------------------------------

@pytest.mark.parametrize(("line", "authors", "publisher"), [
    ("The content is provided by Harper Eastwood, Scopewires", ["Harper Eastwood"], "Scopewires"),
    ("Harper Eastwood for Scopewires", ["Harper Eastwood"], "Scopewires"),
    ("By Harper Eastwood for Scopewires", ["Harper Eastwood"], "Scopewires"),
    ("Harper Eastwood | Scopewires", ["Harper Eastwood"], "Scopewires"),
    ("Harper Eastwood – Scopewires", ["Harper Eastwood"], "Scopewires"),
    ("Harper Eastwood, Scopewires", ["Harper Eastwood"], "Scopewires"),
    ("Written by Harper Eastwood", ["Harper Eastwood"], None),
    ("Reported by: Harper Eastwood, Scopewires", ["Harper Eastwood"], "Scopewires"),
    ("By Harper Eastwood", ["Harper Eastwood"], None),
    ("By Ann Lee, Bo Chan and Cy Dee, Daily Planet", ["Ann Lee", "Bo Chan", "Cy Dee"], "Daily Planet"),
    ("Ann Lee and Bo Chan for Daily Planet", ["Ann Lee", "Bo Chan"], "Daily Planet"),
    ("Ann Lee & Bo Chan | Daily Planet", ["Ann Lee", "Bo Chan"], "Daily Planet"),
    ("By Jean-Luc Picard and Anna de la Cruz, Le Monde", ["Jean-Luc Picard", "Anna de la Cruz"], "Le Monde"),
])
def test_byline_forms(line, authors, publisher):
    found = _credit(line, RULES)
    assert found is not None, line
    assert (found[1], found[2]) == (authors, publisher)


@pytest.mark.parametrize("line", ["Breaking News | Sponsored", "May 13, 2025", "Harper", "By the end of the day",
                                  "Thanks for reading", "Share this, please"])
def test_lines_that_are_no_credit(line):
    assert _credit(line, RULES) is None


def test_a_bare_credit_counts_only_where_a_byline_stands():
    """'Sign Up for Alerts' has a credit's shape; far from the article's last sentence, and
    with no first-name or date line under it, it is no byline."""
    body = ("Summary\n\nThe council approved the plan on Monday after a long debate about its cost.\n\n"
            "Share\n\nMore from the desk\n\nSign Up for Alerts\n\nFeatured")
    text = f"9_-1-1\n\nCouncil approves plan\n\nMay 13, 2025\n\n{body}"
    out = process(text.encode(), "x.txt", RULES)
    assert out.status == "ok" and out.article.authors == []


def test_a_byline_next_to_the_date_is_read_there():
    text = ("9_-1-2\n\nCouncil approves plan\n\nMay 13, 2025\nBy Ann Lee for Daily Planet\n\nSummary\n\n"
            "The council approved the plan on Monday after a long debate about its cost.\n")
    a = process(text.encode(), "x.txt", RULES).article
    assert (a.authors, a.publisher) == (["Ann Lee"], "Daily Planet")
    assert [s.heading for s in a.sections] == ["Summary"]


# --- teasers by shape and place --------------------------------------------------------

@pytest.mark.parametrize("line", ["Find the full story from Capitol Ledger below.",
                                  "Get more from the ledger below.", "Explore exclusive content on energy below.",
                                  "Read more on this story:", "Sign up for our morning briefing here.",
                                  "Discover the latest from the coast below:"])
def test_teasers_of_any_wording_are_header_chrome(line):
    assert _header_chrome(line, "Summary")


@pytest.mark.parametrize(("line", "next_line"), [
    ("The council approved the plan on Monday.", "Summary"),  # a short lead sentence
    ("“Nobody learns on an empty stomach.”", "Cost"),  # a quote
    ("Summary", "The council approved the plan."),  # a heading
    ("Residents queued at the depot before dawn, some carrying cans that they had brought below.", "Cost"),
])
def test_content_is_not_header_chrome(line, next_line):
    assert _header_chrome(line, next_line) is None


def test_an_unknown_label_above_bullets_opens_the_highlights():
    text = ("9_-1-3\n\nCouncil approves plan\n\nMay 13, 2025\n\nWhat we know:\n\n• Vote: 9 to 4.\n"
            "• Cost: £2m.\n\nSummary\n\nThe council approved the plan on Monday after a long debate.\n")
    a = process(text.encode(), "x.txt", RULES).article
    assert a.highlights == ["Vote: 9 to 4.", "Cost: £2m."]
    assert a.highlights_label == "What we know"


# --- date-times ------------------------------------------------------------------------

@pytest.mark.parametrize("line", ["May 13, 2025 10:42 AM EDT", "2025-05-13T10:42:00Z",
                                  "Updated: May 13, 2025, 10:42 a.m.", "Published 13 May 2025 10:42 BST",
                                  "Posted on May 13, 2025",
                                  "Last updated May 13, 2025 at 10:42 a.m. ET", "13 May 2025, 10:42 CEST",
                                  "Tuesday 13 May 2025 10.42 BST", "2025-05-13 10:42:00 +0200",
                                  "Updated 10:42 AM EDT, Tue May 13, 2025", "May 13, 2025 | 10:42 AM",
                                  "Updated: 13/05/2025 - 10:42", "13.05.2025 10:42"])
def test_date_times_with_zones_and_labels(line):
    assert looks_like_date(line)
    assert parse_date(line) == dt.date(2025, 5, 13)


@pytest.mark.parametrize("line", ["7", "0.204", "12", "2025", "10:42", "10:42 AM"])
def test_a_lone_number_or_time_is_never_a_date(line):
    assert not looks_like_date(line)


def test_a_date_time_line_is_never_a_heading():
    text = ("9_-1-4\n\nCouncil approves plan\n\nPublished 13 May 2025 10:42 BST\n\n"
            "Updated: May 13, 2025, 11:05 a.m.\n\nSummary\n\n"
            "The council approved the plan on Monday after a long debate about its cost.\n\n"
            "By Ann Lee\n\n7\n")
    a = process(text.encode(), "x.txt", RULES).article
    assert a.date == dt.date(2025, 5, 13)
    assert [s.heading for s in a.sections] == ["Summary"]
    assert "Updated: May 13, 2025, 11:05 a.m." in {r.text for r in a.removed}


# --- headline decorations ----------------------------------------------------------------

@pytest.mark.parametrize(("title", "label", "headline"), [
    ("*Updated* Steelmakers brace for tariffs", "Updated", "Steelmakers brace for tariffs"),
    ("---Breaking--- update", "Breaking", "update"),
    ("BREAKING: Fire at the port", "BREAKING", "Fire at the port"),
    ("[UPDATED] Council backs plan", "UPDATED", "Council backs plan"),
    ("LIVE: Election results", "LIVE", "Election results"),
    ("Exclusive: Company plans cuts", "Exclusive", "Company plans cuts"),
    ("Council backs plan (updated)", "updated", "Council backs plan"),
    ("NASA: Mars rover finds water", None, "NASA: Mars rover finds water"),
    ("Heatwave: Szekeres orders shorter shifts", None, "Heatwave: Szekeres orders shorter shifts"),
    ("#2 on the repair list: Kellow Bridge", None, "#2 on the repair list: Kellow Bridge"),
    ("-40 degrees: Yukon village logs coldest night", None, "-40 degrees: Yukon village logs coldest night"),
    ("Trump tells Putin to stop (Russian strikes)", None, "Trump tells Putin to stop (Russian strikes)"),
])
def test_headline_decorations_by_shape(title, label, headline):
    assert headline_parts(title) == (label, headline)


def test_the_undecorated_repeat_of_a_decorated_title_is_removed():
    text = ("9_-1-5\n\n*Updated* Council approves plan\n\nMay 13, 2025\n\nCouncil approves plan\n\nShare\n\n"
            "Summary\n\nThe council approved the plan on Monday after a long debate about its cost.\n")
    a = process(text.encode(), "x.txt", RULES).article
    assert {"text": "Council approves plan", "reason": "boilerplate: repeated title"}.items() <= \
        next(r.as_dict() for r in a.removed if r.text == "Council approves plan").items()
    assert a.slug == "council-approves-plan"
