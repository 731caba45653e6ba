"""Sending what the outbox holds: reply while the token is fresh, else push; never twice."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import sessionmaker

from bot.line_api import LineApi
from storage import outbox
from storage.vault import Vault

log = logging.getLogger("tambon.delivery")


def deliver_due(
    sessions: sessionmaker, vault: Vault, line: LineApi, clock: Callable[[], datetime],
    limit: int = 50, heads: outbox.Heads | None = None,
) -> int:
    """Send up to `limit` due messages. Returns how many were delivered. A sender thread
    passes its own `heads` to reuse the queue heads it found across calls."""
    delivered = 0
    for _ in range(limit):
        claimed = _claim(sessions, vault, clock(), heads)
        if claimed is None:
            break
        row_id, retry_key, to, messages, reply_token, tried_before = claimed
        if reply_token is UNKNOWN_REPLY:
            # A reply that may have landed, and its token is now too old to ask LINE again:
            # pushing could send it twice, so it counts as sent (a rare loss, logged).
            log.warning("outbox %s: reply outcome unknown and token expired; not resent",
                        row_id)
            _finish(sessions, row_id, clock(), "reply?")
            delivered += 1
            continue
        if reply_token is not None:
            result = line.reply(reply_token, messages)
            if result.ok or (tried_before and result.status == 400):
                # A 400 on a token we tried before: LINE takes a reply token once, so our
                # earlier try (its sender died before recording it) was the one delivered.
                _finish(sessions, row_id, clock(), "reply")
                delivered += 1
                continue
            if result.status is None:
                if not result.maybe_delivered:
                    # Nothing reached LINE: the token is as good as untried.
                    _untry_reply(sessions, row_id)
                # Else the reply may have landed: try the same token again while it is
                # fresh (see above) rather than pushing a second copy now.
                _retry(sessions, row_id, clock(), result.error, None)
                continue
            log.info("reply not accepted (%s) for outbox %s; sending as push", result.error, row_id)
            # LINE said no: recorded before pushing, so a sender that takes this row over
            # (our lease may run out during the push) pushes with the same retry key
            # instead of replying.
            _forget_reply(sessions, row_id)
        result = line.push(to, messages, retry_key)
        if result.ok:
            _finish(sessions, row_id, clock(), "push")
            delivered += 1
        elif result.retryable:
            _retry(sessions, row_id, clock(), result.error, result.retry_after)
        else:
            _fail(sessions, row_id, clock(), result.error)
    return delivered


def _claim(sessions: sessionmaker, vault: Vault, now: datetime, heads=None):
    with sessions() as session, session.begin():
        row = outbox.claim_due(session, now, heads)
        if row is None:
            return None
        reply_token = None
        tried_before = row.reply_tried_at is not None
        fresh = outbox.use_reply(row, now)
        if tried_before and row.reply_token is not None and not fresh:
            reply_token = UNKNOWN_REPLY
        elif fresh:
            # Recorded before the call: if we die mid-call, the next sender knows the token
            # may be spent and reads LINE's 400 on it as "delivered" (see deliver_due).
            row.reply_tried_at = row.reply_tried_at or now
            reply_token = row.reply_token
        to = outbox.open_recipient(vault, row)
        messages = outbox.open_messages(vault, row)
        return row.id, row.retry_key, to, messages, reply_token, tried_before


def _finish(sessions: sessionmaker, row_id: int, now: datetime, sent_as: str) -> None:
    with sessions() as session, session.begin():
        case_code = outbox.record_sent(session, row_id, now, sent_as)
    log.info("outbox %s sent as %s case=%s", row_id, sent_as, case_code or "-")


UNKNOWN_REPLY = object()


def _untry_reply(sessions, row_id) -> None:
    with sessions() as session, session.begin():
        session.get(outbox.OutboxMessage, row_id).reply_tried_at = None


def _forget_reply(sessions, row_id) -> None:
    with sessions() as session, session.begin():
        session.get(outbox.OutboxMessage, row_id).reply_token = None


def _retry(sessions, row_id, now, error, wait) -> None:
    with sessions() as session, session.begin():
        row = session.get(outbox.OutboxMessage, row_id)
        outbox.mark_retry(row, now, error, wait)
        log.warning("outbox %s retry %s: %s", row_id, row.attempts, error)
        if row.status == outbox.FAILED and row.forget_when_sent:
            session.delete(row)  # given up: an anonymous receipt is not kept as a failure


def _fail(sessions, row_id, now, error) -> None:
    with sessions() as session, session.begin():
        row = session.get(outbox.OutboxMessage, row_id)
        outbox.mark_failed(row, now, error)
        if row.forget_when_sent:  # an anonymous receipt: not kept as a failure either
            session.delete(row)
        log.error("outbox %s failed: %s", row_id, error)
