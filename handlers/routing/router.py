"""Which office a case goes to, and which offices may never see it.

The rules (issue 5), in the order they are applied:

1. Kind: the citizen's choice wins. With no choice, corruption words make it a
   corruption complaint, anything else a grievance. A grievance whose text describes
   bribery, kickbacks, fake receipts, bid rigging and the like is raised to corruption
   (`raised_to_corruption`), and the flow asks the citizen to confirm.
2. Implicated: the people a text names are implicated when the text accuses them (it is
   a corruption complaint, or it contains corruption or misconduct words). Each office
   whose people or name are named is implicated; a bare "เจ้าหน้าที่" implicates the office
   the text is about. A person (an officer by title, an executive, the ปลัด, a council
   member) named in a grievance is accused even without such words, unless the text only
   addresses them ("ฝากถึงท่านนายก") or passes on what they said. An accused executive
   implicates every office inside the organization: none reviews a complaint about its
   superiors.
3. Office: executives implicated -> oversight. Corruption -> the first office of the
   corruption chain not implicated (palad's centre, else chief, else oversight). Anything
   else -> the office whose subjects the text is about (palad when none); but when the
   text accuses our people, it is a complaint about their conduct and goes to the first
   office of the fallback chain not implicated (palad's complaint centre, else chief).

Whatever the data says, the office chosen is never an implicated one: `route` checks it
last and raises rather than return such a decision.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from handlers.routing.matcher import Hit, PhraseMatcher
from handlers.routing.offices import (
    KINDS,
    OFFICES_FILE,
    Office,
    OfficesError,
    PhraseConflict,
    parse_offices,
    read_offices_file,
)
from handlers.texts import text

ROUTING_FILE = "routing.yaml"
_WORD_LISTS = (
    "not_ours", "staff", "corruption", "misconduct", "addressing_before", "addressing_after",
)


@dataclass
class RoutingDecision:
    office: str
    kind: str
    implicated: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    raised_to_corruption: bool = False
    outside_bodies: list[dict] = field(default_factory=list)
    chosen_kind: str | None = None  # what the citizen chose, None when inferred
    executives: list[str] = field(default_factory=list)  # executive titles accused

    def as_json(self) -> dict:
        return {
            "office": self.office,
            "kind": self.kind,
            "implicated": list(self.implicated),
            "reasons": list(self.reasons),
        }


@dataclass(frozen=True)
class RoutingRules:
    default_office: str
    corruption_chain: tuple[str, ...]
    fallback_chain: tuple[str, ...]
    oversight_office: str
    executives: tuple[tuple[str, str, tuple[str, ...]], ...]  # (group, label, titles)
    words: dict[str, tuple[str, ...]]


def _load_rules(path: Path, offices: dict[str, Office]) -> RoutingRules:
    if not path.is_file():
        raise OfficesError(f"{path}: file is missing")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as bad:
        raise OfficesError(f"{path}: not valid YAML: {bad}") from bad
    if not isinstance(raw, dict):
        raise OfficesError(f"{path}: expected a mapping")

    def office_id(name: str) -> str:
        value = raw.get(name)
        if value not in offices:
            raise OfficesError(
                f"{path}: field {name!r}: {value!r} is not an office of offices.yaml "
                f"({', '.join(offices)})"
            )
        return value

    def chain(name: str) -> tuple[str, ...]:
        value = raw.get(name)
        if not isinstance(value, list) or not value:
            raise OfficesError(f"{path}: field {name!r}: expected a list of office ids")
        for item in value:
            if item not in offices:
                raise OfficesError(
                    f"{path}: field {name!r}: {item!r} is not an office of offices.yaml"
                )
        return tuple(value)

    oversight = office_id("oversight_office")
    if not offices[oversight].outside_bodies:
        raise OfficesError(
            f"offices.yaml: office {oversight!r}: field 'outside_bodies': the oversight "
            f"office must list the outside bodies that receive complaints"
        )
    corruption_chain = chain("corruption_chain")
    fallback_chain = chain("fallback_chain")
    for name, value in (("corruption_chain", corruption_chain),
                        ("fallback_chain", fallback_chain)):
        if value[-1] != oversight:
            raise OfficesError(
                f"{path}: field {name!r}: must end with the oversight office {oversight!r}, "
                f"so a case always has somewhere to go"
            )

    executives = []
    groups = raw.get("executives")
    if not isinstance(groups, list) or not groups:
        raise OfficesError(f"{path}: field 'executives': expected a list of groups")
    for i, group in enumerate(groups):
        if not isinstance(group, dict) or not group.get("group") or not group.get("titles"):
            raise OfficesError(
                f"{path}: field 'executives': item {i + 1} needs 'group' and 'titles'"
            )
        titles = tuple(str(t).strip() for t in group["titles"] if str(t).strip())
        executives.append((str(group["group"]), str(group.get("label") or group["group"]),
                           titles))

    words: dict[str, tuple[str, ...]] = {}
    for name in _WORD_LISTS:
        value = raw.get(name) or []
        if not isinstance(value, list):
            raise OfficesError(f"{path}: field {name!r}: expected a list of words")
        words[name] = tuple(str(w).strip() for w in value if str(w).strip())
    if not words["corruption"]:
        raise OfficesError(f"{path}: field 'corruption': the corruption vocabulary is empty")

    return RoutingRules(
        default_office=office_id("default_office"),
        corruption_chain=corruption_chain,
        fallback_chain=fallback_chain,
        oversight_office=oversight,
        executives=tuple(executives),
        words=words,
    )


class Router:
    def __init__(self, offices: dict[str, Office], rules: RoutingRules, org_dir: Path):
        self.offices = offices
        self.rules = rules
        self.org_dir = org_dir
        self.internal = tuple(o for o in offices if o != rules.oversight_office)
        self._exec_labels = {group: label for group, label, _ in rules.executives}
        self._matcher = PhraseMatcher()
        for office in offices.values():
            for phrase in office.subjects:
                self._matcher.add(phrase, ("subject", office.id))
            for phrase in office.names:
                self._matcher.add(phrase, ("name", office.id))
            for phrase in office.people:
                self._matcher.add(phrase, ("people", office.id))
        for group, _label, titles in rules.executives:
            for phrase in titles:
                self._matcher.add(phrase, ("executive", group))
        for name, phrases in rules.words.items():
            for phrase in phrases:
                self._matcher.add(phrase, (name, ""))
        table = self._matcher.compile()
        self._check_conflicts(table)

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
        return self._matcher.find(text_)

    def route(self, text_: str, kind: str | None = None, *, allow_raise: bool = True
              ) -> RoutingDecision:
        """Decide the office for a case. `allow_raise=False` once the citizen declined
        to have a grievance raised to corruption."""
        if kind is not None and kind not in KINDS:
            raise ValueError(f"unknown kind {kind!r}; kinds are {', '.join(KINDS)}")
        hits = self.hits(text_ or "")

        def phrases(category: str) -> list[str]:
            out: list[str] = []
            for h in hits:
                if any(c == category for c, _ in h.tags) and h.phrase not in out:
                    out.append(h.phrase)
            return out

        corruption_words = phrases("corruption")
        misconduct_words = phrases("misconduct")
        reasons: list[str] = []

        # 1. kind
        raised = False
        if kind is None:
            final_kind = "corruption" if corruption_words else "grievance"
        elif kind == "grievance" and corruption_words and allow_raise:
            final_kind, raised = "corruption", True
        else:
            final_kind = kind
        if corruption_words:
            reasons.append(text("routing_reason_corruption_words",
                                words=", ".join(corruption_words)))
        if raised:
            reasons.append(text("routing_reason_raised"))

        # subjects: score each office by the subjects (and its people) the text names
        scores: dict[str, float] = {}
        first_seen: dict[str, int] = {}
        subjects_of: dict[str, list[str]] = {}
        for h in hits:
            for category, office in h.tags:
                if category not in ("subject", "name", "people"):
                    continue
                weight = 1.0 if category == "subject" else 0.5
                scores[office] = scores.get(office, 0.0) + weight
                first_seen.setdefault(office, h.start)
                if category == "subject":
                    subjects_of.setdefault(office, [])
                    if h.phrase not in subjects_of[office]:
                        subjects_of[office].append(h.phrase)
        about = None
        if scores:
            about = max(scores, key=lambda o: (scores[o], -first_seen[o]))

        # 2. implicated
        accusing = final_kind == "corruption" or bool(corruption_words or misconduct_words)
        if misconduct_words:
            reasons.append(text("routing_reason_misconduct_words",
                                words=", ".join(misconduct_words)))
        implicated: list[str] = []
        executives: list[str] = []
        mentions: list[str] = []
        for i, h in enumerate(hits):
            for category, value in h.tags:
                if (category == "name" and accusing) or (
                        category == "people" and self._accused(hits, i, final_kind, accusing)):
                    if value not in implicated:
                        implicated.append(value)
                    mentions.append(text("routing_reason_mentions", who=h.phrase,
                                         office=self.offices[value].name))
                elif category == "executive" and self._accused(
                        hits, i, final_kind, accusing):
                    if h.phrase not in executives:
                        executives.append(h.phrase)
                    mentions.append(text("routing_reason_mentions_executive",
                                         who=h.phrase, group=self._exec_labels[value]))
        if accusing:
            staff = phrases("staff")
            if staff and about is not None and about != self.rules.oversight_office:
                if about not in implicated:
                    implicated.append(about)
                    mentions.append(text("routing_reason_mentions", who=staff[0],
                                         office=self.offices[about].name))
        reasons.extend(dict.fromkeys(mentions))
        if executives:
            for office in self.internal:
                if office not in implicated:
                    implicated.append(office)

        # 3. office
        outside: list[dict] = []
        if executives:
            office = self.rules.oversight_office
            reasons.append(text("routing_reason_to_oversight",
                                office=self.offices[office].name))
        elif final_kind == "corruption":
            office = self._first_free(self.rules.corruption_chain, implicated, reasons)
            reasons.append(text("routing_reason_corruption_office",
                                office=self.offices[office].name))
        else:
            preferred = about if about is not None else self.rules.default_office
            if about is None:
                reasons.append(text("routing_reason_no_subject",
                                    office=self.offices[preferred].name))
            if implicated:
                # the case is about the conduct of our people: the complaint centre's
                # business, whatever the matter they were handling
                reasons.append(text("routing_reason_conduct"))
                office = self._first_free(self.rules.fallback_chain, implicated, reasons)
            else:
                office = preferred
        if about is not None and subjects_of.get(about):
            reasons.insert(0, text("routing_reason_subject",
                                   subject=", ".join(subjects_of[about][:3])))
        if office == self.rules.oversight_office:
            outside = [dict(b) for b in self.offices[office].outside_bodies]

        if office in implicated:  # the guarantee, whatever the data says
            raise AssertionError(f"routing chose implicated office {office!r}")
        return RoutingDecision(
            office=office,
            kind=final_kind,
            implicated=implicated,
            reasons=reasons,
            raised_to_corruption=raised,
            outside_bodies=outside,
            chosen_kind=kind,
            executives=executives,
        )

    @staticmethod
    def _accused(hits: list[Hit], i: int, kind: str, accusing: bool) -> bool:
        """A person named in a corruption complaint or beside an accusing word is accused.
        In a grievance they are accused even without one, unless the text only addresses
        them ("ฝากนายช่าง...") or passes on what they said ("ส.อบต. บอกให้มาแจ้ง...")."""
        if accusing:  # a corruption complaint, or corruption or misconduct words
            return True
        if kind != "grievance":
            return False
        before = hits[i - 1] if i > 0 else None
        after = hits[i + 1] if i + 1 < len(hits) else None
        if before is not None and before.end == hits[i].start and any(
                c == "addressing_before" for c, _ in before.tags):
            return False
        if after is not None and after.start == hits[i].end and any(
                c == "addressing_after" for c, _ in after.tags):
            return False
        return True

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
        """What the citizen is told when the case leaves the organization."""
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
    rules = _load_rules(org_dir / ROUTING_FILE, offices)
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
