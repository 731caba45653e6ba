"""POST /callback: check LINE's signature, store each event once, answer 200 at once.

Nothing slow happens here (no Thai NLP, no outgoing HTTP): LINE gives up after two seconds
and then redelivers, and the worker does the rest.
"""

from __future__ import annotations

import json
import logging

from flask import Blueprint, current_app, request
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from storage.inbox import store_events

log = logging.getLogger("tambon.webhook")

webhook = Blueprint("webhook", __name__)


@webhook.post("/callback")
def callback():
    services = current_app.extensions["tambon"]
    length = request.content_length
    if length is not None and length > services.settings.max_body_bytes:
        log.warning("webhook body refused: %s bytes over the cap", length)
        return "body too large", 413
    body = request.get_data(cache=False, as_text=False)
    if len(body) > services.settings.max_body_bytes:
        log.warning("webhook body refused: over the cap")
        return "body too large", 413
    signature = request.headers.get("X-Line-Signature", "")
    if not signature or not services.signature.validate(body.decode("utf-8", "replace"),
                                                        signature):
        log.warning("webhook refused: %s signature", "missing" if not signature else "bad")
        return "bad signature", 400
    events = _parse_events(body)
    if events is None:
        log.warning("webhook refused: body is not a LINE webhook object")
        return "malformed body", 400
    if not events:
        return "OK", 200  # LINE's "Verify" button sends no events
    try:
        new = store(services, events)
    except SQLAlchemyError as error:
        # Not stored, so not acknowledged: LINE will redeliver.
        log.error("webhook could not store %s events: %s", len(events), type(error).__name__)
        return "try again", 503
    log.info("webhook stored %s of %s events", new, len(events))
    if new and services.worker_wakeup is not None:
        services.worker_wakeup.set()
    return "OK", 200


def store(services, events: list[dict]) -> int:
    """Store the events with one statement in autocommit: one INSERT is atomic by itself,
    and a transaction around it cost two more round trips (BEGIN, COMMIT) a request."""
    try:
        return _store_once(services, events)
    except DBAPIError as error:
        if not error.connection_invalidated:
            raise
    # A connection that died with a database restart: the pool has dropped the old ones,
    # so one more try goes to the server as it is now.
    return _store_once(services, events)


def _store_once(services, events: list[dict]) -> int:
    with services.engine.connect() as connection:
        connection = connection.execution_options(isolation_level="AUTOCOMMIT")
        return store_events(connection, services.vault, events, services.clock())


def _parse_events(body: bytes) -> list[dict] | None:
    payload = load_json(body)
    if not isinstance(payload, dict):
        return None
    events = payload.get("events", [])
    if not isinstance(events, list) or not all(isinstance(e, dict) for e in events):
        return None
    return events


def load_json(body: bytes):
    """The body's JSON, or None when it is not JSON that can be sealed as it is."""
    try:
        payload = json.loads(body, parse_constant=_no_constant)
        # What is stored must seal as strict UTF-8 JSON: NaN/Infinity, a lone surrogate
        # escape (\ud800) or nesting deeper than Python recurses made the sealing raise (500).
        json.dumps(payload, ensure_ascii=False, allow_nan=False).encode("utf-8")
    except (ValueError, RecursionError):  # UnicodeError is a ValueError
        return None
    return payload


def _no_constant(name: str):
    raise ValueError(f"{name} is not JSON")
