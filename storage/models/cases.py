"""Cases (complaints, grievances, suggestions, passed-on questions) and what belongs to them.

What a citizen wrote and who they are live only sealed, under the case's own data key
(envelope encryption: `wrapped_key` is that key sealed by the key ring). Plain columns
hold only what queues and statistics need: kind, status, office, dates.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.db import Base
from storage.models.types import UTCDateTime

KINDS = ("corruption", "grievance", "suggestion", "inquiry")
IDENTITY_MODES = ("identified", "confidential", "anonymous")
CHANNELS = ("line", "messenger", "web")
STATUSES = (
    "received",
    "acknowledged",
    "investigating",
    "resolved",
    "not_substantiated",
    "forwarded",
)
CLOSED_STATUSES = ("resolved", "not_substantiated", "forwarded")

# Sealed fields of a case (table `case_fields`). Identity fields open only through the
# audited function in handlers/cases; content fields open for the office's officers.
IDENTITY_FIELDS = ("name", "phone", "address", "line_user_id", "contact")
CONTENT_FIELDS = ("description", "location", "when", "who", "question")


class Case(Base):
    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # What the citizen quotes: random, so it tells nothing about how many cases there are.
    code: Mapped[str] = mapped_column(String(20), unique=True)
    org_id: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(16))
    identity_mode: Mapped[str] = mapped_column(String(16))
    channel: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(20), default="received")
    office_id: Mapped[str] = mapped_column(String(40))
    implicated: Mapped[list] = mapped_column(JSON, default=list)
    routing_reasons: Mapped[list] = mapped_column(JSON, default=list)
    # Envelope encryption: this case's data key, sealed under the key ring (AAD: the code).
    wrapped_key: Mapped[bytes] = mapped_column(LargeBinary)
    # Blind index of the complainant's LINE user id ("my cases"); never for anonymous cases.
    user_key: Mapped[str | None] = mapped_column(String(64))
    # Argon2id hash of the case secret (confidential and anonymous cases).
    secret_hash: Mapped[str | None] = mapped_column(String(200))
    secret_failures: Mapped[int] = mapped_column(Integer, default=0)
    secret_window_start: Mapped[datetime | None] = mapped_column(UTCDateTime())
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    assigned_officer_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The office's target time for this kind of case.
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # A citizen must hear from the office at least every 7 days.
    update_due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_public_update_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    satisfaction: Mapped[int | None] = mapped_column(Integer)
    # When routing could not tell whether the complaint accuses one of our officials, the
    # citizen was asked; their answer (None: not asked). Migration 0010.
    accusation_answer: Mapped[bool | None] = mapped_column(Boolean, nullable=True)

    fields: Mapped[list[CaseField]] = relationship(
        back_populates="case", cascade="all, delete-orphan", lazy="selectin"
    )

    __table_args__ = (
        Index("ix_cases_queue", "office_id", "status", "due_at"),
        Index("ix_cases_user", "user_key"),
        Index("ix_cases_created", "created_at"),
        # The supervisor's queue across every office, by deadline.
        Index("ix_cases_due", "due_at"),
    )

    @property
    def is_open(self) -> bool:
        return self.status not in CLOSED_STATUSES


class CaseField(Base):
    """One sealed field of a case; AAD binds it to (case_fields, case id, field name)."""

    __tablename__ = "case_fields"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"),
                                         primary_key=True)
    field: Mapped[str] = mapped_column(String(32), primary_key=True)
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary)

    case: Mapped[Case] = relationship(back_populates="fields")


class CaseEvent(Base):
    """The timeline: status changes, public replies, internal notes, added information."""

    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    # status | public_reply | note | citizen_info | evidence | rerouted | identity_disclosed
    kind: Mapped[str] = mapped_column(String(24))
    # "citizen", "system", or "officer:<id>"
    actor: Mapped[str] = mapped_column(String(40))
    status_from: Mapped[str | None] = mapped_column(String(20))
    status_to: Mapped[str | None] = mapped_column(String(20))
    public: Mapped[bool] = mapped_column(default=False)
    # Text of the reply/note/added information, sealed with the case key
    # (AAD: case_events, event id, "body").
    sealed_body: Mapped[bytes | None] = mapped_column(LargeBinary)


class Evidence(Base):
    """A file the complainant sent. The original is sealed like identity (it may carry GPS);
    officers see `sealed_clean`, a copy the worker rebuilt from the content.

    `copy_state`: pending (the worker has not rebuilt it yet), ready (`sealed_clean` is the
    copy), sealed (no copy can be made: only a custodian opens the original)."""

    __tablename__ = "evidence"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    media_kind: Mapped[str] = mapped_column(String(12))  # image | video | file | audio
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sealed_original: Mapped[bytes] = mapped_column(LargeBinary)
    sealed_clean: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    copy_state: Mapped[str] = mapped_column(String(8), default="pending",
                                            server_default="pending", index=True)
    # A worker rebuilding the copy holds it until then; another takes it over after.
    copy_claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    copy_attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class SecretGuard(Base):
    """Wrong-secret counting for a case code that has no case.

    Guesses at a code that does not exist are counted and locked exactly like guesses at a
    real case, so five wrong tries cannot tell whether a code exists.
    """

    __tablename__ = "secret_guards"

    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    secret_failures: Mapped[int] = mapped_column(Integer, default=0)
    secret_window_start: Mapped[datetime | None] = mapped_column(UTCDateTime())
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
