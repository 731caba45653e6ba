"""Claiming from a table of per-key queues (the inbox by user, the outbox by recipient).

Each key's rows are taken oldest first, one at a time: a row is claimable when it is due and
no earlier row of its key is still pending. A claim has two steps, so it costs one cheap
pass over the waiting rows however the planner guesses (one query with NOT EXISTS over every
pending row went quadratic on PostgreSQL with a backlog of a few thousand events): first the
head of each key's queue (its lowest pending id) among the due rows, then lock the first of
those still pending and due. A head stays the head until it is done, so a row still pending
under the lock has nothing of its key waiting before it.

On PostgreSQL the row stays locked (FOR UPDATE SKIP LOCKED) until the caller commits, so two
workers never take the same row; on SQLite one writer at a time makes that so.

The statements are built once per queue: building them per claim (coercing each clause,
computing its cache key) cost more CPU than running them.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session


class Heads:
    """Heads of the queues found by one query, tried over several claims.

    Finding the heads reads every pending row; with tens of thousands waiting that cost
    came to dominate each claim (bench/soak.py: 2,400 events a minute at 1,000 waiting,
    900 at 28,000). A claimer keeps one `Heads` and asks again when its list is used up
    or `max_age` old. A listed head stays a head until it is done, so taking it later is
    still in order; a key's next row simply waits for the next query.
    """

    def __init__(self, max_age: timedelta = timedelta(seconds=2)):
        self.max_age = max_age
        self.ids: list[int] = []
        self.fetched_at: datetime | None = None

    def due(self, now: datetime) -> bool:
        return not self.ids or self.fetched_at is None or now - self.fetched_at > self.max_age


class KeyedQueue:
    """Claims over `model` (with `id`, `status`, `next_attempt_at`), one queue per `key`."""

    def __init__(self, model, key, pending: str, candidates: int):
        now = bindparam("now")
        heads = (
            select(func.min(model.id))
            .where(model.status == pending)
            .group_by(key)
            .scalar_subquery()
        )
        self._find = (
            select(model.id)
            .where(model.id.in_(heads), model.next_attempt_at <= now)
            .order_by(model.id)
            .limit(candidates)
        )
        lock = select(model).where(
            model.id == bindparam("row_id"), model.status == pending,
            model.next_attempt_at <= now,
        )
        self._lock = {
            "postgresql": lock.with_for_update(skip_locked=True, of=model),
            "sqlite": lock,
        }

    def find_heads(self, session: Session, now: datetime) -> list[int]:
        return list(session.execute(self._find, {"now": now}).scalars().all())

    def lock_first(self, session: Session, now: datetime, ids: list[int]):
        """Lock the first of `ids` still pending and due, taking the ids tried off the list."""
        statement = self._lock[session.bind.dialect.name]
        while ids:
            row = session.execute(statement, {"row_id": ids.pop(0), "now": now}
                                  ).scalars().first()
            if row is not None:
                return row
        return None

    def claim(self, session: Session, now: datetime, heads: Heads | None = None):
        """The oldest due row whose key has no earlier row pending, or None. With `heads`,
        the first step's answer is kept for the next claims (see `Heads`)."""
        if heads is None:
            return self.lock_first(session, now, self.find_heads(session, now))
        if not heads.due(now):
            row = self.lock_first(session, now, heads.ids)
            if row is not None:
                return row
        heads.ids, heads.fetched_at = self.find_heads(session, now), now
        return self.lock_first(session, now, heads.ids)
