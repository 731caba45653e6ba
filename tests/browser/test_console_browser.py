"""The console in real headless Chromium: TOTP sign-in, a case worked to resolved with the
public reply reaching the fake LINE, an identity request denied then approved, and a
<script> in a complaint shown as text."""

from __future__ import annotations

import base64

import pytest
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from bot.console import credentials
from tests.browser.steps import sign_in, sign_out, submit
from tests.test_console_support import (
    LINE_ID,
    PASSWORD,
    case_of,
    file,
    forget_totp,
    make_officer,
)

pytestmark = pytest.mark.browser


def test_sign_in_with_totp(browser, live_server, services, clock):
    _, seed = make_officer(services, "cust", office="palad", roles=("custodian",))
    browser.get(live_server + "/console/queue")
    assert "/console/login" in browser.current_url
    assert "เข้าสู่ระบบ" in browser.page_source
    sign_in(browser, live_server, "cust", seed=seed, clock=clock)
    assert browser.current_url.endswith("/console/requests")
    assert "คำขอดูตัวตนผู้ร้อง" in browser.find_element(By.TAG_NAME, "h1").text
    cookie = browser.get_cookie("tambon_console")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    sign_out(browser)
    assert "/console/login" in browser.current_url


def test_wrong_totp_code_shows_thai_error(browser, live_server, services, clock):
    _, seed = make_officer(services, "cust", office="palad", roles=("custodian",))
    browser.get(live_server + "/console/login")
    browser.find_element(By.ID, "username").send_keys("cust")
    browser.find_element(By.ID, "password").send_keys(PASSWORD)
    submit(browser, browser.find_element(By.ID, "sign-in"))
    browser.find_element(By.ID, "code").send_keys("000000")
    submit(browser, browser.find_element(By.ID, "verify"))
    assert "รหัสยืนยันตัวตนไม่ถูกต้อง" in browser.find_element(By.ID, "error").text


def test_custodian_sets_up_totp_at_firstsign_in(browser, live_server, services, clock):
    officer_id, _ = make_officer(services, "cust", office="palad", roles=("custodian",))
    forget_totp(services, officer_id, "cust")
    sign_in(browser, live_server, "cust")
    assert browser.current_url.endswith("/console/account/totp")
    qr = browser.find_element(By.CSS_SELECTOR, "#qr svg")
    assert qr.size["width"] >= 150  # drawn inline, large enough to scan
    secret = browser.find_element(By.ID, "totp-secret").text.replace(" ", "")
    seed = base64.b32decode(secret + "=" * (-len(secret) % 8))
    browser.find_element(By.ID, "code").send_keys(credentials.totp_code(seed, clock()))
    submit(browser, browser.find_element(By.ID, "enrol"))
    assert browser.current_url.endswith("/console/requests")
    sign_out(browser)
    clock.advance(seconds=30)
    sign_in(browser, live_server, "cust", seed=seed, clock=clock)
    assert browser.current_url.endswith("/console/requests")


def _change_status(browser, status, text=None):
    """The one box to the citizen, with a new status (and a message, if any)."""
    Select(browser.find_element(By.ID, "new-status")).select_by_value(status)
    if text:
        browser.find_element(By.ID, "reply-text").send_keys(text)
    submit(browser, browser.find_element(By.ID, "send-reply"))


def test_work_a_case_from_received_to_resolved(browser, live_server, services, worker,
                                              fake_line):
    code = file(services)
    make_officer(services, "eng1", office="engineering")
    sign_in(browser, live_server, "eng1")
    assert browser.current_url.endswith("/console/queue")
    submit(browser, browser.find_element(By.LINK_TEXT, code))
    assert browser.find_element(By.ID, "case-code").text == code
    assert "หลุมบ่อ" in browser.find_element(By.ID, "content").text
    _change_status(browser, "acknowledged")
    assert browser.find_element(By.ID, "case-status").text == "ตอบรับเรื่องแล้ว"
    browser.find_element(By.ID, "reply-text").send_keys("พรุ่งนี้ช่างจะเข้าไปสำรวจค่ะ")
    submit(browser, browser.find_element(By.ID, "send-reply"))
    browser.find_element(By.ID, "note-text").send_keys("ใช้หินคลุกจากคลังพัสดุ")
    submit(browser, browser.find_element(By.ID, "add-note"))
    _change_status(browser, "investigating")
    _change_status(browser, "resolved")  # no summary: refused, with a Thai message
    assert "สรุปผล" in browser.find_element(By.ID, "error").text
    _change_status(browser, "resolved", "ถมหลุมบ่อหมู่ 4 เรียบร้อยแล้วค่ะ")
    assert "error" not in browser.current_url
    assert browser.find_element(By.ID, "case-status").text == "ดำเนินการแล้วเสร็จ"
    timeline = browser.find_element(By.ID, "timeline").text
    assert "พรุ่งนี้ช่างจะเข้าไปสำรวจค่ะ" in timeline and "ใช้หินคลุก" in timeline
    assert case_of(services, code).status == "resolved"
    worker.run_until_idle()
    texts = [m["text"] for m in fake_line.messages_to(LINE_ID)]
    assert any("พรุ่งนี้ช่างจะเข้าไปสำรวจค่ะ" in t for t in texts)
    assert any("ถมหลุมบ่อหมู่ 4 เรียบร้อยแล้วค่ะ" in t for t in texts)
    assert not any("หินคลุก" in t for t in texts)


