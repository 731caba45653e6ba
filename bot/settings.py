"""Settings from the environment, each with a default that runs the bot on one machine.

| variable | default | meaning |
|---|---|---|
| DATABASE_URL | sqlite:///instance/tambon.db | SQLite file or postgresql://... (psycopg 3) |
| LINE_CHANNEL_SECRET | (none: development mode) | checks X-Line-Signature |
| LINE_CHANNEL_ACCESS_TOKEN | (none: development mode) | authorises outgoing LINE calls |
| LINE_API_BASE | LINE; in development the fake LINE inside `tambon serve` | where calls go |
| TAMBON_KEYRING | (none) | the key ring as JSON text (production: from a secret store) |
| TAMBON_KEYRING_FILE | instance/keyring.json | key ring file (0600); generated in development |
| TAMBON_ORG_DIR | data/orgs/thungpho | the organization's data folder |
| TAMBON_INSTANCE_DIR | instance | where the SQLite file and the development key ring live |
| TAMBON_MAX_BODY_BYTES | 262144 | the largest webhook body accepted (413 above) |
| TAMBON_SECRET_KEY | generated into instance/ in development | signs console sessions |
| TAMBON_WORKER_NICE | 10 | how much the worker yields the CPU to the web (0-19; see below) |

With neither LINE credential set the service runs in development mode: it signs and
checks with a fixed development secret and sends to its own fake LINE API.

The worker runs at a lower CPU priority than the web (`nice`): LINE waits about two seconds
for the webhook's 200 and then redelivers, while an answer a few hundred milliseconds later
goes unnoticed; on a small server the worker takes whatever CPU the web leaves.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from data import DEFAULT_ORG_DIR

DEV_CHANNEL_SECRET = "tambon-development-channel-secret"
DEV_ACCESS_TOKEN = "tambon-development-access-token"
FAKE_LINE_PATH = "/fake-line"


class SettingsError(Exception):
    """A setting that stops start-up; its message is the one line the operator reads."""


@dataclass(frozen=True)
class Settings:
    database_url: str
    channel_secret: str
    channel_access_token: str
    line_api_base: str | None
    keyring_json: str | None
    keyring_file: Path
    org_dir: Path
    instance_dir: Path
    max_body_bytes: int
    secret_key: str | None
    development: bool
    worker_nice: int = 10

    def with_line_api_base(self, base: str) -> Settings:
        return _replace(self, line_api_base=base)


def _replace(settings: Settings, **changes) -> Settings:
    from dataclasses import replace

    return replace(settings, **changes)


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    env = os.environ if env is None else env
    instance_dir = Path(env.get("TAMBON_INSTANCE_DIR", "instance"))
    secret = env.get("LINE_CHANNEL_SECRET", "").strip()
    token = env.get("LINE_CHANNEL_ACCESS_TOKEN", "").strip()
    if bool(secret) != bool(token):
        raise SettingsError(
            "set both LINE_CHANNEL_SECRET and LINE_CHANNEL_ACCESS_TOKEN, or neither for development"
        )
    development = not secret
    database_url = env.get("DATABASE_URL") or f"sqlite:///{instance_dir / 'tambon.db'}"
    _check_database_url(database_url)
    org_dir = Path(env.get("TAMBON_ORG_DIR") or DEFAULT_ORG_DIR)
    if not (org_dir / "organization.yaml").is_file():
        raise SettingsError(f"TAMBON_ORG_DIR={org_dir}: no organization.yaml in that folder")
    keyring_json = env.get("TAMBON_KEYRING") or None
    keyring_file = Path(env.get("TAMBON_KEYRING_FILE") or instance_dir / "keyring.json")
    if not development and keyring_json is None and not keyring_file.is_file():
        raise SettingsError(
            "no key ring: set TAMBON_KEYRING or TAMBON_KEYRING_FILE "
            "(production never generates one; see `tambon keys new`)"
        )
    return Settings(
        database_url=database_url,
        channel_secret=secret or DEV_CHANNEL_SECRET,
        channel_access_token=token or DEV_ACCESS_TOKEN,
        line_api_base=(env.get("LINE_API_BASE") or "").rstrip("/") or None,
        keyring_json=keyring_json,
        keyring_file=keyring_file,
        org_dir=org_dir,
        instance_dir=instance_dir,
        max_body_bytes=_positive_int(env, "TAMBON_MAX_BODY_BYTES", 262_144),
        secret_key=env.get("TAMBON_SECRET_KEY") or None,
        development=development,
        worker_nice=_nice(env),
    )


def _check_database_url(url: str) -> None:
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise SettingsError(f"DATABASE_URL is not a database URL: {_redact(url)!r}") from None
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise SettingsError(
            f"DATABASE_URL must be sqlite:///... or postgresql://..., not {parsed.drivername!r}"
        )


def _redact(url: str) -> str:
    # Never echo a password from a URL into a log or a terminal.
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        return f"{scheme}://***@{rest.split('@', 1)[1]}"
    return url


def _nice(env: Mapping[str, str]) -> int:
    raw = env.get("TAMBON_WORKER_NICE")
    if raw is None or raw == "":
        return 10
    try:
        value = int(raw)
    except ValueError:
        value = -1
    if not 0 <= value <= 19:
        raise SettingsError(f"TAMBON_WORKER_NICE must be a whole number from 0 to 19, not {raw!r}")
    return value


def _positive_int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, not {raw!r}") from None
    if value <= 0:
        raise SettingsError(f"{name} must be above zero")
    return value
