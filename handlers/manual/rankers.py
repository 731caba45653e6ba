"""The three rankers' building blocks: BM25 over bags of terms, and character n-gram
TF-IDF vectors compared by cosine (see search.py for how they are mixed)."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from operator import add

K1 = 1.2
B = 0.75
# A term in at least this many entries is added as a dense row.
DENSE_MIN = 8


class BM25:
    """BM25 over one bag of terms a document."""

    def __init__(self, docs: Sequence[Counter]):
        self.n = len(docs)
        lengths = [sum(d.values()) for d in docs]
        avg = (sum(lengths) / self.n) if self.n else 1.0
        df: Counter = Counter()
        for d in docs:
            df.update(d.keys())
        self.idf = {t: math.log(1 + (self.n - f + 0.5) / (f + 0.5)) for t, f in df.items()}
        self.max_idf = math.log(1 + (self.n + 0.5) / 0.5)
        norm = [K1 * (1 - B + B * length / avg) for length in lengths]
        # term -> [(doc, contribution)], and the best contribution any doc makes
        self.postings: dict[str, list[tuple[int, float]]] = {}
        self.best: dict[str, float] = {}
        for i, d in enumerate(docs):
            for t, tf in d.items():
                c = self.idf[t] * tf * (K1 + 1) / (tf + norm[i])
                self.postings.setdefault(t, []).append((i, c))
                if c > self.best.get(t, 0.0):
                    self.best[t] = c
        # Terms many documents use also get a dense row (added in C by map, not in a
        # Python loop over the postings).
        self.dense: dict[str, list[float]] = {}
        for t, postings in self.postings.items():
            if len(postings) >= DENSE_MIN:
                row = [0.0] * self.n
                for i, c in postings:
                    row[i] = c
                self.dense[t] = row
        # what an unknown word would have scored had one document used it once
        self.unknown = self.max_idf * (K1 + 1) / (1 + K1)

    def scores(self, terms: Iterable[str]) -> tuple[list[float], float]:
        """Scores of every document, and the most the query could score (for scaling).

        The ceiling counts words no entry uses at the weight of a rare word, so a question
        about something else cannot score high on the one common word it shares.
        """
        out = [0.0] * self.n
        ceiling = 0.0
        for t, qtf in Counter(terms).items():
            weight = 1.0 + math.log(qtf)
            postings = self.postings.get(t)
            if postings is None:
                ceiling += self.unknown * weight
                continue
            ceiling += self.best[t] * weight
            row = self.dense.get(t)
            if row is not None:
                if weight != 1.0:
                    row = [weight * c for c in row]
                out = list(map(add, out, row))
                continue
            for i, c in postings:
                out[i] += weight * c
        return out, ceiling


class NGrams:
    """Character n-gram TF-IDF vectors of short texts, compared by cosine.

    A gram's postings are grouped by entry (gram -> entry -> its texts using the gram),
    so a question is compared with the texts of a few candidate entries only.
    """

    def __init__(self, texts: Sequence[str], owners: Sequence[int], n_owners: int,
                 sizes=(3, 4)):
        self.sizes = sizes
        grams = [self._grams(t) for t in texts]
        df: Counter = Counter()
        for g in grams:
            df.update(g.keys())
        n = len(texts)
        self.idf = {t: math.log((n + 1) / (f + 1)) + 1.0 for t, f in df.items()}
        self.unknown_idf = math.log(n + 1) + 1.0
        # gram -> entry -> (text number within the entry, weight, text number, weight...)
        postings: dict[str, dict[int, tuple]] = {}
        self.texts_of = [0] * n_owners
        idf = self.idf
        log, sqrt = math.log, math.sqrt
        # one entry's texts at a time, then its postings added to the shared ones
        # (fewer look-ups in the big dict: an entry's texts share most grams)
        mine: dict[str, list] = {}
        current = None
        for g, owner in zip(grams, owners, strict=True):
            if owner != current:
                self._merge(postings, mine, current)
                mine, current = {}, owner
            local = self.texts_of[owner]
            self.texts_of[owner] += 1
            vec = [(t, idf[t] if c == 1 else (1 + log(c)) * idf[t]) for t, c in g.items()]
            inv = 1.0 / (sqrt(sum(v * v for _, v in vec)) or 1.0)
            for t, v in vec:
                p = mine.get(t)
                if p is None:
                    mine[t] = [local, v * inv]
                else:
                    p += (local, v * inv)
        self._merge(postings, mine, current)
        self.postings = postings

    @staticmethod
    def _merge(postings: dict, mine: dict, owner) -> None:
        for t, p in mine.items():
            by_owner = postings.get(t)
            if by_owner is None:
                postings[t] = {owner: tuple(p)}
            elif owner in by_owner:  # the owner's texts were not all together
                by_owner[owner] += tuple(p)
            else:
                by_owner[owner] = tuple(p)

    def _grams(self, text: str) -> Counter:
        s = text.replace(" ", "")
        out: Counter = Counter()
        for k in self.sizes:
            out.update(s[i:i + k] for i in range(len(s) - k + 1))
        return out

    def best(self, text: str, owners: Iterable[int]) -> dict[int, float]:
        """For each of `owners`, the highest cosine between the question and one of the
        entry's texts."""
        g = self._grams(text)
        idf, unknown = self.idf, self.unknown_idf
        vec = [(t, (1 + math.log(c)) * idf.get(t, unknown)) for t, c in g.items()]
        norm = math.sqrt(sum(v * v for _, v in vec)) or 1.0
        texts_of = self.texts_of
        sims = {o: [0.0] * texts_of[o] for o in owners}
        wanted = sims.keys()
        postings = self.postings
        for t, v in vec:
            by_owner = postings.get(t)
            if by_owner is None:
                continue
            q = v / norm
            for o in (wanted & by_owner.keys()):
                p = by_owner[o]
                row = sims[o]
                for k in range(0, len(p), 2):
                    row[p[k]] += p[k + 1] * q
        return {o: max(row, default=0.0) for o, row in sims.items()}
