"""A fake LINE Messaging API for development and tests: records what the bot sends.

Serves reply, push, content and loading endpoints; `/_control/...` tells it to fail with
429/500 (`count` calls, or for `seconds`), to be slow, or to hold content, and lists what it
received. Mounted inside `tambon serve` in development, or run alone with `tambon fake-line`.

With TAMBON_FAKE_LINE_JOURNAL=PATH set, `tambon fake-line` appends each received call to
PATH (JSON lines) and reads it back on start, so the fault tests can kill it (LINE down:
connection refused) and start it again without losing what it received, which reply
tokens were used or which retry keys it accepted.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from flask import Blueprint, Flask, Response, jsonify, request

# Imported with the module, not on the first call: the SDK's models imported by two request
# threads at once fail with "cannot access submodule 'messaging' ... circular import", and
# the fake answered 400 to the first sends after each start (seen in the LINE-outage test).
from linebot.v3.messaging.models import Message

log = logging.getLogger("tambon.fake_line")


@dataclass
class Failure:
    status: int
    remaining: int
    retry_after: int | None = None
    until: float | None = None  # fail every call until this time.time(), whatever the count


@dataclass
class FakeLineState:
    received: list[dict] = field(default_factory=list)
    used_reply_tokens: set[str] = field(default_factory=set)
    retry_keys: set[str] = field(default_factory=set)
    content: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    failures: list[Failure] = field(default_factory=list)
    delay_seconds: float = 0.0
    down: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)
    journal: Path | None = None

    def __post_init__(self) -> None:
        if self.journal is not None and self.journal.is_file():
            for line in self.journal.read_text().splitlines():
                if not line.strip():
                    continue
                try:
                    entry = json.loads(line)
                except ValueError:
                    continue  # a line cut short when the process was killed
                self.received.append(entry)
                if entry.get("reply_token"):
                    self.used_reply_tokens.add(entry["reply_token"])
                if entry.get("retry_key"):
                    self.retry_keys.add(entry["retry_key"])

    def record(self, kind: str, **entry) -> dict:
        with self.lock:
            entry = {"seq": len(self.received) + 1, "kind": kind, "at": time.time(), **entry}
            self.received.append(entry)
            if self.journal is not None:
                with self.journal.open("a") as out:
                    out.write(json.dumps(entry, ensure_ascii=False) + "\n")
            return entry

    def next_failure(self) -> Failure | None:
        with self.lock:
            while self.failures:
                failure = self.failures[0]
                if failure.until is not None:
                    if time.time() < failure.until:
                        return failure
                    self.failures.pop(0)
                    continue
                failure.remaining -= 1
                if failure.remaining <= 0:
                    self.failures.pop(0)
                return failure
            return None

    def reset(self) -> None:
        with self.lock:
            self.received.clear()
            self.used_reply_tokens.clear()
            self.retry_keys.clear()
            self.failures.clear()
            self.delay_seconds = 0.0
            self.down = False


def fake_line_blueprint(state: FakeLineState | None = None) -> Blueprint:
    state = state or FakeLineState()
    bp = Blueprint("fake_line", __name__)
    bp.state = state  # type: ignore[attr-defined]

    def injected():
        """A configured failure or delay, applied before any real work."""
        if state.delay_seconds:
            time.sleep(state.delay_seconds)
        failure = state.next_failure()
        if failure is None:
            return None
        headers = {"Retry-After": str(failure.retry_after)} if failure.retry_after else {}
        return jsonify({"message": "injected failure"}), failure.status, headers

    def authorised() -> bool:
        return request.headers.get("Authorization", "").startswith("Bearer ")

    def refusal(body: dict):
        """What LINE answers before it looks at a send: auth, an injected fault, bad messages."""
        if not authorised():
            return jsonify({"message": "Authentication failed"}), 401
        if (fault := injected()) is not None:
            return fault
        invalid = _invalid_messages(body)
        if invalid is not None:
            # Said in the log too: the bot only sees the status, and a 400 here is a bug.
            log.warning("refused %s: %s", request.path, invalid[0].get_json()["message"])
        return invalid

    @bp.post("/v2/bot/message/reply")
    def reply():
        body = request.get_json(silent=True) or {}
        if (refused := refusal(body)) is not None:
            return refused
        token = body.get("replyToken")
        with state.lock:
            if not token or token in state.used_reply_tokens:
                log.info("refused a reply: reply token %s", "missing" if not token else "used")
                return jsonify({"message": "Invalid reply token"}), 400
            state.used_reply_tokens.add(token)
        entry = state.record("reply", reply_token=token, messages=body.get("messages", []))
        return jsonify(_sent(entry))

    @bp.post("/v2/bot/message/push")
    def push():
        body = request.get_json(silent=True) or {}
        if (refused := refusal(body)) is not None:
            return refused
        retry_key = request.headers.get("X-Line-Retry-Key")
        with state.lock:
            if retry_key and retry_key in state.retry_keys:
                return jsonify({"message": "The retry key is already accepted"}), 409
            if retry_key:
                state.retry_keys.add(retry_key)
        entry = state.record("push", to=body.get("to"), retry_key=retry_key,
                             messages=body.get("messages", []))
        return jsonify(_sent(entry))

    @bp.get("/v2/bot/message/<message_id>/content")
    def content(message_id: str):
        if (fault := injected()) is not None:
            return fault
        found = state.content.get(message_id)
        if found is None:
            return jsonify({"message": "Not found"}), 404
        data, content_type = found
        if callable(data):  # a test's generator: a body too large to hold, sent as it comes
            return Response(data(), 200, {"Content-Type": content_type})
        return data, 200, {"Content-Type": content_type}

    @bp.post("/v2/bot/chat/loading/start")
    def loading():
        return jsonify({}), 202

    @bp.get("/_control/received")
    def received():
        after = request.args.get("after", default=0, type=int)
        with state.lock:
            return jsonify([e for e in state.received if e["seq"] > after])

    @bp.post("/_control/fail")
    def fail():
        body = request.get_json(silent=True) or {}
        seconds = body.get("seconds")
        failure = Failure(status=int(body.get("status", 500)),
                          remaining=int(body.get("count", 1)),
                          retry_after=body.get("retry_after"),
                          until=time.time() + float(seconds) if seconds else None)
        with state.lock:
            state.failures.append(failure)
        return jsonify({"ok": True})

    @bp.post("/_control/delay")
    def delay():
        state.delay_seconds = float((request.get_json(silent=True) or {}).get("seconds", 0))
        return jsonify({"ok": True})

    @bp.post("/_control/content/<message_id>")
    def put_content(message_id: str):
        state.content[message_id] = (request.get_data(),
                                     request.content_type or "application/octet-stream")
        return jsonify({"ok": True})

    @bp.post("/_control/reset")
    def reset():
        state.reset()
        return jsonify({"ok": True})

    return bp


def _invalid_messages(body: dict):
    """LINE refuses a call whose messages are not 1 to 5 valid message objects (400)."""
    messages = body.get("messages")
    if not isinstance(messages, list) or not 1 <= len(messages) <= 5:
        return jsonify({"message": "messages must be 1 to 5 message objects"}), 400
    for message in messages:
        try:
            Message.from_dict(message)
        except Exception as error:  # the SDK's models say what LINE would refuse
            reason = f"{type(error).__name__}: {str(error)[:200]}"
            return jsonify({"message": f"invalid message: {reason}"}), 400
    return None


def _sent(entry: dict) -> dict:
    count = len(entry.get("messages", []))
    return {"sentMessages": [{"id": f"{entry['seq']}{i:03d}", "quoteToken": f"q{entry['seq']}{i}"}
                             for i in range(count)]}


def create_fake_line_app(state: FakeLineState | None = None) -> Flask:
    if state is None:
        journal = os.environ.get("TAMBON_FAKE_LINE_JOURNAL")
        state = FakeLineState(journal=Path(journal) if journal else None)
    app = Flask("fake_line")
    app.register_blueprint(fake_line_blueprint(state))
    return app
