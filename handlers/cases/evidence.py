"""Evidence files: limits, sealing, and the officer copy the worker rebuilds.

The original of every file is sealed like identity: a photo's EXIF can hold the GPS
position of the complainant's house and the serial number of their phone, a video's keys
the place it was filmed, a PDF the author's name and PC. Officers see only a copy rebuilt
from the content (evidence_clean/): storing a file decodes nothing, so a web request never
parses a hostile file; the worker rebuilds pending copies one by one in a capped child
process. Until then, and for ever when no copy can be made, officers see that the file is
kept sealed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from handlers.cases.evidence_clean import sandbox, sniff
from handlers.cases.evidence_clean.sniff import media_kind
from storage import case_vault
from storage.models.cases import Case, Evidence
from storage.vault import Vault

log = logging.getLogger("tambon.cases")

MAX_FILES = 5
MAX_BYTES = 10 * 1024 * 1024
MAX_MB = MAX_BYTES // (1024 * 1024)

PENDING, READY, SEALED = "pending", "ready", "sealed"
# A rebuild takes at most the sandbox's wall time; a worker that died holding a file
# lets another take it after this, and a file that took down a worker this often is
# kept sealed rather than tried for ever.
CLAIM_FOR = timedelta(seconds=sandbox.Caps.wall_seconds + 60)
MAX_ATTEMPTS = 3


@dataclass
class EvidenceFile:
    content: bytes
    content_type: str
    filename: str = ""


class EvidenceRefused(ValueError):
    """The file is not taken. `reason`: too_many | too_big | empty."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def check_limits(size: int, already: int) -> None:
    if already >= MAX_FILES:
        raise EvidenceRefused("too_many")
    if size <= 0:
        raise EvidenceRefused("empty")
    if size > MAX_BYTES:
        raise EvidenceRefused("too_big")


def sniff_content_type(content: bytes) -> str:
    """What the bytes are. The sender's name and claimed type are not asked: a photo
    renamed .pdf, or a HEIC photo in the MP4 container, is what its bytes say."""
    return sniff.content_type(content)


def store(session: Session, vault: Vault, key: bytes, case: Case, file: EvidenceFile,
          now: datetime) -> Evidence:
    """Seal `file` into the case; its officer copy is pending. The caller checked limits."""
    content_type = sniff.content_type(file.content)
    row = Evidence(case_id=case.id, media_kind=media_kind(content_type),
                   content_type=content_type, size=len(file.content), sealed_original=b"",
                   created_at=now, copy_state=PENDING, copy_attempts=0)
    session.add(row)
    session.flush()  # the id is part of the associated data
    case_vault.seal_evidence(vault, key, row, file.content, None)
    return row


# --- the officer copy, rebuilt by the worker ------------------------------------------

Rebuild = Callable[[bytes], sandbox.Outcome]


def rebuild_next(sessions, vault: Vault, now: Callable[[], datetime],
                 rebuild: Rebuild = sandbox.rebuild) -> bool:
    """Rebuild the officer copy of the oldest pending file. False when none is pending.

    Three short transactions: claim, rebuild outside any (seconds of decoding must hold
    no lock the web needs), store. Two workers never rebuild the same file at once.
    """
    claimed = _claim(sessions, vault, now())
    if claimed is None:
        return False
    evidence_id, original = claimed
    outcome = rebuild(original)
    del original
    with sessions() as session, session.begin():
        row = session.get(Evidence, evidence_id)
        if row is None or row.copy_state != PENDING:
            return True  # the case was deleted, or another worker finished first
        if outcome.copy is None:
            row.copy_state = SEALED
        else:
            key = case_vault.case_key(vault, session.get(Case, row.case_id))
            case_vault.seal_evidence_copy(vault, key, row, outcome.copy.content)
            row.content_type = outcome.copy.content_type[:100]
            row.copy_state = READY
        row.copy_claimed_until = None
    log.info("evidence %s: officer copy %s in %.2fs, peak %.0f MB", evidence_id,
             READY if outcome.copy else SEALED, outcome.seconds, outcome.peak_mb)
    return True


def _claim(sessions, vault: Vault, now: datetime) -> tuple[int, bytes] | None:
    with sessions() as session, session.begin():
        query = (select(Evidence)
                 .where(Evidence.copy_state == PENDING,
                        or_(Evidence.copy_claimed_until.is_(None),
                            Evidence.copy_claimed_until < now))
                 .order_by(Evidence.id).limit(1).with_for_update(skip_locked=True))
        while (row := session.execute(query).scalar_one_or_none()) is not None:
            if row.copy_attempts < MAX_ATTEMPTS:
                break
            row.copy_state = SEALED
            session.flush()
            log.warning("evidence %s kept sealed after %s tries", row.id, row.copy_attempts)
        if row is None:
            return None
        row.copy_attempts += 1
        row.copy_claimed_until = now + CLAIM_FOR
        key = case_vault.case_key(vault, session.get(Case, row.case_id))
        return row.id, case_vault.open_evidence(vault, key, row, original=True)
