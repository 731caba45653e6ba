"""What a complaint is about: the offices whose matters it names, scored.

Two kinds of evidence, added up per office:

- the routing words (offices.yaml `subjects`, and at half weight an office's names and
  people); the words of routing.yaml's `weak_subjects` (วัด, โรงเรียน, คนแก่, ซอย: where
  a thing happened or to whom, more often than what) count `WEAK` of a word;
- the service manual: the manual search (handlers/manual, with its synonyms and typo
  mending) ranks its entries for the text, and each of the best few that scores at least
  `floor` adds `weight` times its score to the entry's office. routing.yaml's `manual:`
  section sets both and names entries that say nothing about a subject (how to complain).
  An office counts its best entry only, not the sum of several.

The words are the clerk's, the manual knows phrasing the words do not (ไฟทาง, ขี้เหยื้อ
through synonyms, whole examples through its n-grams); one incidental word does not
outweigh both.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from handlers.routing.matcher import Hit
from handlers.routing.offices import OfficesError

WEIGHTS = {"subject": 1.0, "name": 0.5, "people": 0.5}
WEAK = 1 / 3
# How many of the manual's best entries may speak for an office.
MANUAL_TOP = 3


@dataclass(frozen=True)
class ManualUse:
    weight: float = 1.0
    floor: float = 0.45
    ignore: frozenset[str] = frozenset()


def parse_manual_use(raw: object, path: Path) -> ManualUse:
    if raw is None:
        return ManualUse()
    if not isinstance(raw, dict):
        raise OfficesError(f"{path}: field 'manual': expected weight, floor and ignore")
    try:
        weight = float(raw.get("weight", ManualUse.weight))
        floor = float(raw.get("floor", ManualUse.floor))
    except (TypeError, ValueError) as bad:
        raise OfficesError(f"{path}: field 'manual': weight and floor are numbers") from bad
    ignore = raw.get("ignore") or []
    if not isinstance(ignore, list):
        raise OfficesError(f"{path}: field 'manual.ignore': expected a list of entry ids")
    return ManualUse(weight, floor, frozenset(str(i) for i in ignore))


@dataclass
class Subjects:
    """Each office's score, the words that gave it, and the manual entries that did."""

    scores: dict[str, float] = field(default_factory=dict)
    words: dict[str, list[str]] = field(default_factory=dict)
    entries: dict[str, list[str]] = field(default_factory=dict)  # office -> entry titles
    first_seen: dict[str, int] = field(default_factory=dict)

    def add(self, office: str, score: float, at: int) -> None:
        self.scores[office] = self.scores.get(office, 0.0) + score
        self.first_seen.setdefault(office, at)

    def ranked(self) -> list[str]:
        """Offices best first (on a tie, the one named first)."""
        return sorted(self.scores, key=lambda o: (-self.scores[o],
                                                  self.first_seen.get(o, 1 << 30)))

    @property
    def best(self) -> str | None:
        ranked = self.ranked()
        return ranked[0] if ranked else None


def score_subjects(hits: Sequence[Hit], weak: frozenset[str], manual,
                   use: ManualUse, text: str, offices: Sequence[str],
                   places: Sequence[tuple[int, int]] = ()) -> Subjects:
    """The offices `text` is about: from the routing words among `hits` (the main layer)
    and from `manual` (a ManualIndex, or None). A subject right after a word of place
    (`places`, token spans: หน้า|โรงเรียน, ข้าง|วัด) says where, and counts as weak."""
    found = Subjects()
    after_place = {last for _first, last in places}
    for h in hits:
        for category, office in h.tags:
            weight = WEIGHTS.get(category)
            if weight is None:
                continue
            if category == "subject" and (h.phrase in weak or h.first in after_place):
                weight *= WEAK
            found.add(office, weight, h.start)
            if category == "subject":
                words = found.words.setdefault(office, [])
                if h.phrase not in words:
                    words.append(h.phrase)
    if manual is not None and manual.entries and use.weight:
        _add_manual(found, manual, use, text, set(offices))
    return found


def _add_manual(found: Subjects, manual, use: ManualUse, text: str, offices: set[str]
                ) -> None:
    order, fused, _info = manual.rank(text)
    n = len(manual.entries)
    taken = 0
    for i in order:
        if taken >= MANUAL_TOP or fused[i] < use.floor:
            break
        if i >= n:  # another agency's service, or a topic nobody answers
            continue
        taken += 1
        entry = manual.entries[i]
        office = entry.get("office")
        if entry["id"] in use.ignore or office not in offices:
            continue
        titles = found.entries.setdefault(office, [])
        if not titles:  # an office's best entry speaks for it, not the sum of several
            # after every word of the text: a tie still goes to the office named first
            found.add(office, use.weight * fused[i], 1 << 20)
        titles.append(entry["title"])


ManualProvider = Callable[[], object]
