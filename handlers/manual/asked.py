"""What one fact a question asks for: a fee, the documents, how long, the opening hours,
the pay day, how much money one receives, where, a phone number, or what to do right
now in an emergency.

Found on whole words (handlers/thai/cues.py), in the question as typed and in its
standard form from the synonym table, so Korat and Isan ways of asking count (เท่าใด๋,
อยู่ไส, เอาหยังไป, มื้อใด๋, แจ้งไผ).

Money asked about ("เท่าไหร่", "กี่บาท") is a fee to pay unless the question is about
money received (ได้เดือนละ..., เบี้ย..., เงินช่วยเหลือ...); which one a question means is
settled against the entry (facts.py): an allowance has an amount, a licence a fee. "When"
without more ("เมื่อไหร่", "วันไหน") is the pay day of an entry that pays one, else nothing.

Thai puts the question at the end ("เปิดตลาดนัดวันเสาร์ ต้องเตรียมเอกสารอะไรบ้าง",
"ขอสำเนาสัญญา ต้องเสียเงินไหม"): words earlier in the message more often tell the story
than ask, so the fact asked last is answered first (an emergency always comes first).
A few phrases look like a cue but ask something else (อายุเท่าไหร่ asks an age, not a
price; เสนอราคา is bidding; สถานที่จำหน่ายอาหาร is a licence's name): a cue inside one
of them does not count.
"""

from __future__ import annotations

from collections.abc import Sequence

from handlers.thai import Synonyms
from handlers.thai.cues import CueTable

# In the order answered when a question asks for more than one at the same place.
FACTS = ("urgent", "payday", "amount", "fee", "hours", "documents", "time", "where", "phone")

