"""Issue #15, what Material's blog and newsbrief's blog cache cost on every build
(site/blog_speed.py): the blog cache as an append-only store (an index read at open, each
entry read and checked when asked for, a save appending only new entries, compaction when
garbage grows), posts' validated configuration stored by its input (seam
blog-post-config) and the blog's dates formatted once per date (seam blog-dates). Each
fast path gives what Material's own path gives, and is not installed when its seam does
not hold."""

from __future__ import annotations

import copy
import datetime as dt
import json
import logging
from pathlib import Path

import pytest
from babel.dates import format_date, format_datetime
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File

from builder.site import blog_speed, seams

# -- the store ---------------------------------------------------------------------------


def _folder(root: Path) -> Path:
    return root / blog_speed.CACHE_SUBDIR


def _log(root: Path) -> Path:
    header = (_folder(root) / blog_speed.CACHE_FILE).read_text(encoding="utf-8").split("\n", 1)[0]
    return _folder(root) / json.loads(header)["log"]


def test_a_save_appends_only_new_entries(tmp_path):
    cache = blog_speed.Cache(tmp_path)
    for i in range(20):
        cache.put(f"k{i}", [f"<p>{i}</p>", None, []])
    cache.save()
    log = _log(tmp_path)
    before = log.read_bytes()
    again = blog_speed.Cache(tmp_path)
    assert again.new == {} and len(again.index) == 20  # opening decodes nothing
    assert again.get("k3") == ["<p>3</p>", None, []] and len(again.new) == 1
    again.put("n1", [7])
    again.save()
    assert _log(tmp_path) == log  # the same log, grown by the new entry only
    assert log.read_bytes() == before + b"[7]"
    third = blog_speed.Cache(tmp_path)
    assert third.get("n1") == [7] and third.get("k3") == ["<p>3</p>", None, []] and third.get("k19") is not None


def test_nothing_new_nothing_written(tmp_path):
    cache = blog_speed.Cache(tmp_path)
    cache.put("a", [1])
    cache.save()
    index = _folder(tmp_path) / blog_speed.CACHE_FILE
    index.write_text(index.read_text(encoding="utf-8"), encoding="utf-8")
    stamp = index.stat().st_mtime_ns
    again = blog_speed.Cache(tmp_path)
    assert again.get("a") == [1]
    again.save()
    assert index.stat().st_mtime_ns == stamp


def test_unused_entries_leave_after_keep_builds_and_garbage_is_compacted(tmp_path, monkeypatch):
    monkeypatch.setattr(blog_speed, "MIN_GARBAGE", 0)
    cache = blog_speed.Cache(tmp_path)
    cache.put("kept", ["<p>kept</p>", None, []])
    cache.put("gone", ["<p>" + "x" * 1000 + "</p>", None, []])
    cache.save()
    first_log = _log(tmp_path)
    for build in range(blog_speed.KEEP_BUILDS):
        c = blog_speed.Cache(tmp_path)
        assert c.get("kept") is not None
        c.put(f"new{build}", [build])  # a writing build that does not ask for "gone"
        c.save()
        if build < blog_speed.KEEP_BUILDS - 2:
            assert "gone" in blog_speed.Cache(tmp_path).index
    last = blog_speed.Cache(tmp_path)
    assert "gone" not in last.index
    # Its 1,000 bytes were more than GARBAGE of the rest: the log was written again.
    assert _log(tmp_path) != first_log and not first_log.exists()
    assert sorted(p.name for p in _folder(tmp_path).glob("entries-*.log")) == [_log(tmp_path).name]
    assert last.get("kept") == ["<p>kept</p>", None, []]
    assert all(last.get(f"new{b}") == [b] for b in range(blog_speed.KEEP_BUILDS - 1))
    assert last.discarded == 0 and b"xxxx" not in _log(tmp_path).read_bytes()


def test_a_damaged_entry_is_dropped_and_rendered_again(tmp_path):
    cache = blog_speed.Cache(tmp_path)
    cache.put("a", ["<p>one</p>", None, []])
    cache.put("b", ["<p>two</p>", None, []])
    cache.save()
    log = _log(tmp_path)
    log.write_bytes(log.read_bytes().replace(b"one", b"owe"))
    again = blog_speed.Cache(tmp_path)
    assert again.get("a") is None and again.discarded == 1
    assert again.get("b") == ["<p>two</p>", None, []]
    again.put("a", ["<p>one</p>", None, []])
    again.save()
    assert blog_speed.Cache(tmp_path).get("a") == ["<p>one</p>", None, []]
    # A log cut short (a killed run) loses the entries past its end, nothing else.
    log = _log(tmp_path)
    log.write_bytes(log.read_bytes()[:-3])
    third = blog_speed.Cache(tmp_path)
    assert third.get("a") is None and third.get("b") == ["<p>two</p>", None, []]
    # A missing log: an empty cache, and the next save starts a new one.
    log.unlink()
    fourth = blog_speed.Cache(tmp_path)
    assert fourth.index == {} and fourth.get("b") is None
    fourth.put("c", [3])
    fourth.save()
    assert blog_speed.Cache(tmp_path).old == {"c": [3]}


