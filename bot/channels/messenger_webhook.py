"""GET and POST /messenger: Meta's subscription handshake, and its webhook like /callback.

POST checks `X-Hub-Signature-256` (HMAC-SHA256 of the raw body with the app secret,
compared in constant time) before it reads anything, caps the body, stores each event once
in the same inbox as LINE's and answers 200 at once: Meta, like LINE, redelivers what is
not acknowledged quickly, and the worker does the rest. Without Messenger's settings the
channel is off and both answer 404.
"""

from __future__ import annotations

import hashlib
import hmac
import logging

from flask import Blueprint, abort, current_app, request
from sqlalchemy.exc import SQLAlchemyError

from bot.channels.messenger_events import events_of
from bot.webhook import load_json, store

log = logging.getLogger("tambon.messenger")

messenger_webhook = Blueprint("messenger_webhook", __name__)

SIGNATURE_HEADER = "X-Hub-Signature-256"
SIGNATURE_PREFIX = "sha256="


def _settings():
    services = current_app.extensions["tambon"]
    if services.settings.messenger is None:
        abort(404)
    return services, services.settings.messenger


@messenger_webhook.get("/messenger")
def verify():
    _, messenger = _settings()
    mode = request.args.get("hub.mode", "")
    token = request.args.get("hub.verify_token", "")
    challenge = request.args.get("hub.challenge", "")
    if mode == "subscribe" and hmac.compare_digest(token.encode(),
                                                   messenger.verify_token.encode()):
        log.info("messenger subscription verified")
        return challenge, 200, {"Content-Type": "text/plain; charset=utf-8"}
    log.warning("messenger verification refused")
    return "forbidden", 403


def signature_ok(body: bytes, header: str, secret: str) -> bool:
    if not header.startswith(SIGNATURE_PREFIX):
        return False
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(header[len(SIGNATURE_PREFIX):].encode("ascii", "replace"),
                               expected.encode())


@messenger_webhook.post("/messenger")
def receive():
    services, messenger = _settings()
    cap = services.settings.max_body_bytes
    length = request.content_length
    if length is not None and length > cap:
        log.warning("messenger body refused: %s bytes over the cap", length)
        return "body too large", 413
    body = request.get_data(cache=False, as_text=False)
    if len(body) > cap:
        log.warning("messenger body refused: over the cap")
        return "body too large", 413
    header = request.headers.get(SIGNATURE_HEADER, "")
    if not header or not signature_ok(body, header, messenger.app_secret):
        log.warning("messenger refused: %s signature", "missing" if not header else "bad")
        return "bad signature", 400
    payload = load_json(body)
    if not isinstance(payload, dict) or not isinstance(payload.get("entry", []), list):
        log.warning("messenger refused: body is not a webhook object")
        return "malformed body", 400
    events = events_of(payload)
    if not events:
        return "OK", 200  # receipts, echoes, other objects: nothing for the desk
    try:
        new = store(services, events)
    except SQLAlchemyError as error:
        log.error("messenger could not store %s events: %s", len(events), type(error).__name__)
        return "try again", 503
    log.info("messenger stored %s of %s events", new, len(events))
    if new and services.worker_wakeup is not None:
        services.worker_wakeup.set()
    return "OK", 200
