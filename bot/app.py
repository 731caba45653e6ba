"""The Flask application factory and the services every request and the worker share."""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from flask import Flask
from linebot.v3.webhook import SignatureValidator
from sqlalchemy.engine import Engine
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import sessionmaker
from werkzeug.middleware.proxy_fix import ProxyFix

from bot.channels.messenger_api import MessengerApi
from bot.keys import load_keyring
from bot.line_api import LineApi
from bot.settings import (
    FAKE_LINE_PATH,
    FAKE_MESSENGER_PATH,
    GRAPH_API,
    Settings,
    SettingsError,
    load_settings,
)
from handlers.org import Organization, load_organization
from storage import audit
from storage.db import make_engine, make_session_factory
from storage.models import utcnow
from storage.vault import KeyRing, Vault

log = logging.getLogger("tambon")


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

    def messenger_api(self) -> MessengerApi | None:
        """The Send API client, or None when Messenger is off."""
        found = self.settings.messenger
        if found is None:
            return None
        return MessengerApi(found.page_token, found.api_base or GRAPH_API)


def build_services(settings: Settings | None = None, engine: Engine | None = None) -> Services:
    settings = settings or load_settings()
    engine = engine or make_engine(settings.database_url)
    ring = load_keyring(settings)
    return Services(
        settings=settings,
        engine=engine,
        sessions=audited_sessions(engine, ring, settings),
        vault=Vault(ring, reload=_ring_reloader(settings)),
        org=load_organization(settings.org_dir),
        signature=SignatureValidator(settings.channel_secret),
    )


def audited_sessions(engine: Engine, ring: KeyRing, settings: Settings) -> sessionmaker:
    """Sessions whose audit records are signed with the ring's audit key, the chain's head
    kept in TAMBON_AUDIT_HEAD_FILE."""
    key = audit.audit_key(ring)
    return audit.bind(make_session_factory(engine),
                      audit.Chain(key, audit.HeadFile(settings.audit_head_file, key)))


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
    if services.settings.trusted_proxies:
        # The client's address and scheme as the nearest N proxies saw them: limits key on
        # the citizen, not on the proxy, and cookies are Secure behind a TLS proxy. Headers
        # beyond N are a client's own words and are ignored.
        hops = services.settings.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)

    from bot.channels.messenger_webhook import messenger_webhook
    from bot.webhook import webhook

    app.register_blueprint(webhook)
    app.register_blueprint(messenger_webhook)
    if services.settings.development:
        from bot.channels.fake_messenger import fake_messenger_blueprint
        from bot.fake_line import fake_line_blueprint

        app.register_blueprint(fake_line_blueprint(), url_prefix=FAKE_LINE_PATH)
        app.register_blueprint(fake_messenger_blueprint(), url_prefix=FAKE_MESSENGER_PATH)
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
    """TAMBON_SECRET_KEY (production refuses to start without it); in development, one
    generated into the instance folder, shared by every process that uses the folder."""
    if settings.secret_key:
        return settings.secret_key
    path = settings.instance_dir / "secret_key"
    path.parent.mkdir(parents=True, exist_ok=True)
    # O_EXCL: of two processes starting at once, one writes and both read its key.
    with contextlib.suppress(FileExistsError):
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_hex(32))
    for _ in range(50):  # the writer may not have written yet
        key = path.read_text().strip()
        if key:
            return key
        time.sleep(0.01)
    raise SettingsError(f"{path} is empty: delete it and start again")
