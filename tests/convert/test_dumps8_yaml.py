"""Round 8 (issue #15, 600 dumps/s): render.dump_yaml writes the plain entries of a front
matter itself and gives the rest to PyYAML's dumper; the text must be the dumper's, byte
for byte, whatever the strings hold (random text of YAML's hard characters, and the front
matter of every fixture and hostile dump)."""

from __future__ import annotations

import datetime as dt

from fixture_dumps import FIXTURES, HOSTILE
from hypothesis import given, settings
from hypothesis import strategies as st

from builder.convert import process
from builder.output import render
from builder.rules import load_rules

RULES = load_rules()

# The characters YAML treats apart (indicators, quotes, breaks, blanks, resolver prefixes)
# with letters, digits and a few non-ASCII ones, so that random strings hit every rule.
_HARD = [*"-?:,[]{}#&*!|>'\"%@`~=<+. \t\n\r\\/", "\x85", "\xa0", "\u2028", "\ufeff", "\x00", "\x7f"]
_SOFT = [*"aZy0n9Tt", "é", "Ж", "’", "“", "—", "中"]
_WORDS = ["yes", "No", "null", "~", "true", "Off", "12", "1.5", "0x1F", "2025-01-05", ".inf", "1_000",
          "2025-01-05 10:00"]
text = st.one_of(st.text(alphabet=st.sampled_from(_HARD + _SOFT), max_size=12), st.sampled_from(_WORDS),
                 st.builds(" ".join, st.lists(st.sampled_from(_WORDS + _SOFT + _HARD), max_size=4)))
value = st.one_of(text, st.lists(text, max_size=3), st.none(), st.booleans(), st.integers(), st.dates(),
                  st.datetimes(timezones=st.sampled_from([None, dt.UTC, dt.timezone(dt.timedelta(hours=5))])),
                  st.dictionaries(text, text, max_size=2))


@settings(max_examples=10000, deadline=None)
@given(st.dictionaries(st.one_of(text, st.sampled_from(["title", "tags", "date", "k" * 128, "k" * 129])), value,
                      max_size=6))
def test_same_text_as_the_dumper(data):
    assert render.dump_yaml(data) == render._yaml(data)


def test_plain_entries_skip_the_dumper():
    """A brief's usual front matter is written without PyYAML's representer (else this
    round saves nothing)."""
    meta = {"title": "Halbrook council votes, again (2025)", "date": dt.date(2025, 1, 5), "tags": ["Caledon Air"],
            "authors": [], "slug": "halbrook-council-votes", "lang": "en"}
    assert all(render._entry(k, v) is not None for k, v in meta.items())
    assert render.dump_yaml(meta) == render._yaml(meta)
    assert render._entry("title", "yes") is None and render._entry("title", "a: b") is None
    assert render._entry("title", "yes  ") is None  # a trailing blank is quoted


def test_fixture_front_matter_unchanged():
    seen = 0
    for path in [*sorted(FIXTURES.glob("*.txt")), *sorted(HOSTILE.glob("*.txt"))]:
        o = process(path.read_bytes(), path.name, RULES)
        if o.article is None:
            continue
        o.article.author_keys = [f"k{n}" for n, _ in enumerate(o.article.authors)]
        meta = render.front_matter(o.article, path.name)
        assert render.dump_yaml(meta) == render._yaml(meta), path.name
        seen += 1
    assert seen > 20
