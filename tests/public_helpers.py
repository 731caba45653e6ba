"""Helpers for the public web tests: forms with their CSRF token, small test files."""

from __future__ import annotations

import io
import re

from PIL import Image

from bot.limits import MEMO
from storage import limits

CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def reset_limits(client) -> None:
    """Forget every rate-limit counter (they live in the test's database)."""
    services = client.application.extensions["tambon"]
    with services.sessions() as session, session.begin():
        limits.reset(session)
    services.extras.pop(MEMO, None)  # and what this process remembers of refusals


def csrf_of(html: str) -> str:
    found = CSRF_RE.search(html)
    assert found, "no CSRF field on the page"
    return found.group(1)


def jpeg_bytes(size: tuple[int, int] = (64, 48), gps: bool = True) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    out = io.BytesIO()
    exif = Image.Exif()
    if gps:
        exif[0x8825] = {1: "N", 2: (15.0, 1.0, 0.0), 3: "E", 4: (102.0, 5.0, 0.0)}
    exif[0x0110] = "PhoneModel-Secret-123"
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def big_jpeg(target: int) -> bytes:
    """A real JPEG of about `target` bytes (noise does not compress)."""
    import os

    side = 256
    while True:
        image = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
        out = io.BytesIO()
        image.save(out, "JPEG", quality=95)
        if out.tell() >= target:
            return out.getvalue()
        side = int(side * 1.4)


def tip_form(client, **fields) -> dict:
    page = client.get("/tip")
    form = {"csrf_token": csrf_of(page.get_data(as_text=True)), "kind": "grievance",
            "description": "ไฟถนนหน้าวัดดับมาสองสัปดาห์แล้ว", "location": "หมู่ 3",
            "when": "", "who": "", "contact": ""}
    form.update(fields)
    return form


def submit_tip(client, files: list[tuple[bytes, str]] | None = None,
               environ_base: dict | None = None, **fields):
    form = tip_form(client, **fields)
    if files:
        form["files"] = [(io.BytesIO(content), name) for content, name in files]
    return client.post("/tip", data=form, content_type="multipart/form-data",
                       environ_base=environ_base or {})


def receipt_of(client, answer) -> tuple[str, str]:
    """(code, secret) from the receipt page a tip redirected to."""
    assert answer.status_code == 303, answer.status_code
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    code = re.search(r'id="case-code">([^<]+)<', page).group(1)
    return code, shown_secret(page)


def shown_secret(page: str) -> str:
    """The secret as the receipt page shows it ("1234 5678 ..."), each group of digits
    being in its own element."""
    shown = re.search(r'id="case-secret">(.*?)</p>', page, re.S).group(1)
    return re.sub(r"<[^>]+>", "", shown)
