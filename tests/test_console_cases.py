"""The queue and the case page over plain HTTP: every access rule, case work through
casework, identity (identified, confidential by request), escaping, no-store."""

from __future__ import annotations

from sqlalchemy import select

from handlers.cases import casework
from storage.models import AuditRecord, Case, IdentityRequest
from tests.test_console_support import (
    LINE_ID,
    audit_rows,
    case_of,
    file,
    make_officer,
    page_csrf,
    sign_in,
)

CORRUPTION = dict(kind="corruption", identity_mode="confidential",
                  description="ผอ.กองช่างเรียกรับเงินจากผู้รับเหมาก่อสร้างถนน",
                  name="ผู้แจ้ง ลับ", phone="089-999-0000")


def _html(response) -> str:
    return response.get_data(as_text=True)


def test_officer_sees_own_office_queue_only(client, services):
    mine = file(services)  # roads: engineering
    theirs = file(services, description="ขยะไม่มีคนมาเก็บหลายวันแล้ว")  # health
    make_officer(services, "eng1", office="engineering")
    sign_in(client, "eng1")
    html = _html(client.get("/console/queue"))
    assert mine in html and theirs not in html
    # a subject line of its own cases (issue 17), never another office's text or who
    # complained
    assert "ถนนลูกรังหมู่ 4 เป็นหลุมบ่อ" in html and "ขยะ" not in html
    assert "สมหญิง" not in html and "081-234-5678" not in html
    # asking for another office's queue: 404 and an audit record
    assert client.get("/console/queue?office=health").status_code == 404
    assert audit_rows(services, "denied_access")


def test_other_office_case_is_404_and_audited(client, services):
    theirs = file(services, description="ขยะไม่มีคนมาเก็บหลายวันแล้ว")
    make_officer(services, "eng1", office="engineering")
    sign_in(client, "eng1")
    for path in (f"/console/cases/{theirs}", f"/console/cases/{theirs}/evidence/1"):
        response = client.get(path)
        assert response.status_code == 404
        assert "ขยะ" not in _html(response)
    token = page_csrf(client, "/console/queue")
    response = client.post(f"/console/cases/{theirs}/reply",
                           data={"text": "x", "csrf_token": token})
    assert response.status_code == 404
    denied = audit_rows(services, "denied_access")
    assert len(denied) == 3 and {r.case_code for r in denied} == {theirs}
    assert all("other_office" in r.detail for r in denied)


def test_case_implicating_the_officers_office_is_404_even_for_a_supervisor(client, services):
    code = file(services, **CORRUPTION)
    case = case_of(services, code)
    assert case.office_id == "palad" and "engineering" in case.implicated
    make_officer(services, "engsup", office="engineering", roles=("officer", "supervisor"))
    sign_in(client, "engsup")
    assert code not in _html(client.get("/console/queue"))
    assert code not in _html(client.get("/console/queue?office=palad"))
    response = client.get(f"/console/cases/{code}")
    assert response.status_code == 404
    assert "เรียกรับเงิน" not in _html(response)
    assert audit_rows(services, "denied_access")[-1].detail.endswith("implicated_office")
    # a supervisor from another office may open it
    other = client.application.test_client()
    make_officer(services, "palsup", office="palad", roles=("supervisor",))
    sign_in(other, "palsup")
    assert other.get(f"/console/cases/{code}").status_code == 200


def test_custodian_and_admin_see_no_case_content(client, services):
    code = file(services)
    _, seed = make_officer(services, "cust2", office="engineering", roles=("custodian", "admin"))
    sign_in(client, "cust2", seed=seed, clock=services.clock)
    assert client.get(f"/console/cases/{code}").status_code == 404
    # the queue says why there is none (no office's case work), and shows no case
    answer = client.get("/console/queue")
    html = answer.get_data(as_text=True)
    assert answer.status_code == 403 and code not in html and "หลุมบ่อ" not in html
    assert "เจ้าหน้าที่หรือหัวหน้าของหน่วยงาน" in html


def test_unknown_case_is_404_and_audited(client, services):
    make_officer(services, "eng1", office="engineering")
    sign_in(client, "eng1")
    assert client.get("/console/cases/NOPE-1234").status_code == 404
    assert audit_rows(services, "denied_access")[-1].detail.endswith("not_found")


