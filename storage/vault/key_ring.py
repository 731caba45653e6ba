"""The key ring: the vault's keys, kept outside the database.

A ring holds

* data-wrapping keys, each 32 bytes (AES-256) under a short id ("k1", "k2", ...).
  One of them is *active*: new blobs are sealed under it. The others stay so that
  blobs sealed before a rotation still open.
* one separate 32-byte *index key* for keyed blind indexes (HMAC-SHA256). It is not
  a data key and does not rotate with them: rotating it would change every blind
  index and lose every "find my cases" lookup, so it is kept apart on purpose.

JSON format (a key file, or the same text in the ``TAMBON_KEYRING`` environment
variable)::

    {
      "development": true,
      "active": "k1",
      "keys": {"k1": "<base64 of 32 bytes>"},
      "index_key": "<base64 of 32 bytes>",
      "created": "2024-05-01T09:30:00+00:00"
    }

* ``development``: true for a ring generated on a developer's machine; production
  code may refuse such a ring.
* ``active``: the id of the key new blobs are sealed under; it must be in ``keys``.
* ``keys``: id -> standard base64 (with padding) of exactly 32 bytes. Ids are short
  ASCII names (letters, digits, ``_``, ``-``; up to 32 characters) because every
  sealed blob carries its key id in its header.
* ``index_key``: standard base64 of exactly 32 bytes, different from every data key.
* ``created``: ISO 8601 time the ring was generated (informational).

Parsing is strict: unknown fields, duplicate JSON keys, wrong key lengths and bad
base64 are refused with a :class:`KeyRingError` that names the problem but never
quotes the text, because that text is key material.

A key file must not be readable by group or others (mode 0600). ``save_file``
creates it with 0600 and replaces the old file atomically, so a crash mid-write
never leaves a half-written ring (losing the ring loses every sealed identity).
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import re
import secrets
import stat
from collections.abc import Mapping
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Annotated

from pydantic import AfterValidator, Field

from storage.validation import Strict, ValidationError, field_path, problems, refuse

__all__ = ["KeyRing", "KeyRingError", "KEY_BYTES", "ENV_VAR"]

KEY_BYTES = 32
ENV_VAR = "TAMBON_KEYRING"

# Key ids travel in every blob header (one length byte + ASCII), so keep them short
# and plain.
_KEY_ID_RE = re.compile(r"[A-Za-z0-9_-]{1,32}")
_ROTATING_ID_RE = re.compile(r"k([1-9][0-9]*)")


def _key_id(value: str) -> str:
    if not _valid_key_id(value):
        raise refuse("key ids must be 1-32 characters of letters, digits, '_' or '-'")
    return value


def _key_bytes(text: str) -> bytes:
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        # `from None`: the underlying error is not needed and we keep key text out
        # of any chained traceback.
        raise refuse("not valid base64") from None
    if len(raw) != KEY_BYTES:
        raise refuse(f"must decode to {KEY_BYTES} bytes, got {len(raw)}")
    return raw


_KeyBytes = Annotated[str, AfterValidator(_key_bytes)]


class _RingFile(Strict):
    """The ring's JSON document; KeyRing's constructor checks how the parts fit."""

    development: bool = False
    active: str
    keys: Annotated[dict[Annotated[str, AfterValidator(_key_id)], _KeyBytes],
                    Field(min_length=1)]
    index_key: _KeyBytes
    created: str | None = None


def _printable_path(path: tuple) -> str:
    # A mistyped field name could be key text pasted in the wrong place: only names
    # that look like key ids are shown.
    return field_path(p if isinstance(p, int) or _valid_key_id(p) else "…" for p in path)


class KeyRingError(Exception):
    """The key ring is missing, unsafe or malformed. Messages never contain key text."""


def _valid_key_id(key_id: object) -> bool:
    return isinstance(key_id, str) and _KEY_ID_RE.fullmatch(key_id) is not None


def _no_duplicates(pairs: list[tuple[str, object]]) -> dict[str, object]:
    # A ring with two "k1" entries is ambiguous; json.loads would silently keep the
    # last one.
    out: dict[str, object] = {}
    for k, v in pairs:
        if k in out:
            raise KeyRingError(f"duplicate JSON key {k!r} in key ring" if _valid_key_id(k)
                               else "duplicate JSON key in key ring")
        out[k] = v
    return out


class KeyRing:
    """An immutable set of vault keys. ``repr`` shows ids only, never key bytes."""

    __slots__ = ("_keys", "_active", "_index_key", "_development", "_created")

    def __init__(
        self,
        keys: Mapping[str, bytes],
        active: str,
        index_key: bytes,
        *,
        development: bool = False,
        created: str | None = None,
    ) -> None:
        if not keys:
            raise KeyRingError("key ring has no data keys")
        checked: dict[str, bytes] = {}
        for key_id, key in keys.items():
            if not _valid_key_id(key_id):
                raise KeyRingError(
                    "key ids must be 1-32 characters of letters, digits, '_' or '-'"
                )
            if not isinstance(key, bytes | bytearray) or len(key) != KEY_BYTES:
                raise KeyRingError(f"key {key_id!r} must be {KEY_BYTES} bytes")
            checked[key_id] = bytes(key)
        if not isinstance(active, str) or active not in checked:
            raise KeyRingError("active key id is not among the ring's keys")
        if not isinstance(index_key, bytes | bytearray) or len(index_key) != KEY_BYTES:
            raise KeyRingError(f"index key must be {KEY_BYTES} bytes")
        if any(secrets.compare_digest(bytes(index_key), k) for k in checked.values()):
            # One key for two jobs (AES and HMAC) is a classic mistake; refuse it.
            raise KeyRingError("index key must differ from every data key")
        if not isinstance(development, bool):
            raise KeyRingError("'development' must be true or false")
        if created is not None and not isinstance(created, str):
            raise KeyRingError("'created' must be a string")
        self._keys = MappingProxyType(checked)
        self._active = active
        self._index_key = bytes(index_key)
        self._development = development
        self._created = created

    # ----------------------------------------------------------------- accessors

    @property
    def active_id(self) -> str:
        return self._active

    @property
    def development(self) -> bool:
        return self._development

    @property
    def created(self) -> str | None:
        return self._created

    @property
    def key_ids(self) -> tuple[str, ...]:
        return tuple(self._keys)

    @property
    def index_key(self) -> bytes:
        return self._index_key

    def key(self, key_id: str) -> bytes:
        try:
            return self._keys[key_id]
        except (KeyError, TypeError):
            raise KeyRingError(
                f"unknown key id {key_id!r}" if _valid_key_id(key_id) else "unknown key id"
            ) from None

    def __contains__(self, key_id: object) -> bool:
        return key_id in self._keys

    def __repr__(self) -> str:
        return (
            f"KeyRing(active={self._active!r}, keys={list(self._keys)!r}, "
            f"development={self._development!r})"
        )

    # ------------------------------------------------------------------ creation

    @classmethod
    def generate(cls, development: bool = False) -> KeyRing:
        """A fresh ring: data key "k1" active and a separate index key, both random."""
        return cls(
            {"k1": secrets.token_bytes(KEY_BYTES)},
            "k1",
            secrets.token_bytes(KEY_BYTES),
            development=development,
            created=datetime.now(UTC).isoformat(timespec="seconds"),
        )

    def with_new_active_key(self) -> KeyRing:
        """A new ring with one more random key, "k<N+1>", made active.

        Old keys stay so old blobs open; the index key stays so blind indexes keep
        matching. Re-wrap data keys (``Vault.rewrap_data_key``) before ever dropping
        an old key from the ring.
        """
        numbers = [
            int(m.group(1)) for m in map(_ROTATING_ID_RE.fullmatch, self._keys) if m
        ]
        new_id = f"k{max(numbers, default=0) + 1}"
        keys = dict(self._keys)
        keys[new_id] = secrets.token_bytes(KEY_BYTES)
        return KeyRing(
            keys,
            new_id,
            self._index_key,
            development=self._development,
            created=self._created,
        )

    def without_key(self, key_id: str) -> KeyRing:
        """A ring with ``key_id`` dropped (after every blob under it was re-wrapped)."""
        if key_id == self._active:
            raise KeyRingError("cannot drop the active key")
        self.key(key_id)  # unknown id -> KeyRingError
        keys = {k: v for k, v in self._keys.items() if k != key_id}
        return KeyRing(
            keys, self._active, self._index_key,
            development=self._development, created=self._created,
        )

    # ------------------------------------------------------------- serialization

    def to_json(self) -> str:
        """The ring as JSON text. This text IS the secret: never log or print it."""
        doc = {
            "development": self._development,
            "active": self._active,
            "keys": {k: base64.b64encode(v).decode("ascii") for k, v in self._keys.items()},
            "index_key": base64.b64encode(self._index_key).decode("ascii"),
        }
        if self._created is not None:
            doc["created"] = self._created
        return json.dumps(doc, indent=2) + "\n"

    @classmethod
    def from_json(cls, text: str | bytes, *, source: str = "key ring") -> KeyRing:
        if isinstance(text, bytes):
            try:
                text = text.decode("utf-8")
            except UnicodeDecodeError:
                raise KeyRingError(f"{source}: not UTF-8 text") from None
        if not isinstance(text, str) or not text.strip():
            raise KeyRingError(f"{source}: empty")
        try:
            doc = json.loads(text, object_pairs_hook=_no_duplicates)
        except json.JSONDecodeError as e:
            # Position only; the message of JSONDecodeError has no document text, but
            # the exception object holds it (e.doc), so do not chain it.
            raise KeyRingError(
                f"{source}: malformed JSON ({e.msg} at line {e.lineno} column {e.colno})"
            ) from None
        except KeyRingError as e:
            raise KeyRingError(f"{source}: {e}") from None
        if not isinstance(doc, dict):
            raise KeyRingError(f"{source}: must be a JSON object")
        try:
            ring = _RingFile.model_validate(doc)
        except ValidationError as e:
            # quote_input=False and the path filtered: the text is key material.
            # One line: it is shown as the one line a failed start prints.
            raise KeyRingError(f"{source}: " + "; ".join(
                f"field {_printable_path(p.path)!r}: {p.message}"
                for p in problems(e, quote_input=False))) from None
        try:
            return cls(ring.keys, ring.active, ring.index_key,
                       development=ring.development, created=ring.created)
        except KeyRingError as e:
            raise KeyRingError(f"{source}: {e}") from None

    @classmethod
    def from_env_value(cls, value: str) -> KeyRing:
        """Parse the JSON text of the ``TAMBON_KEYRING`` environment variable."""
        return cls.from_json(value, source=f"${ENV_VAR}")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> KeyRing:
        env = os.environ if environ is None else environ
        value = env.get(ENV_VAR)
        if value is None:
            raise KeyRingError(f"${ENV_VAR} is not set")
        return cls.from_env_value(value)

    @classmethod
    def load_file(cls, path: str | os.PathLike[str]) -> KeyRing:
        """Read a key file; refuse it unless it is a regular file with mode 0600 or
        stricter (no group/other bits)."""
        path = os.fspath(path)
        try:
            # O_NOFOLLOW: a symlink planted at the key path is refused rather than
            # followed to some other file. Mode is checked on the opened descriptor
            # (fstat), so the file cannot be swapped between the check and the read.
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except FileNotFoundError:
            raise KeyRingError(f"key file {path} does not exist") from None
        except OSError as e:
            raise KeyRingError(f"key file {path} cannot be opened: {e.strerror}") from None
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                raise KeyRingError(f"key file {path} is not a regular file")
            if st.st_mode & 0o077:
                raise KeyRingError(
                    f"key file {path} has mode {stat.S_IMODE(st.st_mode):04o}; it must not "
                    f"be accessible by group or others (chmod 600 {path})"
                )
            with os.fdopen(fd, "rb") as f:
                fd = -1  # now owned by f
                data = f.read()
        finally:
            if fd >= 0:
                os.close(fd)
        return cls.from_json(data, source=f"key file {path}")

    def save_file(self, path: str | os.PathLike[str]) -> None:
        """Write the ring with mode 0600, atomically (temp file in the same directory,
        fsync, os.replace), so readers see the old ring or the new one, never half."""
        path = os.fspath(path)
        tmp = self._write_temp(path)
        try:
            os.replace(tmp, path)
        except BaseException:
            _unlink_quietly(tmp)
            raise
        _fsync_directory(path)

    def save_new_file(self, path: str | os.PathLike[str]) -> bool:
        """Write the ring to `path` only if no file is there yet; False if one is.

        Two processes starting at once (gunicorn's workers in development) must end up
        sharing one ring: the link either creates the file whole or fails, never replaces.
        """
        path = os.fspath(path)
        tmp = self._write_temp(path)
        try:
            os.link(tmp, path)
        except FileExistsError:
            return False
        finally:
            _unlink_quietly(tmp)
        _fsync_directory(path)
        return True

    def _write_temp(self, path: str) -> str:
        directory = os.path.dirname(os.path.abspath(path))
        data = self.to_json().encode("utf-8")
        tmp = os.path.join(
            directory, f".{os.path.basename(path)}.{secrets.token_hex(8)}.tmp"
        )
        # O_EXCL: never write into a file someone else created (or a symlink).
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            try:
                os.fchmod(fd, 0o600)  # the umask can only narrow; make it exact anyway
                view = memoryview(data)
                while view:
                    n = os.write(fd, view)
                    view = view[n:]
                os.fsync(fd)
            finally:
                os.close(fd)
        except BaseException:
            _unlink_quietly(tmp)
            raise
        return tmp


def _unlink_quietly(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def _fsync_directory(path: str) -> None:
    """Make a rename or link in the file's directory durable."""
    try:
        dir_fd = os.open(os.path.dirname(os.path.abspath(path)), os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)
