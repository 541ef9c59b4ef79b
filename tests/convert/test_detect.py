"""builder.convert.readers.detect: a dump's kind comes from its content, not its extension."""

from __future__ import annotations

from pathlib import Path

import pytest

from builder.convert.read import read_bytes
from builder.convert.readers.detect import FAMILY, HTML, PAGE_TEXT, kind

HERE = Path(__file__).resolve().parent.parent
FIXTURES = HERE / "fixtures"
HOSTILE = HERE / "data" / "hostile"

PAGE_TEXT_DUMP = """Skip to main content
Coastline Courier
News
Sport
Weather
Opinion
Subscribe
Harbour council approves new tidal barrier
By Marta Quillfeather
9 March 2024
The harbour council approved plans on Friday evening for a movable tidal barrier that engineers say will protect homes.
Related stories
Storm surge floods the lower town
© 2024 Coastline Courier. All rights reserved.
"""


def _kind_of(path: Path) -> str:
    return kind(read_bytes(path.read_bytes(), path.name), path.name)


def _readable(paths):
    out = []
    for p in paths:
        try:
            read_bytes(p.read_bytes(), p.name)
        except Exception:  # empty / binary: rejected before detection, as today
            continue
        out.append(p)
    return out


@pytest.mark.parametrize("path", _readable(sorted(FIXTURES.glob("*.txt"))), ids=lambda p: p.name)
def test_every_family_fixture_is_family(path):
    assert _kind_of(path) == FAMILY


def test_every_hostile_dump_is_family():
    kinds = {p.name: _kind_of(p) for p in _readable(sorted(HOSTILE.glob("*.txt")))}
    assert kinds, "no hostile dumps found"
    assert {k for k in kinds.values()} == {FAMILY}, [n for n, k in kinds.items() if k != FAMILY]


def test_family_without_id_is_family():
    assert kind("Harbour ferry fares to rise\n\nMay 13, 2025\n\nShare\n\nA sentence of the body.\n") == FAMILY


def test_whole_page_text_is_page_text():
    assert kind(PAGE_TEXT_DUMP, "page.txt") == PAGE_TEXT


def test_menu_then_date_is_not_family():
    text = "Skip to content\nAll Sections\nSubscribe Now\n47°F\nSunday, December 24th 2023\nDaily e-Edition\n"
    assert kind(text) == PAGE_TEXT


def test_html_saved_as_txt_is_html(tmp_path):
    page = (HERE / "data" / "html" / "article_full.html").read_bytes()
    saved = tmp_path / "page.txt"
    saved.write_bytes(page)
    assert _kind_of(saved) == HTML


def test_html_file_of_plain_text_is_text():
    assert _kind_of(HERE / "data" / "html" / "plain_text.html") != HTML


def test_fragment_without_doctype_is_html():
    frag = "".join(f"<div class='c'><p>Paragraph {i} of a saved fragment.</p></div>\n" for i in range(12))
    assert kind(frag, "frag.txt") == HTML


def test_prose_quoting_tags_is_not_html():
    text = ("9_-1-1\n\nA title <script>alert(1)</script>\n\nMay 13, 2025\n\n"
            "A paragraph about <body onload=alert(1)> and <p> tags in a sentence.\n")
    assert kind(text) == FAMILY
    assert kind(text.split("\n", 2)[2]) != HTML  # without the id line: still not HTML


@pytest.mark.parametrize("name", ["article_full.html", "error_404.html", "cookie_wall.html",
                                  "section_front.html", "no_date.html"])
def test_html_fixtures_are_html(name):
    assert _kind_of(HERE / "data" / "html" / name) == HTML


def test_kind_accepts_bytes_and_empty_text():
    assert kind(b"<!DOCTYPE html><html><body><p>x</p></body></html>") == HTML
    assert kind("") == FAMILY  # the family reader owns the "empty file" rejection
