"""The readers behind convert.process(): dispatch by content, the source view (repetition
across the dumps of one folder), discovery of HTML files, the audit, and the conversion
cache keyed on each dump's view (exact: a warm run equals a cold one, byte for byte)."""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from dumpgen import make_dump
from invariants import assert_accounted, reader_lines, tree

from builder.convert import Scan, process, process_files, scan
from builder.convert.discover import discover
from builder.convert.readers import context
from builder.pipeline import analyse, convert
from builder.rules import load_rules

RULES = load_rules()
REPO = Path(__file__).resolve().parents[2]
PAGES = REPO / "tests" / "data" / "pages"
HTML = REPO / "tests" / "data" / "html"

# A made-up site's template around an article (our own text): the lines every page of
# "The Lakeside Post" shares.
HEAD = ["Skip to content", "The Lakeside Post", "Menu", "Home", "Town", "Business", "Sport",
        "What's on", "Subscribe", "Sign in",
        "We use cookies to understand how the site is used. Read our cookie policy.", "Accept"]
FOOT = ["Most read", "Lakeside rowing club wins regional title", "Road works on the bypass until June",
        "Newsletter", "The week's news from the lake, every Sunday.", "Sign up", "About us", "Contact",
        "Privacy", "© 2025 The Lakeside Post"]
STORIES = {
    "ferry": ("Town", "Lake ferry timetable to add an early boat for commuters", "4 March 2025", "Anna Lind", [
        "The ferry company will add a boat leaving the north pier at six in the morning from April, after commuters "
        "asked for a crossing that reaches the station before the first train to the city.",
        "The early boat will run on weekdays only during a six-month trial, and the company said it would keep it "
        "if more than forty passengers a day use it by the end of the summer.",
        "Season tickets bought before the end of March will be valid on the new crossing at no extra cost, the "
        "company's operations manager told a meeting of the town's transport forum on Monday.",
    ]),
    "bakery": ("Business", "Family bakery on Mill Lane celebrates its hundredth year", "11 March 2025", "Jonas Berg", [
        "The bakery on Mill Lane opened its doors in the spring of nineteen twenty-five, and the same family has "
        "run it for four generations, baking bread in the original brick oven every night.",
        "To mark the anniversary the owners will sell loaves at the prices of the opening year for one day, with "
        "the money raised going to the primary school's library fund.",
        "The town museum is collecting photographs of the shop over the decades for a small exhibition that will "
        "open in the old flour store behind the bakery in May.",
    ]),
    "library": ("Town", "Library extends weekend opening hours from April", "18 March 2025", "Anna Lind", [
        "The town library will open on Sunday afternoons from the start of April, the council said, after a survey "
        "found that most residents who work during the week cannot visit on weekdays.",
        "The extra hours will be staffed by two librarians who have agreed to move part of their working week, so "
        "the change will not add to the library's budget this year.",
        "Children's story sessions, now held on Tuesday mornings, will move to Sunday afternoons as well so that "
        "working parents can bring their children along.",
    ]),
}


def page(name: str) -> str:
    label, title, date, author, paragraphs = STORIES[name]
    return "\n".join([*HEAD, label, title, f"By {author}", f"Published {date}", "Share", *paragraphs, *FOOT]) + "\n"


def test_process_dispatches_on_content_not_extension():
    family = (REPO / "tests" / "fixtures" / "01_ferry_contract_long.txt").read_bytes()
    text = (PAGES / "harbour_ferry.txt").read_bytes()
    markup = (HTML / "article_full.html").read_bytes()
    cases = [(family, "a.html", "family"), (text, "b.html", "page-text"), (markup, "c.txt", "html"),
             (markup, "d.htm", "html"), (text, "e.txt", "page-text")]
    for data, name, kind in cases:
        o = process(data, f"seeds/{name}", RULES)
        assert o.status == "ok", (name, o.error)
        assert o.article.kind == kind and o.as_record()["kind"] == kind
        assert_accounted(o, RULES)


@pytest.mark.parametrize("path", sorted(PAGES.glob("*.txt")) + sorted(HTML.glob("*.html")), ids=lambda p: p.name)
def test_every_line_of_a_published_page_is_accounted_for(path):
    o = process(path.read_bytes(), f"seeds/{path.name}", RULES)
    if o.status != "ok":
        assert o.error.startswith(("no article", "no date", "no title")), o.error
        return
    assert_accounted(o, RULES)
    if o.article.kind == "html":  # the audit counts the visible lines, not the markup's
        numbers = {n for n, _ in reader_lines(o)}
        assert {r.line for r in o.article.removed} <= numbers


def test_the_audit_check_can_fail():
    o = process((PAGES / "harbour_ferry.txt").read_bytes(), "seeds/x.txt", RULES)
    o.article.removed = o.article.removed[1:]  # a menu line neither published nor removed
    with pytest.raises(AssertionError, match="neither published nor removed"):
        assert_accounted(o, RULES)


