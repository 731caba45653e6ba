"""GET/POST /messenger: Meta's handshake; signature first, each event stored once and
sealed, 200 at once (the /callback tests, for Messenger)."""

from __future__ import annotations

import json
import logging

from sqlalchemy import func, select

from storage.models import InboxEvent
from tests.conftest import MESSENGER_APP_SECRET, MESSENGER_VERIFY_TOKEN
from tests.messenger_helpers import (
    PAGE_ID,
    new_psid,
    postback_item,
    sign,
    signed,
    text_item,
)

SECRET_TEXT = "เรื่องลับมาก ทดสอบ 0812345678"


def _count(sessions) -> int:
    with sessions() as session:
        return session.execute(select(func.count()).select_from(InboxEvent)).scalar_one()


def _post(client, body: bytes, headers: dict):
    return client.post("/messenger", data=body, headers=headers)


# --- the handshake ------------------------------------------------------------------------

def test_handshake_echoes_the_challenge_only_for_the_right_token(messenger_client):
    good = messenger_client.get("/messenger", query_string={
        "hub.mode": "subscribe", "hub.verify_token": MESSENGER_VERIFY_TOKEN,
        "hub.challenge": "1158201444"})
    assert good.status_code == 200 and good.get_data(as_text=True) == "1158201444"
    for mode, token in (("subscribe", "wrong"), ("subscribe", ""), ("unsubscribe",
                                                                    MESSENGER_VERIFY_TOKEN)):
        answer = messenger_client.get("/messenger", query_string={
            "hub.mode": mode, "hub.verify_token": token, "hub.challenge": "x"})
        assert answer.status_code == 403 and "x" not in answer.get_data(as_text=True)


def test_without_its_settings_the_channel_is_off(client, sessions):
    body, headers = signed([text_item(new_psid(), "สวัสดี")], MESSENGER_APP_SECRET)
    assert client.get("/messenger", query_string={"hub.mode": "subscribe"}).status_code == 404
    assert _post(client, body, headers).status_code == 404
    assert _count(sessions) == 0


# --- signatures ------------------------------------------------------------------------

def test_good_signature_is_stored_and_acknowledged(messenger_client, sessions):
    body, headers = signed([text_item(new_psid(), "สวัสดี")], MESSENGER_APP_SECRET)
    assert _post(messenger_client, body, headers).status_code == 200
    assert _count(sessions) == 1


def test_bad_signature_is_refused_and_nothing_stored(messenger_client, sessions, caplog):
    body, headers = signed([text_item(new_psid(), SECRET_TEXT)], "not-the-secret")
    with caplog.at_level(logging.INFO):
        assert _post(messenger_client, body, headers).status_code == 400
    assert _count(sessions) == 0
    assert SECRET_TEXT not in caplog.text


def test_missing_truncated_or_mangled_signatures_are_refused(messenger_client, sessions):
    body, headers = signed([text_item(new_psid(), "สวัสดี")], MESSENGER_APP_SECRET)
    good = headers["X-Hub-Signature-256"]
    digest = good.removeprefix("sha256=")
    for bad in ("", "sha256=", good[:-1], good[:20], digest, "sha1=" + digest,
                "sha256=" + digest.upper(), "sha256=" + digest + "00",
                "sha256=" + sign(b"other", MESSENGER_APP_SECRET).removeprefix("sha256=")):
        answer = _post(messenger_client, body, {**headers, "X-Hub-Signature-256": bad})
        assert answer.status_code == 400, bad
    answer = _post(messenger_client, body, {"Content-Type": "application/json"})
    assert answer.status_code == 400
    assert _count(sessions) == 0


def test_a_line_signature_does_not_open_messenger(messenger_client, settings, sessions):
    from bot.chat import sign as line_sign

    body, _ = signed([text_item(new_psid(), "สวัสดี")], MESSENGER_APP_SECRET)
    headers = {"X-Line-Signature": line_sign(body, settings.channel_secret)}
    assert _post(messenger_client, body, headers).status_code == 400
    assert _count(sessions) == 0


