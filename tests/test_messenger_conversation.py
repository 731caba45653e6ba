"""The desk over Messenger: a manual question, complaints filed, an officer's answer, a
photo, through /messenger, the worker and the fake Send API; no PSID kept in plain."""

from __future__ import annotations

import io
import logging

import pytest
from PIL import Image
from sqlalchemy import select

from handlers.cases import casework
from storage.models import Case, Evidence, OutboxMessage
from tests.complaint_helpers import NAME, PHONE, STORY, case_by_code, file_complaint
from tests.messenger_helpers import attachment_item, texts


def _templates(messages: list[dict]) -> list[dict]:
    return [m["attachment"]["payload"] for m in messages if "attachment" in m]


def test_a_manual_question_gets_a_card_and_its_buttons_work(messenger_user, fake_messenger):
    answer = messenger_user.say("อยากลงทะเบียนเบี้ยยังชีพคนแก่ค่ะ")
    [template] = _templates(answer)
    assert template["template_type"] == "generic"
    [element] = template["elements"]
    assert element["title"] == "เบี้ยผู้สูงอายุ"
    assert [b["title"] for b in element["buttons"]] == ["ขั้นตอน", "เอกสาร", "ติดต่อ"]
    assert "ไม่มีค่าธรรมเนียม" in texts(answer) and "ทะเบียนบ้าน" in texts(answer)
    steps = messenger_user.tap(element["buttons"][0]["payload"])
    assert "ยื่นคำขอลงทะเบียน" in texts(steps)
    # every send was an answer within the 24 hours Meta allows, to this person only
    assert {(e["messaging_type"], e["to"]) for e in fake_messenger.received()} == {
        ("RESPONSE", messenger_user.psid)}


def test_quick_replies_come_back_as_what_they_stand_for(messenger_user):
    hello = messenger_user.say("สวัสดี")
    assert "ร้องเรียน/แจ้งเบาะแส" in messenger_user.quick
    asked = messenger_user.say("ร้องเรียน/แจ้งเบาะแส")  # a tap: its payload, not its title
    assert hello and "ทุจริต/ประพฤติมิชอบ" in texts(asked)


def test_an_anonymous_complaint_over_messenger_keeps_nothing_that_leads_to_the_person(
        messenger_user, sessions, vault, engine, database_url, caplog):
    caplog.set_level(logging.DEBUG)
    receipt = file_complaint(messenger_user, "corruption", "anonymous")
    assert receipt["code"] and receipt["secret"], receipt["texts"]
    assert "แสดงเพียงครั้งเดียว" in receipt["texts"]
    case = case_by_code(sessions, receipt["code"])
    assert (case.channel, case.identity_mode, case.user_key) == ("messenger", "anonymous", None)
    address = "fb:" + messenger_user.psid
    needles = [messenger_user.psid, vault.blind_index(address, "messenger-user")]
    engine.dispose()
    from tests.plaintext import assert_nowhere_in_database

    assert_nowhere_in_database(engine, database_url, needles)
    assert messenger_user.psid not in caplog.text
    assert STORY["corruption"][:30] not in caplog.text
    tracked = texts(messenger_user.say("ติดตามเรื่อง"))
    assert "ไม่พบเรื่อง" in tracked


def test_an_identified_complaint_is_followed_and_answered_over_messenger(
        messenger_user, sessions, vault, org, clock, engine, database_url, fake_messenger):
    receipt = file_complaint(messenger_user, "grievance", "identified")
    case = case_by_code(sessions, receipt["code"])
    address = "fb:" + messenger_user.psid
    assert case.channel == "messenger"
    # its own blind index: the same id under LINE's purpose is another value
    assert case.user_key == vault.blind_index(address, "messenger-user")
    assert case.user_key != vault.blind_index(address, "line-user")
    assert receipt["code"] in texts(messenger_user.say("ติดตามเรื่อง"))
    before = len(fake_messenger.received())
    with sessions() as session, session.begin():
        found = session.execute(select(Case).where(Case.code == receipt["code"])).scalar_one()
        casework.change_status(session, vault, org, found, "acknowledged", actor="officer:1",
                               now=clock())
    messenger_user.worker.run_until_idle()
    pushed = [e for e in fake_messenger.received()[before:] if e["to"] == messenger_user.psid]
    assert pushed and receipt["code"] in texts([e["message"] for e in pushed])
    engine.dispose()
    from tests.plaintext import assert_nowhere_in_database

    assert_nowhere_in_database(engine, database_url,
                               [messenger_user.psid, NAME, PHONE, PHONE.replace("-", "")])


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(out, "JPEG")
    return out.getvalue()


def test_a_photo_is_fetched_from_the_attachment_url_within_the_size_cap(
        messenger_user, fake_messenger, sessions, monkeypatch):
    from handlers.cases import evidence

    fake_messenger.state.attachments["ok"] = (_jpeg(), "image/jpeg")
    fake_messenger.state.attachments["big"] = (b"\xff\xd8" + b"0" * 3000, "image/jpeg")
    monkeypatch.setattr(evidence, "MAX_BYTES", 2048)
    monkeypatch.setattr("bot.worker.MAX_EVIDENCE_BYTES", 2048)
    said = []

    def send_photos(user):
        for name in ("big", "ok"):
            said.append(user.send(attachment_item(user.psid, "image",
                                                  f"{fake_messenger.url}/attachments/{name}")))
        return said

    receipt = file_complaint(messenger_user, "grievance", "anonymous",
                             before_confirm=send_photos)
    assert "เกิน" in texts(said[0])  # the big one refused in Thai, the case goes on
    case = case_by_code(sessions, receipt["code"])
    with sessions() as session:
        kinds = [e.media_kind for e in session.execute(
            select(Evidence).where(Evidence.case_id == case.id)).scalars()]
    assert kinds == ["image"]


def test_sends_retry_after_meta_says_later_and_are_not_sent_twice(
        messenger_user, fake_messenger, clock, sessions):
    fake_messenger.fail(500)
    fake_messenger.fail(400, code=613)  # Meta's "calls to this api have exceeded the rate"
    assert messenger_user.say("สวัสดี") == []
    for _ in range(2):
        clock.advance(seconds=120)
        messenger_user.worker.run_until_idle()
    sent = [e for e in fake_messenger.received() if e["to"] == messenger_user.psid]
    assert len(sent) == 1 and "สวัสดีค่ะ" in sent[0]["message"]["text"]
    with sessions() as session:
        [row] = session.execute(select(OutboxMessage)).scalars().all()
        assert row.status == "sent" and row.attempts == 2


def test_a_refused_send_fails_without_retrying(messenger_user, fake_messenger, clock,
                                               sessions):
    fake_messenger.fail(403, code=10)  # e.g. outside the 24-hour window
    messenger_user.say("สวัสดี")
    clock.advance(seconds=600)
    messenger_user.worker.run_until_idle()
    assert fake_messenger.received() == []
    with sessions() as session:
        [row] = session.execute(select(OutboxMessage)).scalars().all()
        assert row.status == "failed"


@pytest.mark.parametrize("kind", ["corruption", "grievance", "suggestion"])
def test_every_kind_files_over_messenger(messenger_user, sessions, kind):
    receipt = file_complaint(messenger_user, kind, "confidential")
    assert case_by_code(sessions, receipt["code"]).kind == kind
