"""Find the routing vocabulary in a citizen's text on whole tokens.

The text is cleaned and segmented with `handlers.thai` (newmm over pythainlp's word list
plus the routing vocabulary). A phrase matches only where it starts and ends on a token
boundary, so ปลัด never matches inside ปลัดอำเภอ and ตี never inside ตีน. Where matches
overlap, the longer phrase wins (สำนักปลัด, an office, over ปลัด, an executive).

Spaces, punctuation and abbreviation dots are ignored on both sides, so "นายก อบต."
matches "นายกอบต" and "นายก อบต".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from handlers.thai import clean, tokenize

# A tag says what a phrase means: (category, value), e.g. ("people", "finance").
Tag = tuple[str, str]


@dataclass(frozen=True)
class Hit:
    start: int
    end: int
    phrase: str  # the phrase as written in the data, for reasons shown to officers
    tags: tuple[Tag, ...]


def _compact(tokens: Iterable[str]) -> str:
    return "".join(tokens)


class PhraseMatcher:
    """A table of phrases, each with one or more tags, matched on whole tokens."""

    def __init__(self) -> None:
        self._table: dict[str, tuple[str, list[Tag]]] = {}
        self._longest = 0
        self._words: frozenset[str] = frozenset()
        self._pending: list[tuple[str, Tag]] = []

    def add(self, phrase: str, tag: Tag) -> None:
        self._pending.append((phrase, tag))

    def compile(self) -> dict[str, tuple[str, list[Tag]]]:
        """Segment every phrase once; returns the table (compact form -> phrase, tags)."""
        words = set()
        for phrase, _tag in self._pending:
            for part in clean(phrase).split(" "):
                squeezed = _compact(tokenize(part))
                if squeezed:
                    words.add(squeezed)
            whole = _compact(tokenize(clean(phrase)))
            if whole:
                words.add(whole)
        self._words = frozenset(words)
        table: dict[str, tuple[str, list[Tag]]] = {}
        for phrase, tag in self._pending:
            key = self.key(phrase)
            if not key:
                continue
            shown, tags = table.setdefault(key, (phrase, []))
            if tag not in tags:
                tags.append(tag)
        self._table = table
        self._longest = max((len(k) for k in table), default=0)
        return table

    def key(self, phrase: str) -> str:
        """The form a phrase is looked up by: its tokens, joined."""
        return _compact(self.tokens(phrase))

    def tokens(self, text: str) -> list[str]:
        return tokenize(clean(text), extra=self._words)

    def find(self, text: str) -> list[Hit]:
        """Non-overlapping matches in `text`, in reading order; longer phrases win."""
        tokens = self.tokens(text)
        joined = _compact(tokens)
        bounds = [0]
        for tok in tokens:
            bounds.append(bounds[-1] + len(tok))
        candidates: list[tuple[int, int]] = []
        table = self._table
        longest = self._longest
        for a, start in enumerate(bounds):
            for end in bounds[a + 1:]:
                if end - start > longest:
                    break
                if joined[start:end] in table:
                    candidates.append((start, end))
        candidates.sort(key=lambda c: (c[0] - c[1], c[0]))
        taken: list[tuple[int, int]] = []
        for start, end in candidates:
            if all(end <= s or start >= e for s, e in taken):
                taken.append((start, end))
        taken.sort()
        hits = []
        for start, end in taken:
            phrase, tags = table[joined[start:end]]
            hits.append(Hit(start, end, phrase, tuple(tags)))
        return hits
