"""The published statistics are solved for every hidden cell; none may be pinned down.

For generated years of cases and ratings, take the figures exactly as `/stats.csv`
publishes them (the same cells feed `/stats` and `tambon report`), write down every
relation a reader knows, and ask an integer solver whether each hidden count could take a
value other than its true one. The relations are written here from what the tables mean,
not read from handlers/stats_suppress.py, so a relation it forgets is still tried:

- kind table: the four kinds add up to the total;
- office, status and month tables: general + corruption = the row's total; each column
  adds up to the kind table's general (grievance + suggestion + inquiry), corruption and
  grand totals;
- ratings: the five scores add up to the count; a shown mean (two decimals) and share of
  4-5 scores (whole percent) bound sums of the scores.

A hidden count reads "x": it admits any number from 0 up to the cases and ratings of the
year (a bound the real reader lacks, which only makes this solver stronger); a "<3" would
admit 1 or 2.
"""

from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from handlers.stats import (
    FISCAL_MONTHS,
    HIDDEN,
    KINDS,
    STATUSES,
    CaseRow,
    RatingRow,
    fiscal_year_bounds,
    flat_rows,
    year_stats,
)
from handlers.stats_suppress import MORE_HIDDEN
from handlers.texts import text
from tests.test_stats import NOW, bkk

YEAR = 2569
OFFICES = {"palad": "สำนักปลัด", "finance": "กองคลัง", "engineering": "กองช่าง",
           "education": "กองการศึกษา"}


# --- a small integer solver: interval propagation and bisection ---------------------------

class Problem:
    """Integer variables with bounds, and constraints lo <= sum(coef * var) <= hi."""

    def __init__(self):
        self.bounds: list[list[int]] = []
        self.constraints: list[tuple[list[tuple[int, int]], float, float]] = []

    def var(self, lo: int, hi: int) -> int:
        self.bounds.append([lo, hi])
        return len(self.bounds) - 1

    def add(self, terms: list[tuple[int, int]], lo: float, hi: float) -> None:
        self.constraints.append((terms, lo, hi))

    def feasible(self, fixed: dict[int, tuple[int, int]]) -> bool:
        bounds = [list(b) for b in self.bounds]
        for index, (lo, hi) in fixed.items():
            bounds[index] = [max(bounds[index][0], lo), min(bounds[index][1], hi)]
        return self._search(bounds)

    def _search(self, bounds) -> bool:
        if not self._propagate(bounds):
            return False
        open_vars = [i for i, (lo, hi) in enumerate(bounds) if lo < hi]
        if not open_vars:
            return all(lo <= sum(c * bounds[v][0] for v, c in terms) <= hi
                       for terms, lo, hi in self.constraints)
        pick = min(open_vars, key=lambda i: bounds[i][1] - bounds[i][0])
        lo, hi = bounds[pick]
        middle = (lo + hi) // 2
        for part in ((lo, middle), (middle + 1, hi)):
            trial = [list(b) for b in bounds]
            trial[pick] = list(part)
            if self._search(trial):
                return True
        return False

    def _propagate(self, bounds) -> bool:
        for _ in range(10_000):
            changed = False
            for terms, lo, hi in self.constraints:
                mins = [c * (bounds[v][0] if c > 0 else bounds[v][1]) for v, c in terms]
                maxs = [c * (bounds[v][1] if c > 0 else bounds[v][0]) for v, c in terms]
                low, high = sum(mins), sum(maxs)
                if high < lo - 1e-9 or low > hi + 1e-9:
                    return False
                for (v, c), mn, mx in zip(terms, mins, maxs, strict=True):
                    # c * x must lie in [lo - (high - mx), hi - (low - mn)]
                    a, b = lo - (high - mx), hi - (low - mn)
                    new_lo, new_hi = (a / c, b / c) if c > 0 else (b / c, a / c)
                    new_lo, new_hi = _ceil(new_lo), _floor(new_hi)
                    if new_lo > bounds[v][0]:
                        bounds[v][0], changed = new_lo, True
                    if new_hi < bounds[v][1]:
                        bounds[v][1], changed = new_hi, True
                    if bounds[v][0] > bounds[v][1]:
                        return False
            if not changed:
                return True
        return True


