"""Scrubbing free text that is kept outside the vault (unanswered questions, excerpts).

A citizen types what they type: "ผมชื่อสมชาย ใจดี เบอร์ 089-123-4567 อยากทราบว่า...".
The question is worth keeping (it shows what the manual lacks); the name and the number
are not, and outside the vault they must not be kept at all. `scrub` replaces each
identifying piece with a Thai placeholder from data/messages (scrub.th.yaml) and leaves
the rest of the sentence as it was, so the question still reads:

    scrub("ผมชื่อสมชาย ใจดี โทร ๐๘๙-๑๒๓-๔๕๖๗ ขอถามเรื่องเบี้ยผู้สูงอายุ")
    -> "ผมชื่อ [ชื่อ] โทร [เบอร์โทร] ขอถามเรื่องเบี้ยผู้สูงอายุ"

What it takes out:
- phone numbers however Thai people write them: 0891234567, 089-123-4567, 089 123 4567,
  (089) 123 4567, 02-123-4567, +66 89 123 4567, Thai digits (๐๘๙...), digits spelled in
  words (ศูนย์แปดเก้า...), digits spaced out one by one;
- 13-digit ID numbers (1-2345-67890-12-3, with any separators) and any other run of nine
  or more digits (a bank account, a passport number, a phone without its 0);
- e-mail addresses, including "name at gmail dot com" and "(at)";
- LINE ids ("ไลน์ไอดี: somchai99", "id line @abc", line.me links, LINE user ids);
- a name after the words that give one: ชื่อ/นามสกุล/ชื่อ-สกุล, ผมชื่อ/ดิฉันชื่อ/หนูชื่อ
  (and ฉัน, กระผม, ข้าพเจ้า, แม่, พ่อ, ลูก, สามี ...), and after a title (นาย, นาง, นางสาว,
  น.ส., ด.ช., ด.ญ.) but not after นายก, นายอำเภอ, นายช่าง ...;
- house numbers: บ้านเลขที่ 12/3, เลขที่ 45, and "12/3 หมู่ 4" (in a tambon of a few
  thousand households a house number and its village point to one family; the village
  alone is kept, since it says where a service is wanted).

It errs on the side of taking out too much: a lost word of a question costs less than a
kept name. Scrubbing twice gives the same text as scrubbing once.
"""

from __future__ import annotations

import re
from functools import lru_cache

from handlers.texts import text

# --- digits, as typed or spelled ---------------------------------------------------------

_DIGIT_WORDS = ("ศูนย์", "ศูน", "หนึ่ง", "นึง", "สอง", "โท", "สาม", "สี่", "ห้า", "หก", "เจ็ด",
                "แปด", "เก้า")
_ZERO = r"(?:[0๐]|ศูนย์|ศูน)"
_DIGIT = r"(?:[0-9๐-๙]|" + "|".join(_DIGIT_WORDS) + ")"
# Between two digits: nothing, or one separator a person puts in a phone number (not "/":
# that is a date's, or a house number's).
_SEP = r"(?:\s?[-–—.·]\s?|\s|\)\s?|\s?\()?"
_NOT_AFTER_DIGIT = r"(?<![0-9๐-๙])"
_NOT_BEFORE_DIGIT = r"(?![0-9๐-๙])"

# 13 digits: the national ID number (1-2345-67890-12-3 or any grouping).
_ID_NUMBER = re.compile(_NOT_AFTER_DIGIT + _DIGIT + r"(?:" + _SEP + _DIGIT + r"){12}"
                        + _NOT_BEFORE_DIGIT)
# +66 8x xxx xxxx, 66 8x..., (+66) 089...: the country code, then 8 or 9 digits.
_PHONE_INTERNATIONAL = re.compile(
    r"(?:\+\s?|(?<![0-9๐-๙]))(?:\(\s?\+?\s?)?(?:66|๖๖)\s?\)?" + _SEP + r"(?:\(?" + _ZERO
    + r"\)?" + _SEP + r")?" + _DIGIT + r"(?:" + _SEP + _DIGIT + r"){7,8}" + _NOT_BEFORE_DIGIT)
