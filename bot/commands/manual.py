"""`tambon ask` and `tambon manual ...`: the service manual from the command line."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from data import DEFAULT_ORG_DIR

DEFAULT_DATABASE_URL = "sqlite:///instance/tambon.db"


def database_url() -> str:
    """DATABASE_URL as the service reads it (falls back to the env var, then the default)."""
    try:
        from bot.settings import load_settings

        return load_settings().database_url
    except Exception:  # settings not usable here (e.g. LINE variables half set)
        return os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL


def _index(org_dir: Path, from_db: bool):
    from handlers.manual.org_index import build_index

    if from_db:
        from handlers.manual.store import read_entries
        from handlers.org import load_organization
        from storage.db import make_engine, make_session_factory

        org = load_organization(org_dir)
        with make_session_factory(make_engine(database_url()))() as session:
            entries = read_entries(session, org.id)
        if not entries:
            raise click.ClickException("no manual entries in the database: run "
                                       "`tambon manual load` first")
        return build_index(entries, org_dir)
    from handlers.manual.schema import ManualError, load_manual

    try:
        return build_index(load_manual(org_dir), org_dir)
    except ManualError as err:
        raise click.ClickException(str(err)) from err


def _print(result, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(result.as_json(), ensure_ascii=False))
        return
    click.echo(f"{result.confidence:6s} {result.score:.3f}  {result.answer_id}  {result.title}")
    for answer_id, title, score in result.alternatives:
        click.echo(f"       {score:.3f}  {answer_id}  {title}")


@click.command()
@click.argument("question", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object a question.")
@click.option("--org-dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              default=DEFAULT_ORG_DIR, show_default=True)
@click.option("--from-db", is_flag=True, help="Search the entries in the database, not files.")
def ask(question: str | None, as_json: bool, org_dir: Path, from_db: bool) -> None:
    """Which manual entry answers QUESTION (or each line of standard input)."""
    index = _index(org_dir, from_db)
    if question is not None:
        _print(index.search(question), as_json)
        return
    for line in sys.stdin:
        line = line.strip()
        if line:
            _print(index.search(line), as_json)
            sys.stdout.flush()


@click.group()
def manual() -> None:
    """The service manual (คู่มือสำหรับประชาชน)."""


@manual.command("load")
@click.option("--org-dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              default=DEFAULT_ORG_DIR, show_default=True)
def manual_load(org_dir: Path) -> None:
    """Validate the manual files and load new or changed entries into DATABASE_URL."""
    from handlers.manual.schema import ManualError
    from handlers.manual.store import load_folder
    from handlers.org import load_organization
    from storage.db import create_schema, make_engine, make_session_factory
    from storage.models import utcnow

    org = load_organization(org_dir)
    engine = make_engine(database_url())
    create_schema(engine)
    try:
        with make_session_factory(engine)() as session, session.begin():
            added, updated, unchanged = load_folder(session, org.id, org_dir, utcnow())
    except ManualError as err:
        raise click.ClickException(f"nothing loaded:\n{err}") from err
    click.echo(f"{org.short_name}: {added} added, {updated} updated, {unchanged} unchanged")


@manual.command("check")
@click.option("--org-dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              default=DEFAULT_ORG_DIR, show_default=True)
def manual_check(org_dir: Path) -> None:
    """Validate the organization's data files without loading them: the manual, other
    agencies' services, off-topic topics, synonyms, organization.yaml, offices.yaml and
    routing.yaml.
    Every mistake is listed with its file, entry and field."""
    from handlers.manual.elsewhere import load_elsewhere, load_off_topic
    from handlers.manual.org_index import load_synonyms
    from handlers.manual.schema import ManualError, load_manual
    from handlers.org import load_organization
    from handlers.routing.offices import OfficesError
    from handlers.routing.router import build_router

    problems: list[str] = []
    counts = []
    for load in (load_manual, load_elsewhere, load_off_topic):
        try:
            counts.append(len(load(org_dir)))
        except ManualError as err:
            problems.append(str(err))
    for check, errors in ((load_synonyms, (ValueError,)),
                          (load_organization, (ValueError, FileNotFoundError)),
                          (build_router, (OfficesError,))):
        try:
            check(org_dir)
        except errors as err:
            problems.append(str(err))
    if problems:
        raise click.ClickException("\n".join(problems))
    click.echo(f"{counts[0]} entries, {counts[1]} other agencies' services, "
               f"{counts[2]} off-topic topics; synonyms, organization, offices and routing: "
               "all valid")


@manual.command("unanswered")
@click.option("--org-dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              default=DEFAULT_ORG_DIR, show_default=True)
@click.option("--limit", default=30, show_default=True)
def manual_unanswered(org_dir: Path, limit: int) -> None:
    """The questions the manual could not answer, most asked first (no one's identity)."""
    from handlers.manual.store import unanswered
    from handlers.org import load_organization
    from storage.db import make_engine, make_session_factory

    org = load_organization(org_dir)
    with make_session_factory(make_engine(database_url()))() as session:
        for row in unanswered(session, org.id, limit):
            click.echo(f"{row.count:5d}  {row.best_guess_id or '-':36s}  {row.text}")


COMMANDS = [ask, manual]
