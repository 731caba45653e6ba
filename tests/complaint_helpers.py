"""Walking a citizen through the complaint conversation, for the complaint tests."""

from __future__ import annotations

import io
import re

from PIL import Image
from sqlalchemy import select

from storage import audit, case_vault
from storage.models import Case
from storage.models.cases import IDENTITY_FIELDS
from tests.line_helpers import texts_of

NAME = "สมชาย ใจกล้าหาญ"
PHONE = "081-234-5678"
KIND_BUTTON = {"corruption": "ทุจริต/ประพฤติมิชอบ", "grievance": "ร้องทุกข์",
               "suggestion": "ข้อเสนอแนะ"}
MODE_BUTTON = {"identified": "เปิดเผยตัวตน", "confidential": "ปกปิดตัวตน",
               "anonymous": "ไม่ประสงค์ออกนาม"}
STORY = {
    "corruption": "เจ้าหน้าที่กองคลังเรียกเงินสามพันบาทเพื่อให้ได้เบิกค่าจ้างเร็วขึ้น "
                  "เมื่อวันที่ 3 พ.ย. ที่ที่ทำการ อบต.",
    "grievance": "ไฟถนนดับทั้งซอยหน้าบ้านหมู่ 3 มาหนึ่งสัปดาห์แล้ว มืดมาก",
    "suggestion": "อยากให้มีลานออกกำลังกายสำหรับผู้สูงอายุในตำบล",
}
SECRET_RE = re.compile(r"^\d{4} \d{4} \d{4} \d{4}$")
CODE_RE = re.compile(r"[A-Z]{1,6}-[0-9A-Z]{4}-[0-9A-Z]{4}")


def file_complaint(line_user, kind: str, mode: str, story: str | None = None,
                   before_confirm=None) -> dict:
    """The whole conversation, answering whatever the bot asks. Returns what the receipt
    said: {"code", "secret", "texts"}."""
    said = [line_user.say("ร้องเรียน"), line_user.say(KIND_BUTTON[kind]),
            line_user.say(MODE_BUTTON[mode])]
    if mode != "anonymous":
        said.append(line_user.say(NAME))
        said.append(line_user.say(PHONE))
    said.append(line_user.say(story or STORY[kind]))
    for _ in range(3):  # follow-up questions, at most two
        last = texts_of(said[-1])
        if "หลักฐาน" in last:
            break
        said.append(line_user.say("ข้าม"))
    assert "หลักฐาน" in texts_of(said[-1]), texts_of(said[-1])
    if before_confirm is not None:
        said.extend(before_confirm(line_user))
    said.append(line_user.say("ส่งครบแล้ว/ไม่มี"))
    if "ลักษณะการทุจริต" in texts_of(said[-1]):
        said.append(line_user.say("ไม่ใช่ ร้องทุกข์"))
    assert "ยืนยันส่งเรื่อง" in texts_of(said[-1]), texts_of(said[-1])
    receipt = line_user.say("ยืนยันส่งเรื่อง")
    texts = [m.get("text", "") for m in receipt]
    code = CODE_RE.search(texts[0]) if texts else None
    secret = [t for t in texts if SECRET_RE.match(t)]
    return {"code": code.group(0) if code else None, "secret": secret[0] if secret else None,
            "texts": "\n".join(texts), "messages": receipt}


def finish_complaint(line_user, answer: str) -> str:
    """From the reply to the story (`answer`, as text): "ข้าม" to the follow-up questions
    (at most two; the story is never asked for again), no evidence, a corruption reading
    accepted, confirm. Returns the receipt's text."""
    for _ in range(2):
        assert "กรุณาเล่า" not in answer, "the story was asked for again"
        if "หลักฐาน" not in answer:
            answer = texts_of(line_user.say("ข้าม"))
    assert "หลักฐาน" in answer and "กรุณาเล่า" not in answer, answer
    answer = texts_of(line_user.say("ส่งครบแล้ว/ไม่มี"))
    if "ลักษณะการทุจริต" in answer:
        line_user.say("ใช่ เป็นเรื่องทุจริต")
    receipt = texts_of(line_user.say("ยืนยันส่งเรื่อง"))
    assert "รหัสเรื่อง" in receipt, receipt
    return receipt


def case_by_code(sessions, code: str) -> Case:
    with sessions() as session:
        return session.execute(select(Case).where(Case.code == code)).scalar_one()


def jpeg_with_gps(maker: str = "ShinyPhone") -> bytes:
    img = Image.new("RGB", (48, 32), "green")
    exif = Image.Exif()
    exif[0x010F] = maker
    exif[0x8825] = {1: "N", 2: (15.0, 20.0, 12.5), 3: "E", 4: (102.0, 5.0, 1.0)}
    out = io.BytesIO()
    img.save(out, "JPEG", exif=exif)
    return out.getvalue()


def image_event(line_user, message_id: str, **extra) -> dict:
    message = {"type": "image", "id": message_id,
               "contentProvider": {"type": "line"}, **extra}
    return line_user.event("message", message=message)


def file_event(line_user, message_id: str, name: str, size: int) -> dict:
    return line_user.event("message", message={"type": "file", "id": message_id,
                                               "fileName": name, "fileSize": size})


def sealed_field(session, vault, case: Case, field: str) -> str | None:
    """A sealed field of `case` as stored. An identity field opens only through the vault's
    audited door, so this writes the audit record of its opening, as identity.py does."""
    key = case_vault.case_key(vault, case)
    if field not in IDENTITY_FIELDS:
        return case_vault.read_field(vault, key, case, field)
    opening = audit.append(session, actor="test", action="identity_open", now=case.created_at,
                           case_code=case.code, detail=f"fields={field}; reason=test")
    return case_vault.open_identity_fields(vault, key, case, (field,), opening).get(field)
