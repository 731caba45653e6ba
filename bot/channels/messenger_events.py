"""Meta's webhook entries turned into the events the handlers know (LINE's vocabulary).

Done in the webhook, before storing: a dictionary walk, no NLP and no HTTP. Each stored
event keeps the channel's marker (`"channel": "messenger"`) and its user as a Messenger
address (`fb:<psid>`, storage/channels.py), so the inbox, the worker and the vault treat
it as they treat a LINE event, and the worker knows where the answer goes. Its id is
derived from the message's `mid` (a postback without one: a digest of what it carries),
so a redelivery is stored once.

Echoes of our own sends, delivery and read receipts, reactions and anything else that is
not a person writing to the page are not stored.
"""

from __future__ import annotations

import hashlib
import json

from bot.channels.messenger import POSTBACK_PAYLOAD, TEXT_PAYLOAD
from storage.channels import MESSENGER, messenger_address

ID_PREFIX = "fb:"
MEDIA = {"image": "image", "video": "video", "audio": "audio", "file": "file"}
MAX_ATTACHMENTS = 5


def events_of(payload: dict) -> list[dict]:
    """The desk's events in a webhook body of `"object": "page"` (others: none)."""
    if payload.get("object") != "page":
        return []
    found: list[dict] = []
    for entry in payload.get("entry") or []:
        if not isinstance(entry, dict):
            continue
        for item in entry.get("messaging") or []:
            if isinstance(item, dict):
                found += _translate(item)
    return found


def _translate(item: dict) -> list[dict]:
    sender = (item.get("sender") or {}).get("id")
    if not isinstance(sender, str) or not sender.isascii() or not 0 < len(sender) <= 64:
        return []
    stamp = item.get("timestamp") if isinstance(item.get("timestamp"), int) else None
    message, postback = item.get("message"), item.get("postback")
    if isinstance(message, dict) and not message.get("is_echo"):
        return _from_message(sender, stamp, message)
    if isinstance(postback, dict) and isinstance(postback.get("payload"), str):
        key = _key(postback.get("mid"), {"sender": sender, "timestamp": stamp,
                                         "postback": postback})
        return [_postback_or_text(sender, stamp, key, postback["payload"])]
    return []


def _from_message(sender: str, stamp, message: dict) -> list[dict]:
    key = _key(message.get("mid"), {"sender": sender, "timestamp": stamp, "message": message})
    quick = (message.get("quick_reply") or {}).get("payload")
    if isinstance(quick, str):
        return [_postback_or_text(sender, stamp, key, quick)]
    if isinstance(message.get("text"), str):
        return [_event(sender, stamp, key, "message",
                       message={"type": "text", "id": key, "text": message["text"]})]
    events = []
    attachments = message.get("attachments")
    for number, attachment in enumerate((attachments or [])[:MAX_ATTACHMENTS]):
        if not isinstance(attachment, dict):
            continue
        part = f"{key}.{number}" if number else key
        inner = _attachment(part, attachment)
        if inner is not None:
            events.append(_event(sender, stamp, part, "message", message=inner))
    return events


def _attachment(key: str, attachment: dict) -> dict | None:
    payload = attachment.get("payload") or {}
    kind = MEDIA.get(attachment.get("type"))
    if kind and isinstance(payload.get("url"), str):
        # The URL is Meta's and short-lived; the worker fetches it at once, with a size cap.
        return {"type": kind, "id": key,
                "contentProvider": {"type": MESSENGER, "url": payload["url"]}}
    coordinates = payload.get("coordinates") or {}
    if attachment.get("type") == "location" and _number(coordinates.get("lat")) \
            and _number(coordinates.get("long")):
        return {"type": "location", "id": key, "latitude": coordinates["lat"],
                "longitude": coordinates["long"], "address": "",
                "title": str(attachment.get("title") or "")[:100]}
    return None


def _number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _postback_or_text(sender: str, stamp, key: str, payload: str) -> dict:
    """A tap on one of our quick replies or buttons: its payload says what it stands for."""
    if payload.startswith(TEXT_PAYLOAD):
        return _event(sender, stamp, key, "message",
                      message={"type": "text", "id": key, "text": payload[len(TEXT_PAYLOAD):]})
    data = payload[len(POSTBACK_PAYLOAD):] if payload.startswith(POSTBACK_PAYLOAD) else payload
    return _event(sender, stamp, key, "postback", postback={"data": data})


def _event(sender: str, stamp, key: str, kind: str, **fields) -> dict:
    event = {"type": kind, "mode": "active", "channel": MESSENGER,
             "source": {"type": "user", "userId": messenger_address(sender)},
             "webhookEventId": key, **fields}
    if stamp is not None:
        event["timestamp"] = stamp
    return event


def _key(mid, content: dict) -> str:
    """At most 64 characters (the inbox's id column): a digest of the mid, or of the event."""
    if isinstance(mid, str) and mid:
        basis = mid.encode("utf-8", "replace")
    else:
        basis = json.dumps(content, sort_keys=True, ensure_ascii=False).encode("utf-8", "replace")
    return ID_PREFIX + hashlib.sha256(basis).hexdigest()[:48]
