"""Storing webhook events once, and claiming them for the worker in each user's order."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from storage.channels import user_purpose
from storage.models.inbox import DONE, PARKED, PENDING, InboxEvent
from storage.queues import Heads, KeyedQueue
from storage.vault import Vault

KEEP_IDS_FOR = timedelta(days=7)
# Heads of users' queues found per query; more than the workers that can hold one each.
CLAIM_CANDIDATES = 64


def event_key(event: dict) -> str:
    """LINE's webhookEventId; for an event without one, a digest of its content."""
    given = event.get("webhookEventId")
    if isinstance(given, str) and 0 < len(given) <= 64 and given.isascii() and given.isprintable():
        return given
    canonical = json.dumps(event, sort_keys=True, ensure_ascii=False).encode()
    return "sha256:" + hashlib.sha256(canonical).hexdigest()[:57]


def event_time(event: dict, fallback: datetime) -> datetime:
    """LINE's timestamp, never later than `fallback` (when we received it): a time in the
    future would keep a reply token "fresh" for ever, and near year 9999 adding the token's
    life overflowed in the worker."""
    stamp = event.get("timestamp")
    if isinstance(stamp, int | float) and not isinstance(stamp, bool) and stamp > 0:
        try:
            return min(datetime.fromtimestamp(stamp / 1000, UTC), fallback)
        except (OverflowError, OSError, ValueError):
            return fallback
    return fallback


def event_type(event: dict) -> str:
    """The event's type for the table; PostgreSQL refuses NUL in text, so only printable
    ASCII is kept as given."""
    kind = event.get("type")
    if isinstance(kind, str) and kind.isascii() and kind.isprintable():
        return kind[:32]
    return "unknown"


def source_user_id(event: dict) -> str | None:
    source = event.get("source")
    if isinstance(source, dict) and isinstance(source.get("userId"), str):
        return source["userId"]
    return None


_INSERT_STATEMENTS: dict[str, object] = {}


def _insert_statement(dialect: str):
    """One INSERT ... ON CONFLICT DO NOTHING RETURNING per dialect, built once: rebuilding it
    per request (ORM insert, its cache key) was most of the webhook's CPU time."""
    statement = _INSERT_STATEMENTS.get(dialect)
    if statement is None:
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        table = InboxEvent.__table__
        statement = insert(table).on_conflict_do_nothing(
            index_elements=["event_id"]).returning(table.c.event_id)
        _INSERT_STATEMENTS[dialect] = statement
    return statement


def store_events(session: Session | Connection, vault: Vault, events: list[dict],
                 now: datetime) -> int:
    """Insert each event unless its id is already there, all in one statement (LINE sends
    several events in a body). Returns how many were new.

    Takes an ORM session or a plain connection; the webhook uses a connection, since the
    ORM's unit of work has nothing to do here and costs a third of the request."""
    if not events:
        return 0
    dialect = session.dialect if isinstance(session, Connection) else session.bind.dialect
    rows = []
    for event in events:
        key = event_key(event)
        user_id = source_user_id(event)
        rows.append({
            "event_id": key,
            "user_key": vault.blind_index(user_id, user_purpose(user_id)) if user_id else None,
            "sealed_body": vault.seal_json(event, _aad(key)),
            "event_type": event_type(event),
            "event_time": event_time(event, now),
            "received_at": now,
            "status": PENDING,
            "attempts": 0,
            "next_attempt_at": now,
        })
    # New rows counted from RETURNING (psycopg reports rowcount -1 for this statement); a
    # body may repeat an id. Given a list, SQLAlchemy sends one multi-row INSERT.
    return len(set(session.execute(_insert_statement(dialect.name), rows).scalars().all()))


def _aad(event_id: str) -> str:
    return f"inbox:{event_id}"


def open_body(vault: Vault, row: InboxEvent) -> dict:
    return vault.open_json(row.sealed_body, _aad(row.event_id))


# One queue per user (an event without a user is a queue of its own).
QUEUE = KeyedQueue(InboxEvent, func.coalesce(InboxEvent.user_key, InboxEvent.event_id),
                   PENDING, CLAIM_CANDIDATES)


def claim_next(session: Session, now: datetime, heads: Heads | None = None
               ) -> InboxEvent | None:
    """The oldest due event whose user has no earlier event still waiting (see
    `storage.queues`); on PostgreSQL locked until the caller commits, so two workers never
    take the same event. A worker keeps one `Heads` across claims."""
    return QUEUE.claim(session, now, heads)


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
