"""Reading whether a citizen's free text reports something (handlers/chat/reports.py): a
report told is offered to be filed first, a question about something wrong is answered and
then offered, a service question is only answered."""

from __future__ import annotations

import pytest

from handlers.chat import reports
from handlers.manual.org_index import load_synonyms
from handlers.routing import load_router

ALONE, AFTER, ANSWER = "offer first", "answer, then offer", "answer only"


@pytest.fixture(scope="module")
def read(org):
    router, synonyms = load_router(org.folder), load_synonyms(org.folder)
    return lambda typed: reports.read(typed, router, synonyms)


def _what(reading) -> str:
    return ALONE if reading.offer_alone else AFTER if reading.offer_after else ANSWER


@pytest.mark.parametrize(("typed", "expected"), [
    # reports told: offered to be filed before anything else
    ("อยากแจ้งว่ามีการฮั้วประมูลสร้างถนน หมู่ 7 ค่ะ ไม่อยากบอกชื่อ", ALONE),
    ("อยากร้องเรียนเรื่องไฟถนนดับหน้าบ้านค่ะ", ALONE),
    ("รถขยะไม่มาเก็บ3วันแล้ว", ALONE),
    ("น้ำประปาบ่ไหลจักสามมื้อแล้ว", ALONE),  # Isan: บ่ = ไม่
    ("ทางเข้าหมู่บ้านเป็นหลุมเป็นบ่อ รถล้มบ่อย", ALONE),
    ("เจ้าหน้าที่กองช่างเรียกเงินค่าเซ็นใบอนุญาตห้าพัน", ALONE),
    ("ถนนที่เพิ่งสร้างหมู่ 5 ร้าวหมดแล้ว ผู้รับเหมาทิ้งงาน", ALONE),
    # questions about something wrong: the answer, then the offer
    ("ไฟถนนดับแจ้งที่ไหนคะ", AFTER),
    ("น้ำประปาไม่ไหลต้องทำยังไงคะ", AFTER),
    ("อยากร้องเรียนเจ้าหน้าที่ต้องทำยังไง", AFTER),
    # Isan question words ask too: จักมื้อ = how many days, ยามใด๋ = when
    ("ไฟกิ่งดับแจ้งแล้วจักมื้อจังมาแปง", AFTER),
    ("น้ำประปาบ่ไหล สิมาแปงยามใด๋", AFTER),
    ("ถนนเป็นขุมเป็นบ่อ ฮ้องเรียนได้บ่", AFTER),  # ได้บ่ is read as one word
    ("ขยะไม่มาเก็บ โทรเบอไร", AFTER),  # phone typing: เบอ = เบอร์, ไร = อะไร
    # service questions: only answered
    ("เบี้ยคนแก่ต้องใช้อะไรบ้าง", ANSWER),
    ("อบต.เปิดกี่โมง วันเสาร์เปิดไหม", ANSWER),
    ("โดนหมาข้างบ้านกัด ต้องทำไงดีคะ", ANSWER),
    ("ค่าเก็บขยะเดือนละเท่าไหร่", ANSWER),
    ("เสียภาษีที่ดินที่ไหน", ANSWER),
    ("ร้องเรียนทุจริตได้ที่ไหน", ANSWER),  # asks how, tells nothing
    ("ขยะอันตรายทิ้งที่ไหน", ANSWER),
    ("ไฟดับ", ANSWER),  # two words: too little to file
])
def test_what_is_offered(read, typed, expected):
    assert _what(read(typed)) == expected


def test_the_kind_comes_from_the_routing(read):
    assert read("อยากแจ้งว่ามีการฮั้วประมูลสร้างถนน หมู่ 7").kind == "corruption"
    assert read("รถขยะไม่มาเก็บ3วันแล้ว").kind == "grievance"


def test_asking_how_to_complain_is_no_story_to_file(read):
    # The offer after the answer starts an empty complaint: the question is no description.
    reading = read("อยากร้องเรียนเจ้าหน้าที่ต้องทำยังไง")
    assert reading.offer_after and not reading.tells
    assert read("ไฟถนนดับแจ้งที่ไหนคะ").tells
