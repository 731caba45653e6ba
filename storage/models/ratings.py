"""Satisfaction ratings (1 to 5) of a closed case or of an answer from the service manual.

A rating is offered first (a row with no score and the hash of a random token the LINE
quick replies carry), then given. It keeps no user id: whoever holds the token may rate,
once. The optional comment is sealed under the key ring, since a citizen may write
anything in it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.db import Base
from storage.models.types import UTCDateTime

SUBJECTS = ("case", "answer")


class Rating(Base):
    __tablename__ = "ratings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    org_id: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(8))  # case | answer
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    entry_id: Mapped[str | None] = mapped_column(String(80))  # the manual entry answered
    kind: Mapped[str | None] = mapped_column(String(16))  # the case's kind
    office_id: Mapped[str | None] = mapped_column(String(40))
    channel: Mapped[str] = mapped_column(String(16))  # line | messenger | web
    # SHA-256 of the token in the quick replies' postback data; None for a web rating.
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    score: Mapped[int | None] = mapped_column(Integer)
    # AES-GCM under the key ring, AAD "ratings:<id>:comment".
    sealed_comment: Mapped[bytes | None] = mapped_column(LargeBinary)
    offered_at: Mapped[datetime] = mapped_column(UTCDateTime())
    rated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (
        Index("ix_ratings_rated", "org_id", "rated_at"),
        Index("ix_ratings_case", "case_id"),
    )
