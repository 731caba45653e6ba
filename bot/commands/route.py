"""`tambon route`: which office a complaint goes to, from the command line."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from data import DEFAULT_ORG_DIR

KIND_CHOICES = ["corruption", "grievance", "suggestion", "inquiry"]


def _decision_line(decision, as_json: bool) -> str:
    if as_json:
        return json.dumps(decision.as_json(), ensure_ascii=False)
    implicated = ", ".join(decision.implicated) or "-"
    lines = [f"office: {decision.office}  kind: {decision.kind}  implicated: {implicated}"]
    if decision.raised_to_corruption:
        lines.append("raised to corruption: ask the citizen to confirm")
    lines += [f"  {reason}" for reason in decision.reasons]
    return "\n".join(lines)


@click.command("route")
@click.argument("text", required=False)
@click.option("--kind", type=click.Choice(KIND_CHOICES),
              help="The kind the citizen chose; inferred from the text when left out.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object a text.")
@click.option("--org-dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              default=DEFAULT_ORG_DIR, show_default=True)
def route(text: str | None, kind: str | None, as_json: bool, org_dir: Path) -> None:
    """Route TEXT to an office; with no TEXT, route each line of standard input."""
    from handlers.routing import OfficesError, load_router

    try:
        router = load_router(org_dir)
    except OfficesError as err:
        raise click.ClickException(str(err)) from err
    if text is not None:
        click.echo(_decision_line(router.route(text, kind), as_json))
        return
    for line in sys.stdin:  # one answer a line, blank lines too, so outputs line up
        click.echo(_decision_line(router.route(line.strip(), kind), as_json))


COMMANDS = [route]
