"""Every answer answers what was asked, and a report is offered to be filed with the words
already typed (issue 17, findings 3, 4 and 6), as a citizen would type them."""

from __future__ import annotations

from sqlalchemy import select

from handlers.chat import inquiry
from handlers.manual.org_index import index_for_org
from handlers.manual.search import SearchResult
from storage import case_vault
from storage.models import Case, Conversation
from tests.complaint_helpers import finish_complaint
from tests.line_helpers import quick_reply_labels, texts_of

HUA = "อยากแจ้งว่ามีการฮั้วประมูลสร้างถนน หมู่ 7 ค่ะ ไม่อยากบอกชื่อ"
LIGHT = "อยากร้องเรียนเรื่องไฟถนนดับหน้าบ้าน หมู่ 3 มาสามคืนแล้วค่ะ"


def _first(messages) -> dict:
    return messages[0]


def _description(sessions, vault) -> str:
    with sessions() as session:
        case = session.execute(select(Case)).scalar_one()
        return case_vault.read_field(vault, case_vault.case_key(vault, case), case,
                                     "description")


# --- finding 3: a report in free text ----------------------------------------------------

def test_an_accusation_in_free_text_is_offered_and_filed_with_its_words(
        line_user, sessions, vault):
    offer = line_user.say(HUA)
    assert [m["type"] for m in offer] == ["text"], "no procurement card before the offer"
    assert "ร้องเรียนการทุจริต" in texts_of(offer)
    assert quick_reply_labels(offer[-1])[:2] == ["แจ้งเรื่องนี้", "ไม่ใช่ ถามต่อ"]
    opened = texts_of(line_user.say("แจ้งเรื่องนี้"))
    assert "ไม่ต้องพิมพ์ใหม่" in opened and "ร้องเรียนการทุจริต" in opened
    finish_complaint(line_user, texts_of(line_user.say("ไม่ประสงค์ออกนาม")))
    assert _description(sessions, vault) == HUA
    with sessions() as session:
        assert session.execute(select(Case)).scalar_one().kind == "corruption"


def test_i_want_to_complain_about_opens_the_dialog_without_asking_again(
        line_user, sessions, vault):
    opened = texts_of(line_user.say(LIGHT))
    assert "ไม่ต้องพิมพ์ใหม่" in opened and "ร้องทุกข์" in opened
    finish_complaint(line_user, texts_of(line_user.say("ไม่ประสงค์ออกนาม")))
    assert _description(sessions, vault) == LIGHT


def test_declining_the_offer_answers_from_the_manual(line_user, sessions):
    line_user.say(HUA)
    answer = line_user.say("ไม่ใช่ ถามต่อ")
    assert "จัดซื้อจัดจ้าง" in texts_of(answer)
    with sessions() as session:
        assert session.execute(select(Conversation)).first() is None


def test_going_on_asking_drops_the_offer(line_user, sessions):
    line_user.say("รถขยะไม่มาเก็บหน้าบ้านสามวันแล้วค่ะ")
    answer = texts_of(line_user.say("อบต.เปิดกี่โมงคะ"))
    assert "08:30" in answer
    with sessions() as session:
        assert session.execute(select(Conversation)).first() is None
        assert session.execute(select(Case)).first() is None


def test_a_question_about_something_broken_is_answered_then_offered(line_user):
    answer = line_user.say("ไฟถนนดับแจ้งที่ไหนคะ")
    assert "แจ้งผ่าน LINE นี้" in _first(answer)["text"]  # what was asked, first
    assert "แจ้งเรื่องนี้" in quick_reply_labels(answer[-1])
    assert "ดูทั้งหมด" in quick_reply_labels(answer[-1])  # the answer's taps stay


# --- finding 4: the fact asked, first ----------------------------------------------------

def test_a_dog_bite_gets_first_aid_first(line_user):
    first = _first(line_user.say("โดนหมาข้างบ้านกัด ต้องทำไงดีคะ"))
    assert first["type"] == "text" and len(first["text"]) <= 300
    assert "ล้างแผล" in first["text"] and "โรงพยาบาล" in first["text"]
    assert "ทะเบียน" not in first["text"].split("\n", 1)[1]  # not the registration card


def test_opening_hours_and_saturday(line_user):
    first = _first(line_user.say("อบต.เปิดกี่โมง วันเสาร์เปิดไหม"))
    assert "08:30–16:30" in first["text"] and "ปิดวันเสาร์" in first["text"]
    assert "ค่าธรรมเนียม" not in first["text"] and "ระยะเวลา" not in first["text"]


def test_the_allowance_pay_day(line_user):
    first = _first(line_user.say("เบี้ยคนชราเดือนนี้เข้าวันไหน"))
    assert "วันที่ 10 ของทุกเดือน" in first["text"]


def test_the_garbage_fee_with_its_amount_and_where_to_pay(line_user):
    first = _first(line_user.say("ค่าเก็บขยะเดือนละเท่าไหร่"))
    assert "เดือนละ 20 บาท" in first["text"] and "ชำระที่" in first["text"]
    assert "กองคลัง" in first["text"]


def test_the_whole_card_is_one_tap_away(line_user):
    first = _first(line_user.say("ค่าเก็บขยะเดือนละเท่าไหร่"))
    [show] = [i["action"] for i in first["quickReply"]["items"]
              if i["action"]["label"] == "ดูทั้งหมด"]
    [card] = line_user.tap(show["data"])
    assert card["type"] == "flex" and "ค่าเก็บขยะ" in card["altText"]


def test_an_unsure_one_fact_answer_says_if_you_mean(org):
    # Unsure between two allowances, asked how much: the likelier one's amount, hedged,
    # and the other one tap away.
    unsure = SearchResult("elderly-allowance", "", "medium", 0.5,
                          [("disability-allowance", "", 0.45)])
    index = index_for_org(org.folder)
    first = inquiry.likely_answer(unsure, index, ["money"], False, org)
    assert first["text"].startswith("📌 หากหมายถึง เบี้ยผู้สูงอายุ") and "600 บาท" in first["text"]
    assert quick_reply_labels(first) == ["ดูทั้งหมด", "เบี้ยคนพิการ", "ไม่ใช่ทั้งหมด"]


# --- finding 6: topics no office answers -------------------------------------------------

def test_lottery_and_gold_get_no_handoff(line_user):
    for question in ("หวยงวดนี้ออกอะไรคะ", "ราคาทองวันนี้เท่าไหร่"):
        answer = line_user.say(question)
        assert "ส่งให้เจ้าหน้าที่" not in texts_of(answer)
        assert "ร้องเรียน/แจ้งเบาะแส" in quick_reply_labels(answer[-1])
