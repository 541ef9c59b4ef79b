"""Hostile input at the builder level: every vector is published as text and the
Markdown the builder writes turns into HTML that runs nothing (with the very Markdown
extensions mkdocs.yml enables). The built site is checked in test_hostile_site.py."""

from __future__ import annotations

import html
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest
import yaml
from fixture_dumps import REPO
from hostile import BLOCKS, OUT, corpus

from builder.convert import process
from builder.output.render import render_page
from builder.pipeline import convert
from builder.rules import load_rules

ROOT = REPO
RULES = load_rules()
CORPUS = corpus()


class _AnyTagLoader(yaml.SafeLoader):
    """mkdocs.yml uses !ENV and !!python/name tags; only the extension names matter here."""


_AnyTagLoader.add_multi_constructor("", lambda loader, suffix, node: None)
_AnyTagLoader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)


def site_extensions() -> tuple[list[str], dict]:
    cfg = yaml.load((ROOT / "mkdocs.yml").read_text(), Loader=_AnyTagLoader)
    names, configs = [], {}
    for ext in cfg.get("markdown_extensions", []):
        if isinstance(ext, dict):
            (name, conf), = ext.items()
            names.append(name)
            configs[name] = conf or {}
        else:
            names.append(ext)
    return names, configs


def ws(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


class Audit(HTMLParser):
    """Collect what would run: script elements, on* attributes, dangerous URLs."""

    URL_ATTRS = frozenset({"href", "src", "action", "data", "formaction", "xlink:href", "srcdoc", "content", "style"})

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "iframe", "object", "embed", "base", "meta", "style", "form", "svg", "math"):
            self.problems.append(f"<{tag}>")
        for k, v in attrs:
            if k.startswith("on"):
                self.problems.append(f"{tag}[{k}]")
            if k in self.URL_ATTRS and re.match(r"\s*(javascript|vbscript|data):", html.unescape(v or ""), re.I):
                self.problems.append(f"{tag}[{k}={v}]")

    def handle_data(self, data):
        self.text.append(data)


def test_corpus_on_disk_is_current():
    """The committed files are what hostile.py makes (so reviewers read the real input)."""
    on_disk = {p.name: p.read_text(encoding="utf-8") for p in OUT.glob("*.txt")}
    assert on_disk == {name: text for name, (text, _, _) in CORPUS.items()}
    assert len(on_disk) >= 100


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_vector_is_text_and_runs_nothing(name):
    text, vector, _position = CORPUS[name]
    out = process(text.encode(), name, RULES)
    assert out.status == "ok", out.error
    a = out.article
    published = [a.title, *a.highlights, *(s.heading or "" for s in a.sections), *a.paragraphs]
    for line in vector.split("\n"):  # whitespace is normalised, nothing else
        assert any(ws(line) in p for p in published), (line, published)
    names, configs = site_extensions()
    body = render_page(a, name).split("\n---\n", 1)[1]
    rendered = markdown.markdown(body, extensions=names, extension_configs=configs)
    audit = Audit()
    audit.feed(rendered)
    assert audit.problems == [], rendered
    visible = ws("".join(audit.text))
    for line in vector.split("\n"):
        assert ws(line) in visible


def test_block_vectors_are_separate_paragraphs():
    name = next(n for n, (_, _, pos) in CORPUS.items() if pos == "block")
    a = process(CORPUS[name][0].encode(), name, RULES).article
    assert BLOCKS[0][0] in a.paragraphs


# --- paths ----------------------------------------------------------------------------

PATH_CASES = {
    "dotdot.txt": "../../etc/passwd\n\n../../../etc/passwd\n",
    "absolute.txt": "/etc/passwd\n\n/etc/passwd\n",
    "nul.txt": "1_-1-1\n\nTitle with a NUL \x00 byte in it\n",
    "con.txt": "CON\n\nCON\n",
    "long.txt": "2_-2-2\n\n" + "Very long headline " * 17 + "\n",
    "nothing.txt": "3_-3-3\n\n!!! ??? ***\n",
    "emoji.txt": "4_-4-4\n\n🔥🔥🔥\n",
    "windows.txt": "5_-5-5\n\nC:\\Windows\\System32\\drivers\\etc\\hosts\n",
    "nul-id.txt": "6_-6\x00-6\n\nA title after a NUL id\n",
}
BODY = "\nMay 13, 2025\n\nA paragraph of text long enough to be the body of an article about paths.\n"


def test_hostile_ids_and_titles_stay_in_the_posts_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for name, head in PATH_CASES.items():
        (seeds / name).write_bytes((head + BODY).encode())
    shutil.copy(OUT / "h000_title.txt", seeds)
    posts = tmp_path / "docs" / "posts"
    before = sorted(p for p in Path("/etc").iterdir()) if Path("/etc").is_dir() else []
    result = convert(["seeds"], RULES, posts)
    pages = [o.page for o in result.outcomes if o.page]
    assert len(pages) == len(set(pages))
    for o in result.outcomes:
        if o.status == "ok":
            target = (tmp_path / o.page).resolve()
            assert posts.resolve() in target.parents
            assert re.fullmatch(r"docs/posts/\d{4}/\d{2}/[a-z0-9][a-z0-9-]*\.md", o.page), o.page
            assert len(Path(o.page).name) <= 84
            assert Path(o.page).stem not in {"con", "nul", "aux", "prn"}
    outside = {p for p in tmp_path.rglob("*") if posts not in p.parents and p != posts}
    assert outside == {tmp_path / "seeds", tmp_path / "docs", *seeds.iterdir()}
    if before:
        assert sorted(Path("/etc").iterdir()) == before
