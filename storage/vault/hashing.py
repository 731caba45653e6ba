"""Argon2id hashes of what people type: officer passwords and case secrets. One codec.

Hashes are argon2-cffi's (libargon2's) PHC strings,
``$argon2id$v=19$m=65536,t=3,p=1$<salt>$<hash>`` (base64 without padding), which is also
what the hand-written codecs before it wrote, so every stored hash still verifies.

The cost is 64 MiB, 3 passes, one lane (about 0.15 s of one core). ``verify`` reads the
cost from the stored string, but only within bounds checked before any hashing: a stored
string can neither make verification cheap (a downgrade) nor make it eat the server
(m = 4 GiB). libargon2 releases the interpreter lock while it works, so a hash in one
request thread does not hold up the others.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from argon2 import PasswordHasher, Type, extract_parameters
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

__all__ = ["Argon2Codec", "Bounds"]

MEMORY_KIB = 65536
ITERATIONS = 3
LANES = 1
SALT_BYTES = 16
HASH_BYTES = 32
MAX_STORED_CHARS = 300
_PHC_RE = re.compile(
    r"\$argon2id\$v=19\$m=[0-9]{1,7},t=[0-9]{1,3},p=[0-9]{1,3}\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+")


@dataclass(frozen=True)
class Bounds:
    """What `verify` accepts from a stored string (lower bounds stop a downgrade, upper
    bounds stop a stored string from costing seconds or gigabytes per request)."""

    memory_kib: tuple[int, int] = (MEMORY_KIB, 262144)
    iterations: tuple[int, int] = (ITERATIONS, 10)
    lanes: tuple[int, int] = (1, 2)
    salt_bytes: tuple[int, int] = (16, 64)
    hash_bytes: tuple[int, int] = (16, 64)


class Argon2Codec:
    """Hash, verify and tell when to re-hash, at one cost, within `bounds`."""

    def __init__(self, bounds: Bounds = Bounds()):
        self.bounds = bounds
        self._hasher = PasswordHasher(time_cost=ITERATIONS, memory_cost=MEMORY_KIB,
                                      parallelism=LANES, hash_len=HASH_BYTES,
                                      salt_len=SALT_BYTES, type=Type.ID)

    def hash(self, text: str) -> str:
        return self._hasher.hash(text)

    def within_bounds(self, stored: object) -> bool:
        """True when `stored` is an Argon2id v19 PHC string whose cost is within bounds."""
        if not isinstance(stored, str) or len(stored) > MAX_STORED_CHARS:
            return False
        if _PHC_RE.fullmatch(stored) is None:
            return False
        try:
            found = extract_parameters(stored)
        except (InvalidHashError, ValueError, TypeError):
            return False
        b = self.bounds
        return (b.memory_kib[0] <= found.memory_cost <= b.memory_kib[1]
                and b.iterations[0] <= found.time_cost <= b.iterations[1]
                and b.lanes[0] <= found.parallelism <= b.lanes[1]
                and b.salt_bytes[0] <= found.salt_len <= b.salt_bytes[1]
                and b.hash_bytes[0] <= found.hash_len <= b.hash_bytes[1])

    def verify(self, stored: object, text: object) -> bool:
        """True iff `text` matches `stored`. Never raises; garbage is False unhashed."""
        if not isinstance(text, str) or not self.within_bounds(stored):
            return False
        try:
            return self._check(stored, text)
        except Exception:  # noqa: BLE001 - a broken hash or a failing library is a "no"
            return False

    def _check(self, stored: str, text: str) -> bool:
        try:
            return self._hasher.verify(stored, text)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, stored: str) -> bool:
        """True when `stored` is of another cost than today's, or unreadable."""
        if not self.within_bounds(stored):
            return True
        found = extract_parameters(stored)
        return (found.memory_cost, found.time_cost, found.parallelism, found.salt_len,
                found.hash_len) != (MEMORY_KIB, ITERATIONS, LANES, SALT_BYTES, HASH_BYTES)
