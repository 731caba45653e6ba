"""routing.yaml read and checked: the chains, the executives, the word lists, the people
forms, the accusation patterns, the people outside, how the manual is used.

Every problem names the file and the field, so a clerk who mistyped something finds it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from handlers.routing.accusation import AccusationRules, parse_rules
from handlers.routing.near import NearRules, parse_near
from handlers.routing.offices import Office, OfficesError, words_of
from handlers.routing.people import PeopleForms, parse_people_forms
from handlers.routing.subjects import ManualUse, parse_manual_use

ROUTING_FILE = "routing.yaml"
WORD_LISTS = (
    "not_ours", "staff", "corruption", "misconduct", "addressing_before", "addressing_after",
    "weak_subjects", "service", "requesting_before", "place",
)
# What an unsure text is taken for until the citizen answers the question (see router.py).
UNSURE_READINGS = ("accusation", "subject")


@dataclass(frozen=True)
class OutsideBody:
    """People outside the organization (the district's headmen, the police): who can act
    on a complaint about them, and how to reach them."""

    id: str
    name: str
    how: str
    titles: tuple[str, ...]

    def as_dict(self) -> dict[str, str]:
        return {"id": self.id, "name": self.name, "how": self.how}


@dataclass(frozen=True)
class RoutingRules:
    default_office: str
    corruption_chain: tuple[str, ...]
    fallback_chain: tuple[str, ...]
    oversight_office: str
    executives: tuple[tuple[str, str, tuple[str, ...]], ...]  # (group, label, titles)
    words: dict[str, tuple[str, ...]]
    accusation: AccusationRules
    people_forms: PeopleForms = PeopleForms()
    outside: tuple[OutsideBody, ...] = ()
    manual: ManualUse = ManualUse()
    when_unsure: str = "accusation"
    near: NearRules = NearRules()


def load_rules(path: Path, offices: dict[str, Office]) -> RoutingRules:
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

    words: dict[str, tuple[str, ...]] = {}
    for name in WORD_LISTS:
        value = raw.get(name) or []
        if not isinstance(value, list):
            raise OfficesError(f"{path}: field {name!r}: expected a list of words")
        words[name] = words_of(value)
    if not words["corruption"]:
        raise OfficesError(f"{path}: field 'corruption': the corruption vocabulary is empty")
    when_unsure = raw.get("when_unsure", "accusation")
    if when_unsure not in UNSURE_READINGS:
        raise OfficesError(f"{path}: field 'when_unsure': one of "
                           f"{', '.join(UNSURE_READINGS)}, got {when_unsure!r}")

    return RoutingRules(
        default_office=office_id("default_office"),
        corruption_chain=corruption_chain,
        fallback_chain=fallback_chain,
        oversight_office=oversight,
        executives=_executives(raw, path),
        words=words,
        accusation=parse_rules(raw.get("accusation"), path,
                               {n: words[n] for n in ("corruption", "misconduct")}),
        people_forms=parse_people_forms(raw.get("people_forms"), path),
        outside=_outside(raw.get("outside"), path),
        manual=parse_manual_use(raw.get("manual"), path),
        when_unsure=when_unsure,
        near=parse_near(raw.get("near_people"), path),
    )


def _executives(raw: dict, path: Path) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    executives = []
    groups = raw.get("executives")
    if not isinstance(groups, list) or not groups:
        raise OfficesError(f"{path}: field 'executives': expected a list of groups")
    for i, group in enumerate(groups):
        if not isinstance(group, dict) or not group.get("group") or not group.get("titles"):
            raise OfficesError(
                f"{path}: field 'executives': item {i + 1} needs 'group' and 'titles'"
            )
        titles = words_of(group["titles"])
        executives.append((str(group["group"]), str(group.get("label") or group["group"]),
                           titles))
    return tuple(executives)


def _outside(raw: object, path: Path) -> tuple[OutsideBody, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise OfficesError(f"{path}: field 'outside': expected a list")
    bodies = []
    for i, item in enumerate(raw):
        if not isinstance(item, dict) or not all(item.get(k) for k in ("id", "name", "how",
                                                                       "titles")):
            raise OfficesError(f"{path}: field 'outside': item {i + 1} needs id, name, how "
                               f"and titles")
        titles = words_of(item["titles"])
        bodies.append(OutsideBody(str(item["id"]), str(item["name"]), str(item["how"]),
                                  titles))
    return tuple(bodies)
