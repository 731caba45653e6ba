"""Evidence: fetched from LINE at once, within limits told in Thai, the original sealed,
the officer copy without EXIF/GPS."""

from __future__ import annotations

import io

import pytest
from PIL import Image, PngImagePlugin
from sqlalchemy import select

from handlers.cases import casework, evidence
from handlers.cases.evidence_clean import NotCleanable
from handlers.cases.evidence_clean.rebuild import rebuild
from handlers.cases.identity import open_original_evidence
from storage.models import AuditRecord, Case, Evidence
from storage.models.drafts import DraftFile
from tests.complaint_helpers import file_complaint, file_event, image_event, jpeg_with_gps
from tests.line_helpers import texts_of

GPS_IFD = 0x8825


def _send_images(line_user, fake_line, count, content=None, start=0):
    answers = []
    for i in range(start, start + count):
        fake_line.state.content[f"img{i}"] = (content or jpeg_with_gps(), "image/jpeg")
        answers.append(line_user.send_event(image_event(line_user, f"img{i}")))
    return answers


def test_gps_is_gone_from_the_officer_copy_and_kept_in_the_sealed_original(
        line_user, fake_line, sessions, vault, org, clock):
    original = jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_IFD)  # the test has GPS

    def send(user):
        return _send_images(user, fake_line, 1, original)

    receipt = file_complaint(line_user, "grievance", "anonymous", before_confirm=send)
    line_user.worker.run_until_idle()
    with sessions() as session, session.begin():
        case = session.execute(select(Case).where(Case.code == receipt["code"])).scalar_one()
        [row] = casework.evidence_of(session, case)
        assert row.media_kind == "image" and row.size == len(original)
        clean, content_type = casework.read_evidence(session, vault, case, row.id,
                                                     actor="officer:1", now=clock())
        assert content_type == "image/jpeg"
        shown = Image.open(io.BytesIO(clean))
        assert shown.size == (48, 32)
        assert not shown.getexif().get_ifd(GPS_IFD)
        assert b"Exif" not in clean and b"ShinyPhone" not in clean
        kept = open_original_evidence(session, vault, case, row, actor="officer:1",
                                      reason="คำขอที่ 2 อนุมัติแล้ว", now=clock())
        assert kept == original
        actions = [r.action for r in session.execute(select(AuditRecord)).scalars()]
        assert "evidence_view" in actions and "evidence_original" in actions
        assert row.sealed_original != original and original not in row.sealed_original


def test_file_over_the_size_limit_gets_a_thai_message_and_the_case_continues(
        line_user, fake_line, sessions):
    big = 11 * 1024 * 1024
    answers = []

    def send(user):
        # LINE told the size: refused before fetching
        answers.append(user.send_event(file_event(user, "f1", "หลักฐาน.pdf", big)))
        # LINE did not tell the size: refused after fetching
        fake_line.state.content["img-big"] = (b"\xff\xd8\xff" + b"0" * (evidence.MAX_BYTES),
                                              "image/jpeg")
        answers.append(user.send_event(image_event(user, "img-big")))
        answers.extend(_send_images(user, fake_line, 1))
        return answers

    receipt = file_complaint(line_user, "grievance", "identified", before_confirm=send)
    for refused in answers[:2]:
        said = texts_of(refused)
        assert "ใหญ่เกิน 10 MB" in said and "ค่ะ" in said
    assert "ได้รับไฟล์ที่ 1" in texts_of(answers[2])
    assert receipt["code"]
    with sessions() as session:
        case = session.execute(select(Case).where(Case.code == receipt["code"])).scalar_one()
        assert len(casework.evidence_of(session, case)) == 1


def test_more_files_than_the_limit_are_refused_in_thai_and_the_rest_kept(
        line_user, fake_line, sessions):
    answers = []

    def send(user):
        answers.extend(_send_images(user, fake_line, evidence.MAX_FILES + 1))
        return answers

    receipt = file_complaint(line_user, "corruption", "confidential", before_confirm=send)
    assert "ครบจำนวนแล้ว" in texts_of(answers[evidence.MAX_FILES - 1])
    assert f"ไม่เกิน {evidence.MAX_FILES} ไฟล์" in texts_of(answers[-1])
    with sessions() as session:
        case = session.execute(select(Case).where(Case.code == receipt["code"])).scalar_one()
        assert len(casework.evidence_of(session, case)) == evidence.MAX_FILES
        assert session.execute(select(DraftFile)).first() is None


