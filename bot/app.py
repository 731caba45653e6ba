"""The Flask application factory and the services every request and the worker share."""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from flask import Flask
from linebot.v3.webhook import SignatureValidator
from sqlalchemy.engine import Engine
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import sessionmaker

from bot.keys import load_keyring
from bot.line_api import LineApi
from bot.settings import FAKE_LINE_PATH, Settings, load_settings
from handlers.org import Organization, load_organization
from storage.db import make_engine, make_session_factory
from storage.vault import Vault

log = logging.getLogger("tambon")


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class Services:
    settings: Settings
    engine: Engine
    sessions: sessionmaker
    vault: Vault
    org: Organization
    signature: SignatureValidator
    clock: Callable[[], datetime] = utcnow
    worker_wakeup: threading.Event | None = None
    extras: dict = field(default_factory=dict)

    def line_api(self) -> LineApi:
        return LineApi(self.settings.channel_access_token, self.settings.line_api_base)


def build_services(settings: Settings | None = None) -> Services:
    settings = settings or load_settings()
    engine = make_engine(settings.database_url)
    return Services(
        settings=settings,
        engine=engine,
        sessions=make_session_factory(engine),
        vault=Vault(load_keyring(settings), reload=_ring_reloader(settings)),
        org=load_organization(settings.org_dir),
        signature=SignatureValidator(settings.channel_secret),
    )


def _ring_reloader(settings: Settings):
    """A ring kept in a file can gain keys while we run (`tambon keys rotate`)."""
    if settings.keyring_json:
        return None
    return lambda: load_keyring(settings)


def create_app(services: Services | None = None) -> Flask:
    services = services or build_services()
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = services.settings.max_body_bytes * 64
    app.config["SECRET_KEY"] = _secret_key(services.settings)
    app.extensions["tambon"] = services

    from bot.webhook import webhook

    app.register_blueprint(webhook)
    if services.settings.development:
        from bot.fake_line import fake_line_blueprint

        app.register_blueprint(fake_line_blueprint(), url_prefix=FAKE_LINE_PATH)
    _register_optional_blueprints(app, services)

    @app.get("/healthz")
    def healthz():
        return {"ok": True}

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def database_unavailable(error):
        # The database is down or restarting (or a connection died with it): a page says
        # so in Thai and asks for a retry, rather than a bare 500.
        from handlers.texts import text

        log.error("request failed: database unavailable (%s)", type(error).__name__)
        return (text("core_database_unavailable"), 503,
                {"Content-Type": "text/plain; charset=utf-8", "Retry-After": "5"})

    return app


def _register_optional_blueprints(app: Flask, services: Services) -> None:
    """Web pages from other modules (console, public pages) register themselves here."""
    from bot import pages

    for register in pages.REGISTRARS:
        register(app, services)


def _secret_key(settings: Settings) -> str:
    if settings.secret_key:
        return settings.secret_key
    if not settings.development:
        # Each gunicorn process would otherwise sign cookies with its own key.
        log.warning("TAMBON_SECRET_KEY is not set: console sessions end when a process restarts")
        return secrets.token_hex(32)
    path = settings.instance_dir / "secret_key"
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()
