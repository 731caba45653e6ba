"""Officer accounts, signing in (password, then TOTP), lockout and console sessions.

No Flask here: the web views and `tambon officer add` both call these with a database
session, the vault and the time, so the rules are tested without a browser.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.console import credentials
from storage import audit
from storage.models.console import (
    STAGE_ENROL,
    STAGE_OK,
    STAGE_TOTP,
    ConsoleSession,
    TotpUse,
)
from storage.models.officers import ROLES, Officer
from storage.vault import Vault

FAILURE_WINDOW = timedelta(minutes=1)
FAILURES_TO_LOCK = 5
LOCK_TIME = timedelta(minutes=15)
IDLE_LIMIT = timedelta(minutes=30)
TOTP_STAGE_LIMIT = timedelta(minutes=5)
# Enrolling a second factor may mean installing an authenticator app first.
ENROL_STAGE_LIMIT = timedelta(minutes=15)
# A session's last-seen time is written at most this often (one write per page otherwise).
TOUCH_EVERY = timedelta(seconds=30)
ROLES_NEEDING_TOTP = ("custodian", "admin")
# The one answer to a refused password step: unknown user, wrong password, locked account.
SIGN_IN_FAILED = "console_sign_in_failed"


class AccountError(ValueError):
    """Carries a text key (console_*) saying what is wrong."""

    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


def actor_of(officer: Officer) -> str:
    return f"officer:{officer.id}"


def officer_roles(officer: Officer) -> list[str]:
    return [r for r in officer.roles.split(",") if r]


def needs_totp(roles: list[str] | tuple[str, ...]) -> bool:
    return any(role in ROLES_NEEDING_TOTP for role in roles)


@dataclass
class NewOfficer:
    officer: Officer
    totp_seed: bytes | None  # shown once, to be typed into an authenticator app


def create_officer(session: Session, vault: Vault, *, username: str, display_name: str,
                   office_id: str, roles: list[str], password: str, offices: dict,
                   with_totp: bool, actor: str, now: datetime,
                   enrol_later: bool = False) -> NewOfficer:
    """A new account. Its TOTP seed is made here (and returned, to be shown once) when asked
    for or when a role needs one, unless `enrol_later`: then the officer sets up their own
    second factor at their first sign-in (the console's way: nobody else sees the seed)."""
    username = username.strip().lower()
    display_name = display_name.strip()
    if not username or len(username) > 60 or not username.replace(".", "").replace(
            "_", "").replace("-", "").isalnum() or not username.isascii():
        raise AccountError("console_error_username")
    if not display_name or len(display_name) > 120:
        raise AccountError("console_error_display_name")
    if office_id not in offices:
        raise AccountError("console_error_office")
    roles = [r for r in ROLES if r in roles]
    if not roles:
        raise AccountError("console_error_roles")
    problem = credentials.check_password_policy(password)
    if problem:
        raise AccountError(problem)
    if session.execute(select(Officer.id).where(Officer.username == username)).first():
        raise AccountError("console_error_username_taken")
    seed = None
    if not enrol_later and (with_totp or needs_totp(roles)):
        seed = credentials.new_totp_seed()
    officer = Officer(
        username=username, display_name=display_name, office_id=office_id,
        roles=",".join(roles), password_hash=credentials.hash_password(password),
        sealed_totp=credentials.seal_totp(vault, username, seed) if seed else None,
        failed_logins=0, active=True, created_at=now,
    )
    session.add(officer)
    session.flush()
    audit.append(session, actor=actor, action="account", now=now,
                 detail=f"create officer:{officer.id} office={office_id} roles={','.join(roles)}"
                        f" totp={'yes' if seed else 'no'}")
    return NewOfficer(officer, seed)


def reset_totp(session: Session, officer: Officer, *, actor: str, now: datetime) -> None:
    """An admin removes an officer's second factor (a lost phone): their sessions end, and
    they set up a new one themselves (required at their next sign-in when a role needs it,
    under "บัญชีของฉัน" otherwise). The admin never sees the new seed."""
    officer.sealed_totp = None
    session.execute(update(TotpUse).where(TotpUse.officer_id == officer.id).values(last_step=0))
    end_sessions(session, officer, now)
    audit.append(session, actor=actor, action="account", now=now,
                 detail=f"totp_reset officer:{officer.id}")


def set_active(session: Session, officer: Officer, active: bool, *, actor: str,
               now: datetime) -> None:
    officer.active = active
    if not active:
        end_sessions(session, officer, now)
    audit.append(session, actor=actor, action="account", now=now,
                 detail=f"{'activate' if active else 'deactivate'} officer:{officer.id}")


def unlock(session: Session, officer: Officer, *, actor: str, now: datetime) -> None:
    officer.locked_until = None
    officer.failed_logins = 0
    officer.first_failed_at = None
    audit.append(session, actor=actor, action="account", now=now,
                 detail=f"unlock officer:{officer.id}")


def set_password(session: Session, officer: Officer, password: str, *, actor: str,
                 now: datetime) -> None:
    problem = credentials.check_password_policy(password)
    if problem:
        raise AccountError(problem)
    officer.password_hash = credentials.hash_password(password)
    end_sessions(session, officer, now)
    audit.append(session, actor=actor, action="account", now=now,
                 detail=f"password_set officer:{officer.id}")


# --- signing in ----------------------------------------------------------------------

@dataclass
class SignIn:
    ok: bool
    error: str | None = None  # text key
    token: str | None = None  # the new session's cookie value
    needs_totp: bool = False
    needs_enrolment: bool = False  # a role needs TOTP and none is set up yet


def is_locked(officer: Officer, now: datetime) -> bool:
    return officer.locked_until is not None and officer.locked_until > now


def record_failure(session: Session, officer: Officer, now: datetime, step: str) -> str:
    """Count a failed attempt; lock at the fifth within a minute. Returns the text key."""
    if officer.first_failed_at is None or now - officer.first_failed_at > FAILURE_WINDOW:
        officer.first_failed_at = now
        officer.failed_logins = 1
    else:
        officer.failed_logins += 1
    audit.append(session, actor=actor_of(officer), action="sign_in_failed", now=now,
                 detail=step)
    if officer.failed_logins >= FAILURES_TO_LOCK:
        officer.locked_until = now + LOCK_TIME
        officer.failed_logins = 0
        officer.first_failed_at = None
        end_sessions(session, officer, now)
        audit.append(session, actor=actor_of(officer), action="account_locked", now=now,
                     detail=f"{FAILURES_TO_LOCK} failures within a minute")
        return SIGN_IN_FAILED if step == "password" else "console_locked"
    return SIGN_IN_FAILED if step == "password" else "console_bad_totp"


def _success(officer: Officer) -> None:
    officer.failed_logins = 0
    officer.first_failed_at = None


def sign_in_password(session: Session, vault: Vault, username: str, password: str,
                     now: datetime) -> SignIn:
    """The first step. A good password gives a session: full, or waiting for the TOTP code.

    An unknown or inactive username, a wrong password and a locked account get the same
    answer (SIGN_IN_FAILED) after the same Argon2id work, so the answer does not tell which
    usernames exist."""
    username = (username or "").strip().lower()[:60]
    officer = session.execute(
        select(Officer).where(Officer.username == username).with_for_update()
    ).scalar_one_or_none()
    if officer is None or not officer.active:
        credentials.verify_password(password or "", credentials.DUMMY_PASSWORD_HASH)
        audit.append(session, actor="anonymous", action="sign_in_failed", now=now,
                     detail="unknown or inactive account")
        return SignIn(False, SIGN_IN_FAILED)
    right = credentials.verify_password(password or "", officer.password_hash)
    if is_locked(officer, now):  # even the right password: refused, and said the same way
        audit.append(session, actor=actor_of(officer), action="sign_in_failed", now=now,
                     detail="locked")
        return SignIn(False, SIGN_IN_FAILED)
    if not right:
        return SignIn(False, record_failure(session, officer, now, "password"))
    roles = officer_roles(officer)
    if officer.sealed_totp is None and needs_totp(roles):
        # Only the enrolment page until a second factor is set up.
        _success(officer)
        token = new_session(session, officer, STAGE_ENROL, now)
        audit.append(session, actor=actor_of(officer), action="sign_in", now=now,
                     detail="password; totp enrolment owed")
        return SignIn(True, token=token, needs_enrolment=True)
    if officer.sealed_totp is not None:
        token = new_session(session, officer, STAGE_TOTP, now)
        return SignIn(True, token=token, needs_totp=True)
    _success(officer)
    token = new_session(session, officer, STAGE_OK, now)
    audit.append(session, actor=actor_of(officer), action="sign_in", now=now,
                 detail="password")
    return SignIn(True, token=token)


def sign_in_totp(session: Session, vault: Vault, console_session: ConsoleSession,
                 officer: Officer, code: str, now: datetime) -> SignIn:
    """The second step: the code from the authenticator. The session becomes full."""
    if is_locked(officer, now):
        console_session.ended_at = now
        return SignIn(False, "console_locked")
    seed = credentials.open_totp(vault, officer.username, officer.sealed_totp)
    used = session.get(TotpUse, officer.id)
    step = credentials.verify_totp(seed, code, now, used.last_step if used else None)
    if step is None:
        key = record_failure(session, officer, now, "totp")
        return SignIn(False, key)
    if used is None:
        session.add(TotpUse(officer_id=officer.id, last_step=step))
    else:
        used.last_step = step
    _success(officer)
    # A fresh token for the full session: whatever saw the half-signed-in one gets nothing.
    console_session.ended_at = now
    token = new_session(session, officer, STAGE_OK, now)
    audit.append(session, actor=actor_of(officer), action="sign_in", now=now,
                 detail="password+totp")
    return SignIn(True, token=token)


# --- sessions ------------------------------------------------------------------------

def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def new_session(session: Session, officer: Officer, stage: str, now: datetime) -> str:
    token = secrets.token_urlsafe(32)
    session.add(ConsoleSession(token_hash=token_hash(token), officer_id=officer.id,
                               stage=stage,
                               created_at=now, last_seen_at=now))
    return token


def load_session(session: Session, token: str | None, now: datetime
                 ) -> tuple[ConsoleSession, Officer] | None:
    """The live session for a cookie, touched; None when missing, ended or idle too long."""
    if not token or len(token) > 100:
        return None
    row = session.get(ConsoleSession, token_hash(token))
    if row is None or row.ended_at is not None:
        return None
    limit = {STAGE_TOTP: TOTP_STAGE_LIMIT, STAGE_ENROL: ENROL_STAGE_LIMIT}.get(row.stage,
                                                                             IDLE_LIMIT)
    if now - row.last_seen_at > limit:
        row.ended_at = now
        return None
    officer = session.get(Officer, row.officer_id)
    if officer is None or not officer.active:
        row.ended_at = now
        return None
    if row.stage == STAGE_OK and now - row.last_seen_at > TOUCH_EVERY:
        row.last_seen_at = now
    return row, officer


def end_session(session: Session, row: ConsoleSession, officer: Officer, now: datetime
                ) -> None:
    row.ended_at = now
    audit.append(session, actor=actor_of(officer), action="sign_out", now=now)


def end_sessions(session: Session, officer: Officer, now: datetime) -> None:
    session.execute(update(ConsoleSession)
                    .where(ConsoleSession.officer_id == officer.id,
                           ConsoleSession.ended_at.is_(None))
                    .values(ended_at=now))
