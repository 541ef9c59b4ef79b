"""Checks shared by the fixture tests and the property-based tests."""

from __future__ import annotations

from pathlib import Path

import frontmatter

from builder.convert.dates import date_time
from builder.convert.parse import bullet_text
from builder.convert.readers import html as html_reader
from builder.model import Outcome
from builder.output.render import render_page
from builder.rules import Rules


def published_texts(outcome: Outcome) -> set[str]:
    a = outcome.article
    texts = {a.title, *a.highlights}
    if a.highlights_label:
        texts.add(a.highlights_label)
    for s in a.sections:
        if s.heading:
            texts.add(s.heading)
        texts.update(s.paragraphs)
    return texts


def reader_lines(outcome: Outcome) -> list[tuple[int, str]]:
    """The lines an article's audit numbers: the dump's lines for the family and for a
    page's text; for HTML the reader's visible lines (one per block element)."""
    a = outcome.article
    if a.kind == "html":
        return [(v.number, v.text) for v in html_reader.visible_lines(html_reader._load(a.dump))]
    return [(line.number, line.text) for line in a.dump.lines]


def _assert_reader_accounted(outcome: Outcome) -> None:
    """Page-text and HTML: every non-blank line of the reader's numbering is published
    (a paragraph's or heading's line, the title, or part of a published text) or in
    `removed`, with a reason; and no line is both."""
    a = outcome.article
    removed = {r.line for r in a.removed}
    lines = reader_lines(outcome)
    numbers = {n for n, _ in lines}
    assert removed <= numbers, f"{a.dump.source_path}: removed lines that do not exist: {sorted(removed - numbers)[:5]}"
    published = {n for s in a.sections for n in s.lines} | {s.heading_line for s in a.sections if s.heading_line}
    assert not (published & removed), f"{a.dump.source_path}: lines both published and removed"
    squash = " ".join
    texts = [squash(t.split()) for t in published_texts(outcome)]
    title = squash(a.title.split())
    title_seen = False
    for number, text in lines:
        if not text.strip() or number in removed or number in published:
            continue
        flat = squash(text.split())
        if not title_seen and title and title in flat:
            title_seen = True  # the headline: published as the title
            continue
        assert any(flat in t for t in texts), \
            f"{a.dump.source_path}:{number}: {text!r} neither published nor removed"
    for r in a.removed:
        assert r.reason and r.text, r


def assert_accounted(outcome: Outcome, rules: Rules) -> None:
    """Every non-blank line is published (page text) or listed in `removed`."""
    a = outcome.article
    if a.kind != "family":
        _assert_reader_accounted(outcome)
        return
    removed = {r.line for r in a.removed}
    texts = published_texts(outcome)
    for line in a.dump.lines:
        if not line.text or line.number in removed:
            continue
        text = line.text
        ok = (text in texts or bullet_text(text, rules) in texts
              or text.rstrip(":").strip() == a.highlights_label)
        assert ok, f"{a.dump.source_path}:{line.number}: {text!r} neither published nor removed"
    for r in a.removed:
        assert r.reason and r.text, r


def assert_valid_page(outcome: Outcome) -> frontmatter.Post:
    """The page's front matter parses and round-trips the metadata exactly."""
    a = outcome.article
    page = frontmatter.loads(render_page(a, a.dump.source_path))
    assert page["title"] == a.title
    # a YAML date, not a string; a datetime of that day when the date line gives a time
    assert page["date"] == date_time(a.date_text, a.date)
    assert getattr(page["date"], "date", lambda: page["date"])() == a.date
    assert page["id"] == a.id
    assert page.get("publisher") == a.publisher
    assert page["tags"] == a.tags
    return page


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` -> its bytes: what "byte for byte the same" compares."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
