"""Sealing and opening what belongs to one case, under that case's own data key.

Identity fields must not be opened with `read_field` outside handlers/cases/identity.py,
which writes the audit record; this module only knows how, not who may.
"""

from __future__ import annotations

from storage.models.cases import Case, CaseEvent, CaseField, Evidence
from storage.vault import Vault


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


def open_evidence(vault: Vault, key: bytes, evidence: Evidence, original: bool = False) -> bytes:
    field = "original" if original else "clean"
    blob = evidence.sealed_original if original else evidence.sealed_clean
    if blob is None:
        raise LookupError("no cleaned copy of this evidence")
    return vault.open_field_bytes(key, blob, table="evidence", row_id=evidence.id, field=field)
