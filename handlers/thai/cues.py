"""Short phrases that mark what a message does (asks, reports, wants a fee ...), found on
whole words.

A phrase is matched where a run of the text's tokens spells it exactly (spaces and
abbreviation dots ignored on both sides), never inside a word: กัด is found in
"หมากัด" but not in "กัดฟัน" segmented as one word, and เสีย is not in "เสียภาษี" unless the
table lists it alone. The table's phrases join the tokenizer's dictionary, so a phrase
typed without spaces is cut where the table expects.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from handlers.thai.text import Synonyms, clean, tokenize

Spans = dict[str, list[tuple[int, int]]]


class CueTable:
    def __init__(self, phrases: Mapping[str, Iterable[str]]):
        self.table: dict[str, tuple[str, ...]] = {}
        for category, items in phrases.items():
            for phrase in items:
                key = clean(phrase).replace(" ", "")
                if key and category not in self.table.get(key, ()):
                    self.table[key] = (*self.table.get(key, ()), category)
        self.longest = max((len(k) for k in self.table), default=0)
        self.vocabulary = frozenset(self.table)

    def tokens(self, text: str, synonyms: Synonyms | None = None) -> tuple[list[str], list[str]]:
        """The text's words, and the same with each colloquial variant in its standard form
        (the synonym table's words join the dictionary too)."""
        extra = self.vocabulary | (synonyms.vocabulary if synonyms is not None else frozenset())
        words = tokenize(clean(text), extra, registered=False)
        if synonyms is None:
            return words, words
        return words, synonyms.replace_unknown(words, lambda _t: False)

    def find(self, tokens: list[str]) -> Spans:
        """Each category found, with the token spans of its phrases (a phrase may stand
        in several categories: จ่ายที่ไหน asks where, and where to pay)."""
        found: Spans = {}
        for start in range(len(tokens)):
            run = ""
            for end in range(start, len(tokens)):
                run += tokens[end]
                if len(run) > self.longest:
                    break
                for category in self.table.get(run, ()):
                    found.setdefault(category, []).append((start, end + 1))
        return found

    def categories(self, text: str, synonyms: Synonyms | None = None) -> set[str]:
        """The categories found in the text as typed or in its standard form."""
        words, standard = self.tokens(text, synonyms)
        return self.find(words).keys() | self.find(standard).keys()
