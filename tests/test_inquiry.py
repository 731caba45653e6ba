"""What a citizen sees when they type a question: card, candidates, or an honest "don't know"."""

from __future__ import annotations

import json

import pytest
import yaml

from handlers.chat import events, inquiry
from handlers.manual.cards import detail_messages
from handlers.manual.org_index import index_for_org
from storage.models import UnansweredQuestion

QUESTIONS = "tests/data/questions.yaml"


def _ask(make_context, question):
    with make_context() as ctx:
        return inquiry.answer_text(question, ctx)


def _quick(message):
    return [item["action"] for item in message.get("quickReply", {}).get("items", [])]


def _unanswered(sessions):
    with sessions() as session:
        return [(r.text, r.count, r.best_guess_id) for r in session.query(UnansweredQuestion)]


def test_confident_answer_is_a_card_with_three_buttons(make_context, sessions):
    # A question for the whole service (no one fact asked) gets the card.
    [card] = _ask(make_context, "อยากลงทะเบียนเบี้ยยังชีพคนแก่ค่ะ")
    assert card["type"] == "flex"
    assert len(card["altText"]) <= 400 and "เบี้ยผู้สูงอายุ" in card["altText"]
    header = card["contents"]["body"]["contents"][0]["text"]
    assert header == "เบี้ยผู้สูงอายุ"  # the short title; the legal one is behind a tap
    bubble = json.dumps(card["contents"], ensure_ascii=False)
    assert "กองสวัสดิการสังคม" in bubble and "ไม่มีค่าธรรมเนียม" in bubble
    assert "ทะเบียนบ้าน" in bubble  # documents in short
    buttons = [b["action"] for b in card["contents"]["footer"]["contents"]]
    assert [b["data"] for b in buttons] == [
        "manual:steps:elderly-allowance", "manual:docs:elderly-allowance",
        "manual:contact:elderly-allowance",
    ]
    assert [b["label"] for b in buttons] == ["ขั้นตอน", "เอกสาร", "ติดต่อ"]
    assert _unanswered(sessions) == []


def test_unsure_answer_offers_candidates(make_context, sessions):
    [message] = _ask(make_context, "ภาษี")
    assert message["type"] == "text" and message["text"].startswith("หมายถึงเรื่องใดคะ")
    actions = _quick(message)
    shows = [a for a in actions if a["data"].startswith("manual:show:")]
    assert 1 <= len(shows) <= 3
    assert {"manual:show:signboard-tax", "manual:show:land-building-tax"} <= {
        a["data"] for a in shows}
    assert all(len(a["label"]) <= 20 for a in actions)
    assert _unanswered(sessions) == []


def test_unknown_question_is_kept_and_offered_to_staff(make_context, sessions):
    for _ in range(2):
        [message] = _ask(make_context, "อบต.มีโครงการฝึกอาชีพไหมคะ")
        assert message["type"] == "text" and "ยังไม่พบคำตอบ" in message["text"]
        actions = _quick(message)
        assert actions[0]["type"] == "postback" and actions[0]["data"].startswith(
            "manual:handoff:")
        assert "ร้องเรียน/แจ้งเบาะแส" in [a.get("text") for a in actions]  # the main menu
    [(text, count, _)] = _unanswered(sessions)
    assert (text, count) == ("อบต.มีโครงการฝึกอาชีพไหมคะ", 2)


def test_handoff_says_only_what_is_true(make_context, sessions):
    [message] = _ask(make_context, "อบต.มีโครงการฝึกอาชีพไหมคะ")
    data = _quick(message)[0]["data"]
    with make_context() as ctx:
        [reply] = inquiry.on_postback(data, ctx)
    # the question became an inquiry case: the citizen is told its code and office
    from storage.models import Case

    with sessions() as session:
        code = session.query(Case).one().code
    assert code in reply["text"] and "ส่งคำถาม" in reply["text"]
    with make_context() as ctx:
        [reply] = inquiry.on_postback("manual:handoff:99999", ctx)
    assert "ไม่พบคำถามนี้" in reply["text"]


@pytest.mark.parametrize("greeting", ["สวัสดีค่ะ", "หวัดดีครับ", "ขอบคุณมากค่ะ", "ขอบคุณค่าาาา",
                                      "โอเคครับ", "thank you"])
def test_smalltalk_is_not_a_manual_entry(make_context, sessions, greeting):
    [message] = _ask(make_context, greeting)
    assert message["type"] == "text"
    assert "ยังไม่พบคำตอบ" not in message["text"] and "หมายถึง" not in message["text"]
    assert _unanswered(sessions) == []


def test_greeting_with_a_question_is_answered(make_context):
    assert inquiry.is_smalltalk("สวัสดีค่ะ อยากถามเรื่องเบี้ยคนแก่") is None
    [answer] = _ask(make_context, "สวัสดีค่ะ อยากถามเรื่องเบี้ยคนแก่ได้เดือนละเท่าไหร่")
    assert "600 บาท" in answer["text"]


