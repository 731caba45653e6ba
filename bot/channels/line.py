"""LINE's renderer: the handlers' messages are already in LINE's shape (see
`handlers.messages`), so they go as they are, byte for byte."""

from __future__ import annotations

NAME = "line"


def render(messages: list[dict]) -> list[dict]:
    return messages
