"""Restored posts from one store a context (site/blog_speed.py, round 9: _PostStore): a
post's file read as bytes and hashed, its entry one line decoded, its dates untagged in
place. What is restored must be the Post Material's _resolve_post makes of the same file;
a file whose bytes changed (even with its size and time kept), a damaged store, or a
store of another context restores nothing. (Whole sites with and without the restore are
compared in tests/site/test_posts8.py, which builds through this store.)"""

from __future__ import annotations

import datetime as dt
import os
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File

from builder.site import blog_speed

POST = ("---\ntitle: A brief\ndate: 2024-03-05\nauthors:\n- ann\ncategories:\n- Ledger\ntags:\n- Port\n"
        "slug: a-brief\nwhen:\n  - 2021-02-03 04:05:06\n  - {at: 2022-01-01}\n---\n\n\n# A brief\n\nText.\n")


def _config(tmp_path) -> MkDocsConfig:
    config = MkDocsConfig(config_file_path=str(tmp_path / "mkdocs.yml"))
    config.load_dict({"site_name": "t", "site_url": "https://example.org/news/", "docs_dir": str(tmp_path / "docs"),
                      "site_dir": str(tmp_path / "site"), "theme": {"name": "material", "language": "en"},
                      "plugins": [{"blog": {"blog_dir": ".", "post_url_format": "{date}/{slug}"}}]})
    failed, _ = config.validate()
    assert not failed
    return config


@pytest.fixture
def blog(tmp_path, monkeypatch):
    (tmp_path / "docs" / "posts").mkdir(parents=True)
    monkeypatch.chdir(tmp_path)
    config = _config(tmp_path)
    return config, config.plugins["material/blog"]


def _resolve(config, plugin, cache, name="a.md"):
    """(the post, restored?, made?) with the speed-ups installed for one build."""
    speed = blog_speed.Speedup(config, cache, parts=blog_speed.SEAMS)
    try:
        file = File(f"posts/{name}", config.docs_dir, config.site_dir, config.use_directory_urls)
        post = plugin._resolve_post(file, config)
    finally:
        speed.close()
    return post, speed.posts_restored, speed.posts_made


def _stock(config, plugin, name="a.md"):
    file = File(f"posts/{name}", config.docs_dir, config.site_dir, config.use_directory_urls)
    return plugin._resolve_post(file, config)


def _same(post, stock) -> None:
    assert list(vars(post)) == list(vars(stock))
    for name, value in vars(stock).items():
        if name == "file":
            assert {k: v for k, v in vars(post.file).items() if k != "page"} \
                == {k: v for k, v in vars(value).items() if k != "page"}
        elif name == "config":
            assert dict(post.config) == dict(value) and list(vars(post.config)) == list(vars(value))
            assert type(post.config.date) is type(value.date) and post.config.date.created == value.date.created
        else:
            assert getattr(post, name) == value, name
    when = post.meta["when"]
    assert when[0] == dt.datetime(2021, 2, 3, 4, 5, 6) and when[1]["at"] == dt.date(2022, 1, 1)


def test_made_then_restored_from_one_store(blog, tmp_path):
    config, plugin = blog
    path = tmp_path / "docs" / "posts" / "a.md"
    path.write_bytes(b"\xef\xbb\xbf" + POST.replace("\n", "\r\n").encode())  # (a BOM, CRLF: as Material reads it)
    stock = _stock(config, plugin)
    assert _resolve(config, plugin, tmp_path / "cache")[1:] == (0, 1)
    stores = list((tmp_path / "cache" / blog_speed.CACHE_SUBDIR).glob(f"{blog_speed.POSTS_PREFIX}*.txt"))
    assert len(stores) == 1
    post, restored, made = _resolve(config, plugin, tmp_path / "cache")
    assert (restored, made) == (1, 0)
    _same(post, stock)
    post.meta["tags"].append("x")  # (objects of its own: a later restore is not changed by it)
    again, restored, _ = _resolve(config, plugin, tmp_path / "cache")
    assert restored == 1 and again.meta["tags"] == ["Port"]


def test_bytes_changed_with_size_and_time_kept_are_made_again(blog, tmp_path):
    config, plugin = blog
    path = tmp_path / "docs" / "posts" / "a.md"
    path.write_text(POST, encoding="utf-8")
    _resolve(config, plugin, tmp_path / "cache")
    st_before = path.stat()
    path.write_text(POST.replace("Text.", "Txet."), encoding="utf-8")
    os.utime(path, ns=(st_before.st_atime_ns, st_before.st_mtime_ns))
    assert path.stat().st_size == st_before.st_size
    post, restored, made = _resolve(config, plugin, tmp_path / "cache")
    assert (restored, made) == (0, 1) and post.markdown.endswith("Txet.\n")


