"""A complainant is never exposed by complaining: identity strings are nowhere in the
database or the logs, ciphertexts are bound to their rows, the identity opens only
through the audited door, and an anonymous case keeps nothing that leads to the user."""

from __future__ import annotations

import logging

import pytest
from linebot.v3.messaging import MessagingApi
from sqlalchemy import select

from handlers.cases import casework
from handlers.cases.filing import NewCase, file_case
from handlers.cases.identity import IdentityError, open_identity
from storage import case_vault
from storage.models import AuditRecord, Case, CaseEvent, CaseField
from storage.vault import VaultError
from tests.complaint_helpers import NAME, PHONE, STORY, case_by_code, file_complaint
from tests.plaintext import assert_nowhere_in_database


@pytest.fixture
def profile_calls(monkeypatch):
    """Any call to LINE's profile endpoint, recorded (there must be none)."""
    calls = []

    def record(*args, **kwargs):
        calls.append(args)
        raise AssertionError("the profile endpoint must not be called")

    for name in ("get_profile", "get_profile_with_http_info"):
        monkeypatch.setattr(MessagingApi, name, record)
    return calls


@pytest.mark.parametrize("mode", ["identified", "confidential", "anonymous"])
def test_identity_is_nowhere_in_the_database_or_the_logs(
        line_user, engine, database_url, caplog, profile_calls, mode, sessions, vault, org,
        clock):
    caplog.set_level(logging.DEBUG)
    receipt = file_complaint(line_user, "corruption", mode)
    # An officer works the case: the pushes open the LINE id through the audited door.
    with sessions() as session, session.begin():
        case = session.execute(select(Case).where(Case.code == receipt["code"])).scalar_one()
        casework.change_status(session, vault, org, case, "acknowledged", actor="officer:1",
                               now=clock())
    line_user.worker.run_until_idle()
    needles = [line_user.user_id, NAME, PHONE, PHONE.replace("-", "")]
    engine.dispose()  # let SQLite settle its WAL so we read what is really on disk
    assert_nowhere_in_database(engine, database_url, needles)
    logged = caplog.text
    for needle in [*needles, STORY["corruption"][:30]]:
        assert needle not in logged
    assert receipt["code"] in logged  # logs name cases by code
    assert profile_calls == []


def test_anonymous_case_keeps_nothing_that_leads_to_the_user(
        line_user, engine, database_url, sessions, vault, profile_calls):
    receipt = file_complaint(line_user, "corruption", "anonymous")
    case = case_by_code(sessions, receipt["code"])
    assert case.user_key is None
    user_key = vault.blind_index(line_user.user_id, "line-user")
    engine.dispose()
    assert_nowhere_in_database(engine, database_url, [line_user.user_id, user_key])
    assert profile_calls == []


def test_anonymous_complainant_finds_no_case_of_theirs(line_user):
    file_complaint(line_user, "grievance", "anonymous")
    answer = " ".join(m.get("text", "") for m in line_user.say("ติดตามเรื่อง"))
    assert "ไม่พบเรื่อง" in answer


def _two_cases(sessions, vault, org, clock):
    codes = []
    with sessions() as session, session.begin():
        for who in ("ก", "ข"):
            filed = file_case(session, vault, org, NewCase(
                kind="grievance", identity_mode="confidential", channel="line",
                description=f"ไฟถนนดับ หมู่ 3 ({who})", name=f"{NAME} {who}", phone=PHONE,
                line_user_id="U" + "f" * 32), clock())
            casework.public_reply(session, vault, org, filed.case, f"ตอบ {who}",
                                  actor="officer:1", now=clock())
            codes.append(filed.code)
    return codes


