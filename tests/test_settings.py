"""Start-up settings: defaults that run, and one clear line for what is wrong."""

import subprocess
import sys

import pytest

from bot.settings import SettingsError, load_settings


def test_defaults_are_development_on_sqlite(tmp_path):
    settings = load_settings({"TAMBON_INSTANCE_DIR": str(tmp_path)})
    assert settings.development
    assert settings.database_url.startswith("sqlite:///")


PRODUCTION = {"TAMBON_ENV": "production", "LINE_CHANNEL_SECRET": "s",
              "LINE_CHANNEL_ACCESS_TOKEN": "t", "TAMBON_SECRET_KEY": "k" * 32,
              "TAMBON_KEYRING": "{}"}


@pytest.mark.parametrize("env, words", [
    ({"DATABASE_URL": "not a url"}, "DATABASE_URL"),
    ({"DATABASE_URL": "mysql://x@y/z"}, "DATABASE_URL"),
    ({"LINE_CHANNEL_SECRET": "s", "TAMBON_ENV": "production"}, "LINE_CHANNEL_ACCESS_TOKEN"),
    ({"LINE_CHANNEL_SECRET": "s", "LINE_CHANNEL_ACCESS_TOKEN": "t"}, "TAMBON_ENV"),
    ({"TAMBON_ENV": "staging"}, "TAMBON_ENV"),
    ({**PRODUCTION, "LINE_CHANNEL_SECRET": "", "LINE_CHANNEL_ACCESS_TOKEN": ""},
     "production needs LINE_CHANNEL_SECRET"),
    ({**PRODUCTION, "TAMBON_KEYRING": ""}, "no key ring"),
    ({**PRODUCTION, "TAMBON_SECRET_KEY": ""}, "production needs TAMBON_SECRET_KEY"),
    ({**PRODUCTION, "TAMBON_SECRET_KEY": "short"}, "TAMBON_SECRET_KEY"),
    ({"DATABASE_URL": "postgresql://tambon@db.example.org/tambon"}, "development mode"),
    ({"TAMBON_TRUSTED_PROXIES": "-1"}, "TAMBON_TRUSTED_PROXIES"),
    ({"TAMBON_TRUSTED_PROXIES": "99"}, "TAMBON_TRUSTED_PROXIES"),
    ({"TAMBON_MAX_BODY_BYTES": "big"}, "TAMBON_MAX_BODY_BYTES"),
    ({"TAMBON_ORG_DIR": "/nonexistent"}, "organization.yaml"),
    ({"TAMBON_WORKER_NICE": "20"}, "TAMBON_WORKER_NICE"),
    ({"TAMBON_WORKER_NICE": "low"}, "TAMBON_WORKER_NICE"),
])
def test_wrong_settings_name_the_problem(tmp_path, env, words):
    with pytest.raises(SettingsError, match=words):
        load_settings({"TAMBON_INSTANCE_DIR": str(tmp_path), **env})


def test_production_with_everything_set_is_production(tmp_path):
    settings = load_settings({"TAMBON_INSTANCE_DIR": str(tmp_path), **PRODUCTION,
                              "DATABASE_URL": "postgresql://tambon@db.example.org/tambon",
                              "TAMBON_TRUSTED_PROXIES": "1"})
    assert not settings.development
    assert settings.channel_secret == "s" and settings.trusted_proxies == 1


def test_development_uses_another_host_only_when_told(tmp_path):
    remote = {"DATABASE_URL": "postgresql://tambon@db.example.org/tambon_test",
              "TAMBON_INSTANCE_DIR": str(tmp_path)}
    with pytest.raises(SettingsError):
        load_settings(remote)
    assert load_settings({**remote, "TAMBON_ALLOW_REMOTE_DATABASE": "1"}).development
    for local in ("postgresql://postgres@127.0.0.1:5432/x", "postgresql://postgres@localhost/x",
                  "postgresql:///x"):
        assert load_settings({"DATABASE_URL": local, "TAMBON_INSTANCE_DIR": str(tmp_path)})


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
    settings = load_settings({**PRODUCTION, "TAMBON_KEYRING": "",
                              "TAMBON_KEYRING_FILE": str(path),
                              "TAMBON_INSTANCE_DIR": str(tmp_path)})
    with pytest.raises(SettingsError, match="development key ring"):
        load_keyring(settings)


def test_development_refuses_a_production_key_ring(tmp_path):
    from bot.keys import load_keyring
    from storage.vault import KeyRing

    path = tmp_path / "keyring.json"
    KeyRing.generate(development=False).save_file(path)
    settings = load_settings({"TAMBON_KEYRING_FILE": str(path),
                              "TAMBON_INSTANCE_DIR": str(tmp_path)})
    with pytest.raises(SettingsError, match="TAMBON_ENV=production"):
        load_keyring(settings)
