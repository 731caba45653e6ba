"""The words villagers use for an office's people, put together from the data.

offices.yaml gives each office its `people` (titles as written: ผอ.กองคลัง, นายช่าง), its
`titles` (what villagers call its people: ช่าง, ครูพี่เลี้ยง) and its `work` (what they do:
เก็บภาษี, แจกเบี้ย). routing.yaml's `people_forms` gives the words said before (ผอ., หัวหน้า,
คน, จนท., พี่, ป้า, อ้าย ...) and after (ของ อบต., อบต.เฮา). An office's people are its
`people`, any `before` word before one of its titles or works (ผอ.ช่าง, คนเก็บภาษี,
ป้าแจกเบี้ย; with words of `between` only between: พี่ที่ห้องการเงิน), and any of its
titles right before an `after` word
(ช่างของ อบต.). A title or a work alone is not a person: ช่าง alone may be anyone's
mechanic, ภาษี alone is a subject.

The forms are put together where a text has the parts (`compose`), not listed ahead:
fifty words before a hundred and fifty works would be thousands of phrases to load. A
work two offices list makes a person of both (both are implicated when accused).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from handlers.routing.matcher import Hit
from handlers.routing.offices import Office, OfficesError, words_of
from handlers.thai import clean

LAYER = "people_parts"
# The most words between a word for a person and its title or work.
GAP = 3


@dataclass(frozen=True)
class PeopleForms:
    before: tuple[str, ...] = ()
    after: tuple[str, ...] = ()
    between: frozenset[str] = frozenset()


def parse_people_forms(raw: object, path: Path) -> PeopleForms:
    if raw is None:
        return PeopleForms()
    if not isinstance(raw, dict):
        raise OfficesError(f"{path}: field 'people_forms': expected 'before' and 'after' lists")
    lists = {}
    for name in ("before", "after", "between"):
        value = raw.get(name) or []
        if not isinstance(value, list):
            raise OfficesError(f"{path}: field 'people_forms.{name}': expected a list of words")
        lists[name] = words_of(value)
    return PeopleForms(lists["before"], lists["after"],
                       frozenset(clean(w).replace(" ", "") for w in lists["between"]))


def parts(offices: Iterable[Office], forms: PeopleForms) -> list[tuple[str, tuple[str, str]]]:
    """The phrases of the parts layer with their tags: (phrase, (part, office or ""))."""
    out: list[tuple[str, tuple[str, str]]] = []
    out += [(w, ("before", "")) for w in forms.before]
    out += [(w, ("after", "")) for w in forms.after]
    for office in offices:
        out += [(w, ("title", office.id)) for w in office.titles]
        out += [(w, ("work", office.id)) for w in office.work]
    return out


def forms_of(office: Office, forms: PeopleForms) -> list[str]:
    """Every way `office`'s people are named, its own `people` first (for tests and for
    mending typos: the router composes them from the parts)."""
    out = dict.fromkeys(office.people)
    for word in (*office.titles, *office.work):
        for before in forms.before:
            out.setdefault(f"{before}{word}")
    for title in office.titles:
        for after in forms.after:
            out.setdefault(f"{title}{after}")
    return list(out)


def compose(found: Sequence[Hit], tokens: Sequence[str], between: frozenset[str]
            ) -> list[Hit]:
    """People put together from the parts layer's hits (every part found, overlapping
    ones too): a `before` word before a title or a work, right before it or with at most
    `GAP` words of `between` between (พี่|ที่|ห้อง|การเงิน, ลุง|ที่|ดูแลประปา: not ลุง|ไป|
    รับ|เบี้ย, an uncle collecting his allowance); a title right before an `after` word.
    A word for a person begins a word of the text (อา of ผู้สูง|อา|ยุ is none)."""
    word_at: dict[int, str] = {}  # where each word of the text begins -> the word
    at = 0
    for token in tokens:
        word_at[at] = token
        at += len(token)
    made: list[Hit] = []
    for a in found:
        if a.has("before") and a.start not in word_at:
            continue
        for b in found:
            if b.start < a.end:
                continue
            gap = b.first - a.last
            if b.start > a.end and not (a.has("before") and 0 <= gap <= GAP
                                        and _only(word_at, a.end, b.start, between)):
                continue
            offices: list[str] = []
            if a.has("before"):
                offices += b.values("title") + b.values("work")
            if b.has("after") and b.start == a.end:
                offices += a.values("title")
            if offices:
                tags = tuple(("people", o) for o in dict.fromkeys(offices))
                joined = b.start == a.end
                made.append(Hit(a.start, b.end, a.phrase + ("" if joined else " … ") + b.phrase,
                                tags, a.first, b.last, 0 if joined else gap + 1,
                                (a.end, b.start)))
    # Where two overlap the text may be read either way (หนุ่ม|การเจ้าหน้าที่|ถุงยังชีพ:
    # a young man of personnel, or an official of relief bags): both stay, and both
    # offices are kept from the case if it accuses. Of two that start together, the one
    # with its parts closest stays (นาย|ช่าง ไฟ rather than นาย ... ไฟ).
    made.sort(key=lambda h: (h.gap, h.start - h.end, h.start))
    out: list[Hit] = []
    for h in made:
        if not any(o.start == h.start and o.gap < h.gap for o in out):
            out.append(h)
    return sorted(out, key=lambda h: (h.first, h.start))


def merge(main: Sequence[Hit], people: Sequence[Hit], persons: Sequence[str]) -> list[Hit]:
    """The main layer's hits with the composed people put in. A composed person gives way
    to a person of the main layer (categories `persons`) at least as long (นายช่าง as
    listed) but not one that is merely its first part (เจ้าหน้าที่ of เจ้าหน้าที่|ที่|
    รับเรื่องร้องเรียน); one whose parts are apart gives way to any person it overlaps
    beyond its parts; otherwise it pushes out the persons it overlaps; what else the main layer
    found stays (คน|แจก|เบี้ย|คนพิการ names a person and the subject เบี้ยคนพิการ)."""
    if not people:
        return list(main)

    def person(h: Hit) -> bool:
        return any(h.has(c) for c in persons)

    def gives_way(p: Hit, m: Hit) -> bool:
        if not (person(m) and _overlap(m, p)):
            return False
        within_first = p.start <= m.start and m.end <= p.joint[0]  # เจ้าหน้าที่|ที่|...
        within_last = p.joint[1] <= m.start and m.end <= p.end     # ...|หน้าห้องปลัด
        if p.gap and not (within_first or within_last):
            return True
        return m.end - m.start >= p.end - p.start and not within_first

    kept_people = [p for p in people if not any(gives_way(p, m) for m in main)]
    kept_main = [m for m in main
                 if not (person(m) and any(_overlap(m, p) for p in kept_people))]
    return sorted([*kept_main, *kept_people], key=lambda h: (h.first, h.last))


def _only(word_at: dict[int, str], start: int, end: int, between: frozenset[str]) -> bool:
    """The text from `start` to `end` is whole words, each of `between`."""
    at = start
    while at < end:
        word = word_at.get(at)
        if word is None or word not in between:
            return False
        at += len(word)
    return at == end


def _overlap(a: Hit, b: Hit) -> bool:
    return a.start < b.end and b.start < a.end