# 0 + 8 or 9 digits: mobiles (06/08/09) and landlines (02, 044 ...), optionally "(089)".
_PHONE = re.compile(r"\(?" + _NOT_AFTER_DIGIT + _ZERO + _SEP + _DIGIT + r"\)?"
                    + r"(?:" + _SEP + _DIGIT + r"){7,8}" + _NOT_BEFORE_DIGIT)
# Any other long number: nine or more digits, at most dashed (an account or passport
# number). Not across spaces or dots: "25-12-2567 10.30" is a date and a time.
_LONG_NUMBER = re.compile(_NOT_AFTER_DIGIT + r"[0-9๐-๙](?:-?[0-9๐-๙]){8,}"
                          + _NOT_BEFORE_DIGIT)

# --- e-mail and LINE ---------------------------------------------------------------------

_EMAIL = re.compile(
    r"[A-Za-z0-9._%+\-]+\s?(?:@|＠|\(at\)|\[at\]|\s(?:at|แอท)\s)\s?[A-Za-z0-9\-]+"
    r"(?:\s?(?:\.|\(dot\)|\[dot\]|\s(?:dot|ดอท)\s)\s?[A-Za-z0-9\-]+)+", re.IGNORECASE)
_LINE_LINK = re.compile(r"(?:https?://)?(?:line\.me|lin\.ee)/[^\s]*", re.IGNORECASE)
_LINE_USER_ID = re.compile(r"(?<![A-Za-z0-9])U[0-9a-f]{32}(?![A-Za-z0-9])")
# "ไลน์ไอดี: somchai99", "line id @abc", "ไอดีไลน์ abc", "ไลน์ abc_99", "id: abc".
_LINE_WORD = r"(?:line|ไลน์|ไลน|ลายน์)"
_ID_WORD = r"(?:id|ไอดี)"
_LINE_ID = re.compile(
    r"(?P<lead>(?<![A-Za-z])(?:" + _LINE_WORD + r"\s*" + _ID_WORD + r"?|" + _ID_WORD + r"\s*"
    + _LINE_WORD + r"?)\s*(?:คือ|ว่า)?\s*[:：=]?\s*)"
    r"(?P<handle>@?[A-Za-z0-9][A-Za-z0-9._\-]{2,29})", re.IGNORECASE)
# Words that follow "ไลน์" without being anyone's id.
_NOT_HANDLES = {"official", "oa", "app", "application", "account", "id", "line", "notify",
                "chat", "group", "call", "pay", "man", "ไลน์"}

# --- house numbers -----------------------------------------------------------------------

_HOUSE_NUMBER = re.compile(
    r"(?P<lead>(?:บ้านเลขที่|บ้านเลข|เลขที่บ้าน|เลขที่|บ้าน\s*no\.?"
    r"|บ้าน(?=\s*[0-9๐-๙]+(?:\s*/\s*[0-9๐-๙]+)?\s*(?:หมู่|ม\.)))\s*[:.]?\s*)"
    r"(?P<number>[0-9๐-๙]+(?:\s*/\s*[0-9๐-๙]+)?)", re.IGNORECASE)
# "12/3 หมู่ 4", "45/1 ม.4": a number with a slash right before the village.
_HOUSE_BEFORE_VILLAGE = re.compile(
    r"(?<![0-9๐-๙/])(?P<number>[0-9๐-๙]+\s*/\s*[0-9๐-๙]+)(?![0-9๐-๙/])"
    r"(?P<tail>\s*(?:หมู่|ม\.|ถนน|ถ\.|ซอย|ซ\.))")

# --- names -------------------------------------------------------------------------------

