"""What one fact a question asks for: a fee, the documents, how long, the opening hours,
the pay day, how much money one receives, where, a phone number, or what to do right
now in an emergency.

Found on whole words (handlers/thai/cues.py), in the question as typed and in its
standard form from the synonym table, so Korat and Isan ways of asking count (เท่าใด๋,
อยู่ไส, เอาหยังไป, มื้อใด๋).

Money asked about ("เท่าไหร่", "กี่บาท") is a fee to pay unless the question is about
money received (ได้เดือนละ..., เบี้ย..., เงินช่วยเหลือ...); which one a question means is
settled against the entry (facts.py): an allowance has an amount, a licence a fee.
"""

from __future__ import annotations

from handlers.thai import Synonyms
from handlers.thai.cues import CueTable

# In the order answered when a question asks for more than one.
FACTS = ("urgent", "payday", "amount", "fee", "hours", "documents", "time", "where", "phone")

_PHRASES = {
    # an emergency in the question: what to do now comes first
    "urgent": """
        กัด โดนกัด ถูกกัด หมากัด ข่วน โดนข่วน งูกัด ไฟไหม้ ไฟลุก ควันเต็ม หมดสติ ไม่หายใจ ชัก
        เลือดออก เลือดไหล เลือดไม่หยุด เจ็บหน้าอก หายใจไม่ออก หัวฟาด รถชน รถคว่ำ อุบัติเหตุ
        จมน้ำ ฉุกเฉิน ด่วน ช่วยด้วย ไฟช็อต ไฟดูด สายไฟขาด เสาไฟล้ม รถพยาบาล กู้ชีพ 1669
        ล้มไม่รู้สึกตัว น้ำท่วมบ้าน พายุพัด หลังคาปลิว
    """,
    "payday": """
        เข้าวันไหน เข้าวันที่ ออกวันไหน ออกวันที่ จ่ายวันไหน จ่ายวันที่ โอนวันไหน โอนวันที่
        ได้วันไหน ได้วันที่ วันไหนเข้า วันไหนออก เข้าบัญชีวันไหน เข้าบัญชีวันที่ เงินเข้า
        เงินออก ยังไม่เข้า ยังไม่ออก เข้าเมื่อไหร่ ออกเมื่อไหร่ โอนเมื่อไหร่ จ่ายเมื่อไหร่
        เข้ากี่โมง ทุกวันที่ วันจ่าย วันที่จ่าย งวดนี้ เข้ามื้อใด๋ ออกมื้อใด๋ มื้อใด๋ มื้อได๋ วันใด๋
        เข้าวันใด๋ ได้มื้อใด๋ เงินเข้ายัง วันที่เท่าไหร่ วันที่เท่าไร วันที่เท่าใด ออกยัง เข้ายัง
        ออกหรือยัง เข้าหรือยัง โอนยัง โอนหรือยัง
    """,
    "received": """
        ได้เดือนละ ได้เท่าไหร่ ได้เท่าไร ได้กี่บาท ได้กี่ร้อย ได้เงินเท่าไหร่ ได้เงินเดือนละ
        ได้ปีละ ได้ครั้งละ ได้เท่าใด ได้เท่าใด๋ ได้จักบาท ได้จั๊กบาท รับเดือนละ รับเท่าไหร่
        อัตราเบี้ย เบี้ยเท่าไหร่ เงินเท่าไหร่ ช่วยเท่าไหร่ ช่วยเหลือเท่าไหร่
    """,
    "money": """
        เท่าไหร่ เท่าไร เท่าใด เท่าใด๋ กี่บาท กี่ร้อย จักบาท จั๊กบาท ราคา อัตรา
    """,
    "fee": """
        ค่าธรรมเนียม เสียเงิน เสียค่า ค่าใช้จ่าย มีค่าใช้จ่าย ต้องจ่าย จ่ายเท่าไหร่ ฟรี ฟรีไหม
        ฟรีมั้ย ฟรีบ่ เสียตังค์ เสียตัง ค่าทำ ค่าปรับ ภาษีเท่าไหร่
    """,
    "hours": """
        เปิดกี่โมง ปิดกี่โมง เปิดถึงกี่โมง เวลาทำการ เวลาเปิด เปิดวันไหน ปิดวันไหน
        เปิดวันเสาร์ เปิดเสาร์ วันเสาร์ วันอาทิตย์ เสาร์อาทิตย์ เปิดไหม เปิดมั้ย เปิดบ่
        เปิดทำการ พักเที่ยง วันหยุด หยุดวันไหน ทำการวันไหน กี่โมง เปิดกี่โมง ไปกี่โมง
        เปิดให้บริการ เปิดมื้อใด๋ เปิดจักโมง
    """,
    "documents": """
        เอกสาร ใช้อะไรบ้าง ต้องใช้อะไร เอาอะไรไป เอาอะไรไปบ้าง ต้องเตรียม เตรียมอะไร
        หลักฐานอะไร ใช้หลักฐาน ต้องเอาอะไร ถือไป ถืออะไรไป สำเนา เอาหยังไป ใช้หยัง
        ใช้อีหยัง เอกสารไร ใช้ไรบ้าง ต้องมีอะไร ใช้เอกสาร เอาไปด้วย ใช้หยังแน
    """,
    "time": """
        กี่วัน นานไหม นานมั้ย นานแค่ไหน ใช้เวลา กี่อาทิตย์ กี่เดือน กี่ชั่วโมง รอนาน
        กี่วันได้ เสร็จเมื่อไหร่ นานบ่ กี่มื้อ ได้เมื่อไหร่ ได้ตอนไหน ออกเมื่อไหร่ รอกี่วัน
    """,
    "where": """
        ที่ไหน ตรงไหน ที่ใด อยู่ไหน ไปไหน ทางไหน ไส อยู่ไส ยื่นไส ไปไส บ่อนใด๋ บ่อนได๋
        สถานที่ ยื่นที่ไหน ไปที่ไหน ติดต่อที่ไหน แจ้งที่ไหน จ่ายที่ไหน ชำระที่ไหน
        จ่ายได้ที่ไหน ชำระได้ที่ไหน อยู่ตรงไหน ที่ตั้ง แผนที่ พิกัด
    """,
    "pay": """
        จ่าย ชำระ จ่ายที่ไหน ชำระที่ไหน จ่ายได้ที่ไหน ชำระได้ที่ไหน จ่ายไส จ่ายตรงไหน ไปจ่าย
        ไปชำระ ชำระเงิน จ่ายเงิน จ่ายค่า ชำระค่า เสียภาษี
    """,
    "phone": """
        เบอร์ เบอร์โทร เบอร์โทรศัพท์ โทรอะไร โทรเบอร์ เบอร์ติดต่อ โทรหา ขอเบอร์ เบอร์อะไร
        เบอร์ไหน สายด่วน โทรไป โทรหาใคร โทรที่ไหน เบอ เบออะไร เบอร์ไร เบอไร เบอโทร
    """,
}
_CUES = CueTable({name: phrases.split() for name, phrases in _PHRASES.items()})


def asked(question: str, synonyms: Synonyms | None = None) -> tuple[list[str], bool]:
    """The facts the question asks for, in `FACTS` order ("money" when it asks an amount
    without saying whether paid or received), and whether it asks where to pay."""
    found = _CUES.categories(question, synonyms)
    facts = [f for f in FACTS if f in found]
    if "received" in found:
        facts.append("amount")
    elif "money" in found and "fee" not in facts:
        facts.append("money")
    if "payday" in facts:
        # "เงินเข้าเมื่อไหร่", "เข้าวันที่เท่าไหร่" ask the day, not how long or how much
        facts = [f for f in facts if f not in ("time", "money")]
    order = {name: i for i, name in enumerate(FACTS)}
    order["money"] = order["fee"]
    return sorted(dict.fromkeys(facts), key=order.__getitem__), "pay" in found and "where" in facts
