"""Find the manual entry a citizen's question is about.

Each entry is indexed from its title, short title, keywords and example phrasings
(examples weigh most). A question is cleaned, segmented, expanded with the synonym
table on whole words, and scored by three rankers:

- BM25 over words (after synonyms), entry by entry;
- BM25 over syllables, which survives odd segmentation and typos;
- character n-gram TF-IDF cosine against each example and title, best one wins.

Each ranker's score is scaled into [0, 1] (BM25 against the most the question's own
words could score; the cosine already is), the three are mixed with weights, and the
confidence comes from the mixed score of the best entry, its margin over the second and
how much of the question's content the entry's vocabulary covers. Thresholds were set on
the tuning part of tests/data/questions.yaml only.
"""

from __future__ import annotations

import math
import threading
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from handlers.thai import Synonyms, clean, tokenize, word_syllables

# Words that carry no subject: particles, politeness, question words, pronouns.
FUNCTION_WORDS = frozenset("""
ครับ คับ ค่ะ คะ ค่า คร้าบ จ้า จ๊ะ จ้ะ จ๋า นะ นะคะ นะครับ น่ะ ฮะ ฮับ เด้อ เนาะ จ้าา
ไหม มั้ย มั๊ย ไม๊ เปล่า ป่าว หรือเปล่า รึเปล่า บ่ หรือ รึ ยัง
อะไร ยังไง ไง อย่างไร ทำไง ทำยังไง ที่ไหน ตรงไหน ไหน เมื่อไหร่ เมื่อไร เท่าไหร่ เท่าไร กี่ ใคร ทำไม
บ้าง หน่อย ด้วย ค่ะ ได้ ได้ไหม ได้มั้ย ต้อง จะ ก็ แล้ว อยาก อยากจะ ขอ ช่วย
ผม ฉัน หนู เรา ดิฉัน เค้า เขา คุณ ท่าน ที่ ของ และ กับ ให้ ใน มี เป็น คือ นี้ นั้น
มาก ทำ ใช่ ใช่ไหม ถึง เอา ไป มา อยู่ ดี ได้ยัง แล้วก็ หรอ เหรอ อ่ะ อะ ละ
สวัสดี หวัดดี ถาม สอบถาม อยากถาม เรื่อง ทราบ อยากทราบ รบกวน
""".split())

K1 = 1.2
B = 0.75


@dataclass(frozen=True)
class Weights:
    words: float = 0.2
    syllables: float = 0.3
    ngrams: float = 0.5


@dataclass(frozen=True)
class Thresholds:
    """Set on the tuning split only (bench/eval_answers.py --split tune --sweep).

    `low`: below it the best entry is not trusted at all (the middle of the range where
    tuning off-topic rejection stayed at 0.95 with under 1% of in-scope questions lost).
    `high` and `high_margin`: a card is shown straight away only when the best entry
    scores this much and leads the second by this much; otherwise candidates are offered.
    """

    high: float = 0.45
    high_margin: float = 0.10
    low: float = 0.35


@dataclass(frozen=True)
class SearchResult:
    answer_id: str | None
    title: str | None
    confidence: str  # "high" | "medium" | "low"
    score: float
    alternatives: list[tuple[str, str, float]] = field(default_factory=list)
    coverage: float = 0.0

    def as_json(self) -> dict:
        return {
            "answer_id": self.answer_id,
            "title": self.title,
            "confidence": self.confidence,
            "score": round(self.score, 4),
            "alternatives": [
                {"answer_id": a, "title": t, "score": round(s, 4)} for a, t, s in self.alternatives
            ],
        }


class _BM25:
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
            for i, c in postings:
                out[i] += weight * c
        return out, ceiling


