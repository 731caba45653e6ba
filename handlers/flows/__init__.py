"""Multi-step conversations (complaint, tracking). Each flow module offers:

- `wants(text) -> bool`: whether a typed message starts it;
- `start(text, ctx) -> list[dict]`;
- `on_message(message, ctx) -> list[dict]`: the next step, while the flow is active;
- `postbacks() -> dict[prefix, handler]`.

Which flow a user is in lives in the `conversations` table (see handlers/flows/state.py).
"""

from __future__ import annotations

import importlib

FLOW_MODULES: list[str] = [
    "handlers.flows.tracking",
    "handlers.flows.complaint",
    # Only active after a report was offered to be filed (handlers/flows/offer.py).
    "handlers.flows.offer",
    # Only active after a rating was given: takes the optional comment typed next.
    "handlers.satisfaction",
]


def registered_flows() -> list:
    return [importlib.import_module(name) for name in FLOW_MODULES]


def active_flow(ctx):
    from handlers.flows.state import current_flow_name

    name = current_flow_name(ctx)
    if name is None:
        return None
    for module in registered_flows():
        if getattr(module, "FLOW", None) == name:
            return module
    return None