def test_case_page_shows_content_escaped_with_no_store_and_audits_the_view(client, services):
    code = file(services, description='<script>alert("x")</script> ถนนพัง <b>ด่วน</b>')
    make_officer(services, "eng1", office="engineering")
    sign_in(client, "eng1")
    response = client.get(f"/console/cases/{code}")
    html = _html(response)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert "<script>alert" not in html and "&lt;script&gt;alert(" in html
    assert "<b>ด่วน</b>" not in html
    assert "สมหญิง" not in html and "081-234-5678" not in html  # identity stays closed
    assert str(case_of(services, code).due_at.year + 543) in html  # Buddhist-era dates
    views = audit_rows(services, "view_case")
    assert [v.case_code for v in views] == [code]


def test_work_a_case_to_resolved_with_public_reply_pushed(client, services, worker,
                                                          fake_line):
    code = file(services)
    make_officer(services, "eng1", office="engineering")
    sign_in(client, "eng1")
    token = page_csrf(client, f"/console/cases/{code}")
    base = f"/console/cases/{code}"
    assert client.post(base + "/status", data={"status": "acknowledged",
                                               "csrf_token": token}).status_code == 303
    assert client.post(base + "/reply", data={"text": "ช่างจะเข้าไปดูพรุ่งนี้ค่ะ",
                                              "csrf_token": token}).status_code == 303
    client.post(base + "/note", data={"text": "ต้องใช้หินคลุก 3 คิว", "csrf_token": token})
    client.post(base + "/status", data={"status": "investigating", "csrf_token": token})
    # resolving needs a public summary
    refused = client.post(base + "/status", data={"status": "resolved", "csrf_token": token})
    assert "error=console_resolved_needs_summary" in refused.location
    client.post(base + "/status", data={"status": "resolved", "csrf_token": token,
                                        "public_text": "ซ่อมถนนเรียบร้อยแล้วค่ะ"})
    assert case_of(services, code).status == "resolved"
    worker.run_until_idle()
    texts = [m["text"] for m in fake_line.messages_to(LINE_ID)]
    assert any("ช่างจะเข้าไปดูพรุ่งนี้ค่ะ" in t for t in texts)
    assert any("ซ่อมถนนเรียบร้อยแล้วค่ะ" in t for t in texts)
    assert not any("หินคลุก" in t for t in texts)  # internal notes never leave
    html = _html(client.get(base))
    assert "หินคลุก" in html and "ภายใน" in html
    actions = [r.action for r in audit_rows(services) if r.case_code == code]
    for expected in ("status", "reply", "note", "view_case"):
        assert expected in actions
    for record in audit_rows(services):  # no complaint or reply text in the audit log
        assert "ถนน" not in record.detail and "ช่าง" not in record.detail


def test_wrong_transition_is_refused(client, services):
    code = file(services)
    make_officer(services, "eng1", office="engineering")
    sign_in(client, "eng1")
    token = page_csrf(client, f"/console/cases/{code}")
    response = client.post(f"/console/cases/{code}/status",
                           data={"status": "resolved", "public_text": "x", "csrf_token": token})
    assert "console_bad_status" in response.location
    assert case_of(services, code).status == "received"


def test_case_action_without_csrf_is_rejected(client, services):
    code = file(services)
    make_officer(services, "eng1", office="engineering")
    sign_in(client, "eng1")
    response = client.post(f"/console/cases/{code}/status", data={"status": "acknowledged"})
    assert response.status_code == 400
    assert case_of(services, code).status == "received"


def test_only_supervisors_reroute_and_never_into_an_implicated_office(client, services):
    code = file(services, **CORRUPTION)
    make_officer(services, "pal1", office="palad")
    sign_in(client, "pal1")
    token = page_csrf(client, f"/console/cases/{code}")
    assert client.post(f"/console/cases/{code}/reroute", data={
        "office": "chief", "reason": "เรื่องร้ายแรง", "csrf_token": token}).status_code == 404
    sup = client.application.test_client()
    make_officer(services, "palsup", office="palad", roles=("supervisor",))
    sign_in(sup, "palsup")
    token = page_csrf(sup, f"/console/cases/{code}")
    response = sup.post(f"/console/cases/{code}/reroute", data={
        "office": "engineering", "reason": "ลองโอน", "csrf_token": token})
    assert "console_reroute_implicated" in response.location
    assert case_of(services, code).office_id == "palad"
    sup.post(f"/console/cases/{code}/reroute", data={
        "office": "chief", "reason": "เรื่องร้ายแรง", "csrf_token": token})
    assert case_of(services, code).office_id == "chief"


