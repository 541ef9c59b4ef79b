"""Japanese slugs (issue 14): Unidecode reads kanji as Mandarin ("大阪" -> "da-ban"), so a
Japanese headline (one with kana) takes the scraper-id slug; Chinese keeps its pinyin,
other scripts their transliteration. Published URLs are stable: a brief whose page was
given the old (Mandarin) slug keeps it (archive/pages.py), only new briefs get the new form."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from builder.archive.pages import assign_pages
from builder.convert import process
from builder.convert.enrich import base_slug, earlier_slugs
from builder.rules import load_rules

RULES = load_rules()
JA = Path(__file__).resolve().parents[1] / "data" / "lang" / "ja_osaka_tram.txt"
OLD = "da-ban-texin-shiilu-mian-dian-che-kakai-ye-chu-ri-nier-mo-ren-kali-yong"  # what it was given before


def test_japanese_title_takes_the_id_slug():
    out = process(JA.read_bytes(), "ja.txt", RULES)
    assert out.article.slug == "brief-3-1702231455-4"
    assert base_slug("カタカナのニュース", "9_-1-1") == "brief-9-1-1"


def test_other_scripts_keep_their_transliteration():
    assert base_slug("北京地铁新线开通", "x") == "bei-jing-di-tie-xin-xian-kai-tong"  # Chinese: pinyin
    assert base_slug("Мост в Казани открыт", "x") == "most-v-kazani-otkryt"
    assert base_slug("Lisbon metro strike called off", "x") == "lisbon-metro-strike-called-off"


def test_earlier_slug_is_the_mandarin_one():
    title = "大阪で新しい路面電車が開業、初日に二万人が利用"
    assert earlier_slugs(title, "3_-1702231455-4") == (OLD,)
    assert earlier_slugs("*Updated* " + title, "3_-1702231455-4") == (OLD,)
    assert earlier_slugs("Lisbon metro strike called off", "x") == ()


def _outcome():
    out = process(JA.read_bytes(), "seeds/ja.txt", RULES)
    out.article.base_slug = out.article.slug
    return out


def test_a_published_japanese_brief_keeps_its_page():
    out = _outcome()
    assign_pages([out], "posts", {"seeds/ja.txt": f"2025/05/{OLD}.md"})
    assert out.page == f"posts/2025/05/{OLD}.md"
    clash = _outcome()  # base-N of the old form too
    assign_pages([clash], "posts", {"seeds/ja.txt": f"2025/05/{OLD}-2.md"})
    assert clash.page == f"posts/2025/05/{OLD}-2.md"


def test_a_new_japanese_brief_gets_the_new_form():
    out = _outcome()
    assign_pages([out], "posts", {})
    assert out.page == "posts/2025/05/brief-3-1702231455-4.md"
    other = dataclasses.replace(_outcome())  # a page of another brief's form is not remembered
    assign_pages([other], "posts", {"seeds/ja.txt": "2025/05/some-other-story.md"})
    assert other.page == "posts/2025/05/brief-3-1702231455-4.md"


def test_the_cache_accepts_a_page_with_the_earlier_slug():
    # else an old Japanese brief's cached record would fail validation and be converted
    # again on every run
    from builder.output.cache import page_path_ok
    title, aid = "大阪で新しい路面電車が開業、初日に二万人が利用", "3_-1702231455-4"
    new = base_slug(title, aid)
    accepted = (new, *earlier_slugs(title, aid))
    assert page_path_ok(f"posts/2025/05/{OLD}.md", "posts", None, accepted)
    assert page_path_ok(f"posts/2025/05/{OLD}-2.md", "posts", None, accepted)
    assert not page_path_ok(f"posts/2025/05/{OLD}.md", "posts", None, new)
    assert not page_path_ok("posts/2025/05/some-other-story.md", "posts", None, accepted)
