"""`tambon report --year 2569`: the year's complaint statistics as a CSV and a printable,
self-contained HTML page (no stylesheet or font to fetch) for the ITA disclosure."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import click

from handlers.thai_dates import fiscal_year


def _services():
    from bot.app import build_services

    return build_services()


def render_report(services, year: int) -> tuple[str, str]:
    """(csv text, html text) for fiscal year `year`."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    from bot.charts import bar_chart, chart_css, short_label
    from bot.public.web import csv_text, office_names
    from handlers import stats as stats_module
    from handlers.texts import text
    from handlers.thai_dates import thai_date, thai_datetime

    now = services.clock()
    with services.sessions() as session:
        result = stats_module.stats_for(session, services.org.id, year,
                                        office_names(session, services.org), now)
    env = Environment(loader=FileSystemLoader(Path(__file__).resolve().parent.parent
                                              / "public" / "templates"),
                      autoescape=select_autoescape(["html"]))
    html = env.get_template("public/report.html").render(
        t=text, org=services.org, stats=result,
        charts={t.key: bar_chart(t) for t in result.tables if t.chart},
        chart_css=chart_css(), short=short_label,
        start=thai_date(result.start), end=thai_date(result.end - timedelta(days=1)),
        generated=thai_datetime(now))
    return csv_text(result), html


@click.command()
@click.option("--year", type=int, default=None,
              help="Fiscal year, Buddhist era (2569 = Oct 2568 to Sep 2569) [default: current]")
@click.option("--out", type=click.Path(file_okay=False), default=".", show_default=True,
              help="Folder to write complaint-report-<year>.csv and .html into.")
def report(year: int | None, out: str) -> None:
    """Write the year's complaint statistics (ITA) as CSV and printable HTML."""
    services = _services()
    year = year or fiscal_year(services.clock())
    if not 2500 <= year <= 2700:
        raise click.BadParameter("a Buddhist-era year such as 2569", param_hint="--year")
    csv_body, html = render_report(services, year)
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    csv_path = folder / f"complaint-report-{year}.csv"
    html_path = folder / f"complaint-report-{year}.html"
    csv_path.write_bytes(csv_body.encode("utf-8-sig"))
    html_path.write_text(html, encoding="utf-8")
    click.echo(f"tambon: wrote {csv_path} and {html_path}")


COMMANDS = [report]
