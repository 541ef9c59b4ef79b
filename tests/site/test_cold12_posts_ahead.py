"""builder/site/posts_ahead.py (issue #15 item 4): a cold build's posts made half by a forked
copy changes nothing. A small copy of the project is built cold with the copy on (made to
run at this size: MIN_POSTS = 1) and off (MIN_POSTS too high), and every file of the sites
compared byte for byte, and the post stores (byte for byte) and the blog caches' entries;
then with the copy dying, raising or logging on one of its posts (the build makes what it
was not sent: a post that logged there is made, and would log, here); a warm build after a
copy's cold build restores every post from the store the copy's lines went into.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import pytest
from site_support import run_in, site_files
from test_cold_build_speed import _project

from builder.site import blog_speed, posts_ahead, seams

# The build; AHEAD: posts_ahead.MIN_POSTS; FAIL/HOW: what the copy does on its FAIL-th post.
# The build's own posts slowed a little: with few posts and a loaded machine, the build could
# otherwise make them all before the copy has started (the tests would then see no copy).
_RUN = """
import logging, os, sys, time
import builder.site.posts_ahead as pa
pa.MIN_POSTS = int(os.environ.get("AHEAD", "1"))
import builder.site.blog_speed as bs
fail, parent, made = int(os.environ.get("AHEAD_FAIL", "0")), os.getpid(), []
original = bs.Speedup.resolve_post
def resolve_post(self, plugin, file, config):
    if os.getpid() == parent:
        time.sleep(0.02)  # (so that the copy, however late the machine's load lets it start, makes some)
    else:
        made.append(file)
        if len(made) == fail:
            how = os.environ.get("AHEAD_HOW")
            if how == "exit":
                os._exit(3)
            if how == "log":
                logging.getLogger("mkdocs.plugins.test").warning("a warning only the copy gives")
            else:
                raise RuntimeError("a post the copy cannot make")
    return original(self, plugin, file, config)