_THAI = "\u0e01-\u0e4e"
# Who a name belongs to, said just before ชื่อ: the asker or someone of theirs.
_OWNERS = ("กระผม", "ผม", "ดิฉัน", "ดิชั้น", "ฉัน", "ชั้น", "หนู", "ข้าพเจ้า", "เรา", "พี่",
           "น้อง", "ป้า", "ลุง", "น้า", "ยาย", "ย่า", "ตา", "ปู่", "แม่", "พ่อ", "ลูก", "สามี",
           "ภรรยา", "ภริยา", "เมีย", "แฟน", "หลาน", "ผู้ร้อง", "ผู้แจ้ง", "เขา", "เค้า", "ท่าน")
# A name's field, unless it is the thing to change ("ขอเปลี่ยนชื่อ-สกุล").
_FIELD = (r"(?<!เปลี่ยน)(?<!แก้ไข)(?<!แก้)(?<!ตั้ง)(?<!ใช้)(?<!ลง)"
          r"(?:ชื่อ\s*[-/]?\s*(?:นาม)?สกุล|นามสกุล|ชื่อจริง|ชื่อเล่น|ชื่อผู้ร้อง|ชื่อผู้แจ้ง)")
# The words that say "here comes a name".
_NAME_LEAD = re.compile(
    r"(?:(?:" + "|".join(_OWNERS) + r")\s*ชื่อ(?:จริง|เล่น)?|" + _FIELD
    + r"|(?:^|(?<=[\n,:;(]))\s*ชื่อ(?=[\s:：])"
    r"|ชื่อ(?=\s*(?:คือ|ว่า|[:：]))"
    r"|my name is|name\s*[:：])"
    r"\s*(?:คือ|ว่า)?\s*[:：]?\s*",
    re.IGNORECASE | re.MULTILINE)
# Titles before a name, glued to the word before them or not ("แจ้งว่านายสมชาย"), but not
# the words that start with one: นายก, นายอำเภอ, นายช่าง, นางพยาบาล, ทำนาย ...
_THAI_TITLES = (r"นางสาว", r"น\.\s?ส\.", r"นส\.", r"เด็กชาย", r"เด็กหญิง", r"ด\.\s?ช\.",
                r"ด\.\s?ญ\.", r"ดช\.", r"ดญ\.",
                r"(?<!ทำ)นาย(?!ก(?=\s|$|[^" + _THAI + r"]|อบต|อ\.บ\.ต|เทศ|รัฐ|สมาคม|ฯ)"
                r"|อำเภอ|ช่าง|ทะเบียน|จ้าง|หน้า|ตรวจ|ประกัน|ทุน|ด่าน|ทหาร|พล|ร้อย|สิบ|บ้าน"
                r"|งาน|ห้าง|กอง|ท่า|แบบ|ตำรวจ)",
                r"นาง(?!สาว|พยาบาล|งาม|ฟ้า|แบบ|เอก|กวัก|ใน|รำ)")
_TITLE = (r"(?:" + "|".join(_THAI_TITLES)
          + r"|(?<![A-Za-z])(?:mr\.?|mrs\.?|ms\.)(?![A-Za-z]))")
_TITLE_LEAD = re.compile(_TITLE + r"\s*", re.IGNORECASE)
_NAME_WORD = re.compile(r"[" + _THAI + r"A-Za-z][" + _THAI + r"A-Za-z.'\-]*")
# Where a sentence goes on after a name typed without a space ("ผมชื่อสมชายอยากทราบ"):
# the name is cut there. Words unlikely inside a name.
_AFTER_NAME = ("ครับ", "ค่ะ", "คะ", "ค่า", "คับ", "จ้า", "นะคะ", "นะครับ", "อยาก", "ขอ",
               "สอบถาม", "ถาม", "ต้องการ", "ต้อง", "อย่างไร", "ยังไง", "อายุ", "เบอร์", "โทร",
               "บ้านเลขที่", "อยู่", "เป็น", "จะ", "ได้", "ไม่", "แจ้ง", "ร้อง", "เลขที่", "หมู่",
               "ตำบล", "อำเภอ", "จังหวัด", "ไลน์", "อีเมล", "และ", "กับ", "ซึ่ง", "เกิด", "เรียน",
               "ทำงาน", "มีปัญหา")
