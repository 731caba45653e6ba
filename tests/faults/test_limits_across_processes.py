"""The /track and /tip limits hold across the Procfile's four gunicorn processes, keyed on
the real client behind a trusted proxy, and a client's own X-Forwarded-For buys nothing.

Two servers on one database, each the Procfile's `web:` command: one told it stands
behind one proxy (TAMBON_TRUSTED_PROXIES=1), one facing clients directly (the default).
Requests go eight at a time, each on a new connection, so all four processes of a server
answer them.
"""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import signal
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from bot import limits
from storage.db import make_engine, upgrade
from tests.faults.harness import ROOT, VENV_BIN, free_port

pytestmark = pytest.mark.faults

LIMITED = "ถี่เกินไป"
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def procfile_web(port: int) -> list[str]:
    line = next(x for x in (ROOT / "Procfile").read_text().splitlines() if x.startswith("web:"))
    argv = shlex.split(line[4:].replace("${PORT:-8000}", str(port)).replace("0.0.0.0",
                                                                            "127.0.0.1"))
    assert argv[0] == "gunicorn" and argv[argv.index("--workers") + 1] == "4"
    return [str(VENV_BIN / "gunicorn"), *argv[1:]]


@contextlib.contextmanager
def web(database_url: str, instance: Path, **env):
    port = free_port()
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("LINE_", "TAMBON_"))}
    environment.update({"DATABASE_URL": database_url, "TAMBON_INSTANCE_DIR": str(instance),
                        "TAMBON_SECRET_KEY": "limits-test-" + "k" * 32,
                        "PYTHAINLP_OFFLINE": "1", **env})
    log = open(instance.parent / f"web-{port}.log", "wb")  # noqa: SIM115 - closed below
    server = subprocess.Popen(procfile_web(port), cwd=ROOT, env=environment, stdout=log,
                              stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            assert server.poll() is None, (instance.parent / f"web-{port}.log").read_text()
            with contextlib.suppress(requests.RequestException):
                if requests.get(base + "/healthz", timeout=2).ok:
                    break
            time.sleep(0.2)
        yield base
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        log.close()


def _form(base: str, page: str) -> tuple[dict, str]:
    answer = requests.get(base + page, timeout=10, headers={"Connection": "close"})
    return answer.cookies.get_dict(), CSRF_RE.search(answer.text).group(1)


def _track(base: str, forwarded: str | None) -> str:
    cookies, token = _form(base, "/track")
    headers = {"Connection": "close"}
    if forwarded:
        headers["X-Forwarded-For"] = forwarded
    answer = requests.post(base + "/track", timeout=30, cookies=cookies, headers=headers,
                           data={"csrf_token": token, "code": "TP-XXXX-0000",
                                 "secret": "1111 2222 3333 4444"})
    return answer.text


def _tip(base: str, forwarded: str, n: int) -> int:
    cookies, token = _form(base, "/tip")
    answer = requests.post(base + "/tip", timeout=60, cookies=cookies, allow_redirects=False,
                           headers={"Connection": "close", "X-Forwarded-For": forwarded},
                           data={"csrf_token": token, "kind": "grievance",
                                 "description": f"ไฟถนนหน้าวัดดับ หลังที่ {n}",
                                 "location": "หมู่ 3"})
    return answer.status_code


def _limited(base: str, forwarded: list[str | None]) -> list[bool]:
    with ThreadPoolExecutor(8) as pool:
        return [LIMITED in text for text in pool.map(lambda f: _track(base, f), forwarded)]


def test_limits_hold_across_processes_and_behind_a_trusted_proxy_only(any_database, tmp_path):
    instance = tmp_path / "instance"
    instance.mkdir()
    upgrade(make_engine(any_database))
    allowed = limits.TRACK.limit
    # Eight hash slots: the eight tips at once below are
    # never "busy", so what is counted is the per-citizen limit (the slots: their own test).
    with web(any_database, instance, TAMBON_TRUSTED_PROXIES="1",
             TAMBON_HASH_SLOTS="8") as proxied, \
            web(any_database, instance, TAMBON_HASH_SLOTS="8") as direct:
        # Behind the proxy, one citizen guessing: the proxy appends the address it saw.
        one = _limited(proxied, ["203.0.113.5"] * (allowed + 10))
        assert allowed <= one.count(False) <= allowed + 1, one.count(False)
        # Writing other addresses into X-Forwarded-For in front of the proxy's: no escape.
        forged = _limited(proxied, [f"10.0.{i}.1, 203.0.113.5" for i in range(10)])
        assert all(forged)
        # Another citizen behind the same proxy is not held back by the first.
        assert not any(_limited(proxied, ["198.51.100.7"] * 3))

        # Facing clients directly, X-Forwarded-For is not believed at all.
        spoofed = _limited(direct, [f"192.0.2.{i}" for i in range(allowed + 10)])
        assert allowed <= spoofed.count(False) <= allowed + 1, spoofed.count(False)

        # Tips: ten per citizen per ten minutes, whichever process files them.
        with ThreadPoolExecutor(8) as pool:
            statuses = list(pool.map(lambda n: _tip(proxied, "203.0.113.9", n), range(14)))
        assert statuses.count(303) in (limits.TIP.limit, limits.TIP.limit + 1), statuses
        assert statuses.count(429) == 14 - statuses.count(303)

        # Cookies are Secure when the trusted proxy says the citizen came over HTTPS.
        answer = requests.get(proxied + "/tip", timeout=10,
                              headers={"X-Forwarded-Proto": "https"})
        assert "Secure" in answer.headers["Set-Cookie"]
        # and every process of a server checks the others' form tokens (one secret key)
        cookies, token = _form(proxied, "/tip")
        assert token and cookies


def test_the_procfile_runs_four_processes(any_database, tmp_path):
    """The count above is of four processes' answers, not one's."""
    instance = tmp_path / "instance"
    instance.mkdir()
    upgrade(make_engine(any_database))
    with web(any_database, instance) as base:
        port = int(base.rsplit(":", 1)[1])
        masters = [p for p in Path("/proc").iterdir() if p.name.isdigit()
                   and f"127.0.0.1:{port}".encode() in _cmdline(p)]
        pids = {int(p.name) for p in masters}
        children = [p for p in masters if _parent(p) in pids]
        assert len(children) == 4, len(children)


def _cmdline(proc: Path) -> bytes:
    try:
        return (proc / "cmdline").read_bytes()
    except OSError:
        return b""


def _parent(proc: Path) -> int:
    try:
        return int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return -1
