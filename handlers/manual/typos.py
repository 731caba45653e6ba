"""Mending a word mistyped by one letter, never a whole question spelled anew.

A run of up to `MEND_SPAN` tokens with one the index does not know, joined, one letter
away (dropped, added, changed, or two neighbours swapped) from a word of the index or the
synonym table, becomes that word. A mistyped word is seldom one token (สัตว์ -> สัว์;
ร้องเรียน -> ร้อ|เรียน; งบประมาณ -> งบ|ปะ|มา|ณ); the longest run found from each token
wins. A token alone is mended only when it is no Thai word either (จุฬา|รักษ์, a place,
keeps รักษ์ rather than become รักษา). Without this, one dropped letter in a key word
lost 19% of the tuning questions (the most specific word of each, one letter dropped at
random).

Candidates are found as in SymSpell: every known word is filed under each of its
one-letter deletions, so a typed text's own deletions find it without a scan.

A phone keyboard hides the tone marks and the short-vowel and silent marks on a second
layer, and people typing fast leave them out (เปน for เป็น, แจง for แจ้ง, เทาไหร่ for
เท่าไหร่): a text that is a known word without its marks becomes that word, however short,
when the text itself is no Thai word (เกา, to scratch, stays).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

# The shortest text mended, and the most tokens a mistyped word is found split into.
MEND_MIN = 4
MEND_SPAN = 4
# Tone marks, the short-vowel mark and the silent mark: on a phone's second layer.
_MARKS = str.maketrans("", "", "\u0e47\u0e48\u0e49\u0e4a\u0e4b\u0e4c")
SKELETON_MIN = 2


def skeleton(word: str) -> str:
    """The word without its tone, short-vowel and silent marks."""
    return word.translate(_MARKS)


class Mender:
    """Puts back words of `words`; `frequency` ranks several candidates (the most used
    wins)."""

    def __init__(self, words: Iterable[str], frequency: Callable[[str], int],
                 marked: Iterable[str] = ()):
        """`marked`: more words (function words) a text typed without its marks may be."""
        from pythainlp.corpus import thai_words  # after handlers.thai set it offline

        self.frequency = frequency
        self.dictionary = thai_words()
        words = set(words)
        self.spellable = {w for w in words if len(w) >= MEND_MIN}
        self.bare: dict[str, set[str]] = {}
        for w in words | set(marked):
            if len(w) >= SKELETON_MIN and skeleton(w) != w:
                self.bare.setdefault(skeleton(w), set()).add(w)
        self.deletions: dict[str, set[str]] = {}
        for w in self.spellable:
            for d in {w, *_deletes(w)}:
                self.deletions.setdefault(d, set()).add(w)

    def mend(self, tokens: list[str], unknown: Callable[[str], bool]) -> list[str]:
        """`tokens` with mistyped words put back; `unknown` tells a token the index does
        not know."""
        flags = [unknown(t) for t in tokens]
        if not any(flags):
            return tokens
        out: list[str] = []
        i, n = 0, len(tokens)
        while i < n:
            for j in range(min(n, i + MEND_SPAN), i, -1):
                if not any(flags[i:j]):
                    continue
                joined = "".join(tokens[i:j])
                if joined in self.dictionary:
                    continue
                word = self.unmarked(joined) or self.near(joined)
                if word is not None:
                    out.append(word)
                    i = j
                    break
            else:
                out.append(tokens[i])
                i += 1
        return out

    def unmarked(self, text: str) -> str | None:
        """The known word `text` is, typed without its marks (the most used if several)."""
        found = self.bare.get(text) if text == skeleton(text) else None
        if not found:
            return None
        return max(found, key=lambda w: (self.frequency(w), w))

    def near(self, text: str) -> str | None:
        """The known word one letter away from `text` (the most used one if several),
        or None."""
        if len(text) < MEND_MIN or text in self.spellable:
            return None
        found: set[str] = set()
        for d in (text, *_deletes(text)):
            found |= self.deletions.get(d, set())
        found = {w for w in found if _one_apart(text, w)}
        if not found:
            return None
        return max(found, key=lambda w: (self.frequency(w), w))


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


def _one_apart(a: str, b: str) -> bool:
    """One letter dropped, added or changed, or two neighbours swapped."""
    if a == b:
        return False
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diff = [i for i in range(la) if a[i] != b[i]]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1
                                  and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]])
    short, long_ = (a, b) if la < lb else (b, a)
    i = 0
    while i < len(short) and short[i] == long_[i]:
        i += 1
    return short[i:] == long_[i + 1:]
