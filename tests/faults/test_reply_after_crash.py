"""A sender that dies between LINE's answer and recording it (found by test_kill.py: the
answer went out as a reply, then again as a push after the lease ran out)."""

from __future__ import annotations

from sqlalchemy import select

from bot import delivery
from bot.line_api import SendResult
from storage.models import OutboxMessage


def _handled(line_user, worker) -> None:
    assert line_user.post(line_user.event("follow")).status_code == 200
    assert worker.process_one()


def _die_after_claim(services, call_line: bool) -> None:
    """What a killed sender left behind: claimed (reply_tried_at set), maybe replied."""
    claimed = delivery._claim(services.sessions, services.vault, services.clock())
    row_id, retry_key, to, messages, token, tried_before = claimed
    assert token is not None and not tried_before
    if call_line:
        assert services.line_api().reply(token, messages).ok


def test_reply_landed_then_sender_died_is_not_pushed_again(line_user, worker, services,
                                                            fake_line, clock):
    _handled(line_user, worker)
    _die_after_claim(services, call_line=True)
    clock.advance(seconds=31)  # the lease ran out; the token is still fresh
    delivery.deliver_due(services.sessions, services.vault, services.line_api(), clock)
    assert [e["kind"] for e in fake_line.received()] == ["reply"]
    with services.sessions() as session:
        row = session.execute(select(OutboxMessage)).scalar_one()
        assert (row.status, row.sent_as) == ("sent", "reply")


def test_sender_died_before_the_reply_reached_line_replies_on_retry(line_user, worker,
                                                                     services, fake_line, clock):
    _handled(line_user, worker)
    _die_after_claim(services, call_line=False)
    clock.advance(seconds=31)
    delivery.deliver_due(services.sessions, services.vault, services.line_api(), clock)
    assert [e["kind"] for e in fake_line.received()] == ["reply"]


def test_no_answer_to_a_reply_is_retried_as_a_reply_not_pushed(line_user, worker, services,
                                                               fake_line, clock, monkeypatch):
    _handled(line_user, worker)
    real = services.line_api()
    calls = []

    class Timeout:
        """LINE took the reply but the answer never came back (read timeout)."""

        def reply(self, token, messages):
            calls.append("reply")
            real.reply(token, messages)
            return SendResult(ok=False, status=None, error="ReadTimeout")

        def push(self, *args):
            calls.append("push")
            return real.push(*args)

    delivery.deliver_due(services.sessions, services.vault, Timeout(), clock)
    clock.advance(seconds=5)
    delivery.deliver_due(services.sessions, services.vault, real, clock)
    assert calls == ["reply"]
    assert [e["kind"] for e in fake_line.received()] == ["reply"]


def test_no_first_reply_that_a_crash_retry_could_not_follow_in_time(line_user, worker,
                                                                     services, fake_line, clock):
    """Found by test_kill.py under a 30 s backlog: the retry after a crash came after the
    token's deadline and pushed a second copy. A first reply is only tried while a retry
    after the lease would still be in time; later the answer goes as a push."""
    from storage.outbox import LEASE

    _handled(line_user, worker)
    with services.sessions() as session:
        deadline = session.execute(select(OutboxMessage)).scalar_one().reply_deadline
    clock.now = deadline - LEASE  # a crash-retry would land on the deadline: too late
    delivery.deliver_due(services.sessions, services.vault, services.line_api(), clock)
    assert [e["kind"] for e in fake_line.received()] == ["push"]


def test_a_reply_that_never_left_goes_as_a_push_once_the_token_is_stale(
        line_user, worker, services, fake_line, clock):
    """Connection refused: nothing reached LINE, so the token is as good as untried; once
    it is too old the answer goes as a push, exactly once."""
    _handled(line_user, worker)
    real = services.line_api()

    class Refused:
        def reply(self, token, messages):
            return SendResult(ok=False, status=None, error="NewConnectionError",
                              maybe_delivered=False)

        def push(self, *args):
            raise AssertionError("no push while the token is fresh")

    delivery.deliver_due(services.sessions, services.vault, Refused(), clock)
    clock.advance(minutes=2)
    delivery.deliver_due(services.sessions, services.vault, real, clock)
    assert [e["kind"] for e in fake_line.received()] == ["push"]


def test_a_reply_that_may_have_landed_is_not_pushed_after_its_token_expires(
        line_user, worker, services, fake_line, clock):
    """A read timeout after sending, then the token expires: a push could be a second copy."""
    _handled(line_user, worker)

    class Timeout:
        def reply(self, token, messages):
            return SendResult(ok=False, status=None, error="ReadTimeoutError")

        def push(self, *args):
            raise AssertionError("must not push")

    delivery.deliver_due(services.sessions, services.vault, Timeout(), clock)
    clock.advance(minutes=2)
    delivery.deliver_due(services.sessions, services.vault, Timeout(), clock)
    with services.sessions() as session:
        row = session.execute(select(OutboxMessage)).scalar_one()
    assert row.status == "sent" and row.sent_as == "reply?"


def test_refused_connection_is_told_apart_from_a_lost_answer():
    from urllib3.exceptions import MaxRetryError, NewConnectionError, ReadTimeoutError

    from bot.line_api import _never_sent

    refused = MaxRetryError(None, "/v2/bot/message/reply",
                            NewConnectionError(None, "Connection refused"))
    assert _never_sent(refused)
    assert not _never_sent(ReadTimeoutError(None, "/v2/bot/message/reply", "read timed out"))
