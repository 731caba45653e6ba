"""`tambon audit verify`: walk the keyed audit chain, compare it with its signed head, and
name the first record that was changed, removed or cut off."""

from __future__ import annotations

import re
import sys

import click
from sqlalchemy import select

from bot.keys import load_keyring
from bot.settings import load_settings
from bot.startup import ready_database
from storage import audit as audit_log
from storage.db import make_engine, make_session_factory
from storage.models import AuditRecord

_HEAD_RE = re.compile(r"#?(\d{1,12}):([0-9a-f]{16,64})")


@click.group()
def audit() -> None:
    """The append-only audit log."""


@audit.command("verify")
@click.option("--head", "noted", default=None, metavar="SEQ:HASH",
              help="Check against a head noted elsewhere (the log's `audit head #SEQ HASH` "
                   "line, or the custodians' page) as well as the head file.")
def audit_verify(noted: str | None) -> None:
    """Exit 0 if every record is intact and none is missing; else name the first that is not."""
    settings = load_settings()
    engine = make_engine(settings.database_url)
    ready_database(engine, migrate=False)
    key = audit_log.audit_key(load_keyring(settings))
    chain = audit_log.Chain(key)
    head_file = audit_log.HeadFile(settings.audit_head_file, key)
    try:
        head = head_file.read()
    except audit_log.AuditError as error:
        _broken(str(error))
    with make_session_factory(engine)() as session:
        walk = audit_log.verify(session, chain, head)
        if walk.finding is None and head is None and walk.records:
            _broken(f"no signed head at {head_file.path}: cannot tell whether records were "
                    f"cut from the end ({walk.records} records read)")
        if walk.finding is None and noted:
            walk = _against_noted(session, chain, noted, walk)
        if walk.finding is not None:
            _broken(_describe(walk.finding))
    shown = f"; signed head #{head.seq}" if head else ""
    click.echo(f"tambon: audit log intact ({walk.records} records{shown})")


def _against_noted(session, chain, noted: str, walk) -> audit_log.Walk:
    match = _HEAD_RE.fullmatch(noted.strip().lower())
    if match is None:
        raise click.BadParameter("give the head as SEQ:HASH, e.g. 1234:9f2c...",
                                 param_hint="--head")
    seq, prefix = int(match.group(1)), match.group(2)
    record = session.execute(select(AuditRecord).where(AuditRecord.seq == seq)
                             ).scalar_one_or_none()
    if record is None:
        return audit_log.Walk(walk.records, audit_log.Finding(
            f"records #{walk.records + 1} to #{seq} were removed from the end "
            f"(the noted head names #{seq})"))
    if not record.hash.startswith(prefix):
        return audit_log.Walk(walk.records, audit_log.Finding(
            "is not the record the noted head names: the chain was rebuilt", record))
    return walk


def _describe(finding: audit_log.Finding) -> str:
    record = finding.record
    if record is not None:
        return (f"record {record.id} (#{record.seq}, {record.at.isoformat()} "
                f"{record.action}) {finding.what}")
    if finding.missing is not None:
        return f"record {finding.missing.id} (#{finding.missing.seq}) is missing: {finding.what}"
    return finding.what


def _broken(message: str) -> None:
    click.echo(f"tambon: audit log BROKEN: {message}", err=True)
    sys.exit(1)


COMMANDS = [audit]
