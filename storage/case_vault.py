"""Sealing and opening what belongs to one case, under that case's own data key.

Identity fields (name, phone, address, contact, LINE user id) do not open through
`read_field`. They open only through `open_identity_fields`, which wants the audit record
of that very opening, written to the chain in the caller's session: whoever opens an
identity, by whatever path, has left a record naming the case and the fields first.
handlers/cases/identity.py is the one caller, and decides who may.
"""

from __future__ import annotations

from sqlalchemy import inspect

from storage.models.audit import AuditRecord
from storage.models.cases import IDENTITY_FIELDS, Case, CaseEvent, CaseField, Evidence
from storage.vault import Vault

# The audit actions that open identity fields: an officer's look, and the system finding
# whom to push an update to.
OPENING_ACTIONS = ("identity_open", "complainant_push")


class IdentityFieldRefused(PermissionError):
    """An identity field asked for without an audit record of the opening."""


def _key_aad(code: str) -> str:
    return f"case-key:{code}"


def new_case_key(vault: Vault, code: str) -> tuple[bytes, bytes]:
    """(data key, wrapped key) for a new case with this code."""
    return vault.new_data_key(_key_aad(code))


def case_key(vault: Vault, case: Case) -> bytes:
    return vault.unwrap_data_key(case.wrapped_key, _key_aad(case.code))


def rewrap(vault: Vault, case: Case) -> bool:
    """Re-seal the case key under the active ring key. True if it changed."""
    if not vault.needs_rewrap(case.wrapped_key):
        return False
    case.wrapped_key = vault.rewrap_data_key(case.wrapped_key, _key_aad(case.code))
    return True


def write_field(vault: Vault, key: bytes, case: Case, field: str, value: str) -> None:
    """Seal `value` as `field` of `case` (the case must have an id: flush first)."""
    ciphertext = vault.seal_field(key, value, table="case_fields", row_id=case.id, field=field)
    for existing in case.fields:
        if existing.field == field:
            existing.ciphertext = ciphertext
            return
    case.fields.append(CaseField(field=field, ciphertext=ciphertext))


def read_field(vault: Vault, key: bytes, case: Case, field: str) -> str | None:
    """A field of what the complaint says; never an identity field."""
    if field in IDENTITY_FIELDS:
        raise IdentityFieldRefused(f"{field} opens only with an audit record")
    return _open(vault, key, case, field)


def open_identity_fields(vault: Vault, key: bytes, case: Case, fields: tuple[str, ...],
                         opening: AuditRecord) -> dict[str, str]:
    """The identity `fields` of `case` that exist, given the audit record of this opening
    (in the session, chained, naming this case and these fields)."""
    if not _records_opening(opening, case, fields):
        raise IdentityFieldRefused("identity fields open only with the audit record "
                                   "of their opening")
    found = {}
    for field in fields:
        value = _open(vault, key, case, field)
        if value is not None:
            found[field] = value
    return found


def _records_opening(opening: object, case: Case, fields: tuple[str, ...]) -> bool:
    if not isinstance(opening, AuditRecord) or not inspect(opening).persistent:
        return False
    named = opening.detail.split(";", 1)[0].removeprefix("fields=").split(",")
    return (opening.action in OPENING_ACTIONS and opening.case_code == case.code
            and bool(opening.seq) and set(fields) <= set(named)
            and all(f in IDENTITY_FIELDS for f in fields))


def _open(vault: Vault, key: bytes, case: Case, field: str) -> str | None:
    for existing in case.fields:
        if existing.field == field:
            return open_field_row(vault, key, existing)
    return None


def open_field_row(vault: Vault, key: bytes, row: CaseField) -> str:
    """One sealed field already read (e.g. the same field of many cases in one query)."""
    return vault.open_field(key, row.ciphertext, table="case_fields", row_id=row.case_id,
                            field=row.field)


def has_field(case: Case, field: str) -> bool:
    return any(existing.field == field for existing in case.fields)


def seal_event_body(vault: Vault, key: bytes, event: CaseEvent, body: str) -> None:
    """Seal the text of a timeline event (the event must have an id: flush first)."""
    event.sealed_body = vault.seal_field(key, body, table="case_events", row_id=event.id,
                                         field="body")


def open_event_body(vault: Vault, key: bytes, event: CaseEvent) -> str | None:
    if event.sealed_body is None:
        return None
    return vault.open_field(key, event.sealed_body, table="case_events", row_id=event.id,
                            field="body")


def seal_evidence(vault: Vault, key: bytes, evidence: Evidence, original: bytes,
                  clean: bytes | None) -> None:
    """Seal a file's bytes (the evidence row must have an id: flush first)."""
    evidence.sealed_original = vault.seal_field_bytes(
        key, original, table="evidence", row_id=evidence.id, field="original")
    evidence.sealed_clean = None if clean is None else vault.seal_field_bytes(
        key, clean, table="evidence", row_id=evidence.id, field="clean")


def seal_evidence_copy(vault: Vault, key: bytes, evidence: Evidence, clean: bytes) -> None:
    """Seal the officer copy the worker rebuilt from the original."""
    evidence.sealed_clean = vault.seal_field_bytes(
        key, clean, table="evidence", row_id=evidence.id, field="clean")


def open_evidence(vault: Vault, key: bytes, evidence: Evidence, original: bool = False) -> bytes:
    field = "original" if original else "clean"
    blob = evidence.sealed_original if original else evidence.sealed_clean
    if blob is None:
        raise LookupError("no cleaned copy of this evidence")
    return vault.open_field_bytes(key, blob, table="evidence", row_id=evidence.id, field=field)
