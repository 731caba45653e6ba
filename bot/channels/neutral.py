"""The handlers' messages read back as plain values, for renderers other than LINE's.

`handlers.messages` builds each message in LINE's wire shape; this is the inverse of its
builders (`say` with its quick replies, `card`), and nothing else: a message in any other
shape reads as `Unknown` and a renderer says so rather than guess.
"""

from __future__ import annotations

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


def read(message: dict) -> Neutral:
    quick = [_choice(item.get("action") or {})
             for item in (message.get("quickReply") or {}).get("items", [])]
    quick = [c for c in quick if c is not None]
    kind = message.get("type")
    if kind == "text":
        return Text(str(message.get("text", "")), quick)
    if kind == "flex":
        found = _card(message, quick)
        if found is not None:
            return found
    return Unknown(str(kind))


def read_all(messages: list[dict]) -> list[Neutral]:
    return [read(m) for m in messages]


def _choice(action: dict) -> Choice | None:
    kind = _KINDS.get(action.get("type"))
    if kind is None:
        return None
    return Choice(kind=kind, label=str(action.get("label", "")),
                  text=str(action.get("text", "")), data=str(action.get("data", "")),
                  display=str(action.get("displayText", "")))


def _card(message: dict, quick: list[Choice]) -> Card | None:
    """The shape `handlers.messages.card` builds: body [title, box of fields], footer of
    buttons."""
    bubble = message.get("contents") or {}
    try:
        title_node, fields_box = bubble["body"]["contents"]
        fields = []
        for row in fields_box["contents"]:
            name, values = row["contents"]
            fields.append((name["text"], [v["text"] for v in values["contents"]]))
        buttons = [_choice(n["action"]) for n in nodes(bubble.get("footer"))
                   if n.get("type") == "button"]
    except (KeyError, TypeError, ValueError):
        return None
    return Card(alt=str(message.get("altText", "")), title=title_node["text"], fields=fields,
                buttons=[b for b in buttons if b is not None], quick=quick)
