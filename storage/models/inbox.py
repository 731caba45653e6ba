"""The inbox: every webhook event LINE delivered, sealed, until the worker has handled it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.db import Base
from storage.models.types import UTCDateTime

PENDING = "pending"
DONE = "done"
PARKED = "parked"


class InboxEvent(Base):
    __tablename__ = "inbox_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # LINE's webhookEventId: the de-duplication key. Kept (with the timestamps) for 7 days.
    event_id: Mapped[str] = mapped_column(String(64), unique=True)
    # Blind index of the source user, so one user's events are handled in order.
    # Cleared once the event is done: nothing here points to a person afterwards.
    user_key: Mapped[str | None] = mapped_column(String(64))
    # The whole event, sealed by the vault (AAD: the event id). Deleted once handled.
    sealed_body: Mapped[bytes | None] = mapped_column(LargeBinary)
    event_type: Mapped[str] = mapped_column(String(32))
    # LINE's own event timestamp: the reply token is fresh for about a minute after it.
    event_time: Mapped[datetime] = mapped_column(UTCDateTime())
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(16), default=PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The exception class only: messages can quote what the user typed.
    error: Mapped[str | None] = mapped_column(String(200))

    __table_args__ = (
        Index("ix_inbox_claim", "status", "next_attempt_at", "id"),
        Index("ix_inbox_user", "user_key", "status", "id"),
        Index("ix_inbox_received", "received_at"),
    )
