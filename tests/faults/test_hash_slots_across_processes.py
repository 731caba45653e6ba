"""The hash slots hold across the Procfile's four gunicorn processes, and a sign-in flood
leaves the right officer able to sign in afterwards.

The Procfile's `web:` command with one hash slot (TAMBON_HASH_SLOTS=1) behind one trusted
proxy, on a fresh database. Sign-ins go sixteen at a time, each on a new connection (so
every process answers some), each from its own address (so no per-source limit helps):
with the slot held by a process outside gunicorn, not one password is checked by any of the
four; with it free, the checks still never overlap, which the refusals show.
"""

from __future__ import annotations

import base64
import os
import re
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
import requests

from bot.console import credentials
from storage.db import make_engine, upgrade
from tests.faults.harness import ROOT, VENV_BIN
from tests.faults.test_limits_across_processes import web
from tests.slot_helpers import Holder

pytestmark = pytest.mark.faults

CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
SECRET_RE = re.compile(r"shown once\): ([A-Z2-7 ]+)")
BUSY = "ขณะนี้มีการพยายามเข้าสู่ระบบจำนวนมาก"
PASSWORD = "ทุ่งโพธิ์-password-2569"


def _add_officer(database_url: str, instance) -> bytes:
    """`tambon officer add`, as an operator does; returns the TOTP seed it shows once."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LINE_", "TAMBON_"))}
    env.update({"DATABASE_URL": database_url, "TAMBON_INSTANCE_DIR": str(instance),
                "PYTHAINLP_OFFLINE": "1"})
    done = subprocess.run(
        [str(VENV_BIN / "tambon"), "officer", "add", "somchai", "--name", "สมชาย",
         "--office", "engineering", "--role", "officer", "--password-stdin"],
        input=PASSWORD + "\n", cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    secret = SECRET_RE.search(done.stdout).group(1).replace(" ", "")
    return base64.b32decode(secret + "=" * (-len(secret) % 8))


def _login(base: str, n: int, username: str, password: str,
           browser: requests.Session | None = None) -> requests.Response:
    browser = browser or requests.Session()
    headers = {"Connection": "close", "X-Forwarded-For": f"198.51.{n // 250}.{n % 250 + 1}"}
    page = browser.get(base + "/console/login", timeout=30, headers=headers)
    return browser.post(base + "/console/login", timeout=60, allow_redirects=False,
                        headers=headers, data={"username": username, "password": password,
                                               "csrf_token": CSRF_RE.search(page.text)[1]})


def _flood(base: str, count: int, first: int = 0) -> list[requests.Response]:
    with ThreadPoolExecutor(16) as pool:
        return list(pool.map(lambda n: _login(base, n, f"nobody{n}", "guess-guess-guess"),
                             range(first, first + count)))


def test_one_slot_is_one_hash_at_a_time_in_every_gunicorn_process(any_database, tmp_path):
    instance = tmp_path / "instance"
    instance.mkdir()
    upgrade(make_engine(any_database))
    with web(any_database, instance, TAMBON_TRUSTED_PROXIES="1", TAMBON_HASH_SLOTS="1") as base:
        seed = _add_officer(any_database, instance)
        # The slot held outside gunicorn: all four processes refuse, at once, in Thai.
        holder = Holder(instance / "slots", 1, 1)
        assert holder.got == ["True"]
        held = _flood(base, 32)
        holder.release()
        assert [a.status_code for a in held] == [429] * 32
        assert all(BUSY in a.text and a.headers["Retry-After"] for a in held)

        # The slot free, sixteen at once: each check takes ~0.15 s, so with one slot for
        # four processes most find it taken; what gets through is checked one at a time.
        free = _flood(base, 48, first=100)
        statuses = [a.status_code for a in free]
        assert set(statuses) <= {401, 429}, statuses
        assert statuses.count(401) >= 1 and statuses.count(429) >= 1, statuses

        # After the flood, the officer signs in: password, then the authenticator's code.
        # (The deployment-wide budget of password checks may still be spent for a few
        # seconds: the page says to wait a moment and try again, and so does the officer.)
        browser = requests.Session()
        deadline = time.monotonic() + 30
        answer = _login(base, 7, "somchai", PASSWORD, browser)
        while answer.status_code == 429 and time.monotonic() < deadline:
            time.sleep(int(answer.headers["Retry-After"]))
            answer = _login(base, 7, "somchai", PASSWORD, browser)
        assert answer.status_code == 302 and answer.headers["Location"].endswith("/totp")
        page = browser.get(base + "/console/totp", timeout=30)
        code = credentials.totp_code(seed, datetime.now(UTC))
        answer = browser.post(base + "/console/totp", timeout=30, allow_redirects=False,
                              headers={"X-Forwarded-For": "198.51.0.8"},
                              data={"code": code, "csrf_token": CSRF_RE.search(page.text)[1]})
        assert answer.status_code == 302, answer.text
        assert browser.get(base + "/console/queue", timeout=30).status_code == 200