def test_a_damaged_store_restores_nothing(blog, tmp_path):
    config, plugin = blog
    (tmp_path / "docs" / "posts" / "a.md").write_text(POST, encoding="utf-8")
    _resolve(config, plugin, tmp_path / "cache")
    store, = (tmp_path / "cache" / blog_speed.CACHE_SUBDIR).glob(f"{blog_speed.POSTS_PREFIX}*.txt")
    data = store.read_bytes()
    store.write_bytes(data.replace(b"a-brief", b"a-breif", 1))  # (valid JSON, other bytes)
    stock = _stock(config, plugin)
    post, restored, made = _resolve(config, plugin, tmp_path / "cache")
    assert (restored, made) == (0, 1)
    _same(post, stock)
    assert _resolve(config, plugin, tmp_path / "cache")[1:] == (1, 0)  # (stored again, whole)


def test_another_context_has_its_own_store(blog, tmp_path):
    config, plugin = blog
    (tmp_path / "docs" / "posts" / "a.md").write_text(POST, encoding="utf-8")
    _resolve(config, plugin, tmp_path / "cache")
    config["site_url"] = "http://127.0.0.1:8000/"  # (`serve`'s address)
    post, restored, made = _resolve(config, plugin, tmp_path / "cache")
    assert (restored, made) == (0, 1) and post.canonical_url == "http://127.0.0.1:8000/2024/03/05/a-brief/"
    config["site_url"] = "https://example.org/news/"
    post, restored, _ = _resolve(config, plugin, tmp_path / "cache")
    assert restored == 1 and post.canonical_url == "https://example.org/news/2024/03/05/a-brief/"
    assert len(list((tmp_path / "cache" / blog_speed.CACHE_SUBDIR).glob("posts-*.txt"))) == 2


def test_stores_of_unused_contexts_are_pruned(tmp_path):
    folder = tmp_path / blog_speed.CACHE_SUBDIR
    folder.mkdir()
    paths = [folder / f"{blog_speed.POSTS_PREFIX}{i:02d}.txt" for i in range(blog_speed.POSTS_KEEP + 3)]
    for n, path in enumerate(paths):
        path.write_text("x")
        os.utime(path, ns=(n * 10**9, n * 10**9))
    blog_speed._PostStore.prune(folder, {paths[0]})
    left = sorted(folder.iterdir())
    assert left == sorted([paths[0], *paths[-(blog_speed.POSTS_KEEP - 1):]])


_pieces = st.lists(st.sampled_from(["a", "é", "\r", "\n", "\r\n", "\ufeff", " ", "\u2028", "x\r"]), max_size=30)


@settings(max_examples=300, deadline=None)
@given(_pieces, st.booleans())
def test_text_of_is_what_a_text_mode_read_gives(tmp_path_factory, pieces, bom):
    data = (b"\xef\xbb\xbf" if bom else b"") + "".join(pieces).encode()
    path = tmp_path_factory.mktemp("t") / "p.md"
    path.write_bytes(data)
    with open(path, encoding="utf-8-sig") as f:
        assert blog_speed._text_of(data) == f.read()


def test_text_of_fails_where_the_read_fails(tmp_path):
    path = tmp_path / "p.md"
    path.write_bytes(b"ok \xff")
    with pytest.raises(ValueError), open(path, encoding="utf-8-sig") as f:
        f.read()
    with pytest.raises(ValueError):
        blog_speed._text_of(b"ok \xff")


def test_untag_at_is_untag_of_the_whole():
    rng = random.Random(9)
    from material.plugins.blog.structure.options import DateDict

    def value(depth):
        kind = rng.randrange(6 if depth < 3 else 3)
        if kind == 0:
            return rng.choice(["s", 1, 2.5, None, True])
        if kind == 1:
            return dt.date(2020, 1, rng.randint(1, 28))
        if kind == 2:
            return dt.datetime(2020, 1, 2, 3, rng.randint(0, 59), tzinfo=rng.choice([None, dt.UTC]))
        if kind == 3:
            return [value(depth + 1) for _ in range(rng.randrange(4))]
        if kind == 4:
            return {f"k{i}": value(depth + 1) for i in range(rng.randrange(4))}
        return DateDict({"created": dt.datetime(2021, 5, 6)}) if depth == 1 else "d"

    for _ in range(300):
        meta = {f"m{i}": value(2) for i in range(4)}
        options = {f"o{i}": value(1) for i in range(4)}
        for original, tag, untag in ((meta, blog_speed._tag, blog_speed._untag),
                                     (options, blog_speed._tag_option, blog_speed._untag_option)):
            tagged = {k: tag(v) for k, v in original.items()}
            if any(v is blog_speed._NO for v in tagged.values()):
                continue
            whole = {k: untag(v) for k, v in tagged.items()}
            in_place = blog_speed.orjson.loads(blog_speed.orjson.dumps(tagged))
            blog_speed._untag_at(in_place, blog_speed._tag_paths(tagged), untag)
            assert in_place == whole == original
            assert [type(v) for v in in_place.values()] == [type(v) for v in original.values()]
