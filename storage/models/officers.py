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
    # Locks earned in a row: each doubles the next one (storage/limits.py).
    lock_strikes: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


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


class RoleGrant(Base):
    """A role given to an account: by whom, and, for custodian and admin, who confirmed.

    The account has the role (in `officers.roles`) only while its grant is "active"; a
    custodian or admin role given in the console waits ("pending") for a second custodian
    or admin. Who gave an account its roles in the last 30 days also decides whom its
    holder may approve (handlers/cases/identity.py)."""

    __tablename__ = "role_grants"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("officers.id", ondelete="CASCADE"),
                                            index=True)
    role: Mapped[str] = mapped_column(String(20))
    granted_by: Mapped[str] = mapped_column(String(60))  # "officer:<id>" or "cli"
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(10))  # pending | active | refused
    decided_by: Mapped[str | None] = mapped_column(String(60))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class OfficerDevice(Base):
    """A browser an officer signed in from with password and TOTP: its cookie's token is
    kept only as a hash. From there the officer may sign in while guesses from elsewhere
    hold the account locked."""

    __tablename__ = "officer_devices"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("officers.id", ondelete="CASCADE"),
                                            index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime] = mapped_column(UTCDateTime())
