"""Asked, not guessed (issue 14): when routing cannot tell whether a complaint accuses one
of our officials, LINE and /tip ask one question; the answer routes the case and stays
with it. And the promise over HTTP: a /tip that accuses the technician of money never
shows in any engineering officer's queue or case page."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from storage.models import Case
from tests.complaint_helpers import MODE_BUTTON, NAME, PHONE
from tests.line_helpers import quick_reply_labels, texts_of
from tests.public_helpers import receipt_of, submit_tip
from tests.test_console_support import make_officer, sign_in

# Names the technician, accuses him of nothing: routing cannot tell.
UNSURE = "นายช่างมาดูไฟถนนหน้าบ้านหมู่ 4 แล้วบอกว่ายังไม่มีงบ ไฟดับมาสามเดือนแล้ว"
QUESTION = "เรื่องนี้เกี่ยวกับเจ้าหน้าที่เรียกรับเงินหรือใช้อำนาจไม่ถูกต้องหรือไม่"


def cases(sessions) -> list[Case]:
    with sessions() as session:
        return list(session.execute(select(Case)).scalars())


def _tell_line(line_user, story: str) -> list:
    """A grievance over LINE up to the evidence step; returns what came back after
    "no evidence"."""
    line_user.say("ร้องเรียน")
    line_user.say("ร้องทุกข์")
    line_user.say(MODE_BUTTON["confidential"])
    line_user.say(NAME)
    line_user.say(PHONE)
    said = line_user.say(story)
    for _ in range(3):
        if "หลักฐาน" in texts_of(said):
            break
        said = line_user.say("ข้าม")
    return line_user.say("ส่งครบแล้ว/ไม่มี")


@pytest.mark.parametrize("answer,office,implicated", [
    ("ไม่ใช่", "engineering", []),
    ("ใช่", "palad", ["engineering"]),
])
def test_line_asks_once_and_the_answer_routes_and_stays(line_user, sessions, answer, office,
                                                        implicated):
    asked = _tell_line(line_user, UNSURE)
    assert QUESTION in texts_of(asked)
    assert quick_reply_labels(asked[-1])[:2] == ["ใช่", "ไม่ใช่"]
    confirm = line_user.say(answer)
    assert "ยืนยันส่งเรื่อง" in texts_of(confirm) and QUESTION not in texts_of(confirm)
    line_user.say("ยืนยันส่งเรื่อง")
    [case] = cases(sessions)
    assert (case.office_id, case.implicated) == (office, implicated)
    assert case.accusation_answer == (office == "palad")
    assert any(r.startswith("ผู้ร้องตอบว่า") for r in case.routing_reasons)


def test_line_asks_again_until_answered(line_user):
    _tell_line(line_user, UNSURE)
    again = line_user.say("ไม่รู้สิ")
    assert "เลือกจากปุ่ม" in texts_of(again)


def test_line_does_not_ask_when_routing_is_sure(line_user, sessions):
    for story in ("ไฟถนนหน้าบ้านหมู่ 4 ดับมาสามเดือนแล้ว มืดมาก",        # nobody named
                  "นายช่างเรียกเงินค่าน้ำมัน 500 บาทตอนมาซ่อมไฟถนนหน้าบ้าน"):  # accused
        said = _tell_line(line_user, story)
        assert QUESTION not in texts_of(said)
        if "ลักษณะการทุจริต" in texts_of(said):
            line_user.say("ใช่ เป็นเรื่องทุจริต")
        line_user.say("ยืนยันส่งเรื่อง")
    first, second = cases(sessions)
    assert first.accusation_answer is None and second.accusation_answer is None
    assert first.office_id == "engineering"
    assert second.office_id == "palad" and "engineering" in second.implicated


def test_tip_asks_before_filing_and_files_with_the_answer(client, sessions):
    page = submit_tip(client, description=UNSURE)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and QUESTION in html
    assert 'name="accusation" value="yes"' in html and UNSURE in html  # nothing lost
    assert cases(sessions) == []  # nothing filed until answered
    receipt_of(client, submit_tip(client, description=UNSURE, accusation="no"))
    [case] = cases(sessions)
    assert case.office_id == "engineering" and case.accusation_answer is False


def test_tip_answer_yes_keeps_the_office_out(client, sessions):
    receipt_of(client, submit_tip(client, description=UNSURE, accusation="yes"))
    [case] = cases(sessions)
    assert case.office_id == "palad" and case.implicated == ["engineering"]
    assert case.accusation_answer is True


def test_tip_ignores_a_made_up_answer(client, sessions):
    page = submit_tip(client, description=UNSURE, accusation="maybe")
    assert QUESTION in page.get_data(as_text=True) and cases(sessions) == []


# --- the promise, over HTTP -----------------------------------------------------------------

ACCUSED = "ช่างของ อบต. มาซ่อมไฟถนนหน้าบ้านหมู่ 7 แล้วขอค่าน้ำมัน 500 บาท ไม่ให้ก็ไม่ซ่อม"


@pytest.mark.parametrize("kind", ["grievance", "suggestion", "corruption"])
def test_tip_naming_the_technician_with_money_never_reaches_engineering(client, services,
                                                                       sessions, kind):
    code, _secret = receipt_of(client, submit_tip(client, kind=kind, description=ACCUSED))
    [case] = cases(sessions)
    assert case.code == code and case.office_id == "palad"
    assert "engineering" in case.implicated
    # money taken raises a grievance; a suggestion stays what the citizen chose
    assert case.kind == ("suggestion" if kind == "suggestion" else "corruption")
    for name, roles in (("eng_officer", ("officer",)),
                        ("eng_super", ("officer", "supervisor"))):
        make_officer(services, name, office="engineering", roles=roles)
        officer = client.application.test_client()
        sign_in(officer, name)
        for path in ("/console/queue", "/console/queue?office=palad",
                     "/console/queue?office=engineering"):
            page = officer.get(path)
            assert code not in page.get_data(as_text=True), (name, path)
        page = officer.get(f"/console/cases/{code}")
        assert page.status_code == 404
        assert "ค่าน้ำมัน" not in page.get_data(as_text=True)
    # the complaint centre does see it
    make_officer(services, "palad_officer", office="palad")
    centre = client.application.test_client()
    sign_in(centre, "palad_officer")
    assert code in centre.get("/console/queue").get_data(as_text=True)
    assert centre.get(f"/console/cases/{code}").status_code == 200


def test_routing_consults_the_manual_the_service_answers_with(services):
    """Subjects come from the service's own manual index (its cache, the console's edits
    of the manual), not from a second copy built for routing."""
    from handlers.manual.store import index_for
    from handlers.routing.edits import router_for

    with services.sessions() as session:
        router = router_for(session, services.org)
        assert router.manual() is index_for(session, services.org)
        decision = router.route("ไฟกิ่งหน้าบ้านดับสามคืนแล้ว")
        assert decision.office == "engineering"
        assert any(r.startswith("ตรงกับคู่มือบริการ") for r in decision.reasons)


def test_routing_after_the_callers_session_closed_leaves_no_transaction(services):
    """`tambon route --from-db` routes after its session closed: reading the manual must
    not reopen that session and leave it in a transaction (on PostgreSQL it held a lock
    that stopped the next TRUNCATE)."""
    from handlers.routing.edits import router_for

    with services.sessions() as session:
        router = router_for(session, services.org)
    assert router.route("ไฟกิ่งหน้าบ้านดับสามคืนแล้ว").office == "engineering"
    assert not session.in_transaction()
