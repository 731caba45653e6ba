"""One-time receipts: the web tip's receipt page shows the case secret once, in whichever
web process the browser reaches, so "shown" is recorded here rather than in memory."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.db import Base
from storage.models.types import UTCDateTime


class ReceiptNonce(Base):
    """A receipt not yet shown. Its row is deleted by the one request that shows it."""

    __tablename__ = "receipt_nonces"

    # SHA-256 of the nonce carried in the sealed receipt cookie.
    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    # When an unshown receipt may be purged: to the hour, so it dates no tip.
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (Index("ix_receipt_nonces_expires", "expires_at"),)
