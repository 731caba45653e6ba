"""Building and signing LINE webhook events the way LINE does, for tests."""

from __future__ import annotations

import json
import uuid

from bot.chat import make_event, postback_event, sign, text_event
from handlers.messages import nodes


def signed_body(events: list[dict], secret: str) -> tuple[bytes, dict]:
    body = json.dumps({"destination": "Ubot", "events": events}, ensure_ascii=False).encode()
    return body, {"X-Line-Signature": sign(body, secret), "Content-Type": "application/json"}


def new_user_id() -> str:
    return "U" + uuid.uuid4().hex


class LineUser:
    """One citizen: sends events through /callback, lets the worker run, reads the answers."""

    def __init__(self, client, secret: str, worker, fake_line, user_id: str | None = None):
        self.client, self.secret, self.worker, self.fake_line = client, secret, worker, fake_line
        self.user_id = user_id or new_user_id()

    def post(self, *events: dict):
        body, headers = signed_body(list(events), self.secret)
        return self.client.post("/callback", data=body, headers=headers)

    def send_event(self, event: dict) -> list[dict]:
        """Post one event, run the worker, return the messages LINE got for this user since."""
        before = len(self.fake_line.received())
        answer = self.post(event)
        assert answer.status_code == 200, answer.status_code
        self.worker.run_until_idle()
        token = event.get("replyToken")
        messages: list[dict] = []
        for entry in self.fake_line.received()[before:]:
            if entry.get("to") == self.user_id or (token and entry.get("reply_token") == token):
                messages.extend(entry["messages"])
        return messages

    def say(self, text: str) -> list[dict]:
        return self.send_event(text_event(self.user_id, text))

    def tap(self, data: str) -> list[dict]:
        return self.send_event(postback_event(self.user_id, data))

    def follow(self) -> list[dict]:
        return self.send_event(make_event(self.user_id, "follow"))

    def event(self, kind: str, **fields) -> dict:
        return make_event(self.user_id, kind, **fields)


def texts_of(messages: list[dict]) -> str:
    """Everything a user would read in these messages, as one string (for assertions).
    Reads Messenger's messages too (a quick reply's or a button's `title`)."""
    return "\n".join(node[key] for node in nodes(messages)
                     for key in ("text", "altText", "label", "title")
                     if isinstance(node.get(key), str))


def quick_reply_labels(message: dict) -> list[str]:
    return [item["action"]["label"] for item in (message.get("quickReply") or {}).get("items", [])]
