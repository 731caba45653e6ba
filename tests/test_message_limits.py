"""Every message the bot can send fits a phone and LINE's limits.

LINE refuses a reply of more than 5 messages, a text over 5,000 characters, an altText
over 400, more than 13 quick replies, and cuts a quick-reply label at 20 characters
("ใช้รหัสเรื่อง/รหัสล…" is what a citizen saw). A phone shows about 300 characters of a
message without scrolling, so the first bubble of an answer stays under that.

Walked here: every chat text in data/messages/ (rendered with its placeholders filled),
every card, detail and one-fact answer of every manual entry, and the replies of whole
conversations through the webhook, the worker and the fake LINE (which checks each
message with the LINE SDK's own models).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from linebot.v3.messaging.models import Message

from data import MESSAGES_DIR
from handlers.manual import cards, facts
from handlers.manual.asked import FACTS
from handlers.manual.org_index import index_for_org
from handlers.messages import (
    FIRST_BUBBLE,
    MAX_LABEL,
    MAX_MESSAGES,
    MAX_QUICK_REPLIES,
    MAX_TEXT,
    nodes,
)
from handlers.texts import text
from tests.complaint_helpers import file_complaint

ALT_TEXT_MAX = 400
# The files whose texts a citizen reads in the chat (console and web pages have their own).
CHAT_FILES = ("core.th.yaml", "complaint.th.yaml", "inquiry.th.yaml", "manual.th.yaml")
CHAT_KEYS_ELSEWHERE = re.compile(r"^(rate_|routing_outside_)")
# Texts shown as a quick reply or button label.
LABEL_KEY = re.compile(r"(_q_|_button|^core_menu_(ask|complain|track|contact)$"
                       r"|^complaint_edit_(?!again)|^manual_none_of_these$|^rate_no_comment$)")
SAMPLE = {
    "org": "อบต.ทุ่งโพธิ์", "name": "องค์การบริหารส่วนตำบลทุ่งโพธิ์", "phone": "044-000-000",
    "code": "TP-7K3M-9QX2", "date": "30 ก.ย. 2569", "due": "30 ก.ย. 2569",
    "update": "30 ก.ย. 2569", "until": "30 ก.ย. 2569 16:30 น.", "days": 15,
    "kind": "ร้องเรียนการทุจริต/ประพฤติมิชอบ", "office": "กองการศึกษา ศาสนาและวัฒนธรรม",
    "count": 12, "max_files": 5, "max_mb": 10, "have": 4, "number": 4, "left": 1,
    "tries": 5, "score": 5, "stars": "★★★★★", "limit": 1000, "status": "อยู่ระหว่างตรวจสอบ",
    "why": "เบอร์มือถือมี 10 หลัก (ขึ้นต้น 06 08 หรือ 09)", "title": "ช่วยเหลือผู้ประสบภัย",
    "mode": "ไม่ประสงค์ออกนาม", "files": 5,
}


def _chat_texts() -> dict[str, str]:
    texts: dict[str, str] = {}
    for path in sorted(Path(MESSAGES_DIR).glob("*.yaml")):
        for key, value in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).items():
            if path.name in CHAT_FILES or CHAT_KEYS_ELSEWHERE.match(key):
                texts[key] = value
    return texts


def _render(key: str, template: str, org) -> str:
    names = set(re.findall(r"\{([a-z_]+)\}", template))
    values = {n: SAMPLE.get(n, "ข" * 20) for n in names}
    if "address" in names:
        values["address"], values["hours"] = org.address, org.hours
    return text(key, **values) if values else text(key)


def _labels(message: dict) -> list[str]:
    """Quick-reply labels and card buttons' labels."""
    items = (message.get("quickReply") or {}).get("items", [])
    buttons = [n["action"]["label"] for n in nodes(message.get("contents"))
               if n.get("type") == "button"]
    return [i["action"]["label"] for i in items] + buttons


def check_reply(messages: list[dict], first_bubble: bool = True) -> None:
    """LINE's limits for one reply; a text opening it is under FIRST_BUBBLE."""
    assert 1 <= len(messages) <= MAX_MESSAGES, len(messages)
    for message in messages:
        Message.from_dict(message)  # what the LINE SDK would refuse
        assert len(message.get("text", "")) <= MAX_TEXT
        assert len(message.get("altText", "")) <= ALT_TEXT_MAX
        items = (message.get("quickReply") or {}).get("items", [])
        assert len(items) <= MAX_QUICK_REPLIES
        for shown in _labels(message):
            assert len(shown) <= MAX_LABEL and not shown.endswith("…"), shown
        for item in items:
            action = item["action"]
            assert len(action.get("data", "")) <= 300 and len(action.get("text", "")) <= 300
    if first_bubble and messages[0]["type"] == "text":
        assert len(messages[0]["text"]) <= FIRST_BUBBLE, messages[0]["text"]


# --- the texts themselves ----------------------------------------------------------------

def test_every_chat_text_fits_a_first_bubble(org):
    too_long = {}
    for key, template in _chat_texts().items():
        shown = _render(key, template, org)
        if len(shown) > FIRST_BUBBLE:
            too_long[key] = len(shown)
    assert not too_long, too_long


def test_every_label_fits_without_being_cut(org):
    labels = {k: _render(k, v, org) for k, v in _chat_texts().items() if LABEL_KEY.search(k)}
    assert "tracking_q_use_secret" in labels and "offer_q_file" in labels
    too_long = {k: v for k, v in labels.items() if len(v) > MAX_LABEL}
    assert not too_long, too_long


