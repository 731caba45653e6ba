"""`tambon audit verify` against someone who can write to the database but holds no key
ring: an edited record, the last record removed, records removed from the middle and the
chain rebuilt with a plain hash, the whole chain rebuilt. And `tambon officer add`."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import subprocess
import sys

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from tests.test_console_support import PASSWORD, audit_rows, file, make_officer, sign_in


def _tambon(args, database_url, tmp_path, keyring, stdin=""):
    """The command as the operator runs it, with the service's key ring."""
    instance = tmp_path / "instance"
    ring_file = instance / "keyring.json"
    if not ring_file.exists():
        instance.mkdir(parents=True, exist_ok=True)
        keyring.save_file(ring_file)
    env = {**os.environ, "DATABASE_URL": database_url,
           "TAMBON_INSTANCE_DIR": str(instance), "PYTHAINLP_OFFLINE": "1"}
    for name in ("LINE_CHANNEL_SECRET", "LINE_CHANNEL_ACCESS_TOKEN", "TAMBON_KEYRING",
                 "TAMBON_KEYRING_FILE", "TAMBON_ENV"):
        env.pop(name, None)
    code = "from bot.cli import main; main()"
    return subprocess.run([sys.executable, "-c", code, *args], input=stdin, env=env,
                          capture_output=True, text=True, timeout=120)


def _verify(database_url, tmp_path, keyring, *extra):
    return _tambon(["audit", "verify", *extra], database_url, tmp_path, keyring)


@contextlib.contextmanager
def _as_intruder(engine):
    """A connection past the append-only trigger, as the database's owner could make one:
    the attack is on the records, not on the trigger."""
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("SET LOCAL session_replication_role = replica"))
        else:
            connection.execute(text("DROP TRIGGER audit_log_no_update"))
            connection.execute(text("DROP TRIGGER audit_log_no_delete"))
        yield connection


def _some_records(client, services):
    code = file(services)
    make_officer(services, "eng1", office="engineering")
    sign_in(client, "eng1")
    client.get(f"/console/cases/{code}")
    client.get("/console/queue")
    rows = audit_rows(services)
    assert len(rows) >= 5
    return rows


def test_an_intact_chain_verifies_and_the_head_is_outside_the_database(
        client, services, database_url, tmp_path, keyring):
    rows = _some_records(client, services)
    ok = _verify(database_url, tmp_path, keyring)
    assert ok.returncode == 0, ok.stderr
    assert f"intact ({len(rows)} records; signed head #{rows[-1].seq})" in ok.stdout
    head = json.loads(services.settings.audit_head_file.read_text())
    assert head["seq"] == rows[-1].seq and head["hash"] == rows[-1].hash
    noted = _verify(database_url, tmp_path, keyring, "--head",
                    f"{rows[-1].seq}:{rows[-1].hash[:16]}")
    assert noted.returncode == 0, noted.stderr


def test_the_database_refuses_to_change_or_remove_a_record(client, services, engine):
    rows = _some_records(client, services)
    for statement in ("UPDATE audit_log SET actor = 'officer:999' WHERE id = :id",
                      "DELETE FROM audit_log WHERE id = :id"):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
            connection.execute(text(statement), {"id": rows[-1].id})
    assert len(audit_rows(services)) == len(rows)


def test_an_edited_record_is_named(client, services, engine, database_url, tmp_path, keyring):
    rows = _some_records(client, services)
    view = audit_rows(services, "view_case")[0]
    with _as_intruder(engine) as connection:  # someone hides who looked at the case
        connection.execute(text("UPDATE audit_log SET actor = 'officer:999' WHERE id = :id"),
                           {"id": view.id})
    broken = _verify(database_url, tmp_path, keyring)
    assert broken.returncode == 1
    assert f"BROKEN: record {view.id} (#{view.seq}," in broken.stderr
    assert "was changed" in broken.stderr
    assert broken.stderr.count("BROKEN") == 1 and "Traceback" not in broken.stderr
    assert len(rows) > 1


def test_removing_the_last_record_is_found_from_the_signed_head(
        client, services, engine, database_url, tmp_path, keyring):
    rows = _some_records(client, services)
    with _as_intruder(engine) as connection:
        connection.execute(text("DELETE FROM audit_log WHERE id = :id"), {"id": rows[-1].id})
    broken = _verify(database_url, tmp_path, keyring)
    assert broken.returncode == 1
    assert f"record {rows[-1].id} (#{rows[-1].seq}) is missing" in broken.stderr
    assert "removed from the end" in broken.stderr


