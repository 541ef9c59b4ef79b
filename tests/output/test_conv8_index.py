"""Round 8: the archive index is written with orjson (indent taken off) and read with it:
the same text as json.dumps(indent=0) and the same values as json.loads, whatever the
strings hold."""

from __future__ import annotations

import json
import random

from builder.output.index import INDEX_FILE, indent0, load_index

_CHARS = [chr(c) for c in range(0x80)] + ["é", "ß", "\u2028", "\u2029", "\ufeff", "😀", "中", "\x85", " ", "\\", '"']


def _text(rng: random.Random) -> str:
    return "".join(rng.choice(_CHARS) for _ in range(rng.randrange(0, 12)))


def _value(rng: random.Random, depth: int = 0):
    kind = rng.randrange(6 if depth < 3 else 3)
    if kind == 0:
        return _text(rng)
    if kind == 1:
        return rng.choice([None, True, False, 0, -7, 2**40])
    if kind == 2:
        return [_text(rng) for _ in range(rng.randrange(3))]
    if kind == 3:
        return [_value(rng, depth + 1) for _ in range(rng.randrange(4))]
    return {_text(rng): _value(rng, depth + 1) for _ in range(rng.randrange(5))}


def test_indent0_is_the_json_modules_text():
    rng = random.Random(8)
    for _ in range(500):
        value = {_text(rng): _value(rng) for _ in range(rng.randrange(6))}
        assert indent0(value) == json.dumps(value, ensure_ascii=False, sort_keys=True, indent=0)
    # what orjson refuses goes the json module's way, with the same text
    for odd in ({"a": "\ud800"}, {"a": [2**70]}):
        assert indent0(odd) == json.dumps(odd, ensure_ascii=False, sort_keys=True, indent=0)


def test_load_index_reads_what_json_reads(tmp_path):
    rng = random.Random(15)
    for _ in range(100):
        value = {_text(rng): _value(rng) for _ in range(rng.randrange(6))}
        (tmp_path / INDEX_FILE).write_text(indent0(value), encoding="utf-8")
        assert load_index(tmp_path) == value
    for text, expected in (('{"a": NaN}', None), ('{"a": "\\ud800"}', {"a": "\ud800"}), ("[1]", {}),
                           ("\ufeff{}", {}), ("{", {})):
        (tmp_path / INDEX_FILE).write_text(text, encoding="utf-8", errors="surrogatepass")
        got = load_index(tmp_path)
        if expected is None:  # NaN: json reads it (orjson does not)
            assert list(got) == ["a"] and got["a"] != got["a"]
        else:
            assert got == expected
    (tmp_path / INDEX_FILE).write_bytes(b'{"a": "\xff"}')
    assert load_index(tmp_path) == {}
