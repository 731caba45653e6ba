"""Nothing a citizen types in the complaint dialog is lost, and only a story is taken as
the story (issue 17, findings 1 and 2), typed as a citizen would."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from handlers.chat.flows.complaint_input import choose_mode, read_phone
from storage.models import Case
from tests.complaint_helpers import NAME, PHONE, finish_complaint, sealed_field
from tests.line_helpers import quick_reply_labels, texts_of

FIRST = "ไม่มีน้ำประปาใช้มาสามวันแล้ว หมู่ 4 ตั้งแต่วันจันทร์"
FORGOT = "ลืมบอกค่ะ บ้านเลขที่ 45 มีคนแก่ติดเตียงอยู่ ต้องใช้น้ำ"


def _case_field(sessions, vault, field: str) -> str | None:
    with sessions() as session:
        case = session.execute(select(Case)).scalar_one()
        return sealed_field(session, vault, case, field)


def _to_evidence(line_user, story: str, mode: str = "identified") -> None:
    for typed in ("ร้องเรียน", "ร้องทุกข์", {"identified": "เปิดเผยตัวตน",
                                            "anonymous": "ไม่ประสงค์ออกนาม"}[mode]):
        line_user.say(typed)
    if mode == "identified":
        line_user.say(NAME)
        line_user.say(PHONE)
    answer = texts_of(line_user.say(story))
    for _ in range(2):  # at most two follow-up questions
        if "หลักฐาน" not in answer:
            answer = texts_of(line_user.say("ข้าม"))
    assert "หลักฐาน" in answer, answer


def test_words_added_at_the_evidence_step_reach_the_summary_and_the_case(
        line_user, sessions, vault):
    _to_evidence(line_user, FIRST)
    assert "เพิ่มข้อความนี้ในรายละเอียดแล้ว" in texts_of(line_user.say(FORGOT))
    summary = texts_of(line_user.say("ส่งครบแล้ว/ไม่มี"))
    assert FIRST in summary and FORGOT in summary
    assert summary.index(FIRST) < summary.index(FORGOT)
    line_user.say("ยืนยันส่งเรื่อง")
    assert _case_field(sessions, vault, "description") == f"{FIRST}\n{FORGOT}"


def test_words_typed_at_the_summary_join_the_story(line_user, sessions, vault):
    _to_evidence(line_user, FIRST, mode="anonymous")
    line_user.say("ส่งครบแล้ว/ไม่มี")
    again = texts_of(line_user.say("อีกอย่างค่ะ ท่อประปาแตกตรงหน้าวัดด้วย"))
    assert "เพิ่มข้อความนี้ในรายละเอียดแล้ว" in again and "ท่อประปาแตกตรงหน้าวัดด้วย" in again
    line_user.say("ยืนยันส่งเรื่อง")
    assert _case_field(sessions, vault, "description").endswith(
        "\nอีกอย่างค่ะ ท่อประปาแตกตรงหน้าวัดด้วย")


def test_a_story_typed_instead_of_a_choice_or_a_name_is_kept(line_user, sessions, vault):
    line_user.say("ร้องเรียน")
    # the story comes before the kind: it is kept, its kind read, and the dialog goes on
    mode = texts_of(line_user.say("ถนนเข้าหมู่บ้านเป็นหลุมใหญ่ รถล้มทุกวัน หมู่ 2"))
    assert "เปิดเผยตัวตน" in mode and "ร้องทุกข์" in mode
    line_user.say("เปิดเผยตัวตน")
    asked_name = texts_of(line_user.say("ตอนกลางคืนมืดมากไม่มีไฟส่องทางเลยค่ะ"))
    assert "บันทึกข้อความนี้ไว้ในรายละเอียดแล้ว" in asked_name and "ชื่อ" in asked_name
    line_user.say(NAME)
    answer = texts_of(line_user.say(PHONE))
    assert "กรุณาเล่า" not in answer  # the story is told already: not asked again
    finish_complaint(line_user, answer)
    assert _case_field(sessions, vault, "description") == (
        "ถนนเข้าหมู่บ้านเป็นหลุมใหญ่ รถล้มทุกวัน หมู่ 2\nตอนกลางคืนมืดมากไม่มีไฟส่องทางเลยค่ะ")


def _to_description(line_user, mode: str = "เปิดเผยตัวตน") -> None:
    for typed in ("ร้องเรียน", "ร้องทุกข์", mode):
        line_user.say(typed)
    if mode == "เปิดเผยตัวตน":
        line_user.say(NAME)
        assert "เล่า" in texts_of(line_user.say(PHONE))


def test_a_bare_phone_number_is_not_the_story_and_may_correct_the_phone(
        line_user, sessions, vault):
    _to_description(line_user)
    answer = line_user.say("0891234567")
    assert "เบอร์โทร 089-123-4567" in texts_of(answer)
    assert "ใช้เป็นเบอร์ติดต่อ" in quick_reply_labels(answer[-1])
    assert "บันทึกเบอร์ติดต่อ 089-123-4567 แล้ว" in texts_of(line_user.say("ใช้เป็นเบอร์ติดต่อ"))
    answer = texts_of(line_user.say(FIRST))
    finish_complaint(line_user, answer)
    assert _case_field(sessions, vault, "phone") == "089-123-4567"
    assert _case_field(sessions, vault, "description") == FIRST


def test_a_question_for_the_manual_is_not_the_story(line_user, sessions, vault):
    _to_description(line_user)
    answer = line_user.say("เบี้ยคนแก่ต้องใช้อะไรบ้าง")
    assert "ดูเป็นคำถามเรื่อง" in texts_of(answer)
    show = [i["action"] for i in answer[-1]["quickReply"]["items"]
            if i["action"].get("data") == "manual:show:elderly-allowance"]
    assert show, "the answer is one tap away"
    assert "เบี้ยผู้สูงอายุ" in texts_of(line_user.tap(show[0]["data"]))
    # the draft waits: the next text is the story
    answer = texts_of(line_user.say(FIRST))
    assert "ดูเป็นคำถาม" not in answer
    with sessions() as session:
        assert session.execute(select(Case)).first() is None


def test_a_question_the_citizen_means_as_the_story_is_kept_by_one_tap(line_user, sessions,
                                                                      vault):
    _to_description(line_user, mode="ไม่ประสงค์ออกนาม")
    assert "ใช้ข้อความนี้" in quick_reply_labels(line_user.say("ขอใบอนุญาตสร้างบ้านใช้อะไรบ้าง")[-1])
    answer = texts_of(line_user.say("ใช้ข้อความนี้"))
    finish_complaint(line_user, answer)
    assert _case_field(sessions, vault, "description") == "ขอใบอนุญาตสร้างบ้านใช้อะไรบ้าง"


def test_a_case_code_is_not_the_story(line_user):
    _to_description(line_user, mode="ไม่ประสงค์ออกนาม")
    answer = texts_of(line_user.say("TP-7K3M-9QX2"))
    assert "รหัสเรื่อง TP-7K3M-9QX2" in answer and "เล่าว่าเกิดอะไรขึ้น" in answer


def test_a_nine_digit_mobile_is_refused_kindly(line_user):
    for typed in ("ร้องเรียน", "ร้องทุกข์", "เปิดเผยตัวตน", NAME):
        line_user.say(typed)
    answer = texts_of(line_user.say("089 123 456"))
    assert "เบอร์มือถือมี 10 หลัก" in answer and "มี 9 หลัก" in answer and "ค่ะ" in answer
    assert "เล่า" in texts_of(line_user.say("089 123 4567"))  # ten digits: on to the story


@pytest.mark.parametrize(("typed", "phone", "problem"), [
    ("0891234567", "089-123-4567", None),
    ("089-123-4567", "089-123-4567", None),
    ("๐๘๑ ๒๓๔ ๕๖๗๘", "081-234-5678", None),
    ("+66 81 234 5678", "081-234-5678", None),
    ("เบอร์ 0612345678 ค่ะ", "061-234-5678", None),
    ("044000000", "044-000-000", None),
    ("02 123 4567", "02-123-4567", None),
    ("089 123 456", None, "mobile_length"),
    ("08912345678", None, "mobile_length"),
    ("04400000", None, "landline_length"),
    ("0191234567", None, "not_phone"),
    ("12345", None, "not_phone"),
    ("โทรมาตอนเย็นนะ", None, "not_phone"),
])
def test_thai_phone_numbers(typed, phone, problem):
    assert read_phone(typed) == (phone, problem)


@pytest.mark.parametrize(("typed", "mode"), [
    ("ไม่อยากเปิดเผยตัวตนค่ะ", "confidential"),
    ("ไม่อยากเปิดเผยชื่อ", "anonymous"),
    ("ไม่อยากบอกชื่อค่ะ", "anonymous"),
    ("เปิดเผยตัวตน", "identified"),
    ("ปกปิดตัวตน (แนะนำ)", "confidential"),
])
def test_saying_not_to_reveal_never_chooses_the_identified_mode(typed, mode):
    assert choose_mode(typed) == mode


def test_rating_an_answer_mid_complaint_keeps_the_draft(line_user, sessions, vault):
    _to_description(line_user, mode="ไม่ประสงค์ออกนาม")
    *_, rating = line_user.tap("manual:docs:elderly-allowance")
    score = rating["quickReply"]["items"][4]["action"]["data"]
    assert "ขอบคุณ" in texts_of(line_user.tap(score))
    answer = texts_of(line_user.say(FIRST))  # the story, not a rating comment
    finish_complaint(line_user, answer)
    assert _case_field(sessions, vault, "description") == FIRST


def test_an_anonymous_draft_takes_no_phone_number(line_user, sessions, vault):
    _to_description(line_user, mode="ไม่ประสงค์ออกนาม")
    answer = line_user.say("0891234567")
    assert "ไม่เก็บเบอร์โทร" in texts_of(answer)
    assert "ใช้เป็นเบอร์ติดต่อ" not in quick_reply_labels(answer[-1])
    line_user.say("ใช้เป็นเบอร์ติดต่อ")  # typed anyway: too short to be the story
    finish_complaint(line_user, texts_of(line_user.say(FIRST)))
    with sessions() as session:
        case = session.execute(select(Case)).scalar_one()
        assert case.user_key is None and "phone" not in {f.field for f in case.fields}
    assert _case_field(sessions, vault, "description") == FIRST
