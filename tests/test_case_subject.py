"""The subject line of a case in the officers' lists: what was reported, short, and
nothing of who reported it."""

from __future__ import annotations

from handlers.cases.subject import LENGTH, excerpt, subjects
from tests.test_console_support import case_of, file


def test_a_short_text_is_the_subject_on_one_line():
    assert excerpt("ไฟถนนดับ\nหน้าวัด   หมู่ 3") == "ไฟถนนดับ หน้าวัด หมู่ 3"


def test_a_long_text_is_cut_at_a_word_with_an_ellipsis():
    text = "ถนนลูกรังหน้าวัดเป็นหลุมเป็นบ่อลึกมาก " * 6
    shown = excerpt(text)
    assert len(shown) <= LENGTH and shown.endswith("…")
    assert text.startswith(shown[:-1].rstrip())
    # the last word is whole: the next piece of the text begins a word
    rest = text[len(shown) - 1:].lstrip()
    assert rest and not rest.startswith(("่", "้", "ิ", "ี", "ุ", "ู", "ั", "็", "ะ", "า"))


def test_who_complained_is_not_in_the_subject():
    shown = excerpt("ผมชื่อสมชาย ใจดี บ้านเลขที่ 12/3 หมู่ 4 โทร ๐๘๙-๑๒๓-๔๕๖๗ "
                    "อีเมล somchai@example.com ร้องเรียนเรื่องขยะไม่มีคนเก็บ")
    for identity in ("สมชาย", "ใจดี", "12/3", "๐๘๙", "somchai", "[", "]"):
        assert identity not in shown
    assert "ขยะไม่มีคนเก็บ" in shown


def test_a_question_passed_to_an_officer_is_its_subject(services):
    code = file(services, kind="inquiry", description="", question="ขอใบอนุญาตตั้งตลาดนัดต้องทำอย่างไร")
    case = case_of(services, code)
    with services.sessions() as session:
        lines = subjects(session, services.vault, [session.merge(case)])
    assert lines == {case.id: "ขอใบอนุญาตตั้งตลาดนัดต้องทำอย่างไร"}
