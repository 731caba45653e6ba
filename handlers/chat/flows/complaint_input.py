"""Reading what a citizen typed during a complaint: choices, phone numbers, and whether a
description already says where, when and who."""

from __future__ import annotations

import re

from pythainlp.util import thai_digit_to_arabic_digit

CANCEL_WORDS = ("ยกเลิก", "cancel", "ไม่แจ้งแล้ว", "เลิก")
MENU_WORDS = ("เมนู", "menu", "หน้าแรก", "เริ่มต้น")
MAX_NAME = 60
MAX_NAME_WORDS = 5
MAX_NAME_WORD = 25  # a Thai first or family name is far shorter; a sentence is not

SKIP_WORDS = ("ข้าม", "ไม่ทราบ", "ไม่รู้", "ไม่แน่ใจ", "ไม่มี", "-", "ไม่ระบุ", "skip")
DONE_WORDS = ("ส่งครบแล้ว", "เสร็จ", "เสร็จแล้ว", "ครบแล้ว", "ไม่มีหลักฐาน", "ไม่มี", "ข้าม",
              "ไปต่อ", "ต่อไป", "done")
YES_WORDS = ("ใช่", "ตกลง", "ยืนยัน", "ยืนยันส่งเรื่อง", "ส่งเลย", "ส่งเรื่อง", "ok", "yes", "ถูกต้อง")
NO_WORDS = ("ไม่ใช่", "ไม่", "no")
EDIT_WORDS = ("แก้ไข", "แก้", "edit")
CONTINUE_WORDS = ("ทำต่อ", "แจ้งต่อ", "ต่อ")

KIND_WORDS = {
    "corruption": ("ทุจริต", "ประพฤติมิชอบ", "เบาะแส", "โกง", "สินบน", "เรียกรับ", "ใต้โต๊ะ",
                   "คอร์รัปชัน", "คอรัปชั่น", "คอร์รัปชั่น", "ฮั้ว"),
    "grievance": ("ร้องทุกข์", "เดือดร้อน", "ร้องเรียนปัญหา", "ปัญหา"),
    "suggestion": ("ข้อเสนอแนะ", "เสนอแนะ", "แนะนำ", "ข้อเสนอ", "ติชม"),
}
MODE_WORDS = {
    "anonymous": ("ไม่ประสงค์ออกนาม", "ไม่ออกนาม", "นิรนาม", "ไม่เปิดเผยชื่อ", "ไม่บอกชื่อ",
                  "ไม่อยากบอกชื่อ", "ไม่ขอบอกชื่อ", "ไม่ต้องการบอกชื่อ", "ไม่อยากเปิดเผยชื่อ",
                  "ไม่ขอเปิดเผยชื่อ", "ไม่ต้องการเปิดเผยชื่อ", "ไม่ระบุชื่อ", "ไม่ใส่ชื่อ"),
    "confidential": ("ปกปิดตัวตน", "ปกปิด", "ปิดชื่อ", "ลับ", "ไม่เปิดเผยตัวตน",
                     "ไม่อยากเปิดเผยตัวตน", "ไม่ขอเปิดเผยตัวตน", "ไม่ต้องการเปิดเผยตัวตน",
                     "ไม่ระบุตัวตน", "ไม่อยากระบุตัวตน"),
    "identified": ("เปิดเผยตัวตน", "เปิดเผย", "ระบุตัวตน", "ระบุชื่อ", "แจ้งชื่อ"),
}
# "Not" shortly before a word of the identified mode turns it round ("ไม่อยากให้เปิดเผย").
_NOT_REVEALED = re.compile(r"(ไม่|บ่|อย่า)\S{0,12}(เปิดเผย|ระบุ|แจ้งชื่อ)")

# Words that show a description already says where / when / who.
PLACE_HINTS = ("หมู่", "ม.", "บ้าน", "ถนน", "ถ.", "ซอย", "ซ.", "หน้า", "ตรง", "แถว", "ใกล้",
               "ข้าง", "สะพาน", "วัด", "โรงเรียน", "ตลาด", "ทาง", "ที่ทำการ", "สำนักงาน",
               "ตำบล", "ต.", "คุ้ม", "ทุ่ง", "หนอง", "ร้าน", "ศาลา", "ฝาย", "คลอง", "ลำห้วย",
               "ป่า", "ไร่", "ที่นา", "ริม", "ปากทาง", "สี่แยก", "แยก", "โค้ง")
TIME_HINTS = ("เมื่อ", "วัน", "ชั่วโมง", "วันที่", "วันนี้", "เมื่อวาน", "เมื่อคืน", "เมื่อเช้า", "เดือน", "ปีที่แล้ว",
              "สัปดาห์", "อาทิตย์", "วันจันทร์", "วันอังคาร", "วันพุธ", "วันพฤหัส", "วันศุกร์",
              "วันเสาร์", "วันอาทิตย์", "เช้า", "เย็น", "กลางคืน", "ตอนคืน", "ทุกวัน", "ทุกคืน",
              "ตั้งแต่", "นาน", "ช่วง", "ปี", "คืน", "ค่ำ", "น.", "โมง", "ทุ่ม", "ม.ค.", "ก.พ.",
              "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.")
WHO_HINTS = ("เจ้าหน้าที่", "นาย", "นาง", "ผอ", "หัวหน้า", "ปลัด", "นายก", "ผู้รับเหมา", "ช่าง",
             "กอง", "พนักงาน", "ผู้ใหญ่บ้าน", "กำนัน", "สมาชิก", "ส.อบต", "รอง", "คนที่", "ลูกจ้าง",
             "ครู", "เขา", "คุณ", "ผู้อำนวยการ", "จนท", "บริษัท", "ห้าง", "ร้าน")

