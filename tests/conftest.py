"""Shared fixtures: a migrated database (SQLite, or PostgreSQL when TAMBON_TEST_DATABASE_URL
points at one), a development key ring, the default organization, a fake LINE API on
loopback, the Flask app and a worker driven step by step.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime

import pytest
import requests
from linebot.v3.webhook import SignatureValidator
from sqlalchemy import text
from werkzeug.serving import make_server

from bot.app import Services, create_app
from bot.fake_line import FakeLineState, create_fake_line_app
from bot.settings import load_settings
from bot.worker import Worker
from data import DEFAULT_ORG_DIR
from handlers.chat.context import Context
from handlers.org import load_organization
from storage import audit
from storage.db import Base, make_engine, make_session_factory, upgrade
from storage.vault import KeyRing, Vault

os.environ.setdefault("PYTHAINLP_OFFLINE", "1")

PG_URL = os.environ.get("TAMBON_TEST_DATABASE_URL", "")


def _is_postgres() -> bool:
    return PG_URL.startswith("postgresql")


@pytest.fixture(scope="session")
def _pg_engine():
    if not _is_postgres():
        yield None
        return
    # Lives through the whole run, and tests/faults restarts the server: ping before use,
    # which the service's own engines no longer do (see storage/db.py).
    engine = make_engine(PG_URL, pool_pre_ping=True)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture(autouse=True)
def _fresh_manual_index_check():
    """Each test has its own database: check it, not a previous test's, for manual edits."""
    from handlers.manual.store import forget_cached_index

    forget_cached_index()
    yield


@pytest.fixture(autouse=True)
def _fresh_office_edits_check():
    """Likewise for the offices an admin edited: routing reads this test's database."""
    from handlers.routing import edits

    edits._ROUTERS.clear()
    yield


@pytest.fixture
def database_url(tmp_path, _pg_engine) -> str:
    if _pg_engine is None:
        return f"sqlite:///{tmp_path / 'tambon.db'}"
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with _pg_engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    return PG_URL


@pytest.fixture
def engine(database_url):
    engine = make_engine(database_url)
    if engine.dialect.name == "sqlite":
        upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def sessions(engine, keyring, tmp_path):
    """Sessions that sign audit records with the test key ring, as the service's do; the
    chain's head goes where the `settings` fixture's instance folder keeps it."""
    key = audit.audit_key(keyring)
    head = audit.HeadFile(tmp_path / "instance" / "audit-head.json", key)
    return audit.bind(make_session_factory(engine), audit.Chain(key, head))


@pytest.fixture
def keyring() -> KeyRing:
    return KeyRing.generate(development=True)


@pytest.fixture
def vault(keyring) -> Vault:
    return Vault(keyring)


@pytest.fixture(scope="session")
def org():
    return load_organization(DEFAULT_ORG_DIR)


@pytest.fixture
def clock():
    """A settable clock: tests move time instead of sleeping."""

    class Clock:
        def __init__(self):
            self.now = datetime.now(UTC)

        def __call__(self):
            return self.now

        def advance(self, **delta):
            from datetime import timedelta

            self.now += timedelta(**delta)

    return Clock()


@pytest.fixture
def make_context(sessions, vault, org, clock):
    """Context factory for handler tests: `with make_context("U1") as ctx: ...` commits."""
    from contextlib import contextmanager

    @contextmanager
    def factory(user_id: str | None = "U" + "1" * 32):
        with sessions() as session, session.begin():
            yield Context(session=session, now=clock(), vault=vault, org=org, user_id=user_id)

    return factory


