"""Small talk: a greeting, thanks or an acknowledgement alone is not a question, and gets
a friendly word instead of a manual entry."""

from __future__ import annotations

from handlers.chat.menu import main_menu_items
from handlers.messages import say
from handlers.texts import text
from handlers.thai import clean

# Small talk: a message made only of these (and fillers) is not a question. Matched by
# longest match on the text without spaces, since the tokenizer cuts some of them oddly
# (หวัดดี -> หวัด|ดี, ขอบคุณค่า -> ขอบ|คุณค่า).
GREETINGS = frozenset("""
สวัสดี หวัดดี ดีครับ ดีค่ะ ดีคับ ดีจ้า ดีคะ อรุณสวัสดิ์ ทักทาย hello hi hey hallo
""".split())
THANKS = frozenset("""
ขอบคุณ ขอบใจ ขอบพระคุณ แต๊งกิ้ว แต๊งกิว thank thanks thx ty
""".split())
ACKS = frozenset("""
โอเค โอเคร ok okay รับทราบ เข้าใจแล้ว ได้เลย เรียบร้อย ได้ค่ะ ได้ครับ 👍 🙏 😊 🙂 ❤️ ❤
""".split())
FILLERS = frozenset("""
ครับ คับ ค่ะ คะ ค่า จ้า จ๊ะ จ้ะ นะ น่ะ ฮะ ฮับ มาก ๆ เลย ทุกคน ทุกท่าน ตอนเช้า ตอนบ่าย
ตอนเย็น you very much so a lot เจ้าหน้าที่ แอดมิน admin ที่ช่วย ตอบ สำหรับ ข้อมูล ! ? . , ~ ^ _ - :) 555
""".split())
_SMALLTALK_WORDS = sorted(
    [(w, "greeting") for w in GREETINGS] + [(w, "thanks") for w in THANKS]
    + [(w, "ack") for w in ACKS] + [(w, "") for w in FILLERS],
    key=lambda pair: -len(pair[0]),
)


def is_smalltalk(message: str) -> str | None:
    """"greeting", "thanks" or "ack" when the message is only that; otherwise None."""
    rest = clean(message).replace(" ", "").replace("\ufe0f", "")
    kinds: set[str] = set()
    while rest:
        for word, kind in _SMALLTALK_WORDS:
            if rest.startswith(word):
                rest = rest[len(word):]
                if kind:
                    kinds.add(kind)
                break
        else:
            return None
    for kind in ("thanks", "greeting", "ack"):
        if kind in kinds:
            return kind
    return None


def smalltalk_reply(kind: str, org_short_name: str) -> list[dict]:
    if kind == "greeting":
        return [say(text("smalltalk_greeting", org=org_short_name), main_menu_items())]
    if kind == "thanks":
        return [say(text("smalltalk_thanks"))]
    return [say(text("smalltalk_ack"))]
