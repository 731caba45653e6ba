"""The worker and the outbox: nothing acknowledged is lost, nothing is sent twice."""

from __future__ import annotations

from sqlalchemy import select

from bot.worker import Worker
from storage.models import InboxEvent, OutboxMessage
from tests.line_helpers import texts_of


def _fresh_worker(services) -> Worker:
    """A new worker process, as after a restart: nothing carried over but the database."""
    return Worker(services.sessions, services.vault, services.org, services.line_api(),
                  clock=services.clock)


def test_worker_killed_after_the_200_answers_by_push_when_token_is_stale(
        line_user, services, fake_line, clock):
    answer = line_user.post(line_user.event("follow"))
    assert answer.status_code == 200
    # The worker died here: the event is in the inbox, nobody answered.
    clock.advance(minutes=5)
    _fresh_worker(services).run_until_idle()
    received = fake_line.received()
    assert [entry["kind"] for entry in received] == ["push"]
    assert received[0]["to"] == line_user.user_id
    assert "ยินดีต้อนรับ" in texts_of(received[0]["messages"])


def test_worker_killed_after_handling_sends_the_queued_answer_once(
        line_user, services, fake_line, clock):
    line_user.post(line_user.event("follow"))
    worker = _fresh_worker(services)
    assert worker.process_one()  # handled and committed, then the process died
    clock.advance(minutes=2)
    _fresh_worker(services).run_until_idle()
    _fresh_worker(services).run_until_idle()
    assert len(fake_line.received()) == 1
    assert fake_line.received()[0]["kind"] == "push"


def test_fresh_token_is_used_as_a_reply(line_user, fake_line):
    line_user.follow()
    assert [entry["kind"] for entry in fake_line.received()] == ["reply"]


def test_429_then_200_delivers_exactly_one_message(line_user, services, fake_line, clock):
    clock.advance(minutes=2)  # force the push path, where LINE's retry key applies
    fake_line.fail(429, count=1, retry_after=1)
    line_user.post(line_user.event("follow"))
    worker = _fresh_worker(services)
    worker.run_until_idle()
    assert fake_line.received() == []
    clock.advance(seconds=2)
    worker.run_until_idle()
    worker.run_until_idle()
    assert len(fake_line.received()) == 1


def test_500_on_reply_falls_back_to_push_once(line_user, services, fake_line):
    fake_line.fail(500, count=1)
    line_user.post(line_user.event("follow"))
    _fresh_worker(services).run_until_idle()
    kinds = [entry["kind"] for entry in fake_line.received()]
    assert kinds == ["push"]


def test_push_repeated_after_a_lost_answer_is_not_delivered_twice(line_user, services,
                                                                    fake_line, clock):
    """LINE accepted the push but the answer was lost: the retry key makes LINE say 409."""
    clock.advance(minutes=2)
    line_user.post(line_user.event("follow"))
    worker = _fresh_worker(services)
    worker.process_one()
    from bot.delivery import deliver_due

    deliver_due(services.sessions, services.vault, services.line_api(), clock)
    with services.sessions() as session, session.begin():
        row = session.execute(select(OutboxMessage)).scalar_one()
        assert row.status == "sent"
        # Pretend the 200 never reached us: the message is still pending.
        row.status = "pending"
        row.sealed_to = services.vault.seal(line_user.user_id.encode(),
                                            f"outbox:{row.retry_key}:to")
        row.sealed_messages = services.vault.seal_json([{"type": "text", "text": "x"}],
                                                       f"outbox:{row.retry_key}:messages")
        row.recipient_key = "k"
        row.next_attempt_at = clock()
    deliver_due(services.sessions, services.vault, services.line_api(), clock)
    assert len(fake_line.received()) == 1


def test_handler_that_raises_is_retried_then_parked_with_a_thai_apology(
        line_user, services, fake_line, clock, monkeypatch, caplog):
    calls = []

    def broken(event, ctx):
        calls.append(1)
        raise RuntimeError("boom with ข้อความลับ")

    monkeypatch.setattr("handlers.chat.dispatch", broken)
    line_user.post(line_user.event("message", message={"type": "text", "id": "5",
                                                       "text": "ข้อความลับ"}))
    worker = _fresh_worker(services)
    for _ in range(5):
        worker.run_until_idle()
        clock.advance(minutes=2)
    assert len(calls) == 3
    with services.sessions() as session:
        row = session.execute(select(InboxEvent)).scalar_one()
        assert row.status == "parked"
        assert row.error == "RuntimeError"
    assert "ขออภัย" in texts_of(fake_line.messages_to(line_user.user_id))
    assert "ข้อความลับ" not in caplog.text


def test_one_users_events_are_handled_in_order(line_user, services, fake_line, clock):
    clock.advance(minutes=2)
    events = [line_user.event("message", message={"type": "text", "id": str(i),
                                                  "text": word})
              for i, word in enumerate(["เมนู", "ติดต่อ อบต.", "เมนู"])]
    line_user.post(*events)
    _fresh_worker(services).run_until_idle()
    pushes = [texts_of(entry["messages"]) for entry in fake_line.received()]
    assert len(pushes) == 3
    assert "ต้องการให้ช่วย" in pushes[0] and "โทร" in pushes[1] and "ต้องการให้ช่วย" in pushes[2]


def test_processed_events_keep_only_id_and_times(line_user, services):
    line_user.follow()
    with services.sessions() as session:
        row = session.execute(select(InboxEvent)).scalar_one()
        assert row.status == "done"
        assert row.sealed_body is None and row.user_key is None
        sent = session.execute(select(OutboxMessage)).scalar_one()
        assert sent.sealed_to is None and sent.sealed_messages is None


def test_old_ids_are_purged_after_seven_days(line_user, services, clock):
    from storage.inbox import purge_old

    line_user.follow()
    clock.advance(days=8)
    with services.sessions() as session, session.begin():
        assert purge_old(session, clock()) == 1


def test_the_worker_vacuums_its_queue_tables_on_postgresql(line_user, worker, services):
    """Queue tables churn (insert, two or three updates a row); with autovacuum late or off
    the claim's scan walked every dead row version (bench/soak.py)."""
    import time

    import pytest
    from sqlalchemy import text

    if services.engine.dialect.name != "postgresql":
        pytest.skip("VACUUM is PostgreSQL's; SQLite reuses freed pages by itself")
    line_user.say("สวัสดีค่ะ")
    worker.run_until_idle()

    def vacuums() -> dict:
        with services.engine.connect() as connection:
            return dict(connection.execute(text(
                "select relname, vacuum_count + autovacuum_count from pg_stat_user_tables "
                "where relname in ('inbox_events', 'outbox_messages')")).all())

    before = vacuums()
    worker._vacuum_if_due(force=True)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and not all(
            vacuums()[t] > before.get(t, 0) for t in ("inbox_events", "outbox_messages")):
        time.sleep(0.1)
    after = vacuums()
    assert all(after[t] > before.get(t, 0) for t in ("inbox_events", "outbox_messages"))
