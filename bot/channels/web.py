"""The web chat's renderer: the handlers' messages as the JSON that chat.js draws.

    {"kind": "text", "text": ..., "choices": [...]}
    {"kind": "card", "title": ..., "fields": [{"name": ..., "lines": [...]}],
     "buttons": [...], "choices": [...]}

A choice is {"kind": "text" | "postback" | "photo", "label": ..., "send": ...}: a text is
sent as if typed, a postback's data goes back as it is, a photo opens the file picker. A
request for a location has no web form here and is left out (the person types the place).
"""

from __future__ import annotations

import logging

from bot.channels.neutral import CAMERA, CAMERA_ROLL, POSTBACK, TEXT, Card, Choice, Text, read
from bot.channels.wording import rewording

log = logging.getLogger("tambon.webchat")

NAME = "web"


def render(messages: list[dict]) -> list[dict]:
    out: list[dict] = []
    reword = rewording(NAME)
    for message in messages:
        neutral = read(message, reword)
        if isinstance(neutral, Text):
            out.append({"kind": "text", "text": neutral.body, "choices": _choices(neutral.quick)})
        elif isinstance(neutral, Card):
            out.append({"kind": "card", "title": neutral.title, "alt": neutral.alt,
                        "fields": [{"name": n, "lines": v} for n, v in neutral.fields],
                        "buttons": _choices(neutral.buttons),
                        "choices": _choices(neutral.quick)})
        else:
            log.warning("a %s message has no web-chat form; left out", neutral.kind)
    return out


def _choices(choices: list[Choice]) -> list[dict]:
    out = []
    for choice in choices:
        if choice.kind == TEXT:
            out.append({"kind": "text", "label": choice.label,
                        "send": choice.text or choice.label})
        elif choice.kind == POSTBACK:
            out.append({"kind": "postback", "label": choice.label, "send": choice.data,
                        "display": choice.display or choice.label})
        elif choice.kind in (CAMERA, CAMERA_ROLL):
            if not any(c["kind"] == "photo" for c in out):
                out.append({"kind": "photo", "label": choice.label, "send": ""})
    return out
