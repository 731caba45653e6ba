"""`tambon chat`: be a LINE user. Signs events like LINE, prints what the bot sends.

Replies and pushes are read back from the fake LINE API that `tambon serve` mounts in
development. A listener thread prints each as it arrives: a push sent in the same turn as
a reply, or minutes later (an officer's answer), shows at once, not with the next
message. Besides text, a citizen can send what the bot asks for:

    /location 15.123 102.456 [ชื่อสถานที่]   a location message
    /photo PATH                              an image (the file is handed to the fake LINE)
    /file PATH                               any file
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import mimetypes
import shlex
import sys
import threading
import time
import uuid
from pathlib import Path

from bot import dev_http

POLL_SECONDS = 0.2
# After the last line of a script, how long late pushes are still awaited.
LINGER_SECONDS = 1.0
HELP = ("พิมพ์ข้อความ หรือหมายเลขของปุ่ม; /location ละติจูด ลองจิจูด [ชื่อ] ส่งตำแหน่ง, "
        "/photo ไฟล์ ส่งรูป, /file ไฟล์ ส่งไฟล์")


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


def _message_id() -> str:
    return str(uuid.uuid4().int)[:18]


def text_event(user: str, text: str) -> dict:
    return make_event(user, "message",
                      message={"type": "text", "id": _message_id(), "text": text})


def postback_event(user: str, data: str) -> dict:
    return make_event(user, "postback", postback={"data": data})


def location_event(user: str, latitude: float, longitude: float, title: str = "") -> dict:
    message = {"type": "location", "id": _message_id(), "latitude": latitude,
               "longitude": longitude, "address": ""}
    if title:
        message["title"] = title
    return make_event(user, "message", message=message)


def media_event(user: str, kind: str, message_id: str, name: str = "", size: int = 0) -> dict:
    message = {"type": kind, "id": message_id, "contentProvider": {"type": "line"}}
    if kind == "file":
        message.update(fileName=name, fileSize=size)
    return make_event(user, "message", message=message)


def post_events(url: str, secret: str, events: list[dict], destination: str = "Ufake") -> int:
    body = json.dumps({"destination": destination, "events": events},
                      ensure_ascii=False).encode()
    return dev_http.post(
        url.rstrip("/") + "/callback", body, timeout=10,
        headers={"Content-Type": "application/json", "X-Line-Signature": sign(body, secret)},
    )


class Conversation:
    """One chat user: sends events; a listener hands over every reply and push for them."""

    def __init__(self, url: str, line_api: str, user: str, secret: str, wait: float = 10.0,
                 show=None):
        self.url, self.line_api, self.user = url, line_api, user
        self.secret, self.wait = secret, wait
        self.show = show or (lambda messages: None)
        self.seen = self._last_seq()
        self.choices: list[dict] = []
        self._tokens: set[str] = set()
        self._answered: set[str] = set()
        self._changed = threading.Condition()
        self._stop = threading.Event()
        self._listener: threading.Thread | None = None

    def _last_seq(self) -> int:
        received = dev_http.get_json(self.line_api + "/_control/received")
        return received[-1]["seq"] if received else 0

    # --- listening ---

    def start(self) -> None:
        self._listener = threading.Thread(target=self._listen, name="tambon-chat", daemon=True)
        self._listener.start()

    def stop(self) -> None:
        self._stop.set()
        if self._listener is not None:
            self._listener.join(timeout=5)

    def _listen(self) -> None:
        while not self._stop.is_set():
            try:
                self.poll()
            except dev_http.HTTPError:
                pass  # the server is restarting: try again on the next round
            self._stop.wait(POLL_SECONDS)

    def poll(self) -> list[dict]:
        """Show what LINE received for this user since the last look (replies and pushes,
        in the order they were sent); returns the messages shown."""
        received = dev_http.get_json(self.line_api + "/_control/received",
                                     params={"after": self.seen})
        shown: list[dict] = []
        for entry in received:
            self.seen = max(self.seen, entry["seq"])
            token = entry.get("reply_token")
            if entry.get("to") != self.user and token not in self._tokens:
                continue
            messages = entry.get("messages", [])
            self.show(messages)
            shown.extend(messages)
            if token:
                with self._changed:
                    self._answered.add(token)
                    self._changed.notify_all()
        return shown

    # --- sending ---

    def send(self, event: dict) -> None:
        token = event.get("replyToken")
        if token:
            with self._changed:
                self._tokens.add(token)
        status = post_events(self.url, self.secret, [event])
        if status != 200:
            raise RuntimeError(f"the bot answered HTTP {status}")

    def await_reply(self, event: dict, timeout: float | None = None) -> bool:
        """Wait until the reply to `event` was shown (True), or the time is up."""
        token = event.get("replyToken")
        if not token:
            return True
        deadline = time.monotonic() + (self.wait if timeout is None else timeout)
        with self._changed:
            while token not in self._answered:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._changed.wait(min(left, POLL_SECONDS))
        return True

    def upload(self, path: Path) -> tuple[str, str]:
        """Hand a file to the fake LINE as the content of a new message id."""
        data = path.read_bytes()
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        message_id = _message_id()
        dev_http.post(f"{self.line_api}/_control/content/{message_id}", data,
                      headers={"Content-Type": content_type}, check=True)
        return message_id, content_type

    def event_for_input(self, line: str) -> dict | str:
        """The event a typed line stands for, or a Thai hint to print instead.

        A number picks a shown quick reply or button; /location, /photo and /file send
        what their names say; anything else is sent as text."""
        if line.isdigit() and 1 <= int(line) <= len(self.choices):
            action = self.choices[int(line) - 1]
            kind = action.get("type")
            if kind == "postback":
                return postback_event(self.user, action.get("data", ""))
            if kind == "message":
                return text_event(self.user, action.get("text", ""))
            if kind == "location":
                return "ส่งตำแหน่ง: /location ละติจูด ลองจิจูด [ชื่อสถานที่]"
            if kind in ("camera", "cameraRoll"):
                return "ส่งรูปหรือไฟล์: /photo ไฟล์.jpg หรือ /file ไฟล์"
        if line.startswith("/"):
            return self._command(line)
        return text_event(self.user, line)

    def _command(self, line: str) -> dict | str:
        try:
            name, *args = shlex.split(line)
        except ValueError:
            return HELP
        if name == "/location" and len(args) >= 2:
            try:
                latitude, longitude = float(args[0]), float(args[1])
            except ValueError:
                return HELP
            return location_event(self.user, latitude, longitude, " ".join(args[2:]))
        if name in ("/photo", "/file") and len(args) == 1:
            path = Path(args[0]).expanduser()
            if not path.is_file():
                return f"ไม่พบไฟล์ {path}"
            message_id, content_type = self.upload(path)
            if name == "/photo" and content_type.startswith("image/"):
                return media_event(self.user, "image", message_id)
            return media_event(self.user, "file", message_id, path.name, path.stat().st_size)
        return HELP


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
            choices.append(item.get("action", {}))
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


def printer():
    """`say(text)`: one line at a time on the terminal, from the listener thread too."""
    printing = threading.Lock()

    def say(text: str) -> None:
        with printing:
            print(text, flush=True)

    return say


def shower(say, render_messages, conversation):
    """`show(messages)`: print what the bot sent; its latest choices become the numbers
    the person may type (a chat shows the quick replies of the latest message)."""

    def show(messages: list[dict]) -> None:
        shown, choices = render_messages(messages)
        if choices:
            conversation().choices = choices
        say(shown)

    return show


def run_chat(url: str, line_api: str, user: str, secret: str, follow: bool, wait: float) -> None:
    interactive = sys.stdin.isatty()
    say = printer()
    show = shower(say, render, lambda: chat)

    try:
        chat = Conversation(url, line_api, user, secret, wait, show=show)
    except dev_http.HTTPError:
        sys.exit(f"tambon chat: no bot at {url}; start it with `tambon serve`")
    chat.start()
    try:
        if follow:
            _send(chat, make_event(user, "follow"), say)
        converse(chat, say, lambda event: _send(chat, event, say), interactive)
    finally:
        chat.stop()


def converse(chat, say, send, interactive: bool) -> None:
    """Read what the person types, line by line, and send each as the channel's event
    (`chat.event_for_input`); shared by every channel's `tambon chat`."""
    while True:
        try:
            line = input("คุณ> " if interactive else "")
        except EOFError:
            break
        line = line.strip()
        if not line:
            continue
        if not interactive:
            say(f"คุณ> {line}")
        event = chat.event_for_input(line)
        if isinstance(event, str):
            say(event)
            continue
        send(event)
    if not interactive:
        time.sleep(LINGER_SECONDS)  # the listener shows a push that follows the last reply


def _send(chat: Conversation, event: dict, say) -> None:
    try:
        chat.send(event)
    except (dev_http.HTTPError, RuntimeError) as failure:
        say(f"(ส่งไม่สำเร็จ: {failure})")
        return
    if not chat.await_reply(event):
        say("(ไม่มีคำตอบ)")
