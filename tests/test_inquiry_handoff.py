"""A question the manual cannot answer goes to staff, and their answer comes back by push."""

from sqlalchemy import select

from handlers.cases import casework
from storage.models import Case, UnansweredQuestion
from tests.line_helpers import texts_of

QUESTION = "อยากทราบว่าปีนี้จะมีงานบุญบั้งไฟที่หมู่ 7 ไหม"


def _handoff_data(messages) -> str:
    for item in messages[0]["quickReply"]["items"]:
        if item["action"].get("data", "").startswith("manual:handoff:"):
            return item["action"]["data"]
    raise AssertionError("no hand-off button offered")


def test_unanswered_question_handed_to_staff_and_answer_pushed_back(
        line_user, services, fake_line, org):
    first = line_user.say(QUESTION)
    assert "ไม่พบคำตอบ" in texts_of(first) or "ยังไม่พบ" in texts_of(first)
    sent = line_user.tap(_handoff_data(first))
    with services.sessions() as session:
        case = session.execute(select(Case)).scalar_one()
        assert case.kind == "inquiry" and case.office_id
        assert case.code in texts_of(sent)
        assert session.execute(select(UnansweredQuestion)).scalar_one().count == 1
    # A second tap does not open a second case.
    again = line_user.tap(_handoff_data(first))
    assert "ส่งให้เจ้าหน้าที่แล้ว" in texts_of(again)
    with services.sessions() as session, session.begin():
        cases = session.execute(select(Case)).scalars().all()
        assert len(cases) == 1
        assert casework.read_content(session, services.vault, cases[0])["question"] == QUESTION
        casework.public_reply(session, services.vault, org, cases[0],
                              "ปีนี้จัดวันที่ 12 พ.ค. ค่ะ", actor="officer:1", now=services.clock())
    line_user.worker.run_until_idle()
    pushed = fake_line.messages_to(line_user.user_id)
    assert "ปีนี้จัดวันที่ 12 พ.ค." in texts_of(pushed)


def test_unanswered_question_is_kept_without_who_asked(line_user, services, database_url,
                                                       engine):
    line_user.say(QUESTION)
    engine.dispose()
    from tests.plaintext import assert_nowhere_in_database

    assert_nowhere_in_database(engine, database_url, [line_user.user_id])
