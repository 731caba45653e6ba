"""Complementary suppression: hidden small counts stay hidden under arithmetic.

Hiding a count of 1 or 2 ("<3") is not enough when the other cells of its row and the
row's total are shown: subtraction gives it back. Every published count belongs to
linear relations a reader knows (a row's cells add up to its total; a column of the
office, status or month table adds up to the corruption, general or grand total of the
kind table; a rating column adds up to its count), and the same cases are counted in
several tables, so a hidden cell can also be recovered across tables.

So every hidden count reads the same "x" (the note says: fewer than 3, or hidden so
that no other can be worked out): a reader who knew which were 1 or 2 could pin them by
their known sums (two such cells under a total of 2 are 1 each). And in every relation
that holds a hidden count, at least two are hidden, or subtraction gives it back. Cells
are added until every relation passes; the cell chosen is the smallest positive count of
the relation, inside the same table before a total other tables share.
tests/test_stats_suppression.py checks the result by solving the published figures for
each hidden cell.
"""

from __future__ import annotations

from dataclasses import replace

from handlers.stats import Cell, Table

MORE_HIDDEN = "x"  # a hidden count: 1 or 2, or hidden to protect one
TWO_WAY = ("office", "status", "month")
# Rows of the kind table (handlers/stats.py KINDS, then the total).
CORRUPTION, GENERAL, TOTAL = (0,), (1, 2, 3), 4
SCORE_ROWS, COUNT_ROW, DERIVED_ROWS = range(5), 5, (6, 7)

CellId = tuple[str, int, int]


def protect(tables: list[Table]) -> list[Table]:
    """The tables with complementary cells hidden; the tables given are not changed."""
    by_key = {t.key: t for t in tables}
    cells = {(t.key, r, c): cell for t in tables for r, (_, row) in enumerate(t.rows)
             for c, cell in enumerate(row)}
    relations = _relations(by_key)
    for cell_id in {c for relation in relations for c in relation}:
        if cells[cell_id].hidden:  # a "<3" count reads "x" like every hidden count
            cells[cell_id] = Cell(cells[cell_id].value, MORE_HIDDEN, hidden=True)
    changed = True
    while changed:
        changed = False
        for relation in relations:
            if _needs_more(relation, cells):
                _hide_one_more(relation, cells)
                changed = True
    _hide_derived_ratings(by_key, cells)
    return [_rebuilt(t, cells) for t in tables]


def _relations(tables: dict[str, Table]) -> list[list[CellId]]:
    """Each set of cells a reader knows to be bound by one sum."""
    relations: list[list[CellId]] = []
    if "kind" in tables:
        relations.append([("kind", r, 0) for r in (*CORRUPTION, *GENERAL, TOTAL)])
        relations += _column_relations(tables)
    for key in TWO_WAY:
        if key in tables:
            relations += [[(key, r, c) for c in range(3)] for r in range(len(tables[key].rows))]
    if "satisfaction" in tables:
        for column in range(len(tables["satisfaction"].columns)):
            relations.append([("satisfaction", r, column) for r in (*SCORE_ROWS, COUNT_ROW)])
    return relations


def _column_relations(tables: dict[str, Table]) -> list[list[CellId]]:
    """The general, corruption and grand totals can each be read in several places: the
    kind table, a column of any two-way table, or the difference of two others (general
    = total - corruption). Any two readings of the same total are a relation."""
    columns: dict[int, list[list[CellId]]] = {
        0: [[("kind", r, 0) for r in GENERAL]],
        1: [[("kind", r, 0) for r in CORRUPTION]],
        2: [[("kind", TOTAL, 0)]],
    }
    for key in TWO_WAY:
        if key in tables:
            for column in range(3):
                columns[column].append([(key, r, column) for r in range(len(tables[key].rows))])
    readings: dict[int, list[list[CellId]]] = {}
    for wanted, (a, b) in ((0, (2, 1)), (1, (2, 0)), (2, (0, 1))):
        readings[wanted] = list(columns[wanted]) + [
            x + y for x in columns[a] for y in columns[b]]
    # A cell in both readings cancels out of their difference.
    return [sorted(set(first) ^ set(second)) for sources in readings.values()
            for i, first in enumerate(sources) for second in sources[i + 1:]
            if set(first) ^ set(second)]


def _needs_more(relation: list[CellId], cells: dict[CellId, Cell]) -> bool:
    hidden = sum(1 for c in relation if cells[c].hidden)
    return hidden == 1


def _hide_one_more(relation: list[CellId], cells: dict[CellId, Cell]) -> None:
    shown = [c for c in relation if not cells[c].hidden]
    chosen = min(shown, key=lambda c: _cost(c, cells[c], relation))
    cells[chosen] = Cell(cells[chosen].value, MORE_HIDDEN, hidden=True)


def _cost(cell_id: CellId, cell: Cell, relation: list[CellId]) -> tuple:
    """Hide first what hides least: a positive count before a zero (a hidden zero must be
    covered again in its own row), the relation's own table before the kind table's
    totals, which every other table shares, and the smallest number."""
    value = int(cell.value or 0)
    shared = cell_id[0] == "kind" and relation[0][0] != "kind"
    return (value == 0, shared, cell_id[0] == "kind", value)


def _hide_derived_ratings(tables: dict[str, Table], cells: dict[CellId, Cell]) -> None:
    """A rating column's mean and share of 4-5 scores are further equations over its
    counts (mean x count = the sum of scores): hidden whenever a count of it is."""
    if "satisfaction" not in tables:
        return
    for column in range(len(tables["satisfaction"].columns)):
        if any(cells[("satisfaction", r, column)].hidden for r in (*SCORE_ROWS, COUNT_ROW)):
            for r in DERIVED_ROWS:
                cell = cells[("satisfaction", r, column)]
                if not cell.hidden and cell.value is not None:
                    cells[("satisfaction", r, column)] = Cell(cell.value, MORE_HIDDEN, True)


def _rebuilt(table: Table, cells: dict[CellId, Cell]) -> Table:
    rows = [(label, [cells[(table.key, r, c)] for c in range(len(row))])
            for r, (label, row) in enumerate(table.rows)]
    return replace(table, rows=rows)
