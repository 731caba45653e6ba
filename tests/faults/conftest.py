"""Databases for the multi-process fault tests.

Decision: these tests start real processes (gunicorn, `tambon worker`, `tambon fake-line`), so
they never share the per-test database of tests/conftest.py. On PostgreSQL — when
TAMBON_TEST_DATABASE_URL is set, as in CI's second pass — each test creates a fresh database
on that server and drops it afterwards. Tests that need PostgreSQL (two workers, a server
restart) skip on the SQLite pass with that reason; the others run there on a SQLite file.
"""

from __future__ import annotations

import pytest

from tests.faults.harness import fresh_pg_database, pg_server_url

NEEDS_PG = "needs PostgreSQL: set TAMBON_TEST_DATABASE_URL=postgresql://... (CI's second pass)"


@pytest.fixture
def pg_database():
    server = pg_server_url()
    if server is None:
        pytest.skip(NEEDS_PG)
    with fresh_pg_database(server) as url:
        yield url


@pytest.fixture
def any_database(tmp_path):
    """The pass's backend: a fresh PostgreSQL database, or a SQLite file."""
    server = pg_server_url()
    if server is None:
        yield f"sqlite:///{tmp_path / 'faults.db'}"
        return
    with fresh_pg_database(server) as url:
        yield url
