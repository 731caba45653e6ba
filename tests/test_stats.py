"""Statistics against a fixture computed by hand, including the "<3" rule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from handlers.stats import (
    CaseRow,
    RatingRow,
    fiscal_year_bounds,
    flat_rows,
    load_year,
    year_stats,
)
from handlers.thai_dates import BANGKOK

OFFICES = {"palad": "สำนักปลัด", "finance": "กองคลัง", "engineering": "กองช่าง"}


def bkk(*args) -> datetime:
    return datetime(*args, tzinfo=BANGKOK).astimezone(UTC)


def case(kind, office, status, created, ack=None, closed=None, due_days=15):
    return CaseRow(kind=kind, office_id=office, status=status, created_at=created,
                   acknowledged_at=None if ack is None else created + timedelta(days=ack),
                   closed_at=None if closed is None else created + timedelta(days=closed),
                   due_at=created + timedelta(days=due_days))


# Fiscal year 2569 = 1 Oct 2025 .. 30 Sep 2026, Bangkok time.
CASES = [
    # 1: 00:30 on 1 Oct in Bangkok is still 30 Sep in UTC: it belongs to FY 2569
    case("grievance", "engineering", "resolved", bkk(2025, 10, 1, 0, 30), ack=1, closed=10),
    case("grievance", "engineering", "resolved", bkk(2025, 10, 20, 9), ack=2, closed=20),
    case("grievance", "palad", "investigating", bkk(2025, 11, 3, 9), ack=3),
    case("suggestion", "palad", "resolved", bkk(2026, 1, 10, 9), ack=0.5, closed=4),
    # 5: the last evening of the year; its due date has not passed: not judged on time
    case("inquiry", "finance", "received", bkk(2026, 9, 30, 23), due_days=3),
    case("corruption", "palad", "not_substantiated", bkk(2025, 12, 1, 9), ack=1, closed=25,
         due_days=30),
    case("corruption", "palad", "investigating", bkk(2026, 2, 14, 9), ack=2, due_days=30),
    # outside the year: 23:30 on 30 Sep 2025 in Bangkok is FY 2568
    case("grievance", "palad", "resolved", bkk(2025, 9, 30, 23, 30), ack=1, closed=2),
]
RATINGS = [
    RatingRow("case", 5, bkk(2025, 11, 1), "grievance"),
    RatingRow("case", 4, bkk(2025, 12, 1), "grievance"),
    RatingRow("case", 4, bkk(2026, 3, 1), "corruption"),
    RatingRow("case", 2, bkk(2026, 4, 1), "suggestion"),
    RatingRow("answer", 5, bkk(2026, 5, 1)),
    RatingRow("answer", 5, bkk(2026, 6, 1)),
    RatingRow("answer", 1, bkk(2026, 10, 1, 0, 1)),  # FY 2570
]
NOW = bkk(2026, 10, 2, 12)


@pytest.fixture
def stats():
    return year_stats(CASES, RATINGS, 2569, OFFICES, NOW)


def shown(table, row_label: str) -> list[str]:
    for label, cells in table.rows:
        if label == row_label:
            return [c.shown for c in cells]
    raise AssertionError(f"no row {row_label!r} in {[r[0] for r in table.rows]}")


def test_fiscal_year_bounds():
    start, end = fiscal_year_bounds(2569)
    assert start == datetime(2025, 9, 30, 17, tzinfo=UTC)
    assert end == datetime(2026, 9, 30, 17, tzinfo=UTC)


def test_by_kind_hides_small_counts(stats):
    kind = stats.table("kind")
    assert stats.total == 7
    assert shown(kind, "ร้องเรียนการทุจริตและประพฤติมิชอบ") == ["x"]
    assert shown(kind, "ร้องเรียน/ร้องทุกข์ทั่วไป") == ["3"]
    assert shown(kind, "ข้อเสนอแนะเพื่อปรับปรุงบริการ") == ["x"]
    assert shown(kind, "คำถามที่ส่งต่อเจ้าหน้าที่") == ["x"]
    assert shown(kind, "รวม") == ["7"]


def test_by_office_general_and_corruption_apart(stats):
    office = stats.table("office")
    assert office.columns == ["เรื่องร้องเรียนทั่วไป", "เรื่องร้องเรียนการทุจริตและประพฤติมิชอบ",
                              "รวม"]
    assert shown(office, "สำนักปลัด") == ["x", "x", "4"]
    assert shown(office, "กองช่าง") == ["x", "0", "x"]
    assert shown(office, "กองคลัง") == ["x", "0", "x"]
    # the true figures behind them, as counted by hand
    assert [c.value for c in office.rows[0][1]] == [2, 2, 4]


def test_by_status_and_month(stats):
    status = stats.table("status")
    assert shown(status, "ดำเนินการแล้วเสร็จ") == ["3", "0", "3"]
    assert shown(status, "อยู่ระหว่างดำเนินการ") == ["x", "x", "x"]
    assert shown(status, "ตรวจสอบแล้วไม่พบมูล") == ["0", "x", "x"]
    assert shown(status, "รับเรื่องแล้ว") == ["x", "0", "x"]
    month = stats.table("month")
    assert [label for label, _ in month.rows][0] == "ต.ค."
    assert shown(month, "ต.ค.") == ["x", "0", "x"]
    assert shown(month, "ธ.ค.") == ["0", "x", "x"]
    assert shown(month, "ก.ย.") == ["x", "0", "x"]
    assert shown(month, "มี.ค.") == ["0", "0", "0"]


def test_timeliness(stats):
    time = stats.table("time")
    # general: acknowledged after 1, 2, 3 and 0.5 days -> median 1.5
    assert shown(time, "ระยะเวลาตอบรับเรื่อง (มัธยฐาน วัน)") == ["1.5", "<3"]
    # general: closed after 10, 20, 4 days -> median 10
    assert shown(time, "ระยะเวลาดำเนินการจนแล้วเสร็จ (มัธยฐาน วัน)") == ["10.0", "<3"]
    # general: judged 1 (on time), 2 (late), 3 (open past due), 4 (on time); 5 not yet due
    assert shown(time, "ดำเนินการแล้วเสร็จภายในเวลาที่กำหนด (ร้อยละ)") == ["50%", "<3"]
    assert shown(time, "จำนวนเรื่องที่ใช้คำนวณร้อยละ") == ["4", "<3"]
    assert time.rows[0][1][0].value == pytest.approx(1.5)


def test_satisfaction(stats):
    table = stats.table("satisfaction")
    assert shown(table, "5 คะแนน") == ["x", "x"]
    assert shown(table, "4 คะแนน") == ["x", "0"]
    assert shown(table, "3 คะแนน") == ["0", "0"]
    assert shown(table, "1 คะแนน") == ["0", "0"]
    assert shown(table, "จำนวนผู้ให้คะแนน") == ["4", "x"]
    # mean x count would be a sum of the hidden scores: hidden with them
    assert shown(table, "คะแนนเฉลี่ย (เต็ม 5)") == ["x", "<3"]
    assert shown(table, "พึงพอใจมาก (4–5 คะแนน) ร้อยละ") == ["x", "<3"]
    mean, good = (table.rows[6][1][0].value, table.rows[7][1][0].value)
    assert (mean, good) == (3.75, 75.0)


def test_hidden_cells_never_leak_into_csv(stats):
    rows = flat_rows(stats)
    assert rows[0] == ["ปีงบประมาณ", "ตาราง", "รายการ", "คอลัมน์", "ค่า"]
    values = {row[4] for row in rows[1:]}
    assert "1" not in values and "2" not in values
    assert "x" in values


def test_empty_year_shows_dashes():
    empty = year_stats([], [], 2570, OFFICES, NOW)
    assert empty.total == 0
    assert shown(empty.table("time"), "ระยะเวลาตอบรับเรื่อง (มัธยฐาน วัน)") == ["-", "-"]


def test_load_year_reads_plain_columns(sessions, vault, org):
    from storage.case_vault import new_case_key
    from storage.models import Case

    with sessions() as session, session.begin():
        for i, row in enumerate(CASES):
            _, wrapped = new_case_key(vault, f"T{i}")
            session.add(Case(code=f"T{i}", org_id=org.id, kind=row.kind, identity_mode="anonymous",
                             channel="web", status=row.status, office_id=row.office_id,
                             implicated=[], routing_reasons=[], wrapped_key=wrapped,
                             secret_failures=0, created_at=row.created_at,
                             updated_at=row.created_at, acknowledged_at=row.acknowledged_at,
                             closed_at=row.closed_at, due_at=row.due_at,
                             update_due_at=row.due_at))
        session.add(Case(code="OTHER", org_id="another-org", kind="grievance",
                         identity_mode="anonymous", channel="web", status="received",
                         office_id="palad", implicated=[], routing_reasons=[],
                         wrapped_key=b"x", secret_failures=0, created_at=NOW - timedelta(days=9),
                         updated_at=NOW, due_at=NOW, update_due_at=NOW))
    with sessions() as session:
        cases, _ = load_year(session, org.id, 2569)
    assert sorted(c.created_at for c in cases) == sorted(c.created_at for c in CASES[:7])
    again = year_stats(cases, RATINGS, 2569, OFFICES, NOW)
    assert shown(again.table("time"), "ระยะเวลาตอบรับเรื่อง (มัธยฐาน วัน)") == ["1.5", "<3"]
