"""Property-based tests (hypothesis) for the builder's invariants.

- any bytes in -> no crash: an Outcome that is published or rejected with a one-line cause;
- a published dump gives valid front matter that round-trips its metadata;
- every non-blank line of the input is published or listed in `removed`;
- every published text shows literally in the HTML that Markdown makes of the page.

The number of examples comes from the hypothesis profile: `ci` (default) or `nightly`
(HYPOTHESIS_PROFILE=nightly, ten times more).
"""

from __future__ import annotations

import html
import os
import random
import re

import markdown
from dumpgen import make_dump
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from invariants import assert_accounted, assert_valid_page, published_texts

from builder.convert import process
from builder.output.render import escape_md, render_page
from builder.rules import load_rules

settings.register_profile("ci", max_examples=1000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("nightly", max_examples=10000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

RULES = load_rules()
EXTENSIONS = ["toc", "admonition", "attr_list", "md_in_html", "tables"]
CHROME = ["Share", "Sponsored", "Featured", "Breaking News", "[post_author]", "Highlights:",
          "Explore exclusive content on things below."]
# Text that stresses the escaper: Markdown, HTML, Jinja and extension syntax, any script.
HOSTILE = st.sampled_from(["#", "1.", ">", "-", "*", "_", "`", "[", "]", "(", ")", "<", "&", "|", "{{", "}}",
                           "{%", "%}", "{:", "--8<--", "!!!", ":emoji:", "<script>", "javascript:", "\\",
                           "&lt;", "&#60;", "<!-- more -->", "---", "==="])
WORD = st.one_of(st.text(st.characters(blacklist_categories=["Cs", "Cc", "Zl", "Zp"]), min_size=1,
                         max_size=12), HOSTILE)


def _line(words: list[str]) -> str:
    return " ".join(words)


content_line = st.lists(WORD, min_size=1, max_size=25).map(_line)


def _visible_text(fragment: str) -> str:
    text = re.sub(r"<[^>]+>", " ", fragment)
    return re.sub(r"\s+", " ", html.unescape(text)).strip()


@given(st.binary(max_size=4000))
def test_any_bytes_no_crash(data):
    out = process(data, "fuzz.txt", RULES)
    assert out.status in ("ok", "rejected")
    if out.status == "rejected":
        assert out.error and "\n" not in out.error
    else:
        assert_valid_page(out)
        assert_accounted(out, RULES)


@given(st.text(max_size=3000))
def test_any_text_no_crash(text):
    out = process(text.encode("utf-8", "surrogatepass"), "fuzz.txt", RULES)
    assert out.status in ("ok", "rejected")
    if out.status == "ok":
        assert_valid_page(out)
        assert_accounted(out, RULES)


@given(seed=st.integers(0, 10**6),
       extra=st.lists(st.tuples(st.integers(0, 10**6), content_line), max_size=8),
       chrome=st.lists(st.tuples(st.integers(0, 10**6), st.sampled_from(CHROME)), max_size=4))
@settings(max_examples=int(settings().max_examples / 2) or 1)
def test_generated_dumps_keep_every_content_line(seed, extra, chrome):
    """A family dump with random Unicode/hostile lines and chrome in random places."""
    g = make_dump(random.Random(seed))
    lines = g.text.split("\n")
    body_start = lines.index("Share") + 2
    body_end = max(i for i, line in enumerate(lines) if line.startswith(("The content is provided", "By ")))
    for pos, text in extra:
        lines.insert(body_start + pos % (body_end - body_start), text)
        body_end += 1
    for pos, text in chrome:
        lines.insert(body_start + pos % (body_end - body_start), text)
        body_end += 1
    out = process("\n".join(lines).encode("utf-8"), "gen.txt", RULES)
    assert out.status == "ok", out.error
    assert_valid_page(out)
    assert_accounted(out, RULES)
    page_html = markdown.markdown(render_page(out.article, "gen.txt").split("---\n", 2)[2],
                                  extensions=EXTENSIONS)
    visible = _visible_text(page_html)
    for text in published_texts(out):
        assert _visible_text(html.escape(text)) in visible
    assert "<script" not in page_html


@given(content_line)
def test_escaped_text_renders_literally(text):
    rendered = markdown.markdown(escape_md(text), extensions=EXTENSIONS)
    assert _visible_text(rendered) == re.sub(r"\s+", " ", text).strip()
    assert "<script" not in rendered and "<a " not in rendered and "<img" not in rendered