@pytest.mark.parametrize(("action", "must_contain"), [
    ("steps", "1. "), ("docs", "สำเนา"), ("contact", "โทร"),
])
def test_card_buttons_give_the_details(make_context, action, must_contain):
    with make_context() as ctx:
        *details, rating = inquiry.on_postback(f"manual:{action}:building-permit", ctx)
    assert 1 <= len(details) <= 4 and all(m["type"] == "text" for m in details)
    assert must_contain in "\n".join(m["text"] for m in details)
    # the legal title heads the details; the first bubble fits a phone
    assert "การขออนุญาตก่อสร้าง" in details[0]["text"] and len(details[0]["text"]) <= 300
    assert [a["data"].split(":")[0] for a in _quick(rating)] == ["rate"] * 5
    others = {a["data"].split(":")[1] for a in _quick(details[-1])}
    assert others == {"steps", "docs", "contact"} - {action}


def test_choosing_a_candidate_shows_its_card(make_context):
    with make_context() as ctx:
        [card] = inquiry.on_postback("manual:show:signboard-tax", ctx)
        [gone] = inquiry.on_postback("manual:show:no-such-entry", ctx)
    assert card["type"] == "flex" and "ภาษีป้าย" in card["altText"]
    assert gone["type"] == "text"


def test_webhook_text_event_reaches_the_manual(make_context):
    event = {"type": "message", "replyToken": "r", "mode": "active",
             "source": {"type": "user", "userId": "U" + "2" * 32},
             "message": {"type": "text", "id": "1", "text": "ขออนุญาตรื้อถอนอาคารใช้อะไรบ้าง"}}
    with make_context("U" + "2" * 32) as ctx:
        [answer] = events.dispatch(event, ctx)
    assert answer["type"] == "text" and "เอกสารที่ต้องใช้" in answer["text"]
    assert _quick(answer)[0]["data"] == "manual:show:demolition-permit"


def test_every_reply_keeps_line_limits(org):
    index = index_for_org(org.folder)
    questions = [q["q"] for q in yaml.safe_load(open(QUESTIONS, encoding="utf-8"))]
    for question in questions + ["", "   ", "👍", "ก" * 6000]:
        _, messages = inquiry.answer_question(question, index, session=None, org=org, now=None)
        assert 1 <= len(messages) <= 5, question
        for m in messages:
            assert len(m.get("text", "")) <= 5000
            assert len(m.get("altText", "")) <= 400
            items = m.get("quickReply", {}).get("items", [])
            assert len(items) <= 13
            assert all(len(i["action"]["label"]) <= 20 for i in items)
    for entry in index.entries:
        for action in ("steps", "docs", "contact"):
            assert all(len(m["text"]) <= 5000 for m in detail_messages(entry, action))


@pytest.mark.parametrize("question", ["แปลคำว่าขอบคุณเป็นภาษาอังกฤษให้หน่อยค่ะ",
                                      "ส้มตำปูปลาร้าทำยังไงคะ", "งวดหน้าหวยจะออกอะไรครับ",
                                      "หวยงวดนี้ออกอะไรคะ", "ราคาทองวันนี้เท่าไหร่"])
def test_a_topic_no_office_answers_gets_a_plain_dont_know(make_context, sessions, question):
    # Not the signboard tax (ภาษาอังกฤษ), not a food shop licence: no card, no candidates,
    # and no "ส่งให้เจ้าหน้าที่": no office answers lottery numbers or gold prices.
    [message] = _ask(make_context, question)
    assert message["type"] == "text"
    assert message["text"].startswith("ขออภัยค่ะ เรื่องนี้ไม่ใช่งานที่ อบต.ทุ่งโพธิ์ ให้บริการ")
    assert "ส่งให้เจ้าหน้าที่" not in json.dumps(message, ensure_ascii=False)
    assert not any(a.get("data", "").startswith("manual:handoff:") for a in _quick(message))
    # the menu is offered; its complaint button says (and sends) its label
    assert "ร้องเรียน/แจ้งเบาะแส" in [a.get("text") for a in _quick(message)]
    [(text, _, _)] = _unanswered(sessions)
    assert text == question


@pytest.mark.parametrize(("question", "agency"), [
    ("บัตรประชาชนหายต้องไปทำที่ไหนคะ", "อำเภอ"),
    ("อยากต่อใบขับขี่ครับ", "ขนส่ง"),
    ("ย้ายสิทธิบัตรทองยังไงคะ", "1330"),
])
def test_another_agencys_service_is_pointed_there_not_answered_with_our_card(
        make_context, sessions, question, agency):
    [message] = _ask(make_context, question)
    assert message["type"] == "text"  # no card of ours
    assert agency in message["text"] and "ไม่ใช่งานของ อบต.ทุ่งโพธิ์" in message["text"]
    actions = _quick(message)
    assert actions[0]["data"].startswith("manual:handoff:")  # staff can still be asked
    [(text, _, best_guess)] = _unanswered(sessions)
    assert text == question and best_guess is None