bs.Speedup.resolve_post = resolve_post
from mkdocs.__main__ import cli
sys.argv = ["mkdocs", "build", "--strict", "-d", "site"]
cli()
"""

_AHEAD = re.compile(r"posts: (\d+) restored, (\d+) made \((\d+) by a second process\)")


def _build(root: Path, **env_extra) -> str:
    return run_in(root, [sys.executable, "-c", _RUN], **env_extra)


def _posts(log: str) -> tuple[int, int, int]:
    m = _AHEAD.search(log)
    assert m, log[-3000:]
    return int(m.group(1)), int(m.group(2)), int(m.group(3))


def _stores(root: Path) -> dict[str, bytes]:
    folder = root / ".newsbrief-cache" / blog_speed.CACHE_SUBDIR
    return {p.name: p.read_bytes() for p in sorted(folder.glob(f"{blog_speed.POSTS_PREFIX}*.txt"))}


def _cold(proj: Path, snapshot: Path, **env_extra) -> str:
    """A cold build of the project (in its one folder: the post store's and the blog cache's
    keys hold the docs folder's path), its site and blog cache kept in `snapshot`."""
    for old in (proj / "site", proj / ".newsbrief-cache" / "blog", proj / ".newsbrief-cache" / "pages"):
        shutil.rmtree(old, ignore_errors=True)
    log = _build(proj, **env_extra)
    shutil.copytree(proj / "site", snapshot / "site")
    shutil.copytree(proj / ".newsbrief-cache" / "blog", snapshot / ".newsbrief-cache" / "blog")
    return log


def _compare(a: Path, b: Path) -> None:
    x, y = site_files(a / "site"), site_files(b / "site")
    assert x.keys() == y.keys()
    differ = [k for k in x if x[k] != y[k]]
    assert not differ, f"{len(differ)} file(s) differ, e.g. {differ[:5]}"
    stores = _stores(a)
    assert stores and stores == _stores(b)  # the post stores, byte for byte (their lines in the same order)
    cache_a = blog_speed.Cache(a / ".newsbrief-cache").old
    cache_b = blog_speed.Cache(b / ".newsbrief-cache").old
    assert cache_a and cache_a == cache_b


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    base = tmp_path_factory.mktemp("postsahead")
    proj = _project(base / "proj", "")
    off_log = _cold(proj, base / "off", AHEAD="1000000")
    on_log = _cold(proj, base / "on")
    return proj, base / "off", base / "on", off_log, on_log


def test_same_site_store_and_cache_with_the_posts_made_ahead(sites):
    _proj, off, on, off_log, on_log = sites
    _compare(off, on)
    restored, made, ahead = _posts(on_log)
    assert _posts(off_log) == (0, made, 0)  # every post made, none by a copy
    assert restored == 0 and 0 < ahead < made  # both made posts


@pytest.mark.parametrize("how", ["raise", "exit", "log"])
def test_a_post_the_copy_does_not_send_is_made_by_the_build(sites, tmp_path, how):
    proj, off, _on, _off_log, _on_log = sites
    log = _cold(proj, tmp_path / "s", AHEAD_FAIL="3", AHEAD_HOW=how)  # the copy's third post
    _compare(off, tmp_path / "s")
    assert "a warning only the copy gives" not in log
    ahead = _posts(log)[2]
    assert ahead == 2 if how == "exit" else ahead > 0  # (after raising or logging it goes on)


def test_a_warm_build_restores_the_posts_the_copy_made(sites, tmp_path):
    proj, _off, _on, _off_log, _on_log = sites
    cold = _cold(proj, tmp_path / "cold")
    made = _posts(cold)[1]
    assert _posts(cold)[2] > 0
    shutil.rmtree(proj / "site")
    log = _build(proj)  # (its blog cache and post store as the cold build left them)
    assert _posts(log) == (made, 0, 0)  # every post restored, no copy forked
    assert site_files(proj / "site") == site_files(tmp_path / "cold" / "site")


def test_the_plan_skips_stored_posts_and_takes_each_post_for_its_first_blog():
    class _Config(dict):
        pass

    class _Blog:
        def __init__(self, blog_dir, post_dir):
            self.config = type("C", (), {"blog_dir": blog_dir, "post_dir": post_dir, "enabled": True})()

    class _File:
        def __init__(self, src):
            self.src_uri = self.src_path = src

    class _Files:
        def __init__(self, names):
            self.files = [_File(n) for n in names]

        def documentation_pages(self):
            return self.files

    class _Store:
        def __init__(self, lines):
            self.lines = dict.fromkeys(lines)

    digests, briefs = _Blog("digests", "posts/digests"), _Blog(".", "{blog}/posts")
    stores = {"digests": _Store([]), "briefs": _Store(["posts/b.md"])}

    class _Speed:
        def _post_context(self, plugin, config):
            return ("digests" if plugin is digests else "briefs"), ()

        def _post_store(self, context):
            return stores[context]

    import builder.site.posts_ahead as pa

    blogs = pa.blogs
    pa.blogs = lambda config: [digests, briefs]
    try:
        work = pa.plan(_Speed(), _Config(), _Files(["index.md", "posts/a.md", "posts/digests/d.md", "posts/b.md",
                                                     "posts/c.md"]))
    finally:
        pa.blogs = blogs
    assert [(p is digests, f.src_uri, c) for p, f, c in work] == [
        (True, "posts/digests/d.md", "digests"), (False, "posts/a.md", "briefs"), (False, "posts/c.md", "briefs")]


def test_seam_fails_when_material_walks_its_posts_otherwise(monkeypatch):
    from material.plugins.blog.plugin import BlogPlugin

    walk = BlogPlugin._resolve_posts

    def _resolve_posts(self, files, config):  # (another walk: the plan would guess wrong)
        yield from reversed(list(walk(self, files, config)))

    monkeypatch.setattr(BlogPlugin, "_resolve_posts", _resolve_posts)
    reason = seams.check("posts-ahead")
    assert reason is not None and "_resolve_posts" in reason
    monkeypatch.undo()
    assert seams.check("posts-ahead") is None
    monkeypatch.setattr(seams, "POST_RESTORE_SHA256", "0" * 64)  # (no restore, nothing made ahead)
    assert seams.check("posts-ahead") is not None


def test_not_started_without_the_store():
    assert posts_ahead.start(None, None, None) is None

    class _Speed:
        _resolve_post = None

    assert posts_ahead.start(_Speed(), None, None) is None
