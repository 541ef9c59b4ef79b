"""page_cache._plain: the text a page input is keyed by. The same value gives the same
text in every run (key order, set order); values that render differently never share
a text (a date and the string it prints as; a str subclass and its text); what orjson
refuses still gets a text."""

from __future__ import annotations

import dataclasses
import datetime as dt

from builder.site.page_cache import _plain


@dataclasses.dataclass
class Point:
    x: int


class Tagged(str):
    pass


def test_same_value_same_text():
    assert _plain({"b": [1, {"d": 2, "c": 3}], "a": None}) == _plain({"a": None, "b": [1, {"c": 3, "d": 2}]})
    assert _plain({"s": {"b", "a", "c"}}) == _plain({"s": {"c", "a", "b"}})


def test_lookalikes_differ():
    assert _plain(dt.date(2024, 1, 2)) != _plain("2024-01-02")
    assert _plain({"date": dt.datetime(2024, 1, 2, 3, 4)}) != _plain({"date": "2024-01-02T03:04:00"})
    assert _plain(Tagged("x")) != _plain("x")
    assert _plain(Point(1)) != _plain({"x": 1})
    assert _plain([1, 2]) != _plain("[1,2]")
    assert _plain({1: "a"}) != _plain({"1": "a"})
    nan, inf = float("nan"), float("inf")
    assert len({_plain(None), _plain(nan), _plain(inf), _plain(-inf)}) == 4
    assert _plain({"x": nan, "y": None}) != _plain({"x": None, "y": None})


def test_what_orjson_refuses_still_has_a_text():
    for value in ("\ud800", 2**70, {"k": "\udfff"}):
        text = _plain(value)
        assert text.startswith("\0") and text == _plain(value)
    assert _plain("\ud800") != _plain("\udfff")
    assert _plain(2**70) != _plain(2**70 + 1)
