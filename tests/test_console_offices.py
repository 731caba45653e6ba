"""Admins edit the offices in the console; routing in every process uses the edit."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from bot.app import create_app
from handlers import stamped_cache
from handlers.routing import edits
from handlers.routing.edits import router_for
from handlers.stamped_cache import cache_key
from storage.models import OfficeEdit
from tests.test_console_support import (
    audit_rows,
    case_of,
    csrf_from,
    file,
    make_officer,
    sign_in,
)

NEW_WORD = "หอนาฬิกา"
COMPLAINT = "หอนาฬิกากลางหมู่บ้านเดินไม่ตรงมาหลายเดือนแล้ว"

def _html(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def admin(client, services, clock):
    _, seed = make_officer(services, "admin1", office="palad", roles=("admin",))
    assert sign_in(client, "admin1", seed=seed, clock=clock).status_code == 302
    return client


class _FormReader(HTMLParser):
    """The named inputs and textareas of a page, with their values."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.fields: dict[str, str] = {}
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("name"):
            self.fields[attrs["name"]] = attrs.get("value") or ""
        elif tag == "textarea":
            self._textarea = attrs.get("name")
            self.fields[self._textarea] = ""

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None


def _form(client, office_id: str) -> dict[str, str]:
    """The form of the office's page, as a browser would send it back (with its token)."""
    reader = _FormReader()
    reader.feed(_html(client.get(f"/console/admin/offices/{office_id}")))
    return reader.fields


def _save(client, office_id: str, **changes):
    form = _form(client, office_id)
    form.update(changes)
    return client.post(f"/console/admin/offices/{office_id}", data=form)


def test_the_list_shows_every_office_and_links_to_its_form(admin):
    html = _html(admin.get("/console/admin/offices"))
    for office_id, name in (("engineering", "กองช่าง"), ("welfare", "กองสวัสดิการสังคม"),
                            ("oversight", "หน่วยงานกำกับดูแลภายนอก")):
        assert f"/console/admin/offices/{office_id}" in html and name in html
    assert "/console/admin/offices/new" not in html  # ids are fixed: no adding


def test_a_new_subject_routes_new_complaints_to_that_office(admin, services, clock):
    assert case_of(services, file(services, description=COMPLAINT)).office_id == "palad"
    form = _form(admin, "engineering")
    assert "ถนนลูกรัง" in form["subjects"] and form["days_grievance"] == "15"
    response = _save(admin, "engineering", subjects=form["subjects"] + "\n" + NEW_WORD,
                     days_grievance="10")
    assert response.status_code == 303
    page = _html(admin.get(response.location))
    assert "บันทึกแล้ว" in page and NEW_WORD in page
    code = file(services, description=COMPLAINT)
    case = case_of(services, code)
    assert case.office_id == "engineering"
    assert any(NEW_WORD in reason for reason in case.routing_reasons)
    [record] = audit_rows(services, "office_edit")
    assert record.detail == "engineering changed=target_days,subjects"
    assert record.actor.startswith("officer:")


def test_a_question_handed_to_officers_routes_by_the_edit_too(admin, services):
    _save(admin, "engineering", subjects=_form(admin, "engineering")["subjects"]
          + "\n" + NEW_WORD)
    code = file(services, kind="inquiry", identity_mode="confidential", description="",
                question=f"{NEW_WORD}หมู่ 4 ใครดูแลคะ")
    assert case_of(services, code).office_id == "engineering"


def test_another_process_sees_the_edit_within_seconds(services, monkeypatch):
    """A worker that routed before the save keeps its router for at most 2 s, then reads
    the database again (the save happened in another process: nothing told this one)."""
    with services.sessions() as session:
        before = router_for(session, services.org)
        assert before.route(COMPLAINT).office == "palad"
    seed = before.offices["welfare"]
    values = edits.fields_of(seed)
    values["subjects"] = [*values["subjects"], NEW_WORD]
    with services.sessions() as session, session.begin():
        assert edits.save_edit(session, services.org, "welfare", values,
                               services.clock()) == ["subjects"]
    # as if in another process, which routed just before the save: it still holds the old
    # router, checked a moment ago
    with services.sessions() as session:
        key = cache_key(session, services.org.id)
    edits._ROUTERS._checked_at[key] = stamped_cache.time.monotonic()
    assert edits._ROUTERS.cached(key).offices is before.offices  # (router_for: a copy
    # asking the service's manual index, sharing the cached router's offices)
    with services.sessions() as session:
        assert router_for(session, services.org).route(COMPLAINT).office == "palad"
    later = stamped_cache.time.monotonic() + edits._ROUTERS.every + 0.1
    monkeypatch.setattr(stamped_cache.time, "monotonic", lambda: later)
    with services.sessions() as session:
        assert router_for(session, services.org).route(COMPLAINT).office == "welfare"


