"""Questions asking which brand, shop or amount is best: no office answers them, even
when they share a word with one of our services."""

from __future__ import annotations

import pytest

from data import DEFAULT_ORG_DIR
from handlers.manual.opinion import asks_opinion
from handlers.manual.org_index import index_for_org


@pytest.fixture(scope="module")
def index():
    return index_for_org(DEFAULT_ORG_DIR)


@pytest.mark.parametrize("tokens", [
    ["หลอดไฟ", "ยี่ห้อ", "ไหน", "ทน"],
    ["ร้าน", "ไหน", "ขาย", "ถังขยะ", "ถูก"],
    ["ซื้อ", "เต็นท์", "ที่ไหน", "ถูก"],
    ["เลี้ยง", "ปลานิล", "กี่", "ตัวต่อ", "ไร่", "ดี"],  # as newmm splits it
    ["ขาย", "อะไร", "ดี"],
])
def test_a_request_for_a_recommendation_is_recognised(tokens):
    assert asks_opinion(tokens)


@pytest.mark.parametrize("tokens", [
    ["ไป", "ยื่น", "ที่ไหน", "ดี"],          # where to apply: a service question
    ["กรอก", "ถูกต้อง", "ไหม"],              # ถูก inside another word
    ["ถูก", "หมา", "กัด"],                   # ถูก as "was bitten"
    ["เอกสาร", "กี่", "ชุด"],
    ["ดี", "ไหม", "ถ้า", "สมัคร", "เบี้ย"],  # ดี before the question word
])
def test_service_questions_are_not_taken_for_opinions(tokens):
    assert not asks_opinion(tokens)


# Without the rule each of these is offered an entry's candidates (signboard tax, the
# loan of chairs); most such questions are already turned away by the shopping topic.
@pytest.mark.parametrize("question", ["ทำป้ายร้านที่ไหนถูกคะ", "เก้าอี้พลาสติกยี่ห้อไหนทน"])
def test_a_shopping_tip_sharing_a_service_word_gets_no_candidates(index, question):
    assert index.search(question).confidence == "low"


def test_a_service_question_with_a_choice_in_it_still_offers_its_entry(index):
    # demoted one step only: the strong match is still offered, as a candidate
    result = index.search("เรียกรถพยาบาลเบอร์ไหนดี")
    assert (result.answer_id, result.confidence) == ("emergency-medical", "medium")
    result = index.search("ไปยื่นเบี้ยคนแก่ที่ไหนดีคะ")
    assert (result.answer_id, result.confidence) == ("elderly-allowance", "high")
