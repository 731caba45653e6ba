"""The web chat: /chat in Thai, the same handlers over HTTP JSON for a per-browser
anonymous session, cards and choices, a photo, a complaint filed; no IP kept."""

from __future__ import annotations

import io
import logging

import pytest
from PIL import Image
from sqlalchemy import select

from storage.models import Evidence
from tests.complaint_helpers import case_by_code, file_complaint
from tests.line_helpers import texts_of

ADDRESS = "203.0.113.77"


class WebUser:
    """One browser: the test client keeps its cookie, as a browser does."""

    def __init__(self, client):
        self.client = client
        self.choices: dict[str, dict] = {}

    def post(self, path: str, **kwargs):
        kwargs.setdefault("headers", {"X-Tambon-Chat": "1"})
        return self.client.post(path, environ_base={"REMOTE_ADDR": ADDRESS}, **kwargs)

    def send(self, body: dict) -> list[dict]:
        answer = self.post("/chat/send", json=body)
        assert answer.status_code == 200, answer.get_data(as_text=True)
        messages = answer.get_json()["messages"]
        for message in messages:
            for choice in message.get("choices", []) + message.get("buttons", []):
                self.choices[choice["label"]] = choice
        return messages

    def say(self, typed: str) -> list[dict]:
        """Typing a shown choice's label taps it, as on the page."""
        choice = self.choices.get(typed)
        if choice and choice["kind"] == "postback":
            return self.send({"type": "postback", "data": choice["send"]})
        return self.send({"type": "text", "text": choice["send"] if choice else typed})


@pytest.fixture
def browser(client):
    return WebUser(client)


def test_the_page_is_thai_and_fits_a_phone(client):
    page = client.get("/chat")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'lang="th"' in html
    assert "แชทกับ อบต.ทุ่งโพธิ์" in html and "พิมพ์ข้อความ" in html
    assert 'name="viewport"' in html and "chat.js" in html
    snippet = client.get("/chat.js")
    assert snippet.status_code == 200 and "javascript" in snippet.content_type
    assert "/chat" in snippet.get_data(as_text=True)


def test_first_contact_greets_and_sets_an_anonymous_cookie(browser, client):
    answer = browser.post("/chat/send", json={"type": "start"})
    assert answer.status_code == 200
    cookie = answer.headers["Set-Cookie"]
    assert cookie.startswith("tambon_chat=") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    [greeting] = answer.get_json()["messages"]
    assert "อบต.ทุ่งโพธิ์" in greeting["text"] and "ไลน์" not in greeting["text"]
    assert {c["label"] for c in greeting["choices"]} >= {"ถามเรื่องบริการ", "ติดตามเรื่อง"}
    again = browser.post("/chat/send", json={"type": "text", "text": "สวัสดี"})
    assert "Set-Cookie" not in again.headers  # the same browser keeps its session


def test_a_manual_question_gets_a_card_whose_buttons_answer(browser):
    [card, *_] = browser.say("อยากลงทะเบียนเบี้ยยังชีพคนแก่ค่ะ")
    assert card["kind"] == "card" and card["title"] == "เบี้ยผู้สูงอายุ"
    assert [b["label"] for b in card["buttons"]] == ["ขั้นตอน", "เอกสาร", "ติดต่อ"]
    assert any(f["name"] == "ค่าธรรมเนียม" for f in card["fields"])
    steps = browser.say("ขั้นตอน")
    assert "ยื่นคำขอลงทะเบียน" in texts_of(steps)


def test_an_anonymous_complaint_is_filed_and_nothing_of_the_browser_is_kept(
        browser, sessions, engine, database_url, caplog):
    caplog.set_level(logging.DEBUG)
    receipt = file_complaint(browser, "grievance", "anonymous")
    assert receipt["code"] and receipt["secret"], receipt["texts"]
    case = case_by_code(sessions, receipt["code"])
    assert (case.channel, case.identity_mode, case.user_key) == ("web", "anonymous", None)
    session = browser.client.get_cookie("tambon_chat", path="/chat").value
    engine.dispose()
    from tests.plaintext import assert_nowhere_in_database

    assert_nowhere_in_database(engine, database_url, [ADDRESS, session])
    assert ADDRESS not in caplog.text and session not in caplog.text


def test_a_photo_is_taken_as_evidence(browser, sessions):
    picture = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 10)).save(picture, "JPEG")
    said = []

    def send_photo(user):
        answer = user.post("/chat/photo", data={"photo": (io.BytesIO(picture.getvalue()),
                                                          "x.jpg", "image/jpeg")})
        assert answer.status_code == 200
        said.append(answer.get_json()["messages"])
        return said

    receipt = file_complaint(browser, "grievance", "anonymous", before_confirm=send_photo)
    assert "ได้รับไฟล์ที่ 1" in texts_of(said[0])
    case = case_by_code(sessions, receipt["code"])
    with sessions() as session:
        kinds = [e.media_kind for e in session.execute(
            select(Evidence).where(Evidence.case_id == case.id)).scalars()]
    assert kinds == ["image"]


def test_requests_without_the_header_or_json_are_refused(client, browser):
    assert client.post("/chat/send", json={"type": "start"}).status_code == 400
    assert browser.post("/chat/send", data="x").status_code == 400
    assert browser.post("/chat/send", json={"type": "nothing"}).status_code == 400
    assert browser.post("/chat/photo").status_code == 400


def test_a_browser_sending_too_fast_is_told_in_thai(browser, monkeypatch):
    from bot.channels import webchat
    from storage.limits import Rule

    monkeypatch.setattr(webchat, "SENDS", Rule("web-chat", limit=2, window=60))
    browser.send({"type": "start"})
    browser.send({"type": "text", "text": "สวัสดี"})
    answer = browser.post("/chat/send", json={"type": "text", "text": "สวัสดี"})
    assert answer.status_code == 429 and "รอสักครู่" in answer.get_json()["error"]


def test_the_web_chat_takes_only_anonymous_complaints_it_can_keep_its_word_on(browser):
    # The web chat cannot write to anyone again: a named complaint there would be promised
    # updates that never come. Only "anonymous" is offered, and asking for another is
    # answered with why, in Thai.
    from tests.complaint_helpers import KIND_BUTTON, MODE_BUTTON

    browser.say("ร้องเรียน")
    asked = browser.say(KIND_BUTTON["grievance"])
    offered = [c["label"] for m in asked for c in m.get("choices", [])]
    assert MODE_BUTTON["anonymous"] in offered
    assert MODE_BUTTON["identified"] not in offered
    assert MODE_BUTTON["confidential"] not in offered
    refused = " ".join(m.get("text", "") for m in browser.say(MODE_BUTTON["identified"]))
    assert "ไม่ประสงค์ออกนาม" in refused and "ชื่อ" not in refused
    told = " ".join(m.get("text", "") for m in browser.say(MODE_BUTTON["anonymous"]))
    assert "ชื่อ-นามสกุล" not in told
