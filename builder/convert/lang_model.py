"""py3langid's identifier with its scores computed sooner, the same bit for bit
(tests/convert/test_speedups7.py compares them with py3langid's own over the fixtures,
the language samples and random text). Imported by lang.py when the model is loaded.

The model stores the feature weights as float16, and numpy's matmul of the float32
counts by the float16 rows gathered for a brief first widens those rows, in software
(~60 µs a brief, a third of detecting its language). Here each row is widened once, the
first time a brief uses it (exact: every float16 is a float32), and the product is then
float32 by float32: the same numbers, summed in the same order. (The whole table at
once, 57 MB, cost more as it loads than 1,000 briefs save; a text's rows are few and
recur: 1,200 for the bench's 1,000 family briefs, 11,600 for the 226 real pages.)

(Remembering the byte walk a word at a time was tried: 2x faster on the bench's
family dumps, whose vocabulary is small, but slower on real pages, where a word seldom
comes back after the same bytes.)

The byte walk itself (py3langid's visit_counts: one step of the automaton per byte, in
Python, each a read at random in its 39 MB table that waits for the one before) is done
for every byte at once with numpy: the model's automaton forgets what came more than
WINDOW bytes before (its state is the longest n-gram prefix the text ends in, and its
n-grams are of at most 6 bytes), so the state after byte i is the state reached from the
start by the WINDOW bytes ending at i: WINDOW gathers over the whole text. That holds of
the model it was checked on (tests/convert/test_lang_walk.py proves it of the installed
model, pair of states by pair of states); a model whose tables hash otherwise (MODEL_SHA256)
is walked py3langid's way. The features found are counted in the order first met, as
visit_counts' Counter has them: the scores are summed in the same order, bit for bit.
"""

from __future__ import annotations

import hashlib
import threading

import numpy as np
from py3langid.langid import LanguageIdentifier, visit_counts

# The automaton's memory in bytes, and the sha256 of the tables (tk_nextmove, the row
# offsets, tk_output as int64) of the model it was proven of (py3langid 0.4.0's).
WINDOW = 6
MODEL_SHA256 = "755134d3ac956e3a08dd7eaffdf0eb60e6081324877cb2aa93da58e8f9e111aa"
_NEVER = np.iinfo(np.intp).max  # a position past every text's


def tables_sha256(nextmove: np.ndarray, rowbase: np.ndarray, output: np.ndarray) -> str:
    """The sha256 MODEL_SHA256 is compared with (~25 ms for the 40 MB), of the tables'
    bytes and of their types."""
    h = hashlib.sha256()
    for table in (nextmove, rowbase, output):
        h.update(f"{table.dtype.str}{table.shape}".encode())
        h.update(np.ascontiguousarray(table))
    return h.hexdigest()


class Identifier(LanguageIdentifier):
    """LanguageIdentifier that scores with float32 rows widened as they are first used."""

    # Set by use_window(): the tables as numpy arrays, when the model is the one proven.
    _walk = None

    def use_window(self) -> bool:
        """Walk the bytes WINDOW at a time from now on, if the model's tables are the ones
        that was proven of (their tables in memory as they are: call it once they are
        moved). Returns whether it will."""
        # (array.array, a memoryview or a list: numpy reads each as it is, the same numbers)
        walk = (np.asarray(self.tk_nextmove), np.asarray(self._rowbase, dtype=np.int64),
                np.asarray(self.tk_output, dtype=np.int64))
        self._walk = walk if tables_sha256(*walk) == MODEL_SHA256 else None
        self._threads = threading.local()
        return self._walk is not None

    def _visits(self, text: bytes) -> tuple[np.ndarray, np.ndarray] | None:
        """visit_counts(text) as (features, counts) arrays, in the same order; None for none."""
        if self._walk is not None:
            return self._window_visits(text)
        visits = visit_counts(self.tk_nextmove, self._rowbase, self.tk_output, text)
        if not visits:
            return None
        return (np.fromiter(visits.keys(), dtype=np.intp, count=len(visits)),
                np.fromiter(visits.values(), dtype=np.intp, count=len(visits)))

    def _window_visits(self, text: bytes) -> tuple[np.ndarray, np.ndarray] | None:
        """_visits(text), the bytes walked WINDOW at a time."""
        nextmove, rowbase, output = self._walk
        data = np.frombuffer(text, dtype=np.uint8)
        n = data.size
        state = np.zeros(n, dtype=np.intp)
        for k in range(min(WINDOW, n) - 1, -1, -1):  # byte i - k of each window ending at i
            state[k:] = nextmove[rowbase[state[k:]] + data[: n - k]]
        found = output[state]
        found = found[found >= 0]
        if not found.size:
            return None
        # The distinct features in the order first met, with their counts (visit_counts'
        # Counter), by way of two arrays indexed by feature that are left as they were
        # found (a Counter of the features made as Python ints cost 4x as much).
        first, count = self._scratch()
        at = np.arange(found.size)
        try:
            np.minimum.at(first, found, at)
            distinct = found[first[found] == at]
            np.add.at(count, found, 1)
            return distinct, count[distinct]
        finally:
            first[found] = _NEVER
            count[found] = 0

    def _scratch(self) -> tuple[np.ndarray, np.ndarray]:
        """_window_visits' arrays: (first position met, count) of every feature, all
        _NEVER and 0 between calls; one pair per thread."""
        arrays = getattr(self._threads, "arrays", None)
        if arrays is None:
            features = int(self._walk[2].max()) + 1
            arrays = self._threads.arrays = (np.full(features, _NEVER, dtype=np.intp),
                                             np.zeros(features, dtype=np.intp))
        return arrays

    def _raw_score(self, text):
        if self.nb_ptc is not self._full_model[0]:  # set_languages() restricted the model
            return super()._raw_score(text)
        visits = self._visits(text)
        if visits is None:
            return super()._raw_score(text)  # no features: py3langid's own fill
        # py3langid's _sparse_score, the rows widened
        idx, counts = visits
        return np.log1p(counts.astype(np.float32)) @ self._wide_rows(idx) + self.nb_pc

    def _wide_rows(self, idx: np.ndarray) -> np.ndarray:
        """nb_ptc[idx] as float32, each row widened the first time it is asked for."""
        wide = self.__dict__.get("_wide")
        if wide is None:  # zeros: memory the kernel gives a page when it is first written
            wide = self._wide = np.zeros(self.nb_ptc.shape, dtype=np.float32)
            self._widened = np.zeros(len(self.nb_ptc), dtype=bool)
        fresh = idx[~self._widened[idx]]
        if fresh.size:
            wide[fresh] = self.nb_ptc[fresh]
            self._widened[fresh] = True
        return wide.take(idx, axis=0)
