"""file_case: what the LINE flow, the web tip form and a passed-on question all call."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from handlers.cases import codes
from handlers.cases.deadlines import add_working_days
from handlers.cases.evidence import MAX_FILES, EvidenceFile, EvidenceRefused
from handlers.cases.filing import NewCase, file_case
from storage import case_vault
from storage.models import AuditRecord, Case, CaseEvent, Evidence
from storage.vault import verify_case_secret
from tests.complaint_helpers import jpeg_with_gps


def _new(**overrides):
    values = dict(kind="grievance", identity_mode="anonymous", channel="web",
                  description="ไฟถนนดับหน้าบ้าน หมู่ 3 มาสามคืน")
    values.update(overrides)
    return NewCase(**values)


def test_web_anonymous_tip_gets_a_code_and_a_16_digit_secret(sessions, vault, org, clock):
    with sessions() as session, session.begin():
        filed = file_case(session, vault, org, _new(), clock())
        assert re.fullmatch(r"[A-Z]+-[2-9A-Z]{4}-[2-9A-Z]{4}", filed.code)
        assert re.fullmatch(r"\d{16}", filed.secret)
        case = filed.case
        assert case.secret_hash.startswith("$argon2id$v=19$m=65536,t=3,p=1$")
        assert verify_case_secret(filed.secret, case.secret_hash)
        assert filed.secret not in case.secret_hash
        assert (case.channel, case.identity_mode, case.user_key) == ("web", "anonymous", None)
        assert filed.office_id == "engineering" and filed.office_name
        assert case.status == "received"
        events = session.execute(select(CaseEvent).where(CaseEvent.case_id == case.id)).all()
        assert len(events) == 1


def test_identified_case_has_no_secret_and_keeps_the_blind_index(sessions, vault, org, clock):
    with sessions() as session, session.begin():
        filed = file_case(session, vault, org, _new(
            identity_mode="identified", channel="line", name="สมหญิง", phone="089-111-2222",
            line_user_id="U" + "a" * 32), clock())
        assert filed.secret is None and filed.case.secret_hash is None
        assert filed.case.user_key == vault.blind_index("U" + "a" * 32, "line-user")


def test_anonymous_drops_any_identity_given(sessions, vault, org, clock):
    with sessions() as session, session.begin():
        filed = file_case(session, vault, org, _new(
            channel="line", name="สมหญิง", phone="089-111-2222", address="บ้านเลขที่ 9",
            line_user_id="U" + "b" * 32), clock())
        assert {f.field for f in filed.case.fields} == {"description"}
        assert filed.case.user_key is None


def test_passed_on_question_is_an_inquiry_with_a_short_target(sessions, vault, org, clock):
    with sessions() as session, session.begin():
        filed = file_case(session, vault, org, _new(
            kind="inquiry", description="", question="ขอถังขยะเพิ่มต้องทำอย่างไร",
            identity_mode="identified", channel="line", name="ผู้ถาม",
            line_user_id="U" + "d" * 32), clock())
        assert filed.case.kind == "inquiry"
        assert filed.target_days == 3
        key = case_vault.case_key(vault, filed.case)
        assert case_vault.read_field(vault, key, filed.case, "question").startswith("ขอถังขยะ")


def test_an_implicated_office_never_gets_the_case(sessions, vault, org, clock):
    with sessions() as session, session.begin():
        filed = file_case(session, vault, org, _new(
            kind="corruption", description="ผอ.กองคลังเรียกรับเงินใต้โต๊ะจากผู้รับเหมา"), clock())
        assert "finance" in filed.case.implicated
        assert filed.office_id != "finance"
        assert filed.case.routing_reasons


def test_an_accused_executive_sends_the_case_outside(sessions, vault, org, clock):
    with sessions() as session, session.begin():
        filed = file_case(session, vault, org, _new(
            kind="corruption", description="นายกเรียกรับเงินจากผู้รับเหมาโครงการถนน"), clock())
        assert filed.office_id == "oversight" and filed.outside_bodies


def test_deadlines_count_working_days_and_seven_day_updates(sessions, vault, org):
    friday = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)  # 10:00 in Bangkok, a Friday
    assert add_working_days(friday, 1).weekday() == 0  # Monday
    assert add_working_days(friday, 5).date() == datetime(2026, 12, 4).date()
    with sessions() as session, session.begin():
        filed = file_case(session, vault, org, _new(), friday)
        assert filed.due_at == add_working_days(friday, 15)
        assert (filed.case.update_due_at - friday).days == 7


def test_nothing_is_kept_when_the_callers_transaction_rolls_back(sessions, vault, org, clock):
    with sessions() as session:
        session.begin()
        file_case(session, vault, org, _new(), clock())
        session.rollback()
    with sessions() as session:
        assert session.execute(select(Case)).first() is None
        assert session.execute(select(AuditRecord)).first() is None


@pytest.mark.parametrize("bad", [
    {"kind": "gossip"}, {"identity_mode": "secret"}, {"channel": "fax"},
    {"description": "   "}, {"identity_mode": "identified", "name": None},
])
def test_invalid_requests_are_refused(sessions, vault, org, clock, bad):
    with sessions() as session, session.begin():
        with pytest.raises(ValueError):
            file_case(session, vault, org, _new(**bad), clock())


def test_evidence_is_sealed_and_limited(sessions, vault, org, clock):
    picture = jpeg_with_gps()
    with sessions() as session, session.begin():
        filed = file_case(session, vault, org, _new(
            evidence=[EvidenceFile(picture, "image/jpeg", "บ้านสมชาย.jpg")]), clock())
        [row] = session.execute(select(Evidence).where(
            Evidence.case_id == filed.case.id)).scalars().all()
        assert picture not in row.sealed_original
        with pytest.raises(EvidenceRefused):
            file_case(session, vault, org, _new(
                evidence=[EvidenceFile(picture, "image/jpeg")] * (MAX_FILES + 1)), clock())


def test_filing_is_audited_without_identity_or_text(sessions, vault, org, clock):
    with sessions() as session, session.begin():
        filed = file_case(session, vault, org, _new(identity_mode="confidential",
                                                    name="สมศรี มีสุข"), clock())
        record = session.execute(select(AuditRecord).where(
            AuditRecord.case_code == filed.code)).scalar_one()
        assert record.action == "case_filed" and record.actor == "citizen"
        assert "สมศรี" not in record.detail and "ไฟถนน" not in record.detail


def test_case_codes_are_random_unambiguous_and_parse_back(sessions, org):
    with sessions() as session:
        made = {codes.new_code(session, org) for _ in range(200)}
    assert len(made) == 200
    for code in made:
        assert not set(code.split("-", 1)[1].replace("-", "")) & set("01ILOUV")
        assert codes.normalize(code.lower().replace("-", " ")) == code
    assert codes.normalize("รหัส tp-7k3m-9qx2 ค่ะ") == "TP-7K3M-9QX2"
    assert codes.normalize("TP-7K3M-9QX0") is None  # 0 is not in the alphabet
