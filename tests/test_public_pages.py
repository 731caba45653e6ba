"""The front page and the error pages over HTTP: Thai, from the organization's data, with
the public pages' headers, and never Werkzeug's English or a trace."""

from __future__ import annotations

from dataclasses import replace

import pytest


def test_front_page_shows_the_office_from_its_data(client, services):
    services.org = replace(services.org, name="เทศบาลตำบลหนองน้ำใส", phone="044-987-654",
                           hours="ทุกวัน 08:00–20:00 น.",
                           add_friend_url="https://line.me/R/ti/p/%40nongnamsai")
    answer = client.get("/")
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200 and answer.mimetype == "text/html"
    assert "เทศบาลตำบลหนองน้ำใส" in html and "ทุ่งโพธิ์</h1>" not in html
    assert 'href="tel:044987654"' in html and "ทุกวัน 08:00–20:00 น." in html
    assert 'href="https://line.me/R/ti/p/%40nongnamsai"' in html
    for path in ("/tip", "/track", "/stats"):
        assert f'href="{path}"' in html
    assert "default-src 'none'" in answer.headers["Content-Security-Policy"]
    assert answer.headers.getlist("Set-Cookie") == []


def test_front_page_lists_the_services_an_admin_edited(client, services, sessions, clock):
    from handlers.manual.store import load_manual_if_empty
    from storage.models import ManualEntry

    with sessions() as session, session.begin():
        load_manual_if_empty(session, services.org, clock())
        row = session.get(ManualEntry, "elderly-allowance")
        row.content = {**row.content, "short_title": "เบี้ยยังชีพคนชรา"}
    html = client.get("/").get_data(as_text=True)
    offered = html.split('id="services"', 1)[1].split("</ul>", 1)[0]
    assert "เบี้ยยังชีพคนชรา" in offered and "เบี้ยผู้สูงอายุ" not in offered


@pytest.mark.parametrize("path", ["/nothing-here", "/console-x", "/tip/receipt/extra",
                                  "/stats?year=1999"])
def test_unknown_address_is_a_thai_404(client, path):
    answer = client.get(path)
    html = answer.get_data(as_text=True)
    assert answer.status_code == 404 and answer.mimetype == "text/html"
    assert "ไม่พบหน้าที่ท่านต้องการ" in html and "Not Found" not in html
    assert answer.headers["X-Frame-Options"] == "DENY"


def test_wrong_method_is_a_thai_405(client):
    answer = client.delete("/tip")
    assert answer.status_code == 405
    assert "เปิดหน้านี้ด้วยวิธีนี้ไม่ได้" in answer.get_data(as_text=True)


def test_a_failure_is_a_thai_500_without_a_trace(app, services):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    def broken():
        raise RuntimeError("secret detail 0891234567")

    app.add_url_rule("/_test/broken", "broken", broken)
    answer = app.test_client().get("/_test/broken")
    html = answer.get_data(as_text=True)
    assert answer.status_code == 500
    assert "ขออภัย ระบบขัดข้องชั่วคราว" in html and services.org.phone in html
    assert "secret detail" not in html and "Traceback" not in html
    assert "Internal Server Error" not in html


def test_the_console_keeps_its_own_refusal_page(client):
    from tests.test_console_support import make_officer, sign_in

    services = client.application.extensions["tambon"]
    make_officer(services, "eng1", office="engineering")
    sign_in(client, "eng1")
    answer = client.get("/console/cases/NOPE-1234")
    assert answer.status_code == 404 and "ไม่พบหน้าที่ต้องการ" in answer.get_data(as_text=True)


def test_the_webhook_still_answers_its_caller_in_its_own_words(client):
    answer = client.post("/callback", data=b"{}", headers={"X-Line-Signature": "bad"})
    assert answer.status_code == 400 and answer.get_data(as_text=True) == "bad signature"
