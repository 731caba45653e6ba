"""`tambon chat --channel web`: be a browser of the web chat, in a terminal.

Posts to /chat/send and /chat/photo as chat.js does (with the browser's session cookie
kept between lines) and prints the JSON answer as the page would draw it. A number taps
a choice or a card's button; `/photo PATH` sends a photo; anything else is sent as text.
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import requests

HEADERS = {"X-Tambon-Chat": "1"}
HELP = "พิมพ์ข้อความ หรือหมายเลขของปุ่ม; /photo ไฟล์ ส่งรูป"


def render(messages: list[dict]) -> tuple[str, list[dict]]:
    lines: list[str] = []
    choices: list[dict] = []
    for message in messages:
        if message.get("kind") == "text":
            lines.append(message.get("text", ""))
        elif message.get("kind") == "card":
            lines.append(f"[การ์ด] {message.get('title', '')}")
            for field in message.get("fields", []):
                lines.append(f"  {field['name']}: " + "\n    ".join(field["lines"]))
            choices += message.get("buttons", [])
        if message.get("choices"):
            choices += message["choices"]
    for number, choice in enumerate(choices, start=1):
        lines.append(f"  {number}) {choice.get('label', '')}")
    return "\n".join(lines), choices


def run_web_chat(url: str, wait: float) -> None:
    http = requests.Session()
    base = url.rstrip("/") + "/chat"
    choices: list[dict] = []

    def call(path: str, **kwargs) -> None:
        nonlocal choices
        try:
            answer = http.post(base + path, headers=HEADERS, timeout=wait, **kwargs)
        except requests.RequestException as failure:
            print(f"(ส่งไม่สำเร็จ: {type(failure).__name__})", flush=True)
            return
        body = answer.json() if answer.headers.get("Content-Type", "").startswith(
            "application/json") else {}
        if "messages" not in body:
            print(f"(ส่งไม่สำเร็จ: HTTP {answer.status_code} {body.get('error', '')})",
                  flush=True)
            return
        shown, found = render(body["messages"])
        if found:
            choices = found
        print(shown, flush=True)

    interactive = sys.stdin.isatty()
    call("/send", json={"type": "start"})
    while True:
        try:
            line = input("คุณ> " if interactive else "").strip()
        except EOFError:
            break
        if not line:
            continue
        if not interactive:
            print(f"คุณ> {line}", flush=True)
        if line.isdigit() and 1 <= int(line) <= len(choices):
            choice = choices[int(line) - 1]
            if choice["kind"] == "postback":
                call("/send", json={"type": "postback", "data": choice["send"]})
            elif choice["kind"] == "text":
                call("/send", json={"type": "text", "text": choice["send"]})
            else:
                print(HELP, flush=True)
            continue
        if line.startswith("/photo"):
            parts = shlex.split(line)
            path = Path(parts[1]).expanduser() if len(parts) == 2 else None
            if path is None or not path.is_file():
                print(HELP, flush=True)
                continue
            with path.open("rb") as photo:
                call("/photo", files={"photo": (path.name, photo, "image/jpeg")})
            continue
        call("/send", json={"type": "text", "text": line})
