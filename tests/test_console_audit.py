"""`tambon audit verify` and `tambon officer add`, run as the operator runs them."""

from __future__ import annotations

import os
import subprocess
import sys

from sqlalchemy import text

from tests.test_console_support import PASSWORD, audit_rows, file, make_officer, sign_in


def _tambon(args, database_url, tmp_path, stdin=""):
    env = {**os.environ, "DATABASE_URL": database_url,
           "TAMBON_INSTANCE_DIR": str(tmp_path / "instance"), "PYTHAINLP_OFFLINE": "1"}
    env.pop("LINE_CHANNEL_SECRET", None)
    env.pop("LINE_CHANNEL_ACCESS_TOKEN", None)
    code = "from bot.cli import main; main()"
    return subprocess.run([sys.executable, "-c", code, *args], input=stdin, env=env,
                          capture_output=True, text=True, timeout=120)


def test_audit_verify_passes_then_names_a_record_edited_by_hand(client, services, engine,
                                                                database_url, tmp_path):
    code = file(services)
    make_officer(services, "eng1", office="engineering")
    sign_in(client, "eng1")
    client.get(f"/console/cases/{code}")
    ok = _tambon(["audit", "verify"], database_url, tmp_path)
    assert ok.returncode == 0, ok.stderr
    assert "intact" in ok.stdout
    view = audit_rows(services, "view_case")[0]
    with engine.begin() as connection:  # someone hides who looked at the case
        connection.execute(text("UPDATE audit_log SET actor = 'officer:999' WHERE id = :id"),
                           {"id": view.id})
    broken = _tambon(["audit", "verify"], database_url, tmp_path)
    assert broken.returncode == 1
    assert f"record {view.id}" in broken.stderr


def test_audit_verify_catches_a_deleted_record(client, services, engine, database_url,
                                               tmp_path):
    make_officer(services, "eng1", office="engineering")
    sign_in(client, "eng1")
    client.get("/console/queue")
    rows = audit_rows(services)
    assert len(rows) >= 3
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_log WHERE id = :id"), {"id": rows[1].id})
    broken = _tambon(["audit", "verify"], database_url, tmp_path)
    assert broken.returncode == 1 and f"record {rows[2].id}" in broken.stderr


def test_officer_add_from_the_command_line(services, database_url, tmp_path, client):
    result = _tambon(["officer", "add", "somsri", "--name", "สมศรี มั่นคง", "--office",
                      "finance", "--role", "officer", "--password-stdin"], database_url,
                     tmp_path, stdin=PASSWORD + "\n")
    assert result.returncode == 0, result.stderr
    assert "somsri" in result.stdout and "TOTP" not in result.stdout
    admin = _tambon(["officer", "add", "boss", "--name", "หัวหน้า", "--office", "palad",
                     "--role", "admin", "--password-stdin"], database_url, tmp_path,
                    stdin=PASSWORD + "\n")
    assert admin.returncode == 0 and "otpauth://totp/" in admin.stdout
    short = _tambon(["officer", "add", "x1", "--name", "x", "--office", "palad", "--role",
                     "officer", "--password-stdin"], database_url, tmp_path, stdin="short\n")
    assert short.returncode != 0 and "12" in short.stderr
    assert sign_in(client, "somsri").status_code == 302
