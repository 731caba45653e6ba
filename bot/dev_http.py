"""HTTP for the development tools (`tambon chat`, the browser simulator) talking to the
fake LINE API and the bot's own /callback.

urllib3 is what the LINE SDK's client sends with (bot/line_api.py), so the base install
needs no second HTTP library for these tools.
"""

from __future__ import annotations

import json

import urllib3
from urllib3.exceptions import HTTPError

__all__ = ["HTTPError", "BadStatus", "get_json", "post"]

# No retries: a tool that cannot reach the server says so at once (as requests did).
# Four connections a host: `tambon chat` polls from a listener thread while it sends.
_POOL = urllib3.PoolManager(retries=False, maxsize=4)


class BadStatus(HTTPError):
    """The server answered with an error status (4xx/5xx)."""


def post(url: str, body: bytes, headers: dict[str, str], timeout: float = 10,
         check: bool = False) -> int:
    """POST `body`; the status code. With `check`, a 4xx/5xx raises BadStatus."""
    answer = _POOL.request("POST", url, body=body, headers=headers, timeout=timeout)
    if check and answer.status >= 400:
        raise BadStatus(f"{url}: HTTP {answer.status}")
    return answer.status


def get_json(url: str, params: dict | None = None, timeout: float = 5):
    """GET `url` (with query `params`) and the JSON it answers; BadStatus on 4xx/5xx."""
    answer = _POOL.request("GET", url, fields=params, timeout=timeout)
    if answer.status >= 400:
        raise BadStatus(f"{url}: HTTP {answer.status}")
    return json.loads(answer.data)
