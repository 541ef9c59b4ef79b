"""Archive intelligence: learned boilerplate, near-duplicates, related briefs, digests,
archive-wide tags. On a corpus of 50 dumps from three invented publishers, each with
chrome of its own that no default rule knows."""

from __future__ import annotations

import datetime as dt
import json
import random
import subprocess
import sys
from pathlib import Path

import frontmatter
import pytest
import yaml
from dumpgen import make_dump
from fixture_dumps import REPO

from builder.pipeline import analyse, convert
from builder.rules import load_rules

ROOT = REPO
RULES = load_rules()
# Each publisher's own chrome, in the body where no structural rule can see it.
CHROME = {
    "Harbourside Times": ["Sign up for the Harbour Bulletin", "Watch: our daily video round-up"],
    "Capitol Ledger": ["Ledger Live: follow the session", "[post_date]"],
    "Civic Wire": ["Catch up on all our council coverage below.", "Tap to follow Civic Wire"],
}
DISCLAIMER = ("This story was produced with support from the regional journalism fund, which has no say in "
              "what we cover or how we cover it, and we thank them for it.")


def corpus(folder: Path) -> dict[str, str]:
    """50 dumps; returns name -> publisher."""
    rng = random.Random(2024)
    folder.mkdir(parents=True, exist_ok=True)
    names = {}
    publishers = list(CHROME)
    for i in range(50):
        pub = publishers[i % 3]
        g = make_dump(rng, n_sections=3, day=dt.date(2025, 3, 1) + dt.timedelta(days=i % 20))
        lines = g.text.split("\n")
        # the credit names this publisher
        at = next(k for k, line in enumerate(lines) if line.startswith(("The content is provided", "By ")))
        lines[at] = f"By {' and '.join(g.authors)}, {pub}"
        body = next(k for k, line in enumerate(lines) if line in ("Summary", "Background")) + 2
        chrome = CHROME[pub]
        lines[body:body] = [chrome[0], ""]
        lines[at:at] = [chrome[1], "", DISCLAIMER, ""]
        (folder / f"{i:02d}.txt").write_text("\n".join(lines), encoding="utf-8")
        names[f"{i:02d}.txt"] = pub
    return names


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    folder = tmp_path_factory.mktemp("archive") / "seeds"
    corpus(folder)
    # a rare line (two dumps) is content, not chrome
    for name in ("00.txt", "03.txt"):
        f = folder / name
        f.write_text(f.read_text(encoding="utf-8").replace(DISCLAIMER, DISCLAIMER + "\nHalbrook votes today", 1),
                     encoding="utf-8")
    return analyse([folder], RULES)


def test_learned_chrome_is_removed_with_its_reason(result):
    for o in result.outcomes:
        a = o.article
        text = " ".join(a.paragraphs)
        for _pub, chrome in CHROME.items():
            for line in chrome:
                assert line not in a.paragraphs
        reasons = {r.text: r.reason for r in a.removed}
        mine = CHROME[a.publisher]
        assert reasons[mine[0]].startswith("learned: seen in ") and reasons[mine[0]].endswith(f"dumps of {a.publisher}")
        assert DISCLAIMER in text  # a long sentence is never learned, however often it recurs


def test_rare_lines_stay(result):
    kept = [o for o in result.outcomes
            if "Halbrook votes today" in [*o.article.paragraphs, *(s.heading for s in o.article.sections)]]
    assert len(kept) == 2
    assert not any(r.text == "Halbrook votes today" for o in result.outcomes for r in o.article.removed)


