"""Japanese headings in family dumps (issue 14): the heading-shape rule (clean.is_heading:
a short line without sentence punctuation between paragraphs) knows the full-width
sentence marks and that Han and kana are written without spaces (language.word_count)."""

from __future__ import annotations

import pytest

from builder.convert import process
from builder.convert.clean import is_heading
from builder.convert.language import is_sentence, word_count
from builder.rules import load_rules

RULES = load_rules()

# A family dump as the Japanese desk writes it: two headings, a one-line paragraph that
# is short and ends with 。, a quote, and a Latin-script name inside the text.
DUMP = """3_-1702231999-1

京都市バス、運賃を来春から値上げ

2 June 2025

京都市バス、運賃を来春から値上げ

Share

概要

京都市交通局は二日、市バスの運賃を来年四月から二十円引き上げると発表した。
燃料費の高騰が続いた。
局長の山本誠氏は「安全な運行を続けるためにやむを得ない」と述べた。

利用者の反応

観光客の多い路線では、JRや私鉄への乗り換えが増えるとの見方もある。

今後の予定

市議会は六月の定例会で条例の改正案を審議する。


The content is provided by Haruka Ito, Kyoto Shimbun

Haruka

2 June 2025
Share
"""


def test_japanese_headings_are_headings_and_sentences_paragraphs():
    out = process(DUMP.encode("utf-8"), "ja_bus.txt", RULES)
    assert out.status == "ok", out.error
    a = out.article
    assert [s.heading for s in a.sections] == ["概要", "利用者の反応", "今後の予定"]
    assert a.sections[0].paragraphs == [
        "京都市交通局は二日、市バスの運賃を来年四月から二十円引き上げると発表した。",
        "燃料費の高騰が続いた。",
        "局長の山本誠氏は「安全な運行を続けるためにやむを得ない」と述べた。",
    ]
    assert a.sections[1].paragraphs == ["観光客の多い路線では、JRや私鉄への乗り換えが増えるとの見方もある。"]
    assert a.sections[2].paragraphs == ["市議会は六月の定例会で条例の改正案を審議する。"]


@pytest.mark.parametrize("text", ["概要", "今後の予定", "利用者の反応", "Summary", "What Changes", "Новые правила"])
def test_heading_shapes(text):
    assert is_heading(text)


@pytest.mark.parametrize("text", [
    "燃料費の高騰が続いた。",                     # a sentence: full-width full stop
    "本当に値上げするのか？",                      # a question
    "「やむを得ない」",                            # a quote
    "市は来年の春までに停留所を三か所増やす計画で夜間の運行時間の延長も検討している",  # too long to be one
    "the summary",                                 # a cased script starting in lower case
])
def test_not_heading_shapes(text):
    assert not is_heading(text)


def test_word_count_counts_han_and_kana_two_characters_a_word():
    assert word_count("今後の予定") == 3
    assert word_count("JRや私鉄") == 1 + 2
    assert word_count("Lisbon metro strike") == 3
    sentence = "市は来年の春までに停留所を三か所増やす計画で、夜間の運行時間の延長も検討している。"
    assert word_count(sentence) >= 12 and is_sentence(sentence)
    assert not is_sentence("今後の予定")
