"""The chat simulator in real headless Chromium: the greeting, a question answered with a
card, and a complaint (with a photo) to its receipt."""

from __future__ import annotations

import re
import time

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.public_helpers import jpeg_bytes

pytestmark = pytest.mark.browser

BOT = "#log .msg.bot, #log .bubble"
CODE_RE = re.compile(r"[A-Z]{1,6}-[0-9A-Z]{4}-[0-9A-Z]{4}")


@pytest.fixture
def running_worker(services, worker):
    services.worker_wakeup = worker.wakeup
    worker.start_thread()
    yield worker
    worker.stop()


class Chat:
    def __init__(self, browser):
        self.browser = browser

    def bot_messages(self):
        return self.browser.find_elements(By.CSS_SELECTOR, BOT)

    def _wait_new(self, before: int, expect: str | None = None, timeout: float = 20) -> str:
        def arrived(_):
            found = self.bot_messages()
            if len(found) <= before:
                return False
            shown = "\n".join(m.text for m in found[before:])
            return shown if expect is None or expect in shown else False

        shown = WebDriverWait(self.browser, timeout).until(arrived)
        time.sleep(0.4)  # a split answer arrives in one delivery; let it render
        return "\n".join(m.text for m in self.bot_messages()[before:]) or shown

    def say(self, typed: str, expect: str | None = None) -> str:
        before = len(self.bot_messages())
        box = self.browser.find_element(By.ID, "text")
        box.send_keys(typed)
        self.browser.find_element(By.ID, "send").click()
        return self._wait_new(before, expect)

    def tap(self, label: str, expect: str | None = None) -> str:
        before = len(self.bot_messages())
        chips = self.browser.find_elements(By.CSS_SELECTOR, "#quick button")
        chip = next(c for c in chips if c.text.strip() == label)
        chip.click()
        return self._wait_new(before, expect)

    def chips(self) -> list[str]:
        return [c.text.strip() for c in self.browser.find_elements(By.CSS_SELECTOR,
                                                                    "#quick button")]

    def send_image(self, path: str, expect: str | None = None) -> str:
        before = len(self.bot_messages())
        self.browser.find_element(By.ID, "image").send_keys(path)
        return self._wait_new(before, expect)


@pytest.fixture
def chat(browser, live_server, running_worker):
    browser.get(live_server + "/simulator/")
    WebDriverWait(browser, 15).until(
        lambda b: b.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "1")
    return Chat(browser)


def test_greeting_on_follow(chat, browser):
    before = len(chat.bot_messages())
    browser.find_element(By.ID, "follow").click()
    shown = chat._wait_new(before, "ยินดีต้อนรับ")
    assert "อบต.ทุ่งโพธิ์" in shown
    assert "ถามเรื่องบริการ" in chat.chips()


def test_question_answered_with_a_card(chat, browser):
    chat.say("อยากลงทะเบียนเบี้ยยังชีพผู้สูงอายุค่ะ")  # the whole service: the card
    cards = browser.find_elements(By.CSS_SELECTOR, "#log .bubble")
    assert cards, "no Flex card drawn"
    assert "ผู้สูงอายุ" in cards[-1].text
    assert cards[-1].find_elements(By.CSS_SELECTOR, ".fbutton")


def test_complaint_with_a_photo_to_its_receipt(chat, tmp_path, services):
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
    assert "หลักฐาน" in shown, shown
    chat.send_image(str(photo))
    shown = chat.say("ส่งครบแล้ว/ไม่มี")
    if "ลักษณะการทุจริต" in shown:
        shown = chat.say("ไม่ใช่ ร้องทุกข์")
    assert "ยืนยันส่งเรื่อง" in shown, shown
    receipt = chat.say("ยืนยันส่งเรื่อง", expect="-")
    code = CODE_RE.search(receipt)
    assert code, receipt
    assert re.search(r"\d{4} \d{4} \d{4} \d{4}", receipt), receipt
    from sqlalchemy import select

    from storage.models import Case, Evidence

    with services.sessions() as session:
        case = session.execute(select(Case).where(Case.code == code.group(0))).scalar_one()
        photos = session.execute(select(Evidence).where(Evidence.case_id == case.id)).all()
    assert case.channel == "line" and case.identity_mode == "anonymous"
    assert len(photos) == 1
