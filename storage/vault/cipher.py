"""The vault: AES-256-GCM sealing under the key ring, and envelope encryption for cases.

Two layers, so rotating a ring key touches one small wrapped key per case instead of
every sealed field:

* ``seal``/``open``: AES-256-GCM directly under the ring's *active* key. Used to wrap
  each case's data key (``new_data_key``/``unwrap_data_key``/``rewrap_data_key``) and
  for small JSON blobs (``seal_json``/``open_json``).
* ``seal_field``/``open_field``: AES-256-GCM under a case's own 32-byte data key, with
  associated data that binds the ciphertext to (table, row id, field). A ciphertext
  copied into another row or another column does not open.

Ring blob layout (``seal``)::

    0x01 | len(key_id) (1 byte) | key_id (ASCII) | nonce (12 bytes) | ciphertext+tag (16)

Field blob layout (``seal_field``)::

    0x11 | nonce (12 bytes) | ciphertext+tag (16)

The header bytes are part of the GCM associated data, so a changed version byte or
key id fails authentication too. Associated data is built from length-prefixed parts
(see ``encoding.py``) and starts with a domain label, so a ring blob can never be
passed off as a field blob or the reverse, and ``("a:b", "c")`` never equals
``("a", "b:c")``.

Nonces are 12 random bytes per seal. With random nonces one key should seal well
under 2**32 messages; ring keys only wrap data keys and small records, and each data
key seals a handful of fields, so this is far away. Rotate ring keys anyway.

Errors (:class:`VaultError`) never contain plaintext, keys or associated data.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from .blind_index import blind_index as _blind_index
from .encoding import IDENTIFIER_RE, encode_parts
from .key_ring import KEY_BYTES, KeyRing

__all__ = ["Vault", "VaultError", "DATA_KEY_BYTES"]

DATA_KEY_BYTES = KEY_BYTES
NONCE_BYTES = 12
TAG_BYTES = 16

_RING_VERSION = 0x01
_FIELD_VERSION = 0x11
_RING_DOMAIN = "tambon-vault/ring/v1"
_FIELD_DOMAIN = "tambon-vault/field/v1"
_FAILED = "cannot open blob: wrong key, wrong associated data, or tampered"


class VaultError(Exception):
    """A blob could not be sealed or opened. Never carries plaintext or keys."""


def _check_aad(aad: object) -> str:
    if not isinstance(aad, str):
        raise TypeError("aad must be a str")
    return aad


def _check_plaintext(plaintext: object) -> bytes:
    if not isinstance(plaintext, bytes | bytearray | memoryview):
        raise TypeError("plaintext must be bytes")
    return bytes(plaintext)


def _check_dk(dk: object) -> bytes:
    if not isinstance(dk, bytes | bytearray) or len(dk) != DATA_KEY_BYTES:
        raise VaultError(f"data key must be {DATA_KEY_BYTES} bytes")
    return bytes(dk)


def _field_aad(table: str, row_id: str | int, field: str) -> bytes:
    if not isinstance(table, str) or IDENTIFIER_RE.fullmatch(table) is None:
        raise ValueError("table must be an identifier")
    if not isinstance(field, str) or IDENTIFIER_RE.fullmatch(field) is None:
        raise ValueError("field must be an identifier")
    if isinstance(row_id, bool) or not isinstance(row_id, str | int):
        raise TypeError("row_id must be str or int")
    # int 7 and "7" name the same row, so they encode the same.
    return bytes([_FIELD_VERSION]) + encode_parts(_FIELD_DOMAIN, table, str(row_id), field)


def _parse_ring_header(blob: object) -> tuple[str, int]:
    """Return (key id, offset of nonce). Raises VaultError on a malformed header."""
    if not isinstance(blob, bytes | bytearray | memoryview):
        raise VaultError("blob must be bytes")
    blob = bytes(blob)
    if len(blob) < 2:
        raise VaultError("blob too short")
    if blob[0] != _RING_VERSION:
        raise VaultError(f"unsupported vault blob version {blob[0]}")
    n = blob[1]
    start = 2 + n
    if n == 0 or len(blob) < start + NONCE_BYTES + TAG_BYTES:
        raise VaultError("blob too short")
    try:
        key_id = blob[2:start].decode("ascii")
    except UnicodeDecodeError:
        raise VaultError("malformed key id in blob") from None
    return key_id, start


class Vault:
    """Seals and opens under a :class:`KeyRing`. Holds no other state; thread-safe."""

    def __init__(self, ring: KeyRing, reload: Callable[[], KeyRing] | None = None) -> None:
        if not isinstance(ring, KeyRing):
            raise TypeError("Vault needs a KeyRing")
        self._use(ring)
        # Re-reads the ring (its file) when a blob names a key this process has not seen:
        # `tambon keys rotate` adds a key while web and worker processes keep running.
        self._reload = reload
        self._reload_lock = threading.Lock()

    def _use(self, ring: KeyRing) -> None:
        # One AESGCM object per ring key, built once.
        self._aeads = {kid: AESGCM(ring.key(kid)) for kid in ring.key_ids}
        self._ring = ring

    def _aead_for(self, key_id: str):
        aead = self._aeads.get(key_id)
        if aead is not None or self._reload is None:
            return aead
        with self._reload_lock:
            if key_id not in self._aeads:
                fresh = self._reload()
                # A ring that dropped keys or changed the index key would break old rows
                # and every blind index: keep the one we have.
                if (set(self._ring.key_ids) <= set(fresh.key_ids)
                        and fresh.index_key == self._ring.index_key):
                    self._use(fresh)
        return self._aeads.get(key_id)

    def __repr__(self) -> str:
        return f"Vault({self._ring!r})"

    @property
    def ring(self) -> KeyRing:
        return self._ring

    @property
    def active_id(self) -> str:
        return self._ring.active_id

    # ------------------------------------------------------------ ring layer

    def seal(self, plaintext: bytes, aad: str) -> bytes:
        data = _check_plaintext(plaintext)
        key_id = self._ring.active_id
        kid = key_id.encode("ascii")
        header = bytes([_RING_VERSION, len(kid)]) + kid
        nonce = os.urandom(NONCE_BYTES)
        ad = header + encode_parts(_RING_DOMAIN, _check_aad(aad))
        return header + nonce + self._aeads[key_id].encrypt(nonce, data, ad)

    def open(self, blob: bytes, aad: str) -> bytes:
        ad_text = _check_aad(aad)
        key_id, start = _parse_ring_header(blob)
        blob = bytes(blob)
        aead = self._aead_for(key_id)
        if aead is None:
            # Key ids are not secret; naming the missing one helps whoever restores
            # an old ring.
            raise VaultError(f"blob sealed under key {key_id!r}, which is not in the ring")
        header = blob[:start]
        nonce = blob[start : start + NONCE_BYTES]
        ad = header + encode_parts(_RING_DOMAIN, ad_text)
        try:
            return aead.decrypt(nonce, blob[start + NONCE_BYTES :], ad)
        except InvalidTag:
            raise VaultError(_FAILED) from None

    def key_id_of(self, blob: bytes) -> str:
        """The id of the ring key a blob was sealed under (no decryption)."""
        return _parse_ring_header(blob)[0]

    def seal_json(self, obj: Any, aad: str) -> bytes:
        text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        return self.seal(text.encode("utf-8"), aad)

    def open_json(self, blob: bytes, aad: str) -> Any:
        raw = self.open(blob, aad)
        try:
            return json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            # Authenticated but not JSON: sealed with seal(), not seal_json().
            raise VaultError("opened blob is not JSON") from None

    # ------------------------------------------------------ envelope layer

    def new_data_key(self, aad: str) -> tuple[bytes, bytes]:
        """A fresh random 32-byte data key and that key sealed under the ring."""
        dk = os.urandom(DATA_KEY_BYTES)
        return dk, self.seal(dk, aad)

    def unwrap_data_key(self, wrapped: bytes, aad: str) -> bytes:
        dk = self.open(wrapped, aad)
        if len(dk) != DATA_KEY_BYTES:
            raise VaultError("wrapped blob does not hold a data key")
        return dk

    def rewrap_data_key(self, wrapped: bytes, aad: str) -> bytes:
        """Re-seal a wrapped data key under the active ring key (same data key, so
        every field sealed under it still opens)."""
        return self.seal(self.unwrap_data_key(wrapped, aad), aad)

    def needs_rewrap(self, wrapped: bytes) -> bool:
        return self.key_id_of(wrapped) != self._ring.active_id

    # --------------------------------------------------------- field layer

    def seal_field(
        self, dk: bytes, plaintext: str, *, table: str, row_id: str | int, field: str
    ) -> bytes:
        if not isinstance(plaintext, str):
            raise TypeError("field plaintext must be a str")
        return self.seal_field_bytes(dk, plaintext.encode("utf-8"), table=table, row_id=row_id,
                                     field=field)

    def seal_field_bytes(
        self, dk: bytes, plaintext: bytes, *, table: str, row_id: str | int, field: str
    ) -> bytes:
        """As `seal_field`, for bytes (evidence files) so they are not re-encoded as text."""
        ad = _field_aad(table, row_id, field)
        nonce = os.urandom(NONCE_BYTES)
        ct = AESGCM(_check_dk(dk)).encrypt(nonce, bytes(plaintext), ad)
        return bytes([_FIELD_VERSION]) + nonce + ct

    def open_field(
        self, dk: bytes, ct: bytes, *, table: str, row_id: str | int, field: str
    ) -> str:
        return self.open_field_bytes(dk, ct, table=table, row_id=row_id, field=field).decode(
            "utf-8")

    def open_field_bytes(
        self, dk: bytes, ct: bytes, *, table: str, row_id: str | int, field: str
    ) -> bytes:
        ad = _field_aad(table, row_id, field)
        if not isinstance(ct, bytes | bytearray | memoryview):
            raise VaultError("field ciphertext must be bytes")
        ct = bytes(ct)
        if len(ct) < 1 + NONCE_BYTES + TAG_BYTES:
            raise VaultError("field ciphertext too short")
        if ct[0] != _FIELD_VERSION:
            raise VaultError(f"unsupported field ciphertext version {ct[0]}")
        nonce = ct[1 : 1 + NONCE_BYTES]
        try:
            raw = AESGCM(_check_dk(dk)).decrypt(nonce, ct[1 + NONCE_BYTES :], ad)
        except InvalidTag:
            raise VaultError(_FAILED) from None
        return raw

    # ------------------------------------------------------- blind index

    def blind_index(self, value: str, purpose: str) -> str:
        return _blind_index(self._ring.index_key, value, purpose)

