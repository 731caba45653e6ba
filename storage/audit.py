"""Appending to the hash-chained audit log, and walking the chain to find an edit."""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from storage.models.audit import AuditRecord

GENESIS = "0" * 64


def record_hash(prev_hash: str, record: AuditRecord) -> str:
    parts = [
        prev_hash,
        str(record.id),
        record.at.isoformat(timespec="microseconds"),
        record.actor,
        record.action,
        record.case_code or "",
        record.detail or "",
    ]
    # Length-prefixed so that moving text between fields changes the hash.
    joined = "".join(f"{len(p)}:{p}" for p in parts)
    return hashlib.sha256(joined.encode()).hexdigest()


def append(
    session: Session,
    *,
    actor: str,
    action: str,
    now: datetime,
    case_code: str | None = None,
    detail: str = "",
) -> AuditRecord:
    """Add a record after the last one. Never put identity or complaint text in `detail`."""
    if session.bind.dialect.name == "postgresql":
        # One writer at a time extends the chain; otherwise two records could share a parent.
        session.execute(text("SELECT pg_advisory_xact_lock(7310001)"))
    last = session.execute(
        select(AuditRecord.hash).order_by(AuditRecord.id.desc()).limit(1)
    ).scalar()
    record = AuditRecord(at=now, actor=actor[:60],
                         action=action[:40], case_code=case_code, detail=detail[:500],
                         prev_hash=last or GENESIS, hash="pending")
    session.add(record)
    session.flush()  # the id is part of the hash
    record.hash = record_hash(record.prev_hash, record)
    return record


def verify(session: Session) -> int | None:
    """The id of the first record that does not chain to the one before, or None if intact."""
    expected_prev = GENESIS
    for record in session.execute(select(AuditRecord).order_by(AuditRecord.id)).scalars():
        if record.prev_hash != expected_prev or record.hash != record_hash(record.prev_hash,
                                                                           record):
            return record.id
        expected_prev = record.hash
    return None
