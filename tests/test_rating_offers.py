"""A LINE complainant whose case closes is offered a 1-5 rating, and can give it."""

from sqlalchemy import select

from handlers.cases import casework
from handlers.cases.filing import NewCase, file_case
from storage.models import Rating
from tests.line_helpers import texts_of


def test_closed_case_pushes_a_rating_offer_that_records_the_score(line_user, services, org,
                                                                   fake_line):
    with services.sessions() as session, session.begin():
        filed = file_case(session, services.vault, org, NewCase(
            kind="grievance", identity_mode="confidential", channel="line",
            description="ท่อระบายน้ำหน้าบ้านหมู่ 3 อุดตัน น้ำเน่า",
            line_user_id=line_user.user_id), services.clock())
        case = filed.case
        for status in ("acknowledged", "investigating"):
            casework.change_status(session, services.vault, org, case, status,
                                   actor="officer:1", now=services.clock())
        casework.change_status(session, services.vault, org, case, "resolved",
                               actor="officer:1", now=services.clock(),
                               public_text="ลอกท่อเรียบร้อยแล้วค่ะ")
    line_user.worker.run_until_idle()
    pushed = fake_line.messages_to(line_user.user_id)
    offer = pushed[-1]
    rates = [item["action"]["data"] for item in offer["quickReply"]["items"]
             if item["action"].get("data", "").startswith("rate:")]
    assert len(rates) == 5
    assert "ลอกท่อเรียบร้อยแล้ว" in texts_of(pushed)
    line_user.tap(rates[4])
    with services.sessions() as session:
        scores = session.execute(select(Rating.score).where(Rating.case_id == case.id)).all()
    assert [row.score for row in scores] == [5]


def test_anonymous_case_gets_no_push_and_no_offer(services, org, fake_line, worker):
    with services.sessions() as session, session.begin():
        case = file_case(session, services.vault, org, NewCase(
            kind="grievance", identity_mode="anonymous", channel="line",
            description="ขยะไม่มีคนเก็บมาสองอาทิตย์"), services.clock()).case
        casework.change_status(session, services.vault, org, case, "acknowledged",
                               actor="officer:1", now=services.clock())
        casework.change_status(session, services.vault, org, case, "forwarded",
                               actor="officer:1", now=services.clock(),
                               forwarded_to="อำเภอจุฬารักษ์")
    worker.run_until_idle()
    assert fake_line.received() == []
    with services.sessions() as session:
        assert session.execute(select(Rating)).first() is None
