"""Issue 11, archive side: discovery through links (#4), digest and brief URLs (#8),
learned chrome poisoning (#9), URL takeover (#10), names that slug alike (#11) and
Markdown extension syntax in dump text (#7)."""

from __future__ import annotations

import datetime as dt
import html
import os
import re
from pathlib import Path

import markdown
import pytest
import yaml
from fixture_dumps import REPO as ROOT

from builder.convert.discover import discover
from builder.model import Article, Dump, Section
from builder.output.render import escape_md, render_page
from builder.pipeline import analyse
from builder.rules import load_rules

RULES = load_rules()


def dump_text(title: str, day: str = "13/05/2025", ident: str = "100", publisher: str = "Harbourside Times",
              author: str = "Harper Eastwood", body: list[str] | None = None) -> str:
    body = body or [
        "The council approved the new harbour wall budget after a long debate on Tuesday night in the hall.",
        "Residents had asked for the repairs since the storms of last winter flooded the lower town twice.",
    ]
    return "\n\n".join([f"2_-{int(ident):010d}-5", title, day, *body, f"By {author}, {publisher}"]) + "\n"


# --- #4 discovery ------------------------------------------------------------------------

def test_discovery_never_loops_never_leaves_and_reports_what_it_skips(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    seeds = tmp_path / "seeds"
    (seeds / "sub").mkdir(parents=True)
    (seeds / "a.txt").write_text(dump_text("One"))
    (seeds / "sub" / "b.txt").write_text(dump_text("Two", ident="101"))
    (seeds / "x.txt").mkdir()
    (seeds / "x.txt" / "c.txt").write_text(dump_text("Three", ident="102"))
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(dump_text("Secret", ident="666"))
    os.symlink(".", seeds / "loop1")
    os.symlink(".", seeds / "loop2")
    os.symlink(outside, seeds / "etc")
    os.symlink("nowhere.txt", seeds / "dangling.txt")
    os.symlink("sub", seeds / "again")
    os.symlink("a.txt", seeds / "alias.txt")
    os.mkfifo(seeds / "fifo.txt")
    warnings: list[str] = []
    files, errors = discover(["seeds"], warnings)
    assert errors == []
    assert [d for d, _ in files] == ["seeds/a.txt", "seeds/sub/b.txt", "seeds/x.txt/c.txt"]
    why = {w.split(":", 1)[0]: w for w in warnings}
    assert "already walked" in why["seeds/loop1"] and "already walked" in why["seeds/loop2"]
    assert "already walked" in why["seeds/again"]
    assert "outside" in why["seeds/etc"]
    assert "dangling" in why["seeds/dangling.txt"]
    assert "same file as seeds/a.txt" in why["seeds/alias.txt"]
    assert "not a regular file" in why["seeds/fifo.txt"]
    assert "folder" in why["seeds/x.txt"]
    result = analyse(["seeds"], RULES)
    assert len(result.outcomes) == 3 and result.warnings == warnings


def test_a_link_inside_the_folder_is_read_once_and_the_summary_prints_warnings(tmp_path, monkeypatch, capsys):
    from builder.cli import main

    monkeypatch.chdir(tmp_path)
    seeds = tmp_path / "seeds"
    (seeds / "2025").mkdir(parents=True)
    (seeds / "2025" / "a.txt").write_text(dump_text("One"))
    os.symlink("2025", seeds / "0-latest")  # sorts before the real folder: still read under its own path
    os.symlink(tmp_path, seeds / "up")  # the project, seeds included: outside and a loop
    assert main(["export", "-q", "seeds"]) == 0
    out, err = capsys.readouterr()
    assert out.count('"source_path"') == 1 and '"seeds/2025/a.txt"' in out
    assert "warning: seeds/0-latest: skipped" in err and "warning: seeds/up: skipped" in err


# --- #7 Markdown extension syntax in dump text ----------------------------------------------

class _AnyTag(yaml.SafeLoader):
    pass


_AnyTag.add_multi_constructor("", lambda loader, suffix, node: None)


def site_markdown() -> markdown.Markdown:
    """Python-Markdown with exactly the extensions (and options) of mkdocs.yml."""
    config = yaml.load((ROOT / "mkdocs.yml").read_text(), Loader=_AnyTag)
    names, options = [], {}
    for ext in config["markdown_extensions"]:
        name, opts = next(iter(ext.items())) if isinstance(ext, dict) else (ext, {})
        names.append(name)
        options[name] = opts or {}
    return markdown.Markdown(extensions=names, extension_configs=options)


VECTORS = [
    "??? note", '??? warning "Title"', "???+ note open", "??? danger inside", "!!! danger", '!!! note "x"',
    "{: .cls #id }", "text {: .cls }", '<div markdown="1">*x*</div>', "| a | b |", "a | b", "[TOC]",
    "    indented code", "\tcode", " ??? note", "> quote", "1. item", "1) item", "- item", "* item", "+ item",
    "# h", "---", "***", "___", "===", "Term : def", ": def", "[^1]", "[^1]: note", "*[HTML]: Hyper",
    "`code`", "**bold**", "_em_", "<b>x</b>", "&amp;", "&#63;", "\\?", "<!-- more -->", "![img](x)",
    "[l](http://x)", "<http://x>", "~~~", "```", "[x]: http://y", "--8<-- 'f'", "{{ x }}", "{% x %}",
    ":smile:", "x^2^", "==mark==", "~~del~~", "a\\", "?", "???", "Q? A!", "<?php ?>",
]
FORBIDDEN = re.compile(r"<(details|summary|table|pre|code|blockquote|ol|dl|dt|dd|hr|em|strong|img|sup|abbr|"
                       r"del|mark|script|b|h[3-6])\b|<a (?![^>]*headerlink)|<div class=\"(?!admonition (abstract|note))"
                       r"|<div markdown|\{:|class=\"(?!admonition|headerlink|toc)|id=\"(?!(\w|-)+\")")


def text_of(html_text: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", html_text))


@pytest.mark.parametrize("vector", VECTORS)
def test_dump_text_never_becomes_extension_markup(vector):
    article = Article(dump=Dump("x.txt", "0" * 64, 1), id="1", title=vector, date=dt.date(2025, 5, 13),
                      date_text="13/05/2025", highlights=[vector, "plain"], highlights_label=vector,
                      sections=[Section(None, [vector, "plain"], [5, 6]), Section(vector, [vector], [8], 7)],
                      slug="x", authors=[], publisher=None)
    article.copies = [{"source": vector, "title": vector, "publisher": vector, "date": "2025-05-13",
                       "similarity": 0.9}]
    page = render_page(article, "x.txt")
    body = page.split("\n---\n", 1)[1]
    out = site_markdown().convert(body)
    assert not FORBIDDEN.search(out), out
    assert out.count("<h1") == 1 and out.count("<h2") == 1
    assert out.count('<div class="admonition') == 2  # the highlights and "Also published as", nothing else
    shown = text_of(out)
    assert shown.count(vector.strip()) >= 6, shown
    # each line on its own, as the digests use it: a paragraph, a list item, a link text
    one = site_markdown().convert(f"{escape_md(vector)}\n\n- {escape_md(vector)}\n\n[{escape_md(vector)}](x.md)\n")
    assert not FORBIDDEN.search(one.replace('<a href="x.md">', "")), one
    assert text_of(one).count(vector) == 3, one


# --- #8 digests and briefs never share a URL; #10 URLs are stable ------------------------------

def pages_of(result) -> dict[str, str]:
    return {o.source_path: o.page for o in result.outcomes if o.page}


def test_a_brief_titled_like_a_digest_gets_a_page_of_its_own(tmp_path, monkeypatch):
    from builder.pipeline import convert

    monkeypatch.chdir(tmp_path)
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "a.txt").write_text(dump_text("Daily 2025-05-13", ident="1"))
    (seeds / "b.txt").write_text(dump_text("Weekly 2025 W20", ident="2"))
    result = convert(["seeds"], RULES, tmp_path / "docs/posts")
    assert result.count("ok") == 2
    pages = pages_of(result)
    assert pages["seeds/a.txt"] == "docs/posts/2025/05/daily-2025-05-13-2.md"
    assert pages["seeds/b.txt"] == "docs/posts/2025/05/weekly-2025-w20-2.md"
    posts = tmp_path / "docs/posts"
    metas = [yaml.safe_load(p.read_text().split("---\n")[1]) for p in posts.rglob("*.md")]
    urls = [f"{m['date']:%Y/%m}/{m['slug']}" for m in metas]
    assert len(urls) == 4 and len(set(urls)) == 4  # two briefs, one daily and one weekly digest
    assert {"2025/05/daily-2025-05-13", "2025/05/weekly-2025-w20"} <= set(urls)


def test_a_generated_path_taken_twice_rejects_the_second_with_its_reason():
    from builder.archive.pages import claim
    from builder.model import Outcome

    a = Article(dump=Dump("a.txt", "0" * 64, 1), id="1", title="X", date=dt.date(2025, 5, 13), date_text="")
    b = Article(dump=Dump("b.txt", "0" * 64, 1), id="2", title="X", date=dt.date(2025, 5, 13), date_text="")
    oa, ob = Outcome("a.txt", article=a), Outcome("b.txt", article=b)
    taken = {"2025/05/daily-2025-05-13": "the digest"}
    assert not claim(taken, oa, "2025/05/daily-2025-05-13", "docs/posts")
    assert oa.status == "rejected" and oa.page is None and "already taken by the digest" in oa.error
    assert claim(taken, ob, "2025/05/x", "docs/posts") and ob.page == "docs/posts/2025/05/x.md"


@pytest.mark.parametrize("cache", [True, False])
def test_a_new_dump_never_takes_an_existing_briefs_url(tmp_path, monkeypatch, cache):
    from builder.pipeline import convert

    monkeypatch.chdir(tmp_path)
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "m-real.txt").write_text(dump_text("Harbour wall approved", ident="5000"))
    posts = tmp_path / "docs/posts"
    cache_dir = tmp_path / ".newsbrief-cache" if cache else None
    first = convert(["seeds"], RULES, posts, cache_dir=cache_dir)
    assert pages_of(first) == {"seeds/m-real.txt": "docs/posts/2025/05/harbour-wall-approved.md"}
    # same title, same date, an id that sorts first and a file name that sorts first
    (seeds / "a-attack.txt").write_text(dump_text("Harbour wall approved", ident="0001", body=[
        "Someone else wrote this text to take the page of the real brief from the harbour desk today.",
        "It has nothing to do with the harbour wall, whose budget the council approved on Tuesday night."]))
    second = convert(["seeds"], RULES, posts, cache_dir=cache_dir)
    assert pages_of(second) == {"seeds/m-real.txt": "docs/posts/2025/05/harbour-wall-approved.md",
                                "seeds/a-attack.txt": "docs/posts/2025/05/harbour-wall-approved-2.md"}
    assert "0000005000" in (posts / "2025/05/harbour-wall-approved.md").read_text()
    # export (writes nothing) reports the pages convert keeps
    assert pages_of(analyse(["seeds"], RULES)) == pages_of(second)


