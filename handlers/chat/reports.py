"""Does a citizen's free text report something (a grievance or an accusation), and does
it ask a question?

What makes an accusation is the routing's understanding: the text is routed as the
complaint it would be (`Router.route(text)`), and a decision of kind corruption tells
of wrongdoing. (Only the decision's public fields are read, so a better router brings a
better reading.) That something is wrong (a light out, a road broken, garbage left, a
smell, noise, an allowance not paid) and that the citizen says outright "I want to
report" are cues read here, on whole words, in the text as typed and in its standard
form from the organization's synonym table (Isan บ่ = ไม่).

    reading = read(text, router, synonyms)
    reading.offer_alone   # a report and no question: offer to file it first
    reading.offer_after   # a question about something wrong: answer, then offer
"""

from __future__ import annotations

from dataclasses import dataclass

from handlers.routing.router import Router
from handlers.thai import Synonyms
from handlers.thai.cues import CueTable

# "I want to report / complain" (whole words, any position).
INTENT = """
อยากแจ้ง ขอแจ้ง แจ้งว่า จะแจ้ง มาแจ้ง ขอแจ้งเรื่อง อยากแจ้งเรื่อง แจ้งเหตุ
อยากร้องเรียน ขอร้องเรียน จะร้องเรียน ร้องเรียนว่า ร้องเรียนเรื่อง
อยากร้องทุกข์ ขอร้องทุกข์ ร้องทุกข์ว่า แจ้งเบาะแส อยากแจ้งเบาะแส ขอแจ้งเบาะแส
อยากฟ้อง ขอฟ้อง จะฟ้อง ฝากแจ้ง ช่วยมาดู ช่วยมาดูหน่อย ช่วยมาซ่อม มาซ่อมให้หน่อย ช่วยแก้ไขด้วย
""".split()
# Something is wrong: broken, dark, dirty, noisy, not done. Several words in a row where
# one alone would say something else (เสีย is also "to pay", ไม่ได้ is everywhere).
PROBLEM = """
ดับ ไฟดับ ไม่ติด ไม่สว่าง มืด มืดมาก ชำรุด พัง เสียหาย แตก รั่ว ซึม ตัน อุดตัน ขาด ล้ม หัก ทรุด
หลุม เป็นหลุม หลุมบ่อ ขุ่น เหม็น ส่งกลิ่น กลิ่นเหม็น เสียงดัง หนวกหู รำคาญ เหตุรำคาญ ควัน ฝุ่น
เผาขยะ ล้น ขยะล้น น้ำขัง ท่วม น้ำท่วม รก ยุงเยอะ ขวางทาง กีดขวาง บุกรุก ลักลอบ ทิ้งขยะ
ไม่มาเก็บ ไม่เก็บ ไม่ไหล น้ำไม่ไหล ไหลอ่อน ไม่มา ไม่ซ่อม ไม่แก้ไข ไม่ทำ ไม่ได้รับ ยังไม่ได้รับ
ไม่ได้เงิน ยังไม่ได้เงิน ไม่เข้า ยังไม่เข้า ไม่ยอม ล่าช้า ช้ามาก ดองเรื่อง ค้างนาน
ด่า พูดจาไม่ดี ไม่สุภาพ ไม่มีมารยาท ตะคอก เลือกปฏิบัติ
ร้าว แตกร้าว ยุบ ทรุดตัว ไม่ได้มาตรฐาน ไม่ตรงแบบ ทิ้งงาน งานไม่เสร็จ สร้างไม่เสร็จ น้ำเน่า น้ำเสีย
เห่าทั้งคืน หมาจรจัด
เพ เพพัง บ่ไหล บ่มา บ่มาเก็บ บ่ซ่อม บ่ได้รับ บ่ได้เงิน มืดตึ๊บ เหม็นหลาย
""".split()
# Words and marks that ask. Isan บ่ asks only at the end ("ได้บ่"); elsewhere it is "not".
QUESTION = """
ไหม มั้ย มั๊ย ไม๊ หรือเปล่า รึเปล่า เปล่า ป่าว หรือยัง รึยัง ยัง อะไร ยังไง ไง อย่างไร ทำไง
ทำยังไง ที่ไหน ตรงไหน ไหน เมื่อไหร่ เมื่อไร เท่าไหร่ เท่าไร กี่ ใคร ทำไม บ้าง หรอ เหรอ ไหมคะ
ไหมครับ มั้ยคะ มั้ยครับ ได้ไหม ได้มั้ย แน อีหยัง หยัง จั่งใด๋ จั่งใด ไส ได๋ บ่อนได๋ คือจั่งใด๋
จักบาท เท่าใด๋ เท่าได๋ มื้อใด๋ จั่งได๋ จังใด๋
ไผ ผู้ใด๋ ที่ใด ที่ใด๋ ตรงใด๋ ยามใด๋ ยามใด ตอนใด๋ เท่าใด ปานใด ปานใด๋ แนวใด๋ แนวใด จักมื้อ จักโมง
จักวัน จั๊กบาท มื้อได๋ เฮ็ดจั่งใด๋ บ่อนใด๋
ไหนอ่ะ ไหนล่ะ ไร ได้บ่ ได้บ้อ ได้ป่ะ ได้ปะ ได้ป่าว ได้เปล่า แม่นบ่ มั่ง ยังงัย
""".split()
END_QUESTION = ("บ่", "บ้อ", "ป่ะ", "ปะ", "มะ", "หรา", "ฮึ")
# Fillers that say nothing of what happened (what is left must be more than these for
# the text to tell a story).
FILLERS = """
ค่ะ คะ ครับ คับ จ้า จ้ะ นะ นะคะ นะครับ ด้วย หน่อย เรื่อง ว่า ที่ มี การ ของ และ ให้ ได้ ขอ อยาก
จะ แจ้ง ร้องเรียน ร้องทุกข์ เบาะแส ฟ้อง สวัสดี หวัดดี ดิฉัน ผม หนู เรา ตอนนี้
""".split()