def test_a_ciphertext_copied_to_another_row_does_not_open(sessions, vault, org, clock):
    a, b = _two_cases(sessions, vault, org, clock)
    with sessions() as session, session.begin():
        case_a = session.execute(select(Case).where(Case.code == a)).scalar_one()
        case_b = session.execute(select(Case).where(Case.code == b)).scalar_one()
        field_a = session.get(CaseField, (case_a.id, "name"))
        field_b = session.get(CaseField, (case_b.id, "name"))
        field_b.ciphertext = field_a.ciphertext
        # and into another column of the same case
        session.get(CaseField, (case_a.id, "phone")).ciphertext = field_a.ciphertext
        event_a = session.execute(select(CaseEvent).where(
            CaseEvent.case_id == case_a.id, CaseEvent.sealed_body.is_not(None))).scalar_one()
        event_b = session.execute(select(CaseEvent).where(
            CaseEvent.case_id == case_b.id, CaseEvent.sealed_body.is_not(None))).scalar_one()
        event_b.sealed_body = event_a.sealed_body
    with sessions() as session:
        case_a = session.execute(select(Case).where(Case.code == a)).scalar_one()
        case_b = session.execute(select(Case).where(Case.code == b)).scalar_one()
        key_a = case_vault.case_key(vault, case_a)
        key_b = case_vault.case_key(vault, case_b)
        assert case_vault.read_field(vault, key_a, case_a, "name").endswith("ก")
        with pytest.raises(VaultError):
            case_vault.read_field(vault, key_b, case_b, "name")
        with pytest.raises(VaultError):
            case_vault.read_field(vault, key_a, case_a, "phone")
        with pytest.raises(VaultError):
            casework.timeline(session, vault, case_b, include_internal=True)
        # the same data key under another case's wrapped key does not unwrap either
        case_b.wrapped_key = case_a.wrapped_key
        with pytest.raises(VaultError):
            case_vault.case_key(vault, case_b)


def test_identity_opens_only_with_a_reason_and_an_audit_record(sessions, vault, org, clock):
    a, _ = _two_cases(sessions, vault, org, clock)
    with sessions() as session, session.begin():
        case = session.execute(select(Case).where(Case.code == a)).scalar_one()
        with pytest.raises(IdentityError):
            open_identity(session, vault, case, actor="officer:9", reason="  ", now=clock())
        with pytest.raises(IdentityError):
            open_identity(session, vault, case, actor="officer:9", reason="x", now=clock(),
                          fields=("description",))
        before = session.execute(select(AuditRecord).where(
            AuditRecord.action == "identity_open")).scalars().all()
        found = open_identity(session, vault, case, actor="officer:9",
                              reason="คำขอที่ 4 อนุมัติโดยผู้ดูแลข้อมูล", now=clock())
        assert found == {"name": f"{NAME} ก", "phone": PHONE}
        records = session.execute(select(AuditRecord).where(
            AuditRecord.action == "identity_open")).scalars().all()
        assert len(records) == len(before) + 1
        record = records[-1]
        assert (record.actor, record.case_code) == ("officer:9", a)
        assert "คำขอที่ 4" in record.detail and NAME not in record.detail


def test_content_reading_never_returns_identity(sessions, vault, org, clock):
    a, _ = _two_cases(sessions, vault, org, clock)
    with sessions() as session:
        case = session.execute(select(Case).where(Case.code == a)).scalar_one()
        content = casework.read_content(session, vault, case)
    assert NAME not in str(content) and PHONE not in str(content)


def test_anonymous_identity_is_empty_and_still_audited(sessions, vault, org, clock):
    with sessions() as session, session.begin():
        filed = file_case(session, vault, org, NewCase(
            kind="corruption", identity_mode="anonymous", channel="line",
            description="มีการฮั้วประมูลโครงการถนน", name=NAME, phone=PHONE,
            line_user_id="U" + "e" * 32), clock())
        assert open_identity(session, vault, filed.case, actor="officer:2",
                             reason="ตรวจสอบ", now=clock()) == {}
        assert filed.case.user_key is None
        assert not {f.field for f in filed.case.fields} & {"name", "phone", "line_user_id"}


def test_new_case_repr_shows_no_identity():
    new = NewCase(kind="grievance", identity_mode="identified", channel="line",
                  description="ไฟดับ", name=NAME, phone=PHONE, line_user_id="U123")
    assert NAME not in repr(new) and PHONE not in repr(new) and "U123" not in repr(new)
