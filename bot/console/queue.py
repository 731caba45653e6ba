"""The queue: an office's cases, nearest deadline first, filtered and paginated."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, lazyload, load_only

from bot.console.access import not_implicating
from storage.models.cases import CLOSED_STATUSES, KINDS, STATUSES, Case

PAGE_SIZE = 50
# Counting every matching row costs a scan that grows with the table; past this the page
# says "more than 1,000" and paging goes on by "next" (one row fetched beyond the page).
COUNT_CAP = 1000
OPEN = "open"
ALL = "all"


@dataclass
class QueueFilter:
    offices: list[str]
    viewer_office: str
    status: str = OPEN  # open | all | one of STATUSES
    kind: str = ""  # "" or one of KINDS
    overdue: bool = False
    page: int = 1


@dataclass
class QueuePage:
    cases: list[Case]
    total: int  # at most COUNT_CAP + 1
    page: int
    has_next: bool

    @property
    def total_capped(self) -> bool:
        return self.total > COUNT_CAP

    @property
    def pages(self) -> int:
        return max(1, -(-min(self.total, COUNT_CAP) // PAGE_SIZE))


def list_queue(session: Session, flt: QueueFilter, now: datetime) -> QueuePage:
    conditions = [Case.office_id.in_(flt.offices), not_implicating(flt.viewer_office)]
    open_statuses = [s for s in STATUSES if s not in CLOSED_STATUSES]
    if flt.status == OPEN:
        conditions.append(Case.status.in_(open_statuses))
    elif flt.status in STATUSES:
        conditions.append(Case.status == flt.status)
    if flt.kind in KINDS:
        conditions.append(Case.kind == flt.kind)
    if flt.overdue:
        conditions.append(Case.due_at < now)
        conditions.append(Case.status.in_(open_statuses))
    capped = select(Case.id).where(*conditions).limit(COUNT_CAP + 1).subquery()
    total = session.execute(select(func.count()).select_from(capped)).scalar()
    page = max(1, flt.page)
    rows = session.execute(
        select(Case)
        .options(load_only(Case.code, Case.kind, Case.status, Case.office_id,
                           Case.identity_mode, Case.created_at, Case.due_at,
                           Case.update_due_at, Case.assigned_officer_id,
                           Case.wrapped_key),  # opens the subject line's text
                 lazyload(Case.fields))
        .where(*conditions)
        .order_by(Case.due_at, Case.id)
        .limit(PAGE_SIZE + 1)
        .offset((page - 1) * PAGE_SIZE)
    ).scalars().all()
    return QueuePage(list(rows[:PAGE_SIZE]), total, page, len(rows) > PAGE_SIZE)


def update_owed(case: Case, now: datetime) -> bool:
    """A citizen must hear from the office at least every 7 days."""
    return case.status not in CLOSED_STATUSES and case.update_due_at <= now


def overdue(case: Case, now: datetime) -> bool:
    return case.status not in CLOSED_STATUSES and case.due_at < now
