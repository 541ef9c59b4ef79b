"""Round 11, issue #15 item 4: Material's translated labels looked up once per (language,
key) (site/lang_memo.py, seam ``language-labels``). The site must be byte for byte the
site without it; the memo must really answer the labels; a partial other than the
checked one (overrides/, a new Material) leaves Material's own in place."""

from __future__ import annotations

import re
import sys
import types

import pytest
from jinja2 import ChoiceLoader, DictLoader, Environment, FileSystemLoader
from mkdocs.theme import Theme
from site_support import run_in, site_files, synthetic_project

from builder.site import cold_speed, lang_memo, seams

MATERIAL = seams.material_templates()
KEYS = re.findall(r'^  "([^"]+)":', (MATERIAL / "partials" / "languages" / "en.html").read_text(encoding="utf-8"),
                  re.M)
LANGUAGES = ["en", "de", "fr", "ja", "zh-Hant", "pt-BR", "ar"]


def _env(*extra) -> Environment:
    return Environment(loader=ChoiceLoader([*extra, FileSystemLoader([str(MATERIAL)])]), auto_reload=False)


def _page(keys) -> str:
    calls = "".join(f"[{{{{ lang.t({k!r}) }}}}]" for k in keys)
    return ('{% import "partials/language.html" as lang with context %}' + calls
            + "[{{ lang.t(none) }}][{{ lang.t(3) }}][{{ lang.t(key=none) if false }}]")


def test_every_label_of_every_language_as_materials():
    assert len(KEYS) > 40
    keys = [*KEYS, "no.such.key", "", "language"]
    stock, memo = _env(), _env()
    labels = lang_memo.install(memo)
    made = []
    original = labels._module
    labels._module = lambda config, language: made.append(language) or original(config, language)
    for language in LANGUAGES:
        config = types.SimpleNamespace(theme=Theme(name="material", language=language))  # (a mapping)
        for _ in range(3):  # (the second and third render from memory)
            expected = stock.from_string(_page(keys)).render(config=config)
            assert memo.from_string(_page(keys)).render(config=config) == expected
        assert "[Search]" in expected or language != "en"
    # Material's macro asked once per (language, key) (and each time for what is not a string)
    assert len(labels._texts) == len(LANGUAGES) * len(set(keys))
    assert len([m for m in made if m == "de"]) == len(set(keys)) + 2 * 3
    assert len(labels._modules) == len(LANGUAGES)


def test_an_overridden_partial_is_left_alone():
    custom = DictLoader({"partials/language.html": "{% macro t(key) %}<{{ key }}>{% endmacro %}"})
    env = _env(custom)
    assert "not the one checked" in seams.check("language-labels", env=env)
    before = env.loader
    cold_speed.plain_when_nested(env, env.get_template)
    assert env.loader is before and "newsbrief_language_t" not in env.globals
    config = types.SimpleNamespace(theme=types.SimpleNamespace(language="en"))
    assert env.from_string(_page(["search.placeholder"])).render(config=config).startswith("[<search.placeholder>]")
    env = _env()
    assert seams.check("language-labels", env=env) is None
    cold_speed.plain_when_nested(env, env.get_template)
    assert "newsbrief_language_t" in env.globals


# -- the whole site, with and without ----------------------------------------------------

WITH = """
import atexit, sys
from jinja2 import pass_context
from builder.site import lang_memo
real, count = lang_memo.Labels.t, [0]
@pass_context
def t(self, context, *args, **kwargs):
    count[0] += 1
    return real(self, context, *args, **kwargs)
lang_memo.Labels.t = t
module, made = lang_memo.Labels._module, [0]
def counted(self, config, language):
    made[0] += 1
    return module(self, config, language)
lang_memo.Labels._module = counted
atexit.register(lambda: print(f"language labels: {count[0]} asked, {made[0]} by Material's macro", file=sys.stderr))
sys.argv = ["mkdocs", "build", "--strict", "-d", "site"]
from mkdocs.__main__ import cli
cli()
"""
WITHOUT = """
import sys
import builder.site.seams as seams
usable = seams.usable
seams.usable = lambda name, **kw: False if name == "language-labels" else usable(name, **kw)
sys.argv = ["mkdocs", "build", "--strict", "-d", "site"]
from mkdocs.__main__ import cli
cli()
"""


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    base = tmp_path_factory.mktemp("misc11")
    on, off = synthetic_project(base / "on", 11, 20), synthetic_project(base / "off", 11, 20)
    return on, run_in(on, [sys.executable, "-c", WITH]), off, run_in(off, [sys.executable, "-c", WITHOUT])


def test_same_site_with_and_without_the_labels_memo(sites):
    on, on_log, off, off_log = sites
    a, b = site_files(on / "site"), site_files(off / "site")
    assert a.keys() == b.keys() and len(a) > 50
    assert [k for k in a if a[k] != b[k]] == []
    asked, made = map(int, re.search(r"language labels: (\d+) asked, (\d+) by", on_log).groups())
    # (the build process's pages; the second core's are its own, and how many it takes
    # depends on the load): ~60 labels, asked again and again
    assert asked > 2 * made and 0 < made <= 70, on_log
    assert "seam 'language-labels'" not in on_log + off_log  # (refused silently in the one without)
