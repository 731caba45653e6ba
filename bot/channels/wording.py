"""The chat texts name LINE; on another channel they say that channel's name instead.

The phrases are data (data/channels.th.yaml), applied longest first, so a clerk can word
them; LINE's texts are never touched.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import yaml

from data import DATA_DIR

WORDS_FILE = DATA_DIR / "channels.th.yaml"


@lru_cache(maxsize=8)
def _phrases(channel: str) -> tuple[tuple[str, str], ...]:
    loaded = yaml.safe_load(WORDS_FILE.read_text(encoding="utf-8")) or {}
    found = loaded.get(channel) or {}
    return tuple(sorted(found.items(), key=lambda pair: -len(pair[0])))


def rewording(channel: str) -> Callable[[str], str]:
    phrases = _phrases(channel)

    def reword(text: str) -> str:
        for said, instead in phrases:
            text = text.replace(said, instead)
        return text

    return reword
