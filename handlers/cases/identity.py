"""The one door to a complainant's identity, and the rules at it (four eyes).

Name, phone, address, contact and LINE user id are sealed fields of a case. Whatever page
or process asks, the three steps check their own rules here:

* `request_identity`: an officer who may work the case asks, with a reason, to see the
  identity of a confidential complaint;
* `decide`: a custodian, not the requester, whose office the complaint does not name,
  approves or denies with a reason. Approving also needs the two accounts to be
  *independent*: no console account gave both of them their roles, or one of them the
  other's, in the last 30 days (one admin must not be able to make an officer and a
  custodian and play both). An approval lasts 24 hours;
* `open_identity`: the requester opens it while the approval lasts; an identified case
  opens to the officers of the office it was sent to. Each opening is an audit record,
  and the vault (storage/case_vault.py) opens identity fields only with that record.

`complainant_line_id` is the system's own door, for pushing an update to a complainant:
audited as `complainant_push`, and it opens the LINE user id only. Every custodian sees
every opening (`openings`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers.cases.access import actor_of, case_refusal, implicates, roles, works_cases
from storage import audit, case_vault
from storage.models.audit import AuditRecord
from storage.models.cases import Case, Evidence
from storage.models.officers import IdentityRequest, Officer, RoleGrant
from storage.vault import Vault

# What an officer is shown: the LINE user id is only for sending updates.
OFFICER_FIELDS = ("name", "phone", "address", "contact")
APPROVAL_LIFETIME = timedelta(hours=24)
# A request older than this is stale: whoever still needs the identity asks again.
REQUEST_LIFETIME = timedelta(days=7)
INDEPENDENCE = timedelta(days=30)
MIN_REQUEST_REASON = 10
MIN_DECISION_REASON = 5
DECISIONS = {"approve": "approved", "deny": "denied"}
# The operator at the server's command line holds the key ring already: not a console
# account whose creations the 30-day rule keeps apart.
COMMAND_LINE = "cli"


class IdentityError(PermissionError):
    """A step refused; `reason` is short, for the audit log and the page's message."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


# --- who stands behind an account ------------------------------------------------------

def sponsors(session: Session, officer_id: int, now: datetime) -> set[str]:
    """The console accounts that gave `officer_id` a role in the last 30 days."""
    since = now - INDEPENDENCE
    found = session.execute(select(RoleGrant.granted_by).where(
        RoleGrant.officer_id == officer_id, RoleGrant.granted_at >= since)).scalars()
    return {actor for actor in found if actor != COMMAND_LINE}


def independent(session: Session, one: Officer, other: Officer, now: datetime) -> bool:
    """No one account (either of them, or whoever gave them roles lately) is behind both."""
    behind_one = {actor_of(one)} | sponsors(session, one.id, now)
    behind_other = {actor_of(other)} | sponsors(session, other.id, now)
    return not behind_one & behind_other


# --- what one officer may do on one case -----------------------------------------------

@dataclass
class Standing:
    mode: str
    can_open: bool = False
    can_request: bool = False
    requests: list[IdentityRequest] = field(default_factory=list)
    approved: IdentityRequest | None = None


def standing(session: Session, officer: Officer, case: Case, now: datetime) -> Standing:
    """What the case page's identity box shows this officer."""
    state = Standing(case.identity_mode)
    if case_refusal(officer, case) is not None or case.identity_mode == "anonymous":
        return state
    if case.identity_mode == "identified":
        state.can_open = _assigned_office(officer, case)
        return state
    state.requests = list(session.execute(
        select(IdentityRequest).where(IdentityRequest.case_id == case.id,
                                      IdentityRequest.officer_id == officer.id)
        .order_by(IdentityRequest.id.desc())).scalars())
    state.approved = next((r for r in state.requests if _live_approval(r, now)), None)
    state.can_open = state.approved is not None
    state.can_request = not state.can_open and not any(
        r.status == "pending" and not _stale(r, now) for r in state.requests)
    return state


def _assigned_office(officer: Officer, case: Case) -> bool:
    """Identified cases: the officers of the office the case was sent to."""
    return (case.office_id == officer.office_id and works_cases(officer)
            and not implicates(case, officer.office_id))


def _live_approval(row: IdentityRequest, now: datetime) -> bool:
    return row.status == "approved" and row.expires_at is not None and row.expires_at > now


def _stale(row: IdentityRequest, now: datetime) -> bool:
    return now - row.requested_at > REQUEST_LIFETIME


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


# --- the three steps -------------------------------------------------------------------