def test_identified_case_contact_opens_for_the_office_and_is_audited(client, services):
    code = file(services)
    make_officer(services, "eng1", office="engineering")
    sign_in(client, "eng1")
    token = page_csrf(client, f"/console/cases/{code}")
    response = client.post(f"/console/cases/{code}/identity/open", data={"csrf_token": token})
    html = _html(response)
    assert "สมหญิง ใจดี" in html and "081-234-5678" in html
    assert LINE_ID not in html
    assert response.headers["Cache-Control"] == "no-store"
    opened = [r for r in audit_rows(services, "identity_open") if r.actor.startswith("officer")]
    assert len(opened) == 1 and "สมหญิง" not in opened[0].detail


def test_confidential_identity_request_denied_then_approved(client, services, clock, worker,
                                                            fake_line):
    code = file(services, kind="grievance", identity_mode="confidential",
                name="นางสาวลับ ปกปิด", phone="086-111-2222")
    officer_id, _ = make_officer(services, "eng1", office="engineering")
    sign_in(client, "eng1")
    base = f"/console/cases/{code}"
    token = page_csrf(client, base)
    assert "ปกปิดตัวตน" in _html(client.get(base))
    # no direct opening of a confidential identity
    assert client.post(base + "/identity/open", data={"csrf_token": token}).status_code == 404
    client.post(base + "/identity/request", data={
        "reason": "ต้องนัดหมายผู้ร้องเพื่อชี้จุดถนนที่ชำรุด", "csrf_token": token})

    custodian = client.application.test_client()
    _, seed = make_officer(services, "cust", office="palad", roles=("custodian",))
    sign_in(custodian, "cust", seed=seed, clock=clock)
    html = _html(custodian.get("/console/requests"))
    assert code in html and "นัดหมายผู้ร้อง" in html
    assert "ถนนลูกรัง" not in html  # no case content for the custodian
    with services.sessions() as session:
        request_id = session.execute(select(IdentityRequest.id)).scalar_one()
    ctoken = page_csrf(custodian, "/console/requests")
    custodian.post(f"/console/requests/{request_id}/decide", data={
        "decision": "deny", "reason": "ยังไม่จำเป็น ให้ติดต่อผ่านไลน์ก่อน", "csrf_token": ctoken})
    html = _html(client.get(base))
    assert "ไม่อนุมัติ" in html and "ยังไม่จำเป็น" in html
    assert client.post(base + "/identity/open", data={"csrf_token": token}).status_code == 404

    client.post(base + "/identity/request", data={
        "reason": "ผู้ร้องไม่ตอบไลน์ ต้องโทรนัดชี้จุด", "csrf_token": token})
    with services.sessions() as session:
        second = session.execute(select(IdentityRequest.id).where(
            IdentityRequest.status == "pending")).scalar_one()
    custodian.post(f"/console/requests/{second}/decide", data={
        "decision": "approve", "reason": "เหตุผลเพียงพอ", "csrf_token": ctoken})
    html = _html(client.post(base + "/identity/open", data={"csrf_token": token}))
    assert "นางสาวลับ ปกปิด" in html and "086-111-2222" in html
    # the complainant is told, in Thai, which office and why
    worker.run_until_idle()
    texts = [m["text"] for m in fake_line.messages_to(LINE_ID)]
    assert any("กองช่าง" in t and "โทรนัดชี้จุด" in t for t in texts)
    # another officer of the same office gets nothing from that approval
    other = client.application.test_client()
    make_officer(services, "eng2", office="engineering")
    sign_in(other, "eng2")
    otoken = page_csrf(other, base)
    assert other.post(base + "/identity/open", data={"csrf_token": otoken}).status_code == 404
    # after 24 hours the approval is spent
    clock.advance(hours=24, seconds=1)
    sign_in(client, "eng1")
    token = page_csrf(client, base)
    assert client.post(base + "/identity/open", data={"csrf_token": token}).status_code == 404
    actions = [r.action for r in audit_rows(services) if r.case_code == code]
    assert actions.count("identity_request") == 2 and actions.count("identity_decision") == 2
    assert officer_id


