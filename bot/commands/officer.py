"""`tambon officer add|list`: officer accounts from the command line (the first admin)."""

from __future__ import annotations

import click

from bot.settings import load_settings


def _services():
    from bot.app import build_services
    from bot.startup import ready_database
    from storage.db import make_engine

    settings = load_settings()
    engine = make_engine(settings.database_url)
    ready_database(engine, migrate=True)
    return build_services(settings, engine)


@click.group()
def officer() -> None:
    """Officer accounts of the console."""


@officer.command("add")
@click.argument("username")
@click.option("--name", "display_name", required=True, help="The name colleagues read.")
@click.option("--office", required=True, help="Office id (palad, finance, engineering, ...).")
@click.option("--role", "roles", multiple=True, required=True,
              type=click.Choice(["officer", "supervisor", "custodian", "admin"]),
              help="Repeat for several roles.")
@click.option("--password-stdin", is_flag=True,
              help="Read the password from the first line of standard input.")
def officer_add(username: str, display_name: str, office: str, roles: tuple[str, ...],
                password_stdin: bool) -> None:
    """Create an officer account; prints its TOTP secret once (every account has one)."""
    import sys

    from bot.console import accounts, credentials
    from handlers.routing import load_offices
    from handlers.texts import text

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    services = _services()
    with services.sessions() as session, session.begin():
        try:
            made = accounts.create_officer(
                session, services.vault, username=username, display_name=display_name,
                office_id=office, roles=list(roles), password=password,
                offices=load_offices(services.org.folder), actor="cli",
                now=services.clock())
        except accounts.AccountError as problem:
            raise click.ClickException(text(problem.key)) from None
        officer_id = made.officer.id
    click.echo(f"tambon: officer {username} (id {officer_id}, {office}, {','.join(roles)}) "
               f"created")
    if made.totp_seed is not None:
        click.echo("TOTP secret (type into an authenticator app; shown once): "
                   + credentials.totp_secret_text(made.totp_seed))
        click.echo(credentials.totp_uri(made.totp_seed, username, services.org.short_name))


@officer.command("list")
def officer_list() -> None:
    """Usernames, offices, roles and state (no secrets)."""
    from sqlalchemy import select

    from storage.models import Officer

    services = _services()
    with services.sessions() as session:
        for row in session.execute(select(Officer).order_by(Officer.id)).scalars():
            state = "active" if row.active else "inactive"
            click.echo(f"{row.id}\t{row.username}\t{row.office_id}\t{row.roles}\t{state}\t"
                       f"totp={'yes' if row.sealed_totp else 'no'}")


COMMANDS = [officer]
