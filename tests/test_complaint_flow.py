"""The complaint conversation through the webhook, the worker and the fake LINE: every
kind with every identity mode, cancel, pause, edit, expiry, raising to corruption."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from storage import case_vault
from storage.models import Case, Conversation, OutboxMessage
from storage.models.drafts import DraftFile
from tests.complaint_helpers import (
    NAME,
    PHONE,
    STORY,
    case_by_code,
    file_complaint,
    sealed_field,
)
from tests.line_helpers import quick_reply_labels, texts_of


@pytest.mark.parametrize("mode", ["identified", "confidential", "anonymous"])
@pytest.mark.parametrize("kind", ["corruption", "grievance", "suggestion"])
def test_full_conversation_files_a_case(line_user, sessions, vault, kind, mode):
    receipt = file_complaint(line_user, kind, mode)
    assert receipt["code"], receipt["texts"]
    assert "ได้รับเรื่องของท่านแล้ว" in receipt["texts"]
    assert "ทุก 7 วัน" in receipt["texts"] and "วันทำการ" in receipt["texts"]
    assert "25" in receipt["texts"]  # a Buddhist-era year (25xx)
    if mode == "identified":
        assert receipt["secret"] is None
    else:
        assert receipt["secret"] is not None and "แสดงเพียงครั้งเดียว" in receipt["texts"]
    case = case_by_code(sessions, receipt["code"])
    assert (case.kind, case.identity_mode, case.channel, case.status) == (
        kind, mode, "line", "received")
    assert case.office_id and case.due_at > case.created_at
    with sessions() as session:
        case = session.get(Case, case.id)
        key = case_vault.case_key(vault, case)
        assert STORY[kind][:20] in case_vault.read_field(vault, key, case, "description")
        fields = {f.field for f in case.fields}
        assert (case.secret_hash is None) == (mode == "identified")
        if mode == "anonymous":
            assert case.user_key is None
            assert not fields & {"name", "phone", "line_user_id", "address", "contact"}
        else:
            assert case.user_key == vault.blind_index(line_user.user_id, "line-user")
            assert {"name", "phone", "line_user_id"} <= fields
            assert sealed_field(session, vault, case, "name") == NAME
        # the draft is gone once the receipt is sent
        assert session.execute(select(Conversation)).first() is None
        assert session.execute(select(DraftFile)).first() is None


def test_corruption_recommends_confidential_first(line_user):
    line_user.say("ร้องเรียน")
    answer = line_user.say("ทุจริต/ประพฤติมิชอบ")
    assert "แนะนำ" in texts_of(answer)
    assert quick_reply_labels(answer[-1])[0] == "ปกปิดตัวตน (แนะนำ)"


def test_typed_words_start_the_flow_with_the_kind_chosen(line_user):
    answer = texts_of(line_user.say("แจ้งเบาะแสทุจริต"))
    assert "ร้องเรียนการทุจริต" in answer and "ปกปิดตัวตน" in answer


def test_a_question_about_complaints_is_not_a_complaint(line_user, sessions):
    line_user.say("ร้องเรียนได้ที่ไหนคะ")
    with sessions() as session:
        assert session.execute(select(Conversation)).first() is None


@pytest.mark.parametrize("steps", [0, 2, 4, 6])
def test_cancel_leaves_at_any_step_and_forgets_the_draft(line_user, sessions, steps):
    answers = ["ร้องเรียน", "ร้องทุกข์", "เปิดเผยตัวตน", NAME, PHONE, STORY["grievance"]]
    for typed in answers[:steps]:
        line_user.say(typed)
    answer = texts_of(line_user.say("ยกเลิก"))
    if steps:
        assert "ยกเลิกการแจ้งเรื่องแล้ว" in answer
    with sessions() as session:
        assert session.execute(select(Conversation)).first() is None
        assert session.execute(select(Case)).first() is None


def test_expired_draft_tells_the_user_in_thai(line_user, sessions, clock):
    for typed in ("ร้องเรียน", "ร้องทุกข์", "ไม่ประสงค์ออกนาม"):
        line_user.say(typed)
    clock.advance(minutes=31)
    answer = texts_of(line_user.say(STORY["grievance"]))
    assert "หมดเวลา" in answer and "30 นาที" in answer
    with sessions() as session:
        assert session.execute(select(Conversation)).first() is None
        assert session.execute(select(Case)).first() is None


def test_within_thirty_minutes_the_draft_waits(line_user, clock):
    for typed in ("ร้องเรียน", "ร้องทุกข์", "ไม่ประสงค์ออกนาม"):
        line_user.say(typed)
    clock.advance(minutes=29)
    answer = texts_of(line_user.say(STORY["grievance"]))
    assert "หมดเวลา" not in answer


def test_menu_word_pauses_and_continue_resumes(line_user):
    for typed in ("ร้องเรียน", "ร้องทุกข์"):
        line_user.say(typed)
    assert "ค้างอยู่" in texts_of(line_user.say("เมนู"))
    answer = texts_of(line_user.say("ทำต่อ"))
    assert "เปิดเผยตัวตน" in answer


def test_asks_for_what_is_missing_at_most_twice(line_user):
    for typed in ("ร้องเรียน", "ทุจริต/ประพฤติมิชอบ", "ไม่ประสงค์ออกนาม"):
        line_user.say(typed)
    asked = 0
    answer = texts_of(line_user.say("มีการโกงเงินโครงการ"))  # no who, when or where
    while "หลักฐาน" not in answer:
        asked += 1
        assert asked <= 2, answer
        answer = texts_of(line_user.say("ไม่ทราบ"))
    assert asked == 2


def test_a_complete_story_is_not_asked_again(line_user):
    for typed in ("ร้องเรียน", "ร้องทุกข์", "ไม่ประสงค์ออกนาม"):
        line_user.say(typed)
    answer = texts_of(line_user.say(STORY["grievance"]))
    assert "หลักฐาน" in answer


def test_bad_phone_is_asked_again_politely(line_user):
    for typed in ("ร้องเรียน", "ร้องทุกข์", "เปิดเผยตัวตน", NAME):
        line_user.say(typed)
    answer = texts_of(line_user.say("12345"))
    assert "ไม่ถูกต้อง" in answer and "ค่ะ" in answer
    assert "เล่า" in texts_of(line_user.say("๐๘๑ ๒๓๔ ๕๖๗๘"))  # Thai digits are fine


def test_location_message_is_accepted(line_user, sessions, vault):
    for typed in ("ร้องเรียน", "ร้องทุกข์", "ไม่ประสงค์ออกนาม"):
        line_user.say(typed)
    assert "ที่ไหน" in texts_of(line_user.say("มีหลุมใหญ่ รถล้มบ่อยมาก ตั้งแต่ฝนตกเมื่อสัปดาห์ก่อน"))
    answer = line_user.send_event(line_user.event("message", message={
        "type": "location", "id": "55", "title": "ทางเข้าหมู่ 5", "address": "ต.ทุ่งโพธิ์",
        "latitude": 15.123456, "longitude": 102.654321}))
    assert "หลักฐาน" in texts_of(answer)
    line_user.say("ส่งครบแล้ว/ไม่มี")
    receipt = texts_of(line_user.say("ยืนยันส่งเรื่อง"))
    assert "รหัสเรื่อง" in receipt
    with sessions() as session:
        case = session.execute(select(Case)).scalar_one()
        key = case_vault.case_key(vault, case)
        assert "15.123456" in case_vault.read_field(vault, key, case, "location")
        assert case.office_id == "engineering"


def test_edit_from_the_summary(line_user, sessions, vault):
    for typed in ("ร้องเรียน", "ร้องทุกข์", "ไม่ประสงค์ออกนาม", STORY["grievance"],
                  "ส่งครบแล้ว/ไม่มี"):
        line_user.say(typed)
    assert "ต้องการแก้ไขส่วนใด" in texts_of(line_user.say("แก้ไข"))
    line_user.say("สถานที่")
    summary = texts_of(line_user.say("หน้าศาลาประชาคมหมู่ 3"))
    assert "สถานที่: หน้าศาลาประชาคมหมู่ 3" in summary
    line_user.say("ยืนยันส่งเรื่อง")
    with sessions() as session:
        case = session.execute(select(Case)).scalar_one()
        key = case_vault.case_key(vault, case)
        assert case_vault.read_field(vault, key, case, "location") == "หน้าศาลาประชาคมหมู่ 3"


@pytest.mark.parametrize("answer,kind", [("ใช่ เป็นเรื่องทุจริต", "corruption"),
                                         ("ไม่ใช่ ร้องทุกข์", "grievance")])
def test_grievance_that_reads_like_corruption_asks_first(line_user, sessions, answer, kind):
    story = "เจ้าหน้าที่กองช่างเรียกเงินค่าขออนุญาตก่อสร้างเพิ่ม เมื่อวาน ที่ที่ทำการ อบต."
    for typed in ("ร้องเรียน", "ร้องทุกข์", "ไม่ประสงค์ออกนาม", story):
        line_user.say(typed)
    asked = texts_of(line_user.say("ส่งครบแล้ว/ไม่มี"))
    assert "ลักษณะการทุจริต" in asked
    assert "ยืนยันส่งเรื่อง" in texts_of(line_user.say(answer))
    line_user.say("ยืนยันส่งเรื่อง")
    with sessions() as session:
        case = session.execute(select(Case)).scalar_one()
        assert case.kind == kind
        assert "engineering" in case.implicated and case.office_id != "engineering"


def test_receipt_is_a_reply_and_no_push_carries_an_anonymous_case_code(line_user, sessions):
    receipt = file_complaint(line_user, "corruption", "anonymous")
    with sessions() as session:
        rows = session.execute(select(OutboxMessage)).scalars().all()
        assert rows and all(r.status == "sent" for r in rows)
        assert all(r.case_code is None for r in rows)
        assert all(r.sealed_to is None and r.recipient_key is None for r in rows)
    assert receipt["secret"]


def test_every_reply_fits_line_limits(line_user):
    for kind, mode in (("corruption", "confidential"), ("grievance", "identified")):
        receipt = file_complaint(line_user, kind, mode)
        assert len(receipt["messages"]) <= 5
        for message in receipt["messages"]:
            assert len(message["text"]) <= 5000
            for label in quick_reply_labels(message):
                assert len(label) <= 20