# Thai numbers: a mobile is 10 digits starting 06, 08 or 09; a landline 9 digits starting
# 02-07 (02 is Bangkok's area, 044 Nakhon Ratchasima's).
_MOBILE = re.compile(r"0[689][0-9]{8}")
_LANDLINE = re.compile(r"0[2-7][0-9]{7}")
_PHONE_SEPARATORS = re.compile(r"[\s\-\.()/]")
# Words people type around a number they give as their phone ("เบอร์ 081... ค่ะ").
_PHONE_WORDS = ("เบอร์โทรศัพท์", "เบอร์โทร", "เบอร์มือถือ", "มือถือ", "เบอร์", "โทรศัพท์", "โทร",
                "tel", "นะคะ", "นะครับ", "ค่ะ", "คะ", "ครับ", "คับ", "จ้า", "นะ", ":")


def words(text: str) -> str:
    return " ".join((text or "").split())


def is_one_of(text: str, choices: tuple[str, ...]) -> bool:
    return words(text).lower() in choices


def choose(text: str, table: dict[str, tuple[str, ...]]) -> str | None:
    """The key whose words appear in `text` (longest word first), else None."""
    found = words(text).lower()
    best, best_len = None, 0
    for key, options in table.items():
        for option in options:
            if option in found and len(option) > best_len:
                best, best_len = key, len(option)
    return best


def phone_digits(text: str) -> str | None:
    """The digits of `text` when it is only a phone number (with separators, Thai digits,
    +66, and words such as "เบอร์" or "ค่ะ" around it); None when it says anything else."""
    rest = thai_digit_to_arabic_digit(text or "").lower()
    for word in _PHONE_WORDS:
        rest = rest.replace(word, " ")
    rest = _PHONE_SEPARATORS.sub("", rest)
    if rest.startswith("+66"):
        rest = "0" + rest[3:]
    elif rest.startswith("66") and len(rest) in (10, 11):
        rest = "0" + rest[2:]
    if not rest.isdigit() or not 6 <= len(rest) <= 12:
        return None
    return rest


def read_phone(text: str) -> tuple[str | None, str | None]:
    """(the number written the usual way, None), or (None, why it is no Thai number):
    "mobile_length" (starts like a mobile, is not 10 digits), "landline_length" (starts
    like a landline, is not 9 digits) or "not_phone"."""
    digits = phone_digits(text)
    if digits is None:
        return None, "not_phone"
    if _MOBILE.fullmatch(digits):
        return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}", None
    if _LANDLINE.fullmatch(digits):
        if digits.startswith("02"):
            return f"{digits[:2]}-{digits[2:5]}-{digits[5:]}", None
        return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}", None
    if digits[:2] in ("06", "08", "09"):
        return None, "mobile_length"
    if digits[:2] in ("02", "03", "04", "05", "07"):
        return None, "landline_length"
    return None, "not_phone"


def choose_mode(text: str) -> str | None:
    """The identity mode a text asks for; never "identified" when it says not to reveal."""
    chosen = choose(text, MODE_WORDS)
    if chosen == "identified" and _NOT_REVEALED.search(words(text)):
        return "confidential"
    return chosen


def normalize_phone(text: str) -> str | None:
    """"081-234-5678", "๐๘๑ ๒๓๔ ๕๖๗๘", "+66 81 234 5678" -> "081-234-5678",
    "044000000" -> "044-000-000"; None if it is not a Thai phone number."""
    return read_phone(text)[0]


def valid_name(text: str) -> str | None:
    """A name as typed, or None: a name is a few words (a title, a first name, a family
    name), not a number and not a story."""
    name = words(text)
    parts = name.split()
    if not 2 <= len(name) <= MAX_NAME or len(parts) > MAX_NAME_WORDS \
            or any(len(p) > MAX_NAME_WORD for p in parts) or re.search(r"[0-9๐-๙]{4,}", name):
        return None
    return name


def _mentions(text: str, hints: tuple[str, ...]) -> bool:
    return any(h in text for h in hints)


def missing_details(kind: str, description: str, has_location: bool) -> list[str]:
    """Which of location / when / who the description does not say yet, most wanted
    first. The flow asks for at most two of them."""
    wanted = {"corruption": ("who", "when", "location"),
              "grievance": ("location", "when"),
              "suggestion": (),
              "inquiry": ()}.get(kind, ())
    text = description or ""
    # "เจ้าหน้าที่" holds "หน้า" and "ที่" but says nothing about a place.
    placeless = text.replace("เจ้าหน้าที่", " ").replace("หน้าที่", " ")
    present = {
        "location": has_location or _mentions(placeless, PLACE_HINTS),
        "when": _mentions(text, TIME_HINTS) or re.search(r"[0-9๐-๙]{1,2}\s*/", text) is not None,
        "who": _mentions(text, WHO_HINTS),
    }
    return [f for f in wanted if not present[f]]


def location_text(message: dict) -> str:
    """A LINE location message as one line: title, address and coordinates."""
    parts = [str(message.get(k) or "").strip() for k in ("title", "address")]
    line = " ".join(p for p in parts if p)
    lat, lon = message.get("latitude"), message.get("longitude")
    if isinstance(lat, int | float) and isinstance(lon, int | float):
        line = f"{line} ({lat:.6f}, {lon:.6f})".strip()
    return line or "ตำแหน่งที่ส่งมา"
