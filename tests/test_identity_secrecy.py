"""A complainant is never exposed by complaining: identity strings are nowhere in the
database or the logs, ciphertexts are bound to their rows, the identity opens only
through the audited door, and an anonymous case keeps nothing that leads to the user."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest
from linebot.v3.messaging import MessagingApi
from sqlalchemy import select

from handlers.cases import casework
from handlers.cases.filing import NewCase, file_case
from handlers.cases.identity import IdentityError, complainant_line_id, open_identity
from storage import audit, case_vault
from storage.models import AuditRecord, Case, CaseEvent, CaseField, Officer
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
    # Logs name cases by code, but never an anonymous one: every log line carries an
    # exact time, which would join the case to its event (issue 15).
    assert (receipt["code"] in logged) == (mode != "anonymous")
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
        assert _open(session, vault, case_a, "name")["name"].endswith("ก")
        with pytest.raises(VaultError):
            _open(session, vault, case_b, "name")
        with pytest.raises(VaultError):
            _open(session, vault, case_a, "phone")
        with pytest.raises(VaultError):
            casework.timeline(session, vault, case_b, include_internal=True)
        # the same data key under another case's wrapped key does not unwrap either
        case_b.wrapped_key = case_a.wrapped_key
        with pytest.raises(VaultError):
            case_vault.case_key(vault, case_b)


def _open(session, vault, case, *fields):
    """The vault's door, with the audit record it wants (as identity.py writes it)."""
    opening = audit.append(session, actor="officer:9", action="identity_open",
                           now=case.created_at, case_code=case.code,
                           detail=f"fields={','.join(fields)}; reason=test")
    return case_vault.open_identity_fields(vault, case_vault.case_key(vault, case), case,
                                           fields, opening)


def _officer(session, office: str, roles: str = "officer") -> Officer:
    officer = Officer(username=f"o-{office}-{roles}", display_name="x", office_id=office,
                      roles=roles, password_hash="-", active=True, created_at=datetime.now(UTC))
    session.add(officer)
    session.flush()
    return officer


def test_the_vault_opens_identity_fields_only_with_the_audit_record_of_the_opening(
        sessions, vault, org, clock):
    a, b = _two_cases(sessions, vault, org, clock)
    with sessions() as session, session.begin():
        case = session.execute(select(Case).where(Case.code == a)).scalar_one()
        other = session.execute(select(Case).where(Case.code == b)).scalar_one()
        key = case_vault.case_key(vault, case)
        for name in ("name", "phone", "line_user_id"):
            with pytest.raises(case_vault.IdentityFieldRefused):
                case_vault.read_field(vault, key, case, name)
        unsaved = AuditRecord(action="identity_open", case_code=case.code,
                              detail="fields=name; reason=x", seq=99)
        of_other = audit.append(session, actor="officer:9", action="identity_open",
                                now=clock(), case_code=other.code, detail="fields=name; r=x")
        not_named = audit.append(session, actor="officer:9", action="identity_open",
                                 now=clock(), case_code=case.code, detail="fields=phone; r=x")
        a_view = audit.append(session, actor="officer:9", action="view_case", now=clock(),
                              case_code=case.code, detail="fields=name")
        for record in (None, unsaved, of_other, not_named, a_view):
            with pytest.raises(case_vault.IdentityFieldRefused):
                case_vault.open_identity_fields(vault, key, case, ("name",), record)
        assert case_vault.read_field(vault, key, case, "description").startswith("ไฟถนนดับ")


def test_identity_opens_to_an_approved_officer_with_an_audit_record(sessions, vault, org,
                                                                    clock):
    a, _ = _two_cases(sessions, vault, org, clock)
    with sessions() as session, session.begin():
        case = session.execute(select(Case).where(Case.code == a)).scalar_one()
        officer = _officer(session, case.office_id)
        with pytest.raises(IdentityError, match="no_approval"):
            open_identity(session, vault, officer, case, clock())
        outsider = _officer(session, "no-such-office")
        with pytest.raises(IdentityError, match="case_other_office"):
            open_identity(session, vault, outsider, case, clock())
        case.identity_mode = "identified"  # an identified case opens to its own office
        found = open_identity(session, vault, officer, case, clock())
        assert found == {"name": f"{NAME} ก", "phone": PHONE}
        record = session.execute(select(AuditRecord).where(
            AuditRecord.action == "identity_open").order_by(AuditRecord.seq.desc())
        ).scalars().first()
        assert (record.actor, record.case_code) == (f"officer:{officer.id}", a)
        assert "fields=name,phone" in record.detail and NAME not in record.detail
        assert complainant_line_id(session, vault, case, "แจ้งความคืบหน้า", clock()) == (
            "U" + "f" * 32)
        push = session.execute(select(AuditRecord).order_by(AuditRecord.seq.desc())
                               ).scalars().first()
        assert (push.actor, push.action) == ("system", "complainant_push")


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
        officer = _officer(session, filed.case.office_id)
        assert open_identity(session, vault, officer, filed.case, clock()) == {}
        assert filed.case.user_key is None
        assert not {f.field for f in filed.case.fields} & {"name", "phone", "line_user_id"}


def test_new_case_repr_shows_no_identity():
    new = NewCase(kind="grievance", identity_mode="identified", channel="line",
                  description="ไฟดับ", name=NAME, phone=PHONE, line_user_id="U123")
    assert NAME not in repr(new) and PHONE not in repr(new) and "U123" not in repr(new)
