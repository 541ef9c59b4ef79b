"""Issue #15: unchanged posts restored in the blog's on_files (site/blog_speed.py,
Speedup.resolve_post, seam blog-post-restore). Material's blog makes a Post for every post
on every build (file read, front matter, PostConfig, URLs); a post whose text and context
are as stored is restored instead. The site must be byte for byte what the same
configuration gives without the restore: two copies of a small project, one with the
restore and one with its seam switched off, built after an add, an edit, a removal and a
change of the blog's options; every file of their sites compared."""

from __future__ import annotations

import os
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from dumpgen import make_dump
from fixture_dumps import REPO
from mkdocs.config.defaults import MkDocsConfig

from builder.site import blog_speed, seams

N_SYNTHETIC = 24
# The build, with the seam switched off (argv[1] == "off") or as it is.
RUNNER = """
import dataclasses, sys
from builder.site import seams
if sys.argv.pop(1) == "off":
    def off():
        raise seams.SeamError("switched off by the test")
    seams.SEAMS["blog-post-restore"] = dataclasses.replace(seams.SEAMS["blog-post-restore"], check=off)
from mkdocs.__main__ import cli
sys.exit(cli())
"""


def _project(root: Path) -> Path:
    root.mkdir(parents=True)
    for name in ("docs", "overrides"):
        shutil.copytree(REPO / name, root / name, ignore=lambda d, n: {"posts"} if d == str(REPO / "docs") else set())
    if (REPO / "newsbrief-rules.yml").is_file():
        shutil.copy2(REPO / "newsbrief-rules.yml", root / "newsbrief-rules.yml")
    shutil.copy2(REPO / "mkdocs.yml", root / "mkdocs.yml")
    seeds = root / "seeds"
    seeds.mkdir()
    for sample in sorted((REPO / "seeds").glob("*.txt")):
        shutil.copy2(sample, seeds / sample.name)
    rng = random.Random(8)
    for i in range(N_SYNTHETIC):
        (seeds / f"syn{i:03d}.txt").write_text(make_dump(rng, n_sections=3).text, encoding="utf-8")
    return root


