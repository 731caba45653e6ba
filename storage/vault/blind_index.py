"""Keyed blind indexes: find a row again by a secret value without storing the value.

``blind_index(key, value, purpose)`` is hex HMAC-SHA256 under the ring's index key.
The purpose ("line-user", "phone", ...) is part of the MAC input, so the index of the
same value for two purposes differs and one column cannot be joined against another.
Without the key the index cannot be recomputed from a guessed LINE id or phone number
(a plain hash could be, by trying every phone number).

The index key is separate from the data keys and does not rotate with them, so an
index stays the same across data-key rotations. Values are used exactly as given:
normalize them (strip, case, phone format) before calling, the same way every time.
"""

from __future__ import annotations

import hashlib
import hmac
import re

from .encoding import encode_parts

__all__ = ["blind_index", "PURPOSE_RE", "LINE_USER"]

_DOMAIN = "tambon-blind-index/v1"
PURPOSE_RE = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")

# The purposes, written once: a lookup under a purpose spelled differently from the one
# its rows were written under would silently find nothing.
LINE_USER = "line-user"  # a LINE user id: the user's cases, queued events, outbox rows


def blind_index(index_key: bytes, value: str, purpose: str) -> str:
    if not isinstance(purpose, str) or PURPOSE_RE.fullmatch(purpose) is None:
        raise ValueError("purpose must be a short lowercase name like 'line-user'")
    if not isinstance(value, str):
        raise TypeError("blind index value must be a str")
    # Length-prefixed parts: ("ab", "c") and ("a", "bc") give different MAC input.
    msg = encode_parts(_DOMAIN, purpose, value)
    return hmac.new(index_key, msg, hashlib.sha256).hexdigest()
