"""The audit log: append-only, each record keyed and chained to the one before.

`hash` is HMAC-SHA256 under the key ring's audit key (storage/audit.py) of the record and
the hash before it; `seq` counts the chain from 1, so a signed head kept outside the
database (its count and last hash) shows when the end was cut. Records written before
migration 0009 carry a plain SHA-256 (`mac_version` 0) and stay valid only before the
first keyed one. On PostgreSQL a trigger refuses UPDATE and DELETE on this table.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.db import Base
from storage.models.types import UTCDateTime

PLAIN_SHA256 = 0  # before migration 0009: anyone could recompute it
HMAC_V1 = 1


class AuditRecord(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    # "officer:<id>", "citizen", "system", "cli"
    actor: Mapped[str] = mapped_column(String(60))
    # sign_in, view_case, identity_open, identity_request, identity_decision, status, note,
    # reply, reroute, account, evidence_view, denied_access, complainant_push, ...
    action: Mapped[str] = mapped_column(String(40))
    case_code: Mapped[str | None] = mapped_column(String(20), index=True)
    # Short, never identity or complaint text: ids, statuses, reasons' categories.
    detail: Mapped[str] = mapped_column(String(500), default="")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    mac_version: Mapped[int] = mapped_column(SmallInteger, default=HMAC_V1)
