"""Building and signing Messenger webhook bodies the way Meta does, for tests."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import uuid

PAGE_ID = "104000000000001"


def sign(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def signed(messaging: list[dict], secret: str) -> tuple[bytes, dict]:
    body = json.dumps({"object": "page", "entry": [
        {"id": PAGE_ID, "time": int(time.time() * 1000), "messaging": messaging}]},
        ensure_ascii=False).encode()
    return body, {"X-Hub-Signature-256": sign(body, secret), "Content-Type": "application/json"}


def new_psid() -> str:
    return str(uuid.uuid4().int)[:16]


def _base(psid: str) -> dict:
    return {"sender": {"id": psid}, "recipient": {"id": PAGE_ID},
            "timestamp": int(time.time() * 1000)}


def text_item(psid: str, text: str, payload: str | None = None) -> dict:
    message = {"mid": "m_" + uuid.uuid4().hex, "text": text}
    if payload is not None:
        message["quick_reply"] = {"payload": payload}
    return {**_base(psid), "message": message}


def postback_item(psid: str, payload: str, title: str = "") -> dict:
    return {**_base(psid), "postback": {"mid": "m_" + uuid.uuid4().hex, "title": title,
                                        "payload": payload}}


def attachment_item(psid: str, kind: str, url: str) -> dict:
    return {**_base(psid), "message": {"mid": "m_" + uuid.uuid4().hex, "attachments": [
        {"type": kind, "payload": {"url": url}}]}}


class MessengerUser:
    """One person writing to the page: signs bodies like Meta, runs the worker, reads what
    the fake Send API got for them. Typing the title of a quick reply just shown taps it."""

    def __init__(self, client, secret: str, worker, fake, psid: str | None = None):
        self.client, self.secret, self.worker, self.fake = client, secret, worker, fake
        self.psid = psid or new_psid()
        self.quick: dict[str, str] = {}

    def post(self, *items: dict):
        body, headers = signed(list(items), self.secret)
        return self.client.post("/messenger", data=body, headers=headers)

    def send(self, item: dict) -> list[dict]:
        before = len(self.fake.received())
        answer = self.post(item)
        assert answer.status_code == 200, answer.status_code
        self.worker.run_until_idle()
        messages = [e["message"] for e in self.fake.received()[before:] if e["to"] == self.psid]
        for message in messages:
            if message.get("quick_replies"):
                self.quick = {q["title"]: q["payload"] for q in message["quick_replies"]}
        return messages

    def say(self, text: str) -> list[dict]:
        return self.send(text_item(self.psid, text, self.quick.get(text)))

    def tap(self, payload: str) -> list[dict]:
        return self.send(postback_item(self.psid, payload))


def texts(messages: list[dict]) -> str:
    """What the person reads: texts, quick-reply and button titles, template titles."""
    from handlers.messages import nodes

    return "\n".join(n[k] for n in nodes(messages) for k in ("text", "title", "subtitle")
                     if isinstance(n.get(k), str))