# A second word is a surname unless it starts the rest of the sentence.
_NOT_SURNAME = _AFTER_NAME + ("มา", "ไป", "ที่", "ทำ", "แล้ว", "บ้าน", "ใน", "ว่า", "เรื่อง",
                              "เพราะ", "แต่", "หรือ", "ก็", "นะ", "ช่วย", "รบกวน", "เมื่อ",
                              "ตอนนี้", "ยัง", "คือ", "เลย")


@lru_cache(maxsize=1)
def _placeholders() -> dict[str, str]:
    keys = ("phone", "id_number", "number", "email", "line_id", "name", "house_number")
    return {key: text(f"scrub_{key}") for key in keys}


def scrub(value: str) -> str:
    """`value` with phone and ID numbers, e-mail, LINE ids, names and house numbers
    replaced by Thai placeholders such as [เบอร์โทร] and [ชื่อ]."""
    if not value:
        return value
    shown = _placeholders()
    out = _EMAIL.sub(shown["email"], value)
    out = _LINE_LINK.sub(shown["line_id"], out)
    out = _LINE_USER_ID.sub(shown["line_id"], out)
    out = _ID_NUMBER.sub(shown["id_number"], out)
    out = _PHONE_INTERNATIONAL.sub(shown["phone"], out)
    out = _PHONE.sub(shown["phone"], out)
    out = _LONG_NUMBER.sub(shown["number"], out)
    out = _LINE_ID.sub(lambda m: _line_id(m, shown["line_id"]), out)
    out = _HOUSE_NUMBER.sub(lambda m: m.group("lead") + shown["house_number"], out)
    out = _HOUSE_BEFORE_VILLAGE.sub(lambda m: shown["house_number"] + m.group("tail"), out)
    out = _names(out, _NAME_LEAD, shown["name"])
    return _names(out, _TITLE_LEAD, shown["name"])


def _line_id(match: re.Match, placeholder: str) -> str:
    if match.group("handle").lstrip("@").lower() in _NOT_HANDLES:
        return match.group(0)
    return match.group("lead") + placeholder


def _names(value: str, lead: re.Pattern, placeholder: str) -> str:
    """Replace the name that follows each match of `lead` (its first word and, when the
    next word is not the sentence going on, the surname)."""
    pieces: list[str] = []
    at = 0
    for found in lead.finditer(value):
        if found.start() < at:
            continue
        end = _name_end(value, found.end())
        if end is None:
            continue
        pieces.append(value[at:found.end()].rstrip() + " " + placeholder)
        if end < len(value) and not value[end].isspace():
            pieces.append(" ")
        at = end
    pieces.append(value[at:])
    return "".join(pieces)


def _name_end(value: str, start: int) -> int | None:
    """Where the name starting at `start` ends; None when no name follows."""
    title = _TITLE_LEAD.match(value, start)
    if title is not None:
        start = title.end()
    first = _NAME_WORD.match(value, start)
    if first is None:
        return None
    word = first.group(0)
    cut = _cut(word)
    if cut == 0:
        return None
    if cut < len(word):
        return start + cut  # the sentence goes on right after the name: no surname
    end = first.end()
    gap = re.match(r"[ \t]+", value[end:])
    if gap is None:
        return end
    second = _NAME_WORD.match(value, end + gap.end())
    if second is None or second.group(0).startswith(_NOT_SURNAME):
        return end
    surname = second.group(0)
    return end + gap.end() + (_cut(surname) or len(surname))


def _cut(word: str) -> int:
    """The length of the name at the start of `word`, before a word that goes on with the
    sentence (0 when the word itself starts the sentence)."""
    if word.startswith(_AFTER_NAME):
        return 0
    positions = [word.find(after, 1) for after in _AFTER_NAME]
    found = [p for p in positions if p > 0]
    return min(found) if found else len(word)
