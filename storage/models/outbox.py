"""The outbox: what the bot wants to send, committed with the change that caused it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Index, Integer, LargeBinary, String, false
from sqlalchemy.orm import Mapped, mapped_column

from storage.db import Base
from storage.models.types import UTCDateTime

PENDING = "pending"
SENT = "sent"
FAILED = "failed"


class OutboxMessage(Base):
    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # UUID sent as X-Line-Retry-Key so LINE drops a push we repeat after a lost answer.
    retry_key: Mapped[str] = mapped_column(String(36), unique=True)
    # Blind index of the recipient: keeps one user's messages in order.
    recipient_key: Mapped[str | None] = mapped_column(String(64))
    # Recipient LINE user id and the messages, sealed (AAD: the retry key). Deleted once sent.
    sealed_to: Mapped[bytes | None] = mapped_column(LargeBinary)
    sealed_messages: Mapped[bytes | None] = mapped_column(LargeBinary)
    reply_token: Mapped[str | None] = mapped_column(String(128))
    # Until when the reply token may be used; after it, the messages go as a push.
    reply_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Set before a reply call: a reply that may have reached LINE is never re-sent as a push.
    reply_tried_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    source_event_id: Mapped[str | None] = mapped_column(String(64))
    case_code: Mapped[str | None] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default=PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_as: Mapped[str | None] = mapped_column(String(8))  # reply | push
    last_error: Mapped[str | None] = mapped_column(String(200))
    # The receipt of an anonymous case: deleted once delivered, so no row is left that
    # joins the case to the moment or the LINE event that filed it (migration 0011).
    forget_when_sent: Mapped[bool] = mapped_column(Boolean, default=False,
                                                   server_default=false())

    __table_args__ = (
        Index("ix_outbox_due", "status", "next_attempt_at", "id"),
        Index("ix_outbox_recipient", "recipient_key", "status", "id"),
    )
