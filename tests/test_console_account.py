""""บัญชีของฉัน": an officer changes their own password and sets up their own TOTP; a custodian
or admin without one sets it up before anything else; an admin's reset shows no seed."""

from __future__ import annotations

import base64
import re

from bot.app import create_app
from bot.console import credentials
from storage.models import Officer
from storage.models.console import ConsoleSession
from tests.test_console_support import (
    PASSWORD,
    audit_rows,
    csrf_from,
    enrol_page,
    forget_totp,
    make_officer,
    page_csrf,
    sign_in,
)

NEW_PASSWORD = "รหัสผ่านใหม่ของฉัน-2569"
_SECRET_RE = re.compile(r'<code id="totp-secret">([A-Z2-7 ]+)</code>')


def _html(response) -> str:
    return response.get_data(as_text=True)


def _another_browser(services):
    return create_app(services).test_client()


def _change(client, current=PASSWORD, new=NEW_PASSWORD, again=None):
    token = page_csrf(client, "/console/account")
    return client.post("/console/account/password", data={
        "csrf_token": token, "current_password": current, "new_password": new,
        "new_password_again": new if again is None else again})


def _no_secrets_in_audit(services, *secrets: str) -> None:
    for record in audit_rows(services):
        for secret in secrets:
            assert secret not in (record.detail or ""), record.detail


def test_account_page_shows_who_i_am(client, services):
    make_officer(services, "somchai", office="health")
    sign_in(client, "somchai")
    html = _html(client.get("/console/account"))
    assert "บัญชีของฉัน" in html and "somchai" in html and "กองสาธารณสุขและสิ่งแวดล้อม" in html
    assert "ตั้งค่าแล้ว" in html  # every account has a second factor
    assert "ต้องใช้รหัสยืนยันตัวตนสองขั้นตอน" in html
    assert 'href="/console/account"' in _html(client.get("/console/queue"))  # in the header


def test_changing_my_password(client, services, clock):
    officer_id, _ = make_officer(services, "somchai")
    assert sign_in(client, "somchai").status_code == 302
    other = _another_browser(services)
    assert sign_in(other, "somchai").status_code == 302

    wrong = _change(client, current="not my password!!")
    assert wrong.status_code == 400 and "รหัสผ่านปัจจุบันไม่ถูกต้อง" in _html(wrong)
    short = _change(client, new="สั้นไป")
    assert short.status_code == 400 and "อย่างน้อย 12 ตัวอักษร" in _html(short)
    mismatch = _change(client, again=NEW_PASSWORD + "x")
    assert mismatch.status_code == 400 and "ไม่ตรงกัน" in _html(mismatch)
    same = _change(client, new=PASSWORD)
    assert same.status_code == 400 and "ไม่ซ้ำกับรหัสผ่านเดิม" in _html(same)
    assert [r.detail for r in audit_rows(services, "sign_in_failed")] == ["current_password"]

    done = _change(client)
    assert done.status_code == 303 and done.location.endswith("/console/account?saved=password")
    assert "เปลี่ยนรหัสผ่านแล้ว" in _html(client.get(done.location))
    assert client.get("/console/queue").status_code == 200  # this browser: a fresh session
    assert other.get("/console/queue").status_code == 302  # the other one: ended
    with services.sessions() as session:
        live = [s for s in session.query(ConsoleSession).filter_by(officer_id=officer_id)
                if s.ended_at is None]
    assert len(live) == 1
    # the old password no longer works, the new one does
    assert sign_in(_another_browser(services), "somchai").status_code == 401
    assert sign_in(_another_browser(services), "somchai",
                   password=NEW_PASSWORD).status_code == 302
    assert [r.detail for r in audit_rows(services, "account")][-1] == (
        f"password_set officer:{officer_id}")
    assert audit_rows(services, "account")[-1].actor == f"officer:{officer_id}"
    _no_secrets_in_audit(services, PASSWORD, NEW_PASSWORD)


def test_ten_wrong_current_passwords_lock_the_account(client, services, clock):
    make_officer(services, "somchai")
    sign_in(client, "somchai")
    for _ in range(9):
        assert _change(client, current="not my password!!").status_code == 400
        clock.advance(minutes=3)
    tenth = _change(client, current="not my password!!")
    assert tenth.status_code == 303 and tenth.location.endswith("/console/login")
    assert client.get("/console/queue").status_code == 302
    assert sign_in(_another_browser(services), "somchai").status_code == 401  # locked
    assert len(audit_rows(services, "account_locked")) == 1


