"""Load and validate service-manual entries (one YAML file an entry).

Every problem names the file, the entry and the field, so a clerk editing the YAML can
find it without reading code. All problems of a file are reported at once.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

DEFAULT_OFFICES = ("palad", "finance", "engineering", "education", "health", "welfare")
SHORT_TITLE_MAX = 20  # a LINE quick-reply label
ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

_REQUIRED = (
    "id", "title", "short_title", "office", "legal_basis", "channel", "criteria", "steps",
    "total_duration", "documents", "fee", "complaint", "examples", "keywords",
)
_OPTIONAL = ("fee_details", "notes", *("amount", "payday", "pay_at", "urgent"))
# Facts a citizen asks for one at a time (see handlers/manual/facts.py): each is answered
# in one short message, so each is short. `fee` and `channel.days_hours` are answered the
# same way and kept as short.
FACT_FIELDS = ("amount", "payday", "pay_at", "urgent")
FACT_MAX = 250
_CHANNEL_FIELDS = ("place", "days_hours", "phone", "online")
_STEP_FIELDS = {"text": True, "duration": True, "office": True}
_DOCUMENT_FIELDS = {"name": True, "issuer": True, "originals": True, "copies": True,
                    "note": False}


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
    """The entry as a plain dict, or ManualError listing every problem found."""
    if not isinstance(raw, dict):
        raise ManualError([f"{source}: expected a mapping of fields, got {type(raw).__name__}"])
    entry_name = raw.get("id") if isinstance(raw.get("id"), str) else "?"
    problems: list[str] = []

    def problem(field: str, message: str) -> None:
        problems.append(f"{source}: entry {entry_name!r}: field {field!r}: {message}")

    for field in _REQUIRED:
        if field not in raw:
            problem(field, "missing")
    for field in raw:
        if field not in _REQUIRED and field not in _OPTIONAL:
            problem(str(field), "unknown field (a typo?)")

    def text(field: str, value: Any, required: bool = True) -> None:
        if not isinstance(value, str):
            problem(field, f"expected text, got {type(value).__name__} {value!r}"
                    " (put numbers such as phone numbers in quotes)")
        elif required and not value.strip():
            problem(field, "must not be empty")

    def text_list(field: str, value: Any, minimum: int = 0) -> None:
        if not isinstance(value, list):
            problem(field, f"expected a list, got {type(value).__name__}")
            return
        if len(value) < minimum:
            problem(field, f"needs at least {minimum} item(s), has {len(value)}")
        for i, item in enumerate(value):
            text(f"{field}[{i}]", item)

    if "id" in raw:
        text("id", raw["id"])
        if isinstance(raw["id"], str):
            if not ID_PATTERN.match(raw["id"]):
                problem("id", f"{raw['id']!r}: use lowercase letters, digits and dashes")
            if expected_id is not None and raw["id"] != expected_id:
                problem("id", f"{raw['id']!r} differs from the file name {expected_id!r}")
    for field in ("title", "total_duration", "fee", "complaint"):
        if field in raw:
            text(field, raw[field])
    if "short_title" in raw:
        text("short_title", raw["short_title"])
        if isinstance(raw["short_title"], str) and len(raw["short_title"]) > SHORT_TITLE_MAX:
            problem("short_title", f"{len(raw['short_title'])} characters, at most "
                    f"{SHORT_TITLE_MAX} (LINE quick-reply label)")
    if "office" in raw and raw["office"] not in offices:
        problem("office", f"{raw['office']!r} is not one of {', '.join(offices)}")
    if "notes" in raw:
        text("notes", raw["notes"], required=False)
    for field in FACT_FIELDS:
        if field in raw:
            text(field, raw[field])
    for field in ("fee", *FACT_FIELDS):
        if isinstance(raw.get(field), str) and len(raw[field]) > FACT_MAX:
            problem(field, f"{len(raw[field])} characters, at most {FACT_MAX} (it is answered "
                    "in one short message on a phone; put the rest in fee_details or notes)")
    if "fee_details" in raw:
        text_list("fee_details", raw["fee_details"])
    if "legal_basis" in raw:
        text_list("legal_basis", raw["legal_basis"], minimum=1)
    if "criteria" in raw:
        text_list("criteria", raw["criteria"])
    if "examples" in raw:
        text_list("examples", raw["examples"], minimum=3)
    if "keywords" in raw:
        text_list("keywords", raw["keywords"])

    channel = raw.get("channel")
    if "channel" in raw:
        if not isinstance(channel, dict):
            problem("channel", "expected a mapping with place, days_hours, phone, online")
        else:
            for key in _CHANNEL_FIELDS:
                if key not in channel:
                    problem(f"channel.{key}", "missing (write \"\" when there is none)")
                else:
                    text(f"channel.{key}", channel[key], required=key in ("place", "days_hours"))
                    if isinstance(channel[key], str) and len(channel[key]) > FACT_MAX:
                        problem(f"channel.{key}", f"{len(channel[key])} characters, at most "
                                f"{FACT_MAX} (answered in one short message)")
            for key in channel:
                if key not in _CHANNEL_FIELDS:
                    problem(f"channel.{key}", "unknown field (a typo?)")

    if "steps" in raw:
        steps = raw["steps"]
        if not isinstance(steps, list) or not steps:
            problem("steps", "expected a non-empty list of {text, duration, office}")
        else:
            for i, step in enumerate(steps):
                _check_record(step, f"steps[{i}]", _STEP_FIELDS, problem)
                if isinstance(step, dict) and "office" in step and step["office"] not in offices:
                    problem(f"steps[{i}].office", f"{step['office']!r} is not one of "
                            f"{', '.join(offices)}")

    if "documents" in raw:
        documents = raw["documents"]
        if not isinstance(documents, list):
            problem("documents", "expected a list of {name, issuer, originals, copies}")
        else:
            for i, doc in enumerate(documents):
                _check_record(doc, f"documents[{i}]", _DOCUMENT_FIELDS, problem)
                if isinstance(doc, dict):
                    for key in ("originals", "copies"):
                        value = doc.get(key)
                        if key in doc and (not isinstance(value, int) or isinstance(value, bool)
                                           or value < 0):
                            problem(f"documents[{i}].{key}", f"expected a whole number >= 0, "
                                    f"got {value!r}")

    if problems:
        raise ManualError(problems)
    entry = dict(raw)
    entry.setdefault("fee_details", [])
    entry.setdefault("notes", "")
    return entry


def _check_record(record: Any, where: str, fields: dict[str, bool], problem) -> None:
    if not isinstance(record, dict):
        problem(where, f"expected a mapping with {', '.join(fields)}")
        return
    for key, required in fields.items():
        if key not in record:
            if required:
                problem(f"{where}.{key}", "missing")
        elif key not in ("originals", "copies") and not (
            isinstance(record[key], str) and (record[key].strip() or not required)
        ):
            problem(f"{where}.{key}", f"expected text, got {record[key]!r}")
    for key in record:
        if key not in fields:
            problem(f"{where}.{key}", "unknown field (a typo?)")


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
