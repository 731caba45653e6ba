"""Start-up settings: defaults that run, and one clear line for what is wrong."""

import subprocess
import sys

import pytest

from bot.settings import SettingsError, load_settings


def test_defaults_are_development_on_sqlite(tmp_path):
    settings = load_settings({"TAMBON_INSTANCE_DIR": str(tmp_path)})
    assert settings.development
    assert settings.database_url.startswith("sqlite:///")


@pytest.mark.parametrize("env, words", [
    ({"DATABASE_URL": "not a url"}, "DATABASE_URL"),
    ({"DATABASE_URL": "mysql://x@y/z"}, "DATABASE_URL"),
    ({"LINE_CHANNEL_SECRET": "s"}, "LINE_CHANNEL_ACCESS_TOKEN"),
    ({"LINE_CHANNEL_SECRET": "s", "LINE_CHANNEL_ACCESS_TOKEN": "t"}, "key ring"),
    ({"TAMBON_MAX_BODY_BYTES": "big"}, "TAMBON_MAX_BODY_BYTES"),
    ({"TAMBON_ORG_DIR": "/nonexistent"}, "organization.yaml"),
    ({"TAMBON_WORKER_NICE": "20"}, "TAMBON_WORKER_NICE"),
    ({"TAMBON_WORKER_NICE": "low"}, "TAMBON_WORKER_NICE"),
])
def test_wrong_settings_name_the_problem(tmp_path, env, words):
    with pytest.raises(SettingsError, match=words):
        load_settings({"TAMBON_INSTANCE_DIR": str(tmp_path), **env})


def test_cli_prints_one_line_not_a_traceback(tmp_path):
    env = {"DATABASE_URL": "mysql://user:pw@host/db", "TAMBON_INSTANCE_DIR": str(tmp_path),
           "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-m", "bot", "db", "upgrade"], env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().count("\n") == 0
    assert "DATABASE_URL" in done.stderr and "pw" not in done.stderr


def test_production_refuses_a_development_key_ring(tmp_path):
    from bot.keys import load_keyring
    from storage.vault import KeyRing

    path = tmp_path / "keyring.json"
    KeyRing.generate(development=True).save_file(path)
    settings = load_settings({"LINE_CHANNEL_SECRET": "s", "LINE_CHANNEL_ACCESS_TOKEN": "t",
                              "TAMBON_KEYRING_FILE": str(path),
                              "TAMBON_INSTANCE_DIR": str(tmp_path)})
    with pytest.raises(SettingsError, match="development key ring"):
        load_keyring(settings)