def test_identity_request_denied_then_approved(browser, live_server, services, clock,
                                               worker, fake_line):
    code = file(services, identity_mode="confidential", name="นางลับ ปกปิด",
                phone="086-111-2222")
    make_officer(services, "eng1", office="engineering")
    _, seed = make_officer(services, "cust", office="palad", roles=("custodian",))

    def request_identity(reason):
        sign_in(browser, live_server, "eng1")
        browser.get(f"{live_server}/console/cases/{code}")
        browser.find_element(By.ID, "request-reason").send_keys(reason)
        submit(browser, browser.find_element(By.ID, "request-identity"))
        assert "รอผู้ดูแลข้อมูลพิจารณา" in browser.find_element(By.ID, "identity").text
        sign_out(browser)

    def decide(button, reason):
        clock.advance(seconds=31)  # a fresh TOTP step for each sign-in
        sign_in(browser, live_server, "cust", seed=seed, clock=clock)
        card = browser.find_element(By.CSS_SELECTOR, ".request-pending")
        assert code in card.text and "หลุมบ่อ" not in browser.page_source
        card.find_element(By.CSS_SELECTOR, ".decision-text").send_keys(reason)
        submit(browser, card.find_element(By.CSS_SELECTOR, f"button.{button}"))
        sign_out(browser)

    request_identity("ต้องนัดผู้ร้องชี้จุดถนนที่ชำรุด")
    decide("deny", "ให้ติดต่อผ่านไลน์ก่อน")
    sign_in(browser, live_server, "eng1")
    browser.get(f"{live_server}/console/cases/{code}")
    box = browser.find_element(By.ID, "identity").text
    assert "ไม่อนุมัติ" in box and "ให้ติดต่อผ่านไลน์ก่อน" in box
    assert not browser.find_elements(By.ID, "open-identity")
    sign_out(browser)

    request_identity("ผู้ร้องไม่ตอบไลน์ ต้องโทรนัดหมาย")
    decide("approve", "เหตุผลเพียงพอ")
    sign_in(browser, live_server, "eng1")
    browser.get(f"{live_server}/console/cases/{code}")
    assert "อนุมัติแล้ว" in browser.find_element(By.ID, "identity").text
    submit(browser, browser.find_element(By.ID, "open-identity"))
    details = browser.find_element(By.ID, "identity-details").text
    assert "นางลับ ปกปิด" in details and "086-111-2222" in details
    worker.run_until_idle()
    texts = [m["text"] for m in fake_line.messages_to(LINE_ID)]
    assert any("กองช่าง" in t and "โทรนัดหมาย" in t for t in texts)


def test_script_in_a_complaint_is_shown_as_text(browser, live_server, services):
    payload = ('<script>document.title="pwned";alert(1)</script>'
               '<img src=x onerror="document.title=\'pwned\'"> ถนนพัง')
    code = file(services, description=payload)
    make_officer(services, "eng1", office="engineering")
    sign_in(browser, live_server, "eng1")
    browser.get(f"{live_server}/console/cases/{code}")
    shown = browser.find_element(By.CSS_SELECTOR, "#content .citizen-text")
    assert shown.text == payload
    assert browser.title != "pwned" and "pwned" not in browser.title
    assert not browser.find_elements(By.CSS_SELECTOR, "#content script, #content img")
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert.text  # noqa: B018
