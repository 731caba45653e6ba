"""Every start-up mistake is one line on stderr naming it, and a non-zero exit: a setting,
the database missing, unreachable or not upgraded, a port in use, a bad key ring; for
`tambon` commands and for the Procfile's gunicorn alike."""

from __future__ import annotations

import os
import shlex
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from storage.db import make_engine, upgrade
from storage.vault import KeyRing
from tests.faults.harness import free_port, pg_server_url

ROOT = Path(__file__).resolve().parent.parent
GOOD_RING = KeyRing.generate(development=False).to_json()


def _run(argv: list[str], tmp_path, timeout: int = 120, **env) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items()
            if not k.startswith(("LINE_", "TAMBON_", "DATABASE_URL"))}
    base.update({"PYTHAINLP_OFFLINE": "1", "TAMBON_INSTANCE_DIR": str(tmp_path / "instance"),
                 "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"})
    base.update(env)
    return subprocess.run(argv, cwd=ROOT, env=base, capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL)


def _tambon(*args: str) -> list[str]:
    return [sys.executable, "-m", "bot", *args]


def _one_line(done: subprocess.CompletedProcess, *words: str) -> str:
    assert done.returncode != 0, done.stderr
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr[-3000:]
    assert lines[0].startswith("tambon: "), lines
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


def _unreachable() -> str:
    return f"postgresql://tambon:pw-secret@127.0.0.1:{free_port()}/tambon"


@pytest.mark.parametrize("command", [("db", "upgrade"), ("worker",), ("serve", "--port", "0"),
                                     ("officer", "list"), ("audit", "verify")])
def test_a_database_with_nothing_on_its_port(tmp_path, command):
    url = _unreachable()
    line = _one_line(_run(_tambon(*command), tmp_path, DATABASE_URL=url),
                     "cannot reach the database at 127.0.0.1:")
    assert "pw-secret" not in line


@pytest.mark.skipif(pg_server_url() is None, reason="needs the PostgreSQL server")
@pytest.mark.parametrize("command", [("db", "upgrade"), ("worker",)])
def test_a_database_that_does_not_exist(tmp_path, command):
    missing = f"tambon_missing_{uuid.uuid4().hex[:8]}"
    url = pg_server_url().rpartition("/")[0] + "/" + missing
    _one_line(_run(_tambon(*command), tmp_path, DATABASE_URL=url),
              f"database '{missing}' does not exist", "createdb")


def test_a_database_not_upgraded(tmp_path):
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    _one_line(_run(_tambon("worker"), tmp_path, DATABASE_URL=url), "tambon db upgrade")


def test_a_port_in_use(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        for command in (("serve", "--port", str(port)), ("fake-line", "--port", str(port))):
            _one_line(_run(_tambon(*command), tmp_path), f"cannot listen on 127.0.0.1:{port}")


@pytest.mark.parametrize("ring, words", [
    ('{"active": "k1"', "malformed JSON"),
    ('{"active": "k1", "keys": {"k1": "c2hvcnQ="}, "index_key": "c2hvcnQ="}', "32 bytes"),
])
def test_a_bad_key_ring(tmp_path, ring, words):
    url = f"sqlite:///{tmp_path / 'x.db'}"
    upgrade(make_engine(url))
    _one_line(_run(_tambon("worker"), tmp_path, TAMBON_KEYRING=ring, DATABASE_URL=url),
              "key ring", words)


PRODUCTION = {"TAMBON_ENV": "production", "LINE_CHANNEL_SECRET": "secret",
              "LINE_CHANNEL_ACCESS_TOKEN": "token", "TAMBON_KEYRING": GOOD_RING,
              "TAMBON_SECRET_KEY": "s" * 40}


@pytest.mark.parametrize("missing, words", [
    (("LINE_CHANNEL_SECRET", "LINE_CHANNEL_ACCESS_TOKEN"), "LINE_CHANNEL_SECRET"),
    (("TAMBON_KEYRING",), "no key ring"),
    (("TAMBON_SECRET_KEY",), "TAMBON_SECRET_KEY"),
])
def test_production_without_each_of_its_secrets(tmp_path, missing, words):
    env = {k: v for k, v in PRODUCTION.items() if k not in missing}
    _one_line(_run(_tambon("worker"), tmp_path, **env,
                   DATABASE_URL=f"sqlite:///{tmp_path / 'x.db'}"), words)


def test_development_keeps_away_from_a_remote_database_and_real_keys(tmp_path):
    _one_line(_run(_tambon("worker"), tmp_path,
                   DATABASE_URL="postgresql://tambon@db.example.org/tambon"),
              "development mode will not use the database on db.example.org")
    url = f"sqlite:///{tmp_path / 'x.db'}"
    upgrade(make_engine(url))
    _one_line(_run(_tambon("worker"), tmp_path, TAMBON_KEYRING=GOOD_RING, DATABASE_URL=url),
              "TAMBON_ENV=production")
    _one_line(_run(_tambon("fake-line", "--port", str(free_port())), tmp_path, **PRODUCTION,
                   DATABASE_URL=f"sqlite:///{tmp_path / 'x.db'}"), "development only")


def _procfile_web(port: int) -> list[str]:
    line = next(x for x in (ROOT / "Procfile").read_text().splitlines() if x.startswith("web:"))
    command = line[4:].replace("${PORT:-8000}", str(port)).replace("0.0.0.0", "127.0.0.1")
    return shlex.split(command)


@pytest.mark.parametrize("env, words", [
    ({"TAMBON_KEYRING": '{"active": "k1"'}, "key ring"),
    ({"DATABASE_URL": "UNREACHABLE"}, "cannot reach the database"),
])
def test_the_procfile_web_says_it_in_one_line_per_process(tmp_path, env, words):
    if env.get("DATABASE_URL") == "UNREACHABLE":
        env = {"DATABASE_URL": _unreachable()}
    if "DATABASE_URL" not in env:
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'x.db'}"
        upgrade(make_engine(env["DATABASE_URL"]))
    done = _run(_procfile_web(free_port()), tmp_path, timeout=120, **env)
    assert done.returncode != 0
    said = done.stderr + done.stdout
    ours = [line for line in said.splitlines() if "tambon:" in line]
    assert ours and all(words in line for line in ours), done.stderr[-3000:]
    # No traceback through our code. (When several workers fail to boot at once, gunicorn
    # itself may print one from its arbiter while halting: gunicorn's, not ours.)
    assert f'File "{ROOT / "bot"}' not in said, said[-3000:]
    assert "Traceback" not in said or "gunicorn/arbiter.py" in said, said[-3000:]
