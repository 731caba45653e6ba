"""The greeting and the main menu: what a citizen sees first and whenever they are lost."""

from __future__ import annotations

from handlers.chat.context import Context
from handlers.messages import reply_with_text, say
from handlers.texts import text

# The main menu's quick replies, by text key (data/messages/core.th.yaml). Each sends its
# own label, and what receives it (events.py, the complaint and tracking flows) matches
# the same key, so the words live in one place.
MENU_KEYS = ("core_menu_ask", "core_menu_complain", "core_menu_track", "core_menu_contact")


def main_menu_items() -> list[dict]:
    return [reply_with_text(text(key), text(key)) for key in MENU_KEYS]


def greeting(ctx: Context) -> list[dict]:
    return [say(text("core_greeting", org=ctx.org.short_name), main_menu_items())]


def menu(ctx: Context) -> list[dict]:
    return [say(text("core_menu_prompt"), main_menu_items())]


def ask_hint(ctx: Context) -> list[dict]:
    return [say(text("core_menu_ask_hint"))]


def contact_text(org) -> str:
    return text("core_contact", name=org.name, address=org.address, phone=org.phone,
                hours=org.hours)


def contact(ctx: Context) -> list[dict]:
    return [say(contact_text(ctx.org), main_menu_items())]