def test_content_that_line_no_longer_has_is_told_and_the_case_continues(
        line_user, sessions):
    answers = []

    def send(user):
        answers.append(user.send_event(image_event(user, "gone")))
        return answers

    receipt = file_complaint(line_user, "grievance", "anonymous", before_confirm=send)
    assert "ไม่สำเร็จ" in texts_of(answers[0])
    assert receipt["code"]


def test_a_picture_sent_while_telling_the_story_is_kept(line_user, fake_line, sessions):
    for typed in ("ร้องเรียน", "ร้องทุกข์", "ไม่ประสงค์ออกนาม"):
        line_user.say(typed)
    fake_line.state.content["early"] = (jpeg_with_gps(), "image/jpeg")
    answer = texts_of(line_user.send_event(image_event(line_user, "early")))
    assert "ได้รับไฟล์" in answer and "ข้อความ" in answer
    for typed in ("ขยะล้นถังหน้าตลาดหมู่ 2 มาสามวันแล้ว", "ส่งครบแล้ว/ไม่มี"):
        line_user.say(typed)
    line_user.say("ยืนยันส่งเรื่อง")
    with sessions() as session:
        assert session.execute(select(Evidence)).scalars().all()


def test_cancel_deletes_the_draft_files(line_user, fake_line, sessions):
    for typed in ("ร้องเรียน", "ร้องทุกข์", "ไม่ประสงค์ออกนาม",
                  "ขยะล้นถังหน้าตลาดหมู่ 2 มาสามวันแล้ว"):
        line_user.say(typed)
    _send_images(line_user, fake_line, 2)
    with sessions() as session:
        assert len(session.execute(select(DraftFile)).scalars().all()) == 2
    line_user.say("ยกเลิก")
    with sessions() as session:
        assert session.execute(select(DraftFile)).first() is None


def test_draft_files_are_sealed(line_user, fake_line, sessions):
    for typed in ("ร้องเรียน", "ร้องทุกข์", "ไม่ประสงค์ออกนาม",
                  "ขยะล้นถังหน้าตลาดหมู่ 2 มาสามวันแล้ว"):
        line_user.say(typed)
    picture = jpeg_with_gps()
    _send_images(line_user, fake_line, 1, picture)
    with sessions() as session:
        row = session.execute(select(DraftFile)).scalar_one()
        assert picture not in row.sealed and b"ShinyPhone" not in row.sealed


def test_png_text_chunks_are_stripped():
    img = Image.new("RGBA", (10, 10), (1, 2, 3, 128))
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "สมชาย")
    out = io.BytesIO()
    img.save(out, "PNG", pnginfo=info)
    clean = rebuild(out.getvalue()).content
    assert "สมชาย".encode() not in clean and b"Author" not in clean
    assert Image.open(io.BytesIO(clean)).mode == "RGBA"


def test_exif_orientation_is_applied_before_stripping():
    img = Image.new("RGB", (40, 20), "blue")
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90
    out = io.BytesIO()
    img.save(out, "JPEG", exif=exif)
    clean = rebuild(out.getvalue()).content
    assert Image.open(io.BytesIO(clean)).size == (20, 40)


def test_unreadable_image_gets_no_officer_copy():
    with pytest.raises(NotCleanable):
        rebuild(b"\xff\xd8\xff not really a jpeg")


def test_limits_refuse_in_order():
    for size, have, reason in ((1, evidence.MAX_FILES, "too_many"),
                               (evidence.MAX_BYTES + 1, 0, "too_big"), (0, 0, "empty")):
        try:
            evidence.check_limits(size, have)
        except evidence.EvidenceRefused as refused:
            assert refused.reason == reason
        else:
            raise AssertionError("not refused")
