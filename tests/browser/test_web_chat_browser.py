"""The web chat in real headless Chromium at a phone's and a desktop's width: the
greeting, a question answered with a card, and an anonymous complaint with a photo to its
receipt; each step's page checked for faults (layout.look) and kept as a screenshot."""

from __future__ import annotations

import re
import time

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.layout import look
from tests.public_helpers import jpeg_bytes

pytestmark = pytest.mark.browser

BOT = "#log .msg.bot, #log .card"
CODE_RE = re.compile(r"[A-Z]{1,6}-[0-9A-Z]{4}-[0-9A-Z]{4}")


class WebChat:
    def __init__(self, browser):
        self.browser = browser

    def bot_messages(self):
        return self.browser.find_elements(By.CSS_SELECTOR, BOT)

    def wait_new(self, before: int, expect: str | None = None, timeout: float = 30) -> str:
        def arrived(_):
            found = self.bot_messages()
            shown = "\n".join(m.text for m in found[before:])
            ready = self.browser.find_element(By.ID, "send").is_enabled()
            return shown if len(found) > before and ready and (
                expect is None or expect in shown) else False

        WebDriverWait(self.browser, timeout).until(arrived)
        time.sleep(0.2)
        return "\n".join(m.text for m in self.bot_messages()[before:])

    def say(self, typed: str, expect: str | None = None) -> str:
        before = len(self.bot_messages())
        self.browser.find_element(By.ID, "text").send_keys(typed)
        self.browser.find_element(By.ID, "send").click()
        return self.wait_new(before, expect)

    def tap(self, label: str, expect: str | None = None) -> str:
        before = len(self.bot_messages())
        buttons = self.browser.find_elements(By.CSS_SELECTOR, "#choices button, .card button")
        # the card's buttons may have scrolled out of the log's view: bring them back first
        match = next(b for b in reversed(buttons)
                     if (b.get_attribute("textContent") or "").strip() == label)
        self.browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", match)
        match.click()
        return self.wait_new(before, expect)

    def send_photo(self, path: str, expect: str | None = None) -> str:
        before = len(self.bot_messages())
        self.browser.find_element(By.ID, "photo").send_keys(path)
        return self.wait_new(before, expect)


def test_a_question_and_an_anonymous_complaint_with_a_photo(browser, width, live_server,
                                                            screens, services, tmp_path):
    browser.get(live_server + "/chat")
    chat = WebChat(browser)
    chat.wait_new(0, "อบต.ทุ่งโพธิ์")
    look(browser, screens, "webchat-greeting")
    chat.say("อยากลงทะเบียนเบี้ยยังชีพผู้สูงอายุค่ะ", expect="เบี้ยผู้สูงอายุ")
    card = browser.find_elements(By.CSS_SELECTOR, "#log .card")[-1]
    labels = [b.get_attribute("textContent") for b in card.find_elements(By.TAG_NAME, "button")]
    assert labels == ["ขั้นตอน", "เอกสาร", "ติดต่อ"]
    look(browser, screens, "webchat-card")
    assert "ยื่นคำขอ" in chat.tap("ขั้นตอน")
    photo = tmp_path / "streetlight.jpg"
    photo.write_bytes(jpeg_bytes((200, 150)))
    chat.say("ร้องเรียน")
    chat.tap("ร้องทุกข์")
    chat.tap("ไม่ประสงค์ออกนาม")
    shown = chat.say("ไฟถนนดับทั้งซอยหน้าบ้านหมู่ 3 มาหนึ่งสัปดาห์แล้ว มืดมาก")
    for _ in range(3):
        if "หลักฐาน" in shown:
            break
        shown = chat.say("ข้าม")
    assert "ได้รับไฟล์ที่ 1" in chat.send_photo(str(photo))
    shown = chat.tap("ส่งครบแล้ว/ไม่มี")
    if "ลักษณะการทุจริต" in shown:
        shown = chat.tap("ไม่ใช่ ร้องทุกข์")
    assert "ยืนยันส่งเรื่อง" in shown, shown
    receipt = chat.tap("ยืนยันส่งเรื่อง", expect="-")
    code = CODE_RE.search(receipt)
    assert code and re.search(r"\d{4} \d{4} \d{4} \d{4}", receipt), receipt
    look(browser, screens, "webchat-receipt")
    from sqlalchemy import select

    from storage.models import Case, Evidence

    with services.sessions() as session:
        case = session.execute(select(Case).where(Case.code == code.group(0))).scalar_one()
        photos = session.execute(select(Evidence).where(Evidence.case_id == case.id)).all()
    assert (case.channel, case.identity_mode, len(photos)) == ("web", "anonymous", 1)
