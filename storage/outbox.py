"""Queueing messages with the change that caused them, and claiming them for delivery."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import bindparam, delete, func, update
from sqlalchemy.orm import Session

from storage.channels import user_purpose
from storage.models.outbox import FAILED, PENDING, SENT, OutboxMessage
from storage.queues import Heads, KeyedQueue
from storage.vault import Vault

MESSAGES_PER_CALL = 5
# While a sender holds a message it is not due for anyone else; if the sender dies, the
# message becomes due again when this lease runs out.
# Longer than one LINE call (bot/line_api.py TIMEOUT: 3.05 s connect + 10 s read).
LEASE = timedelta(seconds=20)
MAX_ATTEMPTS = 12
CLAIM_CANDIDATES = 32


def enqueue(
    session: Session,
    vault: Vault,
    *,
    to: str,
    messages: list[dict],
    now: datetime,
    reply_token: str | None = None,
    reply_deadline: datetime | None = None,
    source_event_id: str | None = None,
    case_code: str | None = None,
    forget_when_sent: bool = False,
) -> list[OutboxMessage]:
    """Queue `messages` for `to`, five to a call; only the first call may use the reply token.

    `forget_when_sent`: the rows are deleted once delivered (an anonymous case's receipt:
    see handlers/cases/coarse.py); give no `source_event_id` with it."""
    rows = []
    for start in range(0, len(messages), MESSAGES_PER_CALL):
        chunk = messages[start : start + MESSAGES_PER_CALL]
        key = str(uuid.uuid4())
        first = start == 0
        row = OutboxMessage(
            retry_key=key,
            recipient_key=vault.blind_index(to, user_purpose(to)),
            sealed_to=vault.seal(to.encode(), _aad(key, "to")),
            sealed_messages=vault.seal_json(chunk, _aad(key, "messages")),
            reply_token=reply_token if first else None,
            reply_deadline=reply_deadline if first else None,
            source_event_id=source_event_id,
            case_code=case_code,
            forget_when_sent=forget_when_sent,
            status=PENDING,
            attempts=0,
            next_attempt_at=now,
            created_at=now,
        )
        session.add(row)
        rows.append(row)
    return rows


def _aad(retry_key: str, field: str) -> str:
    return f"outbox:{retry_key}:{field}"


def open_recipient(vault: Vault, row: OutboxMessage) -> str:
    return vault.open(row.sealed_to, _aad(row.retry_key, "to")).decode()


def open_messages(vault: Vault, row: OutboxMessage) -> list[dict]:
    return vault.open_json(row.sealed_messages, _aad(row.retry_key, "messages"))


# One queue per recipient, so one person's messages arrive in order (a message without a
# recipient key is a queue of its own).
QUEUE = KeyedQueue(OutboxMessage,
                   func.coalesce(OutboxMessage.recipient_key, OutboxMessage.retry_key),
                   PENDING, CLAIM_CANDIDATES)


def claim_due(session: Session, now: datetime, heads: Heads | None = None
              ) -> OutboxMessage | None:
    """Take the oldest due message whose recipient has nothing earlier still waiting (see
    `storage.queues`), and lease it to the caller for `LEASE`."""
    row = QUEUE.claim(session, now, heads)
    if row is not None:
        row.next_attempt_at = now + LEASE
    return row


def use_reply(row: OutboxMessage, now: datetime) -> bool:
    """Whether to answer with the reply token (replies are free; pushes count against the
    office's monthly LINE quota).

    A first try only while a retry after a crash would still be in time (the lease runs out
    before the token does). A try whose outcome was never recorded (its sender died) is
    made again with the same token while it is fresh: LINE refuses a spent token with 400,
    which then means the earlier try landed (pushing instead sent the answer twice). A
    token LINE refused is cleared and not tried again.
    """
    if row.reply_token is None or row.reply_deadline is None:
        return False
    if row.reply_tried_at is not None:
        return now < row.reply_deadline
    return now + LEASE < row.reply_deadline


# Delivered: forget to whom and what, in one statement (loading the row to change it cost
# a sender a second query and the ORM's flush, more CPU than the call to LINE).
_SENT = (update(OutboxMessage)
         .where(OutboxMessage.id == bindparam("row_id"))
         .values(status=SENT, sent_at=bindparam("now"), sent_as=bindparam("sent_as"),
                 sealed_to=None, sealed_messages=None, recipient_key=None, reply_token=None,
                 last_error=None)
         .returning(OutboxMessage.case_code))


_FORGET = (delete(OutboxMessage)
           .where(OutboxMessage.id == bindparam("row_id"), OutboxMessage.forget_when_sent))


def record_sent(session: Session, row_id: int, now: datetime, sent_as: str) -> str | None:
    """Mark the message `row_id` sent, or delete it if it is to be forgotten once sent;
    returns its case code, if any."""
    code = session.execute(_SENT, {"row_id": row_id, "now": now, "sent_as": sent_as}
                           ).scalar_one_or_none()
    session.execute(_FORGET, {"row_id": row_id})
    return code


def mark_retry(row: OutboxMessage, now: datetime, error: str, wait: float | None = None) -> None:
    row.attempts += 1
    row.last_error = error[:200]
    if row.attempts >= MAX_ATTEMPTS:
        mark_failed(row, now, error)
        return
    backoff = wait if wait is not None else min(2 ** row.attempts, 300)
    row.next_attempt_at = now + timedelta(seconds=backoff)


def mark_failed(row: OutboxMessage, now: datetime, error: str) -> None:
    row.status = FAILED
    row.last_error = error[:200]
    row.sent_at = None
    row.recipient_key = None
