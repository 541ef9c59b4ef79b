"""The language model's byte walk done WINDOW bytes at a time (lang_model.py) is exact:
the installed model's automaton forgets what came more than WINDOW bytes before (proven
here pair of states by pair of states), its tables are the ones MODEL_SHA256 names, and
the visits and scores are py3langid's own, in the same order, bit for bit; a model whose
tables hash otherwise is walked py3langid's way."""

from __future__ import annotations

import random

import numpy as np
import pytest
from py3langid.langid import visit_counts

from builder.convert import lang, lang_model


@pytest.fixture(scope="module")
def identifier():
    return lang._load()


def test_the_automaton_forgets_what_came_more_than_window_bytes_before(identifier):
    """From any state and from the start state, the same WINDOW bytes lead to the same
    state (so the state after byte i is the start state's after the WINDOW bytes ending
    at i), and WINDOW - 1 bytes are not enough (the bound is the least)."""
    nextmove, rowbase, _ = identifier._walk
    n = rowbase.size
    every = np.arange(256)
    # pairs (state reached from some state, state reached from the start) by the same bytes
    a, b = np.arange(1, n, dtype=np.int64), np.zeros(n - 1, dtype=np.int64)
    steps = 0
    while a.size:
        a = nextmove[(rowbase[a][:, None] + every).ravel()].astype(np.int64)
        b = nextmove[(rowbase[b][:, None] + every).ravel()].astype(np.int64)
        differ = a != b
        pairs = np.unique(a[differ] * n + b[differ])
        a, b = pairs // n, pairs % n
        steps += 1
        assert steps <= lang_model.WINDOW
    assert steps == lang_model.WINDOW


def test_the_installed_model_is_the_one_proven(identifier):
    assert identifier._walk is not None
    assert lang_model.tables_sha256(*identifier._walk) == lang_model.MODEL_SHA256


def _texts() -> list[str]:
    rng = random.Random(13)
    letters = "abcdefghij klmnop ДЖЯ東京é\u0301.!?’\"-\n\t0123"
    out = ["", " ", "a", "ab", "abcde", "abcdef", "abcdefg", "Дождь шёл весь день", "東京都は新しい計画を発表した。"]
    out += ["".join(rng.choice(letters) for _ in range(rng.randrange(1, 700))) for _ in range(300)]
    words = ["the", "council", "said", "on", "Monday", "that", "water", "prices", "would", "rise", "année",
             "über", "straße", "день", "город"]
    out += [" ".join(rng.choice(words) for _ in range(rng.randrange(1, 120))) for _ in range(300)]
    return out


def test_visits_are_py3langids_in_the_same_order(identifier):
    for text in _texts():
        data = identifier._encode(text)
        want = visit_counts(identifier.tk_nextmove, identifier._rowbase, identifier.tk_output, data)
        got = identifier._window_visits(data)
        if want is None:
            assert got is None, text
            continue
        assert list(zip(*(a.tolist() for a in got), strict=True)) == list(want.items()), text
    # the arrays it counts with are left as they were found (a text's counts are its own)
    first, count = identifier._scratch()
    assert (first == lang_model._NEVER).all() and not count.any()


def test_visits_in_threads_are_each_their_own(identifier):
    from concurrent.futures import ThreadPoolExecutor

    texts = _texts()
    want = [identifier._visits(identifier._encode(t)) for t in texts]
    with ThreadPoolExecutor(4) as pool:
        got = list(pool.map(lambda t: identifier._visits(identifier._encode(t)), texts * 3))
    for w, g in zip(want * 3, got, strict=True):
        assert (w is None and g is None) or all(np.array_equal(a, b) for a, b in zip(w, g, strict=True))


def test_scores_are_the_same_with_either_walk(identifier):
    walk = identifier._walk
    texts = _texts()
    fast = [identifier._decide(t) for t in texts]
    identifier._walk = None  # py3langid's walk
    try:
        slow = [identifier._decide(t) for t in texts]
    finally:
        identifier._walk = walk
    for t, f, s in zip(texts, fast, slow, strict=True):
        assert f.dtype == s.dtype and np.array_equal(f, s), t


def test_another_model_is_walked_py3langids_way(identifier, monkeypatch):
    monkeypatch.setattr(lang_model, "MODEL_SHA256", "0" * 64)
    walk = identifier._walk
    try:
        assert identifier.use_window() is False and identifier._walk is None
        assert identifier.classify("Le conseil a voté le budget lundi.")[0] == "fr"
    finally:
        identifier._walk = walk
