"""Satisfaction in the chat: the 1-5 quick replies after an answer, a score's postback,
and the comment typed after it (a flow named "satisfaction" for that one message; "ไม่มี"
skips it). The rules of a rating live in handlers/cases/ratings.py."""

from __future__ import annotations

from handlers.cases.ratings import (
    COMMENT_LIMIT,
    FLOW,
    OFFER_LIFE,
    PREFIX,
    SCORES,
    SKIP,
    already_rated,
    find_offer,
    new_offer,
    rating_message,
    set_comment,
    set_score,
)
from handlers.chat.context import Context
from handlers.messages import reply_with_postback, say
from handlers.texts import text
from storage.models.ratings import Rating


def offer_for_answer(ctx: Context, entry_id: str | None = None) -> dict:
    """The 1-5 quick replies to send after an answer from the service manual."""
    token = new_offer(ctx.session, ctx.org.id, ctx.now, "answer", entry_id=entry_id,
                      channel=ctx.channel)
    return rating_message(token, text("rate_ask_answer"))


# --- LINE ----------------------------------------------------------------------------


def on_postback(data: str, ctx: Context) -> list[dict]:
    parts = data.split(":")
    if len(parts) != 3 or parts[0] != PREFIX:
        return [say(text("rate_expired"))]
    _, token, choice = parts
    rating = find_offer(ctx.session, token)
    if rating is None or ctx.now - rating.offered_at > OFFER_LIFE:
        return [say(text("rate_expired"))]
    if choice == SKIP:
        _clear_flow(ctx)
        return [say(text("rate_comment_thanks"))]
    try:
        score = int(choice)
    except ValueError:
        return [say(text("rate_expired"))]
    if score not in SCORES:
        return [say(text("rate_expired"))]
    if rating.score is not None or already_rated(ctx.session, rating.case_id, rating.id):
        return [say(text("rate_already"))]
    set_score(ctx.session, rating, score, ctx.now)
    ctx.session.flush()
    from handlers.chat.flows import state

    if state.current_flow_name(ctx) not in (None, FLOW):
        # A citizen rating an answer in the middle of a complaint keeps the complaint:
        # the comment step would take its place.
        return [say(text("rate_comment_thanks"))]
    state.save(ctx, FLOW, {"rating": rating.id, "token": token})
    skip = reply_with_postback(text("rate_no_comment"), f"{PREFIX}:{token}:{SKIP}",
                               text("rate_no_comment"))
    return [say(text("rate_thanks", score=score), [skip])]


# The flow interface (handlers/flows): only ever started by a score, never by a word.


def wants(_text: str) -> bool:
    return False


def start(_text: str, ctx: Context) -> list[dict]:  # pragma: no cover - never started by text
    return []


def postbacks() -> dict:
    return {}


def on_message(message: dict, ctx: Context) -> list[dict]:
    from handlers.chat.flows import state

    loaded = state.load(ctx)
    state.clear(ctx)
    if loaded is None or loaded[1].get("expired") or message.get("type") != "text":
        from handlers.chat.events import on_message as dispatch_message

        return dispatch_message({"message": message}, ctx)
    body = str(message.get("text") or "").strip()
    if body == text("rate_no_comment"):
        return [say(text("rate_comment_thanks"))]
    rating = ctx.session.get(Rating, loaded[1].get("rating"))
    if rating is None:
        return [say(text("rate_expired"))]
    set_comment(ctx.session, ctx.vault, rating, body)
    replies = [say(text("rate_comment_thanks"))]
    if len(body) > COMMENT_LIMIT:
        replies.insert(0, say(text("rate_comment_too_long", limit=COMMENT_LIMIT)))
    return replies


def _clear_flow(ctx: Context) -> None:
    from handlers.chat.flows import state

    if state.current_flow_name(ctx) == FLOW:
        state.clear(ctx)