def test_an_entry_appended_by_a_killed_run_is_not_indexed(tmp_path):
    cache = blog_speed.Cache(tmp_path)
    cache.put("a", [1])
    cache.save()
    with _log(tmp_path).open("ab") as f:
        f.write(b'["half')  # a run killed while appending, before its index was written
    again = blog_speed.Cache(tmp_path)
    assert again.old == {"a": [1]}
    again.put("b", [2])
    again.save()
    assert blog_speed.Cache(tmp_path).old == {"a": [1], "b": [2]}


# -- posts' validated configuration ----------------------------------------------------

POST_METAS = [
    {"date": dt.date(2024, 3, 12), "authors": ["a", "b", "a"], "categories": ["Capitol Ledger"], "slug": "x",
     "title": "T", "tags": ["t"]},
    {"date": dt.datetime(2024, 3, 12, 8, 30, tzinfo=dt.timezone(dt.timedelta(hours=2)))},
    {"date": {"created": dt.datetime(2024, 3, 12, 8, 30, tzinfo=dt.UTC),
              "updated": dt.datetime(2024, 3, 13, tzinfo=dt.UTC)}, "draft": True, "pin": True,
     "readtime": 4},
    {"date": {"created": dt.date(2024, 3, 12)}},  # validation changes what was loaded: never stored
    {"date": dt.date(2024, 3, 12), "links": ["index.md"]},  # a Navigation: never stored
    {"date": dt.date(2024, 3, 12), "pin": "yes"},  # an error
    {"authors": ["a"]},  # no date: an error
]


def _validated(config_class, meta: dict, path: str = "/docs/posts/p.md"):
    meta = copy.deepcopy(meta)  # (validation may change what it was given: each run its own)
    config = config_class(path)
    config.load_dict({key: meta[key] for key in set(meta) & set(config.keys())})
    failed, warnings = config.validate()
    return config, [(k, str(e)) for k, e in failed], [(k, str(w)) for k, w in warnings]


def _shape(value):
    if isinstance(value, dict):
        return (type(value), {k: _shape(v) for k, v in value.items()}, sorted(vars(value).items())
                if hasattr(value, "__dict__") else None)
    if isinstance(value, list):
        return [_shape(v) for v in value]
    if " at 0x" in repr(value):  # (the links' Navigation)
        return (type(value), str(value))
    return (type(value), repr(value), repr(getattr(value, "tzinfo", None)))


@pytest.mark.parametrize("meta", POST_METAS)
def test_a_stored_post_configuration_is_materials(tmp_path, meta):
    from material.plugins.blog.structure.config import PostConfig

    stock, stock_failed, stock_warnings = _validated(PostConfig, meta)
    cache = blog_speed.Cache(tmp_path)
    stored = blog_speed._stored_post_config(PostConfig, cache)
    first, failed, warnings = _validated(stored, meta)
    assert (failed, warnings) == (stock_failed, stock_warnings)
    cache.save()
    again = blog_speed.Cache(tmp_path)
    second, failed2, warnings2 = _validated(blog_speed._stored_post_config(PostConfig, again), meta)
    assert (failed2, warnings2) == (stock_failed, stock_warnings)
    if stock_failed:
        assert again.new == {}
        return
    for config in (first, second):
        assert isinstance(config, PostConfig) and list(config.keys()) == list(stock.keys())
        assert _shape(dict(config)) == _shape(dict(stock))
        assert config.date.created == stock.date.created and config.authors == stock.authors
    restored = any(entry[0] == "postconfig" for entry in again.new.values())
    assert restored == (meta in (POST_METAS[0], POST_METAS[1], POST_METAS[2]))
    third, _, _ = _validated(blog_speed._stored_post_config(PostConfig, again), meta)
    if restored:  # each post gets objects of its own
        assert third.authors is not second.authors and third.date is not second.date


