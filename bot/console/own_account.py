"""An officer's own account ("บัญชีของฉัน"): changing their password and setting up their own
TOTP second factor. No Flask here, like accounts.py.

Both need the current password when the officer is fully signed in (a browser left open
must not be enough to take the account over), and a wrong one counts towards the lockout
like a failed sign-in. Both end every session of the officer and give the browser that made
the change a fresh one. Audit records say what changed, never a secret.

The seed being set up waits in the page, sealed by the vault to this browser's session and
officer with the time it was made, so nothing is stored until the code from the app proves
the app has it.
"""

from __future__ import annotations

import base64
import binascii
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot.console import accounts, credentials, sign_in
from handlers.cases.access import actor_of
from storage import audit
from storage.models.console import STAGE_OK, ConsoleSession, TotpUse
from storage.models.officers import Officer
from storage.vault import Vault, VaultError
from storage.vault.encoding import b64url, unb64url

PENDING_LIFETIME = timedelta(minutes=15)
MAX_PENDING_CHARS = 400


def check_current_password(session: Session, officer: Officer, password: str,
                           now: datetime) -> None:
    """AccountError unless `password` is the officer's; a wrong one counts like a failed
    sign-in (sign_in.py: enough of them lock the account and end its sessions)."""
    if not credentials.verify_password(password or "", officer.password_hash):
        sign_in.record_failure(session, officer, now, "current_password")
        raise accounts.AccountError("console_current_password_wrong")


def change_password(session: Session, officer: Officer, *, current: str, new: str,
                    again: str, now: datetime) -> str:
    """Set a new password; every session of the officer ends. Returns the token of a new,
    full session for the browser that asked."""
    check_current_password(session, officer, current, now)
    if new != again:
        raise accounts.AccountError("console_password_mismatch")
    if credentials.verify_password(new, officer.password_hash):
        raise accounts.AccountError("console_password_same")
    accounts.set_password(session, officer, new, actor=actor_of(officer), now=now)
    return accounts.new_session(session, officer, STAGE_OK, now)


# --- the second factor -------------------------------------------------------------------

def _pending_aad(console_session: ConsoleSession, officer: Officer) -> str:
    return f"console_sessions:{console_session.token_hash}:officer:{officer.id}:totp_pending"


def begin_totp(vault: Vault, console_session: ConsoleSession, officer: Officer,
               now: datetime) -> tuple[bytes, str]:
    """A new seed, and the sealed text that carries it to the confirming form."""
    seed = credentials.new_totp_seed()
    sealed = vault.seal_json({"seed": credentials.totp_secret_text(seed),
                              "at": now.isoformat()}, _pending_aad(console_session, officer))
    return seed, b64url(sealed)


def pending_seed(vault: Vault, console_session: ConsoleSession, officer: Officer,
                 pending: str, now: datetime) -> bytes | None:
    """The seed a form carried back, if it was made for this session and is recent."""
    if not pending or len(pending) > MAX_PENDING_CHARS:
        return None
    try:
        blob = unb64url(pending)
        data = vault.open_json(blob, _pending_aad(console_session, officer))
        made = datetime.fromisoformat(data["at"])
        seed = base64.b32decode(data["seed"] + "=" * (-len(data["seed"]) % 8))
    except (VaultError, ValueError, KeyError, TypeError, binascii.Error, UnicodeError):
        return None
    if not (now - PENDING_LIFETIME <= made <= now + timedelta(minutes=1)):
        return None
    return seed


def finish_totp(session: Session, vault: Vault, officer: Officer, seed: bytes, code: str,
                now: datetime) -> str:
    """Save `seed` as the officer's second factor once `code` shows their app has it.
    Every session ends; returns the token of a new, full session. AccountError on a wrong
    code (not counted: the password was checked already)."""
    step = credentials.verify_totp(seed, code, now, None)
    if step is None:
        raise accounts.AccountError("console_bad_totp")
    replacing = officer.sealed_totp is not None
    officer.sealed_totp = credentials.seal_totp(vault, officer.username, seed)
    used = session.get(TotpUse, officer.id)
    if used is None:
        session.add(TotpUse(officer_id=officer.id, last_step=step))
    else:
        used.last_step = step  # the code just typed cannot sign in again
    accounts.end_sessions(session, officer, now)
    audit.append(session, actor=actor_of(officer), action="account", now=now,
                 detail=f"totp_{'replaced' if replacing else 'enrolled'} officer:{officer.id}")
    return accounts.new_session(session, officer, STAGE_OK, now)
