"""`tambon audit verify`: walk the hash-chained audit log and name the first broken record."""

from __future__ import annotations

import sys

import click

from bot.settings import load_settings


@click.group()
def audit() -> None:
    """The append-only audit log."""


@audit.command("verify")
def audit_verify() -> None:
    """Exit 0 if every record chains to the one before; else name the first broken one."""
    from sqlalchemy import func, select

    from storage import audit as audit_log
    from storage.db import make_engine, make_session_factory
    from storage.models import AuditRecord

    engine = make_engine(load_settings().database_url)
    with make_session_factory(engine)() as session:
        count = session.execute(select(func.count()).select_from(AuditRecord)).scalar()
        broken = audit_log.verify(session)
        if broken is None:
            click.echo(f"tambon: audit log intact ({count} records)")
            return
        record = session.get(AuditRecord, broken)
        click.echo(f"tambon: audit log BROKEN at record {broken} "
                   f"({record.at.isoformat()} {record.action}); "
                   f"it or the one before was changed or removed", err=True)
    sys.exit(1)


COMMANDS = [audit]
