"""Engines, sessions and schema upgrades for SQLite and PostgreSQL alike."""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import URL, Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import DeclarativeBase, sessionmaker

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


class Base(DeclarativeBase):
    pass


def make_engine(url: str, **kwargs) -> Engine:
    """An engine for `url`; SQLite gets WAL and a busy timeout so web and worker share it."""
    if url.startswith("sqlite"):
        _ensure_sqlite_folder(url)
        engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if url.startswith("postgresql://"):
        # SQLAlchemy's default PostgreSQL driver is psycopg2; we ship psycopg 3.
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    # No ping on every checkout: it cost each webhook request a round trip to the server.
    # After a server restart the first statement on an old connection fails instead; the
    # pool then drops every connection older than that failure, the webhook retries once
    # (bot/webhook.py), the worker's loops wait and go on, and pages answer 503 (bot/app.py).
    return create_engine(url, **kwargs)


def make_session_factory(engine: Engine) -> sessionmaker:
    return sessionmaker(engine, expire_on_commit=False)


def _ensure_sqlite_folder(url: str) -> None:
    path = url.split("///", 1)[-1]
    if path and path != ":memory:" and not path.startswith("file:"):
        Path(path).parent.mkdir(parents=True, exist_ok=True)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets the webhook write while the worker reads; NORMAL sync is durable across
    # process crashes (only a power cut can lose the last transactions).
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def alembic_config(engine: Engine):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply the Alembic migrations up to `revision`."""
    from alembic import command

    command.upgrade(alembic_config(engine), revision)


def create_schema(engine: Engine) -> None:
    """The whole schema, through the migrations: tests run what production runs."""
    upgrade(engine)


class DatabaseUnusable(Exception):
    """The database cannot be used; the message is one line for the operator, no secret."""


def schema_revision(engine: Engine) -> tuple[str | None, str]:
    """(the database's migration revision, the code's newest)."""
    quiet = logging.getLogger("alembic")
    level = quiet.level
    quiet.setLevel(logging.WARNING)  # a check, not a migration: nothing to report
    try:
        # Imported here, quietly: alembic announces its plugins at import.
        from alembic.runtime.migration import MigrationContext
        from alembic.script import ScriptDirectory

        head = ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision(), head
    finally:
        quiet.setLevel(level)


def check_database(engine: Engine, *, migrated: bool) -> None:
    """Reach the database (and, with `migrated`, find it up to date), or DatabaseUnusable."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        if migrated:
            current, head = schema_revision(engine)
            if current != head:
                raise DatabaseUnusable(
                    f"the database is at migration {current or 'none'}, the code needs {head}: "
                    f"run `tambon db upgrade`")
    except DBAPIError as error:
        raise DatabaseUnusable(describe_failure(engine.url, error)) from None


def describe_failure(url: URL, error: DBAPIError) -> str:
    """One line saying why the database at `url` cannot be used."""
    said = str(getattr(error, "orig", error)).strip().splitlines()
    first = said[0] if said else type(error).__name__
    where = (f"{url.host or 'localhost'}:{url.port or 5432}"
             if url.get_backend_name() == "postgresql" else url.database)
    if "does not exist" in first and url.get_backend_name() == "postgresql":
        return (f"database {url.database!r} does not exist on {where}: create it "
                f"(createdb) or correct DATABASE_URL")
    if "authentication failed" in first or "no password supplied" in first:
        return f"the database on {where} refused user {url.username!r}: check DATABASE_URL"
    if any(m in first for m in ("refused", "could not connect", "timeout", "timed out",
                                "No such file", "could not translate host")):
        return f"cannot reach the database at {where}: is the server running there?"
    if "unable to open database file" in first:
        return f"cannot open the SQLite file {where}: check the folder and its permissions"
    return f"database at {where} unusable: {first[:200]}"
