"""The handlers' messages read back as plain values, for renderers other than LINE's.

`handlers.messages` builds each message in LINE's wire shape; this is the inverse of its
builders (`say` with its quick replies, `card`), and nothing else: a message in any other
shape reads as `Unknown` and a renderer says so rather than guess.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from handlers.messages import nodes

# Quick-reply kinds: send a text, send a postback, ask for a location, a photo.
TEXT, POSTBACK, LOCATION, CAMERA, CAMERA_ROLL = ("text", "postback", "location", "camera",
                                                 "camera_roll")
_KINDS = {"message": TEXT, "postback": POSTBACK, "location": LOCATION, "camera": CAMERA,
          "cameraRoll": CAMERA_ROLL}


@dataclass(frozen=True)
class Choice:
    """A quick reply or a card's button."""

    kind: str
    label: str
    text: str = ""  # what a TEXT choice sends as if typed
    data: str = ""  # a POSTBACK's data
    display: str = ""  # what a POSTBACK shows in the chat as the user's words


@dataclass(frozen=True)
class Text:
    body: str
    quick: list[Choice] = field(default_factory=list)


@dataclass(frozen=True)
class Card:
    alt: str
    title: str
    fields: list[tuple[str, list[str]]]
    buttons: list[Choice]
    quick: list[Choice] = field(default_factory=list)


@dataclass(frozen=True)
class Unknown:
    kind: str


Neutral = Text | Card | Unknown


def _same(text: str) -> str:
    return text


def read(message: dict, reword: Callable[[str], str] = _same) -> Neutral:
    """The message as plain values; `reword` is applied to every text a person reads (not to
    what a choice sends back, which the handlers must recognise as they wrote it)."""
    quick = [_choice(item.get("action") or {}, reword)
             for item in (message.get("quickReply") or {}).get("items", [])]
    quick = [c for c in quick if c is not None]
    kind = message.get("type")
    if kind == "text":
        return Text(reword(str(message.get("text", ""))), quick)
    if kind == "flex":
        found = _card(message, quick, reword)
        if found is not None:
            return found
    return Unknown(str(kind))


def _choice(action: dict, reword: Callable[[str], str] = _same) -> Choice | None:
    kind = _KINDS.get(action.get("type"))
    if kind is None:
        return None
    return Choice(kind=kind, label=reword(str(action.get("label", ""))),
                  text=str(action.get("text", "")), data=str(action.get("data", "")),
                  display=reword(str(action.get("displayText", ""))))


def _card(message: dict, quick: list[Choice], reword: Callable[[str], str]) -> Card | None:
    """The shape `handlers.messages.card` builds: body [title, box of fields], footer of
    buttons."""
    bubble = message.get("contents") or {}
    try:
        title_node, fields_box = bubble["body"]["contents"]
        fields = []
        for row in fields_box["contents"]:
            name, values = row["contents"]
            fields.append((reword(name["text"]), [reword(v["text"]) for v in values["contents"]]))
        buttons = [_choice(n["action"], reword) for n in nodes(bubble.get("footer"))
                   if n.get("type") == "button"]
    except (KeyError, TypeError, ValueError):
        return None
    return Card(alt=reword(str(message.get("altText", ""))), title=reword(title_node["text"]),
                fields=fields,
                buttons=[b for b in buttons if b is not None], quick=quick)
