"""Officer passwords (Argon2id) and TOTP second factors, both from `cryptography`.

Passwords are stored in the PHC string form (``$argon2id$v=19$m=...,t=...,p=...$salt$hash``)
with the same cost as case secrets: 64 MiB, 3 passes, one lane (~0.15 s a guess on one
core). `verify_password` reads the cost from the stored string only within fixed bounds.

TOTP follows RFC 6238 (SHA-1, 6 digits, 30 s) so every authenticator app reads the
``otpauth://`` URI; a code is accepted one step either side of now, and a step once used
cannot be used again (the caller keeps the last step).
"""

from __future__ import annotations

import base64
import hmac
import os
import re
from datetime import datetime

from cryptography.exceptions import InvalidKey
from cryptography.hazmat.primitives.hashes import SHA1
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.twofactor import InvalidToken
from cryptography.hazmat.primitives.twofactor.totp import TOTP

from storage.vault import Vault

MEMORY_KIB = 65536
ITERATIONS = 3
LANES = 1
SALT_BYTES = 16
HASH_BYTES = 32
MIN_PASSWORD_CHARS = 12
MAX_PASSWORD_CHARS = 256

_PHC_RE = re.compile(
    r"\$argon2id\$v=19\$m=(\d{1,7}),t=(\d{1,2}),p=(\d)\$([A-Za-z0-9+/]{16,90})\$([A-Za-z0-9+/]{16,90})"
)

TOTP_DIGITS = 6
TOTP_STEP = 30
TOTP_SEED_BYTES = 20


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)


def check_password_policy(password: str) -> str | None:
    """A text key naming what is wrong with a new password, or None if it will do."""
    if len(password) < MIN_PASSWORD_CHARS:
        return "console_password_too_short"
    if len(password) > MAX_PASSWORD_CHARS:
        return "console_password_too_long"
    return None


def hash_password(password: str) -> str:
    salt = os.urandom(SALT_BYTES)
    kdf = Argon2id(salt=salt, length=HASH_BYTES, iterations=ITERATIONS, lanes=LANES,
                   memory_cost=MEMORY_KIB)
    digest = kdf.derive(password.encode("utf-8"))
    return (f"$argon2id$v=19$m={MEMORY_KIB},t={ITERATIONS},p={LANES}"
            f"${_b64(salt)}${_b64(digest)}")


# Verified against when the username does not exist, so both answers take as long.
DUMMY_PASSWORD_HASH = (
    "$argon2id$v=19$m=65536,t=3,p=1$AAAAAAAAAAAAAAAAAAAAAA"
    "$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
)


def verify_password(password: str, stored: str) -> bool:
    """True iff `password` matches `stored`; never raises."""
    try:
        if len(password) > MAX_PASSWORD_CHARS:
            return False
        match = _PHC_RE.fullmatch(stored or "")
        if match is None:
            return False
        m, t, p = (int(x) for x in match.groups()[:3])
        if not (MEMORY_KIB <= m <= 262144 and ITERATIONS <= t <= 10 and 1 <= p <= 2):
            return False
        salt, expected = _unb64(match.group(4)), _unb64(match.group(5))
        kdf = Argon2id(salt=salt, length=len(expected), iterations=t, lanes=p, memory_cost=m)
        try:
            kdf.verify(password.encode("utf-8"), expected)
        except InvalidKey:
            return False
        return True
    except Exception:
        return False


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


def same_text(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())
