"""Roles given to accounts, and the second person a custodian or admin role needs.

An admin alone could otherwise make an officer and a custodian, set both passwords and
play both parts of an identity disclosure. So a custodian or admin role given in the
console waits ("pending") until another custodian or admin confirms it: not the one who
gave it, not the account itself, and not an account that the giver gave its own roles in
the last 30 days (handlers/cases/identity.py `independent`). Officer and supervisor roles
count at once. The operator at the server's command line (`tambon officer add`, actor
"cli") starts a deployment: their grants count at once.

Every grant, confirmation and refusal is an audit record; the grants also tell
identity.py who stands behind an account.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers.cases.access import actor_of, roles
from handlers.cases.identity import COMMAND_LINE, independent
from storage import audit
from storage.models.officers import ROLES, Officer, RoleGrant

CONFIRMED_ROLES = ("custodian", "admin")
CONFIRMERS = ("custodian", "admin")


class GrantRefused(ValueError):
    """Carries a text key (console_grant_*) saying why."""

    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


def grant(session: Session, officer: Officer, wanted: list[str], *, actor: str,
          now: datetime) -> list[str]:
    """Give `officer` the roles in `wanted`; returns those left waiting for confirmation."""
    waiting = []
    for role in [r for r in ROLES if r in wanted]:
        status = ("pending" if role in CONFIRMED_ROLES and actor != COMMAND_LINE
                  else "active")
        session.add(RoleGrant(officer_id=officer.id, role=role, granted_by=actor,
                              granted_at=now, status=status))
        if status == "active":
            _add_role(officer, role)
        else:
            waiting.append(role)
        audit.append(session, actor=actor, action="role_grant", now=now,
                     detail=f"officer:{officer.id} role={role} {status}")
    return waiting


def _add_role(officer: Officer, role: str) -> None:
    held = roles(officer) | {role}
    officer.roles = ",".join(r for r in ROLES if r in held)


def pending(session: Session) -> list[tuple[RoleGrant, Officer]]:
    rows = session.execute(
        select(RoleGrant, Officer).join(Officer, Officer.id == RoleGrant.officer_id)
        .where(RoleGrant.status == "pending").order_by(RoleGrant.granted_at))
    return [(grant, officer) for grant, officer in rows]


def decide(session: Session, grant_id: int, decider: Officer, confirm: bool,
           now: datetime) -> RoleGrant:
    """A second custodian or admin confirms (the role counts from now) or refuses."""
    row = session.get(RoleGrant, grant_id)
    if row is None or row.status != "pending":
        raise GrantRefused("console_grant_not_pending")
    if not decider.active or not roles(decider) & set(CONFIRMERS):
        raise GrantRefused("console_grant_not_allowed")
    grantee = session.get(Officer, row.officer_id)
    if confirm:
        _second_person(session, row, grantee, decider, now)
    row.status = "active" if confirm else "refused"
    row.decided_by, row.decided_at = actor_of(decider), now
    if confirm and grantee.active:
        _add_role(grantee, row.role)
    audit.append(session, actor=actor_of(decider), action="role_grant", now=now,
                 detail=f"officer:{row.officer_id} role={row.role} {row.status} "
                        f"(granted by {row.granted_by})")
    return row


def _second_person(session: Session, row: RoleGrant, grantee: Officer, decider: Officer,
                   now: datetime) -> None:
    if decider.id == grantee.id:
        raise GrantRefused("console_grant_own")
    if actor_of(decider) == row.granted_by:
        raise GrantRefused("console_grant_same_person")
    granter = _officer_of(session, row.granted_by)
    if granter is not None and not independent(session, granter, decider, now):
        raise GrantRefused("console_grant_same_person")


def _officer_of(session: Session, actor: str) -> Officer | None:
    kind, _, number = actor.partition(":")
    return session.get(Officer, int(number)) if kind == "officer" and number.isdigit() else None
