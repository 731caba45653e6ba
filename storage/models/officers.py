"""Officer accounts and requests to see a complainant's identity."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.db import Base
from storage.models.types import UTCDateTime

ROLES = ("officer", "supervisor", "custodian", "admin")


class Officer(Base):
    __tablename__ = "officers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    office_id: Mapped[str] = mapped_column(String(40))
    roles: Mapped[str] = mapped_column(String(100))  # comma-separated ROLES
    password_hash: Mapped[str] = mapped_column(String(200))
    # TOTP seed, sealed by the key ring (AAD: officers, username).
    sealed_totp: Mapped[bytes | None] = mapped_column(LargeBinary)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    first_failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    def has_role(self, role: str) -> bool:
        return role in self.roles.split(",")


class IdentityRequest(Base):
    __tablename__ = "identity_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("officers.id"))
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default="pending")  # pending|approved|denied
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    decision_reason: Mapped[str | None] = mapped_column(Text)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # An approval lets that one officer see the identity until then (24 hours).
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
