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
    if decision.accusation_unsure:
        lines.append("unsure whether it accuses an official: the citizen is asked")
    if decision.outside:
        lines.append("outside: " + ", ".join(b["id"] for b in decision.outside))
    lines += [f"  {reason}" for reason in decision.reasons]
    return "\n".join(lines)


@click.command("route")
@click.argument("text", required=False)
@click.option("--kind", type=click.Choice(KIND_CHOICES),
              help="The kind the citizen chose; inferred from the text when left out.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object a text.")
@click.option("--org-dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              default=DEFAULT_ORG_DIR, show_default=True)
@click.option("--from-db", is_flag=True,
              help="Route with the offices as edited in the console (DATABASE_URL), as the "
                   "service does, not with the files alone.")
def route(text: str | None, kind: str | None, as_json: bool, org_dir: Path,
          from_db: bool) -> None:
    """Route TEXT to an office; with no TEXT, route each line of standard input."""
    from handlers.routing import OfficesError

    try:
        router = _router(org_dir, from_db)
    except OfficesError as err:
        raise click.ClickException(str(err)) from err
    if text is not None:
        click.echo(_decision_line(router.route(text, kind), as_json))
        return
    for line in sys.stdin:  # one answer a line, blank lines too, so outputs line up
        click.echo(_decision_line(router.route(line.strip(), kind), as_json))


def _router(org_dir: Path, from_db: bool):
    from handlers.routing import load_router

    if not from_db:
        return load_router(org_dir)
    from sqlalchemy.exc import SQLAlchemyError

    from bot.commands.manual import database_url
    from handlers.org import load_organization
    from handlers.routing.edits import router_for
    from storage.db import make_engine, make_session_factory

    org = load_organization(org_dir)
    try:
        with make_session_factory(make_engine(database_url()))() as session:
            return router_for(session, org)
    except SQLAlchemyError as err:
        raise click.ClickException(f"database not readable ({type(err).__name__}): run "
                                   "`tambon db upgrade` or check DATABASE_URL") from err


COMMANDS = [route]
