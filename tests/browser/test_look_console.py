"""The officer console as its people see it, on a phone (390 px) and a desktop (1280 px):
the queue, a case, the accounts and the manual's list, each screenshot kept for review and
failed on sideways scrolling, cut or spilling text, text under 12 px or Thai as boxes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from storage.models import Officer
from tests.browser.layout import look
from tests.browser.steps import sign_in, submit
from tests.test_console_support import case_of, file, make_officer

pytestmark = pytest.mark.browser

NAMED = ("นายสมชาย ใจกล้า บ้านเลขที่ 45/2 หมู่ 4 โทร 089-123-4567 แจ้งว่าท่อประปาแตกหน้าบ้าน "
         "น้ำไหลนองถนนมาสามวันแล้ว รถจักรยานยนต์ลื่นล้มไปหนึ่งคัน")
CASES = (NAMED, "ไฟถนนดับหน้าโรงเรียนบ้านหนองบัว หมู่ 7 ตั้งแต่ต้นเดือน",
         "ถนนลูกรังหมู่ 4 เป็นหลุมบ่อ รถจักรยานยนต์ล้มบ่อย")


@pytest.fixture
def queue_of_engineering(services):
    return [file(services, description=d, location="หมู่ 4") for d in CASES]


def test_queue(browser, live_server, services, queue_of_engineering, width, screens):
    make_officer(services, "eng1", office="engineering")
    sign_in(browser, live_server, "eng1")
    assert browser.current_url.endswith("/console/queue")
    rows = browser.find_elements(By.CSS_SELECTOR, "table.queue tbody tr")
    assert len(rows) == 3
    subjects = [r.find_element(By.CSS_SELECTOR, ".subject").text for r in rows]
    # A short excerpt of what was reported, so a case need not be opened to know it ...
    assert any(s.startswith("ไฟถนนดับหน้าโรงเรียน") for s in subjects), subjects
    assert any("ท่อประปาแตก" in s for s in subjects), subjects
    # ... without who reported it.
    shown = " ".join(subjects)
    for identity in ("สมชาย", "ใจกล้า", "089-123-4567", "45/2", "สมหญิง", "081-234-5678"):
        assert identity not in shown
    assert all(len(s) <= 90 for s in subjects)
    # A case nobody has acknowledged says so plainly.
    statuses = {r.find_element(By.CSS_SELECTOR, ".status").text for r in rows}
    assert statuses == {"ยังไม่ตอบรับ"}
    look(browser, screens, "console-queue")


def test_an_admin_without_office_work_is_told_why_the_queue_is_empty(
        browser, live_server, services, clock, width, screens):
    _, seed = make_officer(services, "admin1", office="palad", roles=("admin",))
    sign_in(browser, live_server, "admin1", seed=seed, clock=clock)
    browser.get(live_server + "/console/queue")
    message = browser.find_element(By.ID, "no-case-work").text
    assert "ไม่พบหน้าที่ต้องการ" not in browser.page_source
    assert "เจ้าหน้าที่" in message and "หน่วยงาน" in message
    look(browser, screens, "console-queue-admin")


def test_case_page_has_one_box_to_the_citizen(browser, live_server, services,
                                              queue_of_engineering, width, screens):
    code = queue_of_engineering[0]
    make_officer(services, "engsup", office="engineering", roles=("officer", "supervisor"))
    make_officer(services, "eng2", office="engineering")
    sign_in(browser, live_server, "engsup")
    browser.get(f"{live_server}/console/cases/{code}")
    assert browser.find_element(By.ID, "case-status").text == "ยังไม่ตอบรับ"
    # One box writes to the citizen (the other is the internal note), with the status
    # beside it; nothing else asks for text to send.
    boxes = browser.find_elements(By.CSS_SELECTOR, "textarea")
    assert [b.get_attribute("id") for b in boxes] == ["reply-text", "note-text"]
    # Transferring starts with no office chosen, and so does assigning.
    browser.find_element(By.CSS_SELECTOR, "#supervisor summary").click()
    transfer = Select(browser.find_element(By.ID, "reroute-office"))
    assert transfer.first_selected_option.get_attribute("value") == ""
    assign = Select(browser.find_element(By.ID, "assign-officer"))
    assert assign.first_selected_option.get_attribute("value") == ""
    look(browser, screens, "console-case")

    # Resolving without a summary is refused, and what was typed is still there.
    Select(browser.find_element(By.ID, "new-status")).select_by_value("acknowledged")
    submit(browser, browser.find_element(By.ID, "send-reply"))
    assert browser.find_element(By.ID, "case-status").text == "ตอบรับเรื่องแล้ว"
    Select(browser.find_element(By.ID, "new-status")).select_by_value("investigating")
    submit(browser, browser.find_element(By.ID, "send-reply"))
    Select(browser.find_element(By.ID, "new-status")).select_by_value("forwarded")
    browser.find_element(By.ID, "reply-text").send_keys("ส่งเรื่องให้การประปาส่วนภูมิภาคแล้วค่ะ")
    submit(browser, browser.find_element(By.ID, "send-reply"))
    assert "ส่งต่อ" in browser.find_element(By.ID, "error").text
    # the page opens at the box, with the reason in it, not at the top of a long page
    top = browser.execute_script(
        "return document.getElementById('respond').getBoundingClientRect().top")
    assert 0 <= top < browser.execute_script("return window.innerHeight") / 2
    assert (browser.find_element(By.ID, "reply-text").get_attribute("value")
            == "ส่งเรื่องให้การประปาส่วนภูมิภาคแล้วค่ะ")
    assert Select(browser.find_element(By.ID, "new-status")).first_selected_option \
        .get_attribute("value") == "forwarded"
    look(browser, screens, "console-case-refused")
    browser.find_element(By.ID, "forwarded-to").send_keys("การประปาส่วนภูมิภาค สาขาสีคิ้ว")
    submit(browser, browser.find_element(By.ID, "send-reply"))
    assert browser.find_element(By.ID, "case-status").text == "ส่งต่อหน่วยงานอื่น"
    assert case_of(services, code).status == "forwarded"
    assert "ส่งเรื่องให้การประปา" in browser.find_element(By.ID, "timeline").text


def test_a_reply_without_a_change_of_status(browser, live_server, services,
                                            queue_of_engineering):
    code = queue_of_engineering[1]
    make_officer(services, "eng1", office="engineering")
    sign_in(browser, live_server, "eng1")
    browser.get(f"{live_server}/console/cases/{code}")
    assert Select(browser.find_element(By.ID, "new-status")).first_selected_option \
        .get_attribute("value") == ""
    browser.find_element(By.ID, "reply-text").send_keys("ช่างจะเข้าไปเปลี่ยนหลอดไฟพรุ่งนี้ค่ะ")
    submit(browser, browser.find_element(By.ID, "send-reply"))
    assert "ช่างจะเข้าไปเปลี่ยนหลอดไฟพรุ่งนี้ค่ะ" in browser.find_element(By.ID, "timeline").text
    assert case_of(services, code).status == "received"


def _lock(services, username):
    with services.sessions() as session, session.begin():
        officer = session.query(Officer).filter_by(username=username).one()
        officer.locked_until = services.clock() + timedelta(minutes=15)


def test_accounts_page(browser, live_server, services, clock, width, screens):
    _, seed = make_officer(services, "admin1", office="palad", roles=("admin",))
    make_officer(services, "eng1", office="engineering")
    make_officer(services, "fin1", office="finance", roles=("officer", "supervisor"))
    _lock(services, "fin1")
    sign_in(browser, live_server, "admin1", seed=seed, clock=clock)
    browser.get(live_server + "/console/officers")
    roles = browser.find_element(By.ID, "roles-explained").text
    for role in ("เจ้าหน้าที่", "หัวหน้า", "ผู้ดูแลข้อมูลตัวตน", "ผู้ดูแลระบบ"):
        assert role in roles
    assert "ทุกหน่วยงาน" in roles and "อนุมัติ" in roles

    def actions(username):
        row = browser.find_element(By.ID, f"account-{username}")
        return [s.text for s in row.find_elements(By.CSS_SELECTOR, ".actions summary")]

    assert "ระงับ" not in actions("admin1")          # never beside one's own account
    assert "ปลดล็อก" not in actions("eng1")          # only on a locked account
    assert "ปลดล็อก" in actions("fin1") and "ระงับ" in actions("eng1")
    look(browser, screens, "console-accounts")
    # Suspending asks first.
    row = browser.find_element(By.ID, "account-eng1")
    row.find_element(By.XPATH, ".//summary[normalize-space()='ระงับ']").click()
    confirm = row.find_element(By.CSS_SELECTOR, "button.confirm-deactivate")
    assert "eng1" in confirm.find_element(By.XPATH, "..").text
    with services.sessions() as session:
        assert session.query(Officer).filter_by(username="eng1").one().active
    look(browser, screens, "console-accounts-confirm")
    submit(browser, confirm)
    with services.sessions() as session:
        assert not session.query(Officer).filter_by(username="eng1").one().active


def test_manual_list_leads_with_thai_titles(browser, live_server, services, clock, width,
                                            screens):
    _, seed = make_officer(services, "admin1", office="palad", roles=("admin",))
    sign_in(browser, live_server, "admin1", seed=seed, clock=clock)
    browser.get(live_server + "/console/admin/manual")
    first_cells = [r.find_element(By.CSS_SELECTOR, "td").text
                   for r in browser.find_elements(By.CSS_SELECTOR, "table.queue tbody tr")]
    assert len(first_cells) > 20
    assert any(c.startswith("เบี้ยผู้สูงอายุ") for c in first_cells)
    assert not any("elderly-allowance" in c.splitlines()[0] for c in first_cells)
    look(browser, screens, "console-manual")
