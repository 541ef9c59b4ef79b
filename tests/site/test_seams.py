"""The seams (builder/site/seams.py): every Material/MkDocs internal the plugin patches, copies
or reads has a check that is a real conditional (it holds under `python -O`), that fails
when the internal changes (a signature, a statement, a template's hash, the copied search
partial) or cannot be examined (ImportError, AttributeError, OSError), and the site then
still builds, the stock way: byte for byte what a build without the speed-ups gives.
"""

from __future__ import annotations

import ast
import os
import random
import re
import shutil
import subprocess
import sys
import types
from pathlib import Path

import pytest
from dumpgen import make_dump
from fixture_dumps import REPO

from builder.site import seams


def test_every_seam_holds_on_the_pinned_versions():
    assert {name: seams.check(name) for name in seams.SEAMS} == dict.fromkeys(seams.SEAMS)


def test_versions_are_pinned_once_and_match_the_lock():
    lock = (REPO / "requirements.lock").read_text(encoding="utf-8")
    for dist, version in seams.CHECKED_AGAINST.items():
        assert f"\n{dist}=={version}\n" in f"\n{lock}", dist
    assert seams.installed_versions() == seams.CHECKED_AGAINST


def test_the_checks_are_not_asserts():
    for path in sorted((REPO / "builder").rglob("*.py")):  # every module: a check anywhere holds under -O
        tree = ast.parse(path.read_text(encoding="utf-8"))
        assert not [n for n in ast.walk(tree) if isinstance(n, ast.Assert)], path


def test_a_seam_fails_under_python_O():
    code = (
        "from material.plugins.blog.structure import Excerpt\n"
        "orig = Excerpt.render\n"
        "Excerpt.render = lambda self, page, separator, extra=None: orig(self, page, separator)\n"
        "from builder.site import seams\n"
        "reason = seams.check('blog-excerpts')\n"
        "print(sys.flags.optimize, reason)\n"
        "raise SystemExit(0 if sys.flags.optimize and reason else 1)\n")
    p = subprocess.run([sys.executable, "-O", "-c", "import sys\n" + code], cwd=REPO, capture_output=True,
                       text=True, env=dict(os.environ, PYTHONPATH=str(REPO)), timeout=120)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "signature" in p.stdout


# -- each seam, failed on purpose --------------------------------------------------------

def _fails(name: str, *words: str, **context) -> str:
    reason = seams.check(name, **context)
    assert reason is not None, f"{name} should fail"
    for word in words:
        assert word in reason, reason
    return reason


def test_blog_excerpts_fails_on_a_new_signature(monkeypatch):
    from material.plugins.blog.structure import Excerpt

    orig = Excerpt.render
    monkeypatch.setattr(Excerpt, "render", lambda self, page, separator, extra=None: orig(self, page, separator))
    _fails("blog-excerpts", "signature")


def test_blog_excerpts_fails_on_a_changed_template(monkeypatch):
    monkeypatch.setitem(seams.TEMPLATE_SHA256, "partials/post.html", "0" * 64)
    _fails("blog-excerpts", "partials/post.html")


def test_blog_excerpts_fails_when_an_import_fails(monkeypatch):
    real = seams.import_module

    def failing(name):
        if name.startswith("material.plugins.blog"):
            raise ImportError(f"No module named {name!r}")
        return real(name)

    monkeypatch.setattr(seams, "import_module", failing)
    for name in ("blog-excerpts", "blog-posts", "blog-post-list", "blog-yaml"):
        _fails(name, "ImportError")


def test_a_missing_attribute_fails_the_seam(monkeypatch):
    real = seams.import_module
    monkeypatch.setattr(seams, "import_module", lambda name: types.ModuleType(name)
                        if name == "material.plugins.blog.structure" else real(name))
    _fails("blog-excerpts", "AttributeError")
    _fails("blog-posts", "AttributeError")


def test_blog_posts_fails_when_material_renders_posts_itself(monkeypatch):
    from material.plugins.blog.structure import Post

    monkeypatch.setattr(Post, "render", lambda self, config, files: None, raising=False)
    _fails("blog-posts", "render")


def test_blog_post_list_fails_when_membership_is_not_tested(monkeypatch):
    from material.plugins.blog.plugin import BlogPlugin

    def on_page_markdown(self, markdown, *, page, config, files):
        return markdown

    monkeypatch.setattr(BlogPlugin, "on_page_markdown", on_page_markdown)
    _fails("blog-post-list", "membership")


def test_blog_yaml_fails_without_libyaml(monkeypatch):
    import yaml

    monkeypatch.delattr(yaml, "CSafeLoader")
    _fails("blog-yaml", "CSafeLoader")


