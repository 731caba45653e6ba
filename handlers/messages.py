"""Builders for LINE message objects (plain dicts, as the Messaging API takes them).

LINE's limits are enforced here so no caller has to remember them.
"""

from __future__ import annotations

MAX_MESSAGES = 5
MAX_QUICK_REPLIES = 13
MAX_LABEL = 20
MAX_TEXT = 5000


def label(value: str) -> str:
    return value if len(value) <= MAX_LABEL else value[: MAX_LABEL - 1] + "…"


def say(body: str, quick: list[dict] | None = None) -> dict:
    message: dict = {"type": "text", "text": body[:MAX_TEXT]}
    if quick:
        message["quickReply"] = {"items": quick[:MAX_QUICK_REPLIES]}
    return message


def reply_with_text(shown: str, sends: str | None = None) -> dict:
    """A quick reply that sends a text as if the user typed it."""
    return {
        "type": "action",
        "action": {"type": "message", "label": label(shown), "text": sends or shown},
    }


def reply_with_postback(shown: str, data: str, display: str | None = None) -> dict:
    action = {"type": "postback", "label": label(shown), "data": data[:300]}
    if display:
        action["displayText"] = display[:300]
    return {"type": "action", "action": action}


def reply_with_location(shown: str) -> dict:
    return {"type": "action", "action": {"type": "location", "label": label(shown)}}


def reply_with_camera(shown: str) -> dict:
    return {"type": "action", "action": {"type": "camera", "label": label(shown)}}


def reply_with_camera_roll(shown: str) -> dict:
    return {"type": "action", "action": {"type": "cameraRoll", "label": label(shown)}}


def cap(messages: list[dict]) -> list[dict]:
    """At most five messages go in one reply; the rest would be refused by LINE."""
    return messages[:MAX_MESSAGES]
