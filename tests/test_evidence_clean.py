"""Officers see a copy rebuilt from each file's content, never the file as sent (issue 15).

Real files carrying a name, a device and a place (tests/evidence_files.py) go in as a
citizen sends them, over LINE (webhook, worker, the fake LINE's content endpoint) and
through /tip; what the console serves must hold none of it in any spelling, and a Word
document is not served at all.
"""

from __future__ import annotations

import io
import logging
import tracemalloc

import av
import pytest
from PIL import Image
from sqlalchemy import select

from handlers.cases import evidence
from handlers.cases.evidence_clean import MAX_PIXELS, NotCleanable, sandbox, sniff
from handlers.cases.evidence_clean.rebuild import rebuild
from storage.models import Case, Evidence
from tests import evidence_files as files
from tests.complaint_helpers import file_complaint, file_event, image_event
from tests.line_helpers import texts_of
from tests.plaintext import assert_nowhere_in_database
from tests.public_helpers import receipt_of, reset_limits, submit_tip
from tests.test_console_support import make_officer, sign_in

PICTURES = {"photo.jpg": "JPEG", "drawing.png": "PNG", "shot.webp": "WEBP",
            "IMG_0001.HEIC": "HEIF", "anim.gif": "GIF"}


def _all_files() -> dict[str, bytes]:
    made = {name: files.picture(fmt) for name, fmt in PICTURES.items()}
    made.update({"IMG_0002.MOV": files.iphone_mov(), "place.mov": files.xyz_mov(),
                 "voice.m4a": files.tagged_audio(),
                 "voice.mp3": files.tagged_audio("mp3", "libmp3lame"),
                 "letter.pdf": files.tagged_pdf(), "memo.docx": files.docx()})
    for name, content in made.items():  # each file really carries what it must not pass
        seen = files.pdf_streams(content) if name.endswith(".pdf") else content
        assert files.planted_in(seen), name
    return made


def _line_message(name: str, message_id: str, size: int) -> dict:
    if name.endswith((".jpg", ".png", ".webp", ".gif")):
        return {"type": "image", "id": message_id, "contentProvider": {"type": "line"}}
    if name.endswith((".MOV", ".mov")):
        return {"type": "video", "id": message_id, "duration": 1000,
                "contentProvider": {"type": "line"}}
    if name.endswith((".m4a", ".mp3")):
        return {"type": "audio", "id": message_id, "duration": 1000,
                "contentProvider": {"type": "line"}}
    # HEIC photos arrive as files when sent "as original", like PDFs and Word files
    return {"type": "file", "id": message_id, "fileName": name, "fileSize": size}


def _officer_sees(app, services, code: str) -> tuple[str, dict[int, tuple[int, bytes, str]]]:
    """The case page and, per evidence id, what the console serves (status, body, type)."""
    with services.sessions() as session:
        case = session.execute(select(Case).where(Case.code == code)).scalar_one()
        ids = [e.id for e in session.execute(
            select(Evidence).where(Evidence.case_id == case.id)).scalars()]
    console = app.test_client()
    username = f"ev{case.office_id}"[:30]
    try:
        make_officer(services, username, office=case.office_id)
    except Exception:  # this office's officer was made for an earlier case
        pass
    sign_in(console, username)
    page = console.get(f"/console/cases/{code}").get_data(as_text=True)
    served = {}
    for evidence_id in ids:
        answer = console.get(f"/console/cases/{code}/evidence/{evidence_id}")
        served[evidence_id] = (answer.status_code, answer.get_data(), answer.content_type)
    return page, served


