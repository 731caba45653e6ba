"""Storing webhook events once, and claiming them for the worker in each user's order."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, delete, exists, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, aliased

from storage.models.inbox import DONE, PARKED, PENDING, InboxEvent
from storage.vault import Vault

LINE_USER = "line-user"
KEEP_IDS_FOR = timedelta(days=7)


def event_key(event: dict) -> str:
    """LINE's webhookEventId; for an event without one, a digest of its content."""
    given = event.get("webhookEventId")
    if isinstance(given, str) and 0 < len(given) <= 64:
        return given
    canonical = json.dumps(event, sort_keys=True, ensure_ascii=False).encode()
    return "sha256:" + hashlib.sha256(canonical).hexdigest()[:57]


def event_time(event: dict, fallback: datetime) -> datetime:
    stamp = event.get("timestamp")
    if isinstance(stamp, int | float) and not isinstance(stamp, bool) and stamp > 0:
        try:
            return datetime.fromtimestamp(stamp / 1000, UTC)
        except (OverflowError, OSError, ValueError):
            return fallback
    return fallback


def source_user_id(event: dict) -> str | None:
    source = event.get("source")
    if isinstance(source, dict) and isinstance(source.get("userId"), str):
        return source["userId"]
    return None


def store_events(session: Session, vault: Vault, events: list[dict], now: datetime) -> int:
    """Insert each event unless its id is already there. Returns how many were new."""
    insert = postgresql.insert if session.bind.dialect.name == "postgresql" else sqlite.insert
    stored = 0
    for event in events:
        key = event_key(event)
        user_id = source_user_id(event)
        values = {
            "event_id": key,
            "user_key": vault.blind_index(user_id, LINE_USER) if user_id else None,
            "sealed_body": vault.seal_json(event, _aad(key)),
            "event_type": str(event.get("type", "unknown"))[:32],
            "event_time": event_time(event, now),
            "received_at": now,
            "status": PENDING,
            "attempts": 0,
            "next_attempt_at": now,
        }
        statement = insert(InboxEvent).values(**values).on_conflict_do_nothing(
            index_elements=["event_id"]
        )
        stored += session.execute(statement).rowcount or 0
    return stored


def _aad(event_id: str) -> str:
    return f"inbox:{event_id}"


def open_body(vault: Vault, row: InboxEvent) -> dict:
    return vault.open_json(row.sealed_body, _aad(row.event_id))


def claim_next(session: Session, now: datetime) -> InboxEvent | None:
    """The oldest due event whose user has no earlier event still waiting.

    On PostgreSQL the row stays locked (FOR UPDATE SKIP LOCKED) until the caller commits,
    so two workers never take the same event; an earlier event of the same user that another
    worker holds is still `pending`, so this worker leaves that user's later events alone.
    """
    earlier = aliased(InboxEvent)
    waiting_before = exists(
        select(earlier.id).where(
            and_(
                earlier.user_key == InboxEvent.user_key,
                earlier.id < InboxEvent.id,
                earlier.status == PENDING,
            )
        )
    )
    query = (
        select(InboxEvent)
        .where(InboxEvent.status == PENDING, InboxEvent.next_attempt_at <= now, ~waiting_before)
        .order_by(InboxEvent.id)
        .limit(1)
    )
    if session.bind.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True, of=InboxEvent)
    return session.execute(query).scalars().first()


def mark_done(row: InboxEvent, now: datetime) -> None:
    """Forget the body and the user: only the id and times stay, for de-duplication."""
    row.status = DONE
    row.processed_at = now
    row.sealed_body = None
    row.user_key = None
    row.error = None


def mark_failed(row: InboxEvent, now: datetime, error: str, max_attempts: int) -> bool:
    """Schedule a retry with backoff; park after `max_attempts`. True when parked."""
    row.attempts += 1
    row.error = error[:200]
    if row.attempts >= max_attempts:
        row.status = PARKED
        row.processed_at = now
        row.user_key = None
        return True
    row.next_attempt_at = now + timedelta(seconds=min(2 ** row.attempts, 60))
    return False


def purge_old(session: Session, now: datetime) -> int:
    """Drop what is past the de-duplication window (LINE redelivers within far less)."""
    cutoff = now - KEEP_IDS_FOR
    result = session.execute(
        delete(InboxEvent).where(
            InboxEvent.status.in_([DONE, PARKED]), InboxEvent.received_at < cutoff
        )
    )
    return result.rowcount or 0
