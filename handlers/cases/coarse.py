"""Coarse times for anonymous cases.

An anonymous case must not be matched to the LINE event, the web request or the log line
that filed it. Exact times are what such a match joins on (the inbox's processed time, an
outbox row's, a proxy's access log), so every time the complainant's own action writes
about an anonymous case (the case row, its timeline, evidence and audit records) is
rounded down to the hour, and its code never goes into a log line, which carries the exact
time by itself.
"""

from __future__ import annotations

from datetime import datetime


def hour_of(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def citizen_time(identity_mode: str, now: datetime) -> datetime:
    """The time to record for the complainant's own action on a case of this mode."""
    return hour_of(now) if identity_mode == "anonymous" else now


def loggable_code(code: str, identity_mode: str) -> str:
    """What a log line may say about the case: never an anonymous case's code."""
    return "(anonymous)" if identity_mode == "anonymous" else code
