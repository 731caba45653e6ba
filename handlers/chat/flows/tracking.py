"""Following a case over LINE: "ติดตามเรื่อง" lists the user's identified and confidential
cases (found by the blind index); any case opens with its code and secret; an open case
takes more information or evidence.

An anonymous case's code stays in this user's (sealed) conversation state only while
they are looking at it, and is cleared when they finish.
"""

from __future__ import annotations

import logging

from handlers.cases import casework, codes, evidence, tracking
from handlers.cases.evidence import EvidenceRefused
from handlers.chat import menu
from handlers.chat.context import Context
from handlers.chat.flows import media, registered_flows, state
from handlers.chat.flows.complaint_input import (
    CANCEL_WORDS,
    DONE_WORDS,
    MENU_WORDS,
    is_one_of,
    words,
)
from handlers.messages import cap, reply_with_camera_roll, reply_with_text, say
from handlers.texts import text
from handlers.thai_dates import thai_date, thai_datetime
from storage.models.cases import Case
from storage.vault import parse_case_secret

log = logging.getLogger("tambon.flows")

FLOW = "tracking"
START_WORDS = ("ติดตามเรื่อง", "ติดตาม", "สถานะเรื่อง", "เช็คสถานะ", "ตรวจสอบสถานะ",
               "เรื่องของฉัน", "เรื่องที่แจ้งไว้", "ติดตามสถานะ")
MAX_LISTED = 5
MAX_EVENTS_SHOWN = 5


def wants(typed: str) -> bool:
    """"ติดตามเรื่อง" and its like, or a message that carries a case code."""
    t = words(typed)
    if t in START_WORDS or t == text("core_menu_track"):
        return True
    if t.startswith(("ติดตามเรื่อง", "ติดตามสถานะ", "สถานะเรื่อง")) and len(t) <= 40:
        return True
    return len(t) <= 80 and codes.extract(t)[0] is not None


def start(typed: str, ctx: Context) -> list[dict]:
    code, rest = codes.extract(words(typed))
    if code is not None:
        return cap(_open_code(code, rest, ctx))
    return cap(_list(ctx))


def postbacks() -> dict:
    return {"track": on_postback}


def on_postback(data: str, ctx: Context) -> list[dict]:
    """`track:start`, or `track:<code>` from a button."""
    rest = data.split(":", 1)[1] if ":" in data else ""
    if rest and rest != "start":
        return start(rest, ctx)
    return start("ติดตามเรื่อง", ctx)


def on_message(message: dict, ctx: Context) -> list[dict]:
    loaded = state.load(ctx)
    if loaded is None or loaded[0] != FLOW:
        return start("ติดตามเรื่อง", ctx)
    st = loaded[1]
    if st.get("expired"):
        state.clear(ctx)
        return [say(text("tracking_expired"), menu.main_menu_items())]
    typed = words(str(message.get("text") or "")) if message.get("type") == "text" else ""
    if typed and (is_one_of(typed, CANCEL_WORDS) or is_one_of(typed, MENU_WORDS)
                  or typed == text("tracking_q_finish")):
        state.clear(ctx)
        return [say(text("tracking_finished"), menu.main_menu_items())]
    step = st.get("step")
    if step == "add_info":
        return cap(_on_add_info(st, message, typed, ctx))
    if media.is_media(message):
        return [say(text("tracking_media_needs_add"), _finish_quick())]
    if typed == text("tracking_q_add") and step == "opened":
        st["step"] = "add_info"
        state.save(ctx, FLOW, st)
        return [say(text("tracking_ask_add_info", max_mb=evidence.MAX_MB), _add_quick())]
    if typed == text("tracking_q_use_secret"):
        return _ask_code(ctx)
    code, rest = codes.extract(typed)
    if code is None and step == "ask_secret":
        code, rest = st.get("code"), typed
    if code is not None:
        return cap(_open_code(code, rest, ctx))
    moved_on = bool(typed) and any(
        flow.wants(typed) for flow in registered_flows() if flow.FLOW != FLOW)
    if step == "ask_secret" and not moved_on:
        return [say(text("tracking_ask_secret_again"), _finish_quick())]
    if step == "ask_code" and not moved_on:
        return [say(text("tracking_ask_code_again"), _finish_quick())]
    # Looking at a list or a case and typing something else: they moved on.
    state.clear(ctx)
    if not typed:
        return [say(text("tracking_finished"), menu.main_menu_items())]
    from handlers.chat.events import on_text

    return on_text(typed, ctx)


# --- steps ----------------------------------------------------------------------------

def _list(ctx: Context) -> list[dict]:
    cases = tracking.cases_of_user(ctx.session, ctx.vault, ctx.user_id or "")
    if not cases:
        return _ask_code(ctx, key="tracking_none")
    lines = [text("tracking_list_title", count=len(cases))]
    for case in cases[:MAX_LISTED]:
        lines.append("")
        lines.append(casework.summary_line(case))
        last = tracking.last_public_update(ctx.session, ctx.vault, case)
        if last is not None:
            lines.append(text("tracking_last_update", update=_short(casework.describe_event(last))))
    if len(cases) > MAX_LISTED:
        lines.append(text("tracking_list_more", count=len(cases) - MAX_LISTED))
    lines.append("")
    lines.append(text("tracking_list_footer"))
    quick = [reply_with_text(case.code) for case in cases[:MAX_LISTED]]
    quick += [reply_with_text(text("tracking_q_use_secret")), *_finish_quick()]
    state.save(ctx, FLOW, {"step": "pick"})
    return [say("\n".join(lines), quick)]


