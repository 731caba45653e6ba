"""Settings from the environment, each with a default that runs the bot on one machine.

| variable | default | meaning |
|---|---|---|
| TAMBON_ENV | development | development or production (see below) |
| DATABASE_URL | sqlite:///instance/tambon.db | SQLite file or postgresql://... (psycopg 3) |
| TAMBON_ALLOW_REMOTE_DATABASE | (unset) | 1: development may use a database on another host |
| LINE_CHANNEL_SECRET | (production: required) | checks X-Line-Signature |
| LINE_CHANNEL_ACCESS_TOKEN | (production: required) | authorises outgoing LINE calls |
| LINE_API_BASE | LINE; in development the fake LINE inside `tambon serve` | where calls go |
| TAMBON_KEYRING | (none) | the key ring as JSON text (production: from a secret store) |
| TAMBON_KEYRING_FILE | instance/keyring.json | key ring file (0600); generated in development |
| TAMBON_ORG_DIR | data/orgs/thungpho | the organization's data folder |
| TAMBON_INSTANCE_DIR | instance | where the SQLite file and the development key ring live |
| TAMBON_MAX_BODY_BYTES | 262144 | the largest webhook body accepted (413 above) |
| TAMBON_SECRET_KEY | production: required; development: made in instance/ | signs CSRF tokens |
| TAMBON_TRUSTED_PROXIES | 0 | reverse proxies before the web (X-Forwarded-For/-Proto) |
| TAMBON_AUDIT_HEAD_FILE | instance/audit-head.json | the audit chain's signed head |
| TAMBON_WORKER_NICE | 10 | how much the worker yields the CPU to the web (0-19; see below) |
| TAMBON_HASH_SLOTS | half the cores (1+) | Argon2id checks the web runs at once (a machine) |
| MESSENGER_APP_SECRET | (unset: Messenger off) | checks X-Hub-Signature-256 on POST /messenger |
| MESSENGER_PAGE_TOKEN | (unset: Messenger off) | the page access token for the Send API |
| MESSENGER_VERIFY_TOKEN | (unset: Messenger off) | what Meta's subscription handshake must show |
| MESSENGER_API_BASE | Graph API; in development the fake inside `tambon serve` | where sends go |

Facebook Messenger is on only when its three secrets are all set, in either mode (a part
of them stops start-up); without them /messenger answers 404.

The mode is said, never guessed. Development (the default) signs and checks with a fixed,
published channel secret unless LINE credentials are given, serves a fake LINE API and the
chat simulator, generates its key ring and secret key into the instance folder, and refuses
a database on another machine unless TAMBON_ALLOW_REMOTE_DATABASE=1 (a production database
must never meet the published secret). Production refuses to start without LINE
credentials, a production key ring and TAMBON_SECRET_KEY, each with one line naming it.

The worker runs at a lower CPU priority than the web (`nice`): LINE waits about two seconds
for the webhook's 200 and then redelivers, while an answer a few hundred milliseconds later
goes unnoticed; on a small server the worker takes whatever CPU the web leaves.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from data import DEFAULT_ORG_DIR

DEV_CHANNEL_SECRET = "tambon-development-channel-secret"
DEV_ACCESS_TOKEN = "tambon-development-access-token"
FAKE_LINE_PATH = "/fake-line"
FAKE_MESSENGER_PATH = "/fake-messenger"
GRAPH_API = "https://graph.facebook.com/v19.0"
MODES = ("development", "production")
LOCAL_HOSTS = ("", "localhost", "127.0.0.1", "::1")
MIN_SECRET_KEY_CHARS = 32
MAX_TRUSTED_PROXIES = 5
MAX_HASH_SLOTS = 64


class SettingsError(Exception):
    """A setting that stops start-up; its message is the one line the operator reads."""


@dataclass(frozen=True)
class MessengerSettings:
    app_secret: str
    page_token: str
    verify_token: str
    api_base: str | None  # None: the Graph API, or in development the fake once its port is known

    def __repr__(self) -> str:  # never print a secret in a traceback or a log
        return f"MessengerSettings(api_base={self.api_base!r})"


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
    trusted_proxies: int = 0
    audit_head_file: Path = Path("instance/audit-head.json")
    hash_slots: int = 1
    messenger: MessengerSettings | None = None

    def with_line_api_base(self, base: str) -> Settings:
        return _replace(self, line_api_base=base)

    def with_messenger_api_base(self, base: str) -> Settings:
        return _replace(self, messenger=_replace(self.messenger, api_base=base))


def _replace(settings, **changes):
    from dataclasses import replace

    return replace(settings, **changes)


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    env = os.environ if env is None else env
    instance_dir = Path(env.get("TAMBON_INSTANCE_DIR", "instance"))
    secret = env.get("LINE_CHANNEL_SECRET", "").strip()
    token = env.get("LINE_CHANNEL_ACCESS_TOKEN", "").strip()
    development = _mode(env, bool(secret or token)) == "development"
    if bool(secret) != bool(token):
        raise SettingsError("set both LINE_CHANNEL_SECRET and LINE_CHANNEL_ACCESS_TOKEN"
                            + (", or neither for development" if development else ""))
    if not development and not secret:
        raise SettingsError("production needs LINE_CHANNEL_SECRET and "
                            "LINE_CHANNEL_ACCESS_TOKEN (from the LINE Developers console)")
    database_url = env.get("DATABASE_URL") or f"sqlite:///{instance_dir / 'tambon.db'}"
    parsed = _check_database_url(database_url)
    if development and not _local(parsed) and env.get("TAMBON_ALLOW_REMOTE_DATABASE") != "1":
        raise SettingsError(
            f"development mode will not use the database on {parsed.host}: set "
            "TAMBON_ENV=production, or TAMBON_ALLOW_REMOTE_DATABASE=1 if it is a test database")
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
    secret_key = env.get("TAMBON_SECRET_KEY") or None
    if not development and (secret_key is None or len(secret_key) < MIN_SECRET_KEY_CHARS):
        raise SettingsError(
            f"production needs TAMBON_SECRET_KEY: at least {MIN_SECRET_KEY_CHARS} random "
            "characters, the same for every process (e.g. `openssl rand -hex 32`)")
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
        secret_key=secret_key,
        development=development,
        worker_nice=_nice(env),
        trusted_proxies=_trusted_proxies(env),
        audit_head_file=Path(env.get("TAMBON_AUDIT_HEAD_FILE")
                             or instance_dir / "audit-head.json"),
        hash_slots=_hash_slots(env),
        messenger=_messenger(env, development),
    )


MESSENGER_SECRETS = ("MESSENGER_APP_SECRET", "MESSENGER_PAGE_TOKEN", "MESSENGER_VERIFY_TOKEN")


def _messenger(env: Mapping[str, str], development: bool) -> MessengerSettings | None:
    values = [env.get(name, "").strip() for name in MESSENGER_SECRETS]
    if not any(values):
        return None
    if not all(values):
        missing = [n for n, v in zip(MESSENGER_SECRETS, values, strict=True) if not v]
        raise SettingsError(f"Messenger needs all of {', '.join(MESSENGER_SECRETS)}; "
                            f"missing {', '.join(missing)} (or unset them all: Messenger off)")
    base = (env.get("MESSENGER_API_BASE") or "").rstrip("/") or None
    if base is None and not development:
        base = GRAPH_API
    return MessengerSettings(app_secret=values[0], page_token=values[1],
                             verify_token=values[2], api_base=base)


def _mode(env: Mapping[str, str], line_credentials: bool) -> str:
    mode = env.get("TAMBON_ENV", "").strip().lower()
    if mode and mode not in MODES:
        raise SettingsError(f"TAMBON_ENV must be development or production, not {mode!r}")
    if not mode and line_credentials:
        # Real credentials without a mode: say which, rather than guess either way.
        raise SettingsError("LINE credentials are set but TAMBON_ENV is not: set "
                            "TAMBON_ENV=production (or development to try a channel)")
    return mode or "development"


def _local(url: URL) -> bool:
    return url.get_backend_name() == "sqlite" or (url.host or "") in LOCAL_HOSTS


def _trusted_proxies(env: Mapping[str, str]) -> int:
    raw = env.get("TAMBON_TRUSTED_PROXIES") or "0"
    if not raw.isdigit() or int(raw) > MAX_TRUSTED_PROXIES:
        raise SettingsError(f"TAMBON_TRUSTED_PROXIES must be a number of proxies from 0 to "
                            f"{MAX_TRUSTED_PROXIES}, not {raw!r}")
    return int(raw)


def _check_database_url(url: str) -> URL:
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise SettingsError(f"DATABASE_URL is not a database URL: {_redact(url)!r}") from None
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise SettingsError(
            f"DATABASE_URL must be sqlite:///... or postgresql://..., not {parsed.drivername!r}"
        )
    return parsed


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


def _hash_slots(env: Mapping[str, str]) -> int:
    # Half the cores: each check is ~0.15 s of one core and 64 MiB, and the other half is
    # what answers LINE's webhook while a flood of sign-ins lasts.
    value = _positive_int(env, "TAMBON_HASH_SLOTS", max(1, (os.cpu_count() or 2) // 2))
    if value > MAX_HASH_SLOTS:
        raise SettingsError(f"TAMBON_HASH_SLOTS must be from 1 to {MAX_HASH_SLOTS}, not {value}")
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
