"""No single person can see an identity, replayed through the console as the attack went:
one admin creates an officer and a custodian, sets both passwords, signs in as each (and
sets up their second factors), requests and approves."""

from __future__ import annotations

from sqlalchemy import select

from bot.console import credentials
from storage.models import IdentityRequest, Officer
from storage.models.officers import RoleGrant
from tests.test_console_support import (
    SEEDS,
    audit_rows,
    case_of,
    csrf_from,
    enrol_page,
    file,
    make_officer,
    page_csrf,
    sign_in,
)

SECRET_NAME = "นางสาวลับ ปกปิด"
SECRET_PHONE = "086-111-2222"
START_PASSWORD = "รหัสผ่านที่ผู้ดูแลตั้งให้-2569"


def _html(response) -> str:
    return response.get_data(as_text=True)


def _browser(services):
    from bot.app import create_app

    return create_app(services).test_client()


def _add_account(admin, username: str, office: str, roles: list[str]):
    token = page_csrf(admin, "/console/officers")
    return admin.post("/console/officers", data={
        "username": username, "display_name": f"บัญชี {username}", "office_id": office,
        "roles": roles, "password": START_PASSWORD, "csrf_token": token})


def _first_sign_in(services, clock, username: str):
    """The admin, knowing the password they set, signs in as the new account and sets up
    its second factor (nothing stops that: the rules below must hold anyway)."""
    browser = _browser(services)
    response = sign_in(browser, username, password=START_PASSWORD)
    assert response.location.endswith("/console/account/totp"), response.location
    html, seed, pending = enrol_page(browser)
    done = browser.post("/console/account/totp", data={
        "csrf_token": csrf_from(html), "pending": pending,
        "code": credentials.totp_code(seed, clock())})
    assert done.status_code == 303
    SEEDS[username] = seed
    clock.advance(seconds=30)
    return browser


def _officer_id(services, username: str) -> int:
    with services.sessions() as session:
        return session.execute(select(Officer.id).where(Officer.username == username)
                               ).scalar_one()


def _grant_id(services, username: str, role: str) -> int:
    with services.sessions() as session:
        return session.execute(select(RoleGrant.id).where(
            RoleGrant.officer_id == _officer_id(services, username), RoleGrant.role == role)
        ).scalar_one()


def _confirm(browser, grant_id: int, decision: str = "confirm"):
    token = page_csrf(browser, "/console/grants")
    return browser.post(f"/console/grants/{grant_id}/{decision}", data={"csrf_token": token},
                        follow_redirects=True)


def _decide(custodian, request_id: int, decision: str = "approve"):
    token = page_csrf(custodian, "/console/requests")
    return custodian.post(f"/console/requests/{request_id}/decide", follow_redirects=True,
                          data={"decision": decision, "reason": "เหตุผลเพียงพอ",
                                "csrf_token": token})


def _open(browser, code: str):
    token = page_csrf(browser, f"/console/cases/{code}")
    return browser.post(f"/console/cases/{code}/identity/open", data={"csrf_token": token})


def _pending_request(services) -> int:
    with services.sessions() as session:
        return session.execute(select(IdentityRequest.id).where(
            IdentityRequest.status == "pending")).scalar_one()


def test_one_admin_alone_cannot_get_an_identity_opened(services, clock):
    code = file(services, kind="grievance", identity_mode="confidential",
                name=SECRET_NAME, phone=SECRET_PHONE)
    office = case_of(services, code).office_id
    make_officer(services, "admin1", office="palad", roles=("admin",))
    admin = _browser(services)
    assert sign_in(admin, "admin1").status_code == 302

    # The admin makes an officer of the case's office and a custodian of another office.
    assert _add_account(admin, "mole", office, ["officer"]).status_code == 200
    made = _html(_add_account(admin, "puppet", "finance", ["custodian"]))
    assert 'id="roles-pending"' in made  # the custodian role waits for a second person
    # and a second admin to confirm it with: that role waits too
    _add_account(admin, "sock", "palad", ["admin"])

    mole = _first_sign_in(services, clock, "mole")
    puppet = _first_sign_in(services, clock, "puppet")
    sock = _first_sign_in(services, clock, "sock")
    assert puppet.get("/console/requests").status_code == 404  # not a custodian yet
    assert sock.get("/console/grants").status_code == 404  # not an admin yet

    # The admin cannot confirm the role they gave.
    refused = _html(_confirm(admin, _grant_id(services, "puppet", "custodian")))
    assert "ต้องให้ผู้ดูแลคนอื่นยืนยัน" in refused
    assert puppet.get("/console/requests").status_code == 404

    # The officer asks; nobody the admin made can approve.
    token = page_csrf(mole, f"/console/cases/{code}")
    mole.post(f"/console/cases/{code}/identity/request", data={
        "reason": "ต้องโทรนัดผู้ร้องเพื่อชี้จุดที่ชำรุด", "csrf_token": token})
    request_id = _pending_request(services)
    assert puppet.post(f"/console/requests/{request_id}/decide", data={
        "decision": "approve", "reason": "เหตุผลเพียงพอ",
        "csrf_token": page_csrf(puppet, "/console/account")}).status_code == 404
    assert _open(mole, code).status_code == 404

    # A second, real admin confirms the custodian (a careless or colluding second
    # person): the custodian still may not approve an account the same admin made.
    make_officer(services, "admin2", office="palad", roles=("admin",))
    real_admin = _browser(services)
    sign_in(real_admin, "admin2")
    assert "ต้องให้ผู้ดูแลคนอื่นยืนยัน" not in _html(
        _confirm(real_admin, _grant_id(services, "puppet", "custodian")))
    assert puppet.get("/console/requests").status_code == 200
    html = _html(_decide(puppet, request_id))
    assert "ผู้ดูแลระบบคนเดียวกันภายใน 30 วัน" in html
    assert _open(mole, code).status_code == 404
    # nor may the admin's own second admin confirm a custodian for them
    _confirm(real_admin, _grant_id(services, "sock", "admin"))
    _add_account(admin, "puppet2", "finance", ["custodian"])
    assert "ต้องให้ผู้ดูแลคนอื่นยืนยัน" in _html(
        _confirm(sock, _grant_id(services, "puppet2", "custodian")))

    opened = [r for r in audit_rows(services, "identity_open") if r.case_code == code]
    assert opened == []
    refusals = [r.detail for r in audit_rows(services, "decision_refused")]
    assert refusals == [f"request:{request_id}: same_sponsor"]
    assert SECRET_NAME not in " ".join(r.detail for r in audit_rows(services))


