"""Admins edit the service manual's entries in the console; the bot answers with the edit."""

from __future__ import annotations

import json

import pytest
import yaml
from sqlalchemy import select

from handlers.chat import inquiry
from handlers.manual.store import load_folder
from storage.models import ManualEntry
from tests.test_console_support import audit_rows, csrf_from, make_officer, sign_in

ENTRY = "elderly-allowance"
QUESTION = "ลงทะเบียนเบี้ยคนแก่เสียค่าธรรมเนียมไหมคะ"
NEW_FEE = "ค่าถ่ายเอกสาร 17 บาท (ทดสอบ)"


def _html(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def seeded(services, clock):
    """The manual in the database as on first start, then time moves on."""
    with services.sessions() as session, session.begin():
        load_folder(session, services.org.id, services.org.folder, clock())
    clock.advance(minutes=5)
    return services


@pytest.fixture
def admin(client, seeded, clock):
    _, seed = make_officer(seeded, "admin1", office="palad", roles=("admin",))
    assert sign_in(client, "admin1", seed=seed, clock=clock).status_code == 302
    return client


def _form(client, entry_id: str = ENTRY) -> tuple[str, str]:
    """(csrf token, the YAML in the textarea) of the edit page."""
    response = client.get(f"/console/admin/manual/{entry_id}")
    assert response.status_code == 200
    html = _html(response)
    start = html.index("<textarea")
    start = html.index(">", start) + 1
    source = html[start:html.index("</textarea>", start)]
    import html as html_module

    return csrf_from(html), html_module.unescape(source)


def _ask(make_context) -> str:
    with make_context() as ctx:
        messages = inquiry.answer_text(QUESTION, ctx)
    return json.dumps(messages, ensure_ascii=False)


def test_list_shows_entries_with_buddhist_era_dates(admin, clock):
    html = _html(admin.get("/console/admin/manual"))
    assert ENTRY in html and "เบี้ยยังชีพผู้สูงอายุ" in html
    assert f"/console/admin/manual/{ENTRY}" in html and "/console/admin/manual/new" in html
    assert str(clock().year + 543) in html


def test_admin_edits_the_fee_and_the_bot_answers_with_it(admin, make_context, services, clock):
    before = _ask(make_context)  # the index is built (and cached) from the database
    assert "ไม่มีค่าธรรมเนียม" in before and NEW_FEE not in before
    token, source = _form(admin)
    entry = yaml.safe_load(source)
    assert entry["id"] == ENTRY and entry["fee"] == "ไม่มีค่าธรรมเนียม"
    entry["fee"] = NEW_FEE
    clock.advance(minutes=1)
    response = admin.post(f"/console/admin/manual/{ENTRY}", data={
        "csrf_token": token, "content": yaml.safe_dump(entry, allow_unicode=True,
                                                       sort_keys=False)},
        follow_redirects=True)
    assert response.status_code == 200
    html = _html(response)
    assert "บันทึกแล้ว" in html and NEW_FEE in html
    with services.sessions() as session:
        row = session.get(ManualEntry, ENTRY)
        assert row.content["fee"] == NEW_FEE and row.updated_at == clock()
    after = _ask(make_context)
    assert NEW_FEE in after and "เบี้ยผู้สูงอายุ" in after
    # the audit record names the entry only, never its text
    [record] = audit_rows(services, "manual_edit")
    assert record.detail == ENTRY and record.actor.startswith("officer:")
    assert "บาท" not in record.detail


@pytest.mark.parametrize("roles", [("officer",), ("officer", "supervisor"), ("custodian",)])
def test_others_get_404_and_an_audit_record(client, seeded, clock, roles):
    _, seed = make_officer(seeded, "someone", office="welfare", roles=roles)
    sign_in(client, "someone", seed=seed, clock=clock)
    token = csrf_from(_html(client.get("/console/", follow_redirects=True)))
    for path in ("/console/admin/manual", f"/console/admin/manual/{ENTRY}"):
        response = client.get(path)
        assert response.status_code == 404 and "ไม่มีค่าธรรมเนียม" not in _html(response)
    response = client.post(f"/console/admin/manual/{ENTRY}",
                           data={"csrf_token": token, "content": "id: x"})
    assert response.status_code == 404
    assert len(audit_rows(seeded, "denied_access")) == 3
    assert audit_rows(seeded, "manual_edit") == []


def _unchanged(services) -> None:
    with services.sessions() as session:
        assert session.get(ManualEntry, ENTRY).content["fee"] == "ไม่มีค่าธรรมเนียม"
    assert audit_rows(services, "manual_edit") == []


def test_bad_yaml_is_400_with_thai_message_and_keeps_the_text(admin, services):
    token, source = _form(admin)
    typed = source.replace("fee: ไม่มีค่าธรรมเนียม", "fee: [ไม่ปิดวงเล็บ <b>")
    assert typed != source
    response = admin.post(f"/console/admin/manual/{ENTRY}",
                          data={"csrf_token": token, "content": typed})
    html = _html(response)
    assert response.status_code == 400
    assert "รูปแบบ YAML ไม่ถูกต้อง" in html
    assert "[ไม่ปิดวงเล็บ &lt;b&gt;" in html and "<b>" not in html  # kept, escaped
    _unchanged(services)


def test_schema_error_is_400_naming_the_field_and_keeps_the_text(admin, services):
    token, source = _form(admin)
    entry = yaml.safe_load(source)
    del entry["fee"]
    entry["short_title"] = "ชื่อสั้นที่ยาวเกินกว่ายี่สิบตัวอักษรแน่นอน"
    typed = yaml.safe_dump(entry, allow_unicode=True, sort_keys=False)
    response = admin.post(f"/console/admin/manual/{ENTRY}",
                          data={"csrf_token": token, "content": typed})
    html = _html(response)
    assert response.status_code == 400
    assert "เนื้อหายังไม่ครบหรือไม่ถูกต้อง" in html
    assert "field &#39;fee&#39;: missing" in html and "&#39;short_title&#39;" in html
    assert "ชื่อสั้นที่ยาวเกินกว่ายี่สิบตัวอักษรแน่นอน" in html
    _unchanged(services)


def test_the_id_must_match_the_address(admin, services):
    token, source = _form(admin)
    typed = source.replace(f"id: {ENTRY}", "id: disability-allowance")
    response = admin.post(f"/console/admin/manual/{ENTRY}",
                          data={"csrf_token": token, "content": typed})
    assert response.status_code == 400 and "disability-allowance" in _html(response)
    _unchanged(services)


def test_missing_csrf_is_refused(admin, services):
    _, source = _form(admin)
    response = admin.post(f"/console/admin/manual/{ENTRY}",
                          data={"content": source.replace("ไม่มีค่าธรรมเนียม", NEW_FEE)})
    assert response.status_code == 400
    response = admin.post(f"/console/admin/manual/{ENTRY}", data={
        "csrf_token": "forged", "content": source.replace("ไม่มีค่าธรรมเนียม", NEW_FEE)})
    assert response.status_code == 400
    _unchanged(services)


def test_new_entry_needs_a_new_slug_id(admin, services, clock, make_context):
    token, source = _form(admin)
    entry = yaml.safe_load(source)
    for bad, message in (("Bad Id", "ใช้ไม่ได้"), ("new", "ใช้ไม่ได้"),
                         ("disability-allowance", "มีอยู่แล้ว")):
        entry["id"] = bad
        response = admin.post("/console/admin/manual/new", data={
            "csrf_token": token, "content": yaml.safe_dump(entry, allow_unicode=True)})
        assert response.status_code == 400, bad
        assert message in _html(response) or "&#39;id&#39;" in _html(response)
    entry["id"] = "elderly-allowance-copy"
    response = admin.post("/console/admin/manual/new", data={
        "csrf_token": token, "content": yaml.safe_dump(entry, allow_unicode=True)})
    assert response.status_code == 303
    assert response.location.endswith("/console/admin/manual/elderly-allowance-copy?saved=1")
    with services.sessions() as session:
        ids = set(session.scalars(select(ManualEntry.id)))
    assert "elderly-allowance-copy" in ids and ENTRY in ids
    assert audit_rows(services, "manual_edit")[-1].detail == "elderly-allowance-copy"
    # the new entry is live: the twin entries make the bot offer both
    assert "manual:show:elderly-allowance-copy" in _ask(make_context)
