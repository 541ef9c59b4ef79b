"""The builder owns its posts folder and nothing else; runs are repeatable."""

from __future__ import annotations

import json
import os
import random
import shutil
from pathlib import Path

import frontmatter
import pytest
from dumpgen import make_dump
from fixture_dumps import HOSTILE_MARKDOWN, SAMPLE, dumps

from builder.output.posts import MANIFEST, UnsafePath, safe_join
from builder.pipeline import convert
from builder.rules import load_rules

RULES = load_rules()


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for f in [*dumps(), SAMPLE]:
        shutil.copy(f, seeds / f.name)
    (tmp_path / "docs").mkdir()
    return tmp_path


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_pages_written_where_the_site_reads_them(project):
    result = convert(["seeds"], RULES, project / "docs" / "posts")
    published = [o for o in result.outcomes if o.status == "ok"]
    assert len(published) == 12
    for o in published:
        page = project / o.page
        assert page.is_file() and o.page.startswith("docs/posts/")
        post = frontmatter.load(page)
        assert post["id"] == o.article.id
        assert o.page == f"docs/posts/{post['date']:%Y/%m}/{post['slug']}.md"
    authors = (project / "docs/posts/.authors.yml").read_text()
    assert "harper-eastwood:" in authors and "data:image/svg+xml;base64," in authors


def test_second_run_changes_no_byte_and_no_mtime(project):
    convert(["seeds"], RULES, project / "docs" / "posts")
    before = snapshot(project / "docs")
    result = convert(["seeds"], RULES, project / "docs" / "posts")
    assert result.write.written == [] and result.write.deleted == []
    assert snapshot(project / "docs") == before


def test_conversion_is_deterministic(project, tmp_path_factory):
    a = convert(["seeds"], RULES, project / "docs" / "posts")
    other = tmp_path_factory.mktemp("other") / "posts"
    convert(["seeds"], RULES, other, workers=2)
    assert {k: v[0] for k, v in snapshot(project / "docs" / "posts").items()} == \
        {k: v[0] for k, v in snapshot(other).items()}
    assert a.write.written


def test_hand_written_pages_are_never_touched_and_stale_pages_go(project):
    posts = project / "docs" / "posts"
    convert(["seeds"], RULES, posts)
    (project / "docs" / "index.md").write_text("# Home\n")
    (posts / "my-note.md").write_text("hand-written\n")
    victim = project / "seeds" / HOSTILE_MARKDOWN.name
    page = next(p for p in posts.rglob("notice-boil-water-order-for-quarry-lane-and-mill-row-3.md"))
    victim.unlink()
    result = convert(["seeds"], RULES, posts)
    assert not page.exists()
    briefs = [Path(p).name for p in result.write.deleted if not p.startswith("digests/")]
    assert briefs == ["notice-boil-water-order-for-quarry-lane-and-mill-row-3.md"]  # and its day's digest
    assert (posts / "my-note.md").read_text() == "hand-written\n"
    assert (project / "docs" / "index.md").read_text() == "# Home\n"
    files = json.loads((posts / MANIFEST).read_text())["files"]
    assert "my-note.md" not in files and all(not f.endswith(page.name) for f in files)


def test_two_articles_never_share_a_page(project):
    rng = random.Random(7)
    seeds = project / "seeds"
    for n in range(3):  # same title and month, different ids
        g = make_dump(rng, ident=f"9_-{n}-1")
        text = g.text.replace(g.title, "Same headline for everyone")
        (seeds / f"same_{n}.txt").write_text(text)
    result = convert(["seeds"], RULES, project / "docs" / "posts")
    pages = [o.page for o in result.outcomes if o.status == "ok"]
    assert len(pages) == len(set(pages))
    assert sum("same-headline-for-everyone" in p for p in pages) == 3


def test_nothing_is_written_outside_the_posts_folder(project):
    hostile = ("../../../etc/passwd\n\n../../escape/../../x\n\nMay 13, 2025\n\n"
               "A paragraph of text that is long enough to be a paragraph of the article.\n")
    (project / "seeds" / "evil.txt").write_text(hostile)
    before = {p for p in project.rglob("*") if "posts" not in p.parts}
    result = convert(["seeds"], RULES, project / "docs" / "posts")
    after = {p for p in project.rglob("*") if "posts" not in p.parts}
    assert after == before
    evil = next(o for o in result.outcomes if o.source_path.endswith("evil.txt"))
    assert evil.status == "ok" and evil.page.startswith("docs/posts/2025/05/")
    with pytest.raises(UnsafePath):
        safe_join(project / "docs" / "posts", "../index.md")


def test_raw_dumps_are_never_modified(project):
    before = snapshot(project / "seeds")
    convert(["seeds"], RULES, project / "docs" / "posts")
    assert snapshot(project / "seeds") == before


def test_run_recovers_from_leftover_temp_files(project):
    posts = project / "docs" / "posts"
    convert(["seeds"], RULES, posts)
    (posts / "2025" / ".nb-abc.tmp").write_text("half a page")
    convert(["seeds"], RULES, posts)
    assert not list(posts.rglob(".nb-*.tmp"))
    assert os.listdir(posts)
