"""The audit log: append-only, each record carrying the hash of the one before."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.db import Base
from storage.models.types import UTCDateTime


class AuditRecord(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    # "officer:<id>", "citizen", "system", "cli"
    actor: Mapped[str] = mapped_column(String(60))
    # sign_in, view_case, view_identity, identity_request, identity_decision, status, note,
    # reply, reroute, account, evidence_view, denied_access, ...
    action: Mapped[str] = mapped_column(String(40))
    case_code: Mapped[str | None] = mapped_column(String(20), index=True)
    # Short, never identity or complaint text: ids, statuses, reasons' categories.
    detail: Mapped[str] = mapped_column(String(500), default="")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
