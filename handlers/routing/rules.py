"""routing.yaml read and checked: the chains, the executives, the word lists, the people
forms, the accusation patterns, the people outside, how the manual is used.

Every problem names the file and the field, so a clerk who mistyped something finds it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import AfterValidator, BeforeValidator, Field, ValidationInfo

from handlers.routing.accusation import AccusationRules, parse_rules
from handlers.routing.near import NearRules, parse_near
from handlers.routing.offices import Office, OfficesError
from handlers.routing.people import PeopleForms, parse_people_forms
from handlers.routing.subjects import ManualUse, parse_manual_use
from storage.validation import (
    NonEmptyText,
    Strict,
    Words,
    check_mapping,
    refuse,
    tuple_of_list,
)

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


def _an_office(value: str, info: ValidationInfo) -> str:
    offices = (info.context or {})["offices"]
    if value not in offices:
        raise refuse(f"{value!r} is not an office of offices.yaml ({', '.join(offices)})")
    return value


_Office = Annotated[str, AfterValidator(_an_office)]
_Chain = Annotated[tuple[_Office, ...], BeforeValidator(tuple_of_list), Field(min_length=1)]
_Titles = Annotated[Words, Field(min_length=1)]


class ExecutiveGroup(Strict):
    group: NonEmptyText
    label: str | None = None
    titles: _Titles


class OutsidePeople(Strict):
    id: NonEmptyText
    name: NonEmptyText
    how: NonEmptyText
    titles: _Titles


class RoutingFile(Strict):
    """routing.yaml as the file says it; `accusation`, `people_forms` and `manual` are
    read by their own parsers (accusation.py, people.py, subjects.py)."""

    default_office: _Office
    corruption_chain: _Chain
    fallback_chain: _Chain
    oversight_office: _Office
    executives: Annotated[list[ExecutiveGroup], Field(min_length=1)]
    not_ours: Words = ()
    staff: Words = ()
    corruption: _Titles
    misconduct: Words = ()
    addressing_before: Words = ()
    addressing_after: Words = ()
    weak_subjects: Words = ()
    service: Words = ()
    requesting_before: Words = ()
    place: Words = ()
    when_unsure: Literal[UNSURE_READINGS] = "accusation"  # type: ignore[valid-type]
    accusation: Any = None
    people_forms: Any = None
    near_people: Any = None
    outside: list[OutsidePeople] | None = None
    manual: Any = None


def load_rules(path: Path, offices: dict[str, Office]) -> RoutingRules:
    if not path.is_file():
        raise OfficesError(f"{path}: file is missing")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as bad:
        raise OfficesError(f"{path}: not valid YAML: {bad}") from bad
    rules = check_mapping(
        raw, str(path), lambda r: RoutingFile.model_validate(r, context={"offices": offices}),
        error=OfficesError, expected="a mapping")

    oversight = rules.oversight_office
    if not offices[oversight].outside_bodies:
        raise OfficesError(
            f"offices.yaml: office {oversight!r}: field 'outside_bodies': the oversight "
            f"office must list the outside bodies that receive complaints"
        )
    for name in ("corruption_chain", "fallback_chain"):
        if getattr(rules, name)[-1] != oversight:
            raise OfficesError(
                f"{path}: field {name!r}: must end with the oversight office {oversight!r}, "
                f"so a case always has somewhere to go"
            )
    words = {name: getattr(rules, name) for name in WORD_LISTS}
    return RoutingRules(
        default_office=rules.default_office,
        corruption_chain=rules.corruption_chain,
        fallback_chain=rules.fallback_chain,
        oversight_office=oversight,
        executives=tuple((g.group, g.label or g.group, g.titles) for g in rules.executives),
        words=words,
        accusation=parse_rules(rules.accusation, path,
                               {n: words[n] for n in ("corruption", "misconduct")}),
        people_forms=parse_people_forms(rules.people_forms, path),
        outside=tuple(OutsideBody(o.id, o.name, o.how, o.titles) for o in rules.outside or ()),
        manual=parse_manual_use(rules.manual, path),
        when_unsure=rules.when_unsure,
        near=parse_near(rules.near_people, path),
    )
