"""The complaint conversation: kind, how to be known, what happened, evidence, confirm.

State (sealed, per user, 30 idle minutes) holds the answers so far; evidence files wait
sealed in `draft_files` under a random draft id. On confirm the case is filed in the
event's transaction and the receipt is the reply. For an anonymous complaint the LINE id
goes nowhere: not into the case, and the draft is deleted when the receipt is queued.
The profile endpoint is never called: a name is only what the citizen types.

A complaint may start with its story ("อยากร้องเรียนเรื่องไฟถนนดับหน้าบ้าน...", or a
report the citizen agreed to file, see handlers/chat/flows/offer.py): the story is the
description already, and is never asked for again.

The steps live in complaint_steps.py, what they say in complaint_messages.py.
"""

from __future__ import annotations

from handlers.chat import menu
from handlers.chat.context import Context
from handlers.chat.flows import complaint_story, drafts, state
from handlers.chat.flows.complaint_input import (
    CANCEL_WORDS,
    KIND_WORDS,
    MENU_WORDS,
    choose,
    is_one_of,
    words,
)
from handlers.chat.flows.complaint_steps import FLOW, STEPS, go, on_kind
from handlers.messages import cap, say
from handlers.texts import text

__all__ = ["FLOW", "on_message", "on_postback", "postbacks", "start", "start_with_story",
           "wants"]

START_WORDS = ("ร้องเรียน", "แจ้งเบาะแส", "ร้องทุกข์", "เสนอแนะ", "แจ้งเรื่อง", "ทุจริต")
QUESTION_WORDS = ("ที่ไหน", "อย่างไร", "ยังไง", "ได้ไหม", "ได้มั้ย", "หรือไม่", "ไหมคะ",
                  "ไหมครับ", "?", "ช่องทาง", "กี่วัน", "เท่าไร", "เท่าไหร่", "ขั้นตอน")


# --- the flow protocol ------------------------------------------------------------------

def wants(typed: str) -> bool:
    t = words(typed)
    if not t or len(t) > 60:
        return False
    if t == text("core_menu_complain"):
        return True
    if not any(w in t for w in START_WORDS):
        return False
    return not any(q in t for q in QUESTION_WORDS)


def start(typed: str, ctx: Context) -> list[dict]:
    """A typed word started the dialog; what else it says is the story."""
    t = words(typed)
    if t in ("ร้องเรียน", text("core_menu_complain")):
        return _begin(ctx)
    kind = choose(t, KIND_WORDS)
    reading = complaint_story.reading(t, ctx)
    if reading.story and reading.tells:
        if reading.kind == "corruption" or kind is None:
            kind = reading.kind
        return start_with_story(t, kind, ctx)
    return _begin(ctx, kind)


def start_with_story(story: str, kind: str | None, ctx: Context) -> list[dict]:
    """Open the dialog with the citizen's story already told (and kept)."""
    st = _new_state(ctx)
    complaint_story.add(st, story)
    st["kind"] = kind or "grievance"
    intro = say(text("complaint_intro_with_story", org=ctx.org.short_name))
    return cap([intro, *go(st, ctx, "mode")])


def _begin(ctx: Context, kind: str | None = None) -> list[dict]:
    st = _new_state(ctx)
    intro = say(text("complaint_intro", org=ctx.org.short_name))
    if kind:
        st["kind"] = kind
        return cap([intro, *go(st, ctx, "mode")])
    return cap([intro, *go(st, ctx, "kind")])


def _new_state(ctx: Context) -> dict:
    drafts.purge_old(ctx.session, ctx.now)
    return {"step": "kind", "draft_id": drafts.new_draft_id(), "followups": 0}


def postbacks() -> dict:
    return {"complaint": on_postback}


def on_postback(data: str, ctx: Context) -> list[dict]:
    """`complaint:start` (a rich menu button); anything else while filing reads as typed."""
    loaded = state.load(ctx)
    if loaded is not None and loaded[0] == FLOW and data != "complaint:start":
        return on_message({"type": "text", "text": data.split(":", 1)[-1]}, ctx)
    return start("ร้องเรียน", ctx)


def on_message(message: dict, ctx: Context) -> list[dict]:
    loaded = state.load(ctx)
    if loaded is None or loaded[0] != FLOW:
        return start("ร้องเรียน", ctx)
    st = loaded[1]
    if st.get("expired"):
        drafts.discard(ctx.session, st.get("draft_id"))
        state.clear(ctx)
        return [say(text("complaint_expired"), menu.main_menu_items())]
    kind = message.get("type")
    typed = words(str(message.get("text") or "")) if kind == "text" else ""
    if kind == "text":
        if is_one_of(typed, CANCEL_WORDS) or typed == text("complaint_q_cancel"):
            return _cancel(st, ctx)
        if is_one_of(typed, MENU_WORDS):
            st["paused_step"] = st["step"]
            return go(st, ctx, "paused")
        answered = _pending_answer(st, typed, ctx)
        if answered is not None:
            return cap(answered)
        if typed == text("complaint_q_keep_text") and st.get("pending_text"):
            # The citizen keeps a text the dialog doubted: it goes to the step as typed.
            typed = st.pop("pending_text")
            st["kept"] = True
        st.pop("pending_text", None)
        st.pop("pending_phone", None)
    step = st.get("step", "kind")
    handler = STEPS.get(step.split(":", 1)[0], on_kind)
    return cap(handler(st, message, typed, ctx))


def _pending_answer(st: dict, typed: str, ctx: Context) -> list[dict] | None:
    """"ใช้เป็นเบอร์ติดต่อ" after a phone number was typed as the story: it becomes the
    phone, and the step asks again."""
    if typed != text("complaint_q_use_phone"):
        return None
    if not st.get("pending_phone"):
        # No number waits (an anonymous draft keeps none): the step asks again.
        st.pop("pending_text", None)
        return go(st, ctx, st.get("step", "description"))
    st["phone"] = st.pop("pending_phone")
    st.pop("phone_skipped", None)
    st.pop("pending_text", None)
    return [say(text("complaint_phone_noted", phone=st["phone"])),
            *go(st, ctx, st.get("step", "description"))]


def _cancel(st: dict, ctx: Context) -> list[dict]:
    drafts.discard(ctx.session, st.get("draft_id"))
    state.clear(ctx)
    return [say(text("complaint_cancelled"), menu.main_menu_items())]