def test_an_independent_custodian_approves_and_every_custodian_sees_the_opening(
        services, clock):
    code = file(services, kind="grievance", identity_mode="confidential",
                name=SECRET_NAME, phone=SECRET_PHONE)
    office = case_of(services, code).office_id
    make_officer(services, "admin1", office="palad", roles=("admin",))
    admin = _browser(services)
    sign_in(admin, "admin1")
    _add_account(admin, "eng9", office, ["officer"])
    officer = _first_sign_in(services, clock, "eng9")
    # custodians the admin did not make (the server's operator made them)
    make_officer(services, "cust_a", office="palad", roles=("custodian",))
    make_officer(services, "cust_b", office="finance", roles=("custodian",))
    cust_a, cust_b = _browser(services), _browser(services)
    sign_in(cust_a, "cust_a")
    sign_in(cust_b, "cust_b")

    token = page_csrf(officer, f"/console/cases/{code}")
    officer.post(f"/console/cases/{code}/identity/request", data={
        "reason": "ต้องโทรนัดผู้ร้องเพื่อชี้จุดที่ชำรุด", "csrf_token": token})
    request_id = _pending_request(services)
    _decide(cust_a, request_id)
    html = _html(_open(officer, code))
    assert SECRET_NAME in html and SECRET_PHONE in html
    # the other custodian, who decided nothing, sees the opening and who approved it
    seen = _html(cust_b.get("/console/requests"))
    assert "การเปิดดูตัวตนผู้ร้องทั้งหมด" in seen
    assert code in seen and "บัญชี eng9" in seen and "อนุมัติโดย เจ้าหน้าที่ cust_a" in seen
    assert 'id="audit-head"' in seen
    # the approval is for that officer, one day
    clock.advance(hours=24, seconds=1)
    assert sign_in(officer, "eng9", password=START_PASSWORD).status_code == 302
    assert _open(officer, code).status_code == 404


def test_after_thirty_days_the_admins_accounts_are_no_longer_kept_apart(services, clock):
    code = file(services, kind="grievance", identity_mode="confidential",
                name=SECRET_NAME, phone=SECRET_PHONE)
    office = case_of(services, code).office_id
    make_officer(services, "admin1", office="palad", roles=("admin",))
    make_officer(services, "admin2", office="palad", roles=("admin",))
    admin, second = _browser(services), _browser(services)
    sign_in(admin, "admin1")
    sign_in(second, "admin2")
    _add_account(admin, "eng9", office, ["officer"])
    _add_account(admin, "cust9", "finance", ["custodian"])
    _confirm(second, _grant_id(services, "cust9", "custodian"))
    officer = _first_sign_in(services, clock, "eng9")
    custodian = _first_sign_in(services, clock, "cust9")
    clock.advance(days=30, minutes=1)
    assert sign_in(officer, "eng9", password=START_PASSWORD).status_code == 302
    assert sign_in(custodian, "cust9", password=START_PASSWORD).status_code == 302
    token = page_csrf(officer, f"/console/cases/{code}")
    officer.post(f"/console/cases/{code}/identity/request", data={
        "reason": "ต้องโทรนัดผู้ร้องเพื่อชี้จุดที่ชำรุด", "csrf_token": token})
    _decide(custodian, _pending_request(services))
    assert SECRET_NAME in _html(_open(officer, code))
