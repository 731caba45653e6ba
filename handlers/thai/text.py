"""Clean, segment and expand Thai text typed by people on a phone.

Uses only what the pythainlp wheel ships (newmm, its Thai word list, its syllable
dictionary); nothing is downloaded. Import with PYTHAINLP_OFFLINE=1 set, which this
module sets as a default for safety.
"""

from __future__ import annotations

import os

os.environ.setdefault("PYTHAINLP_OFFLINE", "1")

import re  # noqa: E402
import unicodedata  # noqa: E402
from collections.abc import Callable, Iterable, Sequence  # noqa: E402
from functools import lru_cache  # noqa: E402
from pathlib import Path  # noqa: E402

import yaml  # noqa: E402
from pydantic import ConfigDict, TypeAdapter  # noqa: E402
from pythainlp.corpus import thai_syllables, thai_words  # noqa: E402
from pythainlp.tokenize import word_tokenize  # noqa: E402
from pythainlp.util import Trie, normalize, thai_digit_to_arabic_digit  # noqa: E402

from storage.validation import Word, Words, check_mapping  # noqa: E402

# Zero-width and bidi formatting characters phones and copy-paste leave behind.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff\u00ad]")
# The same Thai letter typed three or more times in a row: ดีมากกกก, ค่าาาา. (Latin is
# left alone: www.)
_STRETCHED = re.compile(r"([\u0e01-\u0e4e])\1{2,}")
# A dot closing a Thai abbreviation letter: อ.บ.ต. / ผส. / ศพด. (not 16.30, not a URL).
_ABBREVIATION_DOT = re.compile(r"(?<=[\u0e01-\u0e4e])\.")
_SPACES = re.compile(r"\s+")
# The yamakkan (U+0E4E), which Korat writing puts on a syllable said in its own tone
# (จั๎ก, ได้จั๎กบาท), goes: the word is the one written without it. (Thai digits become
# Arabic ones with pythainlp's thai_digit_to_arabic_digit.)
_YAMAKKAN = str.maketrans("", "", "\u0e4e")


def _strip_controls(text: str) -> str:
    text = _INVISIBLE.sub("", text)
    return "".join(
        ch if (unicodedata.category(ch)[0] != "C" or ch in "\n\t") else " " for ch in text
    )


def clean(text: str) -> str:
    """Text as comparable as we can make it without changing what the person wrote.

    Normalizes Thai spelling order, removes invisible and control characters, shrinks
    letters stretched three or more times to one, turns Thai digits into Arabic ones and
    drops the Korat yamakkan mark,
    drops the dots of abbreviations (อ.บ.ต. -> อบต), lowercases Latin letters and
    collapses whitespace. It never corrects spelling.
    """
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text)
    text = _strip_controls(text)
    text = normalize(text)
    text = _STRETCHED.sub(r"\1", text)
    text = thai_digit_to_arabic_digit(text).translate(_YAMAKKAN)
    text = _ABBREVIATION_DOT.sub("", text)
    text = text.lower()
    return _SPACES.sub(" ", text).strip()


# --- the tokenizer dictionary -------------------------------------------------------

_EXTRA: set[str] = set()


def add_words(words: Iterable[str]) -> None:
    """Add vocabulary (service names, abbreviations, place names) to the dictionary.

    The words are merged with pythainlp's default word list, never replacing it.
    """
    new = {clean(w) for w in words if w and w.strip()}
    new = {w for w in new if w and " " not in w}
    if not new <= _EXTRA:
        _EXTRA.update(new)


def extra_words() -> frozenset[str]:
    """The vocabulary added on top of pythainlp's word list so far."""
    return frozenset(_EXTRA)


@lru_cache(maxsize=1)
def _base_trie() -> Trie:
    """pythainlp's default word trie (shared with pythainlp itself when it exposes it)."""
    try:
        from pythainlp.tokenize.newmm import word_dict_trie

        return word_dict_trie()
    except ImportError:  # pragma: no cover - older or newer pythainlp layouts
        return Trie(thai_words())


# Entries of pythainlp's word list that are no words (or hardly ever the word meant) and
# win against the real ones in everyday phrases: แล้วจะ -> แล้|วจะ, บอกว่า -> บอ|กว่า,
# ปลูกข้าวต้อง... -> ปลูก|ข้าวต้อง, อยู่ไหนคะ -> อยู่|ไห|นคะ.
NOT_WORDS = frozenset({"แล้", "วจะ", "บอ", "ข้าวต้อง", "เดินไหม", "นคะ", "ที่ไหนได้"})


class _MergedTrie(Trie):
    """The default word trie plus a small one of extra words, without copying the default,
    less `NOT_WORDS`.

    (A Trie of the 62,000 default words costs tens of megabytes; one per vocabulary
    would not do.)
    """

    def __init__(self, base: Trie, extra: Iterable[str]):
        super().__init__(w for w in extra if w not in base)
        self.base = base

    def prefixes(self, text: str, start: int = 0) -> list[str]:
        own = super().prefixes(text, start)
        found = self.base.prefixes(text, start)
        if NOT_WORDS.intersection(found):
            found = [w for w in found if w not in NOT_WORDS]
        if not own:
            return found
        return sorted(set(found).union(own), key=len)

    def __contains__(self, key: str) -> bool:
        return (key in self.base and key not in NOT_WORDS) or super().__contains__(key)

    def __len__(self) -> int:
        return len(self.base) + super().__len__()

    def __iter__(self):
        yield from self.base
        yield from super().__iter__()