def _ceil(x: float) -> int:
    import math

    return math.ceil(x - 1e-9)


def _floor(x: float) -> int:
    import math

    return math.floor(x + 1e-9)


# --- the published figures as a problem -------------------------------------------------

def published(stats) -> dict[tuple[str, str, str], str]:
    """(table title, row, column) -> the value as /stats.csv prints it."""
    rows = flat_rows(stats)[1:]
    return {(table, row, column): value for _, table, row, column, value in rows}


def build(stats, true_total: int):
    """The reader's problem: a variable for every count cell; the hidden ones listed with
    their true values (kept aside, never given to the solver)."""
    figures = published(stats)
    problem = Problem()
    variables: dict[tuple, int] = {}
    hidden: list[tuple[tuple, int]] = []
    truth = {(t.title, label, col): cell.value for t in stats.tables
             for label, cells in t.rows for col, cell in zip(t.columns, cells, strict=True)}

    def count(key) -> int:
        if key not in variables:
            shown = figures[key]
            if shown == HIDDEN:  # (no count reads "<3" now; kept should it come back)
                variables[key] = problem.var(1, 2)
            elif shown == MORE_HIDDEN:
                variables[key] = problem.var(0, max(true_total, 3))
            else:
                value = int(shown)
                variables[key] = problem.var(value, value)
            if shown in (HIDDEN, MORE_HIDDEN):
                hidden.append((key, int(truth[key])))
        return variables[key]

    kind_title, cases_col = text("stats_table_kind"), text("stats_col_cases")
    kind = {k: count((kind_title, text(f"stats_kind_{k}"), cases_col)) for k in KINDS}
    total = count((kind_title, text("stats_total"), cases_col))
    problem.add([(kind[k], 1) for k in KINDS] + [(total, -1)], 0, 0)

    general_col, corruption_col = text("stats_group_general"), text("stats_group_corruption")
    total_col = text("stats_total")
    labels = {
        text("stats_table_office"): list(OFFICES.values()),
        text("stats_table_status"): [text(f"stats_status_{s}") for s in STATUSES],
        text("stats_table_month"): [stats.table("month").rows[i][0] for i in range(12)],
    }
    for title, rows in labels.items():
        for row in rows:
            g, c, t = (count((title, row, col)) for col in (general_col, corruption_col,
                                                            total_col))
            problem.add([(g, 1), (c, 1), (t, -1)], 0, 0)
        problem.add([(count((title, r, general_col)), 1) for r in rows]
                    + [(kind[k], -1) for k in ("grievance", "suggestion", "inquiry")], 0, 0)
        problem.add([(count((title, r, corruption_col)), 1) for r in rows]
                    + [(kind["corruption"], -1)], 0, 0)
        problem.add([(count((title, r, total_col)), 1) for r in rows] + [(total, -1)], 0, 0)

    sat = text("stats_table_satisfaction")
    for subject in ("case", "answer"):
        col = text(f"stats_rating_{subject}")
        scores = {s: count((sat, text("stats_score", score=s), col)) for s in range(1, 6)}
        n = count((sat, text("stats_rating_count"), col))
        problem.add([(scores[s], 1) for s in scores] + [(n, -1)], 0, 0)
        mean = figures[(sat, text("stats_rating_mean"), col)]
        good = figures[(sat, text("stats_rating_good"), col)]
        # What the mean's cell says of the count: "-" none, "<3" one or two (too few to
        # average), a number or "x" three or more.
        low, high = {"-": (0, 0), HIDDEN: (1, 2)}.get(mean, (3, 10**6))
        problem.add([(n, 1)], low, high)
        if _number(mean) is not None:  # |sum(s * n_s) - mean * n| <= 0.005 * n
            m = _number(mean)
            problem.add([(scores[s], s) for s in scores] + [(n, -(m + 0.005))], -1e9, 0)
            problem.add([(scores[s], s) for s in scores] + [(n, -(m - 0.005))], 0, 1e9)
        if _number(good) is not None:  # |100 (n4 + n5) - good * n| <= 0.5 n
            p = _number(good)
            problem.add([(scores[4], 100), (scores[5], 100), (n, -(p + 0.5))], -1e9, 0)
            problem.add([(scores[4], 100), (scores[5], 100), (n, -(p - 0.5))], 0, 1e9)
    return problem, variables, hidden


