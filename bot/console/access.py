"""What the console lists for whom. The rules on a case itself are the case rules'
(handlers/cases/access.py); every refusal of a case is a 404 and an audit record."""

from __future__ import annotations

from sqlalchemy import Text, cast, not_
from sqlalchemy.sql.elements import ColumnElement

from handlers.cases.access import (  # noqa: F401  (the console's views ask here)
    case_refusal,
    implicates,
    is_supervisor,
    roles,
    works_cases,
)
from storage.models.cases import Case
from storage.models.officers import Officer


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
