"""Issue 11, the input side: linear-time patterns on dump text (#2, #6), one date
validation for every date path (#3), rules files checked whole and matched by RE2
(#12), invisible bidi controls and private-use characters out at read time (#15)."""

from __future__ import annotations

import datetime as dt
import pickle
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fixture_dumps import REPO as ROOT

from builder.convert import process
from builder.convert.dates import MAX_DATE, MIN_DATE, DateError, ImplausibleDate, looks_like_date, parse_date
from builder.output.render import render_page
from builder.pipeline import convert
from builder.rules import RulesError, load_rules
from builder.site import blog_speed

RULES = load_rules()


def dump(title: str = "Council approves the new flood wall", date: str = "May 13, 2025",
         body: str = "The council approved the wall on Tuesday after a long debate.",
         first: str = "3_-1284736519-2", tail: str = "By Jane Doe, Daily Planet") -> bytes:
    return f"{first}\n\n{title}\n\n{date}\n\n{body}\n\nMore text follows here, as usual.\n\n{tail}\n".encode()


def cpu(fn) -> float:
    """CPU seconds of the faster of two calls (CPU time: other jobs on the machine
    do not count)."""
    best = float("inf")
    for _ in range(2):
        start = time.process_time()
        fn()
        best = min(best, time.process_time() - start)
    return best


# --- #2, #6: every pattern that sees dump text runs in linear time -----------------

def test_a_long_digit_run_is_no_date_and_costs_nothing():
    line = "1" * 40 + "x"  # exponential before: 24 digits took 3.8 s
    start = time.process_time()
    assert not looks_like_date(line)
    assert not looks_like_date("1" * 58 + "x")
    with pytest.raises(DateError):
        parse_date("1" * 99 + "x")
    assert time.process_time() - start < 0.5


@pytest.mark.parametrize("slot", ["first", "title", "header", "body", "tail"])
def test_a_digit_run_line_in_every_date_checked_place_is_fast(slot):
    line = "1" * 40 + "x"
    data = dump(**({slot: line} if slot != "header" else {"date": f"May 13, 2025\n\n{line}"}))
    assert cpu(lambda: process(data, "d.txt", RULES)) < 1.0


