"""Polite answers for what the bot cannot handle: nothing a user sends meets silence or a crash."""

from __future__ import annotations

from handlers.chat.context import Context
from handlers.chat.menu import main_menu_items
from handlers.messages import say
from handlers.texts import text


def unsupported_message(ctx: Context) -> list[dict]:
    return [say(text("core_unsupported_message"), main_menu_items())]


def unsupported_event(ctx: Context) -> list[dict]:
    return [say(text("core_unsupported_event"), main_menu_items())]


def apology(org_phone: str) -> list[dict]:
    """Sent when an event failed every retry: the user learns it was received, not lost."""
    return [say(text("core_apology_error", phone=org_phone))]
