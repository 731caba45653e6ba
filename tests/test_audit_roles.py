"""On PostgreSQL the application's role may only INSERT and SELECT the audit log
(`tambon db grant`), while the trigger refuses UPDATE and DELETE to everyone."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from storage import audit
from storage.db import make_engine, make_session_factory, upgrade
from storage.vault import KeyRing
from tests.faults.harness import fresh_pg_database, pg_server_url

pytestmark = pytest.mark.skipif(pg_server_url() is None, reason="needs PostgreSQL")


@pytest.fixture
def app_role():
    role = f"tambon_app_{uuid.uuid4().hex[:8]}"
    admin = make_engine(pg_server_url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE ROLE "{role}" LOGIN'))
    try:
        yield role
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
        admin.dispose()


def test_the_application_role_appends_and_reads_the_audit_log_only(app_role, tmp_path):
    with fresh_pg_database(pg_server_url(), prefix="tambon_roles") as url:
        upgrade(make_engine(url))  # as the owner, like `release: tambon db upgrade`
        env = {**os.environ, "DATABASE_URL": url, "PYTHAINLP_OFFLINE": "1",
               "TAMBON_INSTANCE_DIR": str(tmp_path)}
        done = subprocess.run([sys.executable, "-m", "bot", "db", "grant", app_role], env=env,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        as_app = make_engine(url.replace("postgres@", f"{app_role}@"))
        ring = KeyRing.generate(development=True)
        key = audit.audit_key(ring)
        sessions = audit.bind(make_session_factory(as_app), audit.Chain(key))
        try:
            with sessions() as session, session.begin():
                audit.append(session, actor="cli", action="test", now=datetime.now(UTC))
            with as_app.connect() as connection:
                assert connection.execute(text("SELECT count(*) FROM audit_log")).scalar() == 1
                connection.execute(text("UPDATE officers SET active = active"))  # others: yes
                connection.rollback()
            for statement in ("UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log",
                              "TRUNCATE audit_log", "ALTER TABLE audit_log DISABLE TRIGGER ALL",
                              "DROP TRIGGER audit_log_append_only ON audit_log"):
                with pytest.raises(DBAPIError, match="permission denied|must be owner"):
                    with as_app.begin() as connection:
                        connection.execute(text(statement))
        finally:
            as_app.dispose()
