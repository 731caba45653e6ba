"""Who may see what in the console. Every refusal of a case is a 404 and an audit record."""

from __future__ import annotations

from sqlalchemy import Text, cast, not_
from sqlalchemy.sql.elements import ColumnElement

from storage.models.cases import Case
from storage.models.officers import Officer

CASE_ROLES = ("officer", "supervisor")


def roles(officer: Officer) -> set[str]:
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
    if not works_cases(officer):
        return "role"
    # Never a complaint that names the officer's own office, whoever they are.
    if implicates(case, officer.office_id):
        return "implicated_office"
    if case.office_id != officer.office_id and not is_supervisor(officer):
        return "other_office"
    return None


def queue_offices(officer: Officer, all_offices: list[str]) -> list[str]:
    """The offices whose queue this officer may list."""
    if is_supervisor(officer):
        return list(all_offices)
    if works_cases(officer):
        return [officer.office_id]
    return []


def not_implicating(office_id: str) -> ColumnElement[bool]:
    """SQL: the case's implicated list does not hold `office_id` (SQLite and PostgreSQL)."""
    return not_(cast(Case.implicated, Text).like(f'%"{office_id}"%'))


def may_open_identity_directly(officer: Officer, case: Case) -> bool:
    """Identified cases: the assigned office's officers open contact details (audited)."""
    return (case.identity_mode == "identified" and case.office_id == officer.office_id
            and works_cases(officer) and not implicates(case, officer.office_id))