def test_signature_over_a_reserialized_body_fails(messenger_client, sessions):
    body, headers = signed([text_item(new_psid(), "สวัสดี")], MESSENGER_APP_SECRET)
    reserialized = json.dumps(json.loads(body), ensure_ascii=True, indent=1).encode()
    assert _post(messenger_client, reserialized, headers).status_code == 400
    assert _count(sessions) == 0


# --- bodies ---------------------------------------------------------------------------

def test_body_over_the_cap_is_413_before_the_signature_is_checked(messenger_client,
                                                                  messenger_services, sessions):
    cap = messenger_services.settings.max_body_bytes
    body, headers = signed([text_item(new_psid(), "ก" * (cap + 10))], MESSENGER_APP_SECRET)
    assert _post(messenger_client, body, headers).status_code == 413
    assert _post(messenger_client, body, {}).status_code == 413
    assert _count(sessions) == 0


def test_malformed_json_with_good_signature_is_400(messenger_client):
    for body in (b"{not json", b"[1,2]", b'{"object": "page", "entry": "x"}', b"\xff\xfe",
                 b'{"object": "page", "entry": [], "x": NaN}'):
        answer = _post(messenger_client, body,
                       {"X-Hub-Signature-256": sign(body, MESSENGER_APP_SECRET)})
        assert answer.status_code == 400, body


def test_duplicate_and_redelivered_events_are_stored_once(messenger_client, sessions):
    psid = new_psid()
    item, tap = text_item(psid, "สวัสดี"), postback_item(psid, "p:menu:ask")
    body, headers = signed([item, item, tap, tap], MESSENGER_APP_SECRET)
    assert _post(messenger_client, body, headers).status_code == 200
    body, headers = signed([item, tap], MESSENGER_APP_SECRET)  # Meta sends it again
    assert _post(messenger_client, body, headers).status_code == 200
    assert _count(sessions) == 2


def test_receipts_echoes_and_unknown_events_are_acknowledged_not_stored(
        messenger_client, messenger_worker, fake_messenger, sessions):
    psid = new_psid()
    base = {"sender": {"id": psid}, "recipient": {"id": PAGE_ID}, "timestamp": 1}
    items = [
        {**base, "delivery": {"mids": ["m_1"], "watermark": 1}},
        {**base, "read": {"watermark": 1}},
        {**base, "reaction": {"mid": "m_1", "action": "react", "emoji": "👍"}},
        {**base, "message": {"mid": "m_echo", "is_echo": True, "text": "ของเราเอง"}},
        {**base, "message": {"mid": "m_sticker", "attachments": [{"type": "fallback"}]}},
        {**base, "optin": {"ref": "x"}},
        {"sender": {"id": 12}, "message": {"mid": "m_x", "text": "ไม่มีผู้ส่งที่ถูก"}},
        "not an object",
    ]
    body, headers = signed(items, MESSENGER_APP_SECRET)
    assert _post(messenger_client, body, headers).status_code == 200
    body = json.dumps({"object": "instagram", "entry": [{"messaging": [
        text_item(psid, "สวัสดี")]}]}).encode()
    assert _post(messenger_client, body, {"X-Hub-Signature-256": sign(
        body, MESSENGER_APP_SECRET)}).status_code == 200
    assert _count(sessions) == 0
    messenger_worker.run_until_idle()
    assert fake_messenger.received() == []


def test_inbox_keeps_no_psid_or_text_in_plain(messenger_client, database_url, sessions,
                                              engine):
    psid = new_psid()
    body, headers = signed([text_item(psid, SECRET_TEXT)], MESSENGER_APP_SECRET)
    assert _post(messenger_client, body, headers).status_code == 200
    engine.dispose()
    from tests.plaintext import assert_nowhere_in_database

    assert_nowhere_in_database(engine, database_url, [psid, SECRET_TEXT, "0812345678"])


def test_database_down_gets_503_so_meta_redelivers(messenger_client, monkeypatch):
    from sqlalchemy.exc import OperationalError

    def broken(*args, **kwargs):
        raise OperationalError("insert", {}, Exception("connection refused"))

    monkeypatch.setattr("bot.webhook.store_events", broken)
    body, headers = signed([text_item(new_psid(), "สวัสดี")], MESSENGER_APP_SECRET)
    assert _post(messenger_client, body, headers).status_code == 503
