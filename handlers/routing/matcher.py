"""Find the routing vocabulary in a citizen's text on whole tokens.

The text is cleaned and segmented with `handlers.thai` (newmm over pythainlp's word list
plus the routing vocabulary). A phrase matches only where it starts and ends on a token
boundary, so ปลัด never matches inside ปลัดอำเภอ and ตี never inside ตีน. Where matches
overlap, the longer phrase wins (สำนักปลัด, an office, over ปลัด, an executive).

Spaces, punctuation and abbreviation dots are ignored on both sides, so "นายก อบต."
matches "นายกอบต" and "นายก อบต". Phrases live in layers (who and what a text names; the
words of an accusation; the parts of people's names), each layer matched on the same
tokens on its own: the longer phrase wins within a layer, never across (หัก|เงิน is
demand + money in one layer though เงินคนแก่ is a subject in the other). A layer may be
matched where syllables end rather than words (see `syllabic`). A word typed one letter
wrong (ผอ.ชาง, คนเกบภาษี) is mended to the phrase it misses, with the manual search's
mender (handlers/manual/typos.py), over the phrases' own words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from handlers.manual.typos import Mender
from handlers.thai import clean, tokenize, word_syllables

# A tag says what a phrase means: (category, value), e.g. ("people", "finance").
Tag = tuple[str, str]


@dataclass(frozen=True)
class Hit:
    start: int
    end: int
    phrase: str  # the phrase as written in the data, for reasons shown to officers
    tags: tuple[Tag, ...]
    first: int = 0  # the hit's first token and the token after its last, in the text
    last: int = 0
    # A person put together (people.py): the words left out between its two parts, and
    # where the first part ends and the last begins.
    gap: int = 0
    joint: tuple[int, int] = (0, 0)

    def has(self, category: str) -> bool:
        return any(c == category for c, _ in self.tags)

    def values(self, category: str) -> list[str]:
        return [v for c, v in self.tags if c == category]


def _compact(tokens: Iterable[str]) -> str:
    return "".join(tokens)


# Thai letters, marks and digits, Latin letters and digits: a phrase of only these keeps
# every character as a token's.
_PLAIN = re.compile(r"[\u0e01-\u0e4e\u0e50-\u0e59A-Za-z0-9]*")


# A dot after a Thai letter: the end of an abbreviation (ผอ. จนท. อ.บ.ต.).
_ABBREVIATION_DOT = re.compile(r"(?<=[\u0e01-\u0e4e])\.")


def _squeeze(cleaned: str) -> str:
    """A cleaned phrase without its spaces."""
    return cleaned.replace(" ", "")


MAIN = "main"


class PhraseMatcher:
    """Tables of phrases (one a layer), each phrase with one or more tags, matched on whole
    tokens."""

    def __init__(self) -> None:
        self._tables: dict[str, dict[str, tuple[str, list[Tag]]]] = {}
        self._longest: dict[str, int] = {}
        self._words: frozenset[str] = frozenset()
        self._all_words: frozenset[str] = frozenset()
        self._pending: list[tuple[str, Tag, str]] = []
        self._segmenting: set[str] = set()
        self._overlapping: set[str] = set()
        self._syllabic: dict[str, bool] = {}
        self._mender: Mender | None = None

    def add(self, phrase: str, tag: Tag, layer: str = MAIN, segments: bool = True) -> None:
        """Add `phrase` with `tag` to `layer`. With `segments`, the phrase is also a word
        of the tokenizer, so a text is cut where the phrase begins and ends; a layer of
        compounds made of other words (แจก|ถุงยังชีพ) passes False, lest the compound
        hide the words inside it from the other layers."""
        self._pending.append((phrase, tag, layer))
        if segments:
            self._segmenting.add(phrase)

    def compile(self, spellable: Iterable[str] = (), spelled: Iterable[str] = ()
                ) -> dict[str, tuple[str, list[Tag]]]:
        """Build the tables; returns the main layer's (compact form -> phrase, tags). A
        text's word one letter away from a word of `spellable` phrases (or of `spelled`,
        already in the compact form a key has) is read as that word."""
        words: set[str] = set()
        parts: set[str] = set()
        cleaned_of: dict[str, str] = {}
        for phrase, _tag, _layer in self._pending:
            cleaned = cleaned_of.get(phrase)
            if cleaned is None:
                cleaned = cleaned_of[phrase] = clean(phrase)
            found = {w for w in map(_squeeze, cleaned.split(" ")) if w}
            found.add(_squeeze(cleaned))
            found.discard("")
            (words if phrase in self._segmenting else parts).update(found)
        self._words = frozenset(words)
        # every word of every layer: what is no typo, and what a mended word is cut into
        self._all_words = frozenset(words | parts)
        tables: dict[str, dict[str, tuple[str, list[Tag]]]] = {MAIN: {}}
        keys: dict[str, str] = {}
        for phrase, tag, layer in self._pending:
            key = keys.get(phrase)
            if key is None:
                key = keys[phrase] = self.key(phrase, cleaned_of[phrase])
            if not key:
                continue
            shown, tags = tables.setdefault(layer, {}).setdefault(key, (phrase, []))
            if tag not in tags:
                tags.append(tag)
        self._tables = tables
        self._longest = {layer: max((len(k) for k in t), default=0)
                         for layer, t in tables.items()}
        spell = {keys.get(p) or self.key(p) for p in spellable} | set(spelled) | {
            w for p in spellable for w in (cleaned_of.get(p) or clean(p)).split(" ")}
        self._mender = Mender(sorted(w for w in spell if w), len) if spell else None
        return tables[MAIN]

    def key(self, phrase: str, cleaned: str | None = None) -> str:
        """The form a phrase is looked up by: its tokens, joined (what a text's tokens
        joined give where the phrase stands in it). `cleaned`: the phrase already
        cleaned."""
        if cleaned is None:
            cleaned = clean(phrase)
        squeezed = _squeeze(cleaned)
        if _PLAIN.fullmatch(squeezed):  # letters and digits only: nothing to drop
            return squeezed
        return _compact(self.tokens(phrase))

    def tokens(self, text: str) -> list[str]:
        # An abbreviation's dot ends a word (ผอ.กวาดถนน is ผอ|กวาดถนน, not ผอก|วาด...);
        # clean() would drop it and glue the two. Our words only (never the process-wide
        # ones): the same words every call, so the tokenizer's dictionary is built once.
        return tokenize(clean(_ABBREVIATION_DOT.sub(" ", text)), extra=self._words,
                        registered=False)

    def known(self, token: str) -> bool:
        return token in self._words

    def find(self, text: str, layer: str = MAIN) -> list[Hit]:
        """Non-overlapping matches in `text`, in reading order; longer phrases win."""
        return self.find_tokens(self.mend(self.tokens(text)), layer)

    def scan(self, text: str) -> tuple[list[str], dict[str, list[Hit]]]:
        """The text's tokens (typos mended, then cut where either segmentation cuts) and
        each layer's hits."""
        tokens = self.mend(self.tokens(text))
        found = {}
        cut: dict[bool, tuple[list[str], list[int]]] = {}
        for layer in self._tables:
            overlapping = layer in self._overlapping
            keep = self._syllabic.get(layer)
            if keep is None:
                found[layer] = self.find_tokens(tokens, layer, overlapping)
                continue
            if keep not in cut:
                cut[keep] = _syllables(tokens, self._words if keep else frozenset())
            found[layer] = self.find_tokens(cut[keep][0], layer, overlapping, cut[keep][1])
        return tokens, found

    def mend(self, tokens: list[str]) -> list[str]:
        """`tokens` with words mistyped by one letter put back; a word put back is
        segmented again (ผอ|ชา|ง -> ผอช่าง -> ผอ|ช่าง, whose parts make a person)."""
        if self._mender is None:
            return tokens
        mended = self._mender.mend(tokens, self._unknown)
        if mended is tokens or mended == tokens:
            return tokens
        typed = set(tokens)
        out: list[str] = []
        for t in mended:
            out.extend([t] if t in typed else tokenize(t, extra=self._all_words,
                                                       registered=False))
        return out

    def _unknown(self, token: str) -> bool:
        """A token that may be mistyped: no word of ours (of any layer), nor of Thai
        (มา|ซ่อม is no mistyped อาซ่อม), nor a number."""
        return (token not in self._all_words and not token.isdigit()
                and token not in self._mender.dictionary)

    def overlapping(self, layer: str) -> None:
        """Find every phrase of `layer`, overlapping ones too (parts that are put together
        afterwards: คน|แจกเบี้ย inside คน|แจก|เบี้ย|คนพิการ, where เบี้ยคนพิการ is longer)."""
        self._overlapping.add(layer)

    def syllabic(self, layer: str, keep_ours: bool = False) -> None:
        """Match `layer` where a syllable ends, not only a word: ช่าง|มัน is one word to
        the dictionary ("never mind"), but หัวหน้า|ช่าง|มัน names the head technician, and
        รับ|เงิน is one word too. With `keep_ours`, the words of our phrases stay whole
        (รับ is not found in ผู้รับเหมา, a subject)."""
        self._syllabic[layer] = keep_ours

    def find_tokens(self, tokens: list[str], layer: str = MAIN, overlapping: bool = False,
                    word_at: list[int] | None = None) -> list[Hit]:
        """The hits of `layer` on `tokens`; with `word_at` (the word each token lies in,
        when `tokens` are syllables), each hit's `first` and `last` count words."""
        joined = _compact(tokens)
        bounds = [0]
        for tok in tokens:
            bounds.append(bounds[-1] + len(tok))
        at = {b: i for i, b in enumerate(bounds)}
        candidates: list[tuple[int, int]] = []
        table = self._tables.get(layer, {})
        longest = self._longest.get(layer, 0)
        for a, start in enumerate(bounds):
            for end in bounds[a + 1:]:
                if end - start > longest:
                    break
                if joined[start:end] in table:
                    candidates.append((start, end))
        candidates.sort(key=lambda c: (c[0] - c[1], c[0]))
        taken: list[tuple[int, int]] = []
        for start, end in candidates:
            if overlapping or all(end <= s or start >= e for s, e in taken):
                taken.append((start, end))
        taken.sort()
        hits = []
        for start, end in taken:
            phrase, tags = table[joined[start:end]]
            first, last = at[start], at[end]
            if word_at is not None:
                first, last = word_at[first], word_at[last - 1] + 1
            hits.append(Hit(start, end, phrase, tuple(tags), first, last))
        return hits


def _syllables(words: list[str], whole: frozenset[str]) -> tuple[list[str], list[int]]:
    """The syllables of `words` (a word of `whole`, or whose syllables do not spell it,
    stays whole), and the word each lies in."""
    out: list[str] = []
    word_at: list[int] = []
    for i, word in enumerate(words):
        parts = word_syllables(word) if word not in whole else (word,)
        if len(parts) < 2 or "".join(parts) != word:
            parts = (word,)
        out.extend(parts)
        word_at.extend([i] * len(parts))
    return out, word_at
