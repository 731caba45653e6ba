"""People named by what they were doing: a word for a person shortly before an office's
matter ("คน|จัดงาน|กีฬาตำบล", "พี่|ที่|มา|ซ่อม|ไฟถนน") or before the organization
("คนขับรถตู้|ของ อบต.").

people.py puts together the forms the data lists (คน + เก็บภาษี); villagers name people
by whatever they saw them do, and no list holds every such form. A person near a matter
is only a guess at whose people they are, so the router uses it on the safe side alone:
when the text describes wrongdoing, the office of that matter is kept from the case
(implicated), never the other way round (a person near a matter in a plain grievance
changes nothing). A person near the organization whose office nothing tells is "ours,
office unknown": the office the text is about is kept from the case, and with no such
office the default one (whose general staff they most likely are).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from handlers.routing.matcher import Hit
from handlers.routing.offices import OfficesError, words_of

# The tag of a near person: ("near", office id), "" when only the organization is named,
# ORG_ROLE when a role (คนขับ, คนดูแล, กรรมการ) is named with the organization.
NEAR = "near"
ORG = ""
ORG_ROLE = "*"


@dataclass(frozen=True)
class NearRules:
    words: tuple[str, ...] = ()  # words for a person, besides people_forms.before
    generic: tuple[str, ...] = ()  # of those, the ones that say only "an official"
    gap: int = 3  # the most words between the person and the matter


def parse_near(raw: object, path: Path) -> NearRules:
    if raw is None:
        return NearRules()
    if not isinstance(raw, dict):
        raise OfficesError(f"{path}: field 'near_people': expected 'words' and 'gap'")
    words = raw.get("words") or []
    if not isinstance(words, list):
        raise OfficesError(f"{path}: field 'near_people.words': expected a list of words")
    generic = raw.get("generic") or []
    if not isinstance(generic, list):
        raise OfficesError(f"{path}: field 'near_people.generic': expected a list of words")
    gap = raw.get("gap", NearRules.gap)
    if isinstance(gap, bool) or not isinstance(gap, int) or gap < 0:
        raise OfficesError(f"{path}: field 'near_people.gap': a whole number >= 0")
    return NearRules(words_of(words), words_of(generic), gap)


def find_near(parts: Sequence[Hit], main: Sequence[Hit], tokens: Sequence[str],
              gap: int, weak: frozenset[str] = frozenset()) -> list[Hit]:
    """The near persons of a text: each word for a person of `parts` (tagged `before` or
    `near_word`) that begins a word, followed within `gap` words by a subject of `main`,
    a title or work of `parts` (that office) or an `after` word (the organization). A
    subject of `weak` says where (โต๊ะ, ถนน, วัด), not whose people."""
    starts, ends = set(), set()
    at = 0
    for token in tokens:
        starts.add(at)
        at += len(token)
        ends.add(at)
    # a word for a person inside another phrase is none (คน of คนแก่, a subject); inside
    # a person it still is (คน|คุมงาน|แข่งฟุตบอล: the one running the match)
    inside = [(h.start, h.end) for h in main
              if not any(h.has(c) for c in ("people", "staff", "name"))]
    persons = [h for h in parts if (h.has("before") or h.has("near_word") or h.has("generic"))
               and h.start in starts
               and not any(a <= h.start and h.end <= b and b - a > h.end - h.start
                           for a, b in inside)]
    targets: list[tuple[Hit, str]] = []
    for h in main:
        if h.phrase not in weak:
            targets += [(h, office) for office in h.values("subject")]
    for h in parts:
        targets += [(h, office) for office in (*h.values("title"), *h.values("work"))]
        if h.has("after"):
            targets.append((h, None))
    out: list[Hit] = []
    seen: set[tuple[int, str]] = set()
    for p in persons:
        for t, office in targets:
            if office is None:
                office = ORG if p.has("generic") else ORG_ROLE
            if t.start < p.end or (p.start, office) in seen:
                continue
            if p.end not in ends and t.start != p.end:  # คน|แก่: no person
                continue
            if t.first - p.last > gap:
                continue
            seen.add((p.start, office))
            out.append(Hit(p.start, t.end, f"{p.phrase} … {t.phrase}", ((NEAR, office),),
                           p.first, t.last))
    # the organization tells nothing of a person whose office is told otherwise: by a
    # matter near them, or by the person named around them (ช่าง|ของ อบต., คนคุมงาน)
    known = [(h.start, h.end) for h in out if h.values(NEAR)[0] not in (ORG, ORG_ROLE)]
    known += [(h.start, h.end) for h in main
              if h.values("people") or h.values("name")]
    known += [(h.start, h.end) for h in parts if h.values("title") or h.values("work")]
    out = [h for h in out if h.values(NEAR)[0] not in (ORG, ORG_ROLE)
           or not any(a <= h.start < b for a, b in known)]
    return sorted(out, key=lambda h: (h.first, h.start))