@dataclass(frozen=True)
class Reading:
    asks: bool  # the text is (also) a question
    intends: bool  # says outright it wants to report
    accuses: bool  # the routing reads wrongdoing in it
    problem: bool  # tells that something is wrong
    story: bool  # says more than "I want to complain"
    kind: str  # the complaint it would be: "corruption" or "grievance"

    @property
    def reports(self) -> bool:
        return self.intends or self.accuses or self.problem

    @property
    def offer_alone(self) -> bool:
        """A report told, not asked: offer to file it, before any manual answer."""
        return self.story and self.reports and not self.asks

    @property
    def offer_after(self) -> bool:
        """A question that also reports ("ไฟถนนดับแจ้งที่ไหน", "อยากร้องเรียนเรื่อง ... ทำยังไง"):
        answer it, then offer to file it."""
        return self.story and self.reports and self.asks

    @property
    def tells(self) -> bool:
        """Whether the text tells what happened (so it can be the complaint's description),
        not only asks how to complain."""
        return self.problem or self.accuses or not self.asks


_CUES = CueTable({"question": QUESTION, "problem": PROBLEM, "intent": INTENT})
POLITE_ENDINGS = ("ค่ะ", "คะ", "ครับ", "คับ", "จ้า")


def asks(text: str, synonyms: Synonyms | None = None) -> bool:
    """Whether the text asks something (a question word, an asking particle at the end,
    or a question mark)."""
    return _asks(text, _CUES.tokens(text, synonyms)[0])


def _asks(text: str, tokens: list[str]) -> bool:
    if "?" in text or "？" in text:
        return True
    if tokens and tokens[-1] in END_QUESTION or len(tokens) > 1 and (
            tokens[-2] in END_QUESTION and tokens[-1] in POLITE_ENDINGS):
        return True
    # On the words as typed: the question list has the dialect's own question words, while
    # a standard form may ask where the dialect did not (จักสามมื้อ, "about three days",
    # stands for กี่ วัน).
    return "question" in _CUES.find(tokens)


def read(text: str, router: Router | None, synonyms: Synonyms | None = None) -> Reading:
    tokens, standard = _CUES.tokens(text, synonyms)
    spans = _CUES.find(tokens)
    found = spans.keys() | _CUES.find(standard).keys()
    kind = "grievance"
    if router is not None and text.strip() and router.route(text).kind == "corruption":
        kind = "corruption"
    covered = {i for runs in spans.values() for a, b in runs for i in range(a, b)}
    content = "".join(t for i, t in enumerate(tokens)
                      if i not in covered and t not in FILLERS and not t.isdigit())
    told = "problem" in found or kind == "corruption"
    return Reading(
        asks=_asks(text, tokens),
        intends="intent" in found,
        accuses=kind == "corruption",
        problem="problem" in found,
        # an accusation needs more than its own word ("ร้องเรียนทุจริตได้ที่ไหน" tells nothing)
    story=len(content) >= (3 if "problem" in found else 10 if told else 8),
        kind=kind,
    )
