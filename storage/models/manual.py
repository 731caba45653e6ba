"""The service manual as loaded into the database, and the questions it could not answer."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.db import Base
from storage.models.types import UTCDateTime


class ManualEntry(Base):
    __tablename__ = "manual_entries"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    org_id: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(300))
    office_id: Mapped[str] = mapped_column(String(40))
    # The whole validated entry, in the same shape as its YAML file.
    content: Mapped[dict] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class UnansweredQuestion(Base):
    """A question the manual did not answer. Never stored with who asked it."""

    __tablename__ = "unanswered_questions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    org_id: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text)
    text_key: Mapped[str] = mapped_column(String(300))
    count: Mapped[int] = mapped_column(Integer, default=1)
    best_guess_id: Mapped[str | None] = mapped_column(String(80))
    first_asked_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_asked_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (Index("ix_unanswered_key", "org_id", "text_key", unique=True),)
