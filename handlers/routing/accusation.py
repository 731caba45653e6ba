"""What in a complaint accuses a person of wrongdoing, found as patterns, not keywords.

routing.yaml's `accusation:` section names classes of words (demand, take, money, fee,
pay, private, refuse, sit ...) and patterns over them: classes in reading order, each at
most `gap` words after the one before. "หักเงินไว้คนละ 50 บาท" is demand + money; "ขอค่า
น้ำมัน 500" is take + fee; "ถ้าให้เงินพิเศษ 1,000 บาทจะลดภาษี" is pay + money + extra (and
pay + money + then + favour). The fixed lists `corruption` (bribery, bid rigging: sure,
money) and `misconduct` (rudeness, neglect: needs a person) are one-word patterns.

A pattern says two things of what it found:

- `money`: money or things asked for, taken, cut or kept; a grievance that has one is a
  corruption complaint.
- `sure`: it accuses someone even if the text names nobody ("โดนเรียกเงิน"). A pattern
  that is not sure ("ขอเงิน", "ไม่ยอมเซ็น", "ด่า") accuses only the people of ours the text
  names beside it; with nobody named, the bot is unsure and asks.

A pattern right after a negation ("ไม่เคยเรียกเงิน", "ไม่มีใครเรียกเงิน") does not count, nor
one that has a word of its `unless` class inside it or just around it ("ต้องจ่าย 500 บาท
ค่าภาษี": what people owe; "ยืมเต็นท์...ไปงานบวช": borrowing). Who is accused is the
router's business (router.py): this module only finds the wrongdoing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from handlers.routing.matcher import Hit
from handlers.routing.offices import OfficesError, words_of

LAYER = "accusation"
NEGATION = "negation"
# Classes of no words, found otherwise: a person of ours the text names (by the router),
# an amount of money written as a number (๕๐๐, 1,000, ห้าร้อย, พันแปด).
PERSON = "person"
AMOUNT = "amount"
BUILT_IN = (PERSON, AMOUNT)
# A number in digits, or of tens or more in Thai words (ฮ้อย: ร้อย in Isan; นึง: หนึ่ง as
# said).
_AMOUNT = re.compile(r"\d[\d,.]*|(หนึ่ง|สอง|สาม|สี่|ห้า|หก|เจ็ด|แปด|เก้า|ยี่|เอ็ด|ครึ่ง)*"
                     r"(สิบ|ร้อย|ฮ้อย|พัน|หมื่น|แสน|ล้าน)(หนึ่ง|สอง|สาม|สี่|ห้า|หก|เจ็ด|แปด|"
                     r"เก้า|สิบ|ยี่|เอ็ด|ร้อย|ฮ้อย|พัน|หมื่น|แสน|ล้าน|ครึ่ง|นึง)*")
# The fixed word lists of routing.yaml, each a pattern of one word: (money, sure).
FIXED = {"corruption": (True, True), "misconduct": (False, False)}
# How far before or after a pattern a word of its `unless` class still cancels it.
UNLESS_AROUND = 3
# How far before a pattern a negation still cancels it: right before ("ไม่มีใคร" is a
# negation of its own).
NEGATION_BEFORE = 0


@dataclass(frozen=True)
class Pattern:
    name: str
    places: tuple[frozenset[str], ...]  # each place: the classes it accepts
    gap: int
    money: bool
    sure: bool
    unless: str | None = None


@dataclass(frozen=True)
class Wrongdoing:
    """One pattern found: its name, the words that made it (as written in the data), where
    it lies (tokens), and what it says."""

    pattern: str
    words: tuple[str, ...]
    first: int
    last: int
    money: bool
    sure: bool


@dataclass(frozen=True)
class AccusationRules:
    classes: dict[str, tuple[str, ...]]  # class -> its phrases (the fixed lists too)
    patterns: tuple[Pattern, ...]


def parse_rules(raw: object, path: Path, fixed: dict[str, tuple[str, ...]]
                ) -> AccusationRules:
    """routing.yaml's `accusation:` section (and the fixed lists, `fixed`), checked; every
    problem names the field."""
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise OfficesError(f"{path}: field 'accusation': expected a mapping with 'words' "
                           f"and 'patterns'")
    words = raw.get("words") or {}
    if not isinstance(words, dict):
        raise OfficesError(f"{path}: field 'accusation.words': expected a mapping of "
                           f"classes to lists of words")
    classes: dict[str, tuple[str, ...]] = {}
    for name, phrases in words.items():
        if not isinstance(phrases, list) or not phrases:
            raise OfficesError(f"{path}: field 'accusation.words.{name}': expected a list "
                               f"of words")
        classes[str(name)] = words_of(phrases)
    for name in (*FIXED, *BUILT_IN):
        if name in classes:
            raise OfficesError(f"{path}: field 'accusation.words.{name}': {name!r} is the "
                               f"list of the same name above, or found without words")
        classes[name] = tuple(fixed.get(name, ()))
    for name in BUILT_IN:
        classes[name] = ()
    patterns = [Pattern(name, (frozenset({name}),), 0, money, sure)
                for name, (money, sure) in FIXED.items()]
    listed = raw.get("patterns") or []
    if not isinstance(listed, list):
        raise OfficesError(f"{path}: field 'accusation.patterns': expected a list")
    for i, item in enumerate(listed):
        patterns.append(_pattern(item, i, classes, path))
    return AccusationRules(classes=classes, patterns=tuple(patterns))


def _pattern(item: object, i: int, classes: dict, path: Path) -> Pattern:
    where = f"{path}: field 'accusation.patterns': item {i + 1}"
    if not isinstance(item, dict) or not item.get("name") or not item.get("when"):
        raise OfficesError(f"{where}: needs 'name' and 'when' (a list of classes)")
    places = []
    for place in item["when"]:
        accepted = frozenset(str(place).split("|"))
        unknown = sorted(accepted - set(classes))
        if unknown:
            raise OfficesError(f"{where} ({item['name']}): unknown class(es) "
                               f"{', '.join(unknown)}; classes are {', '.join(classes)}")
        places.append(accepted)
    gap = item.get("gap", 0)
    if isinstance(gap, bool) or not isinstance(gap, int) or gap < 0:
        raise OfficesError(f"{where} ({item['name']}): 'gap' must be a whole number >= 0")
    unless = item.get("unless")
    if unless is not None and unless not in classes:
        raise OfficesError(f"{where} ({item['name']}): 'unless': unknown class {unless!r}")
    return Pattern(str(item["name"]), tuple(places), gap, bool(item.get("money")),
                   bool(item.get("sure")), unless)


def amounts(tokens: Sequence[str]) -> list[Hit]:
    """The tokens that are amounts of money, as hits of the class `amount`."""
    out = []
    at = 0
    for i, token in enumerate(tokens):
        if _AMOUNT.fullmatch(token):
            out.append(Hit(at, at + len(token), token, ((LAYER, AMOUNT),), i, i + 1))
        at += len(token)
    return out


def find_wrongdoing(hits: Sequence[Hit], rules: AccusationRules,
                    taken: Sequence[tuple[int, int]] = (),
                    persons: Sequence[Hit] = (),
                    phrases: Sequence[Hit] = ()) -> list[Wrongdoing]:
    """The patterns found in `hits` (the accusation layer's hits of one text, and its
    `amounts`), in reading order. Hits inside a span of `taken` (tokens that name a
    person: the รับ|เงิน of คนรับเงิน) are not words of a pattern. `persons`: the people
    of ours the text names, the class `person` (ขอร้องเรียน|เจ้าหน้าที่). A pattern
    whose words all lie inside one of `phrases` (the main layer's) is that phrase's
    meaning, not an act: รับ|เงิน inside ช่องรับเงิน, a counter."""
    usable = [h for h in hits if not any(a <= h.first and h.last <= b for a, b in taken)]
    by_class: dict[str, list[Hit]] = {PERSON: list(persons)} if persons else {}
    for h in usable:
        for name in h.values(LAYER):
            by_class.setdefault(name, []).append(h)
    found: list[Wrongdoing] = []
    for pattern in rules.patterns:
        for start in _candidates(by_class, pattern.places[0]):
            chain = _extend(by_class, pattern, [start])
            if chain is None or _negated(by_class, start) or _cancelled(
                    by_class, pattern, chain) or any(
                    p.start <= chain[0].start and chain[-1].end <= p.end
                    and p.end - p.start > chain[-1].end - chain[0].start for p in phrases):
                continue
            found.append(Wrongdoing(pattern.name, tuple(h.phrase for h in chain),
                                    chain[0].first, chain[-1].last, pattern.money,
                                    pattern.sure))
            break  # one of each pattern is enough to say what the text does
    found.sort(key=lambda w: w.first)
    return found


def _candidates(by_class: dict[str, list[Hit]], place: frozenset[str]) -> list[Hit]:
    out = {h for name in place for h in by_class.get(name, ())}
    return sorted(out, key=lambda h: (h.first, h.start))


def _extend(by_class, pattern: Pattern, chain: list[Hit]) -> list[Hit] | None:
    """The pattern's places filled in reading order after `chain`, nearest first."""
    if len(chain) == len(pattern.places):
        return chain
    last = chain[-1]
    for h in _candidates(by_class, pattern.places[len(chain)]):
        if h.start < last.end:
            continue
        if h.first - last.last > pattern.gap:  # in words (รับ|เงิน may be one word)
            break
        done = _extend(by_class, pattern, [*chain, h])
        if done is not None:
            return done
    return None


def _negated(by_class, start: Hit) -> bool:
    return any(n.end <= start.start and start.first - n.last <= NEGATION_BEFORE
               for n in by_class.get(NEGATION, ()))


def _cancelled(by_class, pattern: Pattern, chain: list[Hit]) -> bool:
    if pattern.unless is None:
        return False
    first, last = chain[0].first - UNLESS_AROUND, chain[-1].last + UNLESS_AROUND
    return any(first <= h.first < last for h in by_class.get(pattern.unless, ()))
