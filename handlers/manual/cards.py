"""What a citizen sees of a manual entry: the card and the texts behind its buttons.

Built with the channel-neutral messages of `handlers.messages`. Every Thai word comes from
data/messages/manual.th.yaml; LINE's limits are kept here (altText <= 400, text <= 5000).
The card is headed by the entry's short title; the legal title heads the details behind
its buttons. The details come as a few bubbles, the first short enough to read on a phone
without scrolling (`handlers.messages.phone_bubbles`).
"""

from __future__ import annotations

from collections.abc import Mapping

from handlers.messages import card, phone_bubbles, reply_with_postback, say
from handlers.texts import has_text, text

ALT_TEXT_MAX = 400
CARD_DOCUMENTS = 4  # documents listed on the card; the rest are behind the button
FIELD_MAX = 160  # longest text shown in one field of the card
# Bubbles a detail may take: the fifth message of the reply is the rating offer.
DETAIL_BUBBLES = 4

STEPS, DOCS, CONTACT, SHOW = "steps", "docs", "contact", "show"


def postback(action: str, entry_id: str) -> str:
    return f"manual:{action}:{entry_id}"


def office_name(office_id: str, names: Mapping[str, str] | None = None) -> str:
    """The office's Thai name: as the organization has it (`names`, edited in the console),
    else the manual's own text for that id."""
    if names and names.get(office_id):
        return names[office_id]
    key = f"manual_office_{office_id}"
    return text(key) if has_text(key) else office_id


def _short(value: str, limit: int = FIELD_MAX) -> str:
    value = "\n".join(" ".join(line.split()) for line in str(value).splitlines())
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _lines(value: str | list[str]) -> list[str]:
    return [_short(line) for line in (value if isinstance(value, list) else [value])]


def document_lines(entry: dict, limit: int = CARD_DOCUMENTS) -> list[str]:
    """The entry's documents, one line each, the first `limit` of them."""
    docs = entry.get("documents") or []
    if not docs:
        return [text("manual_card_no_documents")]
    lines = [f"• {_short(d['name'], 80)}" for d in docs[:limit]]
    if len(docs) > limit:
        lines.append(text("manual_card_more_documents", count=len(docs) - limit))
    return lines


def short_title(entry: dict) -> str:
    return entry.get("short_title") or entry["title"]


def alt_text(entry: dict, names: Mapping[str, str] | None = None) -> str:
    alt = text("manual_card_alt", title=short_title(entry),
               office=office_name(entry["office"], names),
               duration=_short(entry["total_duration"], 100), fee=_short(entry["fee"], 100))
    return alt if len(alt) <= ALT_TEXT_MAX else alt[: ALT_TEXT_MAX - 1] + "…"


def entry_card(entry: dict, names: Mapping[str, str] | None = None) -> dict:
    """The card for a confident answer."""
    entry_id = entry["id"]
    return card(
        alt_text(entry, names), short_title(entry),
        [(text("manual_card_office"), _lines(office_name(entry["office"], names))),
         (text("manual_card_duration"), _lines(entry["total_duration"])),
         (text("manual_card_fee"), _lines(entry["fee"])),
         (text("manual_card_documents"), _lines(document_lines(entry)))],
        [(text("manual_card_button_steps"), postback(STEPS, entry_id)),
         (text("manual_card_button_docs"), postback(DOCS, entry_id)),
         (text("manual_card_button_contact"), postback(CONTACT, entry_id))],
    )


def detail_quick_replies(entry: dict, shown: str) -> list[dict]:
    """The other two details, as quick replies under a detail text."""
    items = []
    for action, key in ((STEPS, "manual_card_button_steps"), (DOCS, "manual_card_button_docs"),
                        (CONTACT, "manual_card_button_contact")):
        if action != shown:
            items.append(reply_with_postback(text(key), postback(action, entry["id"]), text(key)))
    return items


def steps_lines(entry: dict, names: Mapping[str, str] | None = None) -> list[str]:
    """The steps first (what the button promises), then the total time, then who may
    apply."""
    lines = [text("manual_steps_heading", title=entry["title"]), ""]
    for number, step in enumerate(entry["steps"], 1):
        lines.append(text("manual_steps_line", number=number, text=step["text"],
                          duration=step["duration"],
                          office=office_name(step["office"], names)))
    lines.append(text("manual_steps_total", duration=entry["total_duration"]))
    if entry.get("criteria"):
        lines += ["", text("manual_steps_criteria")]
        lines += [f"• {c}" for c in entry["criteria"]]
    return lines


def documents_lines(entry: dict) -> list[str]:
    lines = [text("manual_docs_heading", title=entry["title"]), ""]
    docs = entry.get("documents") or []
    if not docs:
        lines.append(text("manual_docs_none"))
    for number, doc in enumerate(docs, 1):
        line = text("manual_docs_line", number=number, name=doc["name"],
                    originals=doc["originals"], copies=doc["copies"], issuer=doc["issuer"])
        if doc.get("note"):
            line += f" – {doc['note']}"
        lines.append(line)
    lines += ["", text("manual_docs_fee", fee=entry["fee"])]
    lines += [f"• {d}" for d in entry.get("fee_details") or []]
    return lines


def contact_lines(entry: dict, names: Mapping[str, str] | None = None) -> list[str]:
    channel = entry["channel"]
    lines = [
        text("manual_contact_heading", title=entry["title"]), "",
        text("manual_contact_office", office=office_name(entry["office"], names)),
        text("manual_contact_place", place=channel["place"]),
        text("manual_contact_hours", hours=channel["days_hours"]),
    ]
    if channel.get("phone"):
        lines.append(text("manual_contact_phone", phone=channel["phone"]))
    if channel.get("online"):
        lines.append(text("manual_contact_online", online=channel["online"]))
    lines += ["", text("manual_contact_complaint", complaint=entry["complaint"])]
    if entry.get("notes"):
        lines.append(text("manual_contact_notes", notes=entry["notes"]))
    if entry.get("legal_basis"):
        lines += ["", text("manual_legal_basis")]
        lines += [f"• {b}" for b in entry["legal_basis"]]
    return lines


def _detail_lines(entry: dict, action: str, names: Mapping[str, str] | None) -> list[str]:
    if action == STEPS:
        return steps_lines(entry, names)
    if action == DOCS:
        return documents_lines(entry)
    if action == CONTACT:
        return contact_lines(entry, names)
    raise ValueError(f"unknown detail {action!r}")


def detail_message(entry: dict, action: str, names: Mapping[str, str] | None = None,
                   org: str = "") -> dict:
    """The details as one message, where only one is sent (a group chat's answer).
    (`org` is kept for callers that passed it; the details fit one message's limit.)"""
    bodies = phone_bubbles(_detail_lines(entry, action, names), most=1)
    return say(bodies[0], detail_quick_replies(entry, action))


def detail_messages(entry: dict, action: str, names: Mapping[str, str] | None = None
                    ) -> list[dict]:
    """The text behind a card button, in phone-sized bubbles (the other two details as
    quick replies under the last)."""
    bodies = phone_bubbles(_detail_lines(entry, action, names), most=DETAIL_BUBBLES)
    return [say(body) for body in bodies[:-1]] + [
        say(bodies[-1], detail_quick_replies(entry, action))]
