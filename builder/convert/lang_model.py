"""py3langid's identifier with two shortcuts that give the same scores, bit for bit
(tests/convert/test_speedups7.py compares them with py3langid's own over the fixtures,
the real-world set and random text). Imported by lang.py when the model is loaded.

- The byte automaton walked a word at a time: py3langid walks the text byte by byte in
  Python (~270 ns a byte). The walk from a state over a word and the space after it
  always ends in the same state with the same features, and news copy repeats its
  words, so each (state, word) walk is remembered. The features come out in the same
  order, so the counts, and the order numpy sums them in, are py3langid's.
- The feature weights as float32: the model stores them as float16, and numpy's matmul
  of float32 counts by float16 rows first widens the rows it gathered, in software
  (~60 µs a brief). Each row is widened once, the first time a brief uses it (exact:
  every float16 is a float32), and the product is then float32 by float32: the same
  numbers. (The whole table at once, 57 MB, cost more at load than 1,000 briefs save.)
"""

from __future__ import annotations

from collections import Counter

import numpy as np
from py3langid.langid import LanguageIdentifier

# Walks remembered per process: ~300 bytes each; when full, forgotten and started again.
MEMO_SIZE = 1 << 15
_SPACE = 0x20


class Identifier(LanguageIdentifier):
    """LanguageIdentifier whose byte walk remembers words (see the module's doc)."""

    def _raw_score(self, text):
        visits = self._visits(text)
        if visits and self.nb_ptc is self._full_model[0]:  # (set_languages() not used)
            # py3langid's _sparse_score, the rows widened
            idx = np.fromiter(visits.keys(), dtype=np.intp, count=len(visits))
            counts = np.fromiter(visits.values(), dtype=np.float32, count=len(visits))
            return np.log1p(counts) @ self._wide_rows(idx) + self.nb_pc
        if visits:
            return self._sparse_score(visits, self.nb_ptc)
        return super()._raw_score(text)  # no features: py3langid's own fill

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

    def _visits(self, text: bytes) -> Counter | None:
        """What py3langid.langid.visit_counts gives for `text`: the features the automaton
        emits, counted, in the order first seen."""
        nm, rowbase, out = self.tk_nextmove, self._rowbase, self.tk_output
        memo: dict = self.__dict__.setdefault("_walks", {})
        state, indexes = 0, []
        *words, last = text.split(b" ")
        for word in words:
            walk = memo.get((state, word))
            if walk is None:
                start, found = state, []
                for letter in word:
                    state = nm[rowbase[state] + letter]
                    if out[state] >= 0:
                        found.append(out[state])
                state = nm[rowbase[state] + _SPACE]
                if out[state] >= 0:
                    found.append(out[state])
                if len(memo) >= MEMO_SIZE:
                    memo.clear()
                walk = memo[(start, word)] = (state, tuple(found))
            state, found = walk
            indexes += found
        for letter in last:
            state = nm[rowbase[state] + letter]
            if out[state] >= 0:
                indexes.append(out[state])
        return Counter(indexes) if indexes else None