_PHRASES = {
    # an emergency in the question: what to do now comes first
    "urgent": """
        เป็นลม เจ็บท้องคลอด น้ำเดิน ตกจากที่สูง ตกต้นไม้ ผึ้งต่อย ต่อต่อย โดนงู ถูกไฟดูด ไม่รู้สึกตัว เลือดท่วม
        กัด โดนกัด ถูกกัด หมากัด ข่วน โดนข่วน งูกัด ไฟไหม้ ไฟลุก ควันเต็ม หมดสติ ไม่หายใจ ชัก
        เลือดออก เลือดไหล เลือดไม่หยุด เจ็บหน้าอก หายใจไม่ออก หัวฟาด รถชน รถคว่ำ อุบัติเหตุ
        จมน้ำ ฉุกเฉิน ด่วน ช่วยด้วย ไฟช็อต ไฟดูด สายไฟขาด เสาไฟล้ม รถพยาบาล กู้ชีพ 1669
        ล้มไม่รู้สึกตัว น้ำท่วมบ้าน พายุพัด หลังคาปลิว
        ไม่ได้สติ ปลุกไม่ตื่น หน้ามืด ล้มฟาด หัวแตก แขนหัก ขาหัก ไฟฟ้าช็อต แพ้ยา แพ้อาหาร
        เจ็บหนัก อาการหนัก ชักเกร็ง เลือดกำเดา ตกบันได รถล้ม ล้มหัว บ้านไฟไหม้ ไฟป่า
        ไฟไหม้หญ้า ควันไฟ ต่อหัวเสือ แตนต่อย ตะขาบกัด แมงป่องต่อย ช่วยแหน่ ช่วยแน่
    """,
    "payday": """
        เข้าตอนไหน ออกตอนไหน โอนตอนไหน จ่ายตอนไหน เงินจะเข้า จะเข้าเมื่อไหร่ จะออกเมื่อไหร่ โอนเข้า
        เข้าวันไหน เข้าวันที่ ออกวันไหน ออกวันที่ จ่ายวันไหน จ่ายวันที่ โอนวันไหน โอนวันที่
        ได้วันไหน ได้วันที่ วันไหนเข้า วันไหนออก เข้าบัญชีวันไหน เข้าบัญชีวันที่ เงินเข้า
        เงินออก ยังไม่เข้า ยังไม่ออก เข้าเมื่อไหร่ ออกเมื่อไหร่ โอนเมื่อไหร่ จ่ายเมื่อไหร่
        เข้ากี่โมง ทุกวันที่ วันจ่าย วันที่จ่าย งวดนี้ เข้ามื้อใด๋ ออกมื้อใด๋ มื้อใด๋ มื้อได๋ วันใด๋
        เข้าวันใด๋ ได้มื้อใด๋ เงินเข้ายัง วันที่เท่าไหร่ วันที่เท่าไร วันที่เท่าใด ออกยัง เข้ายัง
        ออกหรือยัง เข้าหรือยัง โอนยัง โอนหรือยัง
        ยังไม่โอน ไม่โอน เงินไม่เข้า เงินยังไม่เข้า รอบจ่าย รอบโอน รอบนี้ งวดหน้า
        วันไหนของเดือน วันที่เท่าไหร่ของเดือน ต้นเดือน สิ้นเดือน ทุกวันที่เท่าไหร่
        จ่ายทุกเดือน ได้ทุกเดือน เข้าทุกวันที่ ได้เงินวันไหน ได้เงินเมื่อไหร่
        จะได้เงินเมื่อไหร่ จะได้เงินวันไหน ได้รับเงินวันไหน รับเงินวันไหน รับเงินได้วันไหน
        จ่ายเงินวันไหน โอนเงินวันไหน กดเงินได้วันไหน ไปรับเงินวันไหน
        โอนกี่โมง โอนเงินกี่โมง เงินเข้ากี่โมง
    """,
    # the day of a payment, when the entry pays one; otherwise it says nothing
    "when": """
        เมื่อไหร่ เมื่อไร เมื่อใด ตอนไหน วันไหน ช่วงไหน วันอะไร
    """,
    # when one gets it: the pay day of an entry that pays one, else how long it takes
    "got": """
        ได้เมื่อไหร่ จะได้เมื่อไหร่ ได้ตอนไหน จะได้ตอนไหน ได้วันไหน ได้เมื่อไร ได้มื้อใด๋
    """,
    "received": """
        ให้เดือนละ ให้กี่บาท ได้รับเท่าไหร่ ได้รับกี่บาท เดือนนึงได้ ได้เดือนนึง
        ได้เดือนละ ได้เท่าไหร่ ได้เท่าไร ได้กี่บาท ได้กี่ร้อย ได้เงินเท่าไหร่ ได้เงินเดือนละ
        ได้ปีละ ได้ครั้งละ ได้เท่าใด ได้เท่าใด๋ ได้จักบาท ได้จั๊กบาท รับเดือนละ รับเท่าไหร่
        อัตราเบี้ย เบี้ยเท่าไหร่ เงินเท่าไหร่ ช่วยเท่าไหร่ ช่วยเหลือเท่าไหร่
        ได้เพิ่ม ได้มากขึ้น ขึ้นเป็น ได้กี่ตังค์ ได้ทั้งหมด ได้หลายบ่ ได้หลายไหม ได้เยอะไหม
        ได้เงินกี่บาท รับกี่บาท รับเงินเท่าไหร่ ได้รับเงินเท่าไหร่ ได้คนละ ให้คนละ ให้ครั้งละ
        ได้เงินเยอะ ได้เยอะ ได้เงินมาก
        ได้เงินหลาย เงินหลายบ่ ได้หลายปานใด ได้ปานใด ได้เงินปานใด
    """,
    "money": """
        เท่าไหร่ เท่าไร เท่าใด เท่าใด๋ กี่บาท กี่ร้อย จักบาท จั๊กบาท ราคา อัตรา
        กี่พัน กี่ตัง กี่ตังค์ ท่อใด๋ ท่อได๋ กี่สตางค์
    """,
    "fee": """
        คิดเงิน คิดค่า เก็บเงิน เก็บค่า กี่ตังค์ กี่สตางค์ ต้องจ่ายไหม ค่าบริการ มีค่า
        ค่าธรรมเนียม เสียเงิน เสียค่า ค่าใช้จ่าย มีค่าใช้จ่าย ต้องจ่าย จ่ายเท่าไหร่ ฟรี ฟรีไหม
        ฟรีมั้ย ฟรีบ่ เสียตังค์ เสียตัง ค่าทำ ค่าปรับ ภาษีเท่าไหร่
        แพงไหม แพงมั้ย แพงบ่ แพงไม๊ เสียกี่บาท เสียเท่าไหร่ เสียเท่าไร เสียเท่าใด เสียจักบาท
        จ่ายกี่บาท จ่ายเท่าไร จ่ายเท่าใด จ่ายจักบาท คิดกี่บาท คิดเท่าไหร่ เก็บกี่บาท เก็บเท่าไหร่
        คิดตังค์ คิดตัง เก็บตังค์ เก็บตัง เสียสตางค์ ไม่เสียเงิน ไม่เสียตังค์ ค่าเช่า ค่ายืม
        ค่าติดตั้ง ค่าต่อ ค่าขอ ค่าจด ค่าใบอนุญาต ค่าภาษี ต้องเสียอะไร เสียอะไรไหม
        ต้องจ่ายอะไร จ่ายอะไรไหม ค่าอะไร ภาษีกี่บาท ภาษีปีละ ค่าน้ำหน่วยละ หน่วยละ
        คิดยังไง คิดอย่างไร คิดภาษี คิดค่า คำนวณ คิดเป็นเงิน
        ต้องจ่ายเงิน จ่ายเงินไหม จ่ายเงินบ่ เสียเงินบ่ เสียตังบ่ เสียค่าเช่า จ่ายค่าเช่า เสียค่า
        เสียปานใด จ่ายปานใด ต้องเสียบ่ ต้องจ่ายบ่
    """,
    "hours": """
        เปิดทุกวัน ไปได้วันไหน ไปได้กี่โมง เปิดวันหยุด ถึงกี่โมง
        เปิดกี่โมง ปิดกี่โมง เปิดถึงกี่โมง เวลาทำการ เวลาเปิด เปิดวันไหน ปิดวันไหน
        เปิดวันเสาร์ เปิดเสาร์ เปิดไหม เปิดมั้ย เปิดบ่
        เปิดทำการ พักเที่ยง หยุดวันไหน ทำการวันไหน กี่โมง เปิดกี่โมง ไปกี่โมง
        เปิดให้บริการ เปิดมื้อใด๋ เปิดจักโมง
        เวลาราชการ เลิกกี่โมง เลิกงานกี่โมง ปิดตอนไหน เปิดตอนไหน ทำงานกี่โมง เข้างานกี่โมง
        ไปได้ตอนไหน ทำงานวันเสาร์ ทำงานเสาร์ ทำงานวันอาทิตย์ ทำการวันเสาร์ พักกลางวัน
        พักกี่โมง เที่ยงพัก พักเที่ยงไหม ตอนเที่ยง เที่ยงครึ่ง ปิดจักโมง เลิกจักโมง
        เปิดวันอาทิตย์ เปิดอาทิตย์ เปิดเสาร์อาทิตย์ วันหยุดเปิด เสาร์เปิด อาทิตย์เปิด
        หยุดเสาร์อาทิตย์ หยุดวันเสาร์ ปิดวันเสาร์ ปิดเสาร์ ปิดวันหยุด ไปวันเสาร์ ไปเสาร์
        ไปวันอาทิตย์ ไปตอนเย็น ไปตอนเช้า ไปเช้า ไปเย็น ไปตอนเที่ยง เปิดเช้า เปิดตอนเช้า
        ทำงานไหม ทำงานบ่ ทำการไหม ทำการบ่ เจ้าหน้าที่อยู่ไหม มีคนอยู่ไหม ยื่นวันเสาร์
        ติดต่อวันเสาร์ ยื่นวันอาทิตย์ ติดต่อวันอาทิตย์ ไปวันหยุด เปิดวันนี้ วันนี้เปิด
        หยุดไหม หยุดมั้ย หยุดบ่ หยุดเสาร์ เสาร์อาทิตย์หยุด วันหยุดไหม เปิดให้ติดต่อ เปิดให้บริการไหม
        เปิดยามใด๋ ปิดยามใด๋ ไปได้ยามใด๋ ไปได้เมื่อไหร่ เปิดตอนใด๋ ปิดตอนใด๋
    """,
    "documents": """
        ต้องมีอะไรบ้าง ใช้หลักฐานอะไรบ้าง เอกสารอะไรบ้าง
        ใช้อะไรบ้าง ต้องใช้อะไร เอาอะไรไป เอาอะไรไปบ้าง ต้องเตรียม เตรียมอะไร
        หลักฐานอะไร ใช้หลักฐาน ต้องเอาอะไร ถือไป ถืออะไรไป เอาหยังไป ใช้หยัง
        ใช้อีหยัง เอกสารไร ใช้ไรบ้าง ต้องมีอะไร ใช้เอกสาร เอาไปด้วย ใช้หยังแน
        เอาอะไรบ้าง เอาไรไป เอาไรบ้าง ใช้ไร ต้องมีไร ต้องเอาไร เตรียมไร เตรียมอะไรไป
        กี่ชุด กี่ฉบับ เอกสารที่ต้องใช้ เอกสารประกอบ เอกสารมีอะไร ใช้อะไรประกอบ
        ต้องยื่นอะไร ยื่นอะไรบ้าง หลักฐานที่ต้องใช้ พกอะไรไป ต้องพก หอบอะไรไป
        เอกสารอะไร เอกสารหยัง หลักฐานหยัง ใช้อะไร ต้องใช้หยัง ต้องเตรียมหยัง
        ใช้ใบอะไร ใบอะไรบ้าง เซ็นอะไร ต้องเซ็น
        เอกสารมีไร เอกสารไรบ้าง ใช้ไรมั่ง เอาไรมั่ง ต้องเอาแนวใด๋ เอาแนวใด๋ ใช้แนวใด๋
    """,
    # a document named, asked whether it is needed ("ต้องเอาทะเบียนบ้านไปด้วยไหม")
    "paper": """
        เอกสาร สำเนา หลักฐาน บัตรประชาชน บัตรประจำตัวประชาชน ทะเบียนบ้าน สูติบัตร ใบเกิด
        ใบรับรองแพทย์ ใบหมอ รูปถ่าย สมุดบัญชี หน้าสมุดบัญชี บุ๊คแบงค์ สมุดบัญชีธนาคาร
        ใบมอบอำนาจ หนังสือมอบอำนาจ แบบแปลน แบบบ้าน ใบเสร็จ บัตรคนพิการ สมุดวัคซีน
        สำเนาบัตร สำเนาทะเบียนบ้าน
    """,
    "need": """
        ต้องใช้ ใช้ ต้องเอา เอา ต้องมี เตรียม ถือ พก แนบ ไปด้วย อะไรบ้าง อะไรอีก อีกบ้าง
        ต้องยื่น ต้องถ่าย
    """,
    "time": """
        นานเท่าไหร่ นานเท่าไร เมื่อไหร่จะเสร็จ ภายในกี่วัน กี่วันทำการ รอนานไหม
        กี่วัน นานไหม นานมั้ย นานแค่ไหน ใช้เวลา กี่อาทิตย์ กี่เดือน กี่ชั่วโมง รอนาน
        กี่วันได้ เสร็จเมื่อไหร่ นานบ่ กี่มื้อ ออกเมื่อไหร่ รอกี่วัน
        ช้าไหม ช้ามั้ย เร็วไหม เร็วมั้ย ดนบ่ ดนไหม ดนปานใด๋ ดนปานได๋ ได้ทันที ได้ในวัน
        วันเดียวได้ไหม วันเดียวเสร็จ เสร็จในวัน เสร็จภายใน กี่วันเสร็จ กี่วันถึง จะมาเมื่อไหร่
        มาซ่อมเมื่อไหร่ มาซ่อมวันไหน จะมาซ่อม มาเมื่อไหร่ นานปานใด
        กี่ชั่วโมง กี่นาที ถ่าดน ถ่ากี่มื้อ รอถึงเมื่อไหร่ ได้ใบเมื่อไหร่
        ได้เลยไหม ได้เลยมั้ย ได้เลยบ่ รอรับได้ รอรับเลย
    """,
    "where": """
        ไปหาใคร ติดต่อใคร แจ้งใคร ฝ่ายไหน กองไหน หน่วยงานไหน ต้องไปไหน
        ที่ไหน ตรงไหน ที่ใด อยู่ไหน ไปไหน ทางไหน ไส อยู่ไส ยื่นไส ไปไส บ่อนใด๋ บ่อนได๋
        ยื่นที่ไหน ไปที่ไหน ติดต่อที่ไหน แจ้งที่ไหน จ่ายที่ไหน ชำระที่ไหน
        จ่ายได้ที่ไหน ชำระได้ที่ไหน อยู่ตรงไหน ที่ตั้ง แผนที่ พิกัด
        สถานที่ติดต่อ สถานที่ยื่น ห้องไหน ชั้นไหน ตึกไหน โต๊ะไหน แผนกไหน ช่องไหน
        บอกใคร หาใคร ใครรับผิดชอบ ใครมีหน้าที่ แจ้งไหน ยื่นไหน ทำที่ไหน
        ไปทำที่ไหน ยื่นเรื่องที่ไหน ส่งที่ไหน ไปยื่นที่ไหน ติดต่อได้ที่ไหน แจ้งได้ที่ไหน
        ยื่นตรงไหน แจ้งตรงไหน จ่ายตรงไหน ไปตรงไหน
        ออนไลน์ได้ไหม ยื่นออนไลน์ จ่ายออนไลน์ ทางออนไลน์ ผ่านแอป
        ติดต่อไหน ไปติดต่อไหน ยื่นหม่องใด๋ ไปหม่องใด๋ ไปเฮ็ดไส เฮ็ดไส
    """,
    "pay": """
        จ่าย ชำระ จ่ายที่ไหน ชำระที่ไหน จ่ายได้ที่ไหน ชำระได้ที่ไหน จ่ายไส จ่ายตรงไหน ไปจ่าย
        ไปชำระ ชำระเงิน จ่ายเงิน จ่ายค่า ชำระค่า เสียภาษี
    """,
    "phone": """
        โทรถาม โทรสอบถาม ติดต่อทางไหน
        เบอร์ เบอร์โทร เบอร์โทรศัพท์ โทรอะไร โทรเบอร์ เบอร์ติดต่อ โทรหา ขอเบอร์ เบอร์อะไร
        เบอร์ไหน สายด่วน โทรไป โทรหาใคร โทรที่ไหน เบอ เบออะไร เบอร์ไร เบอไร เบอโทร
        โทรได้ไหม โทรแจ้ง โทรได้ที่ มีเบอร์ เบอร์ใด๋ เบอร์ได๋ เบอร์หยัง เบอหยัง โทรหาไผ
        ไลน์อะไร ไอดีไลน์ เบอร์มือถือ เบอร์สำนักงาน
        มีไลน์ ไลน์ไหม แอดไลน์ เฟซบุ๊ก เพจ
        เบอโทร ขอเบอ มีเบอบ่ เบอร์โทรอะไร โทรไส โทรหม่องใด๋
    """,
    # looks like a cue, asks something else
    "not": """
        อายุเท่าไหร่ อายุเท่าไร อายุเท่าใด อายุจักปี กี่ขวบ ไม่เกินเท่าไหร่ ไม่เกินเท่าไร
        รายได้เท่าไหร่ เสนอราคา ราคากลาง ประกวดราคา สอบราคา ยื่นราคา ราคาประเมิน
        กว้างเท่าไหร่ ยาวเท่าไหร่ สูงเท่าไหร่ ลึกเท่าไหร่ ขนาดเท่าไหร่ ใหญ่เท่าไหร่ ไกลเท่าไหร่
        ห่างเท่าไหร่ ใช้ได้ ใช้ไม่ได้ ใช้สิทธิ ใช้น้ำ ใช้ไฟ ไม่ใช้ เอาไปทำ เอาน้ำ เอารถ
        เข้าเกณฑ์ ได้ทุกวัน
    """,
}


