"""Signing in to the console: password, then TOTP, with limits that hold.

No Flask here (the view passes an `Attempt`), so the rules are tested without a browser.

* Every account signs in with password and TOTP: every role reads cases or decides who
  may. An account without a second factor is sent to set one up before anything else.
* Failures count per account and per *source* (a keyed hash of the client's address),
  over an hour: the tenth earns a 15-minute block, and each block in a row doubles the
  next (storage/limits.py). A blocked source is refused before any password is hashed.
* A browser the officer signed in from with both factors (a *known device*, its cookie
  kept only as a hash) is its own source: guesses from elsewhere neither lock the officer
  out there nor count against it, and an admin can also unlock (audited).
* Browsers not known to the account share a deployment-wide budget of password checks
  (bot/limits.py PASSWORD_CHECKS), so a flood from many addresses costs at most a slice of
  the CPU, not LINE's acknowledgements.
* At most TAMBON_HASH_SLOTS checks run at once on a machine, across its processes
  (bot/slots.py); with every slot taken the answer is at once "busy" (429), so a flood
  never fills the web's threads with hashing. A known device may wait a little for one.
* Below those limits, an unknown username costs one Argon2id check like a known one, and
  an unknown user, a wrong password and a locked account get the same answer.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.console import credentials
from bot.console.accounts import end_sessions, new_session
from handlers.cases.access import actor_of
from storage import audit, limits
from storage.models.console import STAGE_ENROL, STAGE_OK, STAGE_TOTP, ConsoleSession, TotpUse
from storage.models.officers import Officer, OfficerDevice
from storage.vault import Vault

log = logging.getLogger("tambon.console")

RULE = limits.BackoffRule()  # 10 failures an hour; 15 minutes, doubled each time
KEEP_DEVICES = 5
KNOWN_DEVICE_WAIT = 3.0  # seconds a known browser may wait for a hash slot; others: none
# The one answer to a refused password step: unknown user, wrong password, locked account.
SIGN_IN_FAILED = "console_sign_in_failed"
SIGN_IN_BUSY = "console_sign_in_busy"


@dataclass
class Attempt:
    """Where a sign-in comes from."""

    source: str  # keyed hash of the client's address
    device: str | None = None  # the browser's known-device cookie, if any
    within_budget: Callable[[], bool] = field(default=lambda: True)
    # A slot for the hash (bot/slots.py), given how long it may wait: yields False when
    # none is free.
    hash_slot: Callable[[float], AbstractContextManager[bool]] = field(
        default=lambda wait: nullcontext(True))


@dataclass
class SignIn:
    ok: bool
    error: str | None = None  # text key
    token: str | None = None  # the new session's cookie value
    needs_enrolment: bool = False  # no second factor set up yet
    device_token: str | None = None  # a new known-device cookie to set


# --- tallies ---------------------------------------------------------------------------

def _tally(officer: Officer) -> limits.Tally:
    return limits.Tally(officer.failed_logins or 0, officer.first_failed_at,
                        officer.locked_until, officer.lock_strikes or 0)


def _store(officer: Officer, tally: limits.Tally) -> None:
    officer.failed_logins, officer.first_failed_at = tally.failures, tally.first_failed_at
    officer.locked_until, officer.lock_strikes = tally.blocked_until, tally.strikes


def is_locked(officer: Officer, now: datetime) -> bool:
    return _tally(officer).blocked(now)


def _gate(attempt: Attempt, device: OfficerDevice | None) -> str:
    return f"device:{device.token_hash}" if device is not None else source_key(attempt)


def source_key(attempt: Attempt) -> str:
    return f"source:{attempt.source}"


def source_blocked_until(session: Session, attempt: Attempt, now: datetime
                         ) -> datetime | None:
    """When the attempt's source is blocked, until when (for the web to remember)."""
    tally = limits.tally(session, source_key(attempt))
    return tally.blocked_until if tally.blocked(now) else None


def _gate_failure(session: Session, gate: str, now: datetime) -> None:
    tally = limits.tally(session, gate, lock=True)
    if tally.fail(now, RULE):
        log.warning("sign-in source blocked until %s", tally.blocked_until.isoformat())
        audit.append(session, actor="anonymous", action="source_blocked", now=now,
                     detail=f"{gate[:20]} until {tally.blocked_until.isoformat()}")
    limits.save_tally(session, gate, tally)


def record_failure(session: Session, officer: Officer, now: datetime, step: str,
                   gate: str | None = None) -> str:
    """Count a failed step against the account (and the source, when given); the tenth
    within an hour locks. Returns the text key to show."""
    if gate is not None:
        _gate_failure(session, gate, now)
    tally = _tally(officer)
    locked = tally.fail(now, RULE)
    _store(officer, tally)
    audit.append(session, actor=actor_of(officer), action="sign_in_failed", now=now,
                 detail=step)
    if locked:
        end_sessions(session, officer, now)
        audit.append(session, actor=actor_of(officer), action="account_locked", now=now,
                     detail=f"{RULE.failures} failures within an hour; "
                            f"until {officer.locked_until.isoformat()}")
        return SIGN_IN_FAILED if step == "password" else "console_locked"
    return SIGN_IN_FAILED if step == "password" else "console_bad_totp"