class FakeLine:
    """The fake LINE API on a loopback port, with helpers to read and steer it."""

    def __init__(self):
        self.state = FakeLineState()
        self._server = make_server("127.0.0.1", 0, create_fake_line_app(self.state),
                                   threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def received(self) -> list[dict]:
        with self.state.lock:
            return list(self.state.received)

    def messages_to(self, user_id: str, reply_tokens: set[str] | None = None) -> list[dict]:
        found = []
        for entry in self.received():
            if entry.get("to") == user_id or (reply_tokens and entry.get("reply_token")
                                              in reply_tokens):
                found.extend(entry["messages"])
        return found

    def fail(self, status: int, count: int = 1, retry_after: int | None = None) -> None:
        requests.post(self.url + "/_control/fail", timeout=5,
                      json={"status": status, "count": count, "retry_after": retry_after})

    def close(self) -> None:
        self._server.shutdown()


@pytest.fixture
def fake_line() -> Iterator[FakeLine]:
    server = FakeLine()
    yield server
    server.close()


@pytest.fixture
def settings(tmp_path, database_url, fake_line):
    base = load_settings({"TAMBON_INSTANCE_DIR": str(tmp_path / "instance"),
                          "DATABASE_URL": database_url})
    return replace(base, line_api_base=fake_line.url)


@pytest.fixture
def services(settings, engine, sessions, vault, org, clock) -> Services:
    return Services(settings=settings, engine=engine, sessions=sessions, vault=vault, org=org,
                    signature=SignatureValidator(settings.channel_secret), clock=clock)


@pytest.fixture
def app(services):
    app = create_app(services)
    app.config["TESTING"] = True
    return app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def worker(services) -> Worker:
    return Worker(services.sessions, services.vault, services.org, services.line_api(),
                  clock=services.clock)


@pytest.fixture
def line_user(client, services, worker, fake_line):
    """A LINE user talking to the bot through the real webhook, worker and fake LINE."""
    from tests.line_helpers import LineUser

    return LineUser(client, services.settings.channel_secret, worker, fake_line)


# --- Facebook Messenger (issue 20) ---------------------------------------------------------

MESSENGER_APP_SECRET = "test-messenger-app-secret"
MESSENGER_VERIFY_TOKEN = "test-verify-token"


class FakeMessenger:
    """The fake Send API on a loopback port."""

    def __init__(self):
        from bot.channels.fake_messenger import FakeMessengerState, create_fake_messenger_app

        self.state = FakeMessengerState()
        self._server = make_server("127.0.0.1", 0, create_fake_messenger_app(self.state),
                                   threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def received(self) -> list[dict]:
        with self.state.lock:
            return list(self.state.received)

    def fail(self, status: int, count: int = 1, code: int | None = None) -> None:
        requests.post(self.url + "/_control/fail", timeout=5,
                      json={"status": status, "count": count, "code": code})

    def close(self) -> None:
        self._server.shutdown()


@pytest.fixture
def fake_messenger() -> Iterator[FakeMessenger]:
    server = FakeMessenger()
    yield server
    server.close()


@pytest.fixture
def messenger_services(services, fake_messenger) -> Services:
    """The services with Messenger on, its sends going to the fake Send API."""
    from bot.settings import MessengerSettings

    on = MessengerSettings(app_secret=MESSENGER_APP_SECRET, page_token="test-page-token",
                           verify_token=MESSENGER_VERIFY_TOKEN, api_base=fake_messenger.url)
    return replace(services, settings=replace(services.settings, messenger=on))


@pytest.fixture
def messenger_client(messenger_services):
    app = create_app(messenger_services)
    app.config["TESTING"] = True
    return app.test_client()


@pytest.fixture
def messenger_worker(messenger_services) -> Worker:
    return Worker(messenger_services.sessions, messenger_services.vault, messenger_services.org,
                  messenger_services.line_api(), clock=messenger_services.clock,
                  messenger=messenger_services.messenger_api())


@pytest.fixture
def messenger_user(messenger_client, messenger_worker, fake_messenger):
    """A Messenger user talking to the page through /messenger, the worker and the fake."""
    from tests.messenger_helpers import MessengerUser

    return MessengerUser(messenger_client, MESSENGER_APP_SECRET, messenger_worker,
                         fake_messenger)