def _build(root: Path, restore: bool, site: str) -> str:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", SOURCE_DATE_EPOCH="1700000000")
    env.pop("NEWSBRIEF_STRICT", None)
    p = subprocess.run([sys.executable, "-c", RUNNER, "on" if restore else "off", "build", "--strict", "-d", site],
                       cwd=root, env=env, capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, (p.stdout + p.stderr)[-4000:]
    return p.stdout + p.stderr


def _counts(log: str) -> tuple[int, int]:
    """(posts restored, posts made) of the build's two blogs together."""
    found = re.findall(r"posts: (\d+) restored, (\d+) made", log)
    assert found, log[-3000:]
    return sum(int(a) for a, _ in found), sum(int(b) for _, b in found)


def _files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def _assert_same(a: Path, b: Path) -> None:
    fa, fb = _files(a), _files(b)
    assert fa.keys() == fb.keys(), sorted(fa.keys() ^ fb.keys())[:10]
    differ = [k for k in fa if fa[k] != fb[k]]
    assert not differ, f"{len(differ)} file(s) differ, e.g. {differ[:5]}"


@pytest.fixture(scope="module")
def projects(tmp_path_factory):
    base = tmp_path_factory.mktemp("posts8")
    stock, fast = _project(base / "stock"), _project(base / "fast")
    assert "blog-post-restore" in _build(stock, False, "site")  # (the seam-off warning)
    restored, made = _counts(_build(fast, True, "site"))
    assert restored == 0 and made > N_SYNTHETIC
    _assert_same(stock / "site", fast / "site")
    return stock, fast, made


def _both(projects, change, site: str) -> tuple[int, int]:
    stock, fast, _ = projects
    for root in (stock, fast):
        change(root)
    _build(stock, False, site)
    log = _build(fast, True, site)
    _assert_same(stock / site, fast / site)
    print(log)
    return _counts(log)


def test_warm_build_restores_every_post_and_is_identical(projects):
    restored, made = _both(projects, lambda root: None, "site-warm")
    assert (restored, made) == (projects[2], 0)


def test_after_an_add(projects):
    def add(root):
        (root / "seeds" / "zz-new.txt").write_text(make_dump(random.Random(808), n_sections=3).text,
                                                  encoding="utf-8")
    restored, made = _both(projects, add, "site-add")
    # The new brief; digests whose text changed with it are made again too.
    assert made >= 1 and restored >= projects[2] - 3


def test_after_an_edit(projects):
    def edit(root):
        victim = root / "seeds" / "syn005.txt"
        text = victim.read_text(encoding="utf-8")
        changed = text.replace("\n\n", "\n\nA new paragraph about the harbour talks.\n\n", 1)
        assert changed != text
        victim.write_text(changed, encoding="utf-8")
    restored, made = _both(projects, edit, "site-edit")
    assert made >= 1 and restored >= projects[2] - 3


def test_after_a_removal(projects):
    restored, _ = _both(projects, lambda root: (root / "seeds" / "syn011.txt").unlink(), "site-remove")
    assert restored >= projects[2] - 4


def test_other_blog_options_restore_nothing_stored(projects):
    """A stored post made under other options of the blog (here the date in its URL) is
    not restored: every post is made again, and the site is what those options give."""
    def option(root):
        path = root / "mkdocs.yml"
        text = path.read_text(encoding="utf-8")
        assert text.count("post_url_date_format: yyyy/MM\n") == 2
        path.write_text(text.replace("post_url_date_format: yyyy/MM\n", "post_url_date_format: yyyy\n"),
                        encoding="utf-8")
    restored, made = _both(projects, option, "site-option")
    assert restored == 0 and made > N_SYNTHETIC


# -- in process: the restored Post is the one Material makes -----------------------------


def test_restored_post_has_what_material_gives(tmp_path, monkeypatch):
    """A post restored from the store has the attributes (and their values) of the Post
    Material's _resolve_post makes of the same file, its PostConfig and file likewise."""
    from material.plugins.blog.plugin import BlogPlugin
    from mkdocs.structure.files import File

    docs = tmp_path / "docs" / "posts"
    docs.mkdir(parents=True)
    (docs / "a.md").write_text("---\ntitle: A brief\ndate: 2024-03-05\nauthors:\n- ann\ncategories:\n- Ledger\n"
                               "tags:\n- Port\nslug: a-brief\n---\n\n\n# A brief\n\nText.\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    config = MkDocsConfig(config_file_path=str(tmp_path / "mkdocs.yml"))
    config.load_dict({"site_name": "t", "site_url": "https://example.org/news/", "docs_dir": str(tmp_path / "docs"),
                      "repo_url": "https://github.com/example/news", "edit_uri": "edit/main/docs/",
                      "site_dir": str(tmp_path / "site"), "theme": {"name": "material", "language": "en"},
                      "plugins": [{"blog": {"blog_dir": ".", "post_url_format": "{date}/{slug}",
                                            "post_url_date_format": "yyyy/MM"}}]})
    failed, _ = config.validate()
    assert not failed
    plugin = config.plugins["material/blog"]

    def make():
        file = File("posts/a.md", config.docs_dir, config.site_dir, config.use_directory_urls)
        return plugin._resolve_post(file, config), file

    original = BlogPlugin.__dict__["_resolve_post"]
    stock, stock_file = make()
    for site in ("site.partial-1", "site"):  # made (and stored), then restored (`newsbrief build`'s folders)
        config["site_dir"] = str(tmp_path / site)
        speed = blog_speed.Speedup(config, tmp_path / "cache", parts=blog_speed.SEAMS)
        try:
            post, _ = make()
        finally:
            speed.close()
    assert (speed.posts_restored, speed.posts_made) == (1, 0)
    assert BlogPlugin.__dict__["_resolve_post"] is original  # put back on close
    assert list(vars(post)) == list(vars(stock))
    for name, value in vars(stock).items():
        if name == "file":
            assert {k: v for k, v in vars(post.file).items() if k != "page"} \
                == {k: v for k, v in vars(stock_file).items() if k != "page"}
            assert post.file.page is post
        elif name == "config":
            # (made while the stored PostConfig, a subclass of the same name, is installed)
            assert type(post.config).__name__ == "PostConfig" and isinstance(post.config, type(value))
            assert list(vars(post.config)) == list(vars(value))
            assert dict(post.config) == dict(value) and list(post.config) == list(value)
            assert post.config.date.created == value.date.created and type(post.config.date) is type(value.date)
            assert post.config.config_file_path == value.config_file_path
            assert post.config._schema_keys == value._schema_keys
        else:
            assert value == getattr(post, name), name
    assert post.url == "2024/03/a-brief/" and post.canonical_url == "https://example.org/news/2024/03/a-brief/"
    assert post.edit_url == "https://github.com/example/news/edit/main/docs/posts/a.md"

    # A stored entry that is not what a post stores is not restored, and leaves the file alone.
    file = File("posts/a.md", config.docs_dir, config.site_dir, config.use_directory_urls)
    before = dict(vars(file))
    speed = blog_speed.Speedup(config, tmp_path / "cache", parts=blog_speed.SEAMS)
    try:
        text = (docs / "a.md").read_text(encoding="utf-8")
        for fields in ({"start": 0}, {"start": 3, "meta": {}, "config": {"date": {"\ue000nb:datedict": {}}},
                                      "dest_uri": "x", "url": "x", "canonical_url": None, "abs_url": None}):
            assert speed._restored_post(fields, text, file, config, (None, None, None)) is None
        assert vars(file) == before
    finally:
        speed.close()


def test_seam_off_leaves_material_s_resolve_post(tmp_path, monkeypatch):
    """When Material's code is not the checked one, _resolve_post is not replaced."""
    from material.plugins.blog.plugin import BlogPlugin

    original = BlogPlugin.__dict__["_resolve_post"]
    real = seams._source
    monkeypatch.setattr(seams, "_source", lambda obj: real(obj) + ("\n# changed" if obj is original else ""))
    assert seams.check("blog-post-restore") is not None
    config = MkDocsConfig()
    config.load_dict({"site_name": "t", "docs_dir": str(tmp_path), "site_dir": str(tmp_path / "site")})
    config.validate()
    speed = blog_speed.Speedup(config, None, parts=[p for p in blog_speed.SEAMS if seams.usable(p)])
    try:
        assert BlogPlugin.__dict__["_resolve_post"] is original
    finally:
        speed.close()


def test_context_changes_with_versions_and_options(tmp_path, monkeypatch):
    """The key's context: another package version or another option is another key; an
    option without an exact text (a lambda) means no restore at all."""
    config = MkDocsConfig()
    config.load_dict({"site_name": "t", "docs_dir": str(tmp_path), "site_dir": str(tmp_path / "site"),
                      "theme": {"name": "material"}, "plugins": ["blog"]})
    config.validate()
    plugin = config.plugins["material/blog"]
    speed = blog_speed.Speedup(config, None, parts=blog_speed.SEAMS)
    try:
        first = speed._context_text(plugin, config)
        assert first is not None and first == speed._context_text(plugin, config)
        monkeypatch.setattr(blog_speed, "package_versions", lambda: "mkdocs-material=0.0")
        assert speed._context_text(plugin, config) not in (None, first)
        monkeypatch.undo()
        plugin.config.post_url_date_format = "yyyy"
        assert speed._context_text(plugin, config) not in (None, first)
        plugin.config.post_slugify = lambda text, sep: text
        assert speed._context_text(plugin, config) is None
    finally:
        speed.close()
