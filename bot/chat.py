"""`tambon chat`: be a LINE user. Signs events like LINE, prints what the bot answered.

Replies are read back from the fake LINE API that `tambon serve` mounts in development.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import sys
import time
import uuid

import requests


def sign(body: bytes, secret: str) -> str:
    digest = hmac.new(secret.encode(), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def make_event(user: str, kind: str, **fields) -> dict:
    event = {
        "type": kind,
        "mode": "active",
        "timestamp": int(time.time() * 1000),
        "source": {"type": "user", "userId": user},
        "webhookEventId": "01" + uuid.uuid4().hex[:24].upper(),
        "deliveryContext": {"isRedelivery": False},
    }
    if kind not in ("unfollow", "leave"):
        event["replyToken"] = uuid.uuid4().hex
    event.update(fields)
    return event


def text_event(user: str, text: str) -> dict:
    return make_event(user, "message",
                      message={"type": "text", "id": str(uuid.uuid4().int)[:18], "text": text})


def postback_event(user: str, data: str) -> dict:
    return make_event(user, "postback", postback={"data": data})


def post_events(url: str, secret: str, events: list[dict], destination: str = "Ufake") -> int:
    body = json.dumps({"destination": destination, "events": events},
                      ensure_ascii=False).encode()
    answer = requests.post(
        url.rstrip("/") + "/callback", data=body, timeout=10,
        headers={"Content-Type": "application/json", "X-Line-Signature": sign(body, secret)},
    )
    return answer.status_code


class Conversation:
    """One chat user: sends events, waits for what the fake LINE received for them."""

    def __init__(self, url: str, line_api: str, user: str, secret: str, wait: float = 10.0):
        self.url, self.line_api, self.user = url, line_api, user
        self.secret, self.wait = secret, wait
        self.seen = self._last_seq()
        self.choices: list[dict] = []

    def _last_seq(self) -> int:
        received = requests.get(self.line_api + "/_control/received", timeout=5).json()
        return received[-1]["seq"] if received else 0

    def send(self, event: dict) -> list[dict]:
        status = post_events(self.url, self.secret, [event])
        if status != 200:
            raise RuntimeError(f"the bot answered HTTP {status}")
        return self._await_answer(event.get("replyToken"))

    def _await_answer(self, token: str | None) -> list[dict]:
        deadline = time.monotonic() + self.wait
        messages: list[dict] = []
        while time.monotonic() < deadline:
            received = requests.get(self.line_api + "/_control/received",
                                    params={"after": self.seen}, timeout=5).json()
            for entry in received:
                self.seen = max(self.seen, entry["seq"])
                if entry.get("reply_token") == token or entry.get("to") == self.user:
                    messages.extend(entry.get("messages", []))
            if messages:
                # Give a split answer (more than five messages) a moment to arrive whole.
                time.sleep(0.2)
                return messages + self._drain()
            time.sleep(0.1)
        return messages

    def _drain(self) -> list[dict]:
        received = requests.get(self.line_api + "/_control/received",
                                params={"after": self.seen}, timeout=5).json()
        out = []
        for entry in received:
            self.seen = max(self.seen, entry["seq"])
            if entry.get("to") == self.user:
                out.extend(entry.get("messages", []))
        return out

    def event_for_input(self, line: str) -> dict:
        """A number picks a shown quick reply; anything else is sent as text."""
        if line.isdigit() and 1 <= int(line) <= len(self.choices):
            action = self.choices[int(line) - 1]
            if action.get("type") == "postback":
                return postback_event(self.user, action.get("data", ""))
            if action.get("type") == "message":
                return text_event(self.user, action.get("text", ""))
        return text_event(self.user, line)


def render(messages: list[dict]) -> tuple[str, list[dict]]:
    """Messages as a terminal shows them; returns the text and the numbered choices."""
    lines: list[str] = []
    choices: list[dict] = []
    for message in messages:
        kind = message.get("type")
        if kind == "text":
            lines.append(message.get("text", ""))
        elif kind == "flex":
            lines.append(f"[การ์ด] {message.get('altText', '')}")
            lines.extend(_flex_lines(message.get("contents", {}), choices))
        else:
            lines.append(f"[{kind}]")
        for item in (message.get("quickReply") or {}).get("items", []):
            action = item.get("action", {})
            if action.get("type") in ("message", "postback"):
                choices.append(action)
    for number, action in enumerate(choices, start=1):
        lines.append(f"  {number}) {action.get('label', '')}")
    return "\n".join(lines), choices


def _flex_lines(node, choices: list[dict]) -> list[str]:
    lines: list[str] = []
    if isinstance(node, dict):
        if node.get("type") == "text" and node.get("text"):
            lines.append("  " + node["text"])
        if node.get("type") == "button":
            choices.append(node.get("action", {}))
            return lines
        for value in node.values():
            if isinstance(value, dict | list):
                lines.extend(_flex_lines(value, choices))
    elif isinstance(node, list):
        for value in node:
            lines.extend(_flex_lines(value, choices))
    return lines


def run_chat(url: str, line_api: str, user: str, secret: str, follow: bool, wait: float) -> None:
    try:
        chat = Conversation(url, line_api, user, secret, wait)
    except requests.RequestException:
        sys.exit(f"tambon chat: no bot at {url}; start it with `tambon serve`")
    interactive = sys.stdin.isatty()

    def show(messages: list[dict]) -> None:
        shown, chat.choices = render(messages)
        print(shown if messages else "(ไม่มีคำตอบ)", flush=True)

    if follow:
        show(chat.send(make_event(user, "follow")))
    while True:
        try:
            line = input("คุณ> " if interactive else "")
        except EOFError:
            return
        line = line.strip()
        if not line:
            continue
        if not interactive:
            print(f"คุณ> {line}", flush=True)
        show(chat.send(chat.event_for_input(line)))