class _NGrams:
    """Character n-gram TF-IDF vectors of short texts, compared by cosine."""

    def __init__(self, texts: Sequence[str], owners: Sequence[int], sizes=(3, 4)):
        self.sizes = sizes
        grams = [self._grams(t) for t in texts]
        df: Counter = Counter()
        for g in grams:
            df.update(g.keys())
        n = len(texts)
        self.idf = {t: math.log((n + 1) / (f + 1)) + 1.0 for t, f in df.items()}
        # gram -> (text numbers, weights), as two flat lists (faster and smaller than pairs)
        self.postings: dict[str, tuple[list[int], list[float]]] = {}
        self.owners = list(owners)
        self.n = n
        for i, g in enumerate(grams):
            vec = {t: (1 + math.log(c)) * self.idf[t] for t, c in g.items()}
            norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
            for t, v in vec.items():
                ids, weights = self.postings.setdefault(t, ([], []))
                ids.append(i)
                weights.append(v / norm)
        self.unknown_idf = math.log(n + 1) + 1.0

    def _grams(self, text: str) -> Counter:
        s = text.replace(" ", "")
        out: Counter = Counter()
        for k in self.sizes:
            out.update(s[i:i + k] for i in range(len(s) - k + 1))
        return out

    def best_by_owner(self, text: str, n_owners: int) -> list[float]:
        g = self._grams(text)
        vec = {t: (1 + math.log(c)) * self.idf.get(t, self.unknown_idf) for t, c in g.items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        sims = [0.0] * self.n
        for t, v in vec.items():
            posting = self.postings.get(t)
            if posting is None:
                continue
            q = v / norm
            for i, w in zip(*posting, strict=True):
                sims[i] += w * q
        best = [0.0] * n_owners
        owners = self.owners
        for i, s in enumerate(sims):
            if s > best[owners[i]]:
                best[owners[i]] = s
        return best


class ManualIndex:
    """The search index over a manual's entries (dicts as validated by schema.py)."""

    def __init__(self, entries: Sequence[dict], synonyms: Synonyms | None = None,
                 weights: Weights = Weights(), thresholds: Thresholds = Thresholds()):
        self.entries = list(entries)
        self.by_id = {e["id"]: e for e in self.entries}
        self.synonyms = synonyms or Synonyms()
        self.weights = weights
        self.thresholds = thresholds
        # Our own tokenizer vocabulary (never the process-wide one), so documents and
        # questions are segmented alike whatever other modules register.
        vocabulary = set(self.synonyms.words())
        for e in self.entries:
            vocabulary.update(clean(k) for k in e.get("keywords", []) if len(clean(k)) <= 12)
        self.vocabulary_words = frozenset(w for w in vocabulary if w and " " not in w)
        memo: dict[str, tuple[list[str], list[str], str]] = {}  # fields repeat across entries

        word_docs: list[Counter] = []
        syl_docs: list[Counter] = []
        texts: list[str] = []
        owners: list[int] = []
        for i, e in enumerate(self.entries):
            words: Counter = Counter()
            syls: Counter = Counter()
            fields = [(e["title"], 1), (e.get("short_title", ""), 1)]
            fields += [(k, 1) for k in e.get("keywords", [])]
            fields += [(x, 2) for x in e.get("examples", [])]
            # the entry's own content adds vocabulary, at the lowest weight
            fields += [(d["name"], 1) for d in e.get("documents", [])]
            fields += [(c, 1) for c in e.get("criteria", [])]
            fields += [(st["text"], 1) for st in e.get("steps", [])]
            for value, weight in fields:
                terms, syls_, _ = self._analyse(value, memo)
                for _ in range(weight):
                    words.update(terms)
                    syls.update(syls_)
            word_docs.append(words)
            syl_docs.append(syls)
            for value in [e["title"], e.get("short_title", ""), *e.get("examples", [])]:
                texts.append(self._analyse(value, memo)[2])
                owners.append(i)
        self.words = _BM25(word_docs)
        self.syllables = _BM25(syl_docs)
        self.ngrams = _NGrams(texts, owners)
        self.vocabulary = [set(d) for d in word_docs]
        # A question must carry about two rare words' worth of content to score fully.
        self.min_evidence = 2 * self.words.unknown

    # --- text to terms ---

    def _analyse(self, text: str, memo: dict | None = None
                 ) -> tuple[list[str], list[str], str]:
        """(word terms after synonyms, syllables, text for n-grams) of a text.

        Function words are left out of all three.
        """
        if memo is not None and text in memo:
            return memo[text]
        tokens = tokenize(clean(text), self.vocabulary_words, registered=False)
        content = [t for t in tokens if t not in FUNCTION_WORDS]
        terms = [t for t in self.synonyms.expand(tokens) if t not in FUNCTION_WORDS]
        syls = [s for t in content for s in word_syllables(t)]
        result = (terms, syls, "".join(content))
        if memo is not None:
            memo[text] = result
        return result

    # --- search ---

    def scores(self, text: str) -> tuple[list[float], list[str]]:
        terms, syls, joined = self._analyse(text)
        w, wmax = self.words.scores(terms)
        s, smax = self.syllables.scores(syls)
        g = self.ngrams.best_by_owner(joined, len(self.entries))
        weights = self.weights
        fused = [
            weights.words * (w[i] / max(wmax, self.min_evidence))
            + weights.syllables * (s[i] / max(smax, self.min_evidence))
            + weights.ngrams * g[i]
            for i in range(len(self.entries))
        ]
        return fused, terms

    def coverage(self, terms: Sequence[str], i: int) -> float:
        """Share of the question's content words (IDF-weighted) the entry knows."""
        total = 0.0
        known = 0.0
        for t in set(terms):
            idf = self.words.idf.get(t, self.words.max_idf)
            total += idf
            if t in self.vocabulary[i]:
                known += idf
        return known / total if total else 0.0

    def search(self, text: str, k: int = 3) -> SearchResult:
        if not self.entries:
            return SearchResult(None, None, "low", 0.0, [])
        fused, terms = self.scores(text)
        order = sorted(range(len(fused)), key=lambda i: -fused[i])[:max(k, 2)]
        top = order[0]
        best = fused[top]
        second = fused[order[1]] if len(order) > 1 else 0.0
        cover = self.coverage(terms, top)
        th = self.thresholds
        if best < th.low:
            confidence = "low"
        elif best >= th.high and best - second >= th.high_margin:
            confidence = "high"
        else:
            confidence = "medium"
        alternatives = [
            (self.entries[i]["id"], self.entries[i]["title"], fused[i]) for i in order[1:k]
        ]
        entry = self.entries[top]
        return SearchResult(entry["id"], entry["title"], confidence, best, alternatives, cover)

    def entry(self, entry_id: str) -> dict | None:
        return self.by_id.get(entry_id)


# --- building from an organization's folder, cached -----------------------------------

_LOCK = threading.Lock()
_CACHE: dict[str, ManualIndex] = {}


def load_synonyms(org_dir: Path) -> Synonyms:
    path = Path(org_dir) / "synonyms.yaml"
    return Synonyms.load(path) if path.is_file() else Synonyms()


def build_index(entries: Sequence[dict], org_dir: Path | None = None) -> ManualIndex:
    synonyms = load_synonyms(org_dir) if org_dir is not None else Synonyms()
    return ManualIndex(entries, synonyms)


def index_for_org(org_dir: Path, entries: Sequence[dict] | None = None) -> ManualIndex:
    """The cached index of an organization: from `entries` (e.g. the database) or its files."""
    key = str(Path(org_dir).resolve())
    with _LOCK:
        index = _CACHE.get(key)
        if index is None or entries is not None:
            if entries is None:
                from handlers.manual.schema import load_manual

                entries = load_manual(Path(org_dir))
            index = build_index(entries, org_dir)
            _CACHE[key] = index
        return index


def forget_index(org_dir: Path | None = None) -> None:
    """Drop the cached index (after the manual changed)."""
    with _LOCK:
        if org_dir is None:
            _CACHE.clear()
        else:
            _CACHE.pop(str(Path(org_dir).resolve()), None)