def _confirm(client, pending: str, code: str, current: str | None = PASSWORD):
    data = {"csrf_token": page_csrf(client, "/console/account"), "pending": pending,
            "code": code}
    if current is not None:
        data["current_password"] = current
    return client.post("/console/account/totp", data=data)


def test_setting_up_my_own_totp(client, services, clock):
    """An account from before every account had a second factor: set up at sign-in."""
    officer_id, _ = make_officer(services, "somchai")
    forget_totp(services, officer_id, "somchai")
    assert sign_in(client, "somchai").location.endswith("/console/account/totp")
    other = _another_browser(services)
    sign_in(other, "somchai")
    html, seed, pending = enrol_page(client)
    # drawn on the server, as inline SVG, with the otpauth URI beside it
    assert '<svg' in html and 'class="segno"' in html and "<img" not in html
    assert "otpauth://totp/" in html and "somchai" in html

    wrong = _confirm(client, pending, "000000" if credentials.totp_code(seed, clock())
                     != "000000" else "111111")
    assert wrong.status_code == 400 and "รหัสยืนยันตัวตนไม่ถูกต้อง" in _html(wrong)
    assert _SECRET_RE.search(_html(wrong)).group(1).replace(" ", "") == (
        base64.b32encode(seed).decode().rstrip("="))  # the same seed, to try again
    with services.sessions() as session:
        assert session.get(Officer, officer_id).sealed_totp is None

    done = _confirm(client, pending, credentials.totp_code(seed, clock()), current=None)
    assert done.status_code == 303 and done.location.endswith("/console/queue")
    assert client.get("/console/queue").status_code == 200
    assert other.get("/console/queue").status_code == 302  # other sessions ended
    with services.sessions() as session:
        assert session.get(Officer, officer_id).sealed_totp is not None

    # signing in now needs the code; the one used to enrol does not work again
    fresh = _another_browser(services)
    response = sign_in(fresh, "somchai")
    assert response.status_code == 302 and response.location.endswith("/console/totp")
    form = _html(fresh.get("/console/totp"))
    replay = fresh.post("/console/totp", data={
        "code": credentials.totp_code(seed, clock()), "csrf_token": csrf_from(form)})
    assert replay.status_code == 401
    clock.advance(seconds=30)
    assert sign_in(_another_browser(services), "somchai", seed=seed,
                   clock=clock).status_code == 302
    assert [r.detail for r in audit_rows(services, "account")][-1] == (
        f"totp_enrolled officer:{officer_id}")
    secret_text = base64.b32encode(seed).decode().rstrip("=")
    _no_secrets_in_audit(services, secret_text, secret_text[:8], pending[:20])


def test_a_set_up_page_from_another_browser_does_not_work_here(client, services, clock):
    make_officer(services, "somchai")
    sign_in(client, "somchai")
    other = _another_browser(services)
    sign_in(other, "somchai")
    _, seed, pending = enrol_page(other)
    response = _confirm(client, pending, credentials.totp_code(seed, clock()))
    assert response.status_code == 400 and "หมดอายุ" in _html(response)
    # nor does an old one
    _, seed, pending = enrol_page(client)
    clock.advance(minutes=16)
    client.get("/console/queue")  # keeps the session alive
    response = _confirm(client, pending, credentials.totp_code(seed, clock()))
    assert response.status_code == 400 and "หมดอายุ" in _html(response)


def test_replacing_my_totp(client, services, clock):
    _, old_seed = make_officer(services, "somchai")
    sign_in(client, "somchai", seed=old_seed, clock=clock)
    html, seed, pending = enrol_page(client)
    assert "รหัสจากแอปเดิมจะใช้ไม่ได้อีก" in html
    clock.advance(seconds=30)
    no_password = _confirm(client, pending, credentials.totp_code(seed, clock()),
                           current="not my password!!")
    assert no_password.status_code == 400
    assert "รหัสผ่านปัจจุบันไม่ถูกต้อง" in _html(no_password)
    done = _confirm(client, pending, credentials.totp_code(seed, clock()))
    assert done.status_code == 303 and done.location.endswith("/console/account?saved=totp")
    assert "ตั้งค่ารหัสยืนยันตัวตนแล้ว" in _html(client.get(done.location))
    clock.advance(seconds=30)
    assert sign_in(_another_browser(services), "somchai", seed=old_seed,
                   clock=clock).status_code == 401
    clock.advance(seconds=30)
    assert sign_in(_another_browser(services), "somchai", seed=seed,
                   clock=clock).status_code == 302
    assert "totp_replaced" in audit_rows(services, "account")[-1].detail


