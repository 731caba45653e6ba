"""Messenger's renderer: the handlers' messages as Send API `message` objects.

Meta's limits, kept here: a text of at most 2,000 characters (a longer one is split at a
line break or a space), at most 13 quick replies with titles of 20 characters, a generic
template with a title and subtitle of 80 characters and at most 3 postback buttons, a
payload of 1,000. Messenger has no quick reply that asks for a location or opens the
camera (Meta withdrew the location one): those are left out, and a person sends a photo
with Messenger's own attach button.

A quick reply comes back as a text message carrying our payload; the payload says what
the tap means (`t:` a text as if typed, `p:` a postback), and bot/channels/messenger_events.py
turns it back into the event the handlers know.
"""

from __future__ import annotations

import logging

from bot.channels.neutral import POSTBACK, TEXT, Card, Choice, Text, read
from bot.channels.wording import rewording

log = logging.getLogger("tambon.messenger")

NAME = "messenger"
MAX_TEXT = 2000
MAX_QUICK_REPLIES = 13
MAX_TITLE = 20
MAX_PAYLOAD = 1000
MAX_TEMPLATE_TEXT = 80
MAX_BUTTONS = 3
TEXT_PAYLOAD, POSTBACK_PAYLOAD = "t:", "p:"


def render(messages: list[dict]) -> list[dict]:
    """Send API message objects for the handlers' messages, in order, each within limits."""
    out: list[dict] = []
    reword = rewording(NAME)
    for message in messages:
        neutral = read(message, reword)
        if isinstance(neutral, Text):
            out += _text(neutral.body, neutral.quick)
        elif isinstance(neutral, Card):
            out += _card(neutral)
        else:
            log.warning("a %s message has no Messenger form; left out", neutral.kind)
    return out


def split_text(body: str, limit: int = MAX_TEXT) -> list[str]:
    """Pieces of at most `limit` characters, cut at the last line break, else the last space,
    in the piece (Thai runs words together, so a long run without either is cut where it
    must be)."""
    pieces: list[str] = []
    rest = body
    while len(rest) > limit:
        window = rest[: limit + 1]
        cut = window.rfind("\n")
        if cut <= 0:
            cut = window.rfind(" ")
        if cut <= 0:
            cut = limit
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest or not pieces:
        pieces.append(rest)
    return pieces


def _text(body: str, quick: list[Choice]) -> list[dict]:
    out = [{"text": piece} for piece in split_text(body)]
    replies = _quick_replies(quick)
    if replies:
        out[-1]["quick_replies"] = replies
    return out


def _title(label: str, limit: int = MAX_TITLE) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def payload(choice: Choice) -> str | None:
    if choice.kind == TEXT:
        return (TEXT_PAYLOAD + (choice.text or choice.label))[:MAX_PAYLOAD]
    if choice.kind == POSTBACK:
        return (POSTBACK_PAYLOAD + choice.data)[:MAX_PAYLOAD]
    return None  # a location or a photo: no such quick reply on Messenger


def _quick_replies(quick: list[Choice]) -> list[dict]:
    replies = [{"content_type": "text", "title": _title(c.label), "payload": p}
               for c in quick if (p := payload(c)) is not None]
    return replies[:MAX_QUICK_REPLIES]


def _card(card: Card) -> list[dict]:
    """The fields as a text (a template's subtitle holds 80 characters), then a generic
    template with the title and the buttons."""
    lines = []
    for name, values in card.fields:
        lines.append(f"{name}: {values[0] if values else '-'}")
        lines += [f"  {value}" for value in values[1:]]
    out = [{"text": piece} for piece in split_text("\n".join(lines))] if lines else []
    buttons = [{"type": "postback", "title": _title(b.label), "payload": p}
               for b in card.buttons if (p := payload(b)) is not None][:MAX_BUTTONS]
    element = {"title": _title(card.title, MAX_TEMPLATE_TEXT)}
    if card.fields and card.fields[0][1]:
        element["subtitle"] = _title(card.fields[0][1][0], MAX_TEMPLATE_TEXT)
    if buttons:
        element["buttons"] = buttons
    template = {"attachment": {"type": "template", "payload": {
        "template_type": "generic", "elements": [element]}}}
    replies = _quick_replies(card.quick)
    if replies:
        template["quick_replies"] = replies
    return [*out, template]