def request_identity(session: Session, officer: Officer, case: Case, reason: str,
                     now: datetime) -> IdentityRequest:
    refusal = case_refusal(officer, case)
    if refusal is not None:
        raise IdentityError(f"case_{refusal}")
    if case.identity_mode != "confidential":
        raise IdentityError("not_confidential")
    if not standing(session, officer, case, now).can_request:
        raise IdentityError("already_asked")
    reason = (reason or "").strip()
    if len(reason) < MIN_REQUEST_REASON:
        raise IdentityError("needs_reason")
    row = IdentityRequest(case_id=case.id, officer_id=officer.id, reason=reason,
                          status="pending", requested_at=now)
    session.add(row)
    session.flush()
    audit.append(session, actor=actor_of(officer), action="identity_request", now=now,
                 case_code=case.code, detail=f"request:{row.id}")
    return row


def decide(session: Session, custodian: Officer, request_id: int, decision: str,
           reason: str, now: datetime) -> tuple[IdentityRequest, Case]:
    """A custodian's decision on a pending request; the case, for telling its complainant."""
    row = session.get(IdentityRequest, request_id)
    case = session.get(Case, row.case_id) if row is not None else None
    if not custodian.active or "custodian" not in roles(custodian):
        raise IdentityError("role")
    if row is None or case is None or implicates(case, custodian.office_id):
        raise IdentityError("not_found")  # a complaint naming their office: not theirs
    if row.status != "pending":
        raise IdentityError("already_decided")
    if row.officer_id == custodian.id:
        raise IdentityError("own_request")
    reason = (reason or "").strip()
    if decision not in DECISIONS or len(reason) < MIN_DECISION_REASON:
        raise IdentityError("needs_reason")
    if decision == "approve":
        _approvable(session, custodian, row, case, now)
    row.status = DECISIONS[decision]
    row.decided_by, row.decision_reason, row.decided_at = custodian.id, reason, now
    if decision == "approve":
        row.expires_at = now + APPROVAL_LIFETIME
    audit.append(session, actor=actor_of(custodian), action="identity_decision", now=now,
                 case_code=case.code, detail=f"request:{row.id} {row.status}")
    return row, case


def _approvable(session: Session, custodian: Officer, row: IdentityRequest, case: Case,
                now: datetime) -> None:
    if _stale(row, now):
        raise IdentityError("request_expired")
    requester = session.get(Officer, row.officer_id)
    if requester is None or case_refusal(requester, case) is not None:
        raise IdentityError("requester_may_not_see_case")
    if not independent(session, requester, custodian, now):
        raise IdentityError("same_sponsor")


def open_identity(session: Session, vault: Vault, officer: Officer, case: Case,
                  now: datetime) -> dict[str, str]:
    """The identity fields of `case` this officer may see now, after an audit record."""
    refusal = case_refusal(officer, case)
    if refusal is not None:
        raise IdentityError(f"case_{refusal}")
    state = standing(session, officer, case, now)
    if case.identity_mode == "anonymous":
        reason = "anonymous case: nothing kept"
    elif not state.can_open:
        raise IdentityError("no_approval")
    elif case.identity_mode == "identified":
        reason = "identified case: contact the complainant"
    else:
        reason = f"request:{state.approved.id} approved by officer:{state.approved.decided_by}"
    return _open(session, vault, case, OFFICER_FIELDS, actor=actor_of(officer),
                 action="identity_open", reason=reason, now=now)


def complainant_line_id(session: Session, vault: Vault, case: Case, purpose: str,
                        now: datetime) -> str | None:
    """Whom to push an update about `case` to (None when no LINE id is kept)."""
    found = _open(session, vault, case, ("line_user_id",), actor="system",
                  action="complainant_push", reason=purpose, now=now)
    return found.get("line_user_id")


def _open(session: Session, vault: Vault, case: Case, fields: tuple[str, ...], *,
          actor: str, action: str, reason: str, now: datetime) -> dict[str, str]:
    present = tuple(f for f in fields if case_vault.has_field(case, f))
    opening = audit.append(session, actor=actor, action=action, now=now, case_code=case.code,
                           detail=f"fields={','.join(present) or '-'}; reason={_one_line(reason)}")
    if not present:
        return {}
    key = case_vault.case_key(vault, case)
    return case_vault.open_identity_fields(vault, key, case, present, opening)


def openings(session: Session, limit: int = 200) -> list[AuditRecord]:
    """Every opening of an identity by an officer, newest first: what custodians watch."""
    return list(session.execute(
        select(AuditRecord).where(AuditRecord.action == "identity_open",
                                  AuditRecord.actor.startswith("officer:"))
        .order_by(AuditRecord.seq.desc()).limit(limit)).scalars())


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
                 case_code=case.code, detail=f"evidence={evidence.id}; reason={_one_line(reason)}")
    key = case_vault.case_key(vault, case)
    return case_vault.open_evidence(vault, key, evidence, original=True)
