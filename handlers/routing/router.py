"""Which office a case goes to, and which offices may never see it.

The rules, in the order they are applied:

1. What the text says (handlers/routing/accusation.py, people.py, subjects.py): the
   wrongdoing it describes (patterns: verb + money, a bribe's name, refusing a request,
   rudeness ...), the people it names (an office's people in every form villagers use,
   a word for an official, an executive, someone outside the organization), and the
   offices whose matters it is about (the routing words and the service manual).
2. Accused: the text accuses someone of ours when it describes wrongdoing beside a person
   of ours or a word for an official, or wrongdoing that is sure alone (เรียกเงิน, สินบน).
   An executive, the ปลัด or a council member named in a grievance or a corruption
   complaint is accused even without such words, unless the text only addresses them
   ("ฝากถึงท่านนายก") or passes on what they said. A corruption complaint accuses someone
   of ours whatever its words, unless it names only someone outside. Unsure: wrongdoing
   that needs a person with nobody named, a person of ours, a word for an official or
   an office named with no wrongdoing (in text of any kind; not when the text thanks or
   praises them, or asks them to come and help), or an executive named in text of no
   chosen kind. The flow then asks the citizen one question; until answered,
   routing.yaml's `when_unsure` says what the text is taken for (an accusation: nobody
   accused sees it).
3. Implicated: when the text accuses, each office whose people or name it names; a word
   for an official, or wrongdoing with nobody named, implicates the office the text is
   about. On the safe side (near.py): the office of a matter a word for a person stood
   a few words before ("คน|จัดงาน|กีฬาตำบล"); for a role of the organization whose office
   nothing tells ("คนขับรถตู้|ของ อบต."), also the default office; when unsure or nobody
   is named by office, each office whose people's work or titles the text names. An
   accused executive implicates every office inside the organization.
4. Kind: the citizen's choice wins. With no choice, money asked for, taken, cut or kept
   makes it a corruption complaint, anything else a grievance. A grievance with such money
   is raised to corruption (`raised_to_corruption`; the flow asks to confirm).
5. Office: executives accused -> oversight. Corruption -> the first office of the
   corruption chain not implicated (palad's centre, else chief, else oversight). An
   accusation -> the first office of the fallback chain not implicated (the complaint
   centre). A complaint about people outside (a headman, the police) -> the default
   office (the complaint centre), the citizen told who can act on them. Anything else
   -> the office the text is about (palad when none).

Whatever the data says, the office chosen is never an implicated one: `route` checks it
last and raises rather than return such a decision.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from handlers.manual.org_index import index_for_org
from handlers.manual.schema import ManualError
from handlers.routing.accusation import LAYER as ACCUSATION
from handlers.routing.accusation import Wrongdoing, amounts, find_wrongdoing
from handlers.routing.matcher import MAIN, Hit, PhraseMatcher
from handlers.routing.near import NEAR, ORG, ORG_ROLE, find_near
from handlers.routing.offices import (
    KINDS,
    OFFICES_FILE,
    Office,
    PhraseConflict,
    parse_offices,
    read_offices_file,
)
from handlers.routing.people import LAYER as PEOPLE_PARTS
from handlers.routing.people import compose, merge
from handlers.routing.people import parts as people_parts
from handlers.routing.rules import ROUTING_FILE, RoutingRules, load_rules
from handlers.routing.subjects import Subjects, score_subjects
from handlers.texts import text
from handlers.thai import clean

# How many words may stand between a request and the person asked ("ขอ|เรือ|กับ|
# ทีมกู้ภัย มาช่วย").
ASKED_WITHIN = 2
# Categories of the main layer that name a person.
PERSONS = ("people", "name", "executive", "outside", "staff", "not_ours")


@dataclass
class RoutingDecision:
    """Where a case goes and why.

    Besides the office: `accusation` is True when the decision treats the text as
    accusing someone of the organization (then no implicated office receives it);
    `accusation_unsure` when the text alone does not tell (ask the citizen "เรื่องนี้
    เกี่ยวกับเจ้าหน้าที่เรียกรับเงินหรือใช้อำนาจไม่ถูกต้องหรือไม่" and route again with
    `accusation=` the answer, which `accusation_answer` echoes); `money` when money or
    things were asked for, taken, cut or kept; `wrongdoing` the words that showed it;
    `subjects` the offices whose matters the text names, best first; `outside` the
    outside bodies (district, police) that can act on people the text names.

    A text "reports something" (a grievance or an accusation worth filing, issue 17) when
    `reports_something`: it accuses, may accuse, names a matter of an office, or names
    someone outside. Whether it is a question rather than a report is the caller's call.
    """

    office: str
    kind: str
    implicated: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    raised_to_corruption: bool = False
    outside_bodies: list[dict] = field(default_factory=list)
    chosen_kind: str | None = None  # what the citizen chose, None when inferred
    executives: list[str] = field(default_factory=list)  # executive titles accused
    accusation: bool = False
    accusation_unsure: bool = False
    accusation_answer: bool | None = None
    money: bool = False
    wrongdoing: list[str] = field(default_factory=list)
    subjects: list[str] = field(default_factory=list)
    outside: list[dict] = field(default_factory=list)

    @property
    def reports_something(self) -> bool:
        return bool(self.accusation or self.accusation_unsure or self.subjects
                    or self.outside or self.executives)

    def as_json(self) -> dict:
        return {
            "office": self.office,
            "kind": self.kind,
            "implicated": list(self.implicated),
            "reasons": list(self.reasons),
            "accusation": self.accusation,
            "accusation_unsure": self.accusation_unsure,
            "outside": [b["id"] for b in self.outside],
        }


@dataclass
class _Named:
    """Who a text names, each not merely addressed: (hit, office / group / body id)."""

    ours: list[tuple[Hit, str]] = field(default_factory=list)  # an office's people
    offices: list[tuple[Hit, str]] = field(default_factory=list)  # an office by its name
    executives: list[tuple[Hit, str]] = field(default_factory=list)
    staff: list[Hit] = field(default_factory=list)
    outside: list[tuple[Hit, str]] = field(default_factory=list)
    others: list[Hit] = field(default_factory=list)  # outside people no body answers for
    # people named by what they were doing near an office's matter, or near the
    # organization (office ORG): ours only when the text describes wrongdoing (near.py)
    near: list[tuple[Hit, str]] = field(default_factory=list)

    @property
    def anyone_outside(self) -> bool:
        return bool(self.outside or self.others)

    @property
    def officials(self) -> list[Hit]:
        """Words for an official that are not also a matter (พนักงานจ้าง: a job)."""
        return [h for h in self.staff if not h.has("subject")]

    @property
    def anyone_of_ours(self) -> bool:
        return bool(self.ours or self.offices or self.executives or self.staff or self.near)


@dataclass
class _Reading:
    """What the text is taken to say about wrongdoing."""

    accused: bool
    unsure: bool
    money: bool
    wrongs: list[Wrongdoing]


class Router:
    def __init__(self, offices: dict[str, Office], rules: RoutingRules, org_dir: Path,
                 manual=None):
        self.offices = offices
        self.rules = rules
        self.org_dir = org_dir
        self.internal = tuple(o for o in offices if o != rules.oversight_office)
        self._exec_labels = {group: label for group, label, _ in rules.executives}
        self._outside = {body.id: body for body in rules.outside}
        self._weak = frozenset(rules.words.get("weak_subjects", ()))
        # The manual index, asked for on each routing (the service's cache keeps it).
        self._manual = manual if manual is not None else _files_manual(org_dir)
        matcher = PhraseMatcher()
        self._matcher = matcher
        spellable: list[str] = []
        for office in offices.values():
            for phrase in office.subjects:
                matcher.add(phrase, ("subject", office.id))
            for phrase in office.names:
                matcher.add(phrase, ("name", office.id))
            for phrase in office.people:
                matcher.add(phrase, ("people", office.id))
            spellable += [*office.subjects, *office.names, *office.people]
        for phrase, tag in people_parts(offices.values(), rules.people_forms):
            matcher.add(phrase, tag, PEOPLE_PARTS, segments=False)
        for phrase in rules.near.words:
            matcher.add(phrase, ("near_word", ""), PEOPLE_PARTS, segments=False)
        for phrase in rules.near.generic:
            matcher.add(phrase, ("generic", ""), PEOPLE_PARTS, segments=False)
        matcher.overlapping(PEOPLE_PARTS)
        matcher.syllabic(PEOPLE_PARTS)
        matcher.syllabic(ACCUSATION, keep_ours=True)
        for group, _label, titles in rules.executives:
            for phrase in titles:
                matcher.add(phrase, ("executive", group))
            spellable += titles
        for body in rules.outside:
            for phrase in body.titles:
                matcher.add(phrase, ("outside", body.id))
        for name, phrases in rules.words.items():
            if name in ("corruption", "misconduct"):
                continue  # in the accusation layer, as patterns of one word
            if name == "service":
                # matched where syllables end, as wrongdoing is (ใจ|ดีมาก holds ใจดี)
                for phrase in phrases:
                    matcher.add(phrase, ("service", ""), ACCUSATION)
                continue
            for phrase in phrases:
                matcher.add(phrase, (name, ""))
        for name, phrases in rules.accusation.classes.items():
            for phrase in phrases:
                matcher.add(phrase, (ACCUSATION, name), ACCUSATION)
        spellable += rules.words["corruption"]
        table = matcher.compile(spellable, self._composed_forms(offices, rules))
        self._check_conflicts(table)

    @staticmethod
    def _composed_forms(offices: dict[str, Office], rules: RoutingRules) -> set[str]:
        """The people forms the parts make, in the compact form a typo is mended to."""
        squeeze = {w: clean(w).replace(" ", "") for w in (
            *rules.people_forms.before, *rules.people_forms.after,
            *(w for o in offices.values() for w in (*o.titles, *o.work)))}
        out = set()
        for office in offices.values():
            for word in (*office.titles, *office.work):
                out.update(squeeze[b] + squeeze[word] for b in rules.people_forms.before)
            for title in office.titles:
                out.update(squeeze[title] + squeeze[a] for a in rules.people_forms.after)
        return out

    def with_manual(self, manual) -> Router:
        """This router asking `manual` (a function returning the manual index) instead:
        the service's index, with the console's edits of the manual."""
        other = copy.copy(self)
        other._manual = manual
        return other

    def _check_conflicts(self, table: dict) -> None:
        for _key, (phrase, tags) in table.items():
            for category in ("subject", "name", "people"):
                owners = sorted({v for c, v in tags if c == category})
                if len(owners) > 1:
                    raise PhraseConflict(
                        f"offices.yaml: field {category!r}: {phrase!r} is listed for several "
                        f"offices ({', '.join(owners)}); a phrase may belong to one office only",
                        phrase=phrase, category=category, offices=owners)
            people = {v for c, v in tags if c in ("people", "name")}
            if people and any(c == "executive" for c, _ in tags):
                raise PhraseConflict(
                    f"{ROUTING_FILE}: field 'executives': {phrase!r} is also people of "
                    f"office {sorted(people)[0]!r} in offices.yaml",
                    phrase=phrase, category="executive", offices=sorted(people))

    # --- the decision -------------------------------------------------------------

    def hits(self, text_: str) -> list[Hit]:
        """Every phrase found in `text_` (who and what it names, and the words of an
        accusation), in reading order."""
        tokens, layers = self._matcher.scan(text_)
        main = merge(layers[MAIN], compose(layers.get(PEOPLE_PARTS, []), tokens,
                                               self.rules.people_forms.between),
                     PERSONS)
        persons = [(h.first, h.last) for h in main if any(h.has(c) for c in PERSONS)]
        words = [h for h in layers.get(ACCUSATION, [])
                 if not any(a <= h.first and h.last <= b for a, b in persons)]
        return sorted([*main, *words], key=lambda h: (h.first, h.last))

    def manual(self):
        """The manual index routing consults (None when the organization has none)."""
        return self._manual()

    def route(self, text_: str, kind: str | None = None, *, allow_raise: bool = True,
              accusation: bool | None = None) -> RoutingDecision:
        """Decide the office for a case. `allow_raise=False` once the citizen declined
        to have a grievance raised to corruption. `accusation`: the citizen's answer when
        asked whether the text is about an official taking money or misusing power (asked
        when a decision had `accusation_unsure`); None when not asked."""
        if kind is not None and kind not in KINDS:
            raise ValueError(f"unknown kind {kind!r}; kinds are {', '.join(KINDS)}")
        tokens, layers = self._matcher.scan(text_ or "")
        hits = merge(layers[MAIN], compose(layers.get(PEOPLE_PARTS, []), tokens,
                                               self.rules.people_forms.between),
                     PERSONS)
        persons = [h for h in hits if any(h.has(c) for c in PERSONS)]
        near = find_near(layers.get(PEOPLE_PARTS, []), hits, tokens, self.rules.near.gap,
                         self._weak)
        wrongs = find_wrongdoing(
            [*layers.get(ACCUSATION, []), *amounts(tokens)], self.rules.accusation,
            [(h.first, h.last) for h in persons],
            [h for h in persons if h.has("people") or h.has("name") or h.has("staff")]
            + near,
            hits)
        named = self._named(hits, passing_on=not wrongs)
        named.near = [(h, h.values(NEAR)[0]) for h in near]
        works = self._works(layers.get(PEOPLE_PARTS, []))
        subjects = score_subjects(hits, self._weak, self.manual(), self.rules.manual,
                                  text_ or "", tuple(self.internal),
                                  [(h.first, h.last) for h in hits if h.has("place")])
        about = subjects.best
        reading = self._read(named, wrongs, kind, accusation,
                             any(h.has("service") for h in layers.get(ACCUSATION, [])))
        reasons: list[str] = []

        # kind
        raised = False
        if kind is None:
            final_kind = "corruption" if reading.money else "grievance"
        elif kind == "grievance" and reading.money and allow_raise:
            final_kind, raised = "corruption", True
        else:
            final_kind = kind
        reasons += self._wrong_reasons(reading)
        if raised:
            reasons.append(text("routing_reason_raised"))

        # implicated
        implicated, executives, mentions = self._implicated(named, reading, about, works)
        reasons.extend(dict.fromkeys(mentions))
        reasons += self._unsure_reasons(reading, accusation)

        # office
        if executives:
            office = self.rules.oversight_office
            reasons.append(text("routing_reason_to_oversight",
                                office=self.offices[office].name))
        elif final_kind == "corruption":
            office = self._first_free(self.rules.corruption_chain, implicated, reasons)
            reasons.append(text("routing_reason_corruption_office",
                                office=self.offices[office].name))
        elif reading.accused:
            # the case is about the conduct of our people: the complaint centre's
            # business, whatever the matter they were handling
            reasons.append(text("routing_reason_conduct"))
            office = self._first_free(self.rules.fallback_chain, implicated, reasons)
        elif named.outside:
            # about people outside (a headman, the police): the complaint centre keeps
            # the case and the citizen is told who can act on them
            office = self.rules.default_office
            reasons.append(text("routing_reason_outside_people",
                                office=self.offices[office].name))
        else:
            office = about if about is not None else self.rules.default_office
            if about is None:
                reasons.append(text("routing_reason_no_subject",
                                    office=self.offices[office].name))
        reasons[0:0] = self._subject_reasons(subjects, about)
        outside_bodies = []
        if office == self.rules.oversight_office:
            outside_bodies = [dict(b) for b in self.offices[office].outside_bodies]

        if office in implicated:  # the guarantee, whatever the data says
            raise AssertionError(f"routing chose implicated office {office!r}")
        return RoutingDecision(
            office=office,
            kind=final_kind,
            implicated=implicated,
            reasons=reasons,
            raised_to_corruption=raised,
            outside_bodies=outside_bodies,
            chosen_kind=kind,
            executives=executives,
            accusation=reading.accused or bool(executives),
            accusation_unsure=reading.unsure,
            accusation_answer=accusation if reading.unsure else None,
            money=reading.money,
            wrongdoing=[" … ".join(w.words) for w in reading.wrongs],
            subjects=subjects.ranked(),
            # who else can act: when the complaint is about people outside, not when they
            # only appear beside our accused people
            outside=[] if reading.accused else [self._outside[b].as_dict() for b in
                                                dict.fromkeys(b for _h, b in named.outside)],
        )

    def _named(self, hits: list[Hit], passing_on: bool) -> _Named:
        """Who the text names, less those it only addresses ("ฝากถึงท่านนายก") and, when
        it describes no wrongdoing (`passing_on`), an executive or someone outside whose
        words it passes on ("ส.อบต. บอกให้มาแจ้ง"). With wrongdoing, the one who said it
        did it ("เจ้าหน้าที่บอกว่าถ้าให้เงิน..."); and what our people said is what the
        citizen complains of ("คนคลังบอกเดี๋ยวทำให้ ... ถามทีไรบอกลืม"); our people's
        words are never taken as mere news ("เจ้าหน้าที่บอกว่าได้ทุน 3,000 แต่ให้เซ็น
        5,000" accuses in words no list holds). With no wrongdoing, a request to them
        ("ขอให้ทีมกู้ภัยมาช่วย", "ขอ|รถน้ำ|กับ|ทีมกู้ภัย") names nobody accused."""
        named = _Named()
        for i, h in enumerate(hits):
            above = h.has("executive") or h.has("outside")
            if not any(h.has(c) for c in PERSONS) or self._addressed(
                    hits, i, passing_on and above, passing_on and not above):
                continue
            for category, value in h.tags:
                if category == "people":
                    named.ours.append((h, value))
                elif category == "name":
                    named.offices.append((h, value))
                elif category == "executive":
                    named.executives.append((h, value))
                elif category == "outside":
                    named.outside.append((h, value))
            if h.has("staff") and not h.has("people"):
                named.staff.append(h)
            if h.has("not_ours"):
                named.others.append(h)
        return named

    def _read(self, named: _Named, wrongs: list[Wrongdoing], kind: str | None,
              answer: bool | None, praised: bool = False) -> _Reading:
        """Does the text accuse someone of ours; is it sure; is money involved."""
        sure = any(w.sure for w in wrongs)
        unsure = False
        if wrongs and named.anyone_of_ours:
            accused = True
        elif sure:
            # wrongdoing that accuses alone: an official nobody named, unless the text
            # names who did it and that is someone outside (ผู้ใหญ่บ้านเรียกเงิน)
            accused = not named.anyone_outside
        elif kind == "corruption" and (named.anyone_of_ours or not named.anyone_outside):
            # the citizen says someone did wrong; unless it is someone outside, it is one
            # of ours, whoever the words missed
            accused = True
        elif wrongs:
            accused, unsure = False, not named.anyone_outside
        elif named.executives:
            # named in a grievance or a corruption complaint: accused; in text of no
            # chosen kind, maybe ("นายกจะมาเปิดงานวันเด็กกี่โมง"): ask
            accused = kind in ("grievance", "corruption")
            unsure = kind is None
        elif (named.ours or named.officials or named.offices) and praised:
            # our people named, thanked or praised for their work, nothing wrong found
            accused = False
        elif named.ours or named.officials or named.offices:
            # our people, a word for an official or an office named, no wrongdoing found
            # (or only what is cancelled, such as asking for what people owe): whatever
            # the kind, ask (an official's "ไม่ว่าง" is a refusal no list holds)
            accused = kind == "corruption"
            unsure = not accused
        else:
            accused = False
        if unsure:
            accused = answer if answer is not None else (
                self.rules.when_unsure == "accusation")
        counted = [w for w in wrongs if w.sure or accused]
        return _Reading(accused, unsure, any(w.money for w in counted), counted)

    def _implicated(self, named: _Named, reading: _Reading, about: str | None,
                    works: list[tuple[Hit, str]] = ()
                    ) -> tuple[list[str], list[str], list[str]]:
        """(implicated offices, accused executive titles, mentions for the reasons).

        On the safe side, when the text accuses: the office of each matter a person was
        near (near.py); when it names nobody by office, or may not accuse at all, also
        each office whose people's work or titles it names (ภาษี, ขยะ, กู้ภัย), and the
        office it is about; an accused person of ours whose office nothing tells
        ("คนขับรถตู้ของ อบต.") keeps that office, or with none the default office, whose
        general staff they most likely are."""
        implicated: list[str] = []
        executives: list[str] = []
        mentions: list[str] = [
            text("routing_reason_mentions_outside", who=h.phrase, body=self._outside[body].name)
            for h, body in named.outside]
        if not reading.accused and not named.executives:
            return implicated, executives, mentions
        if reading.accused:
            for h, office in (*named.ours, *named.offices):
                if office not in implicated:
                    implicated.append(office)
                mentions.append(text("routing_reason_mentions", who=h.phrase,
                                     office=self.offices[office].name))
            unnamed = not (named.ours or named.offices or named.executives)
            if (named.staff or unnamed) and about is not None \
                    and about != self.rules.oversight_office and about not in implicated:
                implicated.append(about)
                who = named.staff[0].phrase if named.staff else text("routing_unnamed")
                mentions.append(text("routing_reason_mentions", who=who,
                                     office=self.offices[about].name))
            guessed = [(h, o) for h, o in named.near if o not in (ORG, ORG_ROLE)]
            if unnamed or reading.unsure:
                guessed += list(works)
            for h, office in guessed:
                if office in self.offices and office != self.rules.oversight_office \
                        and office not in implicated:
                    implicated.append(office)
                    mentions.append(text("routing_reason_mentions", who=h.phrase,
                                         office=self.offices[office].name))
            unknown = [(h, o) for h, o in named.near if o in (ORG, ORG_ROLE)]
            kept = [about] if about not in (None, self.rules.oversight_office) else []
            if any(o == ORG_ROLE for _h, o in unknown) or (unknown and not kept):
                kept.append(self.rules.default_office)
            for office in kept if unknown else ():
                if office not in implicated:
                    implicated.append(office)
                    mentions.append(text("routing_reason_mentions", who=unknown[0][0].phrase,
                                         office=self.offices[office].name))
        for h, group in named.executives:
            if not reading.accused:
                continue
            if h.phrase not in executives:
                executives.append(h.phrase)
            mentions.append(text("routing_reason_mentions_executive",
                                 who=h.phrase, group=self._exec_labels[group]))
        if executives:
            for office in self.internal:
                if office not in implicated:
                    implicated.append(office)
        return implicated, executives, mentions

    @staticmethod
    def _works(parts: list[Hit]) -> list[tuple[Hit, str]]:
        """The offices whose people's work or titles the text names, with the word."""
        return [(h, office) for h in parts
                for office in dict.fromkeys((*h.values("title"), *h.values("work")))]

    def _wrong_reasons(self, reading: _Reading) -> list[str]:
        out = []
        money = [" … ".join(w.words) for w in reading.wrongs if w.money]
        conduct = [" … ".join(w.words) for w in reading.wrongs if not w.money]
        if money:
            out.append(text("routing_reason_corruption_words", words=", ".join(money)))
        if conduct:
            out.append(text("routing_reason_misconduct_words", words=", ".join(conduct)))
        return out

    def _unsure_reasons(self, reading: _Reading, answer: bool | None) -> list[str]:
        if not reading.unsure:
            return []
        if answer is not None:
            return [text("routing_reason_answer_yes" if answer else "routing_reason_answer_no")]
        return [text("routing_reason_unsure_accused" if reading.accused
                     else "routing_reason_unsure_subject")]

    def _subject_reasons(self, subjects: Subjects, about: str | None) -> list[str]:
        if about is None:
            return []
        out = []
        if subjects.words.get(about):
            out.append(text("routing_reason_subject",
                            subject=", ".join(subjects.words[about][:3])))
        if subjects.entries.get(about):
            out.append(text("routing_reason_manual",
                            entries=", ".join(subjects.entries[about][:2])))
        return out

    @staticmethod
    def _addressed(hits: list[Hit], i: int, passing_on: bool, asking: bool = False) -> bool:
        """The text only addresses the person ("ฝากนายช่าง...") or (with `passing_on`)
        passes on what they said ("ส.อบต. บอกให้มาแจ้ง...") or asks them for a service
        ("ขอให้ทีมกู้ภัยมาช่วย") when the text describes no wrongdoing (`asking`)."""
        before = hits[i - 1] if i > 0 else None
        after = hits[i + 1] if i + 1 < len(hits) else None
        if before is not None and before.last == hits[i].first and before.has(
                "addressing_before"):
            return True
        if asking and any(h.has("requesting_before") and 0 <= hits[i].first - h.last
                          <= ASKED_WITHIN for h in hits[max(0, i - 3):i]):
            return True
        return passing_on and after is not None and after.first == hits[i].last \
            and after.has("addressing_after")

    def _first_free(self, chain: tuple[str, ...], implicated: list[str],
                    reasons: list[str]) -> str:
        for office in chain:
            if office not in implicated:
                return office
            reasons.append(text("routing_reason_skip_implicated",
                                office=self.offices[office].name))
        return self.rules.oversight_office

    # --- what others ask --------------------------------------------------------

    def reroute_allowed(self, decision_or_implicated: RoutingDecision | list[str] | tuple,
                        target_office: str) -> bool:
        """May a supervisor move the case to `target_office`? Never into an implicated
        office, never to an office that does not exist."""
        if isinstance(decision_or_implicated, RoutingDecision):
            implicated = decision_or_implicated.implicated
        else:
            implicated = list(decision_or_implicated or [])
        return target_office in self.offices and target_office not in implicated

    def outside_bodies_message(self, decision: RoutingDecision) -> str:
        """What the citizen is told when the case leaves the organization, or when it is
        about people outside (a headman, the police) whom other bodies oversee."""
        if decision.outside and not decision.outside_bodies:
            lines = [text("routing_outside_people_intro")]
            lines += [text("routing_outside_body", name=b["name"], how=b["how"])
                      for b in decision.outside]
            return "\n".join(lines)
        bodies = decision.outside_bodies or [
            dict(b) for b in self.offices[self.rules.oversight_office].outside_bodies
        ]
        lines = [text("routing_outside_intro",
                      who=", ".join(decision.executives) or text("routing_outside_someone"))]
        lines += [text("routing_outside_body", name=b["name"], how=b["how"]) for b in bodies]
        lines.append(text("routing_outside_direct"))
        return "\n".join(lines)


def build_router(org_dir: str | Path, raw_offices: object | None = None) -> Router:
    """A router over `raw_offices` (offices.yaml's content; default: read the file) and the
    folder's routing.yaml, every check applied; raises OfficesError (PhraseConflict)."""
    org_dir = Path(org_dir)
    if raw_offices is None:
        raw_offices = read_offices_file(org_dir)
    offices = parse_offices(raw_offices, org_dir / OFFICES_FILE)
    rules = load_rules(org_dir / ROUTING_FILE, offices)
    return Router(offices, rules, org_dir)


@lru_cache(maxsize=8)
def _load_router(folder: str) -> Router:
    return build_router(Path(folder))


def load_router(org_dir: str | Path | None = None) -> Router:
    """The router for the organization in `org_dir` (default: the default organization),
    loaded once per folder, from its files only. Routing a case uses
    `handlers.routing.edits.router_for`, which adds what an admin changed in the console."""
    if org_dir is None:
        from data import DEFAULT_ORG_DIR

        org_dir = DEFAULT_ORG_DIR
    return _load_router(str(Path(org_dir).resolve()))


def _files_manual(org_dir: Path):
    """The manual index of the organization's files, built on first use and cached per
    folder (handlers/manual/org_index.py); None for a folder without a manual."""

    def manual():
        if not (Path(org_dir) / "manual").is_dir():
            return None
        try:
            return index_for_org(Path(org_dir))
        except ManualError:
            return None

    return manual

