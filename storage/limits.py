"""Limits every process shares, kept in the database: request rates and failure back-offs.

Why our own two tables rather than Flask-Limiter: Flask-Limiter keeps its counters in the
`limits` library's storages (memory, Redis, Memcached, MongoDB, etcd), none of them SQL, and
this service has no store but its database; a storage of our own for it would implement a
dozen methods of which we use one. What we need is two small rules, each one SQL statement
that cannot race: a counter per rule, subject and window (`hit`), and a failure tally that
earns a block which doubles each time (`Tally`), which Flask-Limiter does not do at all.

* `hit`: at most `limit` hits per `window` seconds, counted over a sliding window (the
  current fixed window plus the previous one, weighted by how much of it still overlaps),
  so a burst at a window's edge does not get twice the limit. A hit refused is still
  counted: who keeps knocking stays outside.
* `Tally`: `failures` within `window` earn a block of `first_block`, doubled for each
  block earned in a row (strikes), up to `max_block`; strikes are forgotten a day after the
  last block ended. Officers' accounts keep their tally on their own row (officers), other
  subjects (a sign-in source, a device) in `backoffs`.

Subjects are keyed hashes made by the caller; nothing here sees an address.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from storage.models.limits import Backoff, RateCounter

SWEEP_CHANCE = 0.01  # of a hit also deleting every expired counter


@dataclass(frozen=True)
class Rule:
    name: str
    limit: int
    window: int  # seconds


def _insert(session: Session):
    return pg_insert if session.bind.dialect.name == "postgresql" else sqlite_insert


def hit(session: Session, rule: Rule, subject: str, now: datetime) -> bool:
    """Count one hit of `subject`; False when it is over the rule's limit."""
    stamp = now.timestamp()
    window = int(stamp // rule.window)
    bucket = f"{rule.name}:{subject}"[:100]
    insert = _insert(session)(RateCounter).values(
        bucket=bucket, window=window, hits=1,
        expires_at=now + timedelta(seconds=2 * rule.window))
    counted = session.execute(insert.on_conflict_do_update(
        index_elements=["bucket", "window"], set_={"hits": RateCounter.hits + 1},
    ).returning(RateCounter.hits)).scalar_one()
    before = session.execute(select(RateCounter.hits).where(
        RateCounter.bucket == bucket, RateCounter.window == window - 1)).scalar() or 0
    overlap = 1 - (stamp % rule.window) / rule.window
    if random.random() < SWEEP_CHANCE:
        session.execute(delete(RateCounter).where(RateCounter.expires_at < now))
    return before * overlap + counted <= rule.limit


def reset(session: Session, rule_name: str | None = None) -> None:
    """Forget the counters of one rule (or all): an operator's lever, and the tests'."""
    query = delete(RateCounter)
    if rule_name:
        query = query.where(RateCounter.bucket.startswith(f"{rule_name}:"))
    session.execute(query)


# --- failure back-off ------------------------------------------------------------------

@dataclass(frozen=True)
class BackoffRule:
    failures: int = 10
    window: timedelta = timedelta(hours=1)
    first_block: timedelta = timedelta(minutes=15)
    max_block: timedelta = timedelta(hours=24)
    forget_strikes_after: timedelta = timedelta(hours=24)


@dataclass
class Tally:
    failures: int = 0
    first_failed_at: datetime | None = None
    blocked_until: datetime | None = None
    strikes: int = 0

    def blocked(self, now: datetime) -> bool:
        return self.blocked_until is not None and self.blocked_until > now

    def fail(self, now: datetime, rule: BackoffRule) -> bool:
        """Count one failure; True when it earned a block (then `blocked_until` is set)."""
        if self.blocked_until is not None and now - self.blocked_until > (
                rule.forget_strikes_after):
            self.strikes = 0
        if self.first_failed_at is None or now - self.first_failed_at > rule.window:
            self.first_failed_at, self.failures = now, 0
        self.failures += 1
        if self.failures < rule.failures:
            return False
        block = min(rule.first_block * (2 ** min(self.strikes, 16)), rule.max_block)
        self.blocked_until = now + block
        self.strikes += 1
        self.failures, self.first_failed_at = 0, None
        return True

    def succeed(self) -> None:
        """A right answer clears the failures (not the strikes of a block)."""
        self.failures, self.first_failed_at = 0, None


def tally(session: Session, key: str, *, lock: bool = False) -> Tally:
    """The tally of `key` (a new one if none); with `lock`, its row held until commit, so
    two failures at once are both counted."""
    query = select(Backoff).where(Backoff.key == key)
    if lock:
        session.execute(_insert(session)(Backoff).values(
            key=key, failures=0, strikes=0).on_conflict_do_nothing())
        query = query.with_for_update()
    row = session.execute(query).scalar_one_or_none()
    if row is None:
        return Tally()
    return Tally(row.failures, row.first_failed_at, row.blocked_until, row.strikes)


def save_tally(session: Session, key: str, state: Tally) -> None:
    values = {"failures": state.failures, "first_failed_at": state.first_failed_at,
              "blocked_until": state.blocked_until, "strikes": state.strikes}
    insert = _insert(session)(Backoff).values(key=key, **values)
    session.execute(insert.on_conflict_do_update(index_elements=["key"], set_=values))


def forget_tally(session: Session, key: str) -> None:
    session.execute(delete(Backoff).where(Backoff.key == key))
