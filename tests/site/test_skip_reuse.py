"""Unchanged pages linked from the previous site instead of written (site/site_reuse.py,
issue #15): only a page whose previous copy holds exactly the bytes MkDocs would write is
linked; anything else is MkDocs' own write, a file is never written through a link, and
nothing is linked when the seam does not hold, a plugin is not known or there is no
previous site built by newsbrief."""

from __future__ import annotations

import os
import random
import shutil
import types
from pathlib import Path

from dumpgen import make_dump
from mkdocs import utils as mkdocs_utils
from site_support import copy_project, newsbrief_build, plugin_options

from builder.site import build as sitebuild
from builder.site import seams, site_reuse


def _sites(tmp_path: Path) -> tuple[Path, Path]:
    previous = tmp_path / "site"
    for rel, data in (("same/index.html", b"<p>same</p>"), ("other/index.html", b"<p>abcd</p>"),
                      ("longer/index.html", b"<p>short</p>"), ("asset.css", b"body{}")):
        (previous / rel).parent.mkdir(parents=True, exist_ok=True)
        (previous / rel).write_bytes(data)
    (previous / sitebuild.STAMP).write_text(sitebuild.STAMP_TEXT, encoding="utf-8")
    partial = tmp_path / f"site{sitebuild.PARTIAL}-123"
    partial.mkdir()
    return previous, partial


def _reuse(previous: Path, partial: Path, pages: list[str]):
    module = types.SimpleNamespace(write_file=mkdocs_utils.write_file)
    reuse = site_reuse.Reuse(module, str(partial), previous, {str(partial / p) for p in pages})
    return module, reuse


def test_only_a_page_with_the_same_bytes_is_linked(tmp_path):
    previous, partial = _sites(tmp_path)
    pages = ["same/index.html", "other/index.html", "longer/index.html", "new/index.html"]
    module, reuse = _reuse(previous, partial, pages)
    module.write_file(b"<p>same</p>", str(partial / "same/index.html"))
    module.write_file(b"<p>wxyz</p>", str(partial / "other/index.html"))  # same size, other bytes
    module.write_file(b"<p>longer</p>", str(partial / "longer/index.html"))
    module.write_file(b"<p>new</p>", str(partial / "new/index.html"))
    module.write_file(b"body{}", str(partial / "asset.css"))  # same bytes, but not a page
    assert (reuse.linked, reuse.written) == (1, 4)
    assert os.path.samefile(partial / "same/index.html", previous / "same/index.html")
    for rel in ("other/index.html", "longer/index.html", "asset.css"):
        assert not os.path.samefile(partial / rel, previous / rel), rel
    assert (partial / "other/index.html").read_bytes() == b"<p>wxyz</p>"
    assert (partial / "longer/index.html").read_bytes() == b"<p>longer</p>"
    assert (previous / "other/index.html").read_bytes() == b"<p>abcd</p>"  # the live site untouched
    reuse.close()
    assert module.write_file is mkdocs_utils.write_file


def test_a_linked_page_written_again_does_not_change_the_previous_site(tmp_path):
    previous, partial = _sites(tmp_path)
    module, reuse = _reuse(previous, partial, ["same/index.html"])
    module.write_file(b"<p>same</p>", str(partial / "same/index.html"))
    assert reuse.linked == 1
    module.write_file(b"<p>else</p>", str(partial / "same/index.html"))  # (a second page at that path)
    assert (partial / "same/index.html").read_bytes() == b"<p>else</p>"
    assert (previous / "same/index.html").read_bytes() == b"<p>same</p>"
    assert not os.path.samefile(partial / "same/index.html", previous / "same/index.html")


def test_a_previous_file_that_is_not_a_regular_file_is_not_linked(tmp_path):
    previous, partial = _sites(tmp_path)
    (previous / "link").mkdir()
    (previous / "link/index.html").symlink_to(previous / "same/index.html")
    module, reuse = _reuse(previous, partial, ["link/index.html"])
    module.write_file(b"<p>same</p>", str(partial / "link/index.html"))
    assert (reuse.linked, reuse.written) == (0, 1)
    assert not (partial / "link/index.html").is_symlink()


