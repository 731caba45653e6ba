"""A fake Send API for development and tests: records what the bot sends to Messenger.

Checks each send as Meta would refuse it (a bearer token, a recipient, `messaging_type`,
Messenger's limits on texts, quick replies and templates) and records the rest;
`/_control/...` lists what it got, makes the next calls fail, and holds attachments for
events that carry one (`/attachments/<id>`, as Meta's CDN would serve them).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from flask import Blueprint, Flask, jsonify, request

from bot.channels.messenger import (
    MAX_BUTTONS,
    MAX_PAYLOAD,
    MAX_QUICK_REPLIES,
    MAX_TEMPLATE_TEXT,
    MAX_TEXT,
    MAX_TITLE,
)


@dataclass
class FakeMessengerState:
    received: list[dict] = field(default_factory=list)
    failures: list[tuple[int, int | None]] = field(default_factory=list)  # (status, code)
    attachments: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, **entry) -> dict:
        with self.lock:
            entry = {"seq": len(self.received) + 1, "kind": "send", "at": time.time(), **entry}
            self.received.append(entry)
            return entry


def problem(body: dict) -> str | None:
    """What Meta would refuse in a Send API call, or None."""
    if body.get("messaging_type") not in ("RESPONSE", "UPDATE", "MESSAGE_TAG"):
        return "messaging_type"
    if not isinstance((body.get("recipient") or {}).get("id"), str):
        return "recipient"
    message = body.get("message")
    if not isinstance(message, dict) or ("text" in message) == ("attachment" in message):
        return "message needs a text or an attachment"
    if "text" in message and not 0 < len(message["text"]) <= MAX_TEXT:
        return "text length"
    replies = message.get("quick_replies", [])
    if len(replies) > MAX_QUICK_REPLIES:
        return "too many quick replies"
    for reply in replies:
        if not 0 < len(reply.get("title", "")) <= MAX_TITLE:
            return "quick reply title"
        if len(reply.get("payload", "")) > MAX_PAYLOAD:
            return "quick reply payload"
    payload = (message.get("attachment") or {}).get("payload") or {}
    for element in payload.get("elements", []):
        if len(element.get("title", "")) > MAX_TEMPLATE_TEXT \
                or len(element.get("subtitle", "")) > MAX_TEMPLATE_TEXT:
            return "template title"
        if len(element.get("buttons", [])) > MAX_BUTTONS:
            return "too many buttons"
        for button in element.get("buttons", []):
            if not 0 < len(button.get("title", "")) <= MAX_TITLE:
                return "button title"
    return None


def fake_messenger_blueprint(state: FakeMessengerState | None = None) -> Blueprint:
    state = state or FakeMessengerState()
    bp = Blueprint("fake_messenger", __name__)
    bp.state = state  # type: ignore[attr-defined]

    @bp.post("/me/messages")
    def send():
        if not request.headers.get("Authorization", "").startswith("Bearer "):
            return jsonify({"error": {"message": "no access token", "code": 190}}), 401
        with state.lock:
            failure = state.failures.pop(0) if state.failures else None
        if failure is not None:
            status, code = failure
            return jsonify({"error": {"message": "injected failure", "code": code}}), status
        body = request.get_json(silent=True) or {}
        refused = problem(body)
        if refused:
            return jsonify({"error": {"message": refused, "code": 100}}), 400
        entry = state.record(to=body["recipient"]["id"], messaging_type=body["messaging_type"],
                             message=body["message"])
        return jsonify({"recipient_id": entry["to"], "message_id": f"m_{entry['seq']}"})

    @bp.get("/attachments/<attachment_id>")
    def attachment(attachment_id: str):
        found = state.attachments.get(attachment_id)
        if found is None:
            return jsonify({"error": "not found"}), 404
        return found[0], 200, {"Content-Type": found[1]}

    @bp.post("/_control/attachments/<attachment_id>")
    def put_attachment(attachment_id: str):
        state.attachments[attachment_id] = (request.get_data(),
                                            request.content_type or "application/octet-stream")
        return jsonify({"ok": True})

    @bp.get("/_control/received")
    def received():
        after = request.args.get("after", default=0, type=int)
        with state.lock:
            return jsonify([e for e in state.received if e["seq"] > after])

    @bp.post("/_control/fail")
    def fail():
        body = request.get_json(silent=True) or {}
        with state.lock:
            state.failures += [(int(body.get("status", 500)), body.get("code"))] \
                * int(body.get("count", 1))
        return jsonify({"ok": True})

    @bp.post("/_control/reset")
    def reset():
        with state.lock:
            state.received.clear()
            state.failures.clear()
        return jsonify({"ok": True})

    return bp


def create_fake_messenger_app(state: FakeMessengerState | None = None) -> Flask:
    app = Flask("fake_messenger")
    app.register_blueprint(fake_messenger_blueprint(state))
    return app
