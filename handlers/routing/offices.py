"""The offices of an organization, read from `offices.yaml` in its data folder.

Every problem is reported with the file, the office and the field, so a clerk who
mistyped something can find it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import AfterValidator, ConfigDict, Field

from storage.validation import (
    NonEmptyText,
    Strict,
    ValidationError,
    Words,
    field_path,
    problems,
    refuse,
)

KINDS = ("corruption", "grievance", "suggestion", "inquiry")
OFFICES_FILE = "offices.yaml"


class OfficesError(ValueError):
    """offices.yaml (or routing.yaml) is missing, malformed or inconsistent."""


class PhraseConflict(OfficesError):
    """A phrase two offices both claim (`category` subject, name or people), or that names
    an office's people and an executive (`category` executive). `offices` are the ids of
    the offices that list it; `phrase` is one of its spellings."""

    def __init__(self, message: str, *, phrase: str, category: str, offices: list[str]):
        super().__init__(message)
        self.phrase = phrase
        self.category = category
        self.offices = offices


@dataclass(frozen=True)
class Office:
    id: str
    name: str
    head_title: str
    contact: dict[str, str]
    target_days: dict[str, int]
    subjects: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    people: tuple[str, ...] = ()
    description: str = ""
    # what villagers call its people, and the work they do (people forms: people.py)
    titles: tuple[str, ...] = ()
    work: tuple[str, ...] = ()
    outside_bodies: tuple[dict[str, str], ...] = field(default=())

    @property
    def is_outside(self) -> bool:
        return bool(self.outside_bodies)


def words_of(items) -> tuple[str, ...]:
    """The non-blank words of a YAML list, stripped (numbers as text)."""
    return tuple(str(w).strip() for w in items if str(w).strip())


def _where(path: Path, office: str | None = None, field_name: str | None = None) -> str:
    where = str(path)
    if office is not None:
        where += f": office {office!r}"
    if field_name is not None:
        where += f": field {field_name!r}"
    return where


def _some_contact(value: dict[str, Any]) -> dict[str, str]:
    if not any(str(v).strip() for v in value.values() if v is not None):
        raise refuse("expected a mapping with phone and/or place")
    return {str(k): str(v) for k, v in value.items() if v is not None}


_Days = Annotated[int, Field(gt=0)]


class TargetDays(Strict):
    """Working days to answer each kind of case (KINDS)."""

    corruption: _Days
    grievance: _Days
    suggestion: _Days
    inquiry: _Days


class OutsideBodyEntry(Strict):
    model_config = ConfigDict(extra="allow")  # id and anything else a clerk notes
    name: NonEmptyText
    how: NonEmptyText


class OfficeEntry(Strict):
    """One office of offices.yaml, as the file says it."""

    id: Annotated[NonEmptyText, AfterValidator(str.strip)]
    name: Annotated[NonEmptyText, AfterValidator(str.strip)]
    head_title: Annotated[NonEmptyText, AfterValidator(str.strip)]
    contact: Annotated[dict[str, Any], AfterValidator(_some_contact)]
    target_days: TargetDays
    subjects: Words = ()
    names: Words = ()
    people: Words = ()
    titles: Words = ()
    work: Words = ()
    description: str | None = None
    outside_bodies: list[OutsideBodyEntry] | None = None

    def office(self) -> Office:
        return Office(
            id=self.id, name=self.name, head_title=self.head_title, contact=self.contact,
            target_days=self.target_days.model_dump(), subjects=self.subjects,
            names=self.names, people=self.people, titles=self.titles, work=self.work,
            description=self.description or "",
            outside_bodies=tuple({str(k): str(v) for k, v in b.model_dump().items()}
                                 for b in self.outside_bodies or ()),
        )


class OfficesFile(Strict):
    offices: Annotated[list[OfficeEntry], Field(min_length=1)]


def parse_offices(raw: object, path: Path) -> dict[str, Office]:
    """Offices from already-loaded YAML; `path` is only used in error messages. Every
    mistake is reported, one a line, naming the office and the field."""
    if isinstance(raw, list):  # the bare list, without `offices:`
        raw = {"offices": raw}
    if not isinstance(raw, dict) or not isinstance(raw.get("offices"), list):
        raise OfficesError(f"{path}: expected a list 'offices:' with at least one office")
    try:
        parsed = OfficesFile.model_validate({"offices": raw["offices"]})
    except ValidationError as err:
        raise OfficesError("\n".join(_problem_line(path, raw["offices"], p)
                                     for p in problems(err))) from None
    offices: dict[str, Office] = {}
    for entry in parsed.offices:
        if entry.id in offices:
            raise OfficesError(f"{_where(path, entry.id, 'id')}: defined twice")
        offices[entry.id] = entry.office()
    return offices


def _problem_line(path: Path, entries: list, problem) -> str:
    if len(problem.path) < 2:  # the list itself
        return f"{path}: field 'offices': {problem.message}"
    number = problem.path[1]
    entry = entries[number]
    office_id = entry.get("id") if isinstance(entry, dict) else None
    office = office_id if isinstance(office_id, str) and office_id.strip() else (
        f"number {number + 1}")
    field_name = field_path(problem.path[2:]) or None
    return f"{_where(path, office, field_name)}: {problem.message}"


def read_offices_file(org_dir: str | Path) -> object:
    """offices.yaml of `org_dir` as loaded, unchecked; raises OfficesError if unreadable."""
    path = Path(org_dir) / OFFICES_FILE
    if not path.is_file():
        raise OfficesError(f"{path}: file is missing")
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as bad:
        raise OfficesError(f"{path}: not valid YAML: {bad}") from bad


def load_offices(org_dir: str | Path) -> dict[str, Office]:
    """The offices of the organization in `org_dir`, checked; raises OfficesError."""
    return parse_offices(read_offices_file(org_dir), Path(org_dir) / OFFICES_FILE)