def _success(officer: Officer) -> None:
    tally = _tally(officer)
    tally.succeed()
    _store(officer, tally)


# --- known devices ---------------------------------------------------------------------

def _device_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def known_device(session: Session, officer: Officer | None, token: str | None
                 ) -> OfficerDevice | None:
    if officer is None or not token or len(token) > 100:
        return None
    row = session.get(OfficerDevice, _device_hash(token))
    return row if row is not None and row.officer_id == officer.id else None


def remember_device(session: Session, officer: Officer, token: str | None,
                    now: datetime) -> str | None:
    """After both factors: this browser becomes (or stays) a known device. Returns a new
    cookie value to set, or None when the browser's cookie is already known."""
    row = known_device(session, officer, token)
    if row is not None:
        row.last_used_at = now
        return None
    token = secrets.token_urlsafe(32)
    session.add(OfficerDevice(token_hash=_device_hash(token), officer_id=officer.id,
                              created_at=now, last_used_at=now))
    session.flush()
    kept = session.execute(
        select(OfficerDevice.token_hash).where(OfficerDevice.officer_id == officer.id)
        .order_by(OfficerDevice.last_used_at.desc()).limit(KEEP_DEVICES)).scalars().all()
    session.execute(delete(OfficerDevice).where(OfficerDevice.officer_id == officer.id,
                                                OfficerDevice.token_hash.not_in(kept)))
    return token


# --- the two steps ---------------------------------------------------------------------

def sign_in_password(session: Session, vault: Vault, username: str, password: str,
                     now: datetime, attempt: Attempt) -> SignIn:
    """The first step. A good password gives a session waiting for the TOTP code (or for
    its set-up)."""
    username = (username or "").strip().lower()[:60]
    officer = session.execute(
        select(Officer).where(Officer.username == username).with_for_update()
    ).scalar_one_or_none()
    if officer is not None and not officer.active:
        officer = None
    device = known_device(session, officer, attempt.device)
    gate = _gate(attempt, device)
    if limits.tally(session, gate).blocked(now):
        log.info("sign-in refused before hashing: source blocked")
        return SignIn(False, SIGN_IN_FAILED)
    # The same path for a known and an unknown name up to here and through the hash: a
    # slot, the budget, one Argon2id check (the unknown against a dummy).
    with attempt.hash_slot(KNOWN_DEVICE_WAIT if device is not None else 0.0) as free:
        if not free:
            log.warning("sign-in refused before hashing: every hash slot busy")
            return SignIn(False, SIGN_IN_BUSY)
        if device is None and not attempt.within_budget():
            log.warning("sign-in refused before hashing: password checks over budget")
            return SignIn(False, SIGN_IN_BUSY)
        right = credentials.verify_password(
            password or "",
            officer.password_hash if officer is not None else credentials.DUMMY_PASSWORD_HASH)
    if officer is None:
        _gate_failure(session, gate, now)
        audit.append(session, actor="anonymous", action="sign_in_failed", now=now,
                     detail="unknown or inactive account")
        return SignIn(False, SIGN_IN_FAILED)
    if is_locked(officer, now) and device is None:
        # Even the right password: refused, and said the same way.
        if not right:
            _gate_failure(session, gate, now)
        audit.append(session, actor=actor_of(officer), action="sign_in_failed", now=now,
                     detail="locked")
        return SignIn(False, SIGN_IN_FAILED)
    if not right:
        return SignIn(False, record_failure(session, officer, now, "password", gate))
    if officer.sealed_totp is None:
        _success(officer)
        token = new_session(session, officer, STAGE_ENROL, now)
        audit.append(session, actor=actor_of(officer), action="sign_in", now=now,
                     detail="password; totp enrolment owed")
        return SignIn(True, token=token, needs_enrolment=True)
    token = new_session(session, officer, STAGE_TOTP, now)
    return SignIn(True, token=token)


def sign_in_totp(session: Session, vault: Vault, console_session: ConsoleSession,
                 officer: Officer, code: str, now: datetime, attempt: Attempt) -> SignIn:
    """The second step: the code from the authenticator. The session becomes full."""
    device = known_device(session, officer, attempt.device)
    gate = _gate(attempt, device)
    if limits.tally(session, gate).blocked(now) or (is_locked(officer, now)
                                                    and device is None):
        console_session.ended_at = now
        return SignIn(False, "console_locked")
    seed = credentials.open_totp(vault, officer.username, officer.sealed_totp)
    used = session.get(TotpUse, officer.id)
    step = credentials.verify_totp(seed, code, now, used.last_step if used else None)
    if step is None:
        return SignIn(False, record_failure(session, officer, now, "totp", gate))
    if used is None:
        session.add(TotpUse(officer_id=officer.id, last_step=step))
    else:
        used.last_step = step
    _success(officer)
    # A fresh token for the full session: whatever saw the half-signed-in one gets nothing.
    console_session.ended_at = now
    token = new_session(session, officer, STAGE_OK, now)
    audit.append(session, actor=actor_of(officer), action="sign_in", now=now,
                 detail="password+totp" + ("; known device" if device else ""))
    return SignIn(True, token=token,
                  device_token=remember_device(session, officer, attempt.device, now))