def test_custodian_does_not_see_requests_on_cases_naming_their_office(client, services, clock):
    code = file(services, **CORRUPTION)  # implicates engineering, with palad
    make_officer(services, "pal1", office="palad")
    sign_in(client, "pal1")
    token = page_csrf(client, f"/console/cases/{code}")
    client.post(f"/console/cases/{code}/identity/request", data={
        "reason": "ต้องสอบปากคำผู้ร้องเพิ่มเติม", "csrf_token": token})
    custodian = client.application.test_client()
    _, seed = make_officer(services, "engcust", office="engineering", roles=("custodian",))
    sign_in(custodian, "engcust", seed=seed, clock=clock)
    assert code not in _html(custodian.get("/console/requests"))


def test_queue_filters_overdue_and_update_owed_badge(client, services, clock):
    old = file(services)
    clock.advance(days=8)
    new = file(services, description="ท่อระบายน้ำอุดตันหน้าโรงเรียน")
    make_officer(services, "eng1", office="engineering")
    sign_in(client, "eng1")
    html = _html(client.get("/console/queue"))
    assert old in html and new in html and "ต้องแจ้งความคืบหน้า" in html
    assert html.index(old) < html.index(new)  # nearest deadline first
    clock.advance(days=60)
    sign_in(client, "eng1")
    overdue = _html(client.get("/console/queue?overdue=1"))
    assert old in overdue and "เกินกำหนด" in overdue
    with services.sessions() as session, session.begin():
        case = session.execute(select(Case).where(Case.code == old)).scalar_one()
        casework.change_status(session, services.vault, services.org, case, "acknowledged",
                               actor="officer:1", now=clock())
    assert old not in _html(client.get("/console/queue?status=received"))
    assert old in _html(client.get("/console/queue?status=acknowledged"))


def test_admin_adds_an_officer_who_can_then_sign_in(client, services, clock):
    _, seed = make_officer(services, "admin1", office="palad", roles=("admin",))
    sign_in(client, "admin1", seed=seed, clock=clock)
    token = page_csrf(client, "/console/officers")
    response = client.post("/console/officers", data={
        "username": "newbie", "display_name": "น้องใหม่", "office_id": "health",
        "roles": ["officer"], "password": "รหัสผ่านยาวพอแล้ว123", "csrf_token": token})
    assert "newbie" in _html(response)
    assert sign_in(client.application.test_client(), "newbie",
                   password="รหัสผ่านยาวพอแล้ว123").status_code == 302
    assert any("create officer" in r.detail for r in audit_rows(services, "account"))
    assert all("รหัสผ่าน" not in r.detail for r in audit_rows(services))


def test_unanswered_questions_page_for_admins(client, services, clock):
    from handlers.manual.store import record_unanswered

    with services.sessions() as session, session.begin():
        record_unanswered(session, services.org.id, "ขอใบอนุญาตเลี้ยงไก่ชนได้ไหม", None, clock())
    _, seed = make_officer(services, "admin1", office="palad", roles=("admin",))
    sign_in(client, "admin1", seed=seed, clock=clock)
    assert "ไก่ชน" in _html(client.get("/console/unanswered"))


def test_audit_records_never_hold_identity(client, services):
    code = file(services)
    make_officer(services, "eng1", office="engineering")
    sign_in(client, "eng1")
    token = page_csrf(client, f"/console/cases/{code}")
    client.post(f"/console/cases/{code}/identity/open", data={"csrf_token": token})
    with services.sessions() as session:
        details = " ".join(r.detail for r in session.execute(select(AuditRecord)).scalars())
    for secret in ("สมหญิง", "081-234-5678", LINE_ID, "หลุมบ่อ"):
        assert secret not in details


def test_inquiry_case_is_in_the_queue_and_answering_pushes_to_the_citizen(
        client, services, worker, fake_line):
    code = file(services, kind="inquiry", description="",
                question="ขออนุญาตก่อสร้างบ้านต้องใช้เอกสารอะไรบ้าง")
    office = case_of(services, code).office_id
    make_officer(services, "inq1", office=office)
    sign_in(client, "inq1")
    html = _html(client.get("/console/queue?kind=inquiry"))
    assert code in html and "คำถาม" in html
    assert "ก่อสร้างบ้าน" in _html(client.get(f"/console/cases/{code}"))
    token = page_csrf(client, f"/console/cases/{code}")
    client.post(f"/console/cases/{code}/reply", data={
        "text": "ใช้สำเนาโฉนดและแบบแปลนค่ะ", "csrf_token": token})
    worker.run_until_idle()
    assert any("สำเนาโฉนด" in m["text"] for m in fake_line.messages_to(LINE_ID))
