"""The scrubber: names, phone and ID numbers, e-mail and LINE ids typed into free text
never reach a table outside the vault, in any of the ways Thai people write them."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from handlers.cases import casework
from handlers.texts import text
from handlers.thai.scrub import scrub
from storage.models import Case, UnansweredQuestion
from tests.line_helpers import texts_of

THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")

# (what a citizen typed, what must be gone, what must still be there)
GIVEN = [
    ("ผมชื่อสมชาย ใจดี โทร 089-123-4567 อยากทราบเรื่องเบี้ยผู้สูงอายุ",
     ["สมชาย", "ใจดี", "089", "4567"], ["อยากทราบเรื่องเบี้ยผู้สูงอายุ"]),
    ("ดิฉันชื่อสมศรีอยากทราบว่าเบี้ยยังไม่เข้า", ["สมศรี"], ["อยากทราบว่าเบี้ยยังไม่เข้า"]),
    ("หนูชื่อ น้ำฝน ค่ะ เบอร์ 0812345678", ["น้ำฝน", "0812345678"], ["ค่ะ"]),
    ("กระผมชื่อนายประยุทธ มั่นคง ขอสอบถามค่ะ", ["ประยุทธ", "มั่นคง"], ["ขอสอบถาม"]),
    ("ข้าพเจ้าชื่อ นางบุญมี ศรีสุข", ["บุญมี", "ศรีสุข"], []),
    ("ชื่อ สมหญิง ทองดี เบอร์ ๐๘๙ ๑๒๓ ๔๕๖๗", ["สมหญิง", "ทองดี", "๐๘๙", "๔๕๖๗"], []),
    ("ชื่อ-สกุล: วิไล ศรีงาม", ["วิไล", "ศรีงาม"], []),
    ("นามสกุล รุ่งเรืองกิจ", ["รุ่งเรืองกิจ"], []),
    ("ชื่อจริงคือ ธนพล", ["ธนพล"], []),
    ("แม่ชื่อบัวผัน ยังไม่ได้เบี้ย", ["บัวผัน"], ["ยังไม่ได้เบี้ย"]),
    ("ลูกชื่อด.ช.ก้องภพ ใจงาม เรียนศูนย์เด็กเล็ก", ["ก้องภพ", "ใจงาม"], ["เรียนศูนย์เด็กเล็ก"]),
    ("แจ้งว่านายสมปอง แก้วใส ไม่มาทำงาน", ["สมปอง", "แก้วใส"], ["ไม่มาทำงาน"]),
    ("น.ส.กาญจนา พรหมมา อยากสอบถาม", ["กาญจนา", "พรหมมา"], ["อยากสอบถาม"]),
    ("นางสาวสุดา มีสุข โทร.0612345678", ["สุดา", "มีสุข", "0612345678"], []),
    ("my name is Jane Doe, tel +66 81 234 5678", ["Jane", "Doe", "81 234 5678"], []),
    ("ติดต่อกลับ +66812345678 ได้ค่ะ", ["812345678"], ["ติดต่อกลับ"]),
    ("โทร (089) 123 4567 หรือ 02-123-4567", ["123 4567", "02-123-4567"], []),
    ("เบอร์ 0 8 9 1 2 3 4 5 6 7", ["0 8 9 1 2 3 4 5 6 7"], []),
    ("เบอร์ ๐๘๙.๑๒๓.๔๕๖๗ นะคะ", ["๔๕๖๗"], ["นะคะ"]),
    ("เบอร์ศูนย์แปดเก้า หนึ่งสองสาม สี่ห้าหกเจ็ด", ["แปดเก้า", "สี่ห้าหกเจ็ด"], []),
    ("บ้าน 044-123456 ค่ะ", ["044-123456"], []),
    ("เลขบัตร 1-2345-67890-12-3", ["67890", "12-3"], []),
    ("เลขบัตรประชาชน 3 4101 00123 45 6 ค่ะ", ["00123"], []),
    ("บัตร ๑๒๓๔๕๖๗๘๙๐๑๒๓", ["๑๒๓๔๕๖๗๘๙๐๑๒๓"], []),
    ("โอนเข้าบัญชี 123-4-56789-0 แล้ว", ["56789"], ["แล้ว"]),
    ("อีเมล somchai.j@gmail.com", ["somchai", "gmail"], []),
    ("อีเมล somchai.j at gmail dot com", ["somchai", "gmail"], []),
    ("ไลน์ไอดี: somchai_99 ครับ", ["somchai_99"], ["ครับ"]),
    ("แอดไลน์ @jaidee123 มาได้เลย", ["jaidee123"], []),
    ("id line: noknoi.p", ["noknoi"], []),
    ("ไลน์ line.me/ti/p/~somchai", ["somchai"], []),
    ("U0123456789abcdef0123456789abcdef", ["0123456789abcdef"], []),
    ("บ้านเลขที่ 12/3 หมู่ 4 ต.ทุ่งโพธิ์", ["12/3"], ["หมู่ 4", "ทุ่งโพธิ์"]),
    ("อยู่ 45/1 ม.7 ไฟดับ", ["45/1"], ["ม.7", "ไฟดับ"]),
]

# Questions with nothing to take out: they must stay exactly as typed.
UNTOUCHED = [
    "ขอเบี้ยผู้สูงอายุต้องใช้อะไรบ้าง",
    "นายกอบต.เข้างานกี่โมง",
    "นายช่างมาดูถนนหมู่ 3 เมื่อไร",
    "ขอเปลี่ยนชื่อ-สกุลในทะเบียนบ้านทำอย่างไร",
    "รายชื่อผู้มีสิทธิ์รับเบี้ยปี 2567 ดูได้ที่ไหน",
    "ค่าธรรมเนียม 1,500 บาท จ่ายวันที่ 25-12-2567 10.30 น. ได้ไหม",
    "เวลาทำการ 08.30-16.30 น.",
    "ติดต่อทางไลน์ได้ไหม",
    "ใช้ line official account ของ อบต. ได้ไหม",
    "ทำนายว่าปีนี้น้ำจะท่วมไหม",
    "โทร 1669 ได้ไหม",
]


@pytest.mark.parametrize(("typed", "gone", "kept"), GIVEN, ids=[g[0][:24] for g in GIVEN])
def test_each_thai_way_of_giving_a_name_or_number_is_taken_out(typed, gone, kept):
    scrubbed = scrub(typed)
    for piece in gone:
        assert piece not in scrubbed, (typed, scrubbed)
    for piece in kept:
        assert piece in scrubbed, (typed, scrubbed)
    assert re.search(r"\[[\u0e00-\u0e7f]+\]", scrubbed), scrubbed  # a Thai placeholder
    assert scrub(scrubbed) == scrubbed


@pytest.mark.parametrize("typed", UNTOUCHED)
def test_a_question_without_identity_is_kept_as_typed(typed):
    assert scrub(typed) == typed


def test_placeholders_are_the_thai_texts_of_the_messages_file():
    scrubbed = scrub("ผมชื่อสมชาย โทร 0891234567 อีเมล a.b@c.th")
    for key in ("scrub_name", "scrub_phone", "scrub_email"):
        assert text(key) in scrubbed


SEPARATORS = st.sampled_from(["", " ", "-", ".", " - "])


@st.composite
def thai_phone(draw):
    digits = "0" + draw(st.sampled_from("689")) + "".join(
        draw(st.lists(st.sampled_from("0123456789"), min_size=8, max_size=8)))
    groups = [digits[:3], digits[3:6], digits[6:]]
    if draw(st.booleans()):
        groups = [digits[:2], digits[2:6], digits[6:]]
    written = draw(SEPARATORS).join(groups)
    if draw(st.booleans()):
        written = written.translate(THAI_DIGITS)
    if draw(st.booleans()):
        written = "+66 " + written[1:]
    return digits, written


@settings(max_examples=300, deadline=None)
@given(phone=thai_phone(), before=st.sampled_from(["โทร", "เบอร์ ", "ติดต่อ ", "", "ผมเบอร์"]),
       after=st.sampled_from(["", " ครับ", "ค่ะ", " นะคะ ขอบคุณ"]))
def test_no_phone_number_survives_in_any_grouping_or_digits(phone, before, after):
    digits, written = phone
    scrubbed = scrub(before + written + after)
    left = re.sub(r"\D", "", scrubbed.translate(str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")))
    assert digits[-7:] not in left and len(left) < 4, scrubbed


def test_a_stored_unanswered_question_keeps_the_question_not_the_person(line_user, services):
    asked = "ผมชื่อสมชาย ใจดี เบอร์ 089-123-4567 อยากทราบว่าปีนี้จะมีงานบุญบั้งไฟที่หมู่ 7 ไหม"
    answer = line_user.say(asked)
    assert "ไม่พบ" in texts_of(answer) or "ยังไม่พบ" in texts_of(answer)
    # Someone else, the same question under their own name: counted as the same question.
    other = line_user.__class__(line_user.client, line_user.secret, line_user.worker,
                                line_user.fake_line)
    other.say("ผมชื่อ สมศักดิ์ มีสุข เบอร์ ๐๘๑-๒๓๔-๕๖๗๘ อยากทราบว่าปีนี้จะมีงานบุญบั้งไฟที่หมู่ 7 ไหม")
    with services.sessions() as session:
        [row] = session.execute(select(UnansweredQuestion)).scalars().all()
        for piece in ("สมชาย", "ใจดี", "089", "4567", "สมศักดิ์", "มีสุข", "๐๘๑"):
            assert piece not in row.text and piece not in row.text_key
        assert "งานบุญบั้งไฟที่หมู่ 7" in row.text and text("scrub_name") in row.text
        assert row.count == 2
    # Passed on to staff, the officer reads the scrubbed question too.
    data = next(item["action"]["data"] for item in answer[0]["quickReply"]["items"]
                if item["action"].get("data", "").startswith("manual:handoff:"))
    line_user.tap(data)
    with services.sessions() as session:
        case = session.execute(select(Case)).scalar_one()
        question = casework.read_content(session, services.vault, case)["question"]
        assert "สมชาย" not in question and "089-123-4567" not in question
        assert "งานบุญบั้งไฟ" in question
