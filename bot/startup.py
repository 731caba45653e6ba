"""What every process does before it works: settings, schema, keys, default data."""

from __future__ import annotations

import gc
import logging

from bot.app import Services, build_services
from bot.settings import FAKE_LINE_PATH, load_settings
from storage.db import upgrade

log = logging.getLogger("tambon.startup")


def prepare(port: int | None, migrate: bool = True, warm: bool = True) -> Services:
    settings = load_settings()
    if settings.development and settings.line_api_base is None and port is not None:
        settings = settings.with_line_api_base(f"http://127.0.0.1:{port}{FAKE_LINE_PATH}")
    services = build_services(settings)
    if migrate:
        upgrade(services.engine)
        load_default_data(services)
    if warm:
        warm_up(services)
    freeze_heap()
    return services


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
    try:
        from handlers.manual.store import index_for
    except ImportError:
        return
    with services.sessions() as session:
        index_for(session, services.org)


def load_default_data(services: Services) -> None:
    """Load the organization's service manual into an empty database (first start)."""
    try:
        from handlers.manual.store import load_manual_if_empty
    except ImportError:
        return
    with services.sessions() as session, session.begin():
        loaded = load_manual_if_empty(session, services.org)
    if loaded:
        log.info("loaded %s service manual entries", loaded)
