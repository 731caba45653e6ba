"""The console's pages for case work over HTTP (issue 17): one box to the citizen with the
status beside it, what was typed kept after a refusal, a plain status for a case nobody
has acknowledged, and the queue's subject line without who complained."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from storage.models import CaseEvent, Officer
from tests.test_console_support import case_of, file, make_officer, page_csrf, sign_in


def _html(response) -> str:
    return response.get_data(as_text=True)


def _respond(client, code, **form):
    token = page_csrf(client, f"/console/cases/{code}")
    return client.post(f"/console/cases/{code}/respond", data={"csrf_token": token, **form})


def _events(services, code) -> list[tuple[str, str | None]]:
    case = case_of(services, code)
    with services.sessions() as session:
        return [(e.kind, e.status_to) for e in session.execute(
            select(CaseEvent).where(CaseEvent.case_id == case.id)
            .order_by(CaseEvent.id)).scalars()]


def test_one_box_replies_without_changing_the_status(client, services):
    code = file(services)
    make_officer(services, "eng1")
    sign_in(client, "eng1")
    html = _html(client.get(f"/console/cases/{code}"))
    assert html.count("<textarea") == 2  # to the citizen, and the internal note
    assert 'id="case-status">ยังไม่ตอบรับ<' in html
    answer = _respond(client, code, text="ช่างจะเข้าไปดูพรุ่งนี้ค่ะ", status="")
    assert answer.status_code == 303
    assert case_of(services, code).status == "received"
    assert _events(services, code)[-1] == ("public_reply", None)


def test_one_box_changes_the_status_with_its_message(client, services):
    code = file(services)
    make_officer(services, "eng1")
    sign_in(client, "eng1")
    assert _respond(client, code, text="", status="acknowledged").status_code == 303
    assert _respond(client, code, text="", status="investigating").status_code == 303
    answer = _respond(client, code, text="ถมหลุมเรียบร้อยแล้วค่ะ", status="resolved")
    assert answer.status_code == 303
    assert case_of(services, code).status == "resolved"
    assert _events(services, code)[-1] == ("status", "resolved")


def test_a_refusal_keeps_what_was_typed(client, services):
    code = file(services)
    make_officer(services, "eng1")
    sign_in(client, "eng1")
    _respond(client, code, text="", status="acknowledged")
    _respond(client, code, text="", status="investigating")
    answer = _respond(client, code, text="ส่งให้การประปาแล้วค่ะ", status="forwarded",
                      forwarded_to="")
    html = _html(answer)
    assert answer.status_code == 400
    assert "กรุณาระบุหน่วยงานที่ส่งต่อ" in html
    assert ">ส่งให้การประปาแล้วค่ะ</textarea>" in html
    assert '<option value="forwarded" selected>' in html
    assert case_of(services, code).status == "investigating"
    # nothing to send and no status: refused too, nothing written
    before = len(_events(services, code))
    assert _respond(client, code, text="  ", status="").status_code == 400
    assert len(_events(services, code)) == before


def test_a_status_the_case_cannot_take_is_refused(client, services):
    code = file(services)
    make_officer(services, "eng1")
    sign_in(client, "eng1")
    answer = _respond(client, code, text="ปิดเรื่องค่ะ", status="resolved")
    assert answer.status_code == 400 and "ปิดเรื่องค่ะ</textarea>" in _html(answer)
    assert case_of(services, code).status == "received"


def test_transfer_and_assignment_start_with_nothing_chosen(client, services):
    code = file(services)
    make_officer(services, "engsup", roles=("officer", "supervisor"))
    sign_in(client, "engsup")
    html = _html(client.get(f"/console/cases/{code}"))
    transfer = html.split('id="reroute-office"', 1)[1].split("</select>", 1)[0]
    assert '<option value="" selected disabled>' in transfer
    assert transfer.count(" selected") == 1


def test_the_queue_subject_is_scrubbed_and_short(client, services):
    code = file(services, description=(
        "ดิฉันชื่อมาลี ศรีสุข เลขบัตรประชาชน 1-2345-67890-12-3 โทร 0891234567 "
        "ขอแจ้งว่าน้ำประปาไม่ไหลมาสามวันแล้ว ทั้งซอยหมู่ 5 ต้องซื้อน้ำมาใช้ทุกวัน "
        "ผู้สูงอายุลำบากมาก อยากให้ช่างมาดูเร็วที่สุด"))
    make_officer(services, "eng1")
    sign_in(client, "eng1")
    html = _html(client.get("/console/queue"))
    subject = html.split('class="subject">', 1)[1].split("</td>", 1)[0]
    assert code in html
    for identity in ("มาลี", "ศรีสุข", "1-2345-67890-12-3", "0891234567", "089"):
        assert identity not in subject
    assert "น้ำประปาไม่ไหล" in subject and subject.endswith("…") and len(subject) <= 80


def test_the_queue_opens_no_identity_field(client, services, monkeypatch):
    file(services)
    make_officer(services, "eng1")
    sign_in(client, "eng1")
    from storage import case_vault

    opened = []
    real = case_vault.open_field_row
    monkeypatch.setattr(case_vault, "open_field_row",
                        lambda vault, key, row: opened.append(row.field) or real(vault, key,
                                                                                   row))
    client.get("/console/queue")
    assert opened == ["description"]


def test_accounts_offer_only_what_applies(client, services):
    _, seed = make_officer(services, "admin1", office="palad", roles=("admin",))
    make_officer(services, "eng1")
    make_officer(services, "eng2")
    with services.sessions() as session, session.begin():
        locked = session.execute(select(Officer).where(Officer.username == "eng2")).scalar_one()
        locked.locked_until = services.clock() + timedelta(minutes=15)
        admin_id = session.execute(select(func.min(Officer.id))).scalar()
    sign_in(client, "admin1", seed=seed, clock=services.clock)
    html = _html(client.get("/console/officers"))

    def row(username):
        return html.split(f'id="account-{username}"', 1)[1].split("</tr>", 1)[0]

    assert f"/console/officers/{admin_id}/deactivate" not in html  # not one's own
    assert "/unlock" not in row("eng1") and "/unlock" in row("eng2")
    assert "/deactivate" in row("eng1")
    # each action is asked once more, naming the account
    assert "ระงับบัญชี eng1" in row("eng1") and "ยืนยันระงับบัญชี" in row("eng1")
    for role in ("officer", "supervisor", "custodian", "admin"):
        assert f"console_role_about_{role}" not in html
    assert "โอนเรื่องและมอบหมายผู้รับผิดชอบได้" in html  # what a supervisor does
