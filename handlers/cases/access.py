"""Who an officer is to the case rules: their roles, the cases they may open.

The console's views and the identity rules (identity.py) both ask here, so a case refused
on one page is refused on every page. A refusal is a short reason for the audit log.
"""

from __future__ import annotations

from storage.models.cases import Case
from storage.models.officers import Officer

CASE_ROLES = ("officer", "supervisor")


def actor_of(officer: Officer) -> str:
    """How the audit log names an officer."""
    return f"officer:{officer.id}"


def roles(officer: Officer) -> set[str]:
    """The roles the account holds now (a role still waiting for confirmation is not one)."""
    return {r for r in officer.roles.split(",") if r}


def works_cases(officer: Officer) -> bool:
    return bool(roles(officer) & set(CASE_ROLES))


def is_supervisor(officer: Officer) -> bool:
    return "supervisor" in roles(officer)


def implicates(case: Case, office_id: str) -> bool:
    return office_id in (case.implicated or [])


def case_refusal(officer: Officer, case: Case | None) -> str | None:
    """Why `officer` may not open `case` (a short audit reason), or None if they may."""
    if case is None:
        return "not_found"
    if not officer.active:
        return "inactive"
    if not works_cases(officer):
        return "role"
    # Never a complaint that names the officer's own office, whoever they are.
    if implicates(case, officer.office_id):
        return "implicated_office"
    if case.office_id != officer.office_id and not is_supervisor(officer):
        return "other_office"
    return None