@lru_cache(maxsize=32)
def _trie(extra: frozenset[str]) -> Trie:
    return _MergedTrie(_base_trie(), extra)


@lru_cache(maxsize=1)
def _syllable_trie() -> Trie:
    return Trie(thai_syllables())


def _is_token(tok: str) -> bool:
    return any(ch.isalnum() or unicodedata.category(ch).startswith("M") for ch in tok)


def tokenize(text: str, extra: Iterable[str] | None = None, *, registered: bool = True
             ) -> list[str]:
    """Words of `text` (already cleaned or not), spaces and punctuation dropped.

    newmm over pythainlp's default word list merged with `extra` and, unless
    `registered` is False, the vocabulary added with `add_words`. An index that must
    segment its documents and later questions alike passes its own `extra` and
    `registered=False`, so what other modules register cannot shift its words.
    """
    words = frozenset(extra or ())
    if registered:
        words = words | frozenset(_EXTRA)
    tokens = word_tokenize(text, custom_dict=_trie(words), engine="newmm", keep_whitespace=False)
    return [t for t in (tok.strip() for tok in tokens) if t and _is_token(t)]


def syllables(text: str) -> list[str]:
    """Thai syllables of `text` by maximal matching over pythainlp's syllable list.

    (pythainlp's `syllable_tokenize` needs python-crfsuite; this does not.)
    """
    tokens = word_tokenize(text, custom_dict=_syllable_trie(), engine="newmm",
                           keep_whitespace=False)
    return [t for t in (tok.strip() for tok in tokens) if t and _is_token(t)]


@lru_cache(maxsize=65536)
def word_syllables(word: str) -> tuple[str, ...]:
    """Syllables of one word, cached (words repeat far more than texts do)."""
    return tuple(syllables(word))


# --- synonyms ----------------------------------------------------------------------


# synonyms.yaml: canonical form -> its variants (numbers such as 1669 read as words).
_SYNONYMS_FILE = TypeAdapter(dict[Word, Words], config=ConfigDict(strict=True))


class Synonyms:
    """A colloquial-to-canonical table matched on whole tokens, never inside a word.

    The YAML maps a canonical form to its variants::

        ผู้สูงอายุ: [คนแก่, ผส, คนชรา]

    A variant of several words matches only as the same sequence of whole tokens.
    """

    def __init__(self, table: dict[str, Sequence[str]] | None = None):
        self._table: dict[str, list[str]] = {}
        for canonical, variants in (table or {}).items():
            self._table[clean(str(canonical))] = [clean(str(v)) for v in variants or []]
        self._compiled: tuple[dict[tuple[str, ...], tuple[str, ...]], int] | None = None
        # the table's own words segment its variants, whatever else is registered
        self.vocabulary = frozenset(self.words())

    @classmethod
    def load(cls, path: str | Path) -> Synonyms:
        path = Path(path)
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        return cls(check_mapping(raw, str(path), _SYNONYMS_FILE.validate_python,
                                 expected="a mapping 'canonical: [variants...]'"))

    def words(self) -> set[str]:
        """Single-word canonical forms and variants, for the tokenizer dictionary."""
        out: set[str] = set()
        for canonical, variants in self._table.items():
            for w in (canonical, *variants):
                if w and " " not in w:
                    out.add(w)
        return out

    def _patterns(self) -> tuple[dict[tuple[str, ...], tuple[str, ...]], int]:
        if self._compiled is None:
            patterns: dict[tuple[str, ...], tuple[str, ...]] = {}
            for canonical, variants in self._table.items():
                target = tuple(tokenize(canonical, self.vocabulary, registered=False))
                for variant in variants:
                    key = tuple(tokenize(variant, self.vocabulary, registered=False))
                    if key and key != target:
                        patterns.setdefault(key, target)
            longest = max((len(k) for k in patterns), default=0)
            self._compiled = (patterns, longest)
        return self._compiled

    def _spans(self, tokens: Sequence[str]):
        """Walk `tokens` left to right, longest variant first: yields (tokens, canonical
        tokens) for each variant found, and (token,), None for each other token."""
        patterns, longest = self._patterns()
        i, n = 0, len(tokens)
        while i < n:
            for size in range(min(longest, n - i), 0, -1):
                key = tuple(tokens[i:i + size])
                target = patterns.get(key)
                if target is not None:
                    yield key, target
                    i += size
                    break
            else:
                yield (tokens[i],), None
                i += 1

    def replace_unknown(self, tokens: Sequence[str], known: Callable[[str], bool]
                        ) -> list[str]:
        """Tokens with each variant that has a token not `known` replaced by its
        canonical tokens; variants made of known tokens, and other tokens, stay."""
        out: list[str] = []
        for found, target in self._spans(tokens):
            keep = target is None or all(known(t) for t in found)
            out.extend(found if keep else target)
        return out

    def expand(self, tokens: Sequence[str],
               keep_original: bool | Callable[[str], bool] = True) -> list[str]:
        """Tokens with canonical forms put in for variants found as whole tokens.

        With `keep_original` (the default) the variant stays and the canonical tokens
        follow it; with False the variant is replaced; with a function, the variant's
        tokens for which it is true stay.
        """
        if not self._patterns()[0]:
            return list(tokens)
        out: list[str] = []
        for found, target in self._spans(tokens):
            if target is None or keep_original is True:
                out.extend(found)
            elif keep_original:
                out.extend(t for t in found if keep_original(t))
            if target is not None:
                out.extend(target)
        return out

