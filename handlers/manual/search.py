"""Find the manual entry a citizen's question is about.

Each entry is indexed from its title, short title, keywords and example phrasings
(examples weigh most), and at the lowest weight from its own content (documents,
criteria, steps, fee details, notes). A question is cleaned, segmented, expanded with
the synonym table on whole words, and scored by three rankers:

- BM25 over words (after synonyms), entry by entry;
- BM25 over syllables, which survives odd segmentation and typos;
- character n-gram TF-IDF cosine against each example and title, best one wins; only
  for the `CANDIDATES` entries the two BM25 rank highest (the n-grams are the costly
  part, and an entry sharing no word and no syllable with the question is never best).

Each ranker's score is scaled into [0, 1] (BM25 against the most the question's own
words could score, words no entry knows counting as rare ones, between two and
`MAX_EVIDENCE` rare words' worth; the cosine already is) and the three are mixed with
weights. The confidence comes from the mixed score of the best entry and its margin
over the second. Thresholds were set on the tuning questions only (the tune split of
tests/data/questions.yaml and the dev2-tune half of tests/data/questions_dev2.yaml).

Also computed, for diagnosis only (`features`): signals beside the mixed score that were
tried and did not decide better; what was tried and measured is in bench/README.md. A
question asking which brand, shop or amount is best (opinion.py) is answered one step
less sure.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from handlers.manual.opinion import asks_opinion
from handlers.manual.rankers import BM25, NGrams
from handlers.manual.typos import Mender
from handlers.manual.words import COURTESIES, FUNCTION_WORDS, NUMBER
from handlers.thai import Synonyms, clean, tokenize, word_syllables

LESS_SURE = {"high": "medium", "medium": "low", "low": "low"}

# Entries the character n-grams compare a question with (the best by words and syllables).
CANDIDATES = 24
# The most content, in rare words' worth, a question is judged on (see ManualIndex):
# without a cap every word of a story told before the question lowered its score. The
# caps tried and their figures: bench/README.md.
MAX_EVIDENCE = 3.5
# A question of at most this many content words needs most of them among the best
# entry's own words for a card (Thresholds.short_own).
SHORT = 2
# The entry about the office itself: where it is, its hours, how to reach it. A question
# naming only the office ("อบตอยู่ตรงไหน", "ที่ทำการอบต.ทุ่งโพธิ์อยู่ไหนคะ") is about it:
# once the question words go, nothing else is left to score.
OFFICE_ENTRY = "office-contact"
# Words for "the office" any organization's citizens use, beside its own names and what
# they call its kind (organization.yaml: name, short_name, kind_names; org_index.py).
OFFICE_WORDS = ("ที่ทำการ", "สำนักงาน", "ออฟฟิศ")
# Cleaning text chunk by chunk gives what cleaning it whole does unless normalize would
# join chunks: a chunk starting with a vowel or mark that attaches to the letter before
# the space, or a repeated vowel across a space.
_JOINS_BACK = frozenset("\u0e30\u0e31\u0e32\u0e33\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e3a"
                        "\u0e45\u0e47\u0e48\u0e49\u0e4a\u0e4b\u0e4c\u0e4d\u0e4e\u200b\u200c")
_LEAD_VOWELS = frozenset("\u0e40\u0e41\u0e42\u0e43\u0e44")


@dataclass(frozen=True)
class Weights:
    words: float = 0.2
    syllables: float = 0.3
    ngrams: float = 0.5


@dataclass(frozen=True)
class Thresholds:
    """Set on the tuning questions only: the tune split of questions.yaml and the
    dev2-tune half of questions_dev2.yaml (bench/eval_answers.py --sweep).

    `low`: below it the best entry is not trusted at all. On the tuning questions no
    in-scope question scores between 0.35 and 0.417 (off-topic rejected 0.81 at the
    bottom of that gap, 0.88 at 0.40-0.41, 0.895 with 1.1% of in-scope lost at 0.42,
    0.91 and 2.2% at 0.44). `low` sits below the top of the gap: questions nobody tuned
    on score lower (in-scope wrongly rejected was 0.005 on tune, 0.025 on holdout and
    0.037 on the blind set before), and a citizen told "I don't know" about a real
    service costs more than an off-topic question offered three candidates and "none of
    these". With stories and thanks put around the tuning questions (--stories) it loses
    3.7% of in-scope ones and rejects 0.88 of the off-topic ones.
    `high` and `high_margin`: a card is shown straight away only when the best entry
    scores this much and leads the second by this much; otherwise candidates are offered.
    A confident card for an off-topic question is the worst answer, one more tap the
    cheapest: 0.58 leaves 2 of the 133 off-topic tuning questions a card (both of two
    words, one of them the entry's own: ขอยืมเงิน, แปลภาษาอังกฤษ) and 84% of the in-scope
    ones; 0.55 would give 5 a card.
    `short_own`: a question of at most `SHORT` content words gets a card only when
    that much of it (IDF-weighted) is in the best entry's own words (its title, short
    title, keywords, examples), not merely somewhere in its content or nowhere: two
    words, one of them the entry's, say too little (ขอยืม|เงิน: the entry lends tents,
    not money; แปล|ภาษาอังกฤษ). On the tuning questions this took the card from both
    such off-topic ones and from 2 of 305 in-scope ones (they get candidates).
    `decoy_margin`: another agency's service or a topic no office answers (elsewhere.py)
    turns a question away only when it scores this much above our best entry; closer,
    our entry is judged as usual, the decoy standing as its runner-up (so no card). A
    story's words (ผมทำงานอยู่กรุงเทพ, ยายใช้มือถือไม่เป็น) can touch a decoy's topic.
    On the tuning questions with stories around them (--stories), 0 lost 1.3% of the
    in-scope ones and rejected 0.925 of the off-topic ones, 0.05 1.0% and 0.917, 0.10 0.9%
    and 0.910; as written, 0.03-0.10 all lost 0.2% and rejected 0.961 (0: 0.4%, 0.97).
    Set to 0 for issue 17 (a decoy ranked first turns the question away): with dev6-tune
    and dev7-tune added, the tuning questions lost no in-scope one and rejected 0.959 of
    the off-topic ones instead of 0.948; with stories 0.9% lost instead of 0.7% and 0.921
    rejected instead of 0.905. Our entry close behind another agency's service was a
    wrong card for that service's question more often than the right one for ours.
    """

    high: float = 0.58
    high_margin: float = 0.10
    low: float = 0.40
    short_own: float = 0.75
    decoy_margin: float = 0.0


@dataclass(frozen=True)
class SearchResult:
    answer_id: str | None
    title: str | None
    confidence: str  # "high" | "medium" | "low"
    score: float
    alternatives: list[tuple[str, str, float]] = field(default_factory=list)
    coverage: float = 0.0
    features: dict = field(default_factory=dict, compare=False, repr=False)
    # Another agency's service the question is about (an `elsewhere:` id), if any.
    elsewhere: str | None = None
    # A topic no office answers that the question fits clearly best (an `off-topic:` id),
    # unless staff may still answer it (off_topic.yaml): no one to pass it to. (On the
    # tuning questions no in-scope one ends here.)
    off_topic: str | None = None

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


class ManualIndex:
    """The search index over a manual's entries (dicts as validated by schema.py)."""

    def __init__(self, entries: Sequence[dict], synonyms: Synonyms | None = None,
                 weights: Weights = Weights(), thresholds: Thresholds = Thresholds(),
                 candidates: int = CANDIDATES, decoys: Sequence[dict] = (),
                 office_names: Sequence[str] = ()):
        self.entries = list(entries)
        # Other agencies' services and topics no office answers (elsewhere.py) are
        # ranked like entries, after them.
        self.docs = self.entries + list(decoys)
        self.by_id = {e["id"]: e for e in self.entries}
        self.elsewhere_by_id = {e["id"]: e for e in self.docs[len(self.entries):]
                                if e.get("agency")}
        self.synonyms = synonyms or Synonyms()
        self.weights = weights
        self.thresholds = thresholds
        self.candidates = candidates
        # fields and the chunks between their spaces repeat across entries
        self._clean_memo: dict[str, str] = {}
        self._chunk_memo: dict[str, list[str]] | None = {}
        # Our own tokenizer vocabulary (never the process-wide one), so documents and
        # questions are segmented alike whatever other modules register.
        vocabulary = set(self.synonyms.words()) | COURTESIES
        for e in self.docs:
            for k in e.get("keywords", []):
                k = self._clean(k)
                if len(k) <= 12:
                    vocabulary.add(k)
        self.vocabulary_words = frozenset(w for w in vocabulary if w and " " not in w)
        memo: dict[str, tuple[list[str], list[str], str]] = {}

        word_docs: list[Counter] = []
        own_words: list[frozenset[str]] = []
        syl_docs: list[Counter] = []
        texts: list[str] = []
        owners: list[int] = []
        for i, e in enumerate(self.docs):
            words: Counter = Counter()
            syls: Counter = Counter()
            fields = [(e["title"], 1), (e.get("short_title", ""), 1)]
            fields += [(k, 1) for k in e.get("keywords", [])]
            fields += [(x, 2) for x in e.get("examples", [])]
            # the entry's own content adds vocabulary, at the lowest weight
            fields += [(d["name"], 1) for d in e.get("documents", [])]
            fields += [(c, 1) for c in e.get("criteria", [])]
            fields += [(st["text"], 1) for st in e.get("steps", [])]
            fields += [(x, 1) for x in e.get("fee_details", [])]
            if e.get("notes"):
                fields.append((e["notes"], 1))
            for value, weight in fields:
                terms, syls_, _ = self._analyse(value, memo)
                for _ in range(weight):
                    words.update(terms)
                    syls.update(syls_)
            word_docs.append(words)
            syl_docs.append(syls)
            # the entry's own words: what its title, keywords and examples say it is about
            own = set()
            for value in [e["title"], e.get("short_title", ""), *e.get("keywords", []),
                          *e.get("examples", [])]:
                own.update(self._analyse(value, memo)[0])
            own_words.append(frozenset(own))
            for value in [e["title"], e.get("short_title", ""), *e.get("examples", [])]:
                texts.append(self._analyse(value, memo)[2])
                owners.append(i)
        # questions do not repeat enough to keep these
        self._clean_memo = {}
        self._chunk_memo = None
        self.words = BM25(word_docs)
        self.syllables = BM25(syl_docs)
        self.ngrams = NGrams(texts, owners, len(self.docs))
        self.vocabulary = [frozenset(d) for d in word_docs]
        self.own_vocabulary = own_words
        # The words a mistyped one may be mended to: the index's and the synonym table's.
        postings = self.words.postings
        self.mender = Mender([*postings, *self.synonyms.words()],
                             lambda w: len(postings.get(w, ())), marked=FUNCTION_WORDS)
        # A question must carry about two rare words' worth of content to score fully,
        # and is judged on at most `MAX_EVIDENCE` rare words' worth: what a long message
        # tells besides (who asks, for whom, what happened before) is not charged
        # against the words that name the service.
        self.min_evidence = 2 * self.words.unknown
        self.max_evidence = MAX_EVIDENCE * self.words.unknown
        self.office_terms = frozenset(
            t for name in (*OFFICE_WORDS, *office_names) for t in self._analyse(name)[0])
        ids = [e["id"] for e in self.entries]
        self.office_index = ids.index(OFFICE_ENTRY) if OFFICE_ENTRY in ids else None

    # --- text to terms ---

    def _clean(self, text: str) -> str:
        """`clean` while building, memoized by text and by the chunks between its
        spaces (fields repeat chunks across entries; pythainlp's normalize was a
        quarter of the build)."""
        memo = self._clean_memo
        out = memo.get(text)
        if out is None:
            chunks = text.split()
            if len(chunks) < 2 or any(c[0] in _JOINS_BACK or c[-1] in _LEAD_VOWELS
                                      for c in chunks):
                out = clean(text)
            else:
                parts = []
                for c in chunks:
                    x = memo.get(c)
                    if x is None:
                        x = memo[c] = clean(c)
                    if x:
                        parts.append(x)
                out = " ".join(parts)
            memo[text] = out
        return out

    def _tokens(self, cleaned: str) -> list[str]:
        """newmm words of cleaned text, chunk by chunk between spaces (the same words
        as the whole text gives, since a space always ends a word; chunks repeat)."""
        out: list[str] = []
        memo = self._chunk_memo
        for chunk in cleaned.split(" "):
            words = memo.get(chunk) if memo is not None else None
            if words is None:
                # ติดๆ -> ติด: the repetition mark repeats the word, it is no new one
                words = [w.rstrip("ๆ") or w for w in
                         tokenize(chunk, self.vocabulary_words, registered=False)]
                if memo is not None:
                    memo[chunk] = words
            out.extend(words)
        return out

    def _analyse(self, text: str, memo: dict | None = None
                 ) -> tuple[list[str], list[str], str]:
        """(word terms after synonyms, syllables, text for n-grams) of a text.

        Function words are left out of all three.
        """
        if memo is not None and text in memo:
            return memo[text]
        tokens = self._tokens(self._clean(text) if memo is not None else clean(text))
        content = [t for t in tokens if t not in FUNCTION_WORDS]
        terms = [t for t in self.synonyms.expand(tokens) if t not in FUNCTION_WORDS]
        syls = [s for t in content for s in word_syllables(t)]
        result = (terms, syls, "".join(content))
        if memo is not None:
            memo[text] = result
        return result

    def _query(self, text: str) -> tuple[list[str], list[str], str, list[str]]:
        """`_analyse` of a question, less what would only count against it, and the
        question's tokens with typos mended (before either change):

        - numbers no entry uses (an age, a house number, a count say nothing about which
          service is meant) are left out;
        - a colloquial variant no entry uses gives way to its standard form from the
          synonym table, in the words, the syllables and the n-grams alike (ตูบ ->
          สุนัข: the question is about dogs, not about an unknown word).

        Either would otherwise count as an unknown rare word and sink the score of an
        in-scope question.
        """
        mended = self._mend(self._tokens(clean(text)))
        postings = self.words.postings
        tokens = [t for t in mended if t in postings or not NUMBER.fullmatch(t)]

        def known(t: str) -> bool:
            return t in postings or t in FUNCTION_WORDS

        terms = [t for t in self.synonyms.expand(tokens, keep_original=known)
                 if t not in FUNCTION_WORDS]
        content = [t for t in self.synonyms.replace_unknown(tokens, known)
                   if t not in FUNCTION_WORDS]
        syls = [x for t in content for x in word_syllables(t)]
        return terms, syls, "".join(content), mended

    def _unknown(self, token: str) -> bool:
        return not (token in self.words.postings or token in FUNCTION_WORDS
                    or token in self.synonyms.vocabulary or NUMBER.fullmatch(token))

    def _mend(self, tokens: list[str]) -> list[str]:
        """Tokens with words mistyped by one letter put back (typos.py)."""
        return self.mender.mend(tokens, self._unknown)

    def _ceiling(self, most: float) -> float:
        """What a BM25 score is scaled by: the most the question's words could score,
        kept between `min_evidence` and `max_evidence`."""
        return min(max(most, self.min_evidence), self.max_evidence)

    # --- search ---

    def rank(self, text: str) -> tuple[list[int], dict[int, float], dict]:
        """Candidate entries best first, their mixed scores, and what the decision uses.

        Word and syllable BM25 score every entry; the character n-grams (the costly
        part) only the `candidates` entries those two rank highest.
        """
        terms, syls, joined, mended = self._query(text)
        w, wmax = self.words.scores(terms)
        s, smax = self.syllables.scores(syls)
        weights = self.weights
        ww = weights.words / self._ceiling(wmax)
        ws = weights.syllables / self._ceiling(smax)
        partial = [ww * a + ws * b for a, b in zip(w, s, strict=True)]
        n = len(partial)
        if n > self.candidates:
            cand = heapq.nlargest(self.candidates, range(n), key=partial.__getitem__)
        else:
            cand = range(n)
        g = self.ngrams.best(joined, cand)
        wg = weights.ngrams
        fused = {i: partial[i] + wg * g[i] for i in cand}
        order = sorted(fused, key=lambda i: -fused[i])
        top = order[0]
        info = {
            "terms": terms,
            "tokens": mended,
            "raw_words": w[top],
            "raw_syllables": s[top],
            "words": w[top] * ww / weights.words if weights.words else 0.0,
            "syllables": s[top] * ws / weights.syllables if weights.syllables else 0.0,
        }
        return order, fused, info

    def coverage(self, terms: Sequence[str], i: int, own: bool = False) -> float:
        """Share of the question's content words (IDF-weighted) the entry knows (with
        `own`, in its title, keywords and examples, not only in its content)."""
        total = 0.0
        known = 0.0
        idf, unknown = self.words.idf, self.words.max_idf
        vocabulary = (self.own_vocabulary if own else self.vocabulary)[i]
        for t in set(terms):
            weight = idf.get(t, unknown)
            total += weight
            if t in vocabulary:
                known += weight
        return known / total if total else 0.0

    def known(self, terms: Sequence[str]) -> float:
        """Share of the question's content words (IDF-weighted) any entry knows."""
        total = 0.0
        known = 0.0
        idf, unknown = self.words.idf, self.words.max_idf
        for t in set(terms):
            weight = idf.get(t)
            if weight is None:
                total += unknown
            else:
                total += weight
                known += weight
        return known / total if total else 0.0

    def features(self, text: str) -> tuple[list[int], dict[int, float], dict[str, float]]:
        order, fused, info = self.rank(text)
        terms = info["terms"]
        top = order[0]
        second = fused[order[1]] if len(order) > 1 else 0.0
        feats = {
            "score": fused[top],
            "margin": fused[top] - second,
            "coverage": self.coverage(terms, top),
            "known": self.known(terms),
            "words": info["words"],
            "syllables": info["syllables"],
            "ngrams": (fused[top] - self.weights.words * info["words"]
                       - self.weights.syllables * info["syllables"]) / (self.weights.ngrams or 1),
            "content": float(len(set(terms))),
            "own": self.coverage(terms, top, own=True),
            "terms": terms,
            "tokens": info["tokens"],
        }
        return order, fused, feats

    def search(self, text: str, k: int = 3) -> SearchResult:
        if not self.entries:
            return SearchResult(None, None, "low", 0.0, [])
        result = self._judge(text, k)
        if result.confidence != "high":
            # "สวัสดีค่ะ ดิฉันอยู่หมู่ 5 ค่ะ อบต.เปิดกี่โมงคะ": the story's words keep
            # the whole from naming only the office; the question comes last.
            last = _last_clause(text)
            if last is not None and self._may_name_the_office(last):
                clause = self._judge(last, k)
                if self._asks_about_the_office(clause.features):
                    return clause
        return result

    def _judge(self, text: str, k: int) -> SearchResult:
        order, fused, feats = self.features(text)
        th = self.thresholds
        n = len(self.entries)
        ours = [i for i in order if i < n]
        if self._office_words(feats["tokens"], feats["terms"]) is not None:
            office = self.office_index
            rest = [i for i in ours if i != office]
            return SearchResult(OFFICE_ENTRY, self.by_id[OFFICE_ENTRY]["title"], "high",
                                fused.get(office, fused[order[0]]),
                                self._alternatives(rest[:k - 1], fused), feats["coverage"], feats)
        decoy = next((i for i in order if i >= n), None)
        if not ours or (decoy is not None and fused[decoy] >= fused[ours[0]] + th.decoy_margin):
            # Another agency's service or a topic no office answers fits clearly best: no
            # card, and the alternatives are ours.
            best = fused[decoy]
            decoy_id = self.docs[decoy]["id"]
            agency = decoy_id in self.elsewhere_by_id
            named = best >= th.low and agency
            return SearchResult(None, None, "low", best, self._alternatives(ours[:k], fused),
                                feats["coverage"], feats,
                                elsewhere=decoy_id if named else None,
                                off_topic=None if agency or self.docs[decoy].get(
                                    "staff_may_answer") else decoy_id)
        top = ours[0]
        best = fused[top]
        # the margin is over whatever comes next, a decoy included: a service of ours
        # barely ahead of another agency's gets candidates, not a card
        following = [fused[i] for i in order if i != top]
        margin = best - (following[0] if following else 0.0)
        content = feats["content"]
        own = feats["own"] if top == order[0] else self.coverage(feats["terms"], top, own=True)
        if best < th.low:
            confidence = "low"
        elif (best >= th.high and margin >= th.high_margin
              and (content > SHORT or own >= th.short_own)):
            confidence = "high"
        else:
            confidence = "medium"
        if asks_opinion(feats["tokens"]):
            confidence = LESS_SURE[confidence]
        entry = self.entries[top]
        return SearchResult(entry["id"], entry["title"], confidence, best,
                            self._alternatives(ours[1:k], fused), feats["coverage"], feats)

    def _office_words(self, tokens: Sequence[str], terms: Sequence[str]) -> list[str] | None:
        """When the question names the office and says nothing but what the office entry
        itself is about (where, when open, how to reach it), its content words, each in
        its standard form (ปิดกี่โมง -> เวลาทำการ); otherwise None."""
        if self.office_index is None or not self.office_terms.intersection(terms):
            return None
        standard = self.synonyms.replace_unknown(tokens, lambda t: False)
        words = [t for t in standard if t not in FUNCTION_WORDS]
        own = self.own_vocabulary[self.office_index]
        if (any(t in self.office_terms for t in words)
                and all(t in self.office_terms or t in own for t in words)):
            return words
        return None

    def _may_name_the_office(self, text: str) -> bool:
        """A cheap first look (no ranking): does any word of the text name the office?"""
        return bool(self.office_terms.intersection(self.synonyms.expand(self._tokens(clean(text)))))

    def _asks_about_the_office(self, feats: dict) -> bool:
        """The text names only the office and asks something about it (where, when
        open, its phone): "อบต.ช่วยอะไรได้บ้าง" names it but asks for a service."""
        words = self._office_words(feats["tokens"], feats["terms"])
        return words is not None and any(t not in self.office_terms for t in words)

    def _alternatives(self, order: list[int], fused: dict[int, float]) -> list:
        return [(self.entries[i]["id"], self.entries[i]["title"], fused[i]) for i in order]

    def entry(self, entry_id: str) -> dict | None:
        """A manual entry (never another agency's service: those have no card)."""
        return self.by_id.get(entry_id)

    def other_agency(self, elsewhere_id: str) -> dict | None:
        """Another agency's service, by the id a SearchResult's `elsewhere` names."""
        return self.elsewhere_by_id.get(elsewhere_id)


def _last_clause(text: str) -> str | None:
    """What follows the question's last space, when it has one."""
    parts = text.split()
    return parts[-1] if len(parts) > 1 else None