def test_the_worker_routes_a_line_complaint_with_the_edit(admin, services, line_user):
    from tests.complaint_helpers import file_complaint

    _save(admin, "welfare", subjects=_form(admin, "welfare")["subjects"] + "\n" + NEW_WORD)
    receipt = file_complaint(line_user, "grievance", "identified", story=COMPLAINT)
    assert case_of(services, receipt["code"]).office_id == "welfare"


def test_the_edit_survives_a_restart(admin, services, clock):
    _save(admin, "finance", name="กองคลัง (ทดสอบ)", phone="044-111-222",
          place="ชั้น 3", days_corruption="20")
    edits._ROUTERS.clear()  # a new process: nothing cached
    fresh = create_app(services).test_client()
    _, seed = make_officer(services, "admin2", office="palad", roles=("admin",))
    clock.advance(minutes=1)
    assert sign_in(fresh, "admin2", seed=seed, clock=clock).status_code == 302
    form = _form(fresh, "finance")
    assert form["name"] == "กองคลัง (ทดสอบ)" and form["phone"] == "044-111-222"
    assert form["place"] == "ชั้น 3" and form["days_corruption"] == "20"
    assert "กองคลัง (ทดสอบ)" in _html(fresh.get("/console/admin/offices"))
    with services.sessions() as session:
        office = router_for(session, services.org).offices["finance"]
        row = session.get(OfficeEdit, (services.org.id, "finance"))
    assert office.target_days["corruption"] == 20 and office.contact["place"] == "ชั้น 3"
    # only what differs from offices.yaml is kept
    assert set(row.changes) == {"name", "contact", "target_days"}


def test_putting_the_file_value_back_keeps_no_difference(admin, services):
    original = _form(admin, "health")["head_title"]
    _save(admin, "health", head_title="หัวหน้ากอง (ชั่วคราว)")
    _save(admin, "health", head_title=original)
    with services.sessions() as session:
        row = session.get(OfficeEdit, (services.org.id, "health"))
        assert row.changes == {} and row.version == 2
    details = [r.detail for r in audit_rows(services, "office_edit")]
    assert details == ["health changed=head_title", "health changed=head_title"]


@pytest.mark.parametrize("roles", [("officer",), ("officer", "supervisor"), ("custodian",)])
def test_others_get_404_and_an_audit_record(client, services, clock, roles):
    _, seed = make_officer(services, "someone", office="welfare", roles=roles)
    sign_in(client, "someone", seed=seed, clock=clock)
    token = csrf_from(_html(client.get("/console/", follow_redirects=True)))
    for path in ("/console/admin/offices", "/console/admin/offices/engineering"):
        response = client.get(path)
        assert response.status_code == 404 and "ถนนลูกรัง" not in _html(response)
    response = client.post("/console/admin/offices/engineering",
                           data={"csrf_token": token, "name": "ยึดแล้ว", "subjects": "x"})
    assert response.status_code == 404
    assert len(audit_rows(services, "denied_access")) == 3
    assert audit_rows(services, "office_edit") == []
    with services.sessions() as session:
        assert session.get(OfficeEdit, (services.org.id, "engineering")) is None


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get("/console/admin/offices")
    assert response.status_code == 302 and response.location.endswith("/console/login")


def test_a_save_needs_the_csrf_token(admin, services):
    form = _form(admin, "engineering")
    form["name"] = "กองช่าง (ปลอม)"
    for token in (None, "forged"):
        data = dict(form)
        if token is None:
            del data["csrf_token"]
        else:
            data["csrf_token"] = token
        assert admin.post("/console/admin/offices/engineering", data=data).status_code == 400
    with services.sessions() as session:
        assert session.get(OfficeEdit, (services.org.id, "engineering")) is None


def test_unknown_office_is_404(admin):
    assert admin.get("/console/admin/offices/nowhere").status_code == 404


def _unchanged(services) -> None:
    with services.sessions() as session:
        assert session.query(OfficeEdit).count() == 0
    assert audit_rows(services, "office_edit") == []