def _number(shown: str) -> float | None:
    try:
        return float(shown.rstrip("%"))
    except ValueError:
        return None


def pinned_cells(stats, true_total: int) -> list[tuple]:
    problem, variables, hidden = build(stats, true_total)
    assert problem.feasible({}), "the published figures contradict themselves"
    pinned = []
    for key, value in hidden:
        index = variables[key]
        if not (problem.feasible({index: (-10**9, value - 1)})
                or problem.feasible({index: (value + 1, 10**9)})):
            pinned.append((key, value))
    return pinned


# --- generated years ---------------------------------------------------------------------

START, END = fiscal_year_bounds(YEAR)

case_rows = st.builds(
    lambda kind, office, status, day: CaseRow(kind, office, status, START + timedelta(
        days=day, hours=3)),
    st.sampled_from(KINDS), st.sampled_from(list(OFFICES)), st.sampled_from(STATUSES),
    st.integers(0, 363))
rating_rows = st.builds(
    lambda subject, score, day: RatingRow(subject, score, START + timedelta(days=day, hours=3)),
    st.sampled_from(["case", "answer"]), st.integers(1, 5), st.integers(0, 363))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(case_rows, max_size=25), st.lists(rating_rows, max_size=15))
def test_no_hidden_cell_can_be_solved_for(cases, ratings):
    stats = year_stats(cases, ratings, YEAR, OFFICES, NOW)
    # A rating may be of a case from an earlier year: its counts are bounded by the
    # ratings, not by this year's cases.
    assert pinned_cells(stats, len(cases) + len(ratings)) == []


def test_the_issue_example_no_longer_subtracts():
    """Corruption <3, the other kinds and the true total shown: corruption = total - rest."""
    cases = ([CaseRow("corruption", "finance", "received", bkk(2025, 11, 3, 9))]
             + [CaseRow("grievance", "palad", "resolved", bkk(2025, 12, 1, 9))] * 5
             + [CaseRow("suggestion", "palad", "received", bkk(2026, 1, 5, 9))] * 4)
    stats = year_stats(cases, [], YEAR, OFFICES, NOW)
    assert pinned_cells(stats, len(cases)) == []
    kind = {label: cells[0].shown for label, cells in stats.table("kind").rows}
    assert kind[text("stats_kind_corruption")] == MORE_HIDDEN
    # total - (the other kinds) no longer gives it
    others = [v for k, v in kind.items() if k not in (text("stats_kind_corruption"),
                                                        text("stats_total"))]
    assert MORE_HIDDEN in others or kind[text("stats_total")] == MORE_HIDDEN


def test_the_solver_finds_a_cell_left_to_subtraction():
    """The solver itself: with the complementary cells shown again, it pins the <3."""
    from handlers import stats_suppress

    cases = ([CaseRow("corruption", "finance", "received", bkk(2025, 11, 3, 9))]
             + [CaseRow("grievance", "palad", "resolved", bkk(2025, 12, 1, 9))] * 5)
    original = stats_suppress.protect
    try:
        stats_suppress.protect = lambda tables: tables
        bare = year_stats(cases, [], YEAR, OFFICES, NOW)
    finally:
        stats_suppress.protect = original
    pinned = pinned_cells(bare, len(cases))
    assert ((text("stats_table_kind"), text("stats_kind_corruption"), text("stats_col_cases")),
            1) in pinned


def test_every_month_label_is_a_fiscal_month():
    assert len(FISCAL_MONTHS) == 12


def test_ratings_of_earlier_cases_stay_hidden_without_this_year_s_cases():
    """Found by hypothesis on PostgreSQL's run: a year with ratings and no cases."""
    ratings = [RatingRow("case", score, START + timedelta(hours=3))
               for score in (1, 1, 2, 2, 2, 2, 2)]
    stats = year_stats([], ratings, YEAR, OFFICES, NOW)
    assert pinned_cells(stats, len(ratings)) == []
