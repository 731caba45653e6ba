"""The messages a handler sends, whatever the channel: built only with these functions.

The vocabulary is small and channel-neutral: a text (`say`) with quick replies that send a
text, a postback, or ask for a location or a photo; and a card (`card`) with a title,
labelled fields and up to three postback buttons. Its wire shape is LINE's Messaging API
(LINE came first, and the outbox and the tests hold messages in that shape), so LINE gets
these dicts as they are; the other channels read them back with `bot.channels.neutral` and
render them within their own limits (bot/channels/messenger.py, bot/channels/web.py).
A handler that built another LINE shape by hand would reach LINE only.

LINE's limits are enforced here so no caller has to remember them.
"""

from __future__ import annotations

from collections.abc import Iterator

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


CARD_FIELD_COLOR = "#888888"


def card(alt: str, title: str, fields: list[tuple[str, list[str]]],
         buttons: list[tuple[str, str]]) -> dict:
    """A card: a bold title, labelled fields (each value one line per item), and postback
    buttons (shown, data) under it. `alt` is what a chat list or a notification shows."""
    return {
        "type": "flex",
        "altText": alt,
        "contents": {
            "type": "bubble",
            "body": {"type": "box", "layout": "vertical", "contents": [
                {"type": "text", "text": title, "weight": "bold", "size": "lg", "wrap": True},
                {"type": "box", "layout": "vertical", "margin": "md", "spacing": "sm",
                 "contents": [_card_field(name, lines) for name, lines in fields]},
            ]},
            "footer": {"type": "box", "layout": "horizontal", "spacing": "sm",
                       "contents": [_card_button(shown, data) for shown, data in buttons]},
        },
    }


def _card_field(name: str, lines: list[str]) -> dict:
    """A label and its values, one line each (a Flex text's own line breaks are not kept
    by every LINE client)."""
    values = [{"type": "text", "text": line or "-", "size": "sm", "wrap": True}
              for line in lines] or [{"type": "text", "text": "-", "size": "sm"}]
    return {
        "type": "box", "layout": "horizontal", "spacing": "sm",
        "contents": [
            {"type": "text", "text": name, "size": "sm", "color": CARD_FIELD_COLOR, "flex": 2},
            {"type": "box", "layout": "vertical", "flex": 5, "contents": values},
        ],
    }


def _card_button(shown: str, data: str) -> dict:
    return {
        "type": "button", "style": "link", "height": "sm",
        "action": {"type": "postback", "label": label(shown), "data": data,
                   "displayText": shown},
    }


def cap(messages: list[dict]) -> list[dict]:
    """At most five messages go in one reply; the rest would be refused by LINE."""
    return messages[:MAX_MESSAGES]


# A phone shows about this much of a message without scrolling: the first bubble of an
# answer stays under it, later ones under BUBBLE.
FIRST_BUBBLE = 300
BUBBLE = 700


def phone_bubbles(lines: list[str], most: int = MAX_MESSAGES, first: int = FIRST_BUBBLE,
                  rest: int = BUBBLE) -> list[str]:
    """Lines packed, in order, into at most `most` texts: the first under `first`
    characters, the others under `rest`, whatever is left in the last (cut at LINE's
    limit). A blank line ends a section: a section that does not fit the bubble goes on
    to the next whole, unless the bubble holds little yet; a line is never split."""
    sections: list[list[str]] = [[]]
    for line in lines:
        if line.strip():
            sections[-1].append(line)
        elif sections[-1]:
            sections.append([])
    bubbles: list[list[str]] = [[]]

    def room() -> int:
        return first if len(bubbles) == 1 else rest

    def size(extra: list[str]) -> int:
        return len("\n".join(bubbles[-1] + ([""] if bubbles[-1] else []) + extra))

    for section in (s for s in sections if s):
        # a section that would not fit moves on whole, unless the bubble holds little yet
        # (a heading alone is no bubble)
        if bubbles[-1] and size(section) > room() and len(bubbles) < most \
                and size([]) >= room() // 2:
            bubbles.append([])
        if bubbles[-1]:
            bubbles[-1].append("")  # the section break
        for line in section:
            if len(bubbles[-1]) > 1 and len("\n".join([*bubbles[-1], line])) > room() \
                    and len(bubbles) < most:
                bubbles.append([])
            bubbles[-1].append(line)
    texts = ["\n".join(b).strip() for b in bubbles]
    texts = [t for t in texts if t] or [""]
    texts[-1] = texts[-1][:MAX_TEXT]
    return texts


def nodes(tree) -> Iterator[dict]:
    """Every mapping in a message, a list of messages or a Flex tree, depth first (for
    reading what a message shows: its texts, labels, buttons)."""
    if isinstance(tree, dict):
        yield tree
        for value in tree.values():
            if isinstance(value, dict | list):
                yield from nodes(value)
    elif isinstance(tree, list):
        for value in tree:
            yield from nodes(value)
