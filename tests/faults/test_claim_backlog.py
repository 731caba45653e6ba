"""Claiming stays cheap with a backlog (found by bench/soak.py: at 50 events/s the worker
fell to 29 events a minute once a few thousand events waited, because the claim query's
NOT EXISTS over every pending row went quadratic on PostgreSQL)."""

from __future__ import annotations

import time
import uuid
from datetime import timedelta

from storage import inbox, outbox

BACKLOG = 3000


def _time_claims(sessions, claim, now, rounds: int = 40) -> float:
    """Mean seconds a claim takes, on one connection (PostgreSQL prepares it after 5)."""
    with sessions() as session:
        start = time.perf_counter()
        for _ in range(rounds):
            session.begin()
            assert claim(session, now) is not None
            session.rollback()
        return (time.perf_counter() - start) / rounds


def test_inbox_claim_with_thousands_waiting(sessions, vault, clock):
    users = [f"U{uuid.uuid4().hex}" for _ in range(150)]
    events = [{"type": "message", "webhookEventId": uuid.uuid4().hex,
               "source": {"type": "user", "userId": users[i % len(users)]},
               "message": {"type": "text", "id": str(i), "text": "เมนู"}}
              for i in range(BACKLOG)]
    with sessions() as session, session.begin():
        assert inbox.store_events(session, vault, events, clock()) == BACKLOG
    mean = _time_claims(sessions, inbox.claim_next, clock())
    print(f"\ninbox claim with {BACKLOG} waiting: {mean * 1000:.1f} ms")
    assert mean < 0.05


def test_outbox_claim_with_thousands_waiting(sessions, vault, clock):
    with sessions() as session, session.begin():
        for i in range(BACKLOG):
            outbox.enqueue(session, vault, to=f"U{i % 700:032d}",
                           messages=[{"type": "text", "text": "x"}], now=clock())
    mean = _time_claims(sessions, outbox.claim_due, clock() + timedelta(seconds=1))
    print(f"\noutbox claim with {BACKLOG} waiting: {mean * 1000:.1f} ms")
    assert mean < 0.05


def _count_head_queries(monkeypatch, queue) -> list[int]:
    calls = [0]
    real = queue.find_heads

    def counting(session, now):
        calls[0] += 1
        return real(session, now)

    monkeypatch.setattr(queue, "find_heads", counting)
    return calls


def test_a_worker_reuses_the_heads_it_found(sessions, vault, clock, monkeypatch):
    """One head query serves many claims (bench/soak.py: at 28,000 waiting the head query
    made each claim slow and the worker fell from 2,400 to 900 events a minute)."""
    users = [f"U{uuid.uuid4().hex}" for _ in range(BACKLOG // 2)]
    events = [{"type": "message", "webhookEventId": uuid.uuid4().hex,
               "source": {"type": "user", "userId": users[i % len(users)]}}
              for i in range(BACKLOG)]
    with sessions() as session, session.begin():
        inbox.store_events(session, vault, events, clock())
    heads = inbox.Heads()
    taken = []
    queries = _count_head_queries(monkeypatch, inbox.QUEUE)
    with sessions() as session:
        for _ in range(100):
            session.begin()
            row = inbox.claim_next(session, clock(), heads)
            taken.append((row.user_key, row.id))
            inbox.mark_done(row, clock())
            session.commit()
    assert queries[0] <= 3
    assert len({row_id for _, row_id in taken}) == 100
    _assert_each_keys_oldest_first(taken)


def test_a_sender_reuses_the_heads_it_found(sessions, vault, clock, monkeypatch):
    with sessions() as session, session.begin():
        for i in range(BACKLOG):
            outbox.enqueue(session, vault, to=f"U{i % 700:032d}",
                           messages=[{"type": "text", "text": "x"}], now=clock())
    heads = outbox.Heads()
    taken = []
    queries = _count_head_queries(monkeypatch, outbox.QUEUE)
    now = clock() + timedelta(seconds=1)
    with sessions() as session:
        for _ in range(100):
            session.begin()
            row = outbox.claim_due(session, now, heads)
            taken.append((row.recipient_key, row.id))
            outbox.record_sent(session, row.id, now, "push")
            session.commit()
    assert queries[0] <= 4
    assert len({row_id for _, row_id in taken}) == 100
    _assert_each_keys_oldest_first(taken)


def _assert_each_keys_oldest_first(taken) -> None:
    first_of_key: dict = {}
    for key, row_id in taken:
        assert key not in first_of_key or first_of_key[key] < row_id
        first_of_key.setdefault(key, row_id)
