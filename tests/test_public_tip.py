"""The anonymous tip form: the same pipeline as LINE, nothing recorded about the sender."""

from __future__ import annotations

import io
import logging
import re

import pytest
from sqlalchemy import select, text

from bot import limits
from storage.models import Base, Case, Evidence
from tests.public_helpers import (
    csrf_of,
    jpeg_bytes,
    receipt_of,
    shown_secret,
    submit_tip,
    tip_form,
)

IP = "203.0.113.77"
FORWARDED = "198.51.100.23"



def all_database_text(sessions) -> str:
    """Every value of every table, as text (bytes decoded loosely)."""
    import storage.models.ratings  # noqa: F401

    out = []
    with sessions() as session:
        for table in Base.metadata.sorted_tables:
            for row in session.execute(select(table)):
                for value in row:
                    if isinstance(value, bytes | bytearray | memoryview):
                        out.append(bytes(value).decode("latin-1"))
                    else:
                        out.append(str(value))
    return "\n".join(out)


def cases(sessions) -> list[Case]:
    with sessions() as session:
        return list(session.execute(select(Case)).scalars())


def test_form_sets_only_the_csrf_cookie_and_asks_nothing_of_other_sites(client):
    answer = client.get("/tip")
    assert answer.status_code == 200
    cookies = answer.headers.getlist("Set-Cookie")
    assert len(cookies) == 1 and cookies[0].startswith("tambon_csrf=")
    assert "HttpOnly" in cookies[0] and "SameSite=Strict" in cookies[0]
    html = answer.get_data(as_text=True)
    assert "http://" not in html and "https://" not in html and "//" not in html.replace(
        "<!doctype html>", "")
    assert "default-src 'none'" in answer.headers["Content-Security-Policy"]
    assert answer.headers["Referrer-Policy"] == "no-referrer"
    for page in ("/track", "/rate", "/stats"):
        assert not client.get(page).headers.getlist("Set-Cookie") or page != "/stats"
    assert client.get("/stats").headers.getlist("Set-Cookie") == []


def test_a_tip_goes_through_the_complaint_pipeline(client, sessions, vault, worker):
    answer = submit_tip(client, files=[(jpeg_bytes(), "photo.jpg")], kind="grievance",
                        description="ไฟถนนหน้าวัดดับ ถนนมืดมาก", location="หมู่ 3")
    assert answer.status_code == 303
    assert answer.headers["Location"].endswith("/tip/receipt")
    code, secret = receipt_of(client, answer)
    assert re.fullmatch(r"\d{4} \d{4} \d{4} \d{4}", secret)
    [case] = cases(sessions)
    assert case.code == code and case.channel == "web" and case.identity_mode == "anonymous"
    assert case.user_key is None and case.secret_hash.startswith("$argon2id$")
    assert case.office_id  # routed
    with sessions() as session:
        [evidence] = session.execute(select(Evidence)).scalars().all()
    # the web request decoded nothing: the worker rebuilds the officer copy
    assert evidence.copy_state == "pending" and evidence.sealed_clean is None
    worker.run_until_idle()
    with sessions() as session:
        [evidence] = session.execute(select(Evidence)).scalars().all()
    assert evidence.content_type == "image/jpeg" and evidence.sealed_clean is not None


def test_a_contact_makes_the_tip_confidential(client, sessions):
    answer = submit_tip(client, contact="ติดต่อทางอีเมล somchai@example.com")
    assert answer.status_code == 303
    [case] = cases(sessions)
    assert case.identity_mode == "confidential"
    assert "somchai@example.com" not in all_database_text(sessions)


def test_receipt_shows_the_secret_once_and_never_in_a_url(client):
    answer = submit_tip(client)
    location = answer.headers["Location"]
    assert answer.headers["Cache-Control"] == "no-store"
    page = client.get(location)
    html = page.get_data(as_text=True)
    secret = shown_secret(html)
    assert re.fullmatch(r"\d{4} \d{4} \d{4} \d{4}", secret)
    assert secret.replace(" ", "") not in location
    assert page.headers["Cache-Control"] == "no-store"
    assert "จดรหัสเรื่องและรหัสลับ" in html
    # The cookie that carried it is cleared: a reload or a bookmark shows nothing.
    again = client.get(location).get_data(as_text=True)
    assert secret not in again and "หมดอายุ" in again


