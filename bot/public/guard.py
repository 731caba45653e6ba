"""The public pages' guard: the CSRF cookie's name, rate limits and the headers every page
carries (the tokens themselves: bot/csrf.py)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections import deque

CSRF_COOKIE = "tambon_csrf"
CSRF_SCOPE = "public"
CSP = ("default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
       "frame-ancestors 'none'; base-uri 'none'")


class MemoryLimiter:
    """At most `limit` hits per `window` seconds for one address.

    Addresses are held only as a keyed hash, in this process's memory, with a key made
    at start and never written anywhere; they are forgotten after the window.
    """

    def __init__(self, limit: int, window: float, clock=time.monotonic):
        self.limit, self.window, self.clock = limit, window, clock
        self._key = secrets.token_bytes(32)
        self._hits: dict[bytes, deque] = {}
        self._lock = threading.Lock()
        self._last_sweep = clock()

    def hit(self, address: str | None) -> bool:
        """Count one hit; False when the address is over its limit."""
        tag = hmac.new(self._key, (address or "").encode(), hashlib.sha256).digest()[:16]
        now = self.clock()
        with self._lock:
            if now - self._last_sweep > self.window:
                self._sweep(now)
            hits = self._hits.setdefault(tag, deque())
            while hits and now - hits[0] > self.window:
                hits.popleft()
            if len(hits) >= self.limit:
                return False
            hits.append(now)
            return True

    def _sweep(self, now: float) -> None:
        for tag in [t for t, h in self._hits.items() if not h or now - h[-1] > self.window]:
            del self._hits[tag]
        self._last_sweep = now

    def reset(self) -> None:
        with self._lock:
            self._hits.clear()