def test_rules_suggest_prints_pasteable_rules(tmp_path):
    corpus(tmp_path / "seeds")
    p = subprocess.run([sys.executable, "-m", "builder", "rules", "suggest", "seeds"], cwd=tmp_path,
                       capture_output=True, text=True, check=True)
    data = yaml.safe_load(p.stdout)
    texts = {r["text"] for r in data["lines"]}
    # [post_date] is not learned: the default placeholder rule removes it already
    assert {line for chrome in CHROME.values() for line in chrome} - {"[post_date]"} <= texts
    assert all(r["reason"].startswith("learned: seen in") for r in data["lines"])
    # pasted as the project's rules, they remove the chrome even in a single dump
    (tmp_path / "newsbrief-rules.yml").write_text(p.stdout)
    one = tmp_path / "one"
    one.mkdir()
    (one / "x.txt").write_text((tmp_path / "seeds" / "00.txt").read_text())
    rec = json.loads(subprocess.run([sys.executable, "-m", "builder", "export", "one"], cwd=tmp_path,
                                    capture_output=True, text=True, check=True).stdout)
    assert CHROME["Harbourside Times"][0] not in [p for s in rec["sections"] for p in s["paragraphs"]]


def test_unknown_footer_chrome_in_a_single_dump_goes_by_structure():
    g = make_dump(random.Random(3))
    text = g.text + "\nMost Shared This Week\nOur Newsletters\n[post_date]"
    out = analyse_one(text)
    removed = {r.text: r.reason for r in out.article.removed}
    assert removed["Most Shared This Week"] == "boilerplate: site chrome after the byline"
    assert removed["Our Newsletters"] == "boilerplate: site chrome after the byline"


def analyse_one(text: str):
    from builder.convert import process

    return process(text.encode(), "one.txt", RULES)


# --- near-duplicates -----------------------------------------------------------------

