"""The offices of an organization, read from `offices.yaml` in its data folder.

Every problem is reported with the file, the office and the field, so a clerk who
mistyped something can find it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

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


def _text_list(path: Path, office: str, name: str, value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise OfficesError(f"{_where(path, office, name)}: expected a list of words")
    out = []
    for i, item in enumerate(value):
        if isinstance(item, int | float) and not isinstance(item, bool):
            item = str(item)
        if not isinstance(item, str) or not item.strip():
            raise OfficesError(
                f"{_where(path, office, name)}: item {i + 1} must be a non-empty text, got {item!r}"
            )
        out.append(item.strip())
    return tuple(out)


def _target_days(path: Path, office: str, value: object) -> dict[str, int]:
    if not isinstance(value, dict):
        raise OfficesError(
            f"{_where(path, office, 'target_days')}: expected a mapping of "
            f"{', '.join(KINDS)} to a number of days"
        )
    unknown = sorted(set(value) - set(KINDS))
    if unknown:
        raise OfficesError(
            f"{_where(path, office, 'target_days')}: unknown kind(s) {', '.join(map(str, unknown))}"
            f"; kinds are {', '.join(KINDS)}"
        )
    days: dict[str, int] = {}
    for kind in KINDS:
        if kind not in value:
            raise OfficesError(f"{_where(path, office, 'target_days')}: missing kind {kind!r}")
        n = value[kind]
        if isinstance(n, bool) or not isinstance(n, int) or n <= 0:
            raise OfficesError(
                f"{_where(path, office, 'target_days')}: {kind} must be a whole number of days "
                f"above 0, got {n!r}"
            )
        days[kind] = n
    return days


def _contact(path: Path, office: str, value: object) -> dict[str, str]:
    if not isinstance(value, dict) or not any(str(v).strip() for v in value.values()):
        raise OfficesError(
            f"{_where(path, office, 'contact')}: expected a mapping with phone and/or place"
        )
    return {str(k): str(v) for k, v in value.items() if v is not None}


def _outside_bodies(path: Path, office: str, value: object) -> tuple[dict[str, str], ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise OfficesError(f"{_where(path, office, 'outside_bodies')}: expected a list")
    bodies = []
    for i, body in enumerate(value):
        if not isinstance(body, dict) or not body.get("name") or not body.get("how"):
            raise OfficesError(
                f"{_where(path, office, 'outside_bodies')}: item {i + 1} needs a name and "
                f"how to reach it ('how')"
            )
        bodies.append({str(k): str(v) for k, v in body.items()})
    return tuple(bodies)


def parse_offices(raw: object, path: Path) -> dict[str, Office]:
    """Offices from already-loaded YAML; `path` is only used in error messages."""
    if isinstance(raw, dict):
        raw = raw.get("offices")
    if not isinstance(raw, list) or not raw:
        raise OfficesError(f"{path}: expected a list 'offices:' with at least one office")
    offices: dict[str, Office] = {}
    for i, entry in enumerate(raw):
        if not isinstance(entry, dict):
            raise OfficesError(f"{path}: office number {i + 1} is not a mapping")
        office_id = entry.get("id")
        if not isinstance(office_id, str) or not office_id.strip():
            raise OfficesError(f"{_where(path, f'number {i + 1}', 'id')}: missing or empty")
        office_id = office_id.strip()
        if office_id in offices:
            raise OfficesError(f"{_where(path, office_id, 'id')}: defined twice")
        for name in ("name", "head_title"):
            value = entry.get(name)
            if not isinstance(value, str) or not value.strip():
                raise OfficesError(f"{_where(path, office_id, name)}: missing or empty")
        for name in ("contact", "target_days"):
            if name not in entry:
                raise OfficesError(f"{_where(path, office_id, name)}: missing")
        offices[office_id] = Office(
            id=office_id,
            name=entry["name"].strip(),
            head_title=entry["head_title"].strip(),
            contact=_contact(path, office_id, entry["contact"]),
            target_days=_target_days(path, office_id, entry["target_days"]),
            subjects=_text_list(path, office_id, "subjects", entry.get("subjects")),
            names=_text_list(path, office_id, "names", entry.get("names")),
            people=_text_list(path, office_id, "people", entry.get("people")),
            titles=_text_list(path, office_id, "titles", entry.get("titles")),
            work=_text_list(path, office_id, "work", entry.get("work")),
            description=str(entry.get("description") or ""),
            outside_bodies=_outside_bodies(path, office_id, entry.get("outside_bodies")),
        )
    return offices


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
