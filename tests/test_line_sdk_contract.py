"""What bot/line_api.py takes from line-bot-sdk beyond its documented API, pinned.

Replies and pushes skip the SDK's message models and call `ApiClient.call_api` directly,
with private options (`_host`, `_preload_content`, `response_types_map`): measured faster,
but a minor SDK release may rename or drop them. This test fails in CI when it does,
instead of every reply failing in production. Nothing here reaches LINE: the SDK's
lowest call (`ApiClient.request`) is replaced by a recorder.
"""

from __future__ import annotations

import inspect
import json

import pytest
from linebot.v3.messaging import ApiClient, ApiException, MessagingApiBlob

from bot.line_api import LINE_API_HOST, TIMEOUT, LineApi

P = inspect.Parameter


def _parameters(function) -> dict[str, inspect.Parameter]:
    return dict(inspect.signature(function).parameters)


def test_call_api_still_takes_the_options_we_pass():
    params = _parameters(ApiClient.call_api)
    names = list(params)
    # resource_path and method are passed by position.
    assert names[1:3] == ["resource_path", "method"]
    for name, default in [("header_params", None), ("body", None), ("auth_settings", None),
                          ("response_types_map", None), ("_host", None),
                          ("_preload_content", True), ("_request_timeout", None)]:
        assert name in params, f"ApiClient.call_api lost {name!r}"
        assert params[name].default == default, name
        assert params[name].kind in (P.POSITIONAL_OR_KEYWORD, P.KEYWORD_ONLY), name


def test_the_content_download_still_takes_a_timeout():
    params = _parameters(MessagingApiBlob.get_message_content)
    assert "message_id" in params
    assert any(p.kind is P.VAR_KEYWORD for p in params.values())  # _request_timeout=...
    inner = _parameters(MessagingApiBlob.get_message_content_with_http_info)
    assert any(p.kind is P.VAR_KEYWORD for p in inner.values())


def test_api_exception_still_carries_status_and_headers():
    error = ApiException(status=429, reason="Too Many Requests")
    assert error.status == 429 and hasattr(error, "headers")


class _Answer:
    status = 200
    data = b"{}"

    def getheader(self, name, default=None):
        return default

    def getheaders(self):
        return {}


@pytest.fixture
def sent(monkeypatch):
    calls: list[dict] = []

    def record(self, method, url, **kwargs):
        calls.append({"method": method, "url": url, **kwargs})
        return _Answer()

    monkeypatch.setattr(ApiClient, "request", record)
    return calls


@pytest.mark.parametrize(("host", "base"), [("http://fake-line.test", "http://fake-line.test"),
                                             (None, LINE_API_HOST)])
def test_a_push_goes_where_we_mean_with_our_options(sent, host, base):
    # The configured host (the fake LINE in development and tests) wins over `_host`;
    # without one, `_host` sends it to LINE.
    result = LineApi("token", host).push("U1", [{"type": "text", "text": "สวัสดี"}], "key-1")
    assert result.ok
    [call] = sent
    assert (call["method"], call["url"]) == ("POST", base + "/v2/bot/message/push")
    assert call["headers"]["Authorization"] == "Bearer token"
    assert call["headers"]["X-Line-Retry-Key"] == "key-1"
    assert call["_preload_content"] is False and call["_request_timeout"] == TIMEOUT
    body = call["body"] if isinstance(call["body"], dict) else json.loads(call["body"])
    assert body == {"to": "U1", "messages": [{"type": "text", "text": "สวัสดี"}]}
