"""From a LINE webhook event to the messages to reply with.

Pure: takes the event (a dict as LINE sent it) and a Context, returns message dicts. It
never calls LINE and never touches HTTP; the worker sends what it returns.
"""

from __future__ import annotations

from collections.abc import Callable

from handlers import texts
from handlers.chat import fallback, group, menu
from handlers.chat.context import Context

# Events that carry no reply token, or that need no answer.
SILENT_EVENTS = {"unfollow", "leave", "unsend", "memberLeft", "videoPlayComplete", "membership"}

Handler = Callable[[dict, Context], list[dict]]

# Text commands typed or sent by the menu's quick replies, matched on the whole message.
# The menu's own quick replies send their labels (handlers/chat/menu.py), matched by their text
# keys; these are the words people type for the same things.
MENU_WORDS = {"เมนู", "menu", "เริ่มต้น", "หน้าแรก"}
CONTACT_WORDS = {"ติดต่อ"}


def dispatch(event: dict, ctx: Context) -> list[dict]:
    if event.get("mode") == "standby":
        # Another channel (a human chat) holds the conversation: store, answer nothing.
        return []
    if group.is_group(event):
        # Everyone in the chat reads the reply: nothing personal is done there, and without
        # the sender's id no state, draft or case can be tied to them.
        ctx.user_id = None
        return group.dispatch(event, ctx, answer_question)
    kind = event.get("type")
    if not isinstance(kind, str):
        kind = None  # LINE never sends this; a forged or broken body must not crash us
    if kind in SILENT_EVENTS:
        return []
    if kind == "follow":
        return menu.greeting(ctx)
    if kind == "message":
        return on_message(event, ctx)
    if kind == "postback":
        return on_postback(event, ctx)
    if event.get("replyToken"):
        return fallback.unsupported_event(ctx)
    return []


def on_message(event: dict, ctx: Context) -> list[dict]:
    message = event.get("message")
    if not isinstance(message, dict):
        message = {}
    flow = _active_flow(ctx)
    if flow is not None:
        return flow.on_message(message, ctx)
    if message.get("type") == "text":
        return on_text(str(message.get("text") or ""), ctx)
    return fallback.unsupported_message(ctx)


def on_text(text: str, ctx: Context) -> list[dict]:
    stripped = " ".join(text.split())
    if stripped.lower() in MENU_WORDS:
        return menu.menu(ctx)
    if wants_contact(stripped):
        return menu.contact(ctx)
    if wants_ask_hint(stripped):
        return menu.ask_hint(ctx)
    for starter in _flow_starters():
        if starter.wants(stripped):
            return starter.start(stripped, ctx)
    return answer_question(stripped, ctx)


def wants_contact(typed: str) -> bool:
    """The menu's contact item, or a word typed for it."""
    return typed in CONTACT_WORDS or _is_menu(typed, "core_menu_contact")


def wants_ask_hint(typed: str) -> bool:
    """The menu's "ask about a service" item."""
    return _is_menu(typed, "core_menu_ask")


def _is_menu(typed: str, key: str) -> bool:
    """`typed` is the label of the menu item `key`, with or without its closing dot
    (ติดต่อ อบต. / ติดต่อ อบต)."""
    return typed.rstrip(".") == texts.text(key).rstrip(".")


def answer_question(text: str, ctx: Context) -> list[dict]:
    # Imported on first use, not at the top: inquiry loads the manual search and
    # pythainlp (seconds), which a process that never answers (the CLI) should not pay.
    from handlers.chat import inquiry

    return inquiry.answer_text(text, ctx)


def on_postback(event: dict, ctx: Context) -> list[dict]:
    postback = event.get("postback")
    data = str(postback.get("data") or "") if isinstance(postback, dict) else ""
    prefix = data.split(":", 1)[0]
    handler = _postback_handlers().get(prefix)
    if handler is None:
        return fallback.unsupported_event(ctx)
    return handler(data, ctx)


def _postback_handlers() -> dict[str, Callable[[str, Context], list[dict]]]:
    """Postback data is "<prefix>:..."; each prefix belongs to one module's
    `on_postback(data, ctx)`."""
    # Imported on first use, as in answer_question (inquiry's start-up cost).
    from handlers.chat import inquiry, satisfaction

    handlers: dict[str, Callable[[str, Context], list[dict]]] = {
        "manual": inquiry.on_postback,
        "rate": satisfaction.on_postback,
    }
    for starter in _flow_starters():
        handlers.update(starter.postbacks())
    return handlers


def _flow_starters() -> list:
    """Conversation flows (complaint, tracking) that a typed word can start."""
    from handlers.chat.flows import registered_flows

    return registered_flows()


def _active_flow(ctx: Context):
    from handlers.chat.flows import active_flow

    return active_flow(ctx)