def test_page_cache_fails_on_changed_templates_and_unknown_context(monkeypatch):
    monkeypatch.setattr(seams, "TEMPLATES_TREE_SHA256", "0" * 64)
    _fails("page-cache", "templates")
    monkeypatch.undo()
    from mkdocs.utils import templates

    monkeypatch.setitem(templates.TemplateContext.__annotations__, "sitemap", str)
    _fails("page-cache", "sitemap")


def test_page_cache_fails_when_material_cannot_be_read(monkeypatch, tmp_path):
    monkeypatch.setattr(seams, "material_templates", lambda: tmp_path / "missing")
    _fails("page-cache", "templates")
    _fails("search-partial", "FileNotFoundError")
    _fails("pagefind", "FileNotFoundError")


def _stale(text: str) -> str:
    """The override with its copy of Material's partial (below `{% else %}`) changed."""
    head, sep, copy = text.partition("{% else %}\n")
    assert sep and 'class="md-search__input"' in copy
    return head + sep + copy.replace('class="md-search__input"', 'class="md-search__input stale"')


def test_search_partial_fails_when_the_copy_differs(tmp_path):
    copy = tmp_path / "partials" / "search.html"
    copy.parent.mkdir()
    text = (REPO / "overrides" / "partials" / "search.html").read_text(encoding="utf-8")
    copy.write_text(_stale(text), encoding="utf-8")
    assert seams.check("search-partial", custom_dir=REPO / "overrides") is None
    _fails("search-partial", "copy differs", custom_dir=tmp_path)


def test_search_partial_fails_when_materials_original_changed(monkeypatch):
    monkeypatch.setitem(seams.TEMPLATE_SHA256, "partials/search.html", "0" * 64)
    _fails("search-partial", "partials/search.html")


def test_pagefind_fails_on_changed_markup_or_search_plugin(monkeypatch):
    monkeypatch.setitem(seams.TEMPLATE_SHA256, "blog-post.html", "0" * 64)
    _fails("pagefind", "blog-post.html")
    monkeypatch.undo()
    from material.plugins.search.plugin import SearchPlugin

    monkeypatch.setattr(SearchPlugin, "on_post_build", lambda self, *, config: None)
    _fails("pagefind", "enabled")


def test_posts_ahead_fails_on_another_walk_of_the_posts(monkeypatch):
    monkeypatch.setattr(seams, "RESOLVE_POSTS_SHA256", "0" * 64)
    _fails("posts-ahead", "_resolve_posts")


def test_blog_temp_fails_when_the_blogs_shutdown_does_more(monkeypatch):
    from material.plugins.blog.plugin import BlogPlugin

    def on_shutdown(self):
        shutil.rmtree(self.temp_dir)
        self.temp_dir = None

    monkeypatch.setattr(BlogPlugin, "on_shutdown", on_shutdown)
    _fails("blog-temp", "on_shutdown")


def test_usable_warns_once_naming_the_seam(monkeypatch, caplog):
    monkeypatch.setitem(seams.TEMPLATE_SHA256, "partials/post.html", "0" * 64)
    with caplog.at_level("WARNING", logger="newsbrief.seams"):
        assert seams.usable("blog-excerpts") is False
        assert seams.usable("blog-posts") is True
    warnings = [r for r in caplog.records if r.levelname == "WARNING"]
    assert len(warnings) == 1 and "'blog-excerpts'" in warnings[0].getMessage()
    assert "stock way" in warnings[0].getMessage()


def test_the_speedup_installs_only_the_parts_asked_for():
    from material.plugins.blog import structure
    from material.plugins.blog.structure import Excerpt, Post
    from mkdocs.config.defaults import MkDocsConfig

    from builder.site import blog_speed

    config = MkDocsConfig()
    config.load_dict({"site_name": "x"})
    config.validate()
    before = (Excerpt.__dict__["render"], "render" in Post.__dict__, structure.SafeLoader)
    speed = blog_speed.Speedup(config, None, parts=("blog-posts",))
    try:
        assert Excerpt.__dict__["render"] is before[0] and "render" in Post.__dict__
        assert structure.SafeLoader is before[2]
    finally:
        speed.uninstall()
    assert (Excerpt.__dict__["render"], "render" in Post.__dict__, structure.SafeLoader) == before


# -- the whole site, with every seam broken --------------------------------------------