def _assert_clean(body: bytes, content_type: str) -> None:
    seen = files.pdf_streams(body) if content_type == "application/pdf" else body
    assert not files.planted_in(seen), (content_type, files.planted_in(seen))
    if content_type.startswith("image/"):
        shown = Image.open(io.BytesIO(body))
        assert not shown.getexif() and not {"exif", "xmp", "icc_profile", "comment",
                                             "XML:com.adobe.xmp"} & set(shown.info)
    if content_type.startswith(("video/", "audio/")):
        with av.open(io.BytesIO(body)) as movie:
            # only what FFmpeg reads out of the `ftyp` box itself
            assert set(movie.metadata) <= {"major_brand", "minor_version",
                                           "compatible_brands"}, movie.metadata
            for stream in movie.streams:  # FFmpeg's own defaults, not the phone's names
                assert set(stream.metadata) <= {"language", "handler_name", "vendor_id"}
                assert stream.metadata.get("handler_name", "VideoHandler") in (
                    "VideoHandler", "SoundHandler")
            assert {s.type for s in movie.streams} <= {"video", "audio"}


def _check_cases(app, services, codes: list[str], expected: int) -> list[int]:
    """Every file of these cases as the console serves it is clean; the ids kept sealed."""
    served_all = {}
    for code in codes:
        page, served = _officer_sees(app, services, code)
        served_all.update(served)
        if "memo.docx" in page:
            raise AssertionError("a file name reached the officer")
    assert len(served_all) == expected
    with services.sessions() as session:
        rows = {e.id: e for e in session.execute(select(Evidence)).scalars()}
    sealed = [i for i, row in rows.items() if row.copy_state == "sealed"]
    for evidence_id, (status, body, content_type) in served_all.items():
        if evidence_id in sealed:
            assert status == 404 and files.docx()[:30] not in body
            continue
        assert status == 200, (evidence_id, rows[evidence_id].content_type)
        _assert_clean(body, content_type)
    return sealed


def _nothing_planted_kept_in_clear(engine, database_url, caplog) -> None:
    """The originals are sealed and the copies rebuilt: no planted name, device or
    coordinate is in the database file (or its text columns) or in the logs."""
    engine.dispose()
    assert_nowhere_in_database(engine, database_url, list(files.PLANTED))
    assert not [value for value in files.PLANTED if value in caplog.text]


def test_every_type_sent_over_line_reaches_officers_rebuilt(line_user, fake_line, app,
                                                           services, engine, database_url,
                                                           caplog):
    caplog.set_level(logging.DEBUG)
    made = list(_all_files().items())
    codes = []
    for start in range(0, len(made), evidence.MAX_FILES):
        batch = made[start:start + evidence.MAX_FILES]

        def send(user, batch=batch, start=start):
            answers = []
            for i, (name, content) in enumerate(batch):
                message_id = f"m{start + i}"
                fake_line.state.content[message_id] = (content, "application/octet-stream")
                message = _line_message(name, message_id, len(content))
                answers.append(user.send_event(user.event("message", message=message)))
                assert "ได้รับไฟล์" in texts_of(answers[-1]), (name, texts_of(answers[-1]))
            return answers

        receipt = file_complaint(line_user, "grievance", "anonymous", before_confirm=send)
        codes.append(receipt["code"])
    line_user.worker.run_until_idle()
    sealed = _check_cases(app, services, codes, len(made))
    assert len(sealed) == 1  # the Word document, and nothing else
    with services.sessions() as session:
        row = session.get(Evidence, sealed[0])
        assert row.content_type == sniff.OFFICE_ZIP and row.media_kind == "file"
    page = _officer_sees(app, services, codes[-1])[0]
    assert "เก็บไฟล์ไว้แบบปิดผนึก" in page and "ผู้ดูแลข้อมูล" in page
    _nothing_planted_kept_in_clear(engine, database_url, caplog)