def _inherit(table: dict[str, list[str]]) -> dict[str, list[str]]:
    """A phrase that asks no fact itself also stands for the categories of the phrases it
    starts or ends with.

    The table's phrases join the tokenizer's dictionary, so "จ่ายไส" (pay) is read as one
    word and the "ไส" (where) at its end would otherwise go unseen. ("โทรหาใคร" asks a
    phone number, not where, though it ends with หาใคร.)"""
    keys = {name: [p.replace(" ", "") for p in phrases] for name, phrases in table.items()}
    donors = [(p, name) for name, phrases in keys.items() if name != "not" for p in phrases]
    asks = {p for name, phrases in keys.items() if name in FACTS for p in phrases}
    out = {name: list(phrases) for name, phrases in table.items()}
    for name, phrases in keys.items():
        if name == "not" or name in FACTS:
            continue
        for phrase in phrases:
            if phrase in asks:
                continue
            for short, other in donors:
                if other != name and short != phrase and (
                        phrase.startswith(short) or phrase.endswith(short)):
                    out[other].append(phrase)
    return out


_CUES = CueTable(_inherit({name: phrases.split() for name, phrases in _PHRASES.items()}))


def asked(question: str, synonyms: Synonyms | None = None,
          mended: Sequence[str] = ()) -> tuple[list[str], bool]:
    """The facts the question asks for, the one asked last first (an emergency before
    all), "money" when it asks an amount without saying whether paid or received, "got"
    when it asks when one gets it, "when" when it asks only when; and whether it asks
    where to pay.

    `mended`: the question's words with those mistyped by one letter put back, as the
    search read them (ManualIndex: "อบตปิดกีโมง" -> ปิดกี่โมง), looked at too."""
    found = _found(question, synonyms)
    if mended:
        for category, at in _found(" ".join(mended), synonyms).items():
            found[category] = max(at, found.get(category, -1.0))
    if "paper" in found and "need" in found and "documents" not in found:
        found["documents"] = max(found["paper"], found["need"])
    facts = {f: at for f, at in found.items() if f in FACTS}
    if "received" in found:
        facts.setdefault("amount", found["received"])
    elif "money" in found and "fee" not in facts:
        facts["money"] = found["money"]
    if "payday" in facts:
        # "เงินเข้าเมื่อไหร่", "เข้าวันที่เท่าไหร่" ask the day, not how long or how much
        for f in ("time", "money"):
            facts.pop(f, None)
    elif "got" in found:
        facts.setdefault("got", found["got"])
    elif "when" in found and not facts.keys() - {"urgent"}:
        facts["when"] = found["when"]
    order = {name: i for i, name in enumerate(FACTS)}
    order["money"] = order["fee"]
    order["when"] = order["got"] = order["payday"]
    ranked = sorted(facts, key=lambda f: (f != "urgent", -facts[f], order[f]))
    return ranked, "pay" in found and "where" in facts


