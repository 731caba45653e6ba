"""One-time receipts, shown by whichever web process the browser reaches.

A sealed cookie carries the receipt and a nonce; the nonce's digest is a row here until
the one request that deletes it shows the receipt. A replayed cookie finds no row and
shows nothing: the DELETE decides, so two processes never both show it.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session

from storage.models.receipts import ReceiptNonce

# Unshown receipts are purged after this; the cookie itself lives 10 minutes.
KEEP_UNSHOWN = timedelta(hours=2)


def _digest(nonce: str) -> str:
    return hashlib.sha256(nonce.encode()).hexdigest()


def issue(session: Session, now: datetime) -> str:
    """A new nonce, recorded as not yet shown. The row is dated to the hour only."""
    session.execute(delete(ReceiptNonce).where(ReceiptNonce.expires_at < now))
    nonce = secrets.token_urlsafe(24)
    hour = now.replace(minute=0, second=0, microsecond=0)
    session.add(ReceiptNonce(digest=_digest(nonce), expires_at=hour + KEEP_UNSHOWN))
    return nonce


def consume(session: Session, nonce: str) -> bool:
    """True for the one call that finds the nonce unshown (and removes it)."""
    if not isinstance(nonce, str) or not nonce:
        return False
    result = session.execute(delete(ReceiptNonce).where(ReceiptNonce.digest == _digest(nonce)))
    return result.rowcount == 1
