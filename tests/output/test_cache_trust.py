"""Issue 11 #13: nothing read from a cache is trusted. Every entry of the conversion cache,
the blog cache and the page cache carries an integrity hash over its key and content and
is checked for shape and consistency before use; an entry that fails is dropped and
recomputed (no crash, nothing edited is published); a cache of another fingerprint is
ignored; `--no-cache` bypasses and rewrites the caches; the fingerprint hashes only the
modules the conversion runs."""

from __future__ import annotations

import json
import os
import random
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from dumpgen import make_dump
from invariants import tree

from builder.cli import main
from builder.output import cache
from builder.pipeline import convert
from builder.rules import load_rules
from builder.site import blog_speed
from builder.site.page_cache import PageCache

RULES = load_rules()
N = 8


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    rng = random.Random(11)
    for i in range(N):
        (seeds / f"d{i:02d}.txt").write_text(make_dump(rng).text, encoding="utf-8")
    return tmp_path


def run(project: Path):
    return convert(["seeds"], RULES, project / "docs" / "posts", workers=1, cache_dir=project / ".cache")


def fresh(project: Path, tmp: Path) -> dict[str, bytes]:
    """The posts folder a conversion without any cache gives."""
    other = tmp / "fresh"
    shutil.copytree(project / "seeds", other / "seeds")
    cwd = Path.cwd()
    os.chdir(other)
    try:
        convert(["seeds"], RULES, other / "docs" / "posts", workers=1)
    finally:
        os.chdir(cwd)
    return tree(other / "docs" / "posts")


def _file(project: Path, prefix: str) -> Path:
    (path,) = (project / ".cache").glob(f"{prefix}-*.json")
    return path


def _edit(path: Path, change) -> None:
    """Change the parsed file; a record or snapshot is stored as its canonical text (the
    text its hash covers): parsed for `change`, written back the same way."""
    data = json.loads(path.read_text(encoding="utf-8"))
    records = data.get("records")
    inner = [(x, "r") for x in (records.values() if isinstance(records, dict) else ())]
    inner += [(data["archive"], "body")] if isinstance(data.get("archive"), dict) else []
    inner = [(x, field) for x, field in inner if isinstance(x, dict) and isinstance(x.get(field), str)]
    for x, field in inner:
        x[field] = json.loads(x[field])
    change(data)
    for x, field in inner:
        if not isinstance(x[field], str):
            x[field] = cache._canon(x[field])
    path.write_text(json.dumps(data), encoding="utf-8")


def _first(d: dict):
    return d[sorted(d)[0]]


@pytest.mark.parametrize("slug", ["../../../../escape", "Not A Slug", "other-safe-slug", 7])
def test_an_edited_slug_in_the_records_cache_is_dropped_and_reconverted(project, processed, tmp_path, slug):
    run(project)
    first = sorted(json.loads(_file(project, "records").read_text())["records"])[0]
    _edit(_file(project, "records"), lambda d: _first(d["records"])["r"].__setitem__("slug", slug))
    (project / "seeds" / "new.txt").write_text(make_dump(random.Random(99)).text, encoding="utf-8")
    processed.clear()
    run(project)  # must not crash
    assert first in processed and "seeds/new.txt" in processed
    assert tree(project / "docs" / "posts") == fresh(project, tmp_path)
    processed.clear()
    run(project)  # and the cache is whole again
    assert processed == []


@pytest.mark.parametrize("change", [
    lambda d: _first(d["records"])["r"].__setitem__("authors", 5),
    lambda d: _first(d["records"])["r"]["features"].__setitem__("headings", [["x", 1]]),
    lambda d: _first(d["records"])["r"].__setitem__("date", "9999-99-99"),
    lambda d: _first(d["records"])["r"].__setitem__("page", "/etc/2025/01/passwd.md"),
    lambda d: _first(d["records"]).__setitem__("h", "0" * 64),
    lambda d: d.__setitem__("records", []),
])
def test_wrongly_typed_or_unsealed_records_are_dropped(project, processed, tmp_path, change):
    run(project)
    _edit(_file(project, "records"), change)
    (project / "seeds" / "new.txt").write_text(make_dump(random.Random(98)).text, encoding="utf-8")
    processed.clear()
    run(project)
    assert "seeds/new.txt" in processed and len(processed) >= 2
    assert tree(project / "docs" / "posts") == fresh(project, tmp_path)


@pytest.mark.parametrize("change", [
    lambda d: _first(d["archive"]["body"]["outcomes"]).__setitem__("page", "../../../outside/2025/01/x.md"),
    lambda d: d["archive"]["body"]["extras"].append("../../etc/passwd"),
    lambda d: _first(d["archive"]["body"]["outcomes"]).__setitem__("status", "published!"),
    lambda d: d["archive"].__setitem__("check", "0" * 64),
    lambda d: _first(d["index"]).__setitem__(0, "big"),
    lambda d: d.__setitem__("index", "garbage"),
])
def test_an_edited_snapshot_or_index_is_dropped(project, tmp_path, change):
    run(project)
    _edit(_file(project, "convert"), change)
    result = run(project)  # the unchanged-archive fast path must not use it
    assert not result.errors
    assert tree(project / "docs" / "posts") == fresh(project, tmp_path)
    assert not (project / "outside").exists()