def test_no_tip_is_stored_without_the_csrf_token(client, sessions):
    form = tip_form(client)
    del form["csrf_token"]
    answer = client.post("/tip", data=form)
    assert answer.status_code == 400
    assert "แบบฟอร์มหมดอายุ" in answer.get_data(as_text=True)
    assert cases(sessions) == []
    # A token that is not the cookie's is refused too.
    form = tip_form(client, csrf_token="forged.0000")
    assert client.post("/tip", data=form).status_code == 400
    assert cases(sessions) == []


def test_no_ip_address_in_the_database_or_the_logs(client, sessions, caplog):
    caplog.set_level(logging.DEBUG)
    page = client.get("/tip", environ_base={"REMOTE_ADDR": IP})
    form = tip_form(client, description="เจ้าหน้าที่เรียกเงินใต้โต๊ะ", kind="corruption")
    form["csrf_token"] = csrf_of(page.get_data(as_text=True))
    form["files"] = [(io.BytesIO(jpeg_bytes()), "evidence.jpg")]
    answer = client.post("/tip", data=form, content_type="multipart/form-data",
                         environ_base={"REMOTE_ADDR": IP},
                         headers={"X-Forwarded-For": FORWARDED, "X-Real-IP": FORWARDED})
    assert answer.status_code == 303
    code, secret = receipt_of(client, answer)
    client.post("/track", data={"csrf_token": form["csrf_token"], "code": code,
                                "secret": secret}, environ_base={"REMOTE_ADDR": IP})
    stored = all_database_text(sessions)
    assert len(cases(sessions)) == 1
    for address in (IP, FORWARDED):
        assert address not in stored
        assert address not in caplog.text
    assert secret.replace(" ", "") not in caplog.text


def test_database_file_holds_no_address(client, engine):
    if engine.dialect.name != "sqlite":
        pytest.skip("reads the SQLite file")
    answer = submit_tip(client)
    assert answer.status_code == 303
    path = engine.url.database
    with engine.connect() as connection:
        connection.execute(text("PRAGMA wal_checkpoint(FULL)"))
    raw = open(path, "rb").read()
    assert b"127.0.0.1" not in raw and b"localhost" not in raw


@pytest.mark.parametrize("fields, message", [
    ({"description": "   "}, "กรุณากรอกเกิดอะไรขึ้น"),
    ({"kind": ""}, "กรุณาเลือกประเภทเรื่อง"),
    ({"kind": "identified-please"}, "กรุณาเลือกประเภทเรื่อง"),
    ({"description": "ก" * 3001}, "เกิดอะไรขึ้นยาวเกิน 3000 ตัวอักษร (ตอนนี้ 3001 ตัวอักษร)"),
    ({"location": "ข" * 301}, "เกิดที่ไหนยาวเกิน 300 ตัวอักษร"),
])
def test_bad_input_gets_a_thai_message_with_what_was_typed_kept(client, sessions, fields,
                                                               message):
    kept = {"who": "ผู้ใหญ่บ้านหมู่ 5", "when": "เมื่อวานตอนเย็น"}
    answer = submit_tip(client, **{**kept, **fields})
    html = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert message in html
    assert 'value="ผู้ใหญ่บ้านหมู่ 5"' in html and 'value="เมื่อวานตอนเย็น"' in html
    if fields.get("description", "").strip():
        assert fields["description"] in html
    assert cases(sessions) == []


def test_disallowed_and_oversized_files_are_refused_on_the_same_page(client, sessions):
    from handlers.cases.evidence import MAX_BYTES

    exe = b"MZ\x90\x00" + b"\x00" * 200
    answer = submit_tip(client, files=[(exe, "setup.exe")], description="มีหลักฐานแนบ")
    html = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert "ไฟล์ setup.exe เป็นประเภทที่รับไม่ได้" in html
    assert "มีหลักฐานแนบ" in html and "กรุณาเลือกไฟล์อีกครั้ง" in html
    big = b"\xff\xd8\xff\xe0" + b"\x00" * MAX_BYTES
    answer = submit_tip(client, files=[(big, "huge.jpg")], description="รูปใหญ่")
    html = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert "ไฟล์ huge.jpg มีขนาด 10.0 MB เกินกำหนดไฟล์ละ 10 MB" in html
    many = [(jpeg_bytes(gps=False), f"p{i}.jpg") for i in range(6)]
    html = submit_tip(client, files=many).get_data(as_text=True)
    assert "แนบไฟล์ได้ไม่เกิน 5 ไฟล์" in html
    assert cases(sessions) == []