def test_every_type_sent_through_tip_reaches_officers_rebuilt(client, app, services, worker,
                                                            engine, database_url, caplog):
    caplog.set_level(logging.DEBUG)
    made = _all_files()
    docx = made.pop("memo.docx")
    items = list(made.items())
    codes = []
    for start in range(0, len(items), evidence.MAX_FILES):
        reset_limits(client)
        answer = submit_tip(client, files=[(c, n) for n, c in items[start:start + 5]],
                            kind="grievance", description="ไฟถนนหน้าวัดดับ ถนนมืดมาก")
        codes.append(receipt_of(client, answer)[0])
    with services.sessions() as session:  # the web request decoded nothing
        assert {e.copy_state for e in session.execute(select(Evidence)).scalars()} == {
            "pending"}
    worker.run_until_idle()
    assert _check_cases(app, services, codes, len(items)) == []
    # a Word document is refused by the form, in Thai, and kept nowhere
    reset_limits(client)
    answer = submit_tip(client, files=[(docx, "memo.docx")], kind="grievance",
                        description="ไฟถนนหน้าวัดดับ ถนนมืดมาก")
    assert answer.status_code == 400
    assert "ไฟล์ memo.docx เป็นประเภทที่รับไม่ได้" in answer.get_data(as_text=True)
    with services.sessions() as session:
        assert len(session.execute(select(Evidence)).scalars().all()) == len(items)
    _nothing_planted_kept_in_clear(engine, database_url, caplog)


def test_type_is_read_from_the_content_not_the_name_or_the_brand():
    heic = files.picture("HEIF")
    assert heic[4:8] == b"ftyp" and sniff.content_type(heic) == "image/heic"
    assert rebuild(heic).content_type == "image/jpeg"
    # a HEIC whose major brand claims MP4 is still decoded as what it is, or kept sealed
    disguised = heic[:8] + b"mp42" + heic[12:]
    try:
        copy = rebuild(disguised)
    except NotCleanable:
        copy = None
    assert copy is None or not files.planted_in(copy.content)
    assert sniff.content_type(files.docx()) == sniff.OFFICE_ZIP
    assert sniff.content_type(files.tagged_pdf()) == "application/pdf"
    with pytest.raises(NotCleanable):
        rebuild(files.docx())


def test_a_picture_over_the_pixel_cap_is_kept_sealed():
    out = io.BytesIO()
    Image.new("1", (8000, 8000)).save(out, "PNG")  # 64 megapixels in a few kilobytes
    assert 8000 * 8000 > MAX_PIXELS and len(out.getvalue()) < 100_000
    with pytest.raises(NotCleanable):
        rebuild(out.getvalue())


def test_a_child_over_its_memory_cap_keeps_the_file_sealed():
    out = io.BytesIO()
    Image.new("RGB", (6000, 6000), "white").save(out, "PNG")  # 108 MB of pixels
    outcome = sandbox.rebuild(out.getvalue(), sandbox.Caps(memory_mb=160))
    assert outcome.copy is None
    assert sandbox.rebuild(files.picture("JPEG")).copy is not None


def test_a_large_line_video_is_aborted_while_streaming_and_told_in_thai(
        line_user, fake_line, sessions):
    sent = {"bytes": 0}
    chunk = b"\x00" * (256 * 1024)

    def endless():  # 200 MiB, never held anywhere as a whole
        for _ in range(800):
            sent["bytes"] += len(chunk)
            yield chunk

    fake_line.state.content["huge"] = (lambda: endless(), "video/mp4")
    fake_line.state.content["small"] = (files.picture("JPEG"), "image/jpeg")
    answers = []

    def send(user):
        tracemalloc.start()
        try:
            answers.append(user.send_event(user.event("message", message={
                "type": "video", "id": "huge", "duration": 60000,
                "contentProvider": {"type": "line"}})))
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        answers.append(user.send_event(image_event(user, "small")))
        answers.append(peak)
        return answers[:2]

    receipt = file_complaint(line_user, "grievance", "anonymous", before_confirm=send)
    said = texts_of(answers[0])
    assert "ใหญ่เกิน 10 MB" in said and "ค่ะ" in said
    assert answers[2] < 3 * evidence.MAX_BYTES  # bounded by the cap, not the 200 MiB
    assert sent["bytes"] < 100 * 1024 * 1024  # the download stopped early
    assert "ได้รับไฟล์ที่ 1" in texts_of(answers[1])
    with sessions() as session:
        case = session.execute(select(Case).where(Case.code == receipt["code"])).scalar_one()
        assert len(session.execute(
            select(Evidence).where(Evidence.case_id == case.id)).scalars().all()) == 1


