"""`tambon chat --channel messenger|web`, each as its own process against the real webhook
and worker. Messenger: bodies signed as Meta does, what the fake Send API got shown,
numbers tapping quick replies and card buttons, a photo sent as an attachment. Web: the
web chat's JSON drawn in the terminal."""

from __future__ import annotations

import os
import subprocess
import sys
import threading

import pytest

from bot.app import create_app
from bot.worker import Worker
from tests.complaint_helpers import jpeg_with_gps
from tests.conftest import MESSENGER_APP_SECRET, MESSENGER_VERIFY_TOKEN
from tests.test_chat_cli import Chat, Served


class MessengerChat(Chat):
    def __init__(self, url: str, api: str, psid: str, secret: str = MESSENGER_APP_SECRET):
        env = {**os.environ, "PYTHAINLP_OFFLINE": "1", "MESSENGER_APP_SECRET": secret,
               "MESSENGER_PAGE_TOKEN": "t", "MESSENGER_VERIFY_TOKEN": MESSENGER_VERIFY_TOKEN}
        for name in ("LINE_CHANNEL_SECRET", "LINE_CHANNEL_ACCESS_TOKEN", "TAMBON_ENV"):
            env.pop(name, None)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", "chat", "--channel", "messenger", "--url", url,
             "--messenger-api", api, "--user", psid, "--wait", "120"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True, env=env)
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()


@pytest.fixture
def page(messenger_services, fake_messenger):
    served = Served(create_app(messenger_services))
    worker = Worker(messenger_services.sessions, messenger_services.vault,
                    messenger_services.org, messenger_services.line_api(),
                    clock=messenger_services.clock, poll_seconds=0.05,
                    messenger=messenger_services.messenger_api())
    thread = worker.start_thread()
    yield served
    worker.stop()
    thread.join(timeout=10)
    served.close()


def test_a_question_and_an_anonymous_complaint_with_a_photo(page, fake_messenger, tmp_path):
    photo = tmp_path / "ไฟดับ.jpg"
    photo.write_bytes(jpeg_with_gps())
    chat = MessengerChat(page.url, fake_messenger.url, "2000000000000002")
    try:
        chat.type("อยากลงทะเบียนเบี้ยยังชีพคนแก่ค่ะ")
        chat.wait_for("[การ์ด] เบี้ยผู้สูงอายุ", timeout=120)  # the first search loads the index
        chat.type("1")  # the card's first button: ขั้นตอน
        chat.wait_for("ยื่นคำขอลงทะเบียน")
        for typed in ("ร้องเรียน", "ร้องทุกข์", "ไม่ประสงค์ออกนาม"):
            chat.type(typed)
        chat.wait_for("กรุณาเล่าปัญหา")
        chat.type("ไฟถนนดับทั้งซอยหน้าบ้านมาสามคืนแล้วค่ะ")
        chat.wait_for("มีหลักฐานไหม")
        chat.type(f"/photo {photo}")
        chat.wait_for("ได้รับไฟล์ที่ 1")
        chat.type("ส่งครบแล้ว/ไม่มี")
        chat.wait_for("กรุณาตรวจสอบก่อนส่ง")
        chat.type("ยืนยันส่งเรื่อง")
        chat.wait_for("ได้รับเรื่องของท่านแล้ว")
    finally:
        shown = chat.close()
    assert "หลักฐาน: 1 ไฟล์" in shown
    assert "ไลน์" not in shown.replace("ออนไลน์", "")


def test_a_wrong_app_secret_is_refused_and_said(page, fake_messenger):
    chat = MessengerChat(page.url, fake_messenger.url, "2000000000000003", secret="wrong")
    try:
        chat.type("สวัสดี")
        chat.wait_for("HTTP 400")
    finally:
        chat.close()
    assert fake_messenger.received() == []


def test_web_channel_in_the_terminal(page, tmp_path):
    env = {**os.environ, "PYTHAINLP_OFFLINE": "1"}
    shown = subprocess.run(
        [sys.executable, "-m", "bot", "chat", "--channel", "web", "--url", page.url],
        input="ร้องเรียน\n2\n", capture_output=True, text=True, env=env, timeout=120).stdout
    assert "อบต.ทุ่งโพธิ์" in shown  # the greeting
    assert "ทุจริต/ประพฤติมิชอบ" in shown  # "ร้องเรียน" asked for the kind
    assert "กรุณาเล่าปัญหา" in shown or "ตัวตน" in shown  # "2" tapped ร้องทุกข์
    assert "ไลน์" not in shown.replace("ออนไลน์", "")