def test_the_previous_site_is_only_the_one_a_newsbrief_build_replaces(tmp_path):
    previous, partial = _sites(tmp_path)
    assert site_reuse.previous_site(partial) == previous
    assert site_reuse.previous_site(previous) is None  # plain `mkdocs build` into site/
    assert site_reuse.previous_site(tmp_path / "elsewhere") is None
    (previous / sitebuild.STAMP).unlink()  # not built by newsbrief
    assert site_reuse.previous_site(partial) is None


class _Files:
    def documentation_pages(self):
        return []


def _config(partial: Path, plugins: list[str]):
    return types.SimpleNamespace(site_dir=str(partial), plugins=dict.fromkeys(plugins))


def test_not_installed_when_the_seam_does_not_hold_or_a_plugin_is_not_known(tmp_path, monkeypatch):
    _, partial = _sites(tmp_path)
    reuse = site_reuse.install(_config(partial, ["newsbrief", "blog", "blog #2", "tags", "rss", "rss #2"]), _Files())
    assert reuse is not None and mkdocs_utils.write_file is not reuse._write
    reuse.close()
    assert site_reuse.install(_config(partial, ["newsbrief", "blog", "material/optimize"]), _Files()) is None
    assert seams.check("site-reuse") is None

    def write_file(content, output_path, mode="wb"):  # another MkDocs: another write_file
        return None

    monkeypatch.setattr(mkdocs_utils, "write_file", write_file)
    assert seams.check("site-reuse") is not None
    assert site_reuse.install(_config(partial, ["newsbrief"]), _Files()) is None
    assert mkdocs_utils.write_file is write_file


def _build(project: Path, *options: str) -> str:
    return newsbrief_build(project, "https://news.example.org/")


def _inodes(site: Path) -> dict[str, tuple[int, int]]:
    return {p.relative_to(site).as_posix(): (p.stat().st_dev, p.stat().st_ino)
            for p in site.rglob("*.html") if p.is_file()}


def _year_tag_pages(project: Path) -> None:
    """Every tag with a page a year (site/tag_pages.py), so that they are compared too."""
    plugin_options(project, "      tag_page_size: 1\n")


def test_a_rebuild_links_unchanged_pages_and_writes_changed_ones(tmp_path):
    project = copy_project(tmp_path / "p")
    _year_tag_pages(project)
    rng = random.Random(3)
    for i in range(12):
        (project / "seeds" / f"d{i:02d}.txt").write_text(make_dump(rng).text, encoding="utf-8")
    _build(project)
    before = _inodes(project / "site")
    pages = {rel: (project / "site" / rel).read_bytes() for rel in before}
    (project / "seeds" / "new.txt").write_text(make_dump(random.Random(1003)).text, encoding="utf-8")
    out = _build(project)
    after = _inodes(project / "site")
    linked = [rel for rel in before if after.get(rel) == before[rel]]
    changed = [rel for rel in before if rel in after and (project / "site" / rel).read_bytes() != pages[rel]]
    assert len(linked) >= 10 and changed, out[-2000:]
    assert not set(changed) & set(linked)  # a page whose bytes changed is written, never linked
    assert set(after) - set(before)  # the new brief's page
    assert "unchanged page(s) linked from the previous site" in out
    assert any((project / "site" / "tags").glob("*/[0-9][0-9][0-9][0-9]/index.html"))
    # The same seeds built cold (no previous site): the same bytes.
    cold = copy_project(tmp_path / "cold")
    _year_tag_pages(cold)
    shutil.rmtree(cold / "seeds")
    shutil.copytree(project / "seeds", cold / "seeds")
    _build(cold)
    fresh = {p.relative_to(cold / "site").as_posix(): p.read_bytes() for p in (cold / "site").rglob("*") if p.is_file()}
    got = {p.relative_to(project / "site").as_posix(): p.read_bytes()
           for p in (project / "site").rglob("*") if p.is_file()}
    assert got.keys() == fresh.keys()
    assert [rel for rel in fresh if got[rel] != fresh[rel]] == []