def test_bad_input_is_400_in_thai_keeping_what_was_typed(admin, services):
    typed_subjects = _form(admin, "engineering")["subjects"] + "\nคำใหม่ <b>ตัวหนา</b>"
    response = _save(admin, "engineering", name="  ", days_inquiry="สามวัน",
                     days_suggestion="0", phone="", place="", subjects=typed_subjects,
                     head_title="ผู้อำนวยการกองช่าง (ใหม่)", people="นายช่าง\n!!!")
    html = _html(response)
    assert response.status_code == 400
    assert "ยังไม่ได้บันทึก" in html and "กรุณากรอกช่องนี้" in html
    assert "กรุณากรอกจำนวนวันทำการเป็นตัวเลข 1 ถึง 365" in html
    assert "กรุณากรอกโทรศัพท์หรือสถานที่ติดต่ออย่างน้อยหนึ่งอย่าง" in html
    assert "“!!!” ไม่มีตัวอักษรหรือตัวเลข" in html
    # what was typed is on the page again, escaped
    assert 'value="สามวัน"' in html and 'value="ผู้อำนวยการกองช่าง (ใหม่)"' in html
    assert "คำใหม่ &lt;b&gt;ตัวหนา&lt;/b&gt;" in html and "<b>ตัวหนา" not in html
    assert "ถนนลูกรัง" in html
    _unchanged(services)


def test_a_word_another_office_has_is_refused_naming_that_office(admin, services):
    form = _form(admin, "engineering")
    response = _save(admin, "engineering", subjects=form["subjects"] + "\nเบี้ยยังชีพ")
    html = _html(response)
    assert response.status_code == 400
    assert "คำว่า “เบี้ยยังชีพ” เป็นคำของกองสวัสดิการสังคมอยู่แล้ว" in html
    assert 'id="error-subjects"' in html and "ถนนลูกรัง" in html
    # an executive's title cannot be an office's own people
    response = _save(admin, "engineering", people=form["people"] + "\nนายก อบต.")
    assert response.status_code == 400
    assert "เป็นตำแหน่งผู้บริหาร" in _html(response)
    _unchanged(services)


def test_the_audit_record_holds_no_text_that_was_typed(admin, services):
    _save(admin, "education", name="กองการศึกษา ฯ ชื่อใหม่",
          description="คำอธิบายใหม่ที่ไม่ควรอยู่ในบันทึก", place="อาคารใหม่",
          subjects=_form(admin, "education")["subjects"] + "\nคำลับเฉพาะ")
    [record] = audit_rows(services, "office_edit")
    assert record.detail == "education changed=name,description,contact,subjects"
    assert re.fullmatch(r"[a-z_]+ changed=[a-z_,]+", record.detail)


def test_a_manual_answer_names_the_office_as_edited(admin, line_user):
    from tests.line_helpers import texts_of

    _save(admin, "welfare", name="กองสวัสดิการสังคม (ชื่อใหม่)")
    answer = texts_of(line_user.say("อยากลงทะเบียนเบี้ยยังชีพคนแก่ค่ะ"))  # the card
    assert "กองสวัสดิการสังคม (ชื่อใหม่)" in answer
    where = texts_of(line_user.say("ลงทะเบียนเบี้ยคนแก่ที่ไหนคะ"))  # where: the office first
    assert "กองสวัสดิการสังคม (ชื่อใหม่)" in where
    contact = texts_of(line_user.tap("manual:contact:elderly-allowance"))
    assert "กองสวัสดิการสังคม (ชื่อใหม่)" in contact


def test_tambon_route_from_db_routes_with_the_edit_like_the_service(services, settings,
                                                                    monkeypatch):
    import json

    from click.testing import CliRunner

    from bot.commands.route import route

    seed = edits.load_router(services.org.folder).offices["welfare"]
    values = edits.fields_of(seed)
    values["subjects"] = [*values["subjects"], NEW_WORD]
    with services.sessions() as session, session.begin():
        edits.save_edit(session, services.org, "welfare", values, services.clock())
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    runner = CliRunner()
    files = runner.invoke(route, ["--json", COMPLAINT])
    edited = runner.invoke(route, ["--json", "--from-db", COMPLAINT])
    assert files.exit_code == 0 and edited.exit_code == 0, (files.output, edited.output)
    assert json.loads(files.output)["office"] == "palad"  # the files know no such word
    assert json.loads(edited.output)["office"] == "welfare"
