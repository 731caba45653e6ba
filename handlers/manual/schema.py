"""Load and validate service-manual entries (one YAML file an entry).

Every problem names the file, the entry and the field, so a clerk editing the YAML can
find it without reading code. All problems of a file are reported at once.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import AfterValidator, Field, ValidationInfo, field_validator

from storage.validation import NonEmptyText, Strict, ValidationError, at_most, problems, refuse

DEFAULT_OFFICES = ("palad", "finance", "engineering", "education", "health", "welfare")
SHORT_TITLE_MAX = 20  # a LINE quick-reply label
ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

# Facts a citizen asks for one at a time (see handlers/manual/facts.py): each is answered
# in one short message, so each is short. `fee` and `channel.days_hours` are answered the
# same way and kept as short.
FACT_FIELDS = ("amount", "payday", "pay_at", "urgent")
FACT_MAX = 250

_Fact = Annotated[NonEmptyText, at_most(FACT_MAX, "it is answered in one short message on a "
                                        "phone; put the rest in fee_details or notes")]
_ChannelText = Annotated[str, at_most(FACT_MAX, "answered in one short message")]


def _an_office(value: str, info: ValidationInfo) -> str:
    offices = (info.context or {}).get("offices", DEFAULT_OFFICES)
    if value not in offices:
        raise refuse(f"{value!r} is not one of {', '.join(offices)}")
    return value


_Office = Annotated[str, AfterValidator(_an_office)]


class Channel(Strict):
    """Where and when the service is given; phone and online are "" when there is none."""

    place: Annotated[NonEmptyText, at_most(FACT_MAX, "answered in one short message")]
    days_hours: Annotated[NonEmptyText, at_most(FACT_MAX, "answered in one short message")]
    phone: _ChannelText
    online: _ChannelText


class Step(Strict):
    text: NonEmptyText
    duration: NonEmptyText
    office: _Office


class Document(Strict):
    name: NonEmptyText
    issuer: NonEmptyText
    originals: Annotated[int, Field(ge=0)]
    copies: Annotated[int, Field(ge=0)]
    note: str = ""


class Entry(Strict):
    """One service of the manual, as its YAML file says it."""

    id: NonEmptyText
    title: NonEmptyText
    short_title: Annotated[NonEmptyText, at_most(SHORT_TITLE_MAX, "LINE quick-reply label")]
    office: _Office
    legal_basis: Annotated[list[NonEmptyText], Field(min_length=1)]
    channel: Channel
    criteria: list[NonEmptyText]
    steps: Annotated[list[Step], Field(min_length=1)]
    total_duration: NonEmptyText
    documents: list[Document]
    fee: _Fact
    complaint: NonEmptyText
    examples: Annotated[list[NonEmptyText], Field(min_length=3)]
    keywords: list[NonEmptyText]
    fee_details: list[NonEmptyText] = []
    notes: str = ""
    amount: _Fact | None = None
    payday: _Fact | None = None
    pay_at: _Fact | None = None
    urgent: _Fact | None = None

    @field_validator("id")
    @classmethod
    def _id_names_the_file(cls, value: str, info: ValidationInfo) -> str:
        if not ID_PATTERN.match(value):
            raise refuse(f"{value!r}: use lowercase letters, digits and dashes")
        expected = (info.context or {}).get("expected_id")
        if expected is not None and value != expected:
            raise refuse(f"{value!r} differs from the file name {expected!r}")
        return value


class ManualError(ValueError):
    """One or more problems in the manual files."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


def office_ids(org_dir: Path | None) -> tuple[str, ...]:
    """Office ids from the organization's offices.yaml, or the six standard ones."""
    if org_dir is not None:
        path = Path(org_dir) / "offices.yaml"
        if path.is_file():
            raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            offices = raw.get("offices", [])
            ids = tuple(o["id"] for o in offices if isinstance(o, dict) and "id" in o)
            if ids:
                return ids
    return DEFAULT_OFFICES


def validate_entry(raw: Any, source: str, offices: tuple[str, ...] = DEFAULT_OFFICES,
                   expected_id: str | None = None) -> dict:
    """The entry as a plain dict (the fields the file has, with fee_details and notes
    always there), or ManualError listing every problem found."""
    if not isinstance(raw, dict):
        raise ManualError([f"{source}: expected a mapping of fields, got {type(raw).__name__}"])
    try:
        Entry.model_validate(raw, context={"offices": offices, "expected_id": expected_id})
    except ValidationError as err:
        name = raw.get("id") if isinstance(raw.get("id"), str) else "?"
        raise ManualError([f"{source}: entry {name!r}: field {p.field!r}: {_hint(p)}"
                           for p in problems(err)]) from None
    # The file's own values: the model only checks them (strict, so nothing was coerced).
    return {"fee_details": [], "notes": "", **raw}


def _hint(problem) -> str:
    if problem.message == "missing" and problem.path[0] == "channel" and len(problem.path) > 1:
        return 'missing (write "" when there is none)'
    return problem.message


def load_entry_file(path: Path, offices: tuple[str, ...] = DEFAULT_OFFICES) -> dict:
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as err:
        raise ManualError([f"{path}: not valid YAML: {err}"]) from err
    return validate_entry(raw, str(path), offices, expected_id=path.stem)


def load_manual(org_dir: Path) -> list[dict]:
    """Every entry under `org_dir`/manual, validated, sorted by id.

    Raises ManualError listing the problems of all files together.
    """
    org_dir = Path(org_dir)
    folder = org_dir / "manual"
    if not folder.is_dir():
        raise ManualError([f"{folder}: no manual folder"])
    offices = office_ids(org_dir)
    entries: list[dict] = []
    problems: list[str] = []
    for path in sorted(folder.glob("*.yaml")):
        try:
            entries.append(load_entry_file(path, offices))
        except ManualError as err:
            problems.extend(err.problems)
    if problems:
        raise ManualError(problems)
    return sorted(entries, key=lambda e: e["id"])
