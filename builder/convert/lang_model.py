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
"""

from __future__ import annotations

import numpy as np
from py3langid.langid import LanguageIdentifier, visit_counts


class Identifier(LanguageIdentifier):
    """LanguageIdentifier that scores with float32 rows widened as they are first used."""

    def _raw_score(self, text):
        if self.nb_ptc is not self._full_model[0]:  # set_languages() restricted the model
            return super()._raw_score(text)
        visits = visit_counts(self.tk_nextmove, self._rowbase, self.tk_output, text)
        if not visits:
            return super()._raw_score(text)  # no features: py3langid's own fill
        # py3langid's _sparse_score, the rows widened
        idx = np.fromiter(visits.keys(), dtype=np.intp, count=len(visits))
        counts = np.fromiter(visits.values(), dtype=np.float32, count=len(visits))
        return np.log1p(counts) @ self._wide_rows(idx) + self.nb_pc

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