def test_cold_build_tie_break_is_date_then_path_not_the_id(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "a-real.txt").write_text(dump_text("Harbour wall approved", ident="5000"))
    (seeds / "b-attack.txt").write_text(dump_text("Harbour wall approved", ident="0001", body=[
        "Someone else wrote this text to take the page of the real brief from the harbour desk today.",
        "It has nothing to do with the harbour wall, whose budget the council approved on Tuesday night."]))
    assert pages_of(analyse(["seeds"], RULES)) == {
        "seeds/a-real.txt": "docs/posts/2025/05/harbour-wall-approved.md",
        "seeds/b-attack.txt": "docs/posts/2025/05/harbour-wall-approved-2.md"}


def test_a_tampered_index_is_not_trusted(tmp_path, monkeypatch):
    import json

    from builder.pipeline import convert

    monkeypatch.chdir(tmp_path)
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "a.txt").write_text(dump_text("Harbour wall approved", ident="1"))
    (seeds / "b.txt").write_text(dump_text("Bridge reopens", ident="2"))
    posts = tmp_path / "docs/posts"
    convert(["seeds"], RULES, posts)
    index_path = posts / ".newsbrief-index.json"
    index = json.loads(index_path.read_text())
    # b claims a's page, a claims a page of another month, a path outside, a digest slug
    index["2025/05/harbour-wall-approved.md"]["source"] = "seeds/b.txt"
    index["2025/05/bridge-reopens.md"]["source"] = "seeds/a.txt"
    index["../../../etc/x.md"] = {"source": "seeds/a.txt"}
    index["2025/05/daily-2025-05-13.md"] = {"source": "seeds/b.txt"}
    index_path.write_text(json.dumps(index))
    assert pages_of(convert(["seeds"], RULES, posts)) == {"seeds/a.txt": "docs/posts/2025/05/harbour-wall-approved.md",
                                                           "seeds/b.txt": "docs/posts/2025/05/bridge-reopens.md"}
    index_path.write_text("[1, 2")
    assert len(pages_of(convert(["seeds"], RULES, posts))) == 2


