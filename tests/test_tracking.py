"""Following a case over LINE: own cases by blind index, any case by code and secret
(five wrong tries an hour lock it), pushes on officer updates, adding information."""

from __future__ import annotations

from sqlalchemy import select

from handlers.cases import casework, tracking
from handlers.cases.filing import NewCase, file_case
from storage.models import Case, CaseEvent, Evidence
from tests.complaint_helpers import case_by_code, file_complaint, image_event, jpeg_with_gps
from tests.line_helpers import LineUser, texts_of


def _officer(sessions, vault, org, clock, code, *steps):
    with sessions() as session, session.begin():
        case = session.execute(select(Case).where(Case.code == code)).scalar_one()
        for step in steps:
            if step.startswith("reply:"):
                casework.public_reply(session, vault, org, case, step[6:], actor="officer:1",
                                      now=clock())
            else:
                casework.change_status(session, vault, org, case, step, actor="officer:1",
                                       now=clock(), public_text="ซ่อมเสร็จแล้วค่ะ")


def test_my_cases_lists_identified_and_confidential_with_last_update(
        line_user, sessions, vault, org, clock):
    first = file_complaint(line_user, "grievance", "identified")
    second = file_complaint(line_user, "corruption", "confidential")
    third = file_complaint(line_user, "suggestion", "anonymous")
    _officer(sessions, vault, org, clock, first["code"], "acknowledged",
             "reply:ช่างจะเข้าไปตรวจวันพฤหัสค่ะ")
    answer = texts_of(line_user.say("ติดตามเรื่อง"))
    assert first["code"] in answer and second["code"] in answer
    assert third["code"] not in answer
    assert "ช่างจะเข้าไปตรวจวันพฤหัสค่ะ" in answer
    assert str(clock().year + 543) in answer
    detail = texts_of(line_user.say(first["code"]))  # own case: no secret needed
    assert "เจ้าหน้าที่รับเรื่องแล้ว" in detail and "ช่างจะเข้าไปตรวจ" in detail


def test_officer_update_is_pushed_to_identified_and_confidential_not_anonymous(
        line_user, fake_line, sessions, vault, org, clock, client, services, worker):
    identified = file_complaint(line_user, "grievance", "identified")
    other = LineUser(client, services.settings.channel_secret, worker, fake_line)
    anonymous = file_complaint(other, "grievance", "anonymous")
    before = len(fake_line.received())
    _officer(sessions, vault, org, clock, identified["code"], "acknowledged")
    _officer(sessions, vault, org, clock, anonymous["code"], "acknowledged")
    worker.run_until_idle()
    pushes = [e for e in fake_line.received()[before:] if e["kind"] == "push"]
    assert [p["to"] for p in pushes] == [line_user.user_id]
    assert identified["code"] in texts_of(pushes[0]["messages"])
    # the anonymous complainant sees it when they check
    seen = texts_of(other.say(f"{anonymous['code']} {anonymous['secret']}"))
    assert "เจ้าหน้าที่รับเรื่องแล้ว" in seen


def test_anonymous_case_opens_with_code_then_secret(line_user):
    receipt = file_complaint(line_user, "corruption", "anonymous")
    answer = texts_of(line_user.say("ติดตามเรื่อง"))
    assert "รหัสเรื่อง" in answer
    assert "รหัสลับ" in texts_of(line_user.say(receipt["code"].lower().replace("-", " ")))
    shown = texts_of(line_user.say(receipt["secret"].replace(" ", "")))
    assert receipt["code"] in shown and "ได้รับเรื่องแล้ว" in shown


def test_someone_elses_case_needs_the_secret(line_user, client, services, worker, fake_line):
    receipt = file_complaint(line_user, "grievance", "confidential")
    stranger = LineUser(client, services.settings.channel_secret, worker, fake_line)
    answer = texts_of(stranger.say(receipt["code"]))
    assert "รหัสลับ" in answer and "สถานะ" not in answer


def test_five_wrong_secrets_lock_the_case_for_an_hour(line_user, sessions, clock):
    receipt = file_complaint(line_user, "corruption", "anonymous")
    wrong = "0000 0000 0000 0000" if receipt["secret"] != "0000 0000 0000 0000" \
        else "1111 1111 1111 1111"
    for _ in range(tracking.MAX_TRIES - 1):
        assert "ไม่ถูกต้อง" in texts_of(line_user.say(f"{receipt['code']} {wrong}"))
    locked = texts_of(line_user.say(f"{receipt['code']} {wrong}"))
    assert "ล็อก" in locked and "ลองใหม่ได้หลัง" in locked
    # even the right secret is refused while locked
    assert "ล็อก" in texts_of(line_user.say(f"{receipt['code']} {receipt['secret']}"))
    clock.advance(minutes=61)
    opened = texts_of(line_user.say(f"{receipt['code']} {receipt['secret']}"))
    assert "ล็อก" not in opened and "สถานะ" in opened
    case = case_by_code(sessions, receipt["code"])
    assert case.secret_failures == 0 and case.locked_until is None


