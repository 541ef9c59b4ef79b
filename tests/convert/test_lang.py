"""A brief's language (builder/convert/lang.py) and where it goes (issue 14): detected
offline and the same on every run, or taken from what the dump declares; written to the
front matter, the archive index and the cache; put on the page's <html lang>; and it
sets up Material's search (builder/site/search.py)."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import yaml
from fixture_dumps import FIXTURES, REPO

from builder.convert import lang, process
from builder.model import Article, Dump, Section
from builder.output.cache import _record, stub
from builder.output.index import archive_index
from builder.output.render import front_matter, render_page
from builder.rules import load_rules
from builder.site import search

LANG_DIR = REPO / "tests" / "data" / "lang"
BRIEFS: dict[str, dict] = json.loads((LANG_DIR / "languages.json").read_text(encoding="utf-8"))


def _labelled() -> list[tuple[str, str]]:
    rows = []
    for line in (LANG_DIR / "labelled.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            code, _, text = line.partition("\t")
            rows.append((code, text))
    return rows


def _article(title: str = "A title", paragraphs: list[str] | None = None, declared: str | None = None) -> Article:
    dump = Dump(source_path="x.txt", sha256="0" * 64, size=1, lang=declared)
    return Article(dump=dump, id="1", title=title, date=dt.date(2025, 5, 1), date_text="1 May 2025",
                   sections=[Section(heading=None, paragraphs=list(paragraphs or []))])


def test_fixture_briefs_get_their_language() -> None:
    rules = load_rules(None)
    for name, brief in BRIEFS.items():
        o = process((LANG_DIR / name).read_bytes(), name, rules)
        assert o.article is not None, (name, o.error)
        assert o.article.title == brief["title"]
        assert o.article.lang == brief["lang"], name


def test_the_family_is_english_and_the_greek_brief_greek() -> None:
    rules = load_rules(None)
    got = {p.name: process(p.read_bytes(), p.name, rules) for p in sorted(FIXTURES.glob("*.txt"))}
    langs = {name: o.article.lang for name, o in got.items() if o.article is not None}
    assert langs.pop("09_wildfire_greek.txt") == "el"
    assert set(langs.values()) == {"en"}, langs


def test_accuracy_on_short_briefs_in_27_languages() -> None:
    """Headlines and leads written for this test in 27 languages. Measured: 2 of 138
    wrong (Indonesian read as Malay, its near twin), 4 unsure ("": the site's language
    applies; three-word headlines, a line of names). Never English for a text that is
    not; a headline with its lead is right but for near twins."""
    rows = _labelled()
    assert len({code for code, _ in rows}) >= 20
    got = [(code, lang.detect(text), text) for code, text in rows]
    wrong = [g for g in got if g[1] not in (g[0], "")]
    unsure = [g for g in got if g[1] == ""]
    assert len(wrong) <= 0.02 * len(rows), wrong
    assert len(unsure) <= 0.05 * len(rows), unsure
    assert not [w for w in wrong if w[1] == "en"], wrong
    twins = {("id", "ms"), ("ms", "id")}
    long_wrong = [g for g in got if len(g[2]) > 80 and g[1] != g[0] and (g[0], g[1]) not in twins]
    assert not long_wrong, long_wrong


def test_detection_is_the_same_in_another_process() -> None:
    rows = _labelled()
    here = [lang.detect(text) for _, text in rows]
    code = ("import json, sys; from builder.convert.lang import detect; "
            "print(json.dumps([detect(t) for t in json.load(sys.stdin)]))")
    proc = subprocess.run([sys.executable, "-c", code], input=json.dumps([t for _, t in rows]), text=True,
                          capture_output=True, cwd=REPO, check=True, env={"PYTHONPATH": str(REPO), "PATH": ""})
    assert json.loads(proc.stdout) == here


def test_the_model_is_read_in_memory_as_py3langid_reads_it(monkeypatch) -> None:
    """lang._load() gives py3langid's own identifier (same arrays, same answers) without
    writing a temporary file (a conversion writes nothing outside its posts folder)."""
    import tempfile

    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    theirs = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)

    def no_temp_files(*args, **kwargs):
        raise AssertionError("a temporary file was opened")

    monkeypatch.setattr(tempfile, "TemporaryFile", no_temp_files)
    ours = lang._load()
    assert ours.nb_classes == theirs.nb_classes and ours.tk_output == theirs.tk_output
    assert ours.tk_nextmove == theirs.tk_nextmove and ours.tk_row == theirs.tk_row
    assert (ours.nb_ptc == theirs.nb_ptc).all() and (ours.nb_pc == theirs.nb_pc).all()
    for _, text in _labelled()[:40]:
        assert ours.classify(text) == theirs.classify(text)


def test_no_letters_or_too_little_text_is_unknown() -> None:
    for text in ("", "   ", "12 345 — 2025", "!!! ???", "\u200b\u200b"):
        assert lang.detect(text) == "", text
    assert lang.detect("Storm Éowyn: Dublin airport reopens") in ("", "en")


def test_detection_reads_a_bounded_sample() -> None:
    long = "Дождь шёл весь день, и улицы города опустели. " * 2000
    article = _article("Погода", [long, "The English paragraph far below is never read. " * 50])
    assert len(lang.sample(article)) <= lang.MAX_CHARS
    assert lang.language(article) == "ru"


def test_a_declared_language_wins_and_is_normalised() -> None:
    english = ["The council approved the new flood wall on Tuesday after a long debate."]
    assert lang.language(_article("Flood wall approved", english, declared="pt_br")) == "pt-BR"
    assert lang.language(_article("Flood wall approved", english, declared="ZH-hant-tw")) == "zh-Hant-TW"
    # Not a language: detected instead.
    for bad in ("", "und", "x", "en\"><script>", "english", "1234", "en-" + "x" * 20):
        assert lang.language(_article("Flood wall approved", english, declared=bad)) == "en", bad
    # A reader that builds the Article may set its lang directly: that wins too.
    article = _article("Flood wall approved", english)
    article.lang = "fr"
    assert lang.language(article) == "fr"


def test_normalise() -> None:
    assert lang.normalise("EN") == "en"
    assert lang.normalise(" en_US ") == "en-US"
    assert lang.normalise("es-419") == "es-419"
    assert lang.normalise("sr-latn-rs") == "sr-Latn-RS"
    assert lang.normalise(None) == "" and lang.normalise("mul") == ""


def test_lang_in_front_matter_index_and_cache() -> None:
    rules = load_rules(None)
    name = "ru_kazan_bridge.txt"
    o = process((LANG_DIR / name).read_bytes(), name, rules)
    o.page = "docs/posts/2025/05/v-kazani.md"
    meta = yaml.safe_load(render_page(o.article, name).split("---")[1])
    assert meta["lang"] == "ru"
    assert json.loads(archive_index([o], "docs/posts"))["2025/05/v-kazani.md"]["lang"] == "ru"
    again, _ = stub(name, [1, 0, o.article.dump.sha256], _record(o))
    assert again.article.lang == "ru"
    # Unknown: no `lang` key; the site's language applies.
    o.article.lang = ""
    assert "lang" not in front_matter(o.article, name)


class _Page:
    def __init__(self, meta):
        self.meta = meta


def test_the_page_root_element_takes_the_brief_language() -> None:
    html = '<!doctype html>\n<html lang="en" class="no-js">\n<head></head><body lang="en"></body></html>'
    assert search.with_lang(html, "ru").startswith('<!doctype html>\n<html lang="ru" class="no-js">')
    assert search.with_lang(html, "ru").count('lang="ru"') == 1
    assert search.with_lang(html, "") == html
    assert search.with_lang('<html class="x">', "ru") == '<html class="x">'
    # Front matter is read back as untrusted: only a language tag reaches the attribute.
    for bad in ('ru" onload="x', "<script>", 7, None, ["ru"]):
        assert search.page_lang(_Page({"lang": bad})) == ""
    assert search.page_lang(_Page({"lang": "el"})) == "el"


def test_base_html_root_element_is_the_one_replaced() -> None:
    """The seam: Material's base.html writes the root element with_lang() replaces (and
    seams.py checks base.html by hash)."""
    from builder.site import seams

    text = (seams.material_templates() / "base.html").read_text(encoding="utf-8")
    assert "<html lang=\"{{ lang.t('language') }}\" class=\"no-js\">" in text


def test_lunr_languages_site_first_then_most_briefs_capped() -> None:
    supported = search.lunr_supported()
    assert {"en", "ru", "el", "ja", "de"} <= supported and "jp" not in supported
    counts = Counter({"ru": 3, "ja": 5, "el": 3, "pl": 9, "nb": 2, "de": 1, "fr": 1})
    assert search.lunr_languages("en", counts, supported) == ["en", "ja", "el", "ru", "no", "de"]
    assert search.lunr_languages("ru", Counter({"en": 4}), supported) == ["ru", "en"]
    assert search.lunr_languages("pl", Counter(), supported) == ["en"]  # lunr has no Polish
    assert search.lunr_languages("en", Counter({"en": 10}), supported) == ["en"]


def test_archive_languages_counts_valid_tags_only() -> None:
    index = {"a.md": {"lang": "ru"}, "b.md": {"lang": "ru"}, "c.md": {"lang": ""}, "d.md": {"lang": "<x>"},
             "e.md": {}, "f.md": "junk", "g.md": {"lang": 3}}
    assert search.archive_languages(index) == Counter({"ru": 2})
    assert search.archive_languages([]) == Counter()


def test_separator_splits_punctuation_and_cjk_but_not_decimals() -> None:
    import re

    parts = [p for p in re.split(search.SEPARATOR, "«Сибирские барсы» (Kyiv) said, 3.2 U.S. 大阪で、開業。") if p]
    assert parts == ["Сибирские", "барсы", "Kyiv", "said", "3.2", "U", "S", "大阪で", "開業"]


def test_shard_languages_reads_pagefinds_entry(tmp_path: Path) -> None:
    entry = {"version": "1.5.2", "languages": {"ja": {"page_count": 1}, "en": {"page_count": 7},
                                               "ru": {"page_count": 1}}}
    (tmp_path / "pagefind-entry.json").write_text(json.dumps(entry))
    assert search.shard_languages(tmp_path) == ["en", "ja", "ru"]
    (tmp_path / "pagefind-entry.json").write_text("{not json")
    assert search.shard_languages(tmp_path) == []


def test_lunr_is_configured_unless_mkdocs_yml_says() -> None:
    class Cfg(dict):
        __getattr__ = dict.get

        def __setattr__(self, k, v):
            self[k] = v

    plugin = type("P", (), {})()
    plugin.config = Cfg(lang=None, separator=None)
    config = type("C", (), {})()
    config.plugins = {"material/search": plugin}
    config.theme = {"language": "en"}
    assert search.configure_lunr(config, Counter({"ru": 2, "ja": 1})) == ["en", "ru", "ja"]
    assert plugin.config.separator == search.SEPARATOR
    plugin.config = Cfg(lang=["de"], separator="[\\s]+")
    assert search.configure_lunr(config, Counter({"ru": 2})) == ["de"]
    assert plugin.config.separator == "[\\s]+"
