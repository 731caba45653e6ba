"""When a citizen must hear from the office: the office's target time, and an update at
least every 7 days."""

from __future__ import annotations

from datetime import datetime, timedelta

from handlers.thai_dates import BANGKOK

UPDATE_EVERY = timedelta(days=7)
DEFAULT_TARGET_DAYS = 15


def add_working_days(start: datetime, days: int) -> datetime:
    """`days` working days (Monday to Friday, Bangkok time) after `start`, same clock time.

    Public holidays are not known here; they make the target a little stricter, never looser.
    """
    local = start.astimezone(BANGKOK)
    left = max(0, int(days))
    while left > 0:
        local += timedelta(days=1)
        if local.weekday() < 5:
            left -= 1
    return local.astimezone(start.tzinfo)


def target_days(router, office_id: str, kind: str) -> int:
    office = router.offices.get(office_id)
    if office is None:
        return DEFAULT_TARGET_DAYS
    return int(office.target_days.get(kind, DEFAULT_TARGET_DAYS))


def due_for(router, office_id: str, kind: str, start: datetime) -> datetime:
    return add_working_days(start, target_days(router, office_id, kind))
