"""Every message the handlers produce, through every channel's renderer, within that
channel's limits: LINE byte for byte as built, Messenger as Meta would accept it (the fake
Send API's own checks), the web chat with nothing left out."""

from __future__ import annotations

import json

import pytest

from bot.channels import line, messenger, neutral, web
from bot.channels.fake_messenger import problem
from handlers.manual import cards, facts
from handlers.manual.asked import FACTS
from handlers.manual.org_index import index_for_org
from handlers.messages import (
    card,
    reply_with_camera,
    reply_with_location,
    reply_with_postback,
    reply_with_text,
    say,
)
from tests.complaint_helpers import file_complaint
from tests.test_message_limits import QUESTIONS


def check_everywhere(messages: list[dict]) -> None:
    assert json.dumps(line.render(messages)) == json.dumps(messages)
    for message in messages:
        read = neutral.read(message)
        assert not isinstance(read, neutral.Unknown), message
        rendered = messenger.render([message])
        assert rendered, message
        for sent in rendered:
            body = {"recipient": {"id": "1"}, "messaging_type": "RESPONSE", "message": sent}
            assert problem(body) is None, (problem(body), sent)
        [shown] = web.render([message])
        # the texts name LINE; Messenger and the web chat say their own name (data)
        for other in (rendered, shown):
            assert "ไลน์" not in json.dumps(other, ensure_ascii=False).replace("ออนไลน์", "")
        wanted = [c for c in read.quick if c.kind in (neutral.TEXT, neutral.POSTBACK)]
        assert len(shown["choices"]) >= len(wanted)


def _entries(org):
    return index_for_org(org.folder).entries


def test_every_card_detail_and_fact_renders_on_every_channel(org):
    for entry in _entries(org):
        check_everywhere([cards.entry_card(entry)])
        for action in (cards.STEPS, cards.DOCS, cards.CONTACT):
            check_everywhere(cards.detail_messages(entry, action))
            check_everywhere([cards.detail_message(entry, action)])
        for fact in (*FACTS, "money"):
            for pay in (False, True):
                answer = facts.answer(entry, [fact], pay, org.phone)
                if answer is not None:
                    check_everywhere([answer])


def test_every_reply_of_conversations_and_complaints_renders_on_every_channel(line_user, org):
    replies = [line_user.follow()]
    for question in QUESTIONS:
        replies.append(line_user.say(question))
        line_user.say("ยกเลิก")
    for entry in _entries(org)[:10]:
        replies.append(line_user.tap(f"manual:show:{entry['id']}"))

    class Recording:
        user_id = line_user.user_id

        def say(self, typed):
            replies.append(line_user.say(typed))
            return replies[-1]

    for kind, mode in (("corruption", "confidential"), ("grievance", "anonymous"),
                       ("suggestion", "identified")):
        file_complaint(Recording(), kind, mode)
    assert sum(len(r) for r in replies) > 50
    for reply in replies:
        check_everywhere(reply)


def test_a_card_reads_back_as_it_was_built():
    built = card("alt", "หัวเรื่อง", [("ช่อง", ["หนึ่ง", "สอง"]), ("ว่าง", [])],
                 [("ปุ่มหนึ่ง", "a:1"), ("ปุ่มสอง", "a:2")])
    read = neutral.read(built)
    assert read == neutral.Card(
        alt="alt", title="หัวเรื่อง", fields=[("ช่อง", ["หนึ่ง", "สอง"]), ("ว่าง", ["-"])],
        buttons=[neutral.Choice("postback", "ปุ่มหนึ่ง", data="a:1", display="ปุ่มหนึ่ง"),
                 neutral.Choice("postback", "ปุ่มสอง", data="a:2", display="ปุ่มสอง")])


