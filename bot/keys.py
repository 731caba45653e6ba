"""Finding the key ring: the environment, a key file, or (development only) a new file."""

from __future__ import annotations

import logging

from bot.settings import Settings, SettingsError
from storage.vault import KeyRing, KeyRingError

log = logging.getLogger("tambon.keys")

DEV_BANNER = (
    "DEVELOPMENT KEY RING at %s: generated on this machine, NOT for real complaints. "
    "Production needs TAMBON_KEYRING or TAMBON_KEYRING_FILE."
)


def load_keyring(settings: Settings) -> KeyRing:
    try:
        ring = None
        if settings.keyring_json:
            ring = KeyRing.from_env_value(settings.keyring_json)
        elif settings.keyring_file.is_file():
            ring = KeyRing.load_file(settings.keyring_file)
    except KeyRingError as error:
        raise SettingsError(f"key ring unusable: {error}") from None
    if ring is not None:
        if ring.development and not settings.development:
            raise SettingsError("a development key ring cannot serve real LINE users; "
                                "make one with `tambon keys new PATH`")
        if not ring.development and settings.development:
            # Development signs with a published secret: keep real keys out of its reach.
            raise SettingsError("a production key ring in development mode: set "
                                "TAMBON_ENV=production")
        if ring.development:
            log.warning(DEV_BANNER, settings.keyring_file)
        return ring
    if not settings.development:
        raise SettingsError("no key ring: set TAMBON_KEYRING or TAMBON_KEYRING_FILE")
    settings.keyring_file.parent.mkdir(parents=True, exist_ok=True)
    ring = KeyRing.generate(development=True)
    if not ring.save_new_file(settings.keyring_file):
        # Another process made it first: use theirs, or the two would seal differently.
        ring = KeyRing.load_file(settings.keyring_file)
    log.warning(DEV_BANNER, settings.keyring_file)
    return ring