def test_scan_converts_the_family_and_reads_the_others_line_keys():
    family = (REPO / "tests" / "fixtures" / "01_ferry_contract_long.txt").read_bytes()
    got = scan(family, "seeds/a.txt", RULES)
    assert not isinstance(got, Scan) and got.status == "ok" and got.article.kind == "family"
    text = scan((PAGES / "harbour_ferry.txt").read_bytes(), "seeds/b.txt", RULES)
    assert isinstance(text, Scan) and text.kind == "page-text"
    assert context.line_key("Menu") in text.keys and list(text.keys) == sorted(set(text.keys))
    markup = scan((HTML / "article_full.html").read_bytes(), "seeds/c.html", RULES)
    assert isinstance(markup, Scan) and markup.kind == "html"
    assert context.line_key("Coastline Courier") in markup.keys  # a visible line
    assert context.line_key("<!DOCTYPE html>") not in markup.keys  # markup is not a line


def test_the_view_holds_only_the_dumps_own_repeated_lines():
    keys = {"s/a.txt": context.line_keys(page("ferry").splitlines()),
            "s/b.txt": context.line_keys(page("bakery").splitlines()),
            "t/c.txt": context.line_keys(page("library").splitlines())}
    views = context.views(keys)
    a = views["s/a.txt"]
    assert a.n_dumps == 2 and views["t/c.txt"].n_dumps == 1 and views["t/c.txt"].counts == {}
    assert a.count("Menu") == 2 and a.count("  menu ") == 2  # normalised
    assert a.count(STORIES["ferry"][4][0]) == 0  # its own sentence: on one page only
    assert a.count("Family bakery on Mill Lane celebrates its hundredth year") == 0  # not its line
    assert set(a.counts) <= set(keys["s/a.txt"])
    assert a.digest() != views["s/b.txt"].digest() or a.counts == views["s/b.txt"].counts


def test_process_with_a_view_equals_the_reader_with_the_whole_context():
    texts = {n: page(n) for n in STORIES}
    full = context.build([t.splitlines() for t in texts.values()])
    views = context.views({f"s/{n}.txt": context.line_keys(t.splitlines()) for n, t in texts.items()})
    for n, t in texts.items():
        with_view = process(t.encode(), f"s/{n}.txt", RULES, views[f"s/{n}.txt"]).as_record()
        with_full = process(t.encode(), f"s/{n}.txt", RULES, full).as_record()
        alone = process(t.encode(), f"s/{n}.txt", RULES).as_record()
        assert with_view == with_full
        assert with_view["status"] == "ok"
        reasons = {r["text"]: r["reason"] for r in with_view["removed"]}
        assert reasons["About us"] == "boilerplate: repeated on 3 pages of this source"
        assert "repeated on" not in json.dumps(alone["removed"])


def test_discovery_reads_html_files(tmp_path):
    for name in ("a.txt", "b.html", "c.htm", "d.md", "e.HTML.bak"):
        (tmp_path / name).write_text("x")
    files, _ = discover([tmp_path], root=tmp_path)
    assert [src for src, _ in files] == ["a.txt", "b.html", "c.htm"]


def _project(root: Path) -> None:
    seeds = root / "seeds"
    (seeds / "lakeside").mkdir(parents=True)
    (seeds / "harbour").mkdir()
    (seeds / "lakeside" / "ferry.txt").write_text(page("ferry"), encoding="utf-8")
    (seeds / "lakeside" / "bakery.txt").write_text(page("bakery"), encoding="utf-8")
    for name in ("harbour_ferry.txt", "market_hall.txt"):
        shutil.copy(PAGES / name, seeds / "harbour" / name)
    shutil.copy(HTML / "article_full.html", seeds / "courier.html")
    rng = random.Random(13)
    for i in range(3):
        (seeds / f"family{i}.txt").write_text(make_dump(rng).text, encoding="utf-8")


def _cold(project: Path, where: Path, cache: bool) -> dict[str, bytes]:
    shutil.copytree(project / "seeds", where / "seeds")
    convert([where / "seeds"], RULES, Path("docs/posts"), workers=1, root=where,
            cache_dir=where / ".cache" if cache else None)
    return tree(where / "docs" / "posts")