def test_a_file_event_declaring_a_big_size_is_refused_before_fetching(line_user, fake_line):
    fetched = []
    fake_line.state.content["f"] = (lambda: fetched.append(1) or iter([b"%PDF-1.4"]),
                                    "application/pdf")
    answers = []

    def send(user):
        answers.append(user.send_event(file_event(user, "f", "big.pdf", 50 * 1024 * 1024)))
        return answers

    file_complaint(line_user, "grievance", "anonymous", before_confirm=send)
    assert "ใหญ่เกิน" in texts_of(answers[0])
    assert fetched == []  # LINE said the size: nothing was downloaded


def _one_pending_file(sessions, vault, org, clock) -> int:
    from handlers.cases.evidence import EvidenceFile
    from handlers.cases.filing import NewCase, file_case

    with sessions() as session, session.begin():
        filed = file_case(session, vault, org, NewCase(
            kind="grievance", identity_mode="anonymous", channel="web",
            description="ไฟถนนดับ หมู่ 3", evidence=[EvidenceFile(files.picture("JPEG"),
                                                                "image/jpeg")]), clock())
        return session.execute(select(Evidence.id).where(
            Evidence.case_id == filed.case.id)).scalar_one()


def test_a_file_being_rebuilt_is_not_taken_twice_and_a_crashing_one_ends_sealed(
        sessions, vault, org, clock):
    evidence_id = _one_pending_file(sessions, vault, org, clock)

    def crash(_content):  # the worker dies mid-rebuild, holding the file
        raise RuntimeError("worker killed")

    for _ in range(evidence.MAX_ATTEMPTS):
        with pytest.raises(RuntimeError):
            evidence.rebuild_next(sessions, vault, clock, rebuild=crash)
        # another worker does not take it while the first one may still be at it
        assert evidence.rebuild_next(sessions, vault, clock, rebuild=crash) is False
        clock.advance(seconds=evidence.CLAIM_FOR.total_seconds() + 1)
    assert evidence.rebuild_next(sessions, vault, clock) is False
    with sessions() as session:
        row = session.get(Evidence, evidence_id)
        assert row.copy_state == "sealed" and row.sealed_clean is None


def test_what_a_rebuild_cannot_clean_is_sealed_and_not_served(sessions, vault, org, clock):
    from handlers.cases import casework

    evidence_id = _one_pending_file(sessions, vault, org, clock)
    with sessions() as session, session.begin():  # pending: nothing to serve yet
        row = session.get(Evidence, evidence_id)
        with pytest.raises(LookupError):
            casework.read_evidence(session, vault, session.get(Case, row.case_id),
                                   evidence_id, actor="officer:1", now=clock())
    assert evidence.rebuild_next(sessions, vault, clock,
                                 rebuild=lambda _c: sandbox.Outcome(None, 0.1, 10.0))
    with sessions() as session, session.begin():
        row = session.get(Evidence, evidence_id)
        assert row.copy_state == "sealed"
        with pytest.raises(LookupError):
            casework.read_evidence(session, vault, session.get(Case, row.case_id),
                                   evidence_id, actor="officer:1", now=clock())


@pytest.mark.parametrize("fmt, codec", [("wav", "pcm_s16le"), ("flac", "flac"),
                                        ("mp3", "libmp3lame"), ("ipod", "aac")])
def test_tagged_audio_of_each_container_is_rebuilt_without_its_tags(fmt, codec):
    original = files.tagged_audio(fmt, codec)
    assert files.planted_in(original)
    copy = rebuild(original)
    assert copy.content_type == "audio/mp4" and not files.planted_in(copy.content)


def test_a_playlist_is_never_handed_to_ffmpeg_to_follow():
    playlist = b"#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\nfile:///etc/passwd\n"
    with pytest.raises(NotCleanable):
        rebuild(playlist)
