"""Offering to file what a citizen reported in free text, their words already filled in.

The inquiry finds a report in a message (handlers/chat/reports.py) and sends `message(...)`
after `remember(...)`: the text waits, sealed, in the conversation state (30 idle minutes,
like any draft). Then:

- "แจ้งเรื่องนี้" opens the complaint with the text as its description (or, when the text
  only asked how to complain, an empty complaint);
- "ไม่ใช่ ถามต่อ" answers the text from the manual instead;
- anything else is answered as if no offer had been made, and the offer is dropped.
"""

from __future__ import annotations

from handlers.chat.context import Context
from handlers.chat.flows import complaint, state
from handlers.chat.reports import Reading
from handlers.messages import reply_with_text, say
from handlers.texts import text

FLOW = "offer"


def message(reading: Reading, more: list[dict] | None = None) -> dict:
    """The offer; `more` are quick replies kept from the answer it follows."""
    if not reading.tells:
        key = "offer_report_start"
    else:
        key = "offer_report_corruption" if reading.kind == "corruption" else "offer_report"
    quick = [reply_with_text(text("offer_q_file"))]
    quick += more if more is not None else [reply_with_text(text("offer_q_ask"))]
    return say(text(key), quick)


def remember(ctx: Context, typed: str, reading: Reading) -> None:
    state.save(ctx, FLOW, {"text": typed, "kind": reading.kind, "tells": reading.tells})


# --- the flow protocol: only ever started by an offer ------------------------------------

def wants(_typed: str) -> bool:
    return False


def start(_typed: str, ctx: Context) -> list[dict]:  # pragma: no cover - never started by text
    return []


def postbacks() -> dict:
    return {}


def on_message(message_: dict, ctx: Context) -> list[dict]:
    # The dispatcher and the inquiry import the flows; imported here, they answer a message
    # the offer does not take as if no offer had been made.
    from handlers.chat import events, inquiry

    loaded = state.load(ctx)
    state.clear(ctx)
    typed = " ".join(str(message_.get("text") or "").split())
    if loaded is None or loaded[1].get("expired") or message_.get("type") != "text":
        return events.on_message({"message": message_}, ctx)
    offered = loaded[1]
    if typed == text("offer_q_file"):
        if offered.get("tells"):
            return complaint.start_with_story(offered["text"], offered.get("kind"), ctx)
        return complaint.start("ร้องเรียน", ctx)
    if typed == text("offer_q_ask"):
        return inquiry.answer_text(offered["text"], ctx, offer=False)
    return events.on_text(typed, ctx)
