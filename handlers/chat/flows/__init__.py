"""Multi-step conversations (complaint, tracking). Each flow module offers:

- `wants(text) -> bool`: whether a typed message starts it;
- `start(text, ctx) -> list[dict]`;
- `on_message(message, ctx) -> list[dict]`: the next step, while the flow is active;
- `postbacks() -> dict[prefix, handler]`.

Which flow a user is in lives in the `conversations` table (see handlers/chat/flows/state.py).
"""

from __future__ import annotations


def registered_flows() -> list:
    """The flows, in the order a typed word is offered to them."""
    # Imported here, not at the top: the flows import this package (state, media) and
    # tracking calls registered_flows itself, so a top-level import would be a cycle.
    from handlers.chat import satisfaction
    from handlers.chat.flows import complaint, offer, tracking

    # offer is only active after a report was offered to be filed; satisfaction only
    # after a rating was given (it takes the optional comment typed next).
    return [tracking, complaint, offer, satisfaction]


def active_flow(ctx):
    from handlers.chat.flows.state import current_flow_name

    name = current_flow_name(ctx)
    if name is None:
        return None
    for module in registered_flows():
        if getattr(module, "FLOW", None) == name:
            return module
    return None
