"""A user's place in a conversation, sealed, found by the blind index of their LINE id."""

from __future__ import annotations

from datetime import timedelta

from handlers.chat.context import Context
from storage.models import Conversation

IDLE_LIMIT = timedelta(minutes=30)


def _aad(user_key: str) -> str:
    return f"conversation:{user_key}"


def load(ctx: Context) -> tuple[str, dict] | None:
    """(flow name, state) for the sender, or None. An expired row is reported as expired."""
    key = ctx.user_key
    if key is None:
        return None
    row = ctx.session.get(Conversation, key)
    if row is None:
        return None
    state = ctx.vault.open_json(row.sealed_state, _aad(key))
    if row.expires_at <= ctx.now:
        state = {"expired": True, **state}
    return row.flow, state


def current_flow_name(ctx: Context) -> str | None:
    key = ctx.user_key
    if key is None:
        return None
    row = ctx.session.get(Conversation, key)
    return None if row is None else row.flow


def save(ctx: Context, flow: str, state: dict) -> None:
    key = ctx.user_key
    if key is None:
        return
    sealed = ctx.vault.seal_json(state, _aad(key))
    row = ctx.session.get(Conversation, key)
    if row is None:
        row = Conversation(user_key=key, flow=flow, sealed_state=sealed,
                           updated_at=ctx.now, expires_at=ctx.now + IDLE_LIMIT)
        ctx.session.add(row)
    else:
        row.flow = flow
        row.sealed_state = sealed
        row.updated_at = ctx.now
        row.expires_at = ctx.now + IDLE_LIMIT


def clear(ctx: Context) -> None:
    key = ctx.user_key
    if key is None:
        return
    row = ctx.session.get(Conversation, key)
    if row is not None:
        ctx.session.delete(row)
