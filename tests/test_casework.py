"""What officers do to a case: the order of statuses, public answers, internal notes,
rerouting (never into an implicated office), pushes to the complainant, audit records."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from handlers.cases import casework
from handlers.cases.casework import CaseworkError
from handlers.cases.filing import NewCase, file_case
from storage import audit, outbox
from storage.models import AuditRecord, Case, OutboxMessage

LINE_ID = "U" + "c" * 32


def _file(sessions, vault, org, clock, **overrides):
    values = dict(kind="grievance", identity_mode="identified", channel="line",
                  description="ไฟถนนดับหน้าบ้าน หมู่ 3 มาสามคืนแล้ว", location="หมู่ 3",
                  name="สมหญิง ใจดี", phone="081-234-5678", line_user_id=LINE_ID)
    values.update(overrides)
    with sessions() as session, session.begin():
        filed = file_case(session, vault, org, NewCase(**values), clock())
        return filed.code


def _case(session, code):
    return session.execute(select(Case).where(Case.code == code)).scalar_one()


def _pushes(session, vault, code):
    rows = session.execute(select(OutboxMessage).where(OutboxMessage.case_code == code)
                           .order_by(OutboxMessage.id)).scalars().all()
    return [(outbox.open_recipient(vault, r), outbox.open_messages(vault, r)) for r in rows]


def test_status_moves_in_order_and_pushes_thai_update_with_buddhist_date(
        sessions, vault, org, clock):
    code = _file(sessions, vault, org, clock)
    with sessions() as session, session.begin():
        case = _case(session, code)
        casework.change_status(session, vault, org, case, "acknowledged", actor="officer:1",
                               now=clock())
        assert case.acknowledged_at is not None
        casework.change_status(session, vault, org, case, "investigating", actor="officer:1",
                               now=clock())
        casework.change_status(session, vault, org, case, "resolved", actor="officer:1",
                               now=clock(), public_text="ซ่อมไฟถนนเรียบร้อยแล้วค่ะ")
        assert case.status == "resolved" and case.closed_at is not None
    with sessions() as session:
        pushes = _pushes(session, vault, code)
    assert len(pushes) == 3
    assert all(to == LINE_ID for to, _ in pushes)
    last = pushes[-1][1][0]["text"]
    assert code in last and "ซ่อมไฟถนนเรียบร้อยแล้วค่ะ" in last
    assert str(clock().year + 543) in last


@pytest.mark.parametrize("start,target", [("received", "investigating"),
                                          ("received", "resolved"),
                                          ("acknowledged", "resolved")])
def test_skipping_a_status_is_refused(sessions, vault, org, clock, start, target):
    code = _file(sessions, vault, org, clock)
    with sessions() as session, session.begin():
        case = _case(session, code)
        if start == "acknowledged":
            casework.change_status(session, vault, org, case, "acknowledged",
                                   actor="officer:1", now=clock())
        with pytest.raises(CaseworkError) as refused:
            casework.change_status(session, vault, org, case, target, actor="officer:1",
                                   now=clock(), public_text="x")
        assert refused.value.reason == "bad_transition"


def test_resolving_needs_a_public_answer_and_closed_cases_stay_closed(
        sessions, vault, org, clock):
    code = _file(sessions, vault, org, clock)
    with sessions() as session, session.begin():
        case = _case(session, code)
        for status in ("acknowledged", "investigating"):
            casework.change_status(session, vault, org, case, status, actor="officer:1",
                                   now=clock())
        with pytest.raises(CaseworkError) as refused:
            casework.change_status(session, vault, org, case, "resolved", actor="officer:1",
                                   now=clock(), public_text="   ")
        assert refused.value.reason == "needs_public_text"
        casework.change_status(session, vault, org, case, "not_substantiated",
                               actor="officer:1", now=clock())
        with pytest.raises(CaseworkError):
            casework.change_status(session, vault, org, case, "investigating",
                                   actor="officer:1", now=clock())


def test_notes_stay_internal_and_replies_are_public(sessions, vault, org, clock):
    code = _file(sessions, vault, org, clock)
    with sessions() as session, session.begin():
        case = _case(session, code)
        casework.add_note(session, vault, org, case, "โทรหาผู้รับเหมาแล้ว", actor="officer:1",
                          now=clock())
        casework.public_reply(session, vault, org, case, "ช่างจะเข้าไปพรุ่งนี้ค่ะ",
                              actor="officer:1", now=clock())
        public = casework.timeline(session, vault, case, include_internal=False)
        internal = casework.timeline(session, vault, case, include_internal=True)
    assert [e.body for e in public if e.body] == ["ช่างจะเข้าไปพรุ่งนี้ค่ะ"]
    assert "โทรหาผู้รับเหมาแล้ว" in [e.body for e in internal]
    with sessions() as session:
        pushed = " ".join(m["text"] for _, ms in _pushes(session, vault, code) for m in ms)
    assert "ช่างจะเข้าไปพรุ่งนี้ค่ะ" in pushed and "ผู้รับเหมา" not in pushed


def test_anonymous_and_web_complainants_get_no_push(sessions, vault, org, clock):
    anonymous = _file(sessions, vault, org, clock, identity_mode="anonymous", name=None,
                      phone=None, line_user_id=None)
    web = _file(sessions, vault, org, clock, identity_mode="confidential", channel="web",
                line_user_id=None)
    with sessions() as session, session.begin():
        for code in (anonymous, web):
            case = _case(session, code)
            casework.change_status(session, vault, org, case, "acknowledged",
                                   actor="officer:1", now=clock())
            casework.public_reply(session, vault, org, case, "รับทราบค่ะ", actor="officer:1",
                                  now=clock())
    with sessions() as session:
        assert session.execute(select(OutboxMessage)).first() is None


def test_reroute_never_into_an_implicated_office(sessions, vault, org, clock):
    code = _file(sessions, vault, org, clock, kind="corruption", identity_mode="confidential",
                 description="ผอ.กองคลังเรียกรับเงินใต้โต๊ะตอนจ่ายค่าจ้าง")
    with sessions() as session, session.begin():
        case = _case(session, code)
        assert "finance" in case.implicated and case.office_id != "finance"
        with pytest.raises(CaseworkError) as refused:
            casework.reroute(session, vault, org, case, "finance", actor="officer:2",
                             reason="ผิดกอง", now=clock())
        assert refused.value.reason == "implicated_office"
        with pytest.raises(CaseworkError):
            casework.reroute(session, vault, org, case, "nowhere", actor="officer:2",
                             reason="ผิดกอง", now=clock())
        casework.reroute(session, vault, org, case, "chief", actor="officer:2",
                         reason="ให้ผู้บริหารสูงสุดพิจารณา", now=clock())
        assert case.office_id == "chief"
        internal = casework.timeline(session, vault, case, include_internal=True)
        public = casework.timeline(session, vault, case, include_internal=False)
    assert any(e.kind == "rerouted" for e in internal)
    assert not any(e.kind == "rerouted" for e in public)


def test_every_action_is_audited_and_the_chain_holds(sessions, vault, org, clock):
    code = _file(sessions, vault, org, clock)
    with sessions() as session, session.begin():
        case = _case(session, code)
        casework.change_status(session, vault, org, case, "acknowledged", actor="officer:3",
                               now=clock())
        casework.add_note(session, vault, org, case, "บันทึก", actor="officer:3", now=clock())
        casework.public_reply(session, vault, org, case, "ตอบ", actor="officer:3",
                              now=clock())
    with sessions() as session:
        records = session.execute(select(AuditRecord).where(AuditRecord.case_code == code)
                                  .order_by(AuditRecord.id)).scalars().all()
        actions = [(r.actor, r.action) for r in records]
        assert ("officer:3", "status") in actions
        assert ("officer:3", "note") in actions
        assert ("officer:3", "reply") in actions
        # the pushes opened the LINE id through the audited door, as pushes, not openings
        assert ("system", "complainant_push") in actions
        assert ("system", "identity_open") not in actions
        assert all("บันทึก" not in r.detail and "ตอบ" not in r.detail for r in records)
        assert audit.verify(session).finding is None


def test_read_content_gives_what_the_complaint_says(sessions, vault, org, clock):
    code = _file(sessions, vault, org, clock, who="ไม่ทราบ", when="เมื่อวาน")
    with sessions() as session:
        content = casework.read_content(session, vault, _case(session, code))
    assert content["description"].startswith("ไฟถนนดับ")
    assert content["location"] == "หมู่ 3" and content["when"] == "เมื่อวาน"
    assert "name" not in content and "phone" not in content
