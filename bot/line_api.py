"""Every outgoing call to LINE, through line-bot-sdk v3, each with a timeout.

`Configuration(host=...)` moves every endpoint, so development and tests point this at the
fake LINE API; in production the host stays unset and each call uses LINE's own.
"""

from __future__ import annotations

from dataclasses import dataclass

from linebot.v3.messaging import (
    ApiClient,
    ApiException,
    Configuration,
    MessagingApi,
    MessagingApiBlob,
    PushMessageRequest,
    ReplyMessageRequest,
)
from linebot.v3.messaging.models import Message

# (connect, read) seconds: a slow LINE must not stall the worker.
TIMEOUT = (3.05, 10)


@dataclass
class SendResult:
    ok: bool
    status: int | None  # HTTP status, None when the call never got an answer
    retry_after: float | None = None
    error: str = ""

    @property
    def retryable(self) -> bool:
        return self.status is None or self.status == 429 or self.status >= 500


class LineApi:
    def __init__(self, access_token: str, host: str | None):
        self._configuration = Configuration(access_token=access_token, host=host)
        self._client = ApiClient(self._configuration)
        self._messaging = MessagingApi(self._client)
        self._blob = MessagingApiBlob(self._client)

    def reply(self, reply_token: str, messages: list[dict]) -> SendResult:
        request = ReplyMessageRequest(
            reply_token=reply_token, messages=[Message.from_dict(m) for m in messages]
        )
        return self._call(self._messaging.reply_message_with_http_info, request)

    def push(self, to: str, messages: list[dict], retry_key: str) -> SendResult:
        request = PushMessageRequest(to=to, messages=[Message.from_dict(m) for m in messages])
        result = self._call(
            self._messaging.push_message_with_http_info, request, x_line_retry_key=retry_key
        )
        if result.status == 409:
            # LINE already accepted a push with this retry key: it was delivered once.
            return SendResult(ok=True, status=409)
        return result

    def content(self, message_id: str) -> bytes:
        """The bytes of an image/file/video a user sent (LINE deletes them after a while)."""
        return bytes(
            self._blob.get_message_content(message_id, _request_timeout=TIMEOUT)
        )

    def show_loading(self, user_id: str, seconds: int = 5) -> None:
        from linebot.v3.messaging import ShowLoadingAnimationRequest

        self._messaging.show_loading_animation(
            ShowLoadingAnimationRequest(chat_id=user_id, loading_seconds=seconds),
            _request_timeout=TIMEOUT,
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
            return SendResult(ok=False, status=None, error=type(error).__name__)
        return SendResult(ok=True, status=200)


def _retry_after(headers) -> float | None:
    if not headers:
        return None
    value = headers.get("Retry-After") or headers.get("retry-after")
    try:
        return max(0.0, float(value)) if value is not None else None
    except (TypeError, ValueError):
        return None