def _found(question: str, synonyms: Synonyms | None) -> dict[str, float]:
    """Each category found, with where its last phrase ends (0 to 1 of the message),
    less the phrases inside one that asks something else ("not")."""
    found: dict[str, float] = {}
    words, standard = _CUES.tokens(question, synonyms)
    for tokens in (words, standard, _as_question(words)):
        if not tokens:
            continue
        spans = _CUES.find(tokens)
        masks = spans.pop("not", [])
        for category, places in spans.items():
            for start, end in places:
                if any(m_start <= start and end <= m_end for m_start, m_end in masks):
                    continue
                at = end / len(tokens)
                if at > found.get(category, -1.0):
                    found[category] = at
    return found


# Isan and Korat ask a yes/no question with บ่ (or บ้อ), which the synonym table reads as
# ไม่ ("not"): "ต้องจ่ายเงินบ่" = ต้องจ่ายเงินไหม, "มีคนอยู่บ่วันเสาร์" = มีคนอยู่ไหม... Cues
# are looked for in a third reading with each บ่ read as ไหม (a cue never holds ไหม where
# บ่ means "not").
_ASKING_NO = frozenset({"บ่", "บ้อ"})


def _as_question(words: list[str]) -> list[str]:
    """The text's words with each บ่ read as ไหม ([] when there is none)."""
    if not _ASKING_NO.intersection(words):
        return []
    return ["ไหม" if w in _ASKING_NO else w for w in words]
