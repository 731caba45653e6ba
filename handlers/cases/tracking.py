"""Following a case: a LINE user's own cases (by blind index), any case by its code and
secret (rate-limited), the public timeline, and adding information to an open case."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from handlers.cases import casework
from handlers.cases.coarse import citizen_time, loggable_code
from handlers.cases.evidence import EvidenceFile, EvidenceRefused, check_limits
from handlers.cases.evidence import store as store_evidence
from storage import audit, case_vault
from storage.channels import user_purpose
from storage.models.cases import Case, CaseEvent, Evidence, SecretGuard
from storage.vault import (
    DUMMY_SECRET_HASH,
    Vault,
    case_secret_needs_rehash,
    hash_case_secret,
    verify_case_secret,
)

log = logging.getLogger("tambon.cases")

MAX_TRIES = 5
TRY_WINDOW = timedelta(hours=1)
LOCK_FOR = timedelta(hours=1)
# Files a case may gather in all (at filing and added later).
MAX_FILES_PER_CASE = 10


@dataclass
class SecretCheck:
    """`status`: ok | wrong | locked. A code that does not exist answers "wrong", after
    the same Argon2id work as a wrong secret, so the two cannot be told apart."""

    status: str
    case: Case | None = None
    locked_until: datetime | None = None

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def cases_of_user(session: Session, vault: Vault, user_id: str, limit: int = 20) -> list[Case]:
    """The identified and confidential cases filed from this LINE account, newest first."""
    if not user_id:
        return []
    key = vault.blind_index(user_id, user_purpose(user_id))
    return list(session.execute(
        select(Case).where(Case.user_key == key).order_by(Case.created_at.desc(), Case.id.desc())
        .limit(limit)).scalars())


def case_by_code(session: Session, code: str) -> Case | None:
    return session.execute(select(Case).where(Case.code == code)).scalar_one_or_none()


def owns(case: Case, user_key: str | None) -> bool:
    return bool(user_key) and case.user_key is not None and case.user_key == user_key


def open_with_secret(session: Session, code: str | None, secret: str, now: datetime
                     ) -> SecretCheck:
    """Check a case secret. Five wrong tries within an hour lock the code for an hour (even
    the right secret is refused while locked). A code with no case is counted and locked
    the same way, after the same Argon2id work, so the answers never tell whether a case
    exists. The caller commits."""
    case = case_by_code(session, code) if code else None
    if case is None or case.secret_hash is None:
        return _guess_at_missing_case(session, code, secret, now)
    if session.bind.dialect.name == "postgresql":
        # Two guesses at once must not both read "4 failures so far".
        session.refresh(case, with_for_update=True)
    if _locked(case, now):
        return _refuse_while_locked(secret, case.locked_until)
    if verify_case_secret(secret, case.secret_hash):
        _reset(case)
        if case_secret_needs_rehash(case.secret_hash):
            case.secret_hash = hash_case_secret(secret)
        return SecretCheck("ok", case=case)
    if _count_failure(case, now):
        audit.append(session, actor="citizen", action="secret_locked", now=now,
                     case_code=case.code, detail=f"{MAX_TRIES} wrong secrets")
        log.warning("case %s locked after %s wrong secrets",
                    loggable_code(case.code, case.identity_mode), MAX_TRIES)
        return SecretCheck("locked", locked_until=case.locked_until)
    return SecretCheck("wrong")


def _guess_at_missing_case(session: Session, code: str | None, secret: str, now: datetime
                           ) -> SecretCheck:
    from handlers.cases.codes import normalize

    canonical = normalize(code) if code else None
    guard = None
    if canonical is not None:
        guard = session.get(SecretGuard, canonical, with_for_update=(
            session.bind.dialect.name == "postgresql"))
        if guard is None:
            guard = SecretGuard(code=canonical, secret_failures=0)
            session.add(guard)
        if _locked(guard, now):
            return _refuse_while_locked(secret, guard.locked_until)
    verify_case_secret(secret, DUMMY_SECRET_HASH)  # the same work as a real check
    if guard is not None and _count_failure(guard, now):
        return SecretCheck("locked", locked_until=guard.locked_until)
    return SecretCheck("wrong")


def _refuse_while_locked(secret: str, until: datetime) -> SecretCheck:
    # Every answer to a secret costs the same Argon2id work, locked or not: without it a
    # locked real case (one more row read) answered measurably slower than a locked guess.
    verify_case_secret(secret, DUMMY_SECRET_HASH)
    return SecretCheck("locked", locked_until=until)


def _locked(holder, now: datetime) -> bool:
    return holder.locked_until is not None and now < holder.locked_until


def _reset(holder) -> None:
    holder.secret_failures = 0
    holder.secret_window_start = None
    holder.locked_until = None


def _count_failure(holder, now: datetime) -> bool:
    """Count one wrong secret on a case or a guard; True when it now locks."""
    if holder.secret_window_start is None or now - holder.secret_window_start >= TRY_WINDOW:
        holder.secret_window_start = now
        holder.secret_failures = 0
    holder.secret_failures = (holder.secret_failures or 0) + 1
    if holder.secret_failures < MAX_TRIES:
        return False
    holder.locked_until = now + LOCK_FOR
    holder.secret_failures = 0
    holder.secret_window_start = None
    return True


def public_timeline(session: Session, vault: Vault, case: Case) -> list[casework.TimelineEntry]:
    return casework.timeline(session, vault, case, include_internal=False)


def last_public_update(session: Session, vault: Vault, case: Case
                       ) -> casework.TimelineEntry | None:
    entries = [e for e in public_timeline(session, vault, case)
               if e.kind in ("status", "public_reply")]
    return entries[-1] if entries else None


def evidence_count(session: Session, case: Case) -> int:
    return session.execute(select(func.count(Evidence.id))
                           .where(Evidence.case_id == case.id)).scalar() or 0


def add_citizen_info(session: Session, vault: Vault, org, case: Case, *, now: datetime,
                     text: str | None = None, files: list[EvidenceFile] | None = None
                     ) -> list[CaseEvent]:
    """The complainant adds words or files to an open case. ValueError on a closed case;
    EvidenceRefused when a file is over the limits (nothing of that file is kept)."""
    if not case.is_open:
        raise casework.CaseworkError("closed", "the case is closed")
    now = citizen_time(case.identity_mode, now)  # anonymous: to the hour (coarse.py)
    events = []
    body = (text or "").strip()[:casework.MAX_TEXT]
    if body:
        events.append(casework.add_event(session, vault, case, kind="citizen_info",
                                         actor="citizen", now=now, public=True, body=body))
    if files:
        have = evidence_count(session, case)
        key = case_vault.case_key(vault, case)
        for file in files:
            if have >= MAX_FILES_PER_CASE:
                raise EvidenceRefused("too_many")
            check_limits(len(file.content), 0)
            row = store_evidence(session, vault, key, case, file, now)
            have += 1
            events.append(casework.add_event(session, vault, case, kind="evidence",
                                             actor="citizen", now=now, public=True,
                                             body=None))
            log.info("case %s: evidence %s added by the complainant",
                     loggable_code(case.code, case.identity_mode), row.id)
    if events:
        case.updated_at = now
        session.flush()
        audit.append(session, actor="citizen", action="citizen_info", now=now,
                     case_code=case.code,
                     detail=f"text={'yes' if body else 'no'}; files={len(files or [])}")
    return events