def test_removing_the_last_twenty_is_found_too(client, services, engine, database_url,
                                               tmp_path, keyring):
    _some_records(client, services)
    for _ in range(20):
        client.get("/console/queue")
    rows = audit_rows(services)
    cut = rows[-20:]
    with _as_intruder(engine) as connection:
        connection.execute(text("DELETE FROM audit_log WHERE seq >= :seq"),
                           {"seq": cut[0].seq})
    broken = _verify(database_url, tmp_path, keyring)
    assert broken.returncode == 1
    assert f"records #{cut[0].seq} to #{rows[-1].seq} were removed" in broken.stderr


def _plain(prev: str, row) -> str:
    """The unkeyed SHA-256 of storage/audit.py before the chain was keyed."""
    parts = [prev, str(row.id), row.at.isoformat(timespec="microseconds"), row.actor,
             row.action, row.case_code or "", row.detail or ""]
    return hashlib.sha256("".join(f"{len(p)}:{p}" for p in parts).encode()).hexdigest()


@pytest.mark.parametrize("mark_plain", [False, True])
def test_removing_records_and_rebuilding_the_chain_with_a_plain_hash_is_named(
        client, services, engine, database_url, tmp_path, keyring, mark_plain):
    rows = _some_records(client, services)
    removed, kept = rows[2:4], rows[4:]
    with _as_intruder(engine) as connection:
        connection.execute(text("DELETE FROM audit_log WHERE id IN (:a, :b)"),
                           {"a": removed[0].id, "b": removed[1].id})
        prev = rows[1].hash
        for seq, row in enumerate(kept, start=removed[0].seq):
            new = _plain(prev, row)
            connection.execute(text(
                "UPDATE audit_log SET prev_hash = :p, hash = :h, seq = :s, mac_version = :v "
                "WHERE id = :id"), {"p": prev, "h": new, "s": seq, "id": row.id,
                                    "v": 0 if mark_plain else 1})
            prev = new
    broken = _verify(database_url, tmp_path, keyring)
    assert broken.returncode == 1
    assert f"BROKEN: record {kept[0].id} (#{removed[0].seq}," in broken.stderr
    assert ("plain hash after keyed" if mark_plain else "HMAC does not match") in broken.stderr


def test_rebuilding_the_whole_chain_is_found_against_the_head(
        client, services, engine, database_url, tmp_path, keyring):
    rows = _some_records(client, services)
    gone = rows[1]
    with _as_intruder(engine) as connection:
        connection.execute(text("DELETE FROM audit_log WHERE id = :id"), {"id": gone.id})
        prev = "0" * 64
        for seq, row in enumerate([rows[0], *rows[2:]], start=1):
            new = _plain(prev, row)
            connection.execute(text(
                "UPDATE audit_log SET prev_hash = :p, hash = :h, seq = :s, mac_version = 0 "
                "WHERE id = :id"), {"p": prev, "h": new, "s": seq, "id": row.id})
            prev = new
    broken = _verify(database_url, tmp_path, keyring)
    assert broken.returncode == 1
    assert f"record {rows[-1].id} (#{rows[-1].seq}) is missing" in broken.stderr


def test_a_forged_or_missing_head_is_reported(client, services, database_url, tmp_path,
                                              keyring):
    rows = _some_records(client, services)
    path = services.settings.audit_head_file
    forged = json.loads(path.read_text())
    forged["seq"] = rows[2].seq
    path.write_text(json.dumps(forged))
    broken = _verify(database_url, tmp_path, keyring)
    assert broken.returncode == 1 and "not signed with this key ring" in broken.stderr
    path.unlink()
    missing = _verify(database_url, tmp_path, keyring)
    assert missing.returncode == 1 and "no signed head" in missing.stderr


def test_officer_add_from_the_command_line(services, database_url, tmp_path, client, keyring):
    result = _tambon(["officer", "add", "somsri", "--name", "สมศรี มั่นคง", "--office",
                      "finance", "--role", "officer", "--password-stdin"], database_url,
                     tmp_path, keyring, stdin=PASSWORD + "\n")
    assert result.returncode == 0, result.stderr
    assert "somsri" in result.stdout and "otpauth://totp/" in result.stdout
    admin = _tambon(["officer", "add", "boss", "--name", "หัวหน้า", "--office", "palad",
                     "--role", "admin", "--password-stdin"], database_url, tmp_path, keyring,
                    stdin=PASSWORD + "\n")
    assert admin.returncode == 0 and "otpauth://totp/" in admin.stdout
    short = _tambon(["officer", "add", "x1", "--name", "x", "--office", "palad", "--role",
                     "officer", "--password-stdin"], database_url, tmp_path, keyring,
                    stdin="short\n")
    assert short.returncode != 0 and "12" in short.stderr
    secret = result.stdout.split("shown once): ")[1].split()[0]
    import base64

    seed = base64.b32decode(secret + "=" * (-len(secret) % 8))
    assert sign_in(client, "somsri", seed=seed).status_code == 302