def test_line_breaks_are_kept_where_a_list_is_shown(org):
    # Folded YAML (">-") joins lines: the contact reply and the greeting read as lists.
    assert "\nโทร: 044-000-000\n" in _render("core_contact", _chat_texts()["core_contact"], org)
    assert text("core_greeting", org="อบต.ทุ่งโพธิ์").count("\n") >= 3


# --- every manual entry ------------------------------------------------------------------

@pytest.fixture(scope="module")
def entries(org):
    return index_for_org(org.folder).entries


def test_every_card_detail_and_fact_fits(entries, org):
    for entry in entries:
        card = cards.entry_card(entry)
        check_reply([card])
        header = card["contents"]["body"]["contents"][0]["text"]
        assert header == entry["short_title"] and len(header) <= MAX_LABEL
        for action in (cards.STEPS, cards.DOCS, cards.CONTACT):
            details = cards.detail_messages(entry, action)
            assert len(details) <= cards.DETAIL_BUBBLES
            check_reply(details)
            # one message where only one is sent (a group chat): all of it, within limits
            whole = cards.detail_message(entry, action)
            check_reply([whole], first_bubble=False)
            assert whole["text"].replace("\n", "") == "".join(d["text"] for d in details
                                                              ).replace("\n", "")
        assert entry["title"] in cards.detail_messages(entry, cards.STEPS)[0]["text"]
        for fact in (*FACTS, "money"):
            for pay in (False, True):
                answer = facts.answer(entry, [fact], pay, org.phone)
                if answer is not None:
                    check_reply([answer])


def test_another_agencys_service_fits(org):
    from handlers.chat.inquiry import unknown_message
    from handlers.manual.elsewhere import load_elsewhere

    for item in load_elsewhere(org.folder):
        check_reply([unknown_message(None, org.short_name, item)])


def test_documents_on_the_card_are_one_line_each(entries):
    entry = next(e for e in entries if len(e["documents"]) >= 3)
    card = cards.entry_card(entry)
    rows = card["contents"]["body"]["contents"][1]["contents"]
    documents = rows[-1]["contents"][1]["contents"]
    assert [d["text"] for d in documents][:3] == [
        f"• {d['name']}" for d in entry["documents"][:3]]


# --- whole conversations -----------------------------------------------------------------

QUESTIONS = [
    "สวัสดีค่ะ", "ขอบคุณค่ะ", "เมนู", "ติดต่อ อบต.", "ถามเรื่องบริการ", "ติดตามเรื่อง",
    "เบี้ยคนแก่ต้องใช้อะไรบ้าง", "อบต.เปิดกี่โมง วันเสาร์เปิดไหม", "ภาษี",
    "ค่าเก็บขยะเดือนละเท่าไหร่", "โดนหมาข้างบ้านกัด ต้องทำไงดีคะ", "หวยงวดนี้ออกอะไรคะ",
    "บัตรประชาชนหายต้องไปทำที่ไหนคะ", "ไฟถนนดับแจ้งที่ไหนคะ", "อบต.มีโครงการฝึกอาชีพไหมคะ",
    "ก" * 6000,
]


def test_every_reply_of_a_conversation_fits(line_user, org, entries):
    check_reply(line_user.follow())
    for question in QUESTIONS:
        check_reply(line_user.say(question))
        line_user.say("ยกเลิก")  # leave whatever flow the question opened
    check_reply(line_user.say("รถขยะไม่มาเก็บหน้าบ้านสามวันแล้วค่ะ"))  # an offer
    check_reply(line_user.say("แจ้งเรื่องนี้"))
    line_user.say("ยกเลิก")
    for entry in entries:
        for action in (cards.SHOW, cards.STEPS, cards.DOCS, cards.CONTACT):
            check_reply(line_user.tap(f"manual:{action}:{entry['id']}"))


def test_every_reply_of_a_complaint_fits(line_user):
    replies = []

    class Recording:
        """The line user, keeping each reply to check it."""

        user_id = line_user.user_id

        def say(self, typed):
            replies.append(line_user.say(typed))
            return replies[-1]

    for kind, mode in (("corruption", "confidential"), ("grievance", "anonymous"),
                       ("suggestion", "identified")):
        file_complaint(Recording(), kind, mode)
    for reply in replies:
        # the summary repeats what the citizen typed: its length is theirs
        check_reply(reply, first_bubble="📝" not in reply[0].get("text", ""))


def test_bubbles_keep_sections_whole_and_lines_uncut():
    from handlers.messages import phone_bubbles

    heading = "ขั้นตอน: " + "ก" * 90
    steps = [f"{n}. " + "ข" * 80 for n in range(1, 9)]
    criteria = ["หลักเกณฑ์", *("• " + "ค" * 150 for _ in range(3))]
    bubbles = phone_bubbles([heading, "", *steps, "", *criteria], most=4)
    assert len(bubbles[0]) <= FIRST_BUBBLE and bubbles[0].startswith(heading + "\n\n1. ")
    assert all(len(b) <= 700 for b in bubbles[1:])
    assert bubbles[-1] == "\n".join(criteria)  # the section moved on whole
    assert "\n".join(bubbles).replace("\n\n", "\n").split("\n") == [heading, *steps, *criteria]
    assert len(phone_bubbles(["ง" * 400] * 20, most=2)) == 2  # the rest goes in the last
