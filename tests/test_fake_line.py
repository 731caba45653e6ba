"""The fake LINE API itself: the fault tests trust what it answers."""

from __future__ import annotations

import logging
import subprocess
import sys

from bot.fake_line import create_fake_line_app

AUTH = {"Authorization": "Bearer test"}


def test_sdk_models_are_loaded_before_the_first_request():
    # Imported lazily, two request threads importing them at once got AttributeError
    # ("circular import") and the fake answered 400 to valid sends just after a restart.
    code = ("import sys, bot.fake_line; "
            "print('linebot.v3.messaging.models' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=60)
    assert out.stdout.strip() == "True"


def test_an_invalid_message_is_refused_with_the_reason_logged(caplog):
    client = create_fake_line_app().test_client()
    with caplog.at_level(logging.WARNING, logger="tambon.fake_line"):
        answer = client.post("/v2/bot/message/push", headers=AUTH,
                             json={"to": "U1", "messages": [{"type": "nonsense"}]})
    assert answer.status_code == 400
    assert "refused /v2/bot/message/push" in caplog.text


def test_a_valid_push_is_accepted_once_per_retry_key():
    client = create_fake_line_app().test_client()
    body = {"to": "U1", "messages": [{"type": "text", "text": "สวัสดีค่ะ"}]}
    headers = {**AUTH, "X-Line-Retry-Key": "0b7f5a3e-2f1c-4c8e-9a55-1d2e3f4a5b6c"}
    assert client.post("/v2/bot/message/push", headers=headers, json=body).status_code == 200
    assert client.post("/v2/bot/message/push", headers=headers, json=body).status_code == 409
