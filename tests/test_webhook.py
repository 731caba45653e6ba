"""POST /callback: signature first, each event stored once and sealed, 200 without delay."""

from __future__ import annotations

import json
import logging

from sqlalchemy import func, select

from storage.models import InboxEvent
from tests.line_helpers import new_user_id, signed_body

SECRET_TEXT = "เรื่องลับมาก ทดสอบ 0812345678"


def _text_event(user: str, text: str, event_id: str = "01TESTEVENT0000000000000001") -> dict:
    return {
        "type": "message", "mode": "active", "timestamp": 1_780_000_000_000,
        "webhookEventId": event_id, "deliveryContext": {"isRedelivery": False},
        "source": {"type": "user", "userId": user}, "replyToken": "r" * 32,
        "message": {"type": "text", "id": "1", "text": text},
    }


def _count(sessions) -> int:
    with sessions() as session:
        return session.execute(select(func.count()).select_from(InboxEvent)).scalar_one()


def test_good_signature_is_stored_and_acknowledged(client, settings, sessions):
    body, headers = signed_body([_text_event(new_user_id(), "สวัสดี")], settings.channel_secret)
    answer = client.post("/callback", data=body, headers=headers)
    assert answer.status_code == 200
    assert _count(sessions) == 1


def test_bad_signature_is_refused_and_nothing_stored(client, settings, sessions, caplog):
    body, headers = signed_body([_text_event(new_user_id(), SECRET_TEXT)], "not-the-secret")
    with caplog.at_level(logging.INFO):
        answer = client.post("/callback", data=body, headers=headers)
    assert answer.status_code == 400
    assert _count(sessions) == 0
    assert SECRET_TEXT not in caplog.text  # the log line carries no body


def test_missing_signature_is_refused(client, settings, sessions):
    body, _ = signed_body([_text_event(new_user_id(), "สวัสดี")], settings.channel_secret)
    answer = client.post("/callback", data=body, headers={"Content-Type": "application/json"})
    assert answer.status_code == 400
    assert _count(sessions) == 0


def test_signature_over_a_reserialized_body_fails(client, settings, sessions):
    """The signature covers the raw bytes: the same JSON re-serialized is not what LINE signed."""
    body, headers = signed_body([_text_event(new_user_id(), "สวัสดี")], settings.channel_secret)
    reserialized = json.dumps(json.loads(body), ensure_ascii=True, indent=1).encode()
    assert reserialized != body
    answer = client.post("/callback", data=reserialized, headers=headers)
    assert answer.status_code == 400
    assert _count(sessions) == 0


def test_duplicate_and_redelivered_events_are_stored_once(client, settings, sessions):
    event = _text_event(new_user_id(), "สวัสดี")
    body, headers = signed_body([event, event], settings.channel_secret)
    assert client.post("/callback", data=body, headers=headers).status_code == 200
    event["deliveryContext"]["isRedelivery"] = True
    body, headers = signed_body([event], settings.channel_secret)
    assert client.post("/callback", data=body, headers=headers).status_code == 200
    assert _count(sessions) == 1


def test_verify_button_with_no_events_gets_200(client, settings, sessions):
    body, headers = signed_body([], settings.channel_secret)
    assert client.post("/callback", data=body, headers=headers).status_code == 200
    assert _count(sessions) == 0


def test_malformed_json_with_good_signature_is_400(client, settings):
    from bot.chat import sign

    for body in (b"{not json", b"[1,2]", b'{"events": "x"}', b'{"events": [1]}', b"\xff\xfe"):
        answer = client.post("/callback", data=body,
                             headers={"X-Line-Signature": sign(body, settings.channel_secret)})
        assert answer.status_code == 400, body


def test_body_over_the_cap_is_413(client, settings, sessions):
    big = _text_event(new_user_id(), "ก" * (settings.max_body_bytes + 10))
    body, headers = signed_body([big], settings.channel_secret)
    assert client.post("/callback", data=body, headers=headers).status_code == 413
    assert _count(sessions) == 0


def test_inbox_keeps_no_user_id_or_text_in_plain(client, settings, database_url, sessions,
                                                 engine):
    user = new_user_id()
    body, headers = signed_body([_text_event(user, SECRET_TEXT)], settings.channel_secret)
    assert client.post("/callback", data=body, headers=headers).status_code == 200
    engine.dispose()
    from tests.plaintext import assert_nowhere_in_database

    assert_nowhere_in_database(engine, database_url, [user, SECRET_TEXT, "0812345678"])


def test_database_down_gets_503_so_line_redelivers(client, settings, services, monkeypatch):
    from sqlalchemy.exc import OperationalError

    def broken(*args, **kwargs):
        raise OperationalError("insert", {}, Exception("connection refused"))

    monkeypatch.setattr("bot.webhook.store_events", broken)
    body, headers = signed_body([_text_event(new_user_id(), "สวัสดี")], settings.channel_secret)
    assert client.post("/callback", data=body, headers=headers).status_code == 503


def test_a_connection_that_died_with_a_restart_is_retried_once(client, settings, services,
                                                               sessions, monkeypatch):
    from sqlalchemy import func, select
    from sqlalchemy.exc import OperationalError

    from bot import webhook
    from storage.models import InboxEvent

    real, calls = webhook.store_events, []

    def first_dies(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("insert", {}, Exception("server closed the connection"),
                                   connection_invalidated=True)
        return real(*args, **kwargs)

    monkeypatch.setattr("bot.webhook.store_events", first_dies)
    body, headers = signed_body([_text_event(new_user_id(), "สวัสดี")], settings.channel_secret)
    assert client.post("/callback", data=body, headers=headers).status_code == 200
    assert len(calls) == 2
    with sessions() as session:
        assert session.execute(select(func.count(InboxEvent.id))).scalar() == 1


def test_pages_say_in_thai_when_the_database_is_down(services):
    from dataclasses import replace

    from bot.app import create_app
    from storage.db import make_engine, make_session_factory

    # Nothing listens on port 1: every query fails to connect, as with the server down.
    down = make_engine("postgresql://nobody@127.0.0.1:1/none", connect_args={"connect_timeout": 2})
    app = create_app(replace(services, engine=down, sessions=make_session_factory(down)))
    answer = app.test_client().get("/stats")
    assert answer.status_code == 503
    assert "ระบบขัดข้องชั่วคราว" in answer.get_data(as_text=True)
    assert answer.headers["Retry-After"]
