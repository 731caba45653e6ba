"""Every outgoing call to LINE, through line-bot-sdk v3, each with a timeout.

`Configuration(host=...)` moves every endpoint, so development and tests point this at the
fake LINE API; in production the host stays unset and each call uses LINE's own.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from linebot.v3.messaging import (
    ApiClient,
    ApiException,
    Configuration,
    MessagingApi,
)

# (connect, read) seconds: a slow LINE must not stall the worker.
TIMEOUT = (3.05, 10)
LINE_API_HOST = "https://api.line.me"
LINE_DATA_HOST = "https://api-data.line.me"
CONTENT_CHUNK = 64 * 1024


@dataclass
class SendResult:
    ok: bool
    status: int | None  # HTTP status, None when the call never got an answer
    retry_after: float | None = None
    error: str = ""
    # With no answer (status None): whether the request may have reached LINE. A refused
    # connection sent nothing; a reset or a read timeout after sending may have delivered.
    maybe_delivered: bool = True

    @property
    def retryable(self) -> bool:
        # The SDK reports a TLS failure as status 0: no answer, like a refused connection.
        return not self.status or self.status == 429 or self.status >= 500


class LineApi:
    def __init__(self, access_token: str, host: str | None):
        self._configuration = Configuration(access_token=access_token, host=host)
        self._client = ApiClient(self._configuration)
        self._messaging = MessagingApi(self._client)

    # Replies and pushes go through the SDK's ApiClient with the message dicts as they are.
    # Building the SDK's pydantic models for a Flex card cost ~5 ms of CPU a message, more
    # than handling the event; the fake LINE API validates every message with those same
    # models, so tests still catch a message LINE would refuse.

    def reply(self, reply_token: str, messages: list[dict]) -> SendResult:
        body = {"replyToken": reply_token, "messages": messages}
        return self._call(self._post, "/v2/bot/message/reply", body)

    def push(self, to: str, messages: list[dict], retry_key: str) -> SendResult:
        body = {"to": to, "messages": messages}
        result = self._call(self._post, "/v2/bot/message/push", body,
                            {"X-Line-Retry-Key": retry_key})
        if result.status == 409:
            # LINE already accepted a push with this retry key: it was delivered once.
            return SendResult(ok=True, status=409)
        return result

    def content(self, message_id: str, limit: int) -> bytes:
        """The bytes of an image/file/video/audio a user sent (LINE deletes them after a
        while), read as they come: past `limit` bytes the download stops and
        EvidenceRefused("too_big") is raised, so a 200 MB video never sits in memory.
        LINE tells no size for images, video and audio before they are fetched."""
        raw = self._get_streamed(f"/v2/bot/message/{quote(message_id, safe='')}/content",
                                 LINE_DATA_HOST)
        try:
            return _read_capped(raw, limit)
        finally:
            # An abandoned body is not drained into a pooled connection: close it.
            raw.close()

    def _get_streamed(self, path: str, host: str):
        """A GET whose body is left unread (urllib3's response). The SDK's own blob call
        reads the whole body into memory before returning, even when asked not to."""
        headers = {**self._client.default_headers, "Accept": "*/*"}
        self._client.update_params_for_auth(headers, [], ["Bearer"], path, "GET", None)
        url = (self._configuration.host or host) + path
        return self._client.rest_client.request("GET", url, headers=headers,
                                                _preload_content=False,
                                                _request_timeout=TIMEOUT)

    def _post(self, path: str, body: dict, headers: dict | None = None, **kwargs) -> None:
        self._client.call_api(
            path, "POST", header_params={"Content-Type": "application/json", **(headers or {})},
            body=body, auth_settings=["Bearer"], response_types_map={}, _host=LINE_API_HOST,
            **kwargs,
        )

    @staticmethod
    def _call(method, *args, **kwargs) -> SendResult:
        try:
            # Not parsing the answer: once LINE said 2xx the message is out, and a parse
            # error must not make us send it again.
            method(*args, _request_timeout=TIMEOUT, _preload_content=False, **kwargs)
        except ApiException as error:
            return SendResult(
                ok=False,
                status=error.status,
                retry_after=_retry_after(error.headers),
                error=f"LINE answered {error.status}",
            )
        except Exception as error:  # connection refused, timeout, TLS: no answer at all
            return SendResult(ok=False, status=None, error=type(error).__name__,
                              maybe_delivered=not _never_sent(error))
        return SendResult(ok=True, status=200)


def _read_capped(raw, limit: int) -> bytes:
    from handlers.cases.evidence import EvidenceRefused

    declared = raw.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise EvidenceRefused("too_big")
    received = bytearray()
    for chunk in raw.stream(CONTENT_CHUNK):
        received += chunk
        if len(received) > limit:
            raise EvidenceRefused("too_big")
    return bytes(received)


def _never_sent(error: BaseException) -> bool:
    """True when the connection was never made, so LINE cannot have the request."""
    from urllib3.exceptions import ConnectTimeoutError  # NewConnectionError is one too

    seen: set[int] = set()
    stack = [error]
    while stack:
        current = stack.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, ConnectTimeoutError | ConnectionRefusedError):
            return True
        stack += [getattr(current, "reason", None), current.__cause__, current.__context__]
    return False


def _retry_after(headers) -> float | None:
    if not headers:
        return None
    value = headers.get("Retry-After") or headers.get("retry-after")
    try:
        return max(0.0, float(value)) if value is not None else None
    except (TypeError, ValueError):
        return None
