"""Complaint-handling statistics for one fiscal year, as the ITA disclosure asks.

Pure: takes plain rows (`CaseRow`, `RatingRow`) and returns tables of numbers already
made safe to publish. `load_year` is the one function that reads the database.

- The fiscal year runs October to September and is named in the Buddhist era: fiscal
  year 2569 is 1 Oct 2568 to 30 Sep 2569 (1 Oct 2025 to 30 Sep 2026), Bangkok time.
- Corruption complaints are counted apart from the general ones (grievances,
  suggestions and questions passed on to staff).
- A count of 1 or 2 could point to a person, so it is shown as "<3"; so is any median,
  mean or share computed over fewer than 3 cases or ratings. Zero is shown as 0.
- Around each "<3", more cells are hidden as "x" (handlers/stats_suppress.py), so that no
  row, column or total gives a hidden count back by subtraction.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from handlers.texts import text
from handlers.thai_dates import BANGKOK, MONTHS_SHORT, fiscal_year

KINDS = ("corruption", "grievance", "suggestion", "inquiry")
GENERAL_KINDS = ("grievance", "suggestion", "inquiry")
GROUPS = ("general", "corruption")
STATUSES = ("received", "acknowledged", "investigating", "resolved", "not_substantiated",
            "forwarded")
CLOSED = ("resolved", "not_substantiated", "forwarded")
SCORES = (1, 2, 3, 4, 5)
SMALL = 3
HIDDEN = "<3"
# Months of a fiscal year in order: October first.
FISCAL_MONTHS = (10, 11, 12, 1, 2, 3, 4, 5, 6, 7, 8, 9)


@dataclass(frozen=True)
class CaseRow:
    kind: str
    office_id: str
    status: str
    created_at: datetime
    acknowledged_at: datetime | None = None
    closed_at: datetime | None = None
    due_at: datetime | None = None


@dataclass(frozen=True)
class RatingRow:
    subject: str  # "case" | "answer"
    score: int
    rated_at: datetime
    kind: str | None = None  # the case's kind, for a case


@dataclass(frozen=True)
class Cell:
    """One published number: `value` is the true figure (None: not computable), `shown`
    what may be printed, `hidden` whether the small-number rule hid it."""

    value: float | int | None
    shown: str
    hidden: bool = False


@dataclass
class Table:
    key: str
    title: str
    columns: list[str]
    rows: list[tuple[str, list[Cell]]] = field(default_factory=list)
    note: str = ""
    chart: str | None = None  # "bars" (first column, or stacked columns) or None


@dataclass
class YearStats:
    fiscal_year: int
    start: datetime
    end: datetime
    total: int
    tables: list[Table]

    def table(self, key: str) -> Table:
        for table in self.tables:
            if table.key == key:
                return table
        raise KeyError(key)


# --- small numbers -------------------------------------------------------------------


def count_cell(n: int) -> Cell:
    if 0 < n < SMALL:
        return Cell(n, HIDDEN, hidden=True)
    return Cell(n, str(n))


def measure_cell(value: float | None, basis: int, fmt: str = "{:.1f}") -> Cell:
    """A median, mean or share over `basis` items; hidden when the basis is small."""
    if basis == 0 or value is None:
        return Cell(None, "-")
    if basis < SMALL:
        return Cell(value, HIDDEN, hidden=True)
    return Cell(value, fmt.format(value))


# --- the fiscal year -----------------------------------------------------------------


def fiscal_year_bounds(year: int) -> tuple[datetime, datetime]:
    """[start, end) of Buddhist-era fiscal year `year`, as UTC datetimes."""
    gregorian = year - 543
    start = datetime(gregorian - 1, 10, 1, tzinfo=BANGKOK)
    end = datetime(gregorian, 10, 1, tzinfo=BANGKOK)
    return start.astimezone(UTC), end.astimezone(UTC)


def group_of(kind: str) -> str:
    return "corruption" if kind == "corruption" else "general"


def _days(later: datetime, earlier: datetime) -> float:
    return (later - earlier) / timedelta(days=1)


# --- the tables ----------------------------------------------------------------------


def year_stats(cases: Iterable[CaseRow], ratings: Iterable[RatingRow], year: int,
               offices: dict[str, str], now: datetime) -> YearStats:
    """Every table for fiscal year `year`. `offices` maps office id to its Thai name, in
    the order to show them; rows outside the year are ignored."""
    start, end = fiscal_year_bounds(year)
    in_year = [c for c in cases if start <= c.created_at < end]
    rated = [r for r in ratings if start <= r.rated_at < end]
    group_titles = [text(f"stats_group_{g}") for g in GROUPS]
    tables = [
        _by_kind(in_year),
        _by_group(in_year, "office", text("stats_table_office"), group_titles,
                  list(offices.items()) + _unknown_offices(in_year, offices),
                  lambda c: c.office_id),
        _by_group(in_year, "status", text("stats_table_status"), group_titles,
                  [(s, text(f"stats_status_{s}")) for s in STATUSES], lambda c: c.status),
        _by_group(in_year, "month", text("stats_table_month"), group_titles,
                  [(m, MONTHS_SHORT[m - 1]) for m in FISCAL_MONTHS],
                  lambda c: c.created_at.astimezone(BANGKOK).month),
        _timeliness(in_year, now),
        _satisfaction(rated),
    ]
    # Hide more cells so that no "<3" can be worked out from the figures around it.
    from handlers.stats_suppress import protect

    tables = protect(tables)
    return YearStats(fiscal_year=year, start=start, end=end, total=len(in_year), tables=tables)


def _unknown_offices(cases: list[CaseRow], offices: dict[str, str]) -> list[tuple[str, str]]:
    extra = sorted({c.office_id for c in cases} - set(offices))
    return [(o, o) for o in extra]


def _by_kind(cases: list[CaseRow]) -> Table:
    table = Table("kind", text("stats_table_kind"), [text("stats_col_cases")], chart="bars",
                  note=text("stats_note_small"))
    tally = Counter(c.kind for c in cases)
    for kind in KINDS:
        table.rows.append((text(f"stats_kind_{kind}"), [count_cell(tally[kind])]))
    table.rows.append((text("stats_total"), [count_cell(len(cases))]))
    return table


def _by_group(cases: list[CaseRow], key: str, title: str, group_titles: list[str],
              labels: list[tuple[object, str]], value_of) -> Table:
    table = Table(key, title, group_titles + [text("stats_total")], chart="bars",
                  note=text("stats_note_small"))
    tally = Counter((value_of(c), group_of(c.kind)) for c in cases)
    for value, row_label in labels:
        counts = [tally[(value, g)] for g in GROUPS]
        table.rows.append((row_label, [count_cell(n) for n in counts]
                           + [count_cell(sum(counts))]))
    return table


def _timeliness(cases: list[CaseRow], now: datetime) -> Table:
    table = Table("time", text("stats_table_time"),
                  [text(f"stats_group_{g}") for g in GROUPS], note=text("stats_note_time"))
    ack_rows, resolve_rows, within_rows, basis_rows = [], [], [], []
    for group in GROUPS:
        mine = [c for c in cases if group_of(c.kind) == group]
        acked = [_days(c.acknowledged_at, c.created_at) for c in mine if c.acknowledged_at]
        closed = [_days(c.closed_at, c.created_at) for c in mine if c.closed_at]
        ack_rows.append(measure_cell(statistics.median(acked) if acked else None, len(acked)))
        resolve_rows.append(measure_cell(statistics.median(closed) if closed else None,
                                         len(closed)))
        # Answered within target: of the cases closed, or still open past their due date.
        judged = [c for c in mine if c.due_at is not None
                  and (c.closed_at is not None or c.due_at < now)]
        on_time = sum(1 for c in judged if c.closed_at is not None and c.closed_at <= c.due_at)
        share = 100.0 * on_time / len(judged) if judged else None
        within_rows.append(measure_cell(share, len(judged), "{:.0f}%"))
        basis_rows.append(count_cell(len(judged)))
    table.rows = [
        (text("stats_row_ack_days"), ack_rows),
        (text("stats_row_resolve_days"), resolve_rows),
        (text("stats_row_within_target"), within_rows),
        (text("stats_row_within_basis"), basis_rows),
    ]
    return table


def _satisfaction(ratings: list[RatingRow]) -> Table:
    subjects = [("case", text("stats_rating_case")), ("answer", text("stats_rating_answer"))]
    table = Table("satisfaction", text("stats_table_satisfaction"),
                  [title for _, title in subjects], chart="bars", note=text("stats_note_rating"))
    for score in SCORES:
        table.rows.append((text("stats_score", score=score),
                           [count_cell(sum(1 for r in ratings
                                           if r.subject == s and r.score == score))
                            for s, _ in subjects]))
    means, goods, totals = [], [], []
    for subject, _ in subjects:
        scores = [r.score for r in ratings if r.subject == subject]
        means.append(measure_cell(statistics.fmean(scores) if scores else None, len(scores),
                                  "{:.2f}"))
        good = sum(1 for s in scores if s >= 4)
        goods.append(measure_cell(100.0 * good / len(scores) if scores else None, len(scores),
                                  "{:.0f}%"))
        totals.append(count_cell(len(scores)))
    table.rows += [
        (text("stats_rating_count"), totals),
        (text("stats_rating_mean"), means),
        (text("stats_rating_good"), goods),
    ]
    return table


# --- reading the database ------------------------------------------------------------


def load_year(session, org_id: str, year: int) -> tuple[list[CaseRow], list[RatingRow]]:
    """The rows of fiscal year `year`: plain columns only, nothing sealed is read."""
    from sqlalchemy import select

    from storage.models import Case

    start, end = fiscal_year_bounds(year)
    query = (select(Case.kind, Case.office_id, Case.status, Case.created_at,
                    Case.acknowledged_at, Case.closed_at, Case.due_at)
             .where(Case.org_id == org_id, Case.created_at >= start, Case.created_at < end))
    cases = [CaseRow(*row) for row in session.execute(query)]
    return cases, _load_ratings(session, org_id, start, end)


def _load_ratings(session, org_id: str, start: datetime, end: datetime) -> list[RatingRow]:
    from sqlalchemy import select

    from storage.models.ratings import Rating
    query = (select(Rating.subject, Rating.score, Rating.rated_at, Rating.kind)
             .where(Rating.org_id == org_id, Rating.score.is_not(None),
                    Rating.rated_at >= start, Rating.rated_at < end))
    return [RatingRow(*row) for row in session.execute(query)]


def years_with_cases(session, org_id: str, now: datetime) -> list[int]:
    """Fiscal years from the first case's to the current one, newest first."""
    from sqlalchemy import func, select

    from storage.models import Case

    first = session.execute(select(func.min(Case.created_at))
                            .where(Case.org_id == org_id)).scalar()
    current = fiscal_year(now)
    if first is None:
        return [current]
    if first.tzinfo is None:
        first = first.replace(tzinfo=UTC)
    return list(range(current, min(fiscal_year(first), current) - 1, -1))


def stats_for(session, org_id: str, year: int, offices: dict[str, str],
              now: datetime) -> YearStats:
    cases, ratings = load_year(session, org_id, year)
    return year_stats(cases, ratings, year, offices, now)


# --- flat rows for CSV ---------------------------------------------------------------


def flat_rows(stats: YearStats) -> list[list[str]]:
    """One line a published figure: year, table, row, column, shown value."""
    out = [[text("stats_csv_year"), text("stats_csv_table"), text("stats_csv_row"),
            text("stats_csv_column"), text("stats_csv_value")]]
    for table in stats.tables:
        for row_label, cells in table.rows:
            for column, cell in zip(table.columns, cells, strict=True):
                out.append([str(stats.fiscal_year), table.title, row_label, column, cell.shown])
    return out