@pytest.mark.parametrize("content", [b"", b"\xff\xfe", b"[1, 2]", b"{\"format\": 2}", b"null"])
def test_unreadable_cache_files_are_ignored(project, processed, content):
    run(project)
    _file(project, "records").write_bytes(content)
    _file(project, "convert").write_bytes(content)
    processed.clear()
    run(project)
    assert len(processed) == N


def test_a_cache_of_another_fingerprint_is_ignored(project, processed):
    run(project)
    for prefix in ("convert", "records"):
        path = _file(project, prefix)
        _edit(path, lambda d: d.__setitem__("key", "0123456789abcdef"))
    processed.clear()
    run(project)
    assert len(processed) == N  # written by another version/configuration: not read


def test_no_cache_bypasses_and_rewrites_the_caches(project, processed):
    assert main(["convert", "-q"]) == 0
    records = next((project / ".newsbrief-cache").glob("records-*"))
    _edit(records, lambda d: _first(d["records"])["r"].__setitem__("slug", "../../x"))
    (project / ".newsbrief-cache" / "pages").mkdir()
    (project / ".newsbrief-cache" / "pages" / "stale.html").write_text("<script>", encoding="utf-8")
    processed.clear()
    assert main(["convert", "-q", "--no-cache"]) == 0
    assert len(processed) == N  # nothing was read from the cache
    assert not (project / ".newsbrief-cache" / "pages").exists()
    key = cache.fingerprint(RULES.signature, "docs/posts")
    rewritten = cache.ConvertCache(project / ".newsbrief-cache", key)
    assert len(rewritten.records) == N and rewritten.discarded == 0 and rewritten.archive is not None
    processed.clear()
    assert main(["convert", "-q"]) == 0
    assert processed == []


def test_the_fingerprint_hashes_only_the_conversion(tmp_path):
    package = Path(cache.__file__).resolve().parents[1]
    names = {p.relative_to(package).as_posix() for p in cache.conversion_modules()}
    assert {"pipeline.py", "output/cache.py", "convert/read.py", "convert/parse.py", "convert/clean.py",
            "output/render.py", "output/posts.py", "__init__.py"} <= names
    assert not {n for n in names if n.startswith("site/")} | (names & {"mkdocs_plugin.py", "cli.py"})


# -- the site's caches -------------------------------------------------------------------

class _Template:
    def __init__(self):
        self.calls = 0

    def render(self, context):
        self.calls += 1
        return f"<html>{context['page'].title}</html>"


def _page_context():
    page = SimpleNamespace(url="2025/05/x/", title="X", content="<p>x</p>", toc=[], meta={}, previous_page=None,
                           next_page=None, ancestors=[], canonical_url=None, edit_url=None, is_homepage=False)
    return {"page": page, "config": {}, "nav": None}


def test_an_edited_stored_page_is_not_published(tmp_path):
    template = _Template()
    env = SimpleNamespace(get_template=lambda name: template)
    pc = PageCache(tmp_path, env, config=None, is_post=lambda page: True)
    pc.site = "site"
    wrapped = env.get_template("main.html")
    assert wrapped.render(_page_context()) == "<html>X</html>" and template.calls == 1
    assert wrapped.render(_page_context()) == "<html>X</html>" and template.calls == 1  # reused
    (stored,) = (tmp_path / "pages").glob("*.html")
    stored.write_text(stored.read_text(encoding="utf-8").replace("X</html>", "<script>alert(1)</script>"),
                      encoding="utf-8")
    assert wrapped.render(_page_context()) == "<html>X</html>" and template.calls == 2
    assert pc.discarded == 1
    stored.write_text("<html>no integrity line</html>", encoding="utf-8")
    assert wrapped.render(_page_context()) == "<html>X</html>" and template.calls == 3


def test_an_edited_blog_cache_entry_is_dropped(tmp_path):
    c = blog_speed.Cache(tmp_path)
    c.put("k1", ["<p>one</p>", None, []])
    c.put("k2", ["<p>two</p>", [], None, ["a"], [["a", "#a"]]])
    c.put("k3", [None, None, None])
    c.save()
    # (adapted to the append-only store: the log edited in place, the index rewritten)
    folder = tmp_path / blog_speed.CACHE_SUBDIR
    path = folder / blog_speed.CACHE_FILE
    header, *lines = path.read_text(encoding="utf-8").split("\n")
    entries = {line.split("\t")[0]: line.split("\t") for line in lines}
    log = folder / json.loads(header)["log"]
    data = log.read_bytes()
    data = data.replace(b"<p>one</p>", b"<b>one</b>")  # the same length; hash not updated
    wrong = json.dumps([None, 5]).encode()  # wrong shape, with its own hash
    entries["k3"][2:] = [blog_speed.integrity("blog", "k3", wrong.decode()), str(len(data)), str(len(wrong))]
    log.write_bytes(data + wrong)
    path.write_text("\n".join([header, *("\t".join(e) for e in entries.values())]), encoding="utf-8")
    again = blog_speed.Cache(tmp_path)
    assert again.get("k1") is None and again.get("k3") is None
    assert again.get("k2") == ["<p>two</p>", [], None, ["a"], [["a", "#a"]]]
    assert again.discarded == 2
    path.write_bytes(b"not an index")
    assert blog_speed.Cache(tmp_path).old == {}
