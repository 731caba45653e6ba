"""What one fact a question asks for (handlers/manual/asked.py), as people type it: in
standard Thai, in Korat and Isan words, on a phone, with a story before the question."""

import pytest

from data import DEFAULT_ORG_DIR
from handlers.manual.asked import asked
from handlers.manual.facts import resolve
from handlers.manual.org_index import index_for_org, load_synonyms

SYNONYMS = load_synonyms(DEFAULT_ORG_DIR)


def facts_of(question: str) -> list[str]:
    return asked(question, SYNONYMS)[0]


@pytest.mark.parametrize("question, fact", [
    ("อบต.เปิดจักโมง", "hours"),
    ("มื้อเสาร์เปิดบ่", "hours"),
    ("ไปยื่นวันเสาร์ได้ไหมคะ", "hours"),
    ("พักเที่ยงกี่โมงครับ", "hours"),
    ("ต่อใบอนุญาตร้านอาหารเสียเงินบ่", "fee"),
    ("ยืมเต็นท์คิดตังค์ไหมจ๊ะ", "fee"),
    ("สิไปขอเบี้ยพิการต้องเอาหยังไปแน", "documents"),
    ("สมัครเบี้ยต้องเอาบัตรประชาชนไปด้วยไหม", "documents"),
    ("ลงทะเบียนเงินเด็ก เอาไรไปบ้างคะ", "documents"),
    ("ขอใบอนุญาตก่อสร้างดนบ่", "time"),
    ("ไฟถนนดับแจ้งไผ", "where"),
    ("ค่าขยะจ่ายไส", "where"),
    ("เบอร์โทรอบต.เบอร์หยัง", "phone"),
    ("เบี้ยคนแก่ได้เดือนละจักบาท", "amount"),
    ("เบี้ยคนแก่ออกมื้อใด๋", "payday"),
    # Korat writes some syllables with a yamakkan; Isan closes a question with บ่
    ("เงินผู้เฒ่าได้เดือนละจั๎กบาทเด้อ", "amount"),
    ("ต้องจ่ายเงินบ่", "fee"),
    ("อบต.มีคนอยู่บ่วันเสาร์", "hours"),
    ("สิไปยื่นที่ใด", "where"),
    ("ต้องเอาแนวใด๋ไปแน", "documents"),
    ("ลงชื่อรับเบียคนแก่ตองเอาไรไปมั่ง", "documents"),
    ("จ่ายภาษีที่ดินที่ไหนได้บ้าง", "where"),
    ("เสาร์อาทิตย์หยุดไหม", "hours"),
    ("มีไลน์ไหมคะ", "phone"),
])
def test_each_fact_as_villagers_ask_it(question, fact):
    assert facts_of(question)[0] == fact


def test_a_cue_mistyped_by_one_letter_counts_as_the_search_mended_it():
    # กีโมง (the tone mark left out) is mended to กี่โมง by the search; the cue counts
    index = index_for_org(DEFAULT_ORG_DIR)
    result = index.search("อบตปิดกีโมง")
    assert facts_of("อบตปิดกีโมง") == []
    assert asked("อบตปิดกีโมง", SYNONYMS, result.features["tokens"])[0] == ["hours"]


def test_the_fact_asked_last_comes_first():
    # the story names the day; the question asks for the documents
    assert facts_of("จะเปิดตลาดนัดวันเสาร์อาทิตย์ ต้องเตรียมเอกสารอะไรบ้าง") == ["documents"]
    assert facts_of("ขอสำเนาสัญญาจ้าง ต้องเสียเงินไหม") == ["fee"]
    assert facts_of("ยื่นเอกสารไปแล้ว ต้องรอกี่วันคะ")[0] == "time"


def test_an_emergency_comes_first_wherever_it_is_said():
    assert facts_of("เบอร์อะไรคะ หมากัดลูก") == ["urgent", "phone"]


@pytest.mark.parametrize("question", [
    "ศพด.รับเด็กอายุเท่าไหร่",               # an age, not a price
    "รายได้ครอบครัวต้องไม่เกินเท่าไหร่",      # a limit, not a price
    "อยากเข้าเสนอราคางานของอบต.ต้องทำไง",    # bidding
    "ขอยืมเต็นท์วันเสาร์นี้ได้ไหม",            # a day named, no hours asked
    "ใบอนุญาตสถานที่จำหน่ายอาหารต้องต่อทุกปีไหม",  # a licence's name, not where
    "ขอดูเอกสารของอบต.ได้ไหม",               # the documents are what is asked for
])
def test_words_that_only_look_like_a_fact_asked(question):
    assert facts_of(question) == []


def test_when_is_the_pay_day_of_an_allowance_and_the_wait_for_a_licence():
    index = index_for_org(DEFAULT_ORG_DIR)
    allowance, permit = index.entry("elderly-allowance"), index.entry("building-permit")
    got = facts_of("จะได้เมื่อไหร่คะ")
    assert resolve(allowance, got) == ["payday"] and resolve(permit, got) == ["time"]
    # "when" alone asks the pay day of an allowance and nothing of a licence
    when = facts_of("ภาษีป้ายจ่ายได้ถึงเมื่อไหร่")
    assert resolve(permit, when) == []
