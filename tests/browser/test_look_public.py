"""The public pages as a villager sees them, on a phone (390 px) and a desktop (1280 px):
each page's screenshot is kept for review, and each fails on sideways scrolling, text cut
off or spilling out, text under 12 px, Thai drawn as boxes, or headers one word a line."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from selenium.webdriver.common.by import By

from handlers.stats import fiscal_year_bounds
from handlers.thai_dates import fiscal_year
from tests.browser.layout import look
from tests.browser.steps import submit
from tests.test_public_stats import add_cases

pytestmark = pytest.mark.browser

STORY = ("ไฟถนนหน้าโรงเรียนบ้านหนองบัว หมู่ 7 ดับมาสองสัปดาห์แล้ว ตอนกลางคืนมืดมาก "
         "เด็กนักเรียนกลับบ้านค่ำต้องเดินผ่านทุกวัน")
COMMENT = "เจ้าหน้าที่ตอบช้าไปหน่อย แต่สุภาพดีค่ะ"


@pytest.fixture
def other_office(services):
    """An office that is not the default one: nothing on the front page may be fixed text."""
    services.org = replace(services.org, name="องค์การบริหารส่วนตำบลหนองน้ำใส",
                           short_name="อบต.หนองน้ำใส", phone="044-123-456",
                           address="หมู่ 2 ตำบลหนองน้ำใส อำเภอสีคิ้ว จังหวัดนครราชสีมา",
                           hours="จันทร์–ศุกร์ 08:30–16:30 น.",
                           line_oa_name="อบต.หนองน้ำใส",
                           add_friend_url="https://line.me/R/ti/p/%40nongnamsai")
    return services.org


def test_front_page(browser, live_server, other_office, width, screens):
    browser.get(live_server + "/")
    assert browser.find_element(By.TAG_NAME, "h1").text == other_office.name
    contact = browser.find_element(By.ID, "contact").text
    for fact in (other_office.address, other_office.phone, other_office.hours):
        assert fact in contact
    line = browser.find_element(By.ID, "line-add-friend")
    assert line.get_attribute("href") == "https://line.me/R/ti/p/%40nongnamsai"
    assert "อบต.หนองน้ำใส" in browser.find_element(By.ID, "actions").text
    hrefs = {a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR,
                                                                     "#actions a")}
    assert {live_server + p for p in ("/tip", "/track", "/stats")} <= hrefs
    services_offered = browser.find_element(By.ID, "services").text
    assert "เบี้ยผู้สูงอายุ" in services_offered and "elderly" not in services_offered
    assert "ทุ่งโพธิ์" not in browser.find_element(By.TAG_NAME, "body").text.replace(
        "เจ็บป่วยฉุกเฉิน", "")  # the default office's name is nowhere but in its data
    look(browser, screens, "front-page")


def test_front_page_without_a_line_account_has_no_dead_link(browser, live_server, services,
                                                              width, screens):
    services.org = replace(services.org, add_friend_url="")
    browser.get(live_server + "/")
    assert not browser.find_elements(By.ID, "line-add-friend")
    assert "โทรถาม" in browser.find_element(By.TAG_NAME, "main").text
    look(browser, screens, "front-page-no-line")


def test_unknown_address_is_a_thai_page(browser, live_server, width, screens):
    browser.get(live_server + "/no/such/page")
    assert browser.find_element(By.ID, "error-title").text == "ไม่พบหน้าที่ท่านต้องการ"
    assert "Not Found" not in browser.page_source
    assert browser.find_element(By.ID, "home-link").get_attribute("href") == live_server + "/"
    look(browser, screens, "not-found")


def test_a_failure_is_a_thai_page(browser, app, live_server, services, width, screens):
    browser.get(live_server + "/_test/fail")
    assert browser.find_element(By.ID, "error-title").text == "ขออภัย ระบบขัดข้องชั่วคราว"
    assert services.org.phone in browser.find_element(By.ID, "error-message").text
    assert "Traceback" not in browser.page_source and "ZeroDivision" not in browser.page_source
    look(browser, screens, "failure")


@pytest.fixture
def app(app):
    """The app with a route that fails, as a bug would, and exceptions not re-raised."""
    app.config["PROPAGATE_EXCEPTIONS"] = False
    app.add_url_rule("/_test/fail", "test_fail", lambda: 1 // 0)
    return app


def _send_tip(browser, base):
    browser.get(base + "/tip")
    browser.find_element(By.CSS_SELECTOR, "input[name=kind][value=grievance]").click()
    browser.find_element(By.ID, "description").send_keys(STORY)
    browser.find_element(By.ID, "location").send_keys("หน้าโรงเรียนบ้านหนองบัว")
    submit(browser, browser.find_element(By.CSS_SELECTOR, "#tip-form button"))


_GROUP_LINES_JS = r"""
const box = document.getElementById(arguments[0]);
const lines = [];
const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
for (let n = walker.nextNode(); n; n = walker.nextNode()) {
  for (let i = 0; i < n.length; i++) {
    if (!/\d/.test(n.data[i])) { lines.push(null); continue; }
    const r = document.createRange();
    r.setStart(n, i); r.setEnd(n, i + 1);
    lines.push(Math.round(r.getBoundingClientRect().top));
  }
}
return lines;
"""


def secret_groups_by_line(browser, element_id: str) -> list[set[int]]:
    """For each group of digits in the element, the lines (tops, px) its digits are on."""
    groups, current = [], set()
    for top in browser.execute_script(_GROUP_LINES_JS, element_id):
        if top is None:
            if current:
                groups.append(current)
            current = set()
        else:
            current.add(top)
    if current:
        groups.append(current)
    return groups


def test_tip_form_and_its_receipt(browser, live_server, width, screens):
    browser.get(live_server + "/tip")
    look(browser, screens, "tip-form")
    submit(browser, browser.find_element(By.CSS_SELECTOR, "#tip-form button"))
    assert browser.find_element(By.ID, "description-error").text
    look(browser, screens, "tip-form-errors")
    _send_tip(browser, live_server)
    secret = browser.find_element(By.ID, "case-secret").text
    groups = secret_groups_by_line(browser, "case-secret")
    assert len(groups) == 4 and "".join(secret.split()).isdigit()
    # a group of four digits is never split across two lines; the groups may wrap,
    # two a line on a phone
    assert all(len(lines) == 1 for lines in groups), groups
    assert len(set().union(*groups)) == (2 if width < 600 else 1), groups
    look(browser, screens, "tip-receipt")


def test_tracking_a_case(browser, live_server, width, screens):
    browser.get(live_server + "/track")
    look(browser, screens, "track-form")
    _send_tip(browser, live_server)
    code = browser.find_element(By.ID, "case-code").text
    secret = browser.find_element(By.ID, "case-secret").text
    browser.get(live_server + "/track")
    browser.find_element(By.ID, "code").send_keys(code)
    browser.find_element(By.ID, "secret").send_keys(secret)
    submit(browser, browser.find_element(By.CSS_SELECTOR, "#track-form button"))
    assert browser.find_element(By.ID, "case-status").text == "ได้รับเรื่องแล้ว รอเจ้าหน้าที่รับเรื่อง"
    look(browser, screens, "track-case")


def test_rate_says_before_sending_that_open_cases_wait_and_keeps_the_comment(
        browser, live_server, width, screens):
    _send_tip(browser, live_server)
    code = browser.find_element(By.ID, "case-code").text
    secret = browser.find_element(By.ID, "case-secret").text
    browser.get(live_server + "/rate")
    # Said before anything is sent: only a closed case can be rated.
    assert "เรื่องที่ปิดแล้ว" in browser.find_element(By.ID, "rate-note").text
    look(browser, screens, "rate-form")
    browser.find_element(By.ID, "code").send_keys(code)
    browser.find_element(By.ID, "secret").send_keys(secret)
    browser.find_element(By.CSS_SELECTOR, "input[name=score][value='4']").click()
    browser.find_element(By.ID, "comment").send_keys(COMMENT)
    submit(browser, browser.find_element(By.CSS_SELECTOR, "#rate-form button"))
    # The case is still open: the same form again, the comment and the score kept.
    assert "ยังไม่ปิด" in browser.find_element(By.CSS_SELECTOR, ".errors").text
    assert browser.find_element(By.ID, "comment").get_attribute("value") == COMMENT
    assert browser.find_element(By.CSS_SELECTOR,
                                "input[name=score][value='4']").is_selected()
    assert browser.find_element(By.ID, "code").get_attribute("value") == code
    look(browser, screens, "rate-refused")


def test_stats_page(browser, live_server, sessions, vault, org, clock, width, screens):
    year = fiscal_year(clock())
    start, _ = fiscal_year_bounds(year)
    offices = ["palad", "finance", "engineering", "education", "health", "welfare", "chief"]
    for month, office in enumerate(offices):
        add_cases(sessions, vault, org, start + timedelta(days=3 + 30 * month),
                  [("grievance", office)] * (3 + month) + [("corruption", office)] * 3)
    browser.get(live_server + f"/stats?year={year}")
    office_table = browser.find_element(By.ID, "table-office").text
    assert "ปลัดองค์การบริหารส่วนตำบลทุ่งโพธิ์ (รับเรื่องด้วยตนเอง)" in office_table
    look(browser, screens, "stats")
