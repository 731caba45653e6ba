"""Every outgoing call to Messenger: the Send API, and fetching an attachment a person sent.

Answers go as `messaging_type: RESPONSE` (Meta allows it within 24 hours of the person's
last message). The Send API takes one message a call and has no retry key, so a row of
the outbox that renders to several messages remembers, in this process, how many of them
went out: a retry sends the rest, not the first again. A per-page rate limit keeps us
under Meta's; over it, a send is put back like a 429, to be retried.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

import requests

from bot.channels import messenger
from bot.line_api import SendResult
from storage.channels import messenger_psid

log = logging.getLogger("tambon.messenger")

TIMEOUT = (3.05, 10)
# Meta counts calls per page; 40 a second stays well inside what it lets a page send.
SENDS_PER_SECOND = 40.0
# Graph API error codes that mean "later": temporary, throttled, too many calls.
RETRY_LATER_CODES = {1, 2, 4, 17, 32, 613}
CHUNK = 64 * 1024


class RateLimit:
    """A token bucket: `rate` sends a second, bursts up to `rate`."""

    def __init__(self, rate: float, clock: Callable[[], float] = time.monotonic):
        self.rate, self.clock = rate, clock
        self._tokens, self._at = rate, clock()
        self._lock = threading.Lock()

    def take(self) -> float:
        """0 when a send may go now (and counts it), else the seconds to wait."""
        with self._lock:
            now = self.clock()
            self._tokens = min(self.rate, self._tokens + (now - self._at) * self.rate)
            self._at = now
            if self._tokens >= 1:
                self._tokens -= 1
                return 0.0
            return (1 - self._tokens) / self.rate


class MessengerApi:
    def __init__(self, page_token: str, api_base: str, rate: float = SENDS_PER_SECOND,
                 session: requests.Session | None = None):
        self._token, self._base = page_token, api_base.rstrip("/")
        self._http = session or requests.Session()
        self.limit = RateLimit(rate)
        self._sent: dict[str, int] = {}  # retry key -> messages of that row already sent
        self._lock = threading.Lock()

    def push(self, to: str, messages: list[dict], retry_key: str) -> SendResult:
        """Send the handlers' messages to a Messenger address, rendered for Messenger."""
        psid = messenger_psid(to)
        rendered = messenger.render(messages)
        with self._lock:
            done = self._sent.get(retry_key, 0)
        for number in range(done, len(rendered)):
            wait = self.limit.take()
            if wait:
                return SendResult(ok=False, status=429, retry_after=wait,
                                  error="over the page's send rate")
            result = self._send(psid, rendered[number])
            if not result.ok:
                if not result.retryable:  # the row fails for good: nothing to resume
                    with self._lock:
                        self._sent.pop(retry_key, None)
                return result
            with self._lock:
                self._sent[retry_key] = number + 1
        with self._lock:
            self._sent.pop(retry_key, None)
        return SendResult(ok=True, status=200)

    def _send(self, psid: str, message: dict) -> SendResult:
        body = {"recipient": {"id": psid}, "messaging_type": "RESPONSE", "message": message}
        try:
            # The token in a header, not the URL: a URL ends up in debug logs.
            answer = self._http.post(f"{self._base}/me/messages", json=body, timeout=TIMEOUT,
                                     headers={"Authorization": f"Bearer {self._token}"})
        except requests.ConnectionError as error:
            never = isinstance(error, requests.ConnectTimeout) or _refused(error)
            return SendResult(ok=False, status=None, error=type(error).__name__,
                              maybe_delivered=not never)
        except requests.RequestException as error:
            return SendResult(ok=False, status=None, error=type(error).__name__)
        if answer.ok:
            return SendResult(ok=True, status=answer.status_code)
        status = answer.status_code
        if status == 400 and _error_code(answer) in RETRY_LATER_CODES:
            status = 429
        return SendResult(ok=False, status=status, retry_after=_retry_after(answer),
                          error=f"Messenger answered {answer.status_code}")

    def content(self, url: str, most: int) -> bytes:
        """An attachment's bytes, read no further than `most` + 1 bytes (the caller refuses
        anything over `most`). Only https, or the configured API's own host (the fake)."""
        if not (url.startswith("https://") or url.startswith(self._base + "/")):
            raise ValueError("attachment URL refused")
        with self._http.get(url, stream=True, timeout=TIMEOUT, allow_redirects=False) as answer:
            answer.raise_for_status()
            declared = answer.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > most:
                return b"\0" * (most + 1)  # too big: not read at all
            data = bytearray()
            for chunk in answer.iter_content(CHUNK):
                data += chunk
                if len(data) > most:
                    break
            return bytes(data)


def _refused(error: BaseException) -> bool:
    seen, stack = set(), [error]
    while stack:
        current = stack.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, ConnectionRefusedError):
            return True
        stack += [getattr(current, "reason", None), current.__cause__, current.__context__]
    return False


def _error_code(answer) -> int | None:
    try:
        return int(answer.json()["error"]["code"])
    except (ValueError, KeyError, TypeError):
        return None


def _retry_after(answer) -> float | None:
    value = answer.headers.get("Retry-After")
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None