def test_a_custodian_without_totp_sets_it_up_before_anything_else(client, services, clock):
    officer_id, _ = make_officer(services, "cust", office="palad", roles=("custodian",))
    forget_totp(services, officer_id, "cust")
    response = sign_in(client, "cust")
    assert response.status_code == 302 and response.location.endswith("/console/account/totp")
    for path in ("/console/requests", "/console/account", "/console/", "/console/queue",
                 "/console/totp"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.location.endswith("/console/account/totp"), path
    html, seed, pending = enrol_page(client)
    assert "กรุณาตั้งค่าให้เสร็จก่อนเข้าใช้งาน" in html
    assert 'name="current_password"' not in html  # the password was just typed
    # nothing else may be posted either
    token = csrf_from(html)
    assert client.post("/console/account/password", data={
        "csrf_token": token, "current_password": PASSWORD, "new_password": NEW_PASSWORD,
        "new_password_again": NEW_PASSWORD}).status_code == 302
    done = _confirm(client, pending, credentials.totp_code(seed, clock()), current=None)
    assert done.status_code == 303 and done.location.endswith("/console/requests")
    assert client.get("/console/requests").status_code == 200
    clock.advance(seconds=30)
    fresh = _another_browser(services)
    assert sign_in(fresh, "cust").location.endswith("/console/totp")
    assert sign_in(_another_browser(services), "cust", seed=seed,
                   clock=clock).status_code == 302


def test_the_enrolment_stage_expires(client, services, clock):
    officer_id, _ = make_officer(services, "admin9", office="palad", roles=("admin",))
    forget_totp(services, officer_id, "admin9")
    sign_in(client, "admin9")
    clock.advance(minutes=16)
    response = client.get("/console/account/totp")
    assert response.status_code == 302 and response.location.endswith("/console/login")


def test_an_admin_reset_shows_no_seed_and_the_officer_sets_up_a_new_one(client, services,
                                                                         clock):
    _, admin_seed = make_officer(services, "admin1", office="palad", roles=("admin",))
    cust_id, cust_seed = make_officer(services, "cust", office="palad", roles=("custodian",))
    cust = _another_browser(services)
    assert sign_in(cust, "cust", seed=cust_seed, clock=clock).status_code == 302
    sign_in(client, "admin1", seed=admin_seed, clock=clock)
    token = page_csrf(client, "/console/officers")
    response = client.post(f"/console/officers/{cust_id}/totp", data={"csrf_token": token},
                           follow_redirects=True)
    html = _html(response)
    assert response.status_code == 200 and "ยกเลิกรหัสยืนยันตัวตนของ cust แล้ว" in html
    assert "totp-secret" not in html and "otpauth://" not in html
    assert cust.get("/console/requests").status_code == 302  # their sessions ended
    with services.sessions() as session:
        assert session.get(Officer, cust_id).sealed_totp is None
    assert audit_rows(services, "account")[-1].detail == f"totp_reset officer:{cust_id}"
    response = sign_in(_another_browser(services), "cust")
    assert response.location.endswith("/console/account/totp")


def test_an_admin_adds_a_custodian_who_sets_up_totp_at_first_sign_in(client, services, clock):
    _, admin_seed = make_officer(services, "admin1", office="palad", roles=("admin",))
    sign_in(client, "admin1", seed=admin_seed, clock=clock)
    token = page_csrf(client, "/console/officers")
    response = client.post("/console/officers", data={
        "username": "cust2", "display_name": "ผู้ดูแลข้อมูล", "office_id": "palad",
        "roles": ["custodian"], "password": "รหัสผ่านเริ่มต้นยาวพอ1", "csrf_token": token})
    html = _html(response)
    assert "cust2" in html and "otpauth://" not in html and "totp-secret" not in html
    response = sign_in(_another_browser(services), "cust2", password="รหัสผ่านเริ่มต้นยาวพอ1")
    assert response.location.endswith("/console/account/totp")
