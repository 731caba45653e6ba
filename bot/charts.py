"""Bar charts drawn on the server: no script, no font or library fetched.

Each row of a table is a line of HTML (its label, which wraps like any text and is never
cut) with one bar a column under or beside it; a bar is a tiny inline SVG stretched to its
track, so the text around it keeps the page's size on a phone instead of shrinking with a
drawing scaled to fit. Its look is in static/public/charts.css.

A chart draws only what its table may publish: a hidden count (shown "x": fewer than 3,
or hidden so that no other can be worked out, handlers/stats_suppress.py) is drawn as a
dashed stub labelled "x", never as a bar of its true length.
Totals ("รวม") and rows of zeros are left out of the bars; the table beside the chart
has them.
"""

from __future__ import annotations

from pathlib import Path

from markupsafe import Markup, escape

from handlers.stats import Table
from handlers.texts import text

COLOURS = ("#1f5f99", "#c0392b", "#6c8e23", "#8e44ad")
STUB = 3  # width of a hidden cell's dashed stub, in hundredths of the track
CSS_PATH = Path(__file__).resolve().parent / "public" / "static" / "public" / "charts.css"
# Column titles too long for a phone's table header or legend, and what they show there
# (the page says once what the short ones stand for).
SHORT_LABELS = {
    "stats_group_general": "stats_short_general",
    "stats_group_corruption": "stats_short_corruption",
    "stats_rating_case": "stats_short_rating_case",
    "stats_rating_answer": "stats_short_rating_answer",
}


def short_label(column: str) -> str:
    for full, short in SHORT_LABELS.items():
        if column == text(full):
            return text(short)
    return column


def chart_css() -> Markup:
    """The charts' stylesheet, for a page that must carry it inline (the printed report)."""
    return Markup(CSS_PATH.read_text(encoding="utf-8"))


def _numeric(shown: str) -> float | None:
    try:
        return float(shown.rstrip("%"))
    except ValueError:
        return None


def _bar(colour: str, share: float | None) -> str:
    """One bar: `share` of the track (0..1), or None for a hidden cell's dashed stub."""
    if share is None:
        shape = (f'<rect x="0.5" y="1" width="{STUB}" height="8" fill="none" stroke="{colour}" '
                 f'stroke-dasharray="3 2" vector-effect="non-scaling-stroke"/>')
    else:
        shape = f'<rect width="{100 * share:.1f}" height="10" fill="{colour}"/>'
    return (f'<svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none" '
            f'aria-hidden="true">{shape}</svg>')


def _key(colour: str) -> str:
    return (f'<svg class="key" viewBox="0 0 10 10" aria-hidden="true">'
            f'<rect width="10" height="10" fill="{colour}"/></svg>')


def bar_chart(table: Table) -> Markup:
    """Horizontal grouped bars, one group a row of the table, one bar a column."""
    total = text("stats_total")
    columns = [i for i, c in enumerate(table.columns) if c != total]
    rows = [(label, cells) for label, cells in table.rows
            if label != total and all(_numeric(cells[i].shown) is not None or cells[i].hidden
                                      for i in columns)]
    # Keep only the count rows of a table that also carries means and shares.
    rows = [(label, cells) for label, cells in rows
            if not any(cells[i].shown.endswith("%") or "." in cells[i].shown for i in columns)]
    # A row of zeros draws nothing: the table beside the chart shows it.
    rows = [(label, cells) for label, cells in rows
            if any(cells[i].hidden or _numeric(cells[i].shown) for i in columns)]
    if not rows:
        return Markup("")
    largest = max([_numeric(cells[i].shown) or 0 for _, cells in rows for i in columns] + [1])
    parts = [f'<div class="bars" role="img" '
             f'aria-label="{escape(text("stats_chart_label", title=table.title))}">']
    if len(columns) > 1:
        parts.append('<ul class="bars-legend">')
        for n, i in enumerate(columns):
            parts.append(f'<li>{_key(COLOURS[n % len(COLOURS)])}'
                         f'{escape(short_label(table.columns[i]))}</li>')
        parts.append("</ul>")
    for label, cells in rows:
        parts.append(f'<div class="bars-row"><div class="bars-label">{escape(label)}</div>'
                     f'<div class="bars-lines">')
        for n, i in enumerate(columns):
            cell = cells[i]
            share = None if cell.hidden else (_numeric(cell.shown) or 0) / largest
            parts.append(f'<div class="bars-line">{_bar(COLOURS[n % len(COLOURS)], share)}'
                         f'<span class="bars-value">{escape(cell.shown)}</span></div>')
        parts.append("</div></div>")
    parts.append("</div>")
    return Markup("".join(parts))
