"""Officer passwords (Argon2id, the vault's codec) and TOTP second factors (`cryptography`).

Passwords are stored as the PHC strings of storage/vault/hashing.py, the codec case secrets
use too: 64 MiB, 3 passes, one lane (~0.15 s a guess on one core). `verify_password` reads
the cost from the stored string only within fixed bounds.

TOTP follows RFC 6238 (SHA-1, 6 digits, 30 s) so every authenticator app reads the
``otpauth://`` URI; a code is accepted one step either side of now, and a step once used
cannot be used again (the caller keeps the last step).
"""

from __future__ import annotations

import base64
import os
import re
from datetime import datetime

from cryptography.hazmat.primitives.hashes import SHA1
from cryptography.hazmat.primitives.twofactor import InvalidToken
from cryptography.hazmat.primitives.twofactor.totp import TOTP

from storage.vault import Vault
from storage.vault.hashing import Argon2Codec

MIN_PASSWORD_CHARS = 12
MAX_PASSWORD_CHARS = 256
CODEC = Argon2Codec()

TOTP_DIGITS = 6
TOTP_STEP = 30
TOTP_SEED_BYTES = 20


def check_password_policy(password: str) -> str | None:
    """A text key naming what is wrong with a new password, or None if it will do."""
    if len(password) < MIN_PASSWORD_CHARS:
        return "console_password_too_short"
    if len(password) > MAX_PASSWORD_CHARS:
        return "console_password_too_long"
    return None


def hash_password(password: str) -> str:
    return CODEC.hash(password)


# Verified against when the username does not exist, so both answers take as long.
DUMMY_PASSWORD_HASH = (
    "$argon2id$v=19$m=65536,t=3,p=1$AAAAAAAAAAAAAAAAAAAAAA"
    "$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
)


def verify_password(password: str, stored: str) -> bool:
    """True iff `password` matches `stored`; never raises."""
    if not isinstance(password, str) or len(password) > MAX_PASSWORD_CHARS:
        return False
    return CODEC.verify(stored, password)


# --- TOTP ------------------------------------------------------------------------------

def new_totp_seed() -> bytes:
    return os.urandom(TOTP_SEED_BYTES)


def totp_secret_text(seed: bytes) -> str:
    """The seed as the base32 text an authenticator app asks for when typed by hand."""
    return base64.b32encode(seed).decode("ascii").rstrip("=")


def _totp(seed: bytes) -> TOTP:
    return TOTP(seed, TOTP_DIGITS, SHA1(), TOTP_STEP)


def totp_uri(seed: bytes, account: str, issuer: str) -> str:
    return _totp(seed).get_provisioning_uri(account, issuer)


def totp_code(seed: bytes, now: datetime) -> str:
    """The code an authenticator shows at `now` (tests and the enrolment check use it)."""
    return _totp(seed).generate(int(now.timestamp())).decode("ascii")


def verify_totp(seed: bytes, code: str, now: datetime, last_step: int | None) -> int | None:
    """The time step `code` belongs to (now, or one step either side), or None.

    A step at or before `last_step` is refused: each code works once."""
    code = (code or "").strip().replace(" ", "")
    if not re.fullmatch(rf"\d{{{TOTP_DIGITS}}}", code):
        return None
    totp = _totp(seed)
    now_step = int(now.timestamp()) // TOTP_STEP
    for step in (now_step, now_step - 1, now_step + 1):
        if last_step is not None and step <= last_step:
            continue
        try:
            totp.verify(code.encode("ascii"), step * TOTP_STEP)
        except InvalidToken:
            continue
        return step
    return None


def _totp_aad(username: str) -> str:
    return f"officers:{username}:totp"


def seal_totp(vault: Vault, username: str, seed: bytes) -> bytes:
    return vault.seal(seed, _totp_aad(username))


def open_totp(vault: Vault, username: str, sealed: bytes) -> bytes:
    return vault.open(sealed, _totp_aad(username))