def _ask_code(ctx: Context, key: str = "tracking_ask_code") -> list[dict]:
    state.save(ctx, FLOW, {"step": "ask_code"})
    return [say(text(key), _finish_quick())]


def _open_code(code: str, rest: str, ctx: Context) -> list[dict]:
    case = tracking.case_by_code(ctx.session, code)
    if case is not None and tracking.owns(case, ctx.user_key):
        state.save(ctx, FLOW, {"step": "opened", "code": code})
        return _show(case, ctx)
    secret = _secret_in(rest)
    if secret is None:
        state.save(ctx, FLOW, {"step": "ask_secret", "code": code})
        return [say(text("tracking_ask_secret", code=code), _finish_quick())]
    check = tracking.open_with_secret(ctx.session, code, secret, ctx.now)
    if check.status == "locked":
        state.clear(ctx)
        return [say(text("tracking_locked", until=thai_datetime(check.locked_until)),
                    menu.main_menu_items())]
    if not check.ok:
        state.save(ctx, FLOW, {"step": "ask_secret", "code": code})
        log.info("event %s: a wrong case secret", ctx.event_id)
        return [say(text("tracking_wrong", tries=tracking.MAX_TRIES), _finish_quick())]
    state.save(ctx, FLOW, {"step": "opened", "code": code})
    return _show(check.case, ctx)


def _secret_in(rest: str) -> str | None:
    try:
        return parse_case_secret(rest.strip())
    except ValueError:
        return None


def _show(case: Case, ctx: Context) -> list[dict]:
    lines = [
        text("tracking_case_title", code=case.code),
        text("tracking_case_kind", kind=casework.kind_label(case.kind)),
        text("tracking_case_status", status=casework.status_label(case.status)),
        text("tracking_case_filed", date=thai_date(case.created_at)),
    ]
    if case.is_open:
        lines.append(text("tracking_case_due", due=thai_date(case.due_at)))
    entries = tracking.public_timeline(ctx.session, ctx.vault, case)
    if entries:
        lines.append("")
        lines.append(text("tracking_case_timeline"))
        for entry in entries[-MAX_EVENTS_SHOWN:]:
            lines.append(_short(casework.describe_event(entry), 600))
    return [say("\n".join(lines), _opened_quick(case.is_open))]


def _on_add_info(st: dict, message: dict, typed: str, ctx: Context) -> list[dict]:
    case = tracking.case_by_code(ctx.session, st.get("code") or "")
    if case is None:
        state.clear(ctx)
        return [say(text("tracking_finished"), menu.main_menu_items())]
    if not case.is_open:
        state.clear(ctx)
        return [say(text("tracking_closed"), menu.main_menu_items())]
    if typed and (is_one_of(typed, DONE_WORDS) or typed == text("tracking_q_done")):
        state.clear(ctx)
        return [say(text("tracking_add_done", code=case.code), menu.main_menu_items())]
    try:
        if media.is_media(message):
            file = media.fetch(message, ctx)
            tracking.add_citizen_info(ctx.session, ctx.vault, ctx.org, case, now=ctx.now,
                                      files=[file])
            answer = text("tracking_file_added")
        elif message.get("type") == "location":
            from handlers.chat.flows.complaint_input import location_text

            tracking.add_citizen_info(ctx.session, ctx.vault, ctx.org, case, now=ctx.now,
                                      text=location_text(message))
            answer = text("tracking_info_added")
        elif typed:
            tracking.add_citizen_info(ctx.session, ctx.vault, ctx.org, case, now=ctx.now,
                                      text=typed)
            answer = text("tracking_info_added")
        else:
            answer = text("tracking_ask_add_info", max_mb=evidence.MAX_MB)
    except EvidenceRefused as refused:
        answer = text(f"tracking_evidence_{refused.reason}", max_mb=evidence.MAX_MB,
                      max_files=tracking.MAX_FILES_PER_CASE)
    except media.FetchFailed:
        answer = text("complaint_evidence_fetch_failed")
    state.save(ctx, FLOW, st)
    return [say(answer, _add_quick())]


# --- quick replies and helpers ----------------------------------------------------------

def _short(value: str, limit: int = 200) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _finish_quick() -> list[dict]:
    return [reply_with_text(text("tracking_q_finish"))]


def _opened_quick(is_open: bool) -> list[dict]:
    items = [reply_with_text(text("tracking_q_add"))] if is_open else []
    return items + _finish_quick()


def _add_quick() -> list[dict]:
    return [reply_with_camera_roll(text("complaint_q_camera_roll")),
            reply_with_text(text("tracking_q_done"))]
