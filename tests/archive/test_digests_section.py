"""Issue 14, "Briefs first": digests only for a day or week with enough briefs
(rules: digests.min_briefs, schema-checked), in posts/digests/ (the digests' own blog),
left out of Material's search; briefs' URLs never depend on the digests; a brief's
front matter date carries the dump's time of day without moving the day. The site side
(the Digests tab, its archive and feed, lists of briefs only) is in tests/site/test_feeds.py;
the order of the two blogs is checked on a real build here."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import pytest
import yaml

from builder.archive.digests import digest_days, digest_urls
from builder.convert.dates import date_time
from builder.rules import RulesError, load_rules

RULES = load_rules()


BODIES = [
    ["The council approved the new harbour wall budget after a long debate on Tuesday night in the hall.",
     "Residents had asked for the repairs since the storms of last winter flooded the lower town twice."],
    ["Engineers will close the old stone bridge for fourteen weeks while its arches are strengthened.",
     "Buses will divert through the industrial estate, adding about ten minutes to each journey."],
    ["Every branch library stays open after ratepayers agreed to a small annual levy in a vote.",
     "Opening hours return to six days a week from September, with a new reading room for pupils."],
    ["Dock workers accepted a pay offer overnight, ending a dispute that threatened exports.",
     "The port authority said ships queued offshore would be unloaded within three days."],
]


def dump_text(title: str, day: str, ident: str, author: str = "Harper Eastwood",
              publisher: str = "Harbourside Times") -> str:
    body = BODIES[int(ident) % len(BODIES)]
    return "\n\n".join([f"2_-{int(ident):010d}-5", title, day, *body, f"By {author}, {publisher}"]) + "\n"


def front(path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])


def write_seeds(root, items) -> None:
    seeds = root / "seeds"
    seeds.mkdir(exist_ok=True)
    for n, (title, day) in enumerate(items):
        (seeds / f"{n:02d}.txt").write_text(dump_text(title, day, str(100 + n)), encoding="utf-8")


# --- the setting ---------------------------------------------------------------------

def test_min_briefs_defaults_to_two_and_is_configurable(tmp_path):
    assert RULES.digest_min_briefs == 2
    f = tmp_path / "rules.yml"
    f.write_text("digests: {min_briefs: 1}\n")
    assert load_rules(f).digest_min_briefs == 1


@pytest.mark.parametrize("value, message", [
    ("0", "digests.min_briefs: expected a whole number >= 1, got 0"),
    ("two", "digests.min_briefs: expected a whole number >= 1, got 'two'"),
    ("true", "digests.min_briefs: expected a whole number >= 1, got True"),
    ("[2]", "digests.min_briefs: expected a whole number >= 1, got a list"),
])
def test_min_briefs_is_checked_by_the_schema(tmp_path, value, message):
    f = tmp_path / "rules.yml"
    f.write_text(f"digests: {{min_briefs: {value}}}\n")
    with pytest.raises(RulesError) as e:
        load_rules(f)
    assert message in str(e.value)


def test_which_days_and_weeks_have_a_digest():
    d = dt.date
    dates = [d(2025, 5, 12), d(2025, 5, 12), d(2025, 5, 13), d(2025, 5, 20)]
    days, weeks = digest_days(dates, 2)
    assert days == {d(2025, 5, 12)} and weeks == {(2025, 20)}
    days, weeks = digest_days(dates, 1)
    assert days == {d(2025, 5, 12), d(2025, 5, 13), d(2025, 5, 20)} and weeks == {(2025, 20), (2025, 21)}
    urls = digest_urls(dates, 2)
    # the digests' own URL space: never a brief's {yyyy}/{MM}/{slug}
    assert urls == {"digests/2025/05/daily-2025-05-12": "digests/2025/05/daily-2025-05-12.md",
                    "digests/2025/05/weekly-2025-w20": "digests/2025/weekly-2025-w20.md"}


# --- what a run writes ---------------------------------------------------------------

def test_a_day_with_one_brief_has_no_digest_and_digests_leave_search(tmp_path):
    from builder.pipeline import convert

    write_seeds(tmp_path, [("Harbour wall", "12/05/2025"), ("Bridge works", "12/05/2025"),
                           ("Library levy", "13/05/2025")])
    convert([tmp_path / "seeds"], RULES, tmp_path / "docs/posts", root=tmp_path)
    digests = tmp_path / "docs/posts/digests"
    names = sorted(p.name for p in digests.rglob("*.md"))
    assert names == ["daily-2025-05-12.md", "weekly-2025-w20.md"]  # not the 13th: one brief
    for p in digests.rglob("*.md"):
        meta = front(p)
        assert meta["search"] == {"exclude": True}  # Material's search skips it
        assert meta["digest"] in ("daily", "weekly")
    assert "2 briefs from Harbourside Times." in (digests / "2025/05/daily-2025-05-12.md").read_text()


def test_brief_urls_do_not_depend_on_the_digests(tmp_path):
    from builder.pipeline import convert

    pages = []
    for n in (1, 4):
        root = tmp_path / f"r{n}"
        root.mkdir()
        write_seeds(root, [("Harbour wall", "12/05/2025"), ("Bridge works", "12/05/2025"),
                           ("Daily 2025-05-12", "12/05/2025")])
        rules = load_rules(None, {"digests": {"min_briefs": n}})
        result = convert([root / "seeds"], rules, root / "docs/posts", root=root)
        pages.append(sorted(o.page for o in result.outcomes if o.page))
        assert bool(list((root / "docs/posts/digests").rglob("daily-*.md"))) == (n <= 3)
    assert pages[0] == pages[1]
    assert "docs/posts/2025/05/daily-2025-05-12-2.md" in pages[0]  # never a digest's slug


# --- the time of day -------------------------------------------------------------------

@pytest.mark.parametrize("line, want", [
    ("June 9, 2025 4:15 PM", dt.datetime(2025, 6, 9, 16, 15)),
    ("Tuesday, June 9, 2025 10:42 AM", dt.datetime(2025, 6, 9, 10, 42)),
    ("09/06/2025 16:15", dt.datetime(2025, 6, 9, 16, 15)),
    ("2025-06-09T10:42:00Z", dt.datetime(2025, 6, 9, 10, 42, tzinfo=dt.UTC)),
    ("June 9, 2025 11:50 PM EDT", dt.datetime(2025, 6, 9, 23, 50, tzinfo=dt.timezone(dt.timedelta(hours=-4)))),
    ("June 9, 2025 at 10:42 +05:30", dt.datetime(2025, 6, 9, 10, 42,
                                                 tzinfo=dt.timezone(dt.timedelta(hours=5, minutes=30)))),
    ("June 9, 2025 10:42 IST", dt.datetime(2025, 6, 9, 10, 42)),  # which IST? as printed, no zone
    ("June 9, 2025", dt.date(2025, 6, 9)),
    ("June 9, 2025 13:15 PM", dt.date(2025, 6, 9)),  # not a time: the date alone
    ("09/06/2025 24:00", dt.date(2025, 6, 9)),
])
def test_date_time_keeps_the_time_and_never_moves_the_day(line, want):
    got = date_time(line, dt.date(2025, 6, 9))
    assert got == want and type(got) is type(want)
    if isinstance(got, dt.datetime) and got.tzinfo is not None:
        assert got.utcoffset() == want.utcoffset()


def test_a_briefs_front_matter_date_has_its_time_and_its_url_its_day(tmp_path):
    from builder.pipeline import convert

    write_seeds(tmp_path, [("Harbour wall", "May 31, 2025 11:50 PM EDT"), ("Bridge works", "May 13, 2025 10:42 AM"),
                           ("Library levy", "May 13, 2025")])
    result = convert([tmp_path / "seeds"], RULES, tmp_path / "docs/posts", root=tmp_path)
    by_title = {o.article.title: o for o in result.outcomes if o.page}
    late = front(tmp_path / by_title["Harbour wall"].page)
    assert late["date"] == dt.datetime(2025, 5, 31, 23, 50, tzinfo=dt.timezone(dt.timedelta(hours=-4)))
    assert by_title["Harbour wall"].page.startswith("docs/posts/2025/05/")  # 03:50 UTC on 1 June: still May
    assert front(tmp_path / by_title["Bridge works"].page)["date"] == dt.datetime(2025, 5, 13, 10, 42)
    assert front(tmp_path / by_title["Library levy"].page)["date"] == dt.date(2025, 5, 13)


# --- the two blogs, in the order that keeps digests out of the briefs' lists -------------

def test_the_digests_blog_declared_after_the_briefs_blog_stops_the_build(tmp_path):
    sys.path.insert(0, str(os.path.join(os.path.dirname(__file__), "..")))
    from site_support import REPO, copy_project

    copy_project(tmp_path)
    write_seeds(tmp_path, [("Harbour wall", "12/05/2025"), ("Bridge works", "12/05/2025")])
    config = (tmp_path / "mkdocs.yml").read_text(encoding="utf-8")
    start = config.index("  - blog:\n      blog_dir: digests")
    end = config.index("  # The briefs.\n  - blog:")
    digests_blog = config[start:end]
    config = config[:start] + config[end:]
    at = config.index("  - tags:")
    (tmp_path / "mkdocs.yml").write_text(config[:at] + digests_blog + config[at:], encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(REPO))
    p = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=tmp_path, env=env,
                       capture_output=True, text=True, timeout=600)
    assert p.returncode != 0
    assert "the briefs' blog lists 2 digest(s)" in p.stderr and "it must come first" in p.stderr
