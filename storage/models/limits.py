"""Limits shared by every process: request counters and failure back-offs.

Subjects are keyed hashes (a client's address, a device), never the address itself.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.db import Base
from storage.models.types import UTCDateTime


class RateCounter(Base):
    """Hits of one bucket (a rule and a subject) in one fixed window of time."""

    __tablename__ = "rate_counters"

    bucket: Mapped[str] = mapped_column(String(100), primary_key=True)
    window: Mapped[int] = mapped_column(Integer, primary_key=True)  # epoch seconds // length
    hits: Mapped[int] = mapped_column(Integer)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (Index("ix_rate_counters_expires", "expires_at"),)


class Backoff(Base):
    """Failures of one subject (a sign-in source) and the block they earned."""

    __tablename__ = "backoffs"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    first_failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    blocked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    strikes: Mapped[int] = mapped_column(Integer, default=0)
