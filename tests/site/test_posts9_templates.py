"""Jinja's compiled templates kept between builds (site/shell.py, template_cache): a
template loaded from the cache is the code a fresh compile gives in the same environment,
and anything the compiled code depends on besides the source (a filter's calling
convention, the environment's syntax) keys it apart, so that another configuration never
runs code compiled for this one."""

from __future__ import annotations

import marshal
from pathlib import Path

import jinja2
import pytest
from mkdocs.theme import Theme

from builder.site import shell


def _material_env():
    env = Theme("material").get_env()
    env.filters["date"] = lambda value: value  # (as the blog plugin adds in its on_env)
    return env


def _templates(env) -> list[str]:
    return sorted(n for n in env.loader.list_templates() if n.endswith(".html"))


def _code(template) -> bytes:
    return marshal.dumps(template.root_render_func.__code__)


def test_material_templates_from_the_cache_are_what_a_compile_gives(tmp_path):
    fresh = _material_env()
    names = _templates(fresh)
    assert len(names) > 50
    compiled = {name: _code(fresh.get_template(name)) for name in names}

    first = _material_env()
    shell.template_cache(first, tmp_path)
    assert isinstance(first.bytecode_cache, jinja2.FileSystemBytecodeCache)
    for name in names:
        first.get_template(name)
    stored = list((tmp_path / shell.TEMPLATES_DIR).glob("*/*.cache"))
    assert len(stored) == len(names)

    second = _material_env()
    shell.template_cache(second, tmp_path)
    compiles = []
    real = second.compile
    second.compile = lambda *a, **k: compiles.append(a) or real(*a, **k)
    for name in names:
        assert _code(second.get_template(name)) == compiled[name], name
    assert compiles == []  # every one loaded, none compiled


def test_a_template_changed_is_compiled_again(tmp_path):
    docs = tmp_path / "t"
    docs.mkdir()
    (docs / "a.html").write_text("one {{ x }}", encoding="utf-8")
    for text, out in (("one {{ x }}", "one 1"), ("two {{ x }}", "two 1")):
        (docs / "a.html").write_text(text, encoding="utf-8")
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(docs)))
        shell.template_cache(env, tmp_path / "cache")
        assert env.get_template("a.html").render(x=1) == out


def test_a_filter_called_otherwise_is_another_key(tmp_path):
    """The compiled code says how it calls each filter (with the context or not): code
    compiled while `shout` took the value alone must not run once it takes the context."""
    docs = tmp_path / "t"
    docs.mkdir()
    (docs / "a.html").write_text("{{ 'hi' | shout }}", encoding="utf-8")

    def env_with(shout):
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(docs)))
        env.filters["shout"] = shout
        shell.template_cache(env, tmp_path / "cache")
        return env

    assert env_with(lambda v: v.upper()).get_template("a.html").render() == "HI"
    assert env_with(jinja2.pass_context(lambda ctx, v: f"{ctx['who']}:{v}")).get_template("a.html") \
        .render(who="ann") == "ann:hi"
    assert env_with(lambda v: v.upper()).get_template("a.html").render() == "HI"  # (its own key again)


def test_other_syntax_is_another_key(tmp_path):
    docs = tmp_path / "t"
    docs.mkdir()
    (docs / "a.html").write_text("{{ x }} [[ x ]]", encoding="utf-8")
    outs = []
    for start, end in (("{{", "}}"), ("[[", "]]"), ("{{", "}}")):
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(docs)), variable_start_string=start,
                                 variable_end_string=end)
        shell.template_cache(env, tmp_path / "cache")
        outs.append(env.get_template("a.html").render(x=1))
    assert outs == ["1 [[ x ]]", "{{ x }} 1", "1 [[ x ]]"]


@pytest.mark.parametrize("option", [{"autoescape": jinja2.select_autoescape()}, {"finalize": str}])
def test_options_without_an_exact_text_compile_the_stock_way(tmp_path, option):
    env = jinja2.Environment(loader=jinja2.DictLoader({"a.html": "x"}), **option)
    shell.template_cache(env, tmp_path)
    assert env.bytecode_cache is None


def test_folders_of_other_versions_are_deleted(tmp_path):
    other = tmp_path / shell.TEMPLATES_DIR / "0123456789abcdef"
    other.mkdir(parents=True)
    (other / "__jinja2_x.cache").write_bytes(b"old")
    env = jinja2.Environment(loader=jinja2.DictLoader({"a.html": "x"}))
    shell.template_cache(env, tmp_path)
    assert not other.exists()
    assert [p.name for p in (tmp_path / shell.TEMPLATES_DIR).iterdir()] == [Path(env.bytecode_cache.directory).name]


def test_a_damaged_entry_is_compiled_again(tmp_path):
    env = jinja2.Environment(loader=jinja2.DictLoader({"a.html": "{{ x }}!"}))
    shell.template_cache(env, tmp_path)
    env.get_template("a.html")
    for entry in (tmp_path / shell.TEMPLATES_DIR).glob("*/*.cache"):
        data = entry.read_bytes()
        entry.write_bytes(data[: len(data) // 2])
    env = jinja2.Environment(loader=jinja2.DictLoader({"a.html": "{{ x }}!"}))
    shell.template_cache(env, tmp_path)
    assert env.get_template("a.html").render(x=2) == "2!"


def test_seam_broken_compiles_the_stock_way(tmp_path, monkeypatch):
    from builder.site import seams

    real = seams.import_module

    def import_module(name):
        if name == "jinja2.compiler":
            raise ImportError(name)
        return real(name)

    monkeypatch.setattr(seams, "import_module", import_module)
    assert seams.check("template-cache") is not None
    env = jinja2.Environment(loader=jinja2.DictLoader({"a.html": "x"}))
    shell.template_cache(env, tmp_path)
    assert env.bytecode_cache is None and not (tmp_path / shell.TEMPLATES_DIR).exists()
