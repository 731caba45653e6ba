"""The console's own tables: signed-in sessions and the last TOTP step each officer used.

Only the console reads them; migration 0004 creates them. Both hang off `officers`
with ON DELETE CASCADE.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.db import Base
from storage.models.types import UTCDateTime

STAGE_TOTP = "totp"  # password accepted, second factor still owed
STAGE_ENROL = "enrol"  # password accepted, a second factor is required and not yet set up
STAGE_OK = "ok"


class ConsoleSession(Base):
    """One signed-in browser. The cookie holds a random token; only its SHA-256 is kept,
    so reading this table does not let anyone sign in."""

    __tablename__ = "console_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("officers.id", ondelete="CASCADE"))
    stage: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (Index("ix_console_sessions_officer", "officer_id"),)


class TotpUse(Base):
    """The last accepted TOTP time step of an officer: a code is good once."""

    __tablename__ = "console_totp_use"

    officer_id: Mapped[int] = mapped_column(
        ForeignKey("officers.id", ondelete="CASCADE"), primary_key=True)
    last_step: Mapped[int] = mapped_column(Integer)