# --- #11 names that slug alike are never merged --------------------------------------------------

def front(path: Path) -> dict:
    return yaml.safe_load(path.read_text().split("---\n")[1])


def test_authors_and_publishers_that_slug_alike_keep_their_own_names(tmp_path, monkeypatch):
    from builder.archive.names import category_slug
    from builder.pipeline import convert

    monkeypatch.chdir(tmp_path)
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "m-real.txt").write_text(dump_text("Harbour wall approved", ident="10", day="14/05/2025"))
    posts = tmp_path / "docs/posts"
    convert(["seeds"], RULES, posts)
    real_page = posts / "2025/05/harbour-wall-approved.md"
    assert front(real_page)["authors"] == ["harper-eastwood"]
    # an earlier dump, a path that sorts first, the same name in capitals
    (seeds / "a-fake.txt").write_text(dump_text("Bridge reopens", ident="11", author="HARPER EASTWOOD"))
    (seeds / "b.txt").write_text(dump_text("Ferry strike", ident="12", publisher="!!!", body=[
        "The ferry crews walked out at dawn after talks on pay broke down late on Sunday evening again.",
        "Passengers were told to use the bridge, which reopened last week after a month of repairs."]))
    (seeds / "c.txt").write_text(dump_text("Rail fares", ident="13", publisher="<b>", body=[
        "Rail fares will rise by four percent in January, the operator said in a statement on Monday.",
        "Commuters' groups said the rise was the largest in a decade and called for a fare freeze."]))
    result = convert(["seeds"], RULES, posts)
    assert result.count("ok") == 4
    authors = yaml.safe_load((posts / ".authors.yml").read_text())["authors"]
    by_name = {info["name"]: key for key, info in authors.items()}
    assert by_name["Harper Eastwood"] == "harper-eastwood"  # the real one keeps its key and page
    assert by_name["HARPER EASTWOOD"].startswith("harper-eastwood-")
    assert front(real_page)["authors"] == ["harper-eastwood"]
    pages = {o.source_path: posts.parent.parent / o.page for o in result.outcomes}
    assert front(pages["seeds/a-fake.txt"])["authors"] == [by_name["HARPER EASTWOOD"]]
    cats = [front(pages[f"seeds/{n}.txt"])["categories"][0] for n in ("b", "c")]
    slugs = [category_slug(c) for c in cats]
    assert all(slugs) and len(set(slugs)) == 2
    assert cats[0].startswith("!!! (") and cats[1].startswith("<b> (")
    assert front(pages["seeds/b.txt"])["publisher"] == "!!!"
    # on a cold build (no record), the earliest brief keeps the plain key: here the fake,
    # and the real brief still shows its own spelling
    for p in (posts / ".authors.yml", posts / ".newsbrief-index.json"):
        p.unlink()
    cold = analyse(["seeds"], RULES)
    keys = {o.source_path: o.article.author_keys for o in cold.outcomes}
    assert keys["seeds/a-fake.txt"] != keys["seeds/m-real.txt"]


