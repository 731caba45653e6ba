"""Evidence files of a complaint draft, kept sealed until the citizen confirms.

A draft is named by a random id that lives only inside the sealed conversation state, so
nothing in `draft_files` points to a person.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from handlers.cases.evidence import EvidenceFile, media_kind
from storage.models.drafts import DraftFile
from storage.vault import Vault

# Drafts expire after 30 idle minutes; files of drafts nobody came back to go after this.
KEEP_FOR = timedelta(hours=6)


def new_draft_id() -> str:
    return secrets.token_hex(16)


def _aad(draft_id: str, token: str) -> str:
    return f"draft-file:{draft_id}:{token}"


def add(session: Session, vault: Vault, draft_id: str, file: EvidenceFile,
        now: datetime) -> DraftFile:
    token = secrets.token_hex(16)
    row = DraftFile(draft_id=draft_id, token=token, media_kind=media_kind(file.content_type),
                    content_type=file.content_type[:100], size=len(file.content),
                    sealed=vault.seal(file.content, _aad(draft_id, token)), created_at=now)
    session.add(row)
    return row


def count(session: Session, draft_id: str) -> int:
    return session.execute(select(func.count(DraftFile.id))
                           .where(DraftFile.draft_id == draft_id)).scalar() or 0


def open_all(session: Session, vault: Vault, draft_id: str) -> list[EvidenceFile]:
    rows = session.execute(select(DraftFile).where(DraftFile.draft_id == draft_id)
                           .order_by(DraftFile.id)).scalars()
    return [EvidenceFile(content=vault.open(row.sealed, _aad(row.draft_id, row.token)),
                         content_type=row.content_type) for row in rows]


def discard(session: Session, draft_id: str | None) -> None:
    if draft_id:
        session.execute(delete(DraftFile).where(DraftFile.draft_id == draft_id))


def purge_old(session: Session, now: datetime) -> int:
    result = session.execute(delete(DraftFile).where(DraftFile.created_at < now - KEEP_FOR))
    return result.rowcount or 0
