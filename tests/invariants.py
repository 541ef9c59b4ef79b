"""Checks shared by the fixture tests and the property-based tests."""

from __future__ import annotations

import frontmatter

from builder.convert.dates import date_time
from builder.convert.parse import bullet_text
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


def assert_accounted(outcome: Outcome, rules: Rules) -> None:
    """Every non-blank line is published (page text) or listed in `removed`."""
    a = outcome.article
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