def test_messenger_keeps_13_quick_replies_of_20_characters_and_no_location_or_camera():
    quick = [reply_with_postback(f"ตัวเลือกที่ยาวมากเกินยี่สิบตัวอักษร {n}", f"d:{n}")
             for n in range(11)] + [reply_with_location("ส่งตำแหน่ง"),
                                    reply_with_camera("ถ่ายรูป"),
                                    reply_with_text("ข้าม"), reply_with_text("อื่นๆ", "อื่น")]
    [sent] = messenger.render([{"type": "text", "text": "เลือก", "quickReply": {"items": quick}}])
    titles = [q["title"] for q in sent["quick_replies"]]
    assert len(titles) == 13 and all(len(t) <= 20 for t in titles)
    assert "ส่งตำแหน่ง" not in titles and "ถ่ายรูป" not in titles
    payloads = [q["payload"] for q in sent["quick_replies"]]
    assert payloads[-2:] == ["t:ข้าม", "t:อื่น"] and payloads[0] == "p:d:0"


def test_messenger_splits_a_long_text_at_spaces_and_puts_the_choices_last():
    words = " ".join(f"คำที่{n}" for n in range(540))  # about 4,800 characters
    sent = messenger.render([say(words, [reply_with_text("ข้าม")])])
    assert len(sent) == 3 and all(len(m["text"]) <= 2000 for m in sent)
    assert " ".join(m["text"] for m in sent) == words  # cut between words, nothing lost
    assert [("quick_replies" in m) for m in sent] == [False, False, True]


@pytest.mark.parametrize("body", ["ก" * 4500, "ก" * 1990 + "\n" + "ข" * 100])
def test_messenger_cuts_thai_without_spaces_where_it_must(body):
    pieces = messenger.split_text(body)
    assert all(0 < len(p) <= 2000 for p in pieces)
    assert "".join(pieces).replace("\n", "") == body.replace("\n", "")


def test_messenger_card_is_a_generic_template_with_three_postbacks():
    built = card("alt", "ชื่อบริการที่ยาวมาก" * 10, [("หน่วยงาน", ["กองช่าง"])],
                 [("ขั้นตอน", "m:1"), ("เอกสาร", "m:2"), ("ติดต่อ", "m:3"), ("เกิน", "m:4")])
    fields, template = messenger.render([built])
    assert fields == {"text": "หน่วยงาน: กองช่าง"}
    [element] = template["attachment"]["payload"]["elements"]
    assert len(element["title"]) <= 80 and element["subtitle"] == "กองช่าง"
    assert [b["payload"] for b in element["buttons"]] == ["p:m:1", "p:m:2", "p:m:3"]


def test_web_chat_json_has_the_card_and_its_choices():
    built = card("alt", "หัวเรื่อง", [("ช่อง", ["ค่า"])], [("ปุ่ม", "x:1")])
    text = say("ส่งรูปได้", [reply_with_camera("ถ่ายรูป"), reply_with_text("ข้าม")])
    shown = web.render([built, text])
    assert shown[0] == {"kind": "card", "title": "หัวเรื่อง", "alt": "alt",
                        "fields": [{"name": "ช่อง", "lines": ["ค่า"]}],
                        "buttons": [{"kind": "postback", "label": "ปุ่ม", "send": "x:1",
                                     "display": "ปุ่ม"}], "choices": []}
    assert [c["kind"] for c in shown[1]["choices"]] == ["photo", "text"]


def test_outlets_send_each_address_to_its_own_channel():
    from bot.channels.outlets import Outlets
    from bot.line_api import SendResult

    class Recorder:
        def __init__(self):
            self.calls = []

        def push(self, to, messages, retry_key):
            self.calls.append(to)
            return SendResult(ok=True, status=200)

    line_api, messenger_api = Recorder(), Recorder()
    outlets = Outlets(line_api, messenger_api)
    assert outlets.push("U" + "a" * 32, [say("x")], "k1").ok
    assert outlets.push("fb:123", [say("x")], "k2").ok
    refused = outlets.push("web:abc", [say("x")], "k3")
    assert not refused.ok and not refused.retryable
    assert not Outlets(line_api).push("fb:456", [say("x")], "k4").ok  # Messenger off
    assert (line_api.calls, messenger_api.calls) == (["U" + "a" * 32], ["fb:123"])
