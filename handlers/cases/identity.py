"""The one door to a complainant's identity.

Name, phone, address, contact and LINE user id are sealed fields of a case. They open
here and nowhere else, and every opening writes an audit record naming who opened which
case and why. The officer console builds the custodian's approval around this function;
the notifier uses it (actor "system") to find whom to push an update to.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from storage import audit, case_vault
from storage.models.cases import IDENTITY_FIELDS, Case, Evidence
from storage.vault import Vault

# What an officer is shown by default: the LINE user id is only for sending updates.
OFFICER_FIELDS = ("name", "phone", "address", "contact")


class IdentityError(ValueError):
    pass


def open_identity(
    session: Session,
    vault: Vault,
    case: Case,
    *,
    actor: str,
    reason: str,
    now: datetime,
    fields: tuple[str, ...] = OFFICER_FIELDS,
) -> dict[str, str]:
    """The identity fields of `case` that exist (an anonymous case has none), after
    writing an audit record. `actor` is "officer:<id>" or "system"; `reason` says why
    (never identity or complaint text: it is stored in the audit log as given)."""
    if not actor or not isinstance(actor, str):
        raise IdentityError("who opens the identity must be named")
    if not reason or not str(reason).strip():
        raise IdentityError("a reason is required to open an identity")
    unknown = [f for f in fields if f not in IDENTITY_FIELDS]
    if unknown:
        raise IdentityError(f"not identity fields: {', '.join(unknown)}")
    present = [f for f in fields if case_vault.has_field(case, f)]
    audit.append(
        session, actor=actor, action="identity_open", now=now, case_code=case.code,
        detail=f"fields={','.join(present) or '-'}; reason={' '.join(str(reason).split())}",
    )
    if not present:
        return {}
    key = case_vault.case_key(vault, case)
    found: dict[str, str] = {}
    for name in present:
        value = case_vault.read_field(vault, key, case, name)
        if value is not None:
            found[name] = value
    return found


def open_original_evidence(
    session: Session, vault: Vault, case: Case, evidence: Evidence, *, actor: str,
    reason: str, now: datetime,
) -> bytes:
    """An evidence file as sent, metadata (GPS, camera, author) and all: identity-grade,
    so it opens only with a reason and an audit record."""
    if evidence.case_id != case.id:
        raise IdentityError("evidence of another case")
    if not reason or not str(reason).strip():
        raise IdentityError("a reason is required to open an original file")
    audit.append(session, actor=actor, action="evidence_original", now=now,
                 case_code=case.code,
                 detail=f"evidence={evidence.id}; reason={' '.join(str(reason).split())}")
    key = case_vault.case_key(vault, case)
    return case_vault.open_evidence(vault, key, evidence, original=True)