# Adversarial families: n characters of something a backtracking pattern would choke on.
FAMILIES = {
    "digits": lambda n: "1" * n + "x",
    "digits-spaced": lambda n: "1 " * (n // 2) + "x",
    "dotted-word": lambda n: "Zx" + ".a" * (n // 2),
    "dotted-caps": lambda n: "Z." * (n // 2) + "a",
    "initialisms": lambda n: "U.S. " * (n // 5),
    "commas-datelike": lambda n: "May 13" + "," * n + " 2025",
    "commas-time": lambda n: "May 13, 2025" + "," * n + "10:00",
    "spaces-time": lambda n: "10:00" + " " * n + "x",
    "dates-repeated": lambda n: "May 13, 2025 " * (n // 13),
    "ordinals": lambda n: "1st " * (n // 4) + "x",
    "month-dots": lambda n: "may." * (n // 4) + "x",
    "punctuation": lambda n: "!?." * (n // 3),
    "dashes": lambda n: "A-" * (n // 2),
    "apostrophes": lambda n: "A’" * (n // 2) + "s",
    "ampersands": lambda n: "A&" * (n // 2),
    "capital-word": lambda n: "A" * n,
    "capital-words": lambda n: "Aa " * (n // 3),
    "connectors": lambda n: "Bank " + "of " * (n // 3) + "x",
    "names-and": lambda n: "Jane " + "and Jane " * (n // 9) + "x",
    "closers": lambda n: "." + ")" * n + "x",
    "brackets": lambda n: "[" * n,
    "a-run": lambda n: "a" * n + "c",
    "mixed": lambda n: ("Dr. Zx.a.a 12th, May 13 10:00 " * n)[:n],
}
# Users' own rules that backtrack exponentially in a backtracking engine.
HOSTILE_RULES = {
    "patterns": [{"regex": "(a+)+b", "reason": "evil"}, {"regex": r"(\w+\s?)+$x", "reason": "evil"},
                 {"regex": "(x+x+)+y", "reason": "evil"}, {"regex": "(.*a){12}", "reason": "evil"}],
    "bylines": [r"(?:(?:\w+ ?)+)+ by (?P<credit>.+)"],
}


@pytest.fixture(scope="module")
def hostile_rules(tmp_path_factory) -> object:
    import yaml

    f = tmp_path_factory.mktemp("rules") / "hostile.yml"
    f.write_text(yaml.safe_dump(HOSTILE_RULES), encoding="utf-8")
    return load_rules(f)


def _dumps(line: str) -> list[bytes]:
    """The line in each place a stage looks at: first line (id) and title, header,
    body (a paragraph and a heading-like block), byline, footer, date line."""
    return [
        dump(first=line),
        dump(date=f"May 13, 2025\n\n{line}", body=f"{line}\n\nSome text.\n\nA heading\n\n{line} and more."),
        dump(tail=f"By {line}\n\n{line}"),
        dump(tail=f"By Jane Doe, Daily Planet\n\n{line}\n\nMay 13, 2025"),
        dump(date=line),
    ]


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_hostile_lines_cost_linear_time_through_the_whole_pipeline(family, hostile_rules):
    make = FAMILIES[family]

    def run(n: int) -> float:  # the best of three: a busy machine only ever adds time
        dumps = _dumps(make(n))
        return min(cpu(lambda: [process(d, "h.txt", r) for d in dumps for r in (RULES, hostile_rules)])
                   for _ in range(3))

    small, big = run(10_000), run(100_000)
    # Linear: ~10x for 10x the text. Quadratic: ~100x. Absolute ceiling for all ten runs.
    assert big < 25 * small + 0.25 and big < 4.0, f"{family}: 10 KB {small:.3f} s, 100 KB {big:.3f} s"


def test_the_reported_lines_are_fast():
    cases = [dump(body="Some text Zx" + ".a" * 80_000 + " more"),  # 160 KB: 58 s before
             dump(title="May 13" + "," * 80_000 + " 2025"),  # 80 KB: 74 s before
             dump(body="1" * 40 + "x")]
    for data in cases:
        assert cpu(lambda d=data: process(d, "r.txt", RULES)) < 2.0


# --- #3: one date validation -------------------------------------------------------

@pytest.mark.parametrize("text", ["9999-12-31", "0001-01-01", "13/05/0999", "05/13/0999", "May 13, 2205",
                                  "1899-12-31", "2101-01-01", "1 January 2101", "Tuesday, 31.12.9999"])
def test_implausible_dates_are_rejected_on_every_path(text):
    with pytest.raises(ImplausibleDate, match="implausible date"):
        parse_date(text)
    out = process(dump(date=text), "d.txt", RULES)
    assert out.status == "rejected" and out.error.startswith("implausible date on line 5"), out.error
    # the footer path (no date in the header) goes through the same check
    out = process(dump(date="", tail=f"By Jane Doe, Daily Planet\n\n{text}"), "d.txt", RULES)
    assert out.status == "rejected" and "implausible date" in out.error, out.error


@pytest.mark.parametrize("text", ["2100-12-31", "31/12/2100", "December 31, 2100", "1900-01-01", "1 January 1900"])
def test_the_bounds_themselves_are_accepted(text):
    assert MIN_DATE <= parse_date(text) <= MAX_DATE
    assert process(dump(date=text), "d.txt", RULES).status == "ok"


def test_an_implausible_date_as_title_is_still_no_title():
    out = process(dump(title="9999-12-31"), "d.txt", RULES)
    assert out.status == "rejected" and out.error.startswith("no title")


def test_dumps_at_and_past_the_upper_bound_convert_with_digests(tmp_path):
    # The digests do ISO-week arithmetic (builder/archive/digests.py): 9999-12-31 lies in a week of
    # year 10000 and crashed the run. At MAX_DATE it works; past it the dump is rejected.
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "last.txt").write_bytes(dump(date=MAX_DATE.isoformat()))
    (seeds / "past.txt").write_bytes(dump(first="past-1", title="Another brief", date="9999-12-31"))
    (seeds / "next.txt").write_bytes(dump(first="past-2", title="Third brief",
                                          date=(MAX_DATE + dt.timedelta(days=1)).isoformat()))
    result = convert([seeds], RULES, tmp_path / "docs" / "posts", workers=1)
    status = {Path(o.source_path).name: (o.status, o.error) for o in result.outcomes}
    assert status["last.txt"] == ("ok", None)
    assert status["past.txt"][0] == status["next.txt"][0] == "rejected"
    assert "implausible date" in status["past.txt"][1] and "implausible date" in status["next.txt"][1]
    posts = tmp_path / "docs" / "posts"
    assert (posts / "2100" / "12").is_dir()
    assert not any(p.name in ("1", "9999", "10000") for p in posts.iterdir())
    assert any("2100" in str(p) for p in posts.rglob("*.md") if "last" not in p.name), "digest pages written"


# --- #12: rules files ----------------------------------------------------------------

BAD_RULES = [
    (b"max_bytes: lots\n", "max_bytes: expected a whole number"),
    (b"tags: [a]\n", "tags: expected a mapping, got a list"),
    (b"learn: 5\n", "learn: expected a mapping, got 5"),
    (b"tags: {max: -1}\n", "tags.max: expected a whole number >= 0, got -1"),
    (b"tags: {min_briefs: 0}\n", "tags.min_briefs"),
    (b"tags: {aliases: [x]}\n", "tags.aliases: expected a mapping"),
    (b"learn: {min_share: 1.5}\n", "learn.min_share: expected a number from 0 to 1"),
    (b"near_duplicates: {threshold: high}\n", "near_duplicates.threshold"),
    (b"digests: {daily: 'no'}\n", "digests.daily: expected true or false"),
    (b"related: {max: 2.5}\n", "related.max"),
    (b"lines:\n  - {text: [a]}\n", "lines[0].text: expected text, got a list"),
    (b"lines:\n  - {text: Share, reson: x}\n", "lines[0].reson: unknown key"),
    (b"tagz: {max: 3}\n", "tagz: unknown key"),
    (b"tags:\n  stop: [\xff\xfe]\n", "not UTF-8 text (byte 0xff"),
    (b"- just\n- a list\n", "expected a mapping at the top level"),
    (b"date_order: YMD\n", "date_order must be DMY or MDY"),
    (b"patterns:\n  - {regex: '(a)\\1'}\n", "bad regex in patterns[0].regex"),
    (b"patterns:\n  - {regex: '(?<!x)share'}\n", "not supported by linear-time matching"),
    (b"patterns:\n  - {regex: 'share(?=x)'}\n", "not supported by linear-time matching"),
    (b"patterns:\n  - {regex: '\\bshare\\b'}\n", "word boundary"),
    (b"bylines: ['by (.+)']\n", "bylines[0]: byline regex needs a (?P<credit>...) group"),
    (b"[" * 50_000, "not valid YAML"),
]


@pytest.mark.parametrize(("content", "message"), BAD_RULES)
def test_a_bad_rules_file_is_one_clear_error(tmp_path, content, message):
    f = tmp_path / "bad.yml"
    f.write_bytes(content)
    with pytest.raises(RulesError) as e:
        load_rules(f)
    assert str(e.value).startswith(f"{f}: ") and message in str(e.value), str(e.value)
    assert "\n" not in str(e.value)


def test_a_yaml_alias_bomb_is_refused_at_once(tmp_path):
    rows = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        rows.append(f"{name}: &{name} [{','.join(['*' + prev] * 9)}]")
    f = tmp_path / "bomb.yml"
    f.write_text("\n".join(rows) + "\n")
    assert f.stat().st_size < 400
    start = time.process_time()
    with pytest.raises(RulesError, match="aliases"):
        load_rules(f)
    assert time.process_time() - start < 1.0


def test_the_cli_prints_one_line_and_exits_2(tmp_path):
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "a.txt").write_bytes(dump())
    for content in (b"max_bytes: lots\n", b"tags: [a]\n", b"learn: 5\n", b"x: \xff\n", b"tags: {max: -1}\n"):
        (tmp_path / "bad.yml").write_bytes(content)
        p = subprocess.run([sys.executable, "-m", "builder", "convert", "--rules", "bad.yml", "seeds"],
                           cwd=tmp_path, capture_output=True, text=True, env=_env())
        assert p.returncode == 2, p.stderr
        assert p.stderr.count("\n") == 1 and p.stderr.startswith("newsbrief: error: bad.yml: "), p.stderr
        assert not (tmp_path / "docs").exists()


def _env() -> dict:
    import os

    return {**os.environ, "PYTHONPATH": str(ROOT)}


def test_documented_rules_still_load_and_work(tmp_path):
    # The README's example file, and Python's Unicode meaning of \w \d \s in RE2.
    f = tmp_path / "rules.yml"
    f.write_text(r"""
lines:
  - {text: "Most Popular Today", reason: widget title}
patterns:
  - {regex: 'subscribe for \d+ cents', reason: paywall}
  - {regex: 'read more from .* below\.', reason: teaser, where: header}
  - {regex: '\w+ для \w+', reason: paywall}
  - {regex: 'only\s+\d+\W+left', reason: widget}
highlights_labels: ["Key facts"]
bylines: ['compiled by (?P<credit>.+)']
date_order: MDY
max_bytes: 20000000
tags:
  max: 8
  aliases: {Zelensky: Zelenskyy}
  stop: [Live Updates]
  min_briefs: 2
learn: {min_dumps: 3, min_share: 0.3, keep: ["The Ledger's View"]}
near_duplicates: {threshold: 0.8}
related: {max: 5}
digests: {daily: true, weekly: true}
""", encoding="utf-8")
    rules = load_rules(f)
    assert (rules.date_order, rules.max_bytes, rules.tag_min_briefs) == ("MDY", 20_000_000, 2)
    assert rules.chrome_reason("Subscribe for ٩٩ cents", "anywhere") == "paywall"  # Unicode \d
    assert rules.chrome_reason("Только для подписчиков", "anywhere") == "paywall"  # Unicode \w
    assert rules.chrome_reason("Only\u00a03 — left", "anywhere") == "widget"  # Unicode \s, \W
    assert rules.chrome_reason("Read more from us below.", "header") == "teaser"
    assert rules.chrome_reason("Read more from us below.", "footer") is None
    assert rules.chrome_reason("Share on Facebook", "anywhere") == "share button"  # defaults first
    assert rules.byline_regexes("Compiled by Jane Doe")[0].fullmatch("Compiled by Jane Doe")["credit"] == "Jane Doe"
    again = pickle.loads(pickle.dumps(rules))  # the process pool sends the rules to workers
    assert again.chrome_reason("Только для подписчиков", "anywhere") == "paywall"
    assert load_rules(tmp_path / "rules.yml").signature == rules.signature


def test_the_default_teaser_rule_still_needs_a_word_gap():
    assert RULES.chrome_reason("Explore exclusive content on power markets below.", "header") == "teaser"
    assert RULES.chrome_reason("Read more below", "header") == "teaser"
    assert RULES.chrome_reason("Read morebelow", "header") is None
    assert RULES.chrome_reason("Read moreover the coverage below", "header") is None


def test_a_backtracking_user_rule_runs_in_linear_time(hostile_rules):
    assert hostile_rules.chrome_reason("aaab", "anywhere") == "evil"  # the rule still works
    line = "a" * 100_000 + "c"
    start = time.process_time()
    assert hostile_rules.chrome_reason(line, "anywhere") is None
    assert process(dump(body=line), "e.txt", hostile_rules).status == "ok"
    assert time.process_time() - start < 2.0


def test_a_bad_file_changes_nothing():
    rules = load_rules()
    before = pickle.dumps(rules)
    from builder.rules import _merge

    with pytest.raises(RulesError):
        _merge(rules, {"lines": [{"text": "Extra"}], "tags": {"max": "x"}}, "inline")
    assert pickle.dumps(rules) == before


# --- #15: invisible controls and private-use characters ------------------------------

def test_bidi_overrides_and_isolates_are_removed_and_recorded():
    title = "Invoice \u202egnp.exe \u2066x\u2069 \u202a\u202b\u202c\u202d\u2067\u2068"
    out = process(dump(title=title), "b.txt", RULES)
    a = out.article
    assert a.title == "Invoice gnp.exe x"
    assert a.dump.repairs == ["9 invisible control characters removed (bidi override/isolate or private use)"]


def test_directional_marks_stay():
    # LRM, RLM, ALM only give neutral characters a direction: RTL text needs them.
    # (a full stop: without one, a short line between paragraphs is a heading, in scripts
    # without capitals too)
    body = "قال \u200fالمتحدث\u200e إن \u061cالمشروع (2025) سيكتمل."
    a = process(dump(body=body), "b.txt", RULES).article
    assert a.paragraphs[0] == body and a.dump.repairs == []


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "utf-8-sig"])
def test_private_use_characters_never_reach_the_site(encoding):
    # blog_speed's markers are private-use characters; the site replaces them with URLs.
    markers = blog_speed.MAIN + blog_speed.ANCHOR + "\ue000\uf8ff\U000f0000\U0010fffd"
    text = dump(title=f"Marked {blog_speed.MAIN} title", body=f"A lead {markers} sentence. Next one.",
                tail=f"By Jane Doe, Daily {blog_speed.ANCHOR}Planet").decode()
    a = process(text.encode(encoding), "p.txt", RULES).article
    page = render_page(a, "p.txt")
    hidden = {c for c in markers if 0xE000 <= ord(c) <= 0xF8FF or ord(c) >= 0xF0000}
    assert hidden and not hidden & set(page + a.description + a.title + "".join(a.paragraphs))
    assert a.title == "Marked nb-main title" and a.publisher == "Daily nb-anchorPlanet"
    assert any("private use" in r for r in a.dump.repairs)


def test_every_private_use_literal_in_the_builder_is_removed_at_read_time():
    import re

    from builder.convert.read import remove_hidden

    literals = set()
    for path in (ROOT / "builder").rglob("*.py"):
        src = path.read_text(encoding="utf-8")
        for esc in re.findall(r"\\u[0-9a-fA-F]{4}|\\U[0-9a-fA-F]{8}", src):
            c = chr(int(esc[2:], 16))
            if 0xE000 <= ord(c) <= 0xF8FF or ord(c) >= 0xF0000:
                literals.add(c)
        literals |= {c for c in src if 0xE000 <= ord(c) <= 0xF8FF or ord(c) >= 0xF0000}
    assert {"\ue000", "\ue001"} <= literals  # blog_speed's markers
    text = "x".join(sorted(literals))
    assert remove_hidden(text)[0] == "x" * (len(literals) - 1)
    assert remove_hidden(text, text.encode())[0] == "x" * (len(literals) - 1)
