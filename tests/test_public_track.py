"""Tracking a tip with its code and secret; adding to it; rating it when closed."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from handlers.cases import casework
from storage.models import Case
from storage.models.ratings import Rating
from tests.public_helpers import csrf_of, jpeg_bytes, receipt_of, submit_tip


@pytest.fixture
def tip(client):
    return receipt_of(client, submit_tip(client, description="ถนนหน้าโรงเรียนเป็นหลุมลึก",
                                         location="หมู่ 2"))


def token(client) -> str:
    return csrf_of(client.get("/track").get_data(as_text=True))


def track(client, code, secret, **extra):
    return client.post("/track", data={"csrf_token": token(client), "code": code,
                                       "secret": secret, **extra})


def with_case(sessions, code, action):
    with sessions() as session, session.begin():
        case = session.execute(select(Case).where(Case.code == code)).scalar_one()
        return action(session, case)


def test_track_shows_status_and_timeline_without_putting_the_secret_in_a_url(client, tip):
    code, secret = tip
    answer = track(client, code, secret)
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == "no-store"
    assert code in html and "ได้รับเรื่องแล้ว" in html
    assert 'id="timeline"' in html
    # the secret is only in hidden POST fields of the forms on the page
    assert 'action="/track/add"' in html and f'value="{secret}"' in html
    assert "?secret" not in html and "secret=" not in html


def test_code_typed_loosely_still_opens(client, tip):
    code, secret = tip
    answer = track(client, code.lower().replace("-", " "), secret.replace(" ", "-"))
    assert answer.status_code == 200 and code in answer.get_data(as_text=True)


def test_wrong_secret_then_lockout_like_line(client, tip):
    code, _ = tip
    for _ in range(4):
        answer = track(client, code, "0000 0000 0000 0000")
        assert answer.status_code == 400
        assert "รหัสเรื่องหรือรหัสลับไม่ถูกต้อง" in answer.get_data(as_text=True)
    answer = track(client, code, "0000 0000 0000 0000")
    html = answer.get_data(as_text=True)
    assert "ระงับการติดตามเรื่องนี้ชั่วคราว" in html
    assert f'value="{code}"' in html  # what was typed is kept (never the secret)


def test_add_information_and_evidence(client, tip, sessions):
    code, secret = tip
    answer = client.post("/track/add", data={
        "csrf_token": token(client), "code": code, "secret": secret,
        "info": "หลุมใหญ่ขึ้นหลังฝนตก", "files": [(io.BytesIO(jpeg_bytes()), "hole.jpg")]},
        content_type="multipart/form-data")
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert "ส่งข้อมูลเพิ่มเติมเรียบร้อยแล้ว" in html
    assert "หลุมใหญ่ขึ้นหลังฝนตก" in html and "ท่านส่งหลักฐานเพิ่มเติม" in html
    empty = client.post("/track/add", data={"csrf_token": token(client), "code": code,
                                            "secret": secret, "info": "  "})
    assert empty.status_code == 400
    assert "กรุณาพิมพ์ข้อมูลเพิ่มเติมหรือแนบไฟล์" in empty.get_data(as_text=True)


def test_add_without_csrf_is_refused(client, tip, sessions):
    code, secret = tip
    answer = client.post("/track/add", data={"code": code, "secret": secret, "info": "x"})
    assert answer.status_code == 400
    events = with_case(sessions, code, lambda s, c: len(casework.timeline(s, None, c, False)))
    assert events == 1  # only "filed"


def test_officer_answer_shows_then_closed_case_is_rated(client, tip, sessions, vault, org,
                                                        clock):
    code, secret = tip

    def work(session, case):
        casework.public_reply(session, vault, org, case, "ช่างจะไปตรวจสอบวันพรุ่งนี้",
                              actor="officer:1", now=clock())
        for status in ("acknowledged", "investigating"):
            casework.change_status(session, vault, org, case, status, actor="officer:1",
                                   now=clock())

    with_case(sessions, code, work)
    html = track(client, code, secret).get_data(as_text=True)
    assert "ช่างจะไปตรวจสอบวันพรุ่งนี้" in html and "ข้อความจากเจ้าหน้าที่" in html
    assert 'id="rate-form"' not in html
    with_case(sessions, code, lambda s, c: casework.change_status(
        s, vault, org, c, "resolved", actor="officer:1", now=clock(),
        public_text="ซ่อมถนนเรียบร้อยแล้ว"))
    html = track(client, code, secret).get_data(as_text=True)
    assert 'id="rate-form"' in html and 'id="add-form"' not in html
    bad = client.post("/rate", data={"csrf_token": token(client), "code": code,
                                     "secret": secret, "comment": "ดีมาก"})
    assert bad.status_code == 400
    html = bad.get_data(as_text=True)
    assert "กรุณาเลือกคะแนน 1 ถึง 5" in html and "ดีมาก" in html
    good = client.post("/rate", data={"csrf_token": token(client), "code": code,
                                      "secret": secret, "score": "4",
                                      "comment": "ซ่อมเร็วดี ขอบคุณ"})
    assert good.status_code == 200
    assert "ขอบคุณสำหรับการประเมิน" in good.get_data(as_text=True)
    with sessions() as session:
        [rating] = session.execute(select(Rating)).scalars().all()
        case = session.execute(select(Case).where(Case.code == code)).scalar_one()
    assert rating.score == 4 and rating.channel == "web" and case.satisfaction == 4
    assert b"\xe0\xb8" not in rating.sealed_comment  # the comment is sealed, not Thai text
    from handlers.cases.ratings import open_comment

    assert open_comment(vault, rating) == "ซ่อมเร็วดี ขอบคุณ"
    again = client.post("/rate", data={"csrf_token": token(client), "code": code,
                                       "secret": secret, "score": "1"})
    assert "ท่านประเมินเรื่องนี้แล้ว (4 คะแนน)" in again.get_data(as_text=True)


def test_rate_needs_the_secret_too(client, tip):
    code, _ = tip
    answer = client.post("/rate", data={"csrf_token": token(client), "code": code,
                                        "secret": "1111 1111 1111 1111", "score": "5"})
    assert answer.status_code == 400
    assert "รหัสเรื่องหรือรหัสลับไม่ถูกต้อง" in answer.get_data(as_text=True)