def test_syndicated_copy_is_published_once_with_a_note(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    g = make_dump(random.Random(8), n_sections=4, day=dt.date(2025, 5, 13))
    original = g.text
    first_para = g.sections[0][1][0]
    copy = (original.replace(g.id, "7_-123-9")
            .replace(first_para, first_para.replace(".", ", officials said.", 1))
            .replace("Share", "Share this article"))
    (seeds / "a.txt").write_text(original, encoding="utf-8")
    (seeds / "b.txt").write_text(copy.replace("May", "May", 1), encoding="utf-8")
    other = make_dump(random.Random(9), n_sections=4, day=dt.date(2025, 5, 14))
    (seeds / "c.txt").write_text(other.text, encoding="utf-8")
    result = convert(["seeds"], RULES, tmp_path / "docs" / "posts")
    by = {Path(o.source_path).name: o for o in result.outcomes}
    assert by["a.txt"].status == "ok" and by["c.txt"].status == "ok"
    assert by["b.txt"].status == "near-duplicate"
    assert by["b.txt"].near_duplicate_of == "seeds/a.txt" and by["b.txt"].similarity >= 0.8
    rec = by["b.txt"].as_record()
    assert rec["near_duplicate_of"] == "seeds/a.txt"
    page = (tmp_path / by["a.txt"].page).read_text(encoding="utf-8")
    assert '!!! note "Also published as"' in page and "seeds/b\\.txt" in page


def test_threshold_is_configurable(tmp_path):
    rules = tmp_path / "r.yml"
    rules.write_text("near_duplicates: {threshold: 0}\n")
    assert load_rules(rules).near_duplicate_threshold == 0


# --- related briefs, digests ----------------------------------------------------------

STORY = """{n}_-55{n}-1

Ceasefire talks resume in {place} as envoys meet again

May {day}, 2025

Summary

Envoys from Kestrel Republic and Ostmark met in {place} on day {day} of ceasefire talks led by Mediator Anna Berg.
The Kestrel Republic delegation said the ceasefire must hold before any wider talks, and Ostmark agreed to a review.
Anna Berg said both sides had shown good faith in {place}.

Reaction

Markets in Ostmark rose after the talks, and Kestrel Republic officials welcomed the progress made so far.


By Dana Whitcombe, Capitol Ledger"""


def test_related_briefs_follow_a_story_across_days(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    places = ["Geneva", "Vienna", "Oslo", "Helsinki"]
    for k, place in enumerate(places):
        (seeds / f"s{k}.txt").write_text(STORY.format(n=k + 1, place=place, day=10 + k), encoding="utf-8")
    for k in range(6):  # unrelated briefs
        (seeds / f"u{k}.txt").write_text(make_dump(random.Random(100 + k)).text, encoding="utf-8")
    result = convert(["seeds"], RULES, tmp_path / "docs" / "posts")
    story = sorted((o for o in result.outcomes if o.source_path.startswith("seeds/s")), key=lambda o: o.article.date)
    pages = {o.page for o in story}
    for o in story:
        assert o.related, o.source_path
        assert set(o.related) <= pages - {o.page}
        dates = [next(x for x in story if x.page == p).article.date for p in o.related]
        assert dates == sorted(dates, reverse=True)  # newest first
    index = json.loads((tmp_path / "docs/posts/.newsbrief-index.json").read_text())
    last = story[-1].page.removeprefix("docs/posts/")
    assert len(index[last]["related"]) == 3


def test_daily_and_weekly_digests(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for k, day in enumerate([12, 12, 13, 20]):
        g = make_dump(random.Random(k), day=dt.date(2025, 5, day))
        (seeds / f"d{k}.txt").write_text(g.text, encoding="utf-8")
    convert(["seeds"], RULES, tmp_path / "docs" / "posts")
    posts = tmp_path / "docs" / "posts"
    # digests.min_briefs (default 2): the 13th and the 20th (one brief each) and week 21
    # (one brief) have none (tests/archive/test_digests_section.py)
    daily = sorted(p.name for p in (posts / "digests").rglob("daily-*.md"))
    assert daily == ["daily-2025-05-12.md"]
    weekly = sorted(p.name for p in (posts / "digests").rglob("weekly-*.md"))
    assert weekly == ["weekly-2025-w20.md"]
    w = frontmatter.load(posts / "digests/2025/weekly-2025-w20.md")
    assert w["date"] == dt.date(2025, 5, 13)  # its newest brief, not the week's Sunday
    d = frontmatter.load(posts / "digests/2025/05/daily-2025-05-12.md")
    assert d["date"] == dt.date(2025, 5, 12) and d["title"].startswith("Daily brief: Monday 12 May 2025")
    # each brief one line: "- **[headline](link)** byline ..." (output/digests.py)
    items = [line for line in d.content.splitlines() if line.startswith("- **[")]
    assert len(items) == 2
    for link in [line.split("](", 1)[1].split(")")[0] for line in items]:
        assert (posts / "digests/2025/05" / link).resolve().is_file()


# --- tags across the archive -----------------------------------------------------------

def test_one_tag_per_entity_across_the_archive(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    a = STORY.format(n=1, place="Geneva", day=10).replace("Anna Berg", "Volodymyr Zelenskyy")
    b = STORY.format(n=2, place="Vienna", day=11).replace("Anna Berg", "Zelensky")
    (seeds / "a.txt").write_text(a, encoding="utf-8")
    (seeds / "b.txt").write_text(b, encoding="utf-8")
    result = analyse([seeds], RULES)
    tags = [o.article.tags for o in result.outcomes]
    assert all("Volodymyr Zelenskyy" in t for t in tags), tags
    assert not any("Zelensky" in t for t in tags)


def test_singleton_tags_rule(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "a.txt").write_text(STORY.format(n=1, place="Geneva", day=10), encoding="utf-8")
    (seeds / "b.txt").write_text(STORY.format(n=2, place="Vienna", day=11), encoding="utf-8")
    rules_file = tmp_path / "r.yml"
    rules_file.write_text("tags: {min_briefs: 2, min_briefs_from: 0}\n")  # from the first brief on
    result = analyse([seeds], load_rules(rules_file))
    for o in result.outcomes:
        assert "Geneva" not in o.article.tags and "Vienna" not in o.article.tags
        assert "Kestrel Republic" in o.article.tags
    default = analyse([seeds], RULES)
    assert any("Geneva" in o.article.tags for o in default.outcomes)
