"""Thai texts people read, looked up by key from data/messages/*.yaml.

Keeping every sentence in data lets the office reword the bot without touching code,
and keeps the code readable for those who do not read Thai.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from data import MESSAGES_DIR


class MissingText(KeyError):
    """A key asked for by code that no messages file defines."""


@lru_cache(maxsize=4)
def _catalogue(folder: str) -> dict[str, str]:
    merged: dict[str, str] = {}
    for path in sorted(Path(folder).glob("*.yaml")):
        loaded = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for key, value in loaded.items():
            if key in merged:
                raise ValueError(f"{path.name}: text key {key!r} is defined twice")
            merged[key] = value
    return merged


def text(key: str, **values: object) -> str:
    """The Thai text for `key`, with `{placeholders}` filled from `values`."""
    try:
        template = _catalogue(str(MESSAGES_DIR))[key]
    except KeyError as missing:
        raise MissingText(key) from missing
    return template.format(**values) if values else template


def has_text(key: str) -> bool:
    return key in _catalogue(str(MESSAGES_DIR))
