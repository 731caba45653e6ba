"""What the bot does with an event. No Flask, no HTTP, no LINE SDK calls in here."""

from handlers.events import dispatch

__all__ = ["dispatch"]