def test_a_post_is_materials_with_its_configuration_stored(tmp_path):
    from material.plugins.blog.structure import Post

    docs = tmp_path / "docs"
    (docs / "posts").mkdir(parents=True)
    (docs / "posts" / "p.md").write_text("---\ntitle: T\ndate: 2024-03-12\nauthors: [a, b]\ncategories: [C]\n"
                                         "slug: s\ntags: [x]\n---\n\n# T\n\nText.\n", encoding="utf-8")
    (docs / "posts" / "bad.md").write_text("---\ndate: 2024-03-12\npin: maybe\n---\n\n# B\n", encoding="utf-8")
    config = MkDocsConfig()
    config.load_dict({"site_name": "x", "docs_dir": str(docs), "site_dir": str(tmp_path / "site"),
                      "site_url": "https://example.org/"})
    assert not config.validate()[0]

    def post():
        p = Post(File("posts/p.md", str(docs), config.site_dir, True), config)
        return _shape(dict(p.config)), _shape(p.meta), p.markdown, p.url, p.canonical_url

    def bad():
        with pytest.raises(PluginError) as e:
            Post(File("posts/bad.md", str(docs), config.site_dir, True), config)
        return str(e.value)

    stock = post(), bad()
    for _ in range(2):  # the first build stores, the second restores
        speed = blog_speed.Speedup(config, tmp_path / "cache", parts=("blog-yaml", "blog-post-config"))
        try:
            assert (post(), bad()) == stock
        finally:
            speed.close()
    assert any(e[0] == "postconfig" for e in blog_speed.Cache(tmp_path / "cache").old.values())


def _config(tmp_path: Path) -> MkDocsConfig:
    (tmp_path / "docs").mkdir(exist_ok=True)
    config = MkDocsConfig()
    config.load_dict({"site_name": "x", "docs_dir": str(tmp_path / "docs"), "site_dir": str(tmp_path / "site")})
    assert not config.validate()[0]
    return config


def test_post_config_seam(monkeypatch, tmp_path):
    from material.plugins.blog import structure

    original = structure.PostConfig
    assert seams.check("blog-post-config") is None
    config = _config(tmp_path)
    speed = blog_speed.Speedup(config, None, parts=("blog-post-config",))
    try:
        assert structure.PostConfig is not original and issubclass(structure.PostConfig, original)
    finally:
        speed.uninstall()
    assert structure.PostConfig is original
    monkeypatch.setattr(original, "_schema", (*original._schema, ("extra", original._schema[0][1])))
    assert "options" in seams.check("blog-post-config")
    monkeypatch.undo()
    monkeypatch.setattr(structure, "PostConfig", dict)
    assert "PostConfig" in seams.check("blog-post-config")
    monkeypatch.undo()
    monkeypatch.setattr(seams, "usable", lambda name, **kw: name not in ("blog-post-config", "blog-dates"))
    speed, _ = blog_speed.install(config, None)
    try:
        from material.plugins.blog import plugin

        assert structure.PostConfig is original and plugin.format_date is format_date
    finally:
        speed.uninstall()


# -- dates -------------------------------------------------------------------------------

DATES = [
    dt.date(2024, 3, 12), dt.datetime(2024, 3, 12), dt.datetime(2024, 3, 12, 23, 30, tzinfo=dt.UTC),
    dt.datetime(2024, 3, 13, 0, 30, tzinfo=dt.timezone(dt.timedelta(hours=1))),  # the same instant as above
    dt.datetime(2024, 3, 13, 0, 30, tzinfo=dt.timezone(dt.timedelta(hours=1), "CET")),
    dt.datetime(2024, 3, 12, 23, 30, 0, 5, tzinfo=dt.UTC),
]


@pytest.mark.parametrize("fmt", ["yyyy/MM", "d MMMM y", "MMMM yyyy", "yyyy-MM-dd HH:mm zzzz", "long"])
@pytest.mark.parametrize("locale", ["en", "de"])
def test_remembered_dates_are_babels(fmt, locale):
    fast_date, fast_datetime = blog_speed._same_dates(format_date, format_datetime)
    for _ in range(2):
        for date in DATES:
            if fmt != "long" or type(date) is dt.date:
                assert fast_date(date, format="long", locale=locale) == format_date(date, format="long",
                                                                                    locale=locale)
            if fmt != "long":
                assert fast_datetime(date, format=fmt, locale=locale) == format_datetime(date, format=fmt,
                                                                                         locale=locale)


def test_dates_seam(monkeypatch, tmp_path):
    from material.plugins.blog import plugin

    assert seams.check("blog-dates") is None
    config = _config(tmp_path)
    speed = blog_speed.Speedup(config, None, parts=("blog-dates",))
    try:
        assert plugin.format_date.__wrapped__ is format_date and plugin.format_datetime.__wrapped__ is format_datetime
    finally:
        speed.uninstall()
    assert plugin.format_date is format_date and plugin.format_datetime is format_datetime
    monkeypatch.setattr(plugin, "format_date", lambda *a, **kw: "")
    assert "Babel" in seams.check("blog-dates")


def test_seams_are_listed_and_logged_by_name(caplog):
    for name in ("blog-post-config", "blog-dates"):
        assert name in blog_speed.SEAMS and name in seams.SEAMS
    with caplog.at_level(logging.WARNING, logger="newsbrief.seams"):
        assert seams.usable("blog-dates")
    assert not caplog.records
