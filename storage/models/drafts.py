"""Files a citizen sent while a complaint is still a draft (before they confirm it).

LINE deletes message content after a while, so evidence is fetched at once; until the
case exists it waits here, sealed under the key ring. Nothing in a row points to a
person: `draft_id` is a random token known only from the sealed conversation state.
Rows move into `evidence` on confirm and are deleted on cancel, on expiry, or when old.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.db import Base
from storage.models.types import UTCDateTime


class DraftFile(Base):
    __tablename__ = "draft_files"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    draft_id: Mapped[str] = mapped_column(String(40))
    token: Mapped[str] = mapped_column(String(40), unique=True)
    media_kind: Mapped[str] = mapped_column(String(12))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    # The bytes, sealed by the ring (AAD: draft-file, draft id, token).
    sealed: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (
        Index("ix_draft_files_draft", "draft_id"),
        Index("ix_draft_files_created", "created_at"),
    )