def test_rate_limit_keeps_no_address(client, sessions):
    for _ in range(limits.TIP.limit):
        assert submit_tip(client, environ_base={"REMOTE_ADDR": IP}).status_code == 303
    answer = submit_tip(client, environ_base={"REMOTE_ADDR": IP})
    assert answer.status_code == 429
    assert "ถี่เกินไป" in answer.get_data(as_text=True)
    # Another address is not held back.
    assert submit_tip(client, environ_base={"REMOTE_ADDR": "192.0.2.1"}).status_code == 303
    # The counters are in the database, each under a keyed hash of the address.
    stored = all_database_text(sessions)
    assert "tip:" in stored
    assert IP not in stored and "192.0.2.1" not in stored


def test_gunicorn_access_log_from_the_procfile_carries_no_address(tmp_path):
    """Run the Procfile's web command for real and read its access log."""
    import os
    import shlex
    import shutil
    import signal
    import socket
    import subprocess
    import sys
    import time
    from pathlib import Path

    import requests

    from storage.db import make_engine, upgrade

    root = Path(__file__).resolve().parent.parent
    web = next(line for line in (root / "Procfile").read_text().splitlines()
               if line.startswith("web:"))[4:].strip()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = web.replace("${PORT:-8000}", str(port)).replace("0.0.0.0", "127.0.0.1")
    database = f"sqlite:///{tmp_path / 'tambon.db'}"
    upgrade(make_engine(database))
    env = {**os.environ, "DATABASE_URL": database, "TAMBON_INSTANCE_DIR": str(tmp_path),
           "TAMBON_SECRET_KEY": "test-secret-key", "PYTHAINLP_OFFLINE": "1",
           # The Procfile names `gunicorn`: the one installed beside this Python.
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.pop("LINE_CHANNEL_SECRET", None)
    env.pop("LINE_CHANNEL_ACCESS_TOKEN", None)
    log_path = tmp_path / "gunicorn.log"
    with open(log_path, "wb") as log_file:
        argv = shlex.split(command)
        argv[0] = shutil.which(argv[0], path=env["PATH"]) or argv[0]
        server = subprocess.Popen(argv, cwd=root, env=env, stdout=log_file,
                                  stderr=subprocess.STDOUT, start_new_session=True)
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                try:
                    if requests.get(base + "/healthz", timeout=5).ok:
                        break
                except requests.RequestException:
                    time.sleep(0.2)
            browser = requests.Session()
            page = browser.get(base + "/tip", timeout=10).text
            answer = browser.post(base + "/tip", timeout=30, allow_redirects=False, data={
                "csrf_token": csrf_of(page), "kind": "grievance",
                "description": "น้ำประปาไม่ไหลสามวันแล้ว", "location": "หมู่ 7"},
                files={"files": ("p.jpg", jpeg_bytes(), "image/jpeg")},
                headers={"X-Forwarded-For": FORWARDED})
            assert answer.status_code == 303
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=20)
    logged = log_path.read_text(errors="replace")
    assert '"POST /tip HTTP/1.1" 303' in logged  # the access log was captured
    assert "127.0.0.1" not in logged.replace(f"127.0.0.1:{port}", "")
    assert FORWARDED not in logged


def test_a_body_over_the_app_limit_gets_a_thai_page(client, app, sessions):
    limit = app.config["MAX_CONTENT_LENGTH"]
    form = tip_form(client)
    form["files"] = [(io.BytesIO(b"\xff\xd8\xff" + b"\x00" * (limit // 2)), "a.jpg"),
                     (io.BytesIO(b"\xff\xd8\xff" + b"\x00" * (limit // 2)), "b.jpg")]
    answer = client.post("/tip", data=form, content_type="multipart/form-data")
    assert answer.status_code == 413
    assert "ไฟล์ที่แนบรวมกันมีขนาดเกิน" in answer.get_data(as_text=True)
    assert cases(sessions) == []
