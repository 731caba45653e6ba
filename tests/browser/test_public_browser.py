"""The public tip form in real headless Chromium: a tip with a file from form to receipt,
tracked with its secret, answered from the officer console, and seen answered."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from selenium.webdriver.common.by import By
from sqlalchemy import select

from handlers.stats import fiscal_year_bounds
from handlers.thai_dates import fiscal_year
from storage.models import Case, Evidence
from tests.browser.steps import sign_in, submit
from tests.public_helpers import jpeg_bytes
from tests.test_console_support import make_officer
from tests.test_public_stats import add_cases

pytestmark = pytest.mark.browser

STORY = "ถนนลูกรังหน้าวัดหมู่ 4 เป็นหลุมบ่อลึก รถจักรยานยนต์ล้มไปแล้วสองคัน"



def track(browser, base, code, secret):
    browser.get(base + "/track")
    browser.find_element(By.ID, "code").send_keys(code)
    browser.find_element(By.ID, "secret").send_keys(secret)
    submit(browser, browser.find_element(By.CSS_SELECTOR, "#track-form button"))


def test_tip_with_a_file_to_receipt_then_tracked_and_answered_from_the_console(
        browser, live_server, services, tmp_path):
    photo = tmp_path / "road.jpg"
    photo.write_bytes(jpeg_bytes((320, 240)))
    browser.get(live_server + "/tip")
    # Bad input first: kept on the same page with a Thai message.
    browser.find_element(By.CSS_SELECTOR, "input[name=kind][value=grievance]").click()
    browser.find_element(By.ID, "location").send_keys("หน้าวัดหมู่ 4")
    submit(browser, browser.find_element(By.CSS_SELECTOR, "#tip-form button"))
    assert "กรุณากรอกเกิดอะไรขึ้น" in browser.find_element(By.ID, "description-error").text
    assert browser.find_element(By.ID, "location").get_attribute("value") == "หน้าวัดหมู่ 4"
    assert browser.find_element(
        By.CSS_SELECTOR, "input[name=kind][value=grievance]").is_selected()
    # Then the whole tip, with a photo.
    browser.find_element(By.ID, "description").send_keys(STORY)
    browser.find_element(By.ID, "files").send_keys(str(photo))
    submit(browser, browser.find_element(By.CSS_SELECTOR, "#tip-form button"))
    assert browser.current_url == live_server + "/tip/receipt"
    code = browser.find_element(By.ID, "case-code").text
    secret = browser.find_element(By.ID, "case-secret").text
    assert re.fullmatch(r"\d{4} \d{4} \d{4} \d{4}", secret)
    assert secret.replace(" ", "") not in browser.current_url
    assert "จดรหัสเรื่องและรหัสลับ" in browser.page_source
    assert {c["name"] for c in browser.get_cookies()} <= {"tambon_csrf"}
    browser.refresh()  # shown once: a reload does not show it again
    assert secret not in browser.page_source and "หมดอายุ" in browser.page_source

    with services.sessions() as session:
        case = session.execute(select(Case).where(Case.code == code)).scalar_one()
        files = session.execute(select(Evidence).where(Evidence.case_id == case.id)).all()
    assert case.channel == "web" and case.identity_mode == "anonymous" and len(files) == 1

    track(browser, live_server, code, secret)
    assert browser.find_element(By.ID, "case-status").text == "ได้รับเรื่องแล้ว รอเจ้าหน้าที่รับเรื่อง"

    # The office's officer answers from the console.
    make_officer(services, "officer1", office=case.office_id)
    sign_in(browser, live_server, "officer1")
    submit(browser, browser.find_element(By.LINK_TEXT, code))
    browser.find_element(By.ID, "reply-text").send_keys("ช่างจะเข้าไปถมหลุมภายในสัปดาห์นี้ค่ะ")
    submit(browser, browser.find_element(By.ID, "send-reply"))
    submit(browser, browser.find_element(By.ID, "logout"))

    track(browser, live_server, code, secret)
    timeline = browser.find_element(By.ID, "timeline").text
    assert "ช่างจะเข้าไปถมหลุมภายในสัปดาห์นี้ค่ะ" in timeline
    assert "ข้อความจากเจ้าหน้าที่" in timeline
    # Add information back, still without the secret in any URL.
    browser.find_element(By.ID, "info").send_keys("ตอนนี้มีน้ำขังในหลุมด้วย")
    submit(browser, browser.find_element(By.CSS_SELECTOR, "#add-form button"))
    assert "ส่งข้อมูลเพิ่มเติมเรียบร้อยแล้ว" in browser.page_source
    assert "ตอนนี้มีน้ำขังในหลุมด้วย" in browser.find_element(By.ID, "timeline").text
    assert "secret" not in browser.current_url


def test_stats_page_without_javascript_requests_nothing_outside(browser, live_server,
                                                                sessions, vault, org, clock):
    start, _ = fiscal_year_bounds(fiscal_year(clock()))
    add_cases(sessions, vault, org, start + timedelta(days=5), [("grievance", "palad")] * 3)
    browser.get(live_server + "/stats")
    assert "สถิติการรับเรื่องร้องเรียน" in browser.find_element(By.TAG_NAME, "h1").text
    assert browser.find_elements(By.CSS_SELECTOR, ".bars svg.bar")
    urls = browser.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)")
    assert all(u.startswith(live_server) for u in urls), urls