def test_unknown_code_answers_like_a_wrong_secret(line_user):
    receipt = file_complaint(line_user, "corruption", "anonymous")
    wrong = texts_of(line_user.say(f"{receipt['code']} 9999 9999 9999 9998"))
    unknown = texts_of(line_user.say("TH-2222-3333 9999 9999 9999 9998"))
    assert wrong == unknown


def test_tries_spread_over_more_than_an_hour_do_not_lock(sessions, vault, org, clock):
    with sessions() as session, session.begin():
        filed = file_case(session, vault, org, NewCase(
            kind="grievance", identity_mode="anonymous", channel="web",
            description="ไฟดับหมู่ 4 ทุกคืน"), clock())
    for _ in range(3):
        for _ in range(tracking.MAX_TRIES - 1):
            with sessions() as session, session.begin():
                check = tracking.open_with_secret(session, filed.code, "1" * 16, clock())
                assert check.status == "wrong"
        clock.advance(minutes=61)
    with sessions() as session, session.begin():
        assert tracking.open_with_secret(session, filed.code, filed.secret, clock()).ok
        assert tracking.open_with_secret(session, filed.code, "garbage", clock()).status == \
            "wrong"


def test_identified_case_has_no_secret_to_guess(sessions, vault, org, clock):
    with sessions() as session, session.begin():
        filed = file_case(session, vault, org, NewCase(
            kind="grievance", identity_mode="identified", channel="web", name="ผู้ร้อง",
            description="ไฟดับหมู่ 4 ทุกคืน"), clock())
        assert filed.secret is None
        assert tracking.open_with_secret(session, filed.code, "1" * 16, clock()).status == \
            "wrong"


def test_complainant_adds_information_and_a_picture(line_user, fake_line, sessions, vault):
    receipt = file_complaint(line_user, "grievance", "anonymous")
    line_user.say(f"{receipt['code']} {receipt['secret']}")
    assert "พิมพ์ข้อมูลเพิ่มเติม" in texts_of(line_user.say("เพิ่มข้อมูล"))
    assert "เพิ่มข้อมูลในเรื่องแล้ว" in texts_of(line_user.say("ตอนนี้ไฟดับเพิ่มอีกสองต้น"))
    fake_line.state.content["later"] = (jpeg_with_gps(), "image/jpeg")
    assert "แนบไฟล์" in texts_of(line_user.send_event(image_event(line_user, "later")))
    assert "ขอบคุณ" in texts_of(line_user.say("ส่งครบแล้ว"))
    with sessions() as session:
        case = session.execute(select(Case).where(Case.code == receipt["code"])).scalar_one()
        kinds = [e.kind for e in session.execute(select(CaseEvent).where(
            CaseEvent.case_id == case.id)).scalars()]
        assert "citizen_info" in kinds and "evidence" in kinds
        assert len(session.execute(select(Evidence)).scalars().all()) == 1
        internal = casework.timeline(session, vault, case, include_internal=True)
        assert "ตอนนี้ไฟดับเพิ่มอีกสองต้น" in [e.body for e in internal]
        from storage.models import Conversation
        assert session.execute(select(Conversation)).first() is None  # state cleared


def test_closed_case_takes_no_more_information(line_user, sessions, vault, org, clock):
    receipt = file_complaint(line_user, "grievance", "identified")
    _officer(sessions, vault, org, clock, receipt["code"], "acknowledged", "investigating",
             "resolved")
    detail = texts_of(line_user.say(receipt["code"]))
    assert "ดำเนินการแล้วเสร็จ" in detail and "เพิ่มข้อมูล" not in detail
    with sessions() as session, session.begin():
        case = session.execute(select(Case).where(Case.code == receipt["code"])).scalar_one()
        try:
            tracking.add_citizen_info(session, vault, org, case, now=clock(), text="เพิ่ม")
        except casework.CaseworkError as refused:
            assert refused.reason == "closed"
        else:
            raise AssertionError("a closed case took information")


def test_typing_something_else_while_looking_moves_on(line_user):
    file_complaint(line_user, "grievance", "identified")
    line_user.say("ติดตามเรื่อง")
    answer = texts_of(line_user.say("ร้องเรียน"))
    assert "ประเภทใด" in answer


def test_expired_tracking_tells_the_user(line_user, clock):
    line_user.say("ติดตามเรื่อง")
    clock.advance(minutes=31)
    assert "หมดเวลา" in texts_of(line_user.say("TH-2222-3333"))


def test_asked_for_a_code_the_user_may_start_a_complaint_instead(line_user):
    assert "ไม่พบเรื่อง" in texts_of(line_user.say("ติดตามเรื่อง"))
    assert "ประเภทใด" in texts_of(line_user.say("ร้องเรียน"))
