"""`tambon chat` as a citizen uses it (issue 17, finding 7): every reply and push shows as
it arrives, and a location and a photo can be sent. The command runs as its own process
against the real webhook and worker (served on a free port) and the fake LINE."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time

import pytest
from flask import Flask, request
from werkzeug.serving import make_server

from bot.app import create_app
from bot.chat import make_event
from bot.worker import Worker
from tests.complaint_helpers import jpeg_with_gps


class Served:
    """A WSGI app on a loopback port of its own."""

    def __init__(self, app):
        self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def close(self):
        self._server.shutdown()


class Chat:
    """`python -m bot chat` with a pipe for what the citizen types and one for what shows."""

    def __init__(self, url: str, line_api: str, user: str):
        env = {**os.environ, "PYTHAINLP_OFFLINE": "1"}
        env.pop("LINE_CHANNEL_SECRET", None)
        env.pop("LINE_CHANNEL_ACCESS_TOKEN", None)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", "chat", "--url", url, "--line-api", line_api,
             "--user", user, "--wait", "30"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True, env=env)
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self):
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def type(self, line: str) -> None:
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()

    def wait_for(self, words: str, timeout: float = 30) -> int:
        """The number of the first shown line holding `words`, once it shows."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for number, line in enumerate(list(self.lines)):
                if words in line:
                    return number
            time.sleep(0.05)
        raise AssertionError(f"{words!r} never shown; shown:\n" + "\n".join(self.lines))

    def close(self) -> str:
        self.process.stdin.close()
        self.process.wait(timeout=30)
        self._reader.join(timeout=5)
        return "\n".join(self.lines)


@pytest.fixture
def bot(services, fake_line):
    """The web service and a worker thread, as `tambon serve` runs them."""
    served = Served(create_app(services))
    worker = Worker(services.sessions, services.vault, services.org, services.line_api(),
                    clock=services.clock, poll_seconds=0.05)
    thread = worker.start_thread()
    yield served
    worker.stop()
    thread.join(timeout=10)
    served.close()


def test_a_complaint_with_a_location_and_a_photo_and_a_push_between(bot, fake_line, tmp_path):
    photo = tmp_path / "ไฟดับ.jpg"
    photo.write_bytes(jpeg_with_gps())
    user = "U" + "c" * 32
    chat = Chat(bot.url, fake_line.url, user)
    try:
        for typed in ("ร้องเรียน", "ร้องทุกข์", "ไม่ประสงค์ออกนาม"):
            chat.type(typed)
        chat.wait_for("กรุณาเล่าปัญหา")
        chat.type("/location 15.123456 102.654321 ทางเข้าหมู่ 5")
        chat.wait_for("ได้รับตำแหน่งแล้ว")
        chat.type("ไฟถนนดับทั้งซอยหน้าบ้านมาสามคืนแล้วค่ะ")
        chat.wait_for("มีหลักฐานไหม")
        chat.type(f"/photo {photo}")
        chat.wait_for("ได้รับไฟล์ที่ 1")
        # An officer's push while the citizen has not typed anything: shown at once.
        fake_line.state.record("push", to=user, messages=[
            {"type": "text", "text": "📌 ข้อความทดสอบจากเจ้าหน้าที่"}])
        pushed = chat.wait_for("ข้อความทดสอบจากเจ้าหน้าที่")
        chat.type("ส่งครบแล้ว/ไม่มี")
        summary = chat.wait_for("กรุณาตรวจสอบก่อนส่ง")
        assert pushed < summary
        chat.type("ยืนยันส่งเรื่อง")
        chat.wait_for("ได้รับเรื่องของท่านแล้ว")
    finally:
        shown = chat.close()
    assert "15.123456" in shown  # the summary shows the location sent
    assert "หลักฐาน: 1 ไฟล์" in shown


def test_a_push_in_the_same_turn_as_the_reply_is_not_lost(fake_line):
    """A bot that pushes to the citizen while answering them (a split answer, a notice):
    both show, whichever LINE received first."""
    stub = Flask("stub-bot")

    @stub.post("/callback")
    def callback():
        for event in request.get_json()["events"]:
            user = event["source"]["userId"]
            fake_line.state.record("push", to=user, messages=[
                {"type": "text", "text": "ข้อความส่งตามมา"}])
            fake_line.state.record("reply", reply_token=event["replyToken"], messages=[
                {"type": "text", "text": "คำตอบของคำถาม"}])
        return "OK"

    served = Served(stub)
    chat = Chat(served.url, fake_line.url, "U" + "d" * 32)
    try:
        chat.type("สวัสดีค่ะ")
        chat.wait_for("คำตอบของคำถาม")
        chat.wait_for("ข้อความส่งตามมา")
    finally:
        chat.close()
        served.close()


def test_events_for_a_location_and_a_photo(fake_line, tmp_path):
    from bot.chat import Conversation

    photo = tmp_path / "รูป.jpg"
    photo.write_bytes(jpeg_with_gps())
    chat = Conversation("http://127.0.0.1:9", fake_line.url, "U" + "e" * 32, "secret")
    location = chat.event_for_input("/location 15.5 102.25 หน้าวัด")
    assert location["message"] == {"type": "location", "id": location["message"]["id"],
                                   "latitude": 15.5, "longitude": 102.25, "address": "",
                                   "title": "หน้าวัด"}
    image = chat.event_for_input(f"/photo {photo}")
    assert image["message"]["type"] == "image"
    # the fake LINE serves the file's bytes as that message's content
    stored = fake_line.state.content[image["message"]["id"]]
    assert stored == (photo.read_bytes(), "image/jpeg")
    assert "ไม่พบไฟล์" in chat.event_for_input("/photo /no/such/file.jpg")
    assert "/location" in chat.event_for_input("/location here")
    assert make_event("U1", "follow")["type"] == "follow"
