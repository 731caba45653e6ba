"""Unambiguous encoding of several strings into one, for associated data and HMAC input.

Joining parts with a separator is ambiguous as soon as a part may contain the
separator ("a:b" + "c" vs "a" + "b:c"). Each part is therefore prefixed with its
length, so no two different part lists encode to the same text.
"""

from __future__ import annotations

import base64
import re

__all__ = ["encode_parts", "make_aad", "IDENTIFIER_RE", "b64url", "unb64url"]

# Table and field names are SQL-ish identifiers; refusing anything else keeps typos
# and injected separators out of the associated data.
IDENTIFIER_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}")


def _text(part: str | int) -> str:
    # bool is an int subclass; True as a row id is a bug, not row 1.
    if isinstance(part, bool) or not isinstance(part, str | int):
        raise TypeError(f"aad parts must be str or int, not {type(part).__name__}")
    return part if isinstance(part, str) else str(part)


def encode_parts(*parts: str | int) -> bytes:
    """``len:part`` for each part (length in UTF-8 bytes), joined by ``|``, as bytes."""
    out = []
    for part in parts:
        raw = _text(part).encode("utf-8")
        out.append(b"%d:%s" % (len(raw), raw))
    return b"|".join(out)


def make_aad(*parts: str | int) -> str:
    """An unambiguous ``aad`` string for :meth:`Vault.seal` from several parts,
    e.g. ``make_aad("case-data-key", case_id)``."""
    return encode_parts(*parts).decode("utf-8")


def b64url(raw: bytes) -> str:
    """A sealed blob as text for a cookie or a form field: URL-safe base64, no padding."""
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def unb64url(text: str) -> bytes:
    """The blob of `b64url` (padded text reads too); binascii.Error or ValueError if it
    is not base64."""
    return base64.urlsafe_b64decode(text.encode("ascii") + b"=" * (-len(text) % 4))
