"""Group and room chats: questions are answered there, anything personal never is.

Everyone in a group reads the bot's replies. A complaint attempted in a group must send
nothing personal to the group (by reply or push), keep no conversation state or case, and
answer with the one short message that points to a one-to-one chat.
"""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from bot.chat import make_event
from storage.models import Case, Conversation, OutboxMessage
from storage.models.drafts import DraftFile
from tests.complaint_helpers import KIND_BUTTON, MODE_BUTTON, NAME, PHONE, STORY
from tests.line_helpers import texts_of

GROUP_ID = "C" + "a" * 32
ROOM_ID = "R" + "b" * 32
ADD_FRIEND = "https://line.me/R/ti/p/@thungpho"


class GroupMember:
    """One member of a group chat: every event carries the group as its source."""

    def __init__(self, line_user, source_type: str):
        self.user = line_user
        self.source = ({"type": "group", "groupId": GROUP_ID} if source_type == "group"
                       else {"type": "room", "roomId": ROOM_ID})
        self.source["userId"] = line_user.user_id

    def send(self, kind: str, **fields) -> list[dict]:
        event = make_event(self.user.user_id, kind, **fields)
        event["source"] = dict(self.source)
        return self.user.send_event(event)

    def say(self, typed: str) -> list[dict]:
        return self.send("message", message={"type": "text", "id": str(uuid.uuid4().int)[:18],
                                             "text": typed})

    def tap(self, data: str) -> list[dict]:
        return self.send("postback", postback={"data": data})


def _count(sessions, model) -> int:
    with sessions() as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


@pytest.mark.parametrize("source_type", ["group", "room"])
def test_a_complaint_attempted_in_a_group_files_nothing_and_says_nothing_personal(
        line_user, sessions, fake_line, source_type):
    member = GroupMember(line_user, source_type)
    typed = ["ร้องเรียน", KIND_BUTTON["corruption"], MODE_BUTTON["identified"], NAME, PHONE,
             STORY["corruption"], "ข้าม", "ส่งครบแล้ว/ไม่มี", "ยืนยันส่งเรื่อง", "ติดตามเรื่อง"]
    answers = [member.say(t) for t in typed]
    answers += [member.tap(d) for d in ("complaint:start", "track:start", "rate:case:5",
                                        "manual:handoff:1")]
    assert all("แชตกับ" in texts_of(a) for a in answers[-4:])

    start = texts_of(answers[0])
    assert "แชต" in start and ADD_FRIEND in start
    assert len(answers[0]) == 1  # once, briefly: one message

    sent = fake_line.received()
    everything = "\n".join(texts_of(entry["messages"]) for entry in sent)
    for personal in (NAME, PHONE, "สมชาย", "081", "รหัสเรื่อง", "รหัสลับ", "ได้รับเรื่อง"):
        assert personal not in everything, personal
    # Every message went to the group: by its reply token, or pushed to the group itself.
    for entry in sent:
        assert entry.get("to") in (None, GROUP_ID, ROOM_ID), entry.get("to")
        assert entry.get("to") != line_user.user_id
    assert _count(sessions, Case) == 0
    assert _count(sessions, Conversation) == 0
    assert _count(sessions, DraftFile) == 0


def test_a_question_in_a_group_is_answered_there(line_user, fake_line):
    member = GroupMember(line_user, "group")
    answer = texts_of(member.say("ขอเบี้ยผู้สูงอายุต้องใช้เอกสารอะไรบ้าง"))
    assert "ผู้สูงอายุ" in answer
    assert "แชตกับ" not in answer


def test_an_expired_reply_in_a_group_is_pushed_to_the_group(line_user, sessions, clock,
                                                             fake_line, worker):
    member = GroupMember(line_user, "group")
    event = make_event(line_user.user_id, "message",
                       message={"type": "text", "id": "1", "text": "ร้องเรียน"})
    event["source"] = dict(member.source)
    event["timestamp"] = int((clock().timestamp() - 3600) * 1000)  # the token is long dead
    line_user.post(event)
    worker.run_until_idle()
    pushes = [e for e in fake_line.received() if e.get("to")]
    assert pushes and all(e["to"] == GROUP_ID for e in pushes)
    with sessions() as session:
        assert session.execute(select(OutboxMessage.sent_as)).scalars().all() == ["push"]


def test_the_bot_added_to_a_group_says_how_to_chat_privately(line_user):
    member = GroupMember(line_user, "group")
    said = texts_of(member.send("join"))
    assert ADD_FRIEND in said and "ร้องเรียน" in said


def test_a_photo_in_a_group_is_not_taken_as_evidence(line_user, sessions, fake_line):
    member = GroupMember(line_user, "group")
    member.say("ร้องเรียน")
    before = len(fake_line.received())
    answer = member.send("message", message={"type": "image", "id": "42",
                                             "contentProvider": {"type": "line"}})
    assert answer == [] and len(fake_line.received()) == before
    assert _count(sessions, DraftFile) == 0

