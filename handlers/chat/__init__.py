"""The conversation: dispatch of events, flows, inquiry, menus. Uses the case rules
(`handlers.cases`, `manual`, `routing`, `stats`); they never import this package."""

from handlers.chat.events import dispatch

__all__ = ["dispatch"]
