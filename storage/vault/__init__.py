"""The vault: what keeps a complainant's identity secret.

* :class:`KeyRing` (``key_ring.py``): keys, outside the database (key file or
  ``TAMBON_KEYRING``), with ids so they rotate.
* :class:`Vault` (``cipher.py``): AES-256-GCM under the ring, per-case data keys
  (envelope encryption), fields bound to their row and column, blind indexes.
* case secrets (``secrets.py``): generated once, kept only as Argon2id hashes.

No Flask, no handlers: this package is imported by everything else, never the reverse.
"""

from .blind_index import LINE_USER, blind_index
from .cipher import DATA_KEY_BYTES, Vault, VaultError
from .encoding import make_aad
from .key_ring import ENV_VAR, KeyRing, KeyRingError
from .secrets import (
    DUMMY_SECRET_HASH,
    case_secret_needs_rehash,
    format_case_secret,
    hash_case_secret,
    new_case_secret,
    parse_case_secret,
    verify_case_secret,
)

__all__ = [
    "DATA_KEY_BYTES",
    "DUMMY_SECRET_HASH",
    "ENV_VAR",
    "KeyRing",
    "KeyRingError",
    "LINE_USER",
    "Vault",
    "VaultError",
    "blind_index",
    "case_secret_needs_rehash",
    "format_case_secret",
    "hash_case_secret",
    "make_aad",
    "new_case_secret",
    "parse_case_secret",
    "verify_case_secret",
]
