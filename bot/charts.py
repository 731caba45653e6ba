"""Bar charts drawn on the server as inline SVG: no script, no font or library fetched.

A chart draws only what its table may publish: a cell hidden by the small-number rule
("<3") is drawn as a dashed stub labelled "<3", never as a bar of its true length.
Totals ("รวม") are left out of the bars; the table beside the chart has them.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from handlers.stats import Table
from handlers.texts import text

WIDTH = 640
LABEL_WIDTH = 210
BAR_HEIGHT = 14
BAR_GAP = 3
ROW_GAP = 10
LEGEND_HEIGHT = 22
COLOURS = ("#1f5f99", "#c0392b", "#6c8e23", "#8e44ad")


def _numeric(shown: str) -> float | None:
    try:
        return float(shown.rstrip("%"))
    except ValueError:
        return None


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
    if not rows:
        return Markup("")
    largest = max([_numeric(cells[i].shown) or 0 for _, cells in rows for i in columns] + [1])
    group = len(columns) * (BAR_HEIGHT + BAR_GAP) + ROW_GAP
    legend = LEGEND_HEIGHT if len(columns) > 1 else 0
    height = legend + len(rows) * group + 4
    span = WIDTH - LABEL_WIDTH - 50
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'aria-label="{escape(text("stats_chart_label", title=table.title))}">'
    ]
    if legend:
        x = LABEL_WIDTH
        for n, i in enumerate(columns):
            colour = COLOURS[n % len(COLOURS)]
            parts.append(f'<rect x="{x}" y="4" width="12" height="12" fill="{colour}"/>')
            parts.append(f'<text x="{x + 16}" y="14" font-size="12">'
                         f'{escape(table.columns[i])}</text>')
            x += 20 + 8 * len(table.columns[i])
    y = legend
    for label, cells in rows:
        middle = y + (len(columns) * (BAR_HEIGHT + BAR_GAP)) / 2 + 4
        parts.append(f'<text x="{LABEL_WIDTH - 6}" y="{middle:.0f}" font-size="12" '
                     f'text-anchor="end">{escape(label)}</text>')
        for n, i in enumerate(columns):
            cell = cells[i]
            colour = COLOURS[n % len(COLOURS)]
            if cell.hidden:
                parts.append(f'<rect x="{LABEL_WIDTH}" y="{y}" width="18" height="{BAR_HEIGHT}" '
                             f'fill="none" stroke="{colour}" stroke-dasharray="3 2"/>')
                parts.append(f'<text x="{LABEL_WIDTH + 22}" y="{y + BAR_HEIGHT - 3}" '
                             f'font-size="11">&lt;3</text>')
            else:
                value = _numeric(cell.shown) or 0
                length = span * value / largest
                parts.append(f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length:.1f}" '
                             f'height="{BAR_HEIGHT}" fill="{colour}"/>')
                parts.append(f'<text x="{LABEL_WIDTH + length + 4:.1f}" y="{y + BAR_HEIGHT - 3}" '
                             f'font-size="11">{escape(cell.shown)}</text>')
            y += BAR_HEIGHT + BAR_GAP
        y += ROW_GAP
    parts.append("</svg>")
    return Markup("".join(parts))
