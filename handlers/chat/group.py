"""Events from a group or room chat: questions yes, anything personal no.

Everyone in a group reads what the bot replies there, so a complaint, tracking a case, a
rating or a question passed on to staff is never conducted in one: the bot says once,
briefly, to chat with the account one-to-one (with the add-friend link) and keeps nothing
from the group. The dispatcher gives these handlers a context without a user id, so no
conversation state, draft or case can be tied to the sender.
"""

from __future__ import annotations

from handlers.chat.context import Context
from handlers.messages import say
from handlers.texts import text

GROUP_SOURCES = ("group", "room")
# Manual answers are public; every other postback (complaint, tracking, ratings, handing a
# question to staff) belongs to a one-to-one chat.
PUBLIC_POSTBACK_ACTIONS = {"steps", "docs", "contact", "show", "none"}


def is_group(event: dict) -> bool:
    source = event.get("source")
    return isinstance(source, dict) and source.get("type") in GROUP_SOURCES


def chat_id(event: dict) -> str | None:
    """The group's or room's id: where a push for the group goes (never the sender)."""
    source = event.get("source") or {}
    value = source.get("groupId") if source.get("type") == "group" else source.get("roomId")
    return value if isinstance(value, str) else None


def dispatch(event: dict, ctx: Context, answer_question) -> list[dict]:
    kind = event.get("type")
    if kind == "join":
        return [say(text("group_greeting", org=ctx.org.short_name, link=_link(ctx)))]
    if kind == "message":
        message = event.get("message")
        if isinstance(message, dict) and message.get("type") == "text":
            return _on_text(str(message.get("text") or ""), ctx, answer_question)
        return []  # a photo or file in a group is never evidence; answer nothing
    if kind == "postback":
        postback = event.get("postback")
        data = str(postback.get("data") or "") if isinstance(postback, dict) else ""
        if _public_postback(data):
            from handlers.chat import inquiry

            return inquiry.on_postback(data, ctx)
        return one_to_one(ctx)
    return []  # members joining or leaving, unsend, ...: nothing to say to everyone


def _on_text(typed: str, ctx: Context, answer_question) -> list[dict]:
    from handlers.chat.events import MENU_WORDS, wants_ask_hint, wants_contact
    from handlers.chat.flows import registered_flows
    from handlers.chat.menu import ask_hint, contact_text

    stripped = " ".join(typed.split())
    if stripped.lower() in MENU_WORDS or wants_ask_hint(stripped):
        return ask_hint(ctx) + one_to_one(ctx)
    if wants_contact(stripped):
        return [say(contact_text(ctx.org))]
    if any(flow.wants(stripped) for flow in registered_flows()):
        return one_to_one(ctx)
    return _without_personal_offers(answer_question(stripped, ctx))


def one_to_one(ctx: Context) -> list[dict]:
    """The one short answer to anything personal asked in a group."""
    return [say(text("group_one_to_one", org=ctx.org.line_oa_name, link=_link(ctx)))]


def _link(ctx: Context) -> str:
    return ctx.org.add_friend_url or ctx.org.line_oa_name


def _public_postback(data: str) -> bool:
    parts = data.split(":")
    return len(parts) >= 2 and parts[0] == "manual" and parts[1] in PUBLIC_POSTBACK_ACTIONS


def _without_personal_offers(messages: list[dict]) -> list[dict]:
    """A manual answer without the quick replies that would, in a group, start something
    personal (pass the question to staff, rate the answer): tapping one would only be
    told to chat one-to-one."""
    cleaned = []
    for message in messages:
        quick = (message.get("quickReply") or {}).get("items")
        if quick:
            kept = [item for item in quick if _public_item(item)]
            message = {k: v for k, v in message.items() if k != "quickReply"}
            if kept:
                message["quickReply"] = {"items": kept}
        cleaned.append(message)
    return cleaned


def _public_item(item: dict) -> bool:
    action = item.get("action") or {}
    if action.get("type") == "postback":
        return _public_postback(str(action.get("data") or ""))
    return True
