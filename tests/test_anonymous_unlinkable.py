"""An anonymous case cannot be joined to the event, the request or the log line that filed it.

The test walks every table the models declare (`Base.metadata`, not a hand-kept list), so
a table added later is checked too. It fails when
- a row about the case (the case, or any row naming its id or code) holds a time finer
  than the hour;
- any row still holds the filing event's id, or a time within the same second as the
  filing;
- a log line names the anonymous case's code (every log line carries an exact time).
"""

from __future__ import annotations

import io
import logging
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from storage.db import Base
from storage.models import Case, CaseEvent
from tests.complaint_helpers import file_complaint, jpeg_with_gps
from tests.public_helpers import receipt_of, submit_tip

# A moment well inside an hour, so rounding to the hour always changes it.
START = datetime(2026, 3, 10, 9, 41, 27, 123456, tzinfo=UTC)


def _times(value) -> list[datetime]:
    return [value] if isinstance(value, datetime) else []


def _rows(session):
    """(table name, row mapping) for every row of every table."""
    for table in Base.metadata.sorted_tables:
        for row in session.execute(select(table)).mappings():
            yield table, dict(row)


def _about_case(table, row: dict, case: Case) -> bool:
    if table.name == "cases":
        return row["id"] == case.id
    for column in table.columns:
        if column.name == "case_code" and row.get("case_code") == case.code:
            return True
        if any(fk.column.table.name == "cases" for fk in column.foreign_keys) \
                and row.get(column.name) == case.id:
            return True
    return False


def _same_second(a: datetime, b: datetime) -> bool:
    return abs((a - b).total_seconds()) < 1


def assert_unlinkable(sessions, case_code: str, filed_at: datetime, event_ids: list[str],
                      log_text: str) -> None:
    with sessions() as session:
        case = session.execute(select(Case).where(Case.code == case_code)).scalar_one()
        assert case.identity_mode == "anonymous"
        about = 0
        for table, row in _rows(session):
            values = list(row.values())
            for value in values:
                for event_id in event_ids:
                    assert not (isinstance(value, str) and event_id in value), (
                        f"{table.name} still holds the filing event's id")
            stamps = [t for v in values for t in _times(v)]
            if _about_case(table, row, case):
                about += 1
                for stamp in stamps:
                    assert (stamp.minute, stamp.second, stamp.microsecond) == (0, 0, 0), (
                        f"{table.name}: {stamp} is finer than the hour")
            for stamp in stamps:
                assert not _same_second(stamp, filed_at), (
                    f"{table.name}: {stamp} dates the filing to the second")
        assert about >= 3  # the case, its timeline and its audit record were all looked at
    assert case_code not in log_text, "a log line names the anonymous case"


@pytest.fixture
def slow_clock(clock):
    clock.now = START
    return clock


def test_an_anonymous_line_case_cannot_be_joined_to_its_event_outbox_or_log(
        line_user, sessions, slow_clock, caplog, monkeypatch):
    caplog.set_level(logging.DEBUG)
    posted: list[dict] = []
    send = line_user.send_event

    def send_later(event):  # each message a little after the one before, as people type
        slow_clock.advance(seconds=7, microseconds=130)
        event["timestamp"] = int(slow_clock().timestamp() * 1000)
        posted.append(event)
        return send(event)

    monkeypatch.setattr(line_user, "send_event", send_later)
    receipt = file_complaint(line_user, "corruption", "anonymous")
    assert receipt["code"] and receipt["secret"]
    filing = posted[-1]
    filed_at = datetime.fromtimestamp(filing["timestamp"] / 1000, UTC)
    # The receipt reached the citizen, and the evidence of delivery is gone with it.
    assert "รหัสเรื่อง" in receipt["texts"]
    assert_unlinkable(sessions, receipt["code"], filed_at, [filing["webhookEventId"]],
                      caplog.text)


def test_an_anonymous_web_tip_is_dated_to_the_hour_only(client, sessions, slow_clock, caplog):
    caplog.set_level(logging.DEBUG)
    slow_clock.advance(minutes=3)
    answer = submit_tip(client, files=[(jpeg_with_gps(), "photo.jpg")])
    code, _secret = receipt_of(client, answer)
    assert_unlinkable(sessions, code, slow_clock(), [], caplog.text)


def test_a_later_addition_by_the_anonymous_complainant_is_dated_to_the_hour(
        client, sessions, slow_clock, caplog):
    from tests.public_helpers import csrf_of

    caplog.set_level(logging.DEBUG)
    code, secret = receipt_of(client, submit_tip(client))
    slow_clock.advance(minutes=30, seconds=11)
    page = client.get("/track")
    form = {"csrf_token": csrf_of(page.get_data(as_text=True)), "code": code,
            "secret": secret}
    shown = client.post("/track", data=form)
    assert shown.status_code == 200
    add = {"csrf_token": csrf_of(shown.get_data(as_text=True)), "code": code,
           "secret": secret, "info": "เพิ่มเติม: เห็นอีกครั้งเมื่อวาน",
           "files": [(io.BytesIO(jpeg_with_gps()), "more.jpg")]}
    added = client.post("/track/add", data=add, content_type="multipart/form-data")
    assert added.status_code == 200, added.get_data(as_text=True)[-500:]
    with sessions() as session:
        kinds = session.execute(select(CaseEvent.kind).join(Case)
                                .where(Case.code == code)).scalars().all()
        assert "citizen_info" in kinds and "evidence" in kinds
    assert_unlinkable(sessions, code, slow_clock(), [], caplog.text)


def test_the_check_finds_an_exact_time(sessions, slow_clock, line_user, caplog):
    """The checker itself: a case dated to the second is caught."""
    receipt = file_complaint(line_user, "grievance", "anonymous")
    with sessions() as session, session.begin():
        case = session.execute(select(Case).where(Case.code == receipt["code"])).scalar_one()
        case.updated_at = START + timedelta(seconds=5)
    with pytest.raises(AssertionError, match="finer than the hour"):
        assert_unlinkable(sessions, receipt["code"], START + timedelta(hours=5), [], "")



def test_an_undeliverable_anonymous_receipt_is_not_kept_either(
        line_user, sessions, fake_line, slow_clock, caplog, monkeypatch):
    from storage.models import OutboxMessage

    caplog.set_level(logging.DEBUG)
    send = line_user.send_event

    def send_later(event):
        slow_clock.advance(seconds=7, microseconds=130)
        event["timestamp"] = int(slow_clock().timestamp() * 1000)
        if (event.get("message") or {}).get("text") == "ยืนยันส่งเรื่อง":
            fake_line.fail(400, count=2)  # LINE refuses the receipt's reply, then its push
        return send(event)

    monkeypatch.setattr(line_user, "send_event", send_later)
    receipt = file_complaint(line_user, "grievance", "anonymous")
    assert receipt["code"] is None  # nothing reached the citizen
    with sessions() as session:
        code = session.execute(select(Case.code)).scalar_one()
        assert session.execute(select(OutboxMessage).where(
            OutboxMessage.forget_when_sent)).first() is None
    assert_unlinkable(sessions, code, slow_clock(), [], caplog.text)
