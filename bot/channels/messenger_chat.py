"""`tambon chat --channel messenger`: be a person writing to the page on Messenger.

Signs each body as Meta does (X-Hub-Signature-256 with the app secret), posts it to
/messenger, and prints what the fake Send API got for this person as it arrives. A number
taps a quick reply or a card's button (sent back with its payload, as Messenger does);
`/photo PATH` hands the file to the fake as an attachment and sends its URL; anything
else is sent as text.
"""

from __future__ import annotations

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

import requests

from bot.chat import converse, printer, shower

POLL_SECONDS = 0.2
QUIET_SECONDS = 0.6  # an answer is several sends: wait this long after the last one
PAGE_ID = "100000000000000"
HELP = "พิมพ์ข้อความ หรือหมายเลขของปุ่ม; /photo ไฟล์ ส่งรูป"


def sign(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def body_for(items: list[dict]) -> bytes:
    return json.dumps({"object": "page", "entry": [{"id": PAGE_ID,
                                                    "time": int(time.time() * 1000),
                                                    "messaging": items}]},
                      ensure_ascii=False).encode()


def item(psid: str, **fields) -> dict:
    return {"sender": {"id": psid}, "recipient": {"id": PAGE_ID},
            "timestamp": int(time.time() * 1000), **fields}


def text_item(psid: str, text: str, payload: str | None = None) -> dict:
    message: dict = {"mid": "m_" + uuid.uuid4().hex, "text": text}
    if payload is not None:
        message["quick_reply"] = {"payload": payload}
    return item(psid, message=message)


def postback_item(psid: str, title: str, payload: str) -> dict:
    return item(psid, postback={"mid": "m_" + uuid.uuid4().hex, "title": title,
                                "payload": payload})


def render(messages: list[dict]) -> tuple[str, list[dict]]:
    """Messenger messages as a terminal shows them; returns the text and the numbered
    choices ({"title", "payload", "kind": "quick" | "button"})."""
    lines: list[str] = []
    choices: list[dict] = []
    for message in messages:
        if "text" in message:
            lines.append(message["text"])
        payload = (message.get("attachment") or {}).get("payload") or {}
        for element in payload.get("elements", []):
            lines.append(f"[การ์ด] {element.get('title', '')}")
            if element.get("subtitle"):
                lines.append("  " + element["subtitle"])
            choices += [{"kind": "button", **b} for b in element.get("buttons", [])]
        choices += [{"kind": "quick", **q} for q in message.get("quick_replies", [])]
    for number, choice in enumerate(choices, start=1):
        lines.append(f"  {number}) {choice.get('title', '')}")
    return "\n".join(lines), choices


class MessengerConversation:
    def __init__(self, url: str, api: str, psid: str, secret: str, wait: float, show):
        self.url, self.api, self.psid, self.secret = url.rstrip("/"), api.rstrip("/"), psid, secret
        self.wait, self.show = wait, show
        self.choices: list[dict] = []
        received = requests.get(self.api + "/_control/received", timeout=5).json()
        self.seen = received[-1]["seq"] if received else 0
        self._last_shown = 0.0
        self._stop = threading.Event()
        self._listener = threading.Thread(target=self._listen, daemon=True)

    def start(self) -> None:
        self._listener.start()

    def stop(self) -> None:
        self._stop.set()
        self._listener.join(timeout=5)

    def _listen(self) -> None:
        while not self._stop.is_set():
            try:
                self.poll()
            except requests.RequestException:
                pass
            self._stop.wait(POLL_SECONDS)

    def poll(self) -> None:
        received = requests.get(self.api + "/_control/received", params={"after": self.seen},
                                timeout=5).json()
        mine = []
        for entry in received:
            self.seen = max(self.seen, entry["seq"])
            if entry.get("to") == self.psid:
                mine.append(entry["message"])
        if mine:
            self.show(mine)
            self._last_shown = time.monotonic()

    def send(self, event: dict) -> bool:
        """Post one messaging item; wait for the answer (True) or the time to run out."""
        started = time.monotonic()
        body = body_for([event])
        answer = requests.post(self.url + "/messenger", data=body, timeout=10, headers={
            "Content-Type": "application/json", "X-Hub-Signature-256": sign(body, self.secret)})
        if answer.status_code != 200:
            raise RuntimeError(f"the bot answered HTTP {answer.status_code}")
        while time.monotonic() - started < self.wait:
            shown = self._last_shown
            if shown > started and time.monotonic() - shown > QUIET_SECONDS:
                return True
            time.sleep(POLL_SECONDS / 2)
        return self._last_shown > started

    def event_for_input(self, line: str) -> dict | str:
        if line.isdigit() and 1 <= int(line) <= len(self.choices):
            choice = self.choices[int(line) - 1]
            if choice["kind"] == "button":
                return postback_item(self.psid, choice.get("title", ""), choice["payload"])
            return text_item(self.psid, choice.get("title", ""), choice.get("payload"))
        if line.startswith("/"):
            return self._command(line)
        return text_item(self.psid, line)

    def _command(self, line: str) -> dict | str:
        try:
            name, *args = shlex.split(line)
        except ValueError:
            return HELP
        if name == "/photo" and len(args) == 1:
            path = Path(args[0]).expanduser()
            if not path.is_file():
                return f"ไม่พบไฟล์ {path}"
            key = uuid.uuid4().hex
            kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            requests.post(f"{self.api}/_control/attachments/{key}", data=path.read_bytes(),
                          headers={"Content-Type": kind}, timeout=10).raise_for_status()
            attachment = {"type": "image" if kind.startswith("image/") else "file",
                          "payload": {"url": f"{self.api}/attachments/{key}"}}
            return item(self.psid, message={"mid": "m_" + key, "attachments": [attachment]})
        return HELP


def run_messenger_chat(url: str, api: str, psid: str, secret: str, wait: float) -> None:
    interactive = sys.stdin.isatty()
    say = printer()
    show = shower(say, render, lambda: chat)

    try:
        chat = MessengerConversation(url, api, psid, secret, wait, show)
    except requests.RequestException:
        sys.exit(f"tambon chat: no fake Send API at {api}; start `tambon serve` with "
                 "MESSENGER_APP_SECRET, MESSENGER_PAGE_TOKEN and MESSENGER_VERIFY_TOKEN set")
    chat.start()
    try:
        converse(chat, say, lambda event: _send(chat, event, say), interactive)
    finally:
        chat.stop()


def _send(chat: MessengerConversation, event: dict, say) -> None:
    try:
        if not chat.send(event):
            say("(ไม่มีคำตอบ)")
    except (requests.RequestException, RuntimeError) as failure:
        say(f"(ส่งไม่สำเร็จ: {failure})")
