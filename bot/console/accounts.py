"""Officer accounts and console sessions (signing in: sign_in.py; roles: grants.py).

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

from bot.console import credentials, grants
from handlers.cases.access import actor_of
from storage import audit
from storage.models.console import STAGE_ENROL, STAGE_OK, STAGE_TOTP, ConsoleSession, TotpUse
from storage.models.officers import ROLES, Officer
from storage.vault import Vault

IDLE_LIMIT = timedelta(minutes=30)
TOTP_STAGE_LIMIT = timedelta(minutes=5)
# Enrolling a second factor may mean installing an authenticator app first.
ENROL_STAGE_LIMIT = timedelta(minutes=15)
# A session's last-seen time is written at most this often (one write per page otherwise).
TOUCH_EVERY = timedelta(seconds=30)


class AccountError(ValueError):
    """Carries a text key (console_*) saying what is wrong."""

    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


def officer_roles(officer: Officer) -> list[str]:
    return [r for r in officer.roles.split(",") if r]


@dataclass
class NewOfficer:
    officer: Officer
    totp_seed: bytes | None  # shown once, to be typed into an authenticator app
    pending: list[str]  # roles waiting for a second custodian or admin


def create_officer(session: Session, vault: Vault, *, username: str, display_name: str,
                   office_id: str, roles: list[str], password: str, offices: dict,
                   actor: str, now: datetime, enrol_later: bool = False) -> NewOfficer:
    """A new account; every account signs in with TOTP. Its seed is made here (and
    returned, to be shown once) unless `enrol_later`: then the officer sets up their own
    second factor at their first sign-in (the console's way: nobody else sees the seed).
    Its roles are granted by `actor` (grants.py: a custodian or admin role given in the
    console waits for a second person)."""
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
    seed = None if enrol_later else credentials.new_totp_seed()
    officer = Officer(
        username=username, display_name=display_name, office_id=office_id,
        roles="", password_hash=credentials.hash_password(password),
        sealed_totp=credentials.seal_totp(vault, username, seed) if seed else None,
        failed_logins=0, lock_strikes=0, active=True, created_at=now,
    )
    session.add(officer)
    session.flush()
    audit.append(session, actor=actor, action="account", now=now,
                 detail=f"create officer:{officer.id} office={office_id} roles={','.join(roles)}"
                        f" totp={'yes' if seed else 'no'}")
    pending = grants.grant(session, officer, roles, actor=actor, now=now)
    return NewOfficer(officer, seed, pending)


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
    officer.lock_strikes = 0
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
