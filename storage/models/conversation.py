"""Where a user is in a multi-step conversation (a complaint being filed, a case being followed)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.db import Base
from storage.models.types import UTCDateTime


class Conversation(Base):
    __tablename__ = "conversations"

    # Blind index of the LINE user id; the id itself is never stored here.
    user_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    flow: Mapped[str] = mapped_column(String(32))
    # The flow's state (answers so far), sealed: AAD is the user key.
    sealed_state: Mapped[bytes] = mapped_column(LargeBinary)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
