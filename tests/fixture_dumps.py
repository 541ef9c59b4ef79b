"""Where the tests find the repository and the project's own fixture dumps.

tests/fixtures/NN_name.txt is a dump of the family; NN_name.expected.json next to it is
its answer in the export's form (the keys of ../shared/fixtures: status, id, title, date,
authors, publisher, highlights, sections, boilerplate, tags_must, tags_must_not, and for
rejects/duplicates/revisions error_contains, duplicate_of, superseded_by), plus `related`:
the other fixtures the brief must list as related, exactly. tests/write_fixtures.py writes
both. Importable from every test folder: pyproject.toml puts tests/ on pytest's pythonpath.
"""

from __future__ import annotations

import json
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"
HOSTILE = REPO / "tests" / "data" / "hostile"
SAMPLE = REPO / "seeds" / "000_0d506a577dda2682.txt"  # the real dump the family is modelled on

# Briefs of the fixture set the tests name (their answers say what each one exercises).
LONG = FIXTURES / "01_ferry_contract_long.txt"  # the sample's whole shape, a related follow-up
CRLF = FIXTURES / "02_school_meals_crlf.txt"
HOSTILE_MARKDOWN = FIXTURES / "08_boil_water_hostile_markdown.txt"  # alone on its day


def dumps() -> list[Path]:
    return sorted(FIXTURES.glob("*.txt"))


def answers() -> dict[str, dict]:
    """Dump file name -> its answer."""
    return {p.name[: -len(".expected.json")] + ".txt": json.loads(p.read_text(encoding="utf-8"))
            for p in sorted(FIXTURES.glob("*.expected.json"))}


def statuses() -> dict[str, int]:
    """How many dumps of the set end with each status."""
    out: dict[str, int] = {}
    for answer in answers().values():
        out[answer["status"]] = out.get(answer["status"], 0) + 1
    return out