BREAK_ALL = """
import sys
from pathlib import Path
from material.plugins.blog.structure import Excerpt
import builder.site.seams as seams
orig = Excerpt.render
Excerpt.render = lambda self, page, separator, extra=None: orig(self, page, separator)  # blog-excerpts
from mkdocs.structure import pages
to_url = pages._RelativePathTreeprocessor.path_to_url
pages._RelativePathTreeprocessor.path_to_url = lambda self, url, extra=None: to_url(self, url)  # page-render
real = seams.import_module
def import_module(name):
    if name in ("mkdocs.commands.build", "material.plugins.blog.plugin",  # page-cache, blog-posts, post-list,
                # posts-ahead (through blog-post-restore's check), blog-temp,
                "material.plugins.blog.structure.options",  # readtime, blog-dates; blog-post-config
                "material.plugins.search.plugin",  # search-replay
                "jinja2.compiler"):  # template-cache
        raise ImportError("No module named " + repr(name))
    return real(name)
seams.import_module = import_module
seams.TEMPLATE_SHA256["blog-post.html"] = "0" * 64  # pagefind
seams.EXCERPT_INIT_SHA256 = "0" * 64  # blog-excerpt-parser (blog-views: the plugin module fails above)
seams.PARSER_SOURCES_SHA256["markdown.core:Markdown.reset"] = "0" * 64  # markdown-parsers
seams.READTIME_SHA256["material.plugins.blog.readtime:readtime"] = "0" * 64  # readtime-plain
seams.LANGUAGE_PARTIAL_SHA256 = "0" * 64  # language-labels
seams.INLINE_SOURCES_SHA256["markdown.treeprocessors:InlineProcessor.run"] = "0" * 64  # markdown-inline
import yaml
del yaml.CSafeLoader  # blog-yaml
sys.argv = ["mkdocs", "build", "--strict", "-d", "site"]
from mkdocs.__main__ import cli
cli()
"""


def _project(root: Path, options: str, partial: str | None) -> Path:
    root.mkdir(parents=True)
    shutil.copytree(REPO / "docs", root / "docs", ignore=lambda d, n: {"posts"} if Path(d) == REPO / "docs" else set())
    shutil.copytree(REPO / "overrides", root / "overrides")
    target = root / "overrides" / "partials" / "search.html"
    if partial is None:  # the stock site: Material's own templates
        target.unlink()
        for name in seams.OVERRIDDEN_TEMPLATES:
            (root / "overrides" / name).unlink()
    else:
        target.write_text(partial, encoding="utf-8")
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    config, n = re.subn(r"(- newsbrief:\n(?:      .*\n)*?      posts_dir: posts)", r"\1" + options, config)
    assert n == 1
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    (root / "seeds").mkdir()
    for sample in sorted((REPO / "seeds").glob("*.txt")):
        shutil.copy2(sample, root / "seeds" / sample.name)
    rng = random.Random(12)
    for i in range(12):  # two index pages, months, publishers, authors
        (root / "seeds" / f"syn{i:02d}.txt").write_text(make_dump(rng, n_sections=3).text, encoding="utf-8")
    return root


def _run(root: Path, args: list[str]) -> str:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONPATH=str(REPO))
    env.pop("NEWSBRIEF_STRICT", None)
    p = subprocess.run(args, cwd=root, env=env, capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stdout + p.stderr
    return p.stdout + p.stderr


def _pages(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*.html"))}


@pytest.mark.slow
def test_every_seam_broken_still_builds_the_stock_site(tmp_path):
    """Under python -O and mkdocs --strict, with every seam failing (a new signature,
    import errors, a changed template, no LibYAML, a copied partial that differs from
    Material's): the build succeeds, warns once per seam, and gives exactly the site of
    a build without the speed-ups and without the copied partial."""
    original = (REPO / "overrides" / "partials" / "search.html").read_text(encoding="utf-8")
    stale = _stale(original)
    assert stale != original
    stock = _project(tmp_path / "stock", "\n      blog_speed: false\n      page_cache: false\n"
                                         "      stable_pagination: false\n      search: material", partial=None)
    broken = _project(tmp_path / "broken", "\n      search: pagefind", partial=stale)
    _run(stock, [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", "site"])
    log = _run(broken, [sys.executable, "-O", "-c", BREAK_ALL])
    checked = [name for name, seam in seams.SEAMS.items() if not seam.serve_only]  # (a build's seams)
    for name in checked:
        assert f"seam '{name}'" in log, (name, log)
    assert len(re.findall(r"^WARNING .*seam '", log, re.M)) == len(checked), log
    assert "blog cache" not in log and "page cache" not in log  # nothing installed
    assert not (broken / "site" / "pagefind").exists()  # Material's search instead
    assert (broken / "site" / "search" / "search_index.json").is_file()
    a, b = _pages(stock / "site"), _pages(broken / "site")
    assert a.keys() == b.keys() and len(a) > 10
    differ = [k for k in a if a[k] != b[k]]
    assert not differ, differ[:5]
    assert b"md-search__input stale" not in b"".join(b.values())