def test_adding_a_page_converts_again_only_the_dumps_whose_view_moved(tmp_path, processed):
    project = tmp_path / "p"
    _project(project)

    def run():
        return convert([project / "seeds"], RULES, Path("docs/posts"), workers=1, root=project,
                       cache_dir=project / ".cache")

    first = run()
    assert {o.source_path: o.status for o in first.outcomes if "lakeside" in o.source_path} == \
        {"seeds/lakeside/bakery.txt": "ok", "seeds/lakeside/ferry.txt": "ok"}
    assert len(processed) == 8
    processed.clear()
    run()
    assert processed == []  # nothing changed: nothing processed
    (project / "seeds" / "lakeside" / "library.txt").write_text(page("library"), encoding="utf-8")
    result = run()
    # The new page, and the two pages of its folder whose template lines now count 3:
    # not the other folder's pages, not the HTML page, not the family dumps.
    assert sorted(processed) == ["seeds/lakeside/bakery.txt", "seeds/lakeside/ferry.txt",
                                 "seeds/lakeside/library.txt"]
    assert all(o.status == "ok" for o in result.outcomes if "lakeside" in o.source_path)
    warm = tree(project / "docs" / "posts")
    assert warm == _cold(project, tmp_path / "cold-cache", cache=True)
    assert warm == _cold(project, tmp_path / "cold-nocache", cache=False)
    # and the cache the warm run wrote gives the same again, converting nothing
    processed.clear()
    run()
    assert processed == [] and tree(project / "docs" / "posts") == warm


def test_a_changed_view_in_the_cache_is_not_reused(tmp_path, processed):
    """The cache's entry carries the digest of the view it was processed with: a page of
    the folder removed changes the others' counts, and they are processed again."""
    project = tmp_path / "p"
    _project(project)

    def run():
        return convert([project / "seeds"], RULES, Path("docs/posts"), workers=1, root=project,
                       cache_dir=project / ".cache")

    run()
    (project / "seeds" / "harbour" / "market_hall.txt").unlink()
    processed.clear()
    run()
    assert processed == ["seeds/harbour/harbour_ferry.txt"]
    assert tree(project / "docs" / "posts") == _cold(project, tmp_path / "cold", cache=False)


def test_the_process_pool_gets_the_views(tmp_path):
    """Enough dumps for the process pool: the views travel to the workers, and the
    outcomes are those of one process."""
    seeds = tmp_path / "seeds"
    for i in range(40):
        folder = seeds / f"site{i % 4}"
        folder.mkdir(parents=True, exist_ok=True)
        text = page(list(STORIES)[i % 3])
        for sentence in STORIES[list(STORIES)[i % 3]][4]:  # each page its own text
            place = "".join(chr(97 + (i * 7 + k * 3) % 26) for k in range(6)).title()
            text = text.replace(sentence, f"In {place}, {sentence[0].lower()}{sentence[1:]}")
        (folder / f"{i}.txt").write_text(text, encoding="utf-8")
    rng = random.Random(3)
    for i in range(30):
        (seeds / f"f{i}.txt").write_text(make_dump(rng).text, encoding="utf-8")
    one = analyse([seeds], RULES, workers=1, root=tmp_path)
    two = analyse([seeds], RULES, workers=2, root=tmp_path)
    assert [o.as_record() for o in one.outcomes] == [o.as_record() for o in two.outcomes]
    assert sum(o.article is not None and o.article.kind == "page-text" for o in two.outcomes) >= 10
    assert any("repeated on" in json.dumps(o.as_record().get("removed")) for o in two.outcomes)


def test_process_files_without_views_converts_pages_alone():
    files = [("x/harbour_ferry.txt", PAGES / "harbour_ferry.txt")]
    o = process_files(files, RULES, workers=1)[0]
    assert o.status == "ok" and o.article.kind == "page-text"


def test_export_names_the_reader(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    shutil.copy(HTML / "article_full.html", seeds / "a.html")
    shutil.copy(PAGES / "market_hall.txt", seeds / "b.txt")
    shutil.copy(REPO / "tests" / "fixtures" / "01_ferry_contract_long.txt", seeds / "c.txt")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    p = subprocess.run([sys.executable, "-m", "builder", "export", "seeds"], cwd=tmp_path, capture_output=True,
                       text=True, env=env)
    assert p.returncode == 0, p.stderr
    kinds = {json.loads(line)["source_path"]: json.loads(line).get("kind") for line in p.stdout.splitlines()}
    assert kinds == {"seeds/a.html": "html", "seeds/b.txt": "page-text", "seeds/c.txt": "family"}


def test_a_family_brief_full_of_tags_is_the_family_and_a_one_line_fragment_is_html():
    from builder.convert.readers.detect import kind

    vector = "<scr<script>ipt>alert(1)</scr</script>ipt>"
    brief = "\n".join(["9_-503-1", "", f"NBH {vector}", "", "May 14, 2025", "", "Summary", "",
                       f"{vector} is the lead line of this brief.", "A second paragraph.", "",
                       f"The content is provided by Mallory, {vector}"])
    assert kind(brief) == "family"
    fragment = "<article>" + "".join(f"<p>Paragraph {i} of the story, told in a sentence.</p>" for i in range(12)) \
        + "<div><a href='/'>Home</a></div></article>"
    assert kind(fragment) == "html"
    assert kind("Title\n\nMay 14, 2025\n\nOne paragraph.") == "family"  # short: read as before