# --- #9 learned chrome cannot be poisoned by fake dumps --------------------------------------------

REAL_BODY = [
    "The council approved the new harbour wall budget after a long debate on Tuesday night in the hall.",
    "Vote: 7 to 2",
    "Residents had asked for the repairs since the storms of last winter flooded the lower town twice.",
]


def fake(i: int, day: str) -> str:
    return dump_text(f"Unrelated story {i}", ident=str(900 + i), day=day, body=[
        "Vote: 7 to 2",
        f"Fake story number {i} says nothing at all about the harbour, only filler words to look real.",
        "Vote: 7 to 2",
        f"And a second sentence {i} of filler text, long enough to count as a sentence of the story here.",
        "Vote: 7 to 2",
    ])


@pytest.mark.parametrize("days", [["10/05/2025", "11/05/2025", "12/05/2025"], ["12/05/2025"] * 3])
def test_fake_dumps_cannot_make_a_content_line_chrome(tmp_path, days):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "real.txt").write_text(dump_text("Harbour wall approved", ident="1", body=REAL_BODY))
    (seeds / "other.txt").write_text(dump_text("Bridge reopens", ident="2", publisher="Civic Wire"))
    for i, day in enumerate(days):
        (seeds / f"fake{i}.txt").write_text(fake(i, day))
    result = analyse([seeds], RULES)
    real = next(o for o in result.outcomes if o.source_path.endswith("real.txt"))
    # a line alone between blank lines reads as a heading; either way it stays
    assert "Vote: 7 to 2" in [*real.article.paragraphs, *(s.heading for s in real.article.sections)]
    assert not any(r.text == "Vote: 7 to 2" for r in real.article.removed)


def test_chrome_around_the_body_on_distinct_days_is_still_learned(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for i in range(4):
        (seeds / f"d{i}.txt").write_text(dump_text(f"Story number {i}", ident=str(i + 1), day=f"1{i}/05/2025", body=[
            f"Story {i} opens with a sentence about the harbour that is long enough to count as one here.",
            f"And story {i} goes on with a second sentence about the council and its budget for the year.",
            "Listen to our podcast"]))
    result = analyse([seeds], RULES)
    assert result.learned == {("Harbourside Times", "Listen to our podcast"): 4}
    for o in result.outcomes:
        assert "Listen to our podcast" not in o.article.paragraphs
        assert any(r.text == "Listen to our podcast" and r.reason.startswith("learned: seen in 4 dumps")
                   for r in o.article.removed)
    # the same four dumps all from one day: not learned (a batch written at once is no evidence)
    for f in seeds.iterdir():
        f.write_text(re.sub(r"1\d/05/2025", "13/05/2025", f.read_text()))
    assert analyse([seeds], RULES).learned == {}
