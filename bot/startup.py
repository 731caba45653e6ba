"""What every process does before it works: settings, port, database, keys, default data.

Each mistake an operator can make here (a setting, a port in use, a database missing or
unreachable or not upgraded, a bad key ring) stops the process with one line naming it
(bot/cli.py prints it; exit code 2), never a traceback. They are checked in that order,
before anything else is printed.
"""

from __future__ import annotations

import gc
import logging
import socket

from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from bot.app import Services, build_services
from bot.settings import FAKE_LINE_PATH, FAKE_MESSENGER_PATH, SettingsError, load_settings
from storage.db import DatabaseUnusable, check_database, describe_failure, make_engine, upgrade

log = logging.getLogger("tambon.startup")


def prepare(port: int | None, migrate: bool = True, warm: bool = True,
            host: str = "127.0.0.1") -> Services:
    """`migrate`: bring the schema up to date (tambon serve); otherwise it must be."""
    settings = load_settings()
    if port is not None:
        check_port(host, port)
    if settings.development and settings.line_api_base is None and port is not None:
        settings = settings.with_line_api_base(f"http://127.0.0.1:{port}{FAKE_LINE_PATH}")
    if settings.development and settings.messenger and settings.messenger.api_base is None \
            and port is not None:
        settings = settings.with_messenger_api_base(
            f"http://127.0.0.1:{port}{FAKE_MESSENGER_PATH}")
    engine = make_engine(settings.database_url)
    ready_database(engine, migrate=migrate)
    services = build_services(settings, engine)
    if migrate:
        load_default_data(services)
    if warm:
        warm_up(services)
    freeze_heap()
    return services


def web_services() -> Services:
    """A gunicorn web process's services: the database reached and upgraded first."""
    settings = load_settings()
    engine = make_engine(settings.database_url)
    ready_database(engine, migrate=False)
    return build_services(settings, engine)


def check_port(host: str, port: int) -> None:
    """SettingsError if nothing can listen on host:port (checked before any work)."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            raise SettingsError(f"cannot listen on {host}:{port}: {error.strerror.lower()} "
                                f"(another server there? give --port)") from None


def ready_database(engine: Engine, *, migrate: bool) -> None:
    """Reach the database; upgrade it (`migrate`) or find it upgraded. SettingsError else."""
    try:
        check_database(engine, migrated=not migrate)
        if migrate:
            upgrade(engine)
    except DatabaseUnusable as error:
        raise SettingsError(str(error)) from None
    except DBAPIError as error:  # failed while migrating
        raise SettingsError(describe_failure(engine.url, error)) from None


def freeze_heap() -> None:
    """Keep what start-up loaded out of the garbage collector's full passes.

    The modules, pythainlp's word list and the manual's index are hundreds of thousands of
    objects that live as long as the process. A full collection walked all of them: in a
    web process under load it stopped every request thread for 200-470 ms, which was the
    whole of the webhook's p99 while the worker was busy (bench/webhook.py). Frozen objects
    are still freed if they become garbage; they are just no longer scanned for cycles.
    """
    gc.collect()
    gc.freeze()


def warm_up(services: Services) -> None:
    """Build the manual's search index now, so the first citizen does not wait for it."""
    # Imported here: the manual search loads pythainlp, which commands that never start
    # the service (the CLI's others) should not wait for.
    from handlers.manual.store import index_for

    with services.sessions() as session:
        index_for(session, services.org)


def load_default_data(services: Services) -> None:
    """Load the organization's service manual into an empty database (first start)."""
    from handlers.manual.store import load_manual_if_empty  # as in warm_up

    with services.sessions() as session, session.begin():
        loaded = load_manual_if_empty(session, services.org)
    if loaded:
        log.info("loaded %s service manual entries", loaded)
