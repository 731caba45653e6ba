"""`tambon db grant ROLE`: what the application's PostgreSQL role may do.

The service should not connect as the role that owns the tables and runs migrations:
with the owner's rights the audit trigger could be dropped. Run migrations as the owner,
then give the role the web and worker processes use what they need, and on the audit log
only INSERT and SELECT (README "Going live"). Run it again after each `tambon db upgrade`:
it covers the tables that exist when it runs.
"""

from __future__ import annotations

import re

import click
from sqlalchemy import text

from bot.settings import SettingsError, load_settings
from bot.startup import ready_database
from storage.db import make_engine

_ROLE_RE = re.compile(r"[a-z_][a-z0-9_]{0,62}")
APPEND_ONLY = "audit_log"


def grant_statements(role: str) -> list[str]:
    quoted = f'"{role}"'
    return [
        f"GRANT USAGE ON SCHEMA public TO {quoted}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {quoted}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {quoted}",
        f"REVOKE UPDATE, DELETE, TRUNCATE ON {APPEND_ONLY} FROM {quoted}",
        f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON alembic_version FROM {quoted}",
    ]


@click.command("grant")
@click.argument("role")
def db_grant(role: str) -> None:
    """Give ROLE (the service's PostgreSQL role) its rights: audit_log INSERT and SELECT only."""
    if _ROLE_RE.fullmatch(role) is None:
        raise click.BadParameter("a PostgreSQL role name: lower-case letters, digits, _",
                                 param_hint="ROLE")
    settings = load_settings()
    engine = make_engine(settings.database_url)
    if engine.dialect.name != "postgresql":
        raise SettingsError("tambon db grant is for PostgreSQL; SQLite has no roles")
    ready_database(engine, migrate=False)
    with engine.begin() as connection:
        for statement in grant_statements(role):
            connection.execute(text(statement))
    click.echo(f"tambon: {role} may use every table; {APPEND_ONLY}: INSERT and SELECT only")


GROUP_COMMANDS = {"db": [db_grant]}
