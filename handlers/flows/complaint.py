"""The complaint conversation: kind, how to be known, what happened, evidence, confirm.

State (sealed, per user, 30 idle minutes) holds the answers so far; evidence files wait
sealed in `draft_files` under a random draft id. On confirm the case is filed in the
event's transaction and the receipt is the reply. For an anonymous complaint the LINE id
goes nowhere: not into the case, and the draft is deleted when the receipt is queued.
The profile endpoint is never called: a name is only what the citizen types.
"""

from __future__ import annotations

import logging

from handlers import menu
from handlers.cases import casework, evidence
from handlers.cases.filing import NewCase, file_case, routing_text
from handlers.context import Context
from handlers.flows import drafts, media, state
from handlers.flows.complaint_input import (
    CANCEL_WORDS,
    CONTINUE_WORDS,
    DONE_WORDS,
    EDIT_WORDS,
    KIND_WORDS,
    MENU_WORDS,
    MODE_WORDS,
    NO_WORDS,
    SKIP_WORDS,
    YES_WORDS,
    choose,
    is_one_of,
    location_text,
    missing_details,
    normalize_phone,
    valid_name,
    words,
)
from handlers.messages import (
    cap,
    reply_with_camera,
    reply_with_camera_roll,
    reply_with_location,
    reply_with_text,
    say,
)
from handlers.texts import text
from handlers.thai_dates import thai_date
from storage.vault import format_case_secret

log = logging.getLogger("tambon.flows")

FLOW = "complaint"
START_WORDS = ("ร้องเรียน", "แจ้งเบาะแส", "ร้องทุกข์", "เสนอแนะ", "แจ้งเรื่อง", "ทุจริต")
QUESTION_WORDS = ("ที่ไหน", "อย่างไร", "ยังไง", "ได้ไหม", "ได้มั้ย", "หรือไม่", "ไหมคะ",
                  "ไหมครับ", "?", "ช่องทาง", "กี่วัน", "เท่าไร", "เท่าไหร่", "ขั้นตอน")
MAX_FOLLOWUPS = 2
MAX_DESCRIPTION = 3000
MODES = ("identified", "confidential", "anonymous")
EDIT_PARTS = ("kind", "mode", "description", "location", "when", "who", "name", "phone",
              "evidence")


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
    drafts.purge_old(ctx.session, ctx.now)
    st = {"step": "kind", "draft_id": drafts.new_draft_id(), "followups": 0}
    t = words(typed)
    if t not in ("ร้องเรียน", text("core_menu_complain")):
        st["kind"] = choose(t, KIND_WORDS)
    intro = say(text("complaint_intro", org=ctx.org.short_name))
    if st.get("kind"):
        return cap([intro, *_go(st, ctx, "mode")])
    return cap([intro, *_go(st, ctx, "kind")])


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
            return _go(st, ctx, "paused")
    step = st.get("step", "kind")
    handler = _STEPS.get(step.split(":", 1)[0], _on_kind)
    return cap(handler(st, message, typed, ctx))


# --- steps ----------------------------------------------------------------------------

def _on_kind(st, message, typed, ctx):
    chosen = choose(typed, KIND_WORDS) if typed else None
    if chosen is None:
        return [say(text("complaint_kind_again"), _kind_quick())]
    st["kind"] = chosen
    if st.pop("returning", False):
        return _go(st, ctx, "confirm")
    return _go(st, ctx, "mode")


def _on_mode(st, message, typed, ctx):
    chosen = choose(typed, MODE_WORDS) if typed else None
    if chosen is None and st.get("kind") == "corruption" and is_one_of(
            typed, ("แนะนำ", "ตามที่แนะนำ", "ข้าม")):
        chosen = "confidential"  # corruption defaults to confidential
    if chosen is None:
        return [say(text("complaint_mode_again"), _mode_quick(st))]
    st["mode"] = chosen
    if chosen == "anonymous":
        st.pop("name", None)
        st.pop("phone", None)
        note = [say(text("complaint_mode_anonymous_chosen"))]
        if st.pop("returning", False):
            return note + _go(st, ctx, "confirm")
        return note + _go(st, ctx, "description")
    if not st.get("name"):
        return _go(st, ctx, "name")
    if not st.get("phone") and (chosen == "identified" or not st.get("phone_skipped")):
        return _go(st, ctx, "phone")
    if st.pop("returning", False):
        return _go(st, ctx, "confirm")
    return _go(st, ctx, "description")


def _on_name(st, message, typed, ctx):
    name = valid_name(typed) if typed else None
    if name is None:
        return [say(text("complaint_name_again"), _cancel_quick())]
    st["name"] = name
    if not st.get("phone") and not st.get("phone_skipped"):
        return _go(st, ctx, "phone")
    if st.pop("returning", False):
        return _go(st, ctx, "confirm")
    return _go(st, ctx, "description")


def _on_phone(st, message, typed, ctx):
    if st.get("mode") == "confidential" and is_one_of(typed, SKIP_WORDS):
        st.pop("phone", None)
        st["phone_skipped"] = True
    else:
        phone = normalize_phone(typed) if typed else None
        if phone is None:
            key = "complaint_phone_again_optional" if st.get("mode") == "confidential" \
                else "complaint_phone_again"
            return [say(text(key), _phone_quick(st))]
        st["phone"] = phone
    if st.pop("returning", False):
        return _go(st, ctx, "confirm")
    return _go(st, ctx, "description")


def _on_description(st, message, typed, ctx):
    if message.get("type") == "location":
        st["location"] = location_text(message)
        return [say(text("complaint_location_noted_need_text"), _cancel_quick())]
    if media.is_media(message):
        return _take_file(st, message, ctx, then=[say(text("complaint_need_text_too"),
                                                      _cancel_quick())])
    if not typed:
        return [say(text("complaint_description_again"), _cancel_quick())]
    if len(typed) < 5:
        return [say(text("complaint_description_short"), _cancel_quick())]
    st["description"] = typed[:MAX_DESCRIPTION]
    if st.pop("returning", False):
        return _go(st, ctx, "confirm")
    return _next_detail(st, ctx)


def _on_detail(st, message, typed, ctx):
    field = st["step"].split(":", 1)[1]
    if message.get("type") == "location":
        st["location"] = location_text(message)
    elif media.is_media(message):
        return _take_file(st, message, ctx, then=_ask_detail(st, field))
    elif typed and not is_one_of(typed, SKIP_WORDS) and not is_one_of(typed, DONE_WORDS) \
            and typed != text("complaint_q_evidence_done"):
        st[field] = typed[:1000]
    elif typed:
        st[f"{field}_skipped"] = True
    else:
        return _ask_detail(st, field)
    if st.pop("returning", False):
        return _go(st, ctx, "confirm")
    return _next_detail(st, ctx)


def _on_evidence(st, message, typed, ctx):
    if media.is_media(message):
        return _take_file(st, message, ctx, then=None)
    if message.get("type") == "location":
        st["location"] = location_text(message)
        return [say(text("complaint_location_noted"), _evidence_quick())]
    if not typed:
        return [say(text("complaint_evidence_again"), _evidence_quick())]
    if is_one_of(typed, DONE_WORDS) or typed == text("complaint_q_evidence_done"):
        st.pop("returning", None)
        return _before_confirm(st, ctx)
    # Words typed here belong to the story: keep them with the description.
    st["description"] = (st.get("description", "") + "\n" + typed)[:MAX_DESCRIPTION]
    return [say(text("complaint_evidence_text_added"), _evidence_quick())]


def _on_raise(st, message, typed, ctx):
    if is_one_of(typed, YES_WORDS) or typed == text("complaint_q_raise_yes"):
        st["kind"] = "corruption"
        st["allow_raise"] = True
    elif is_one_of(typed, NO_WORDS) or typed == text("complaint_q_raise_no"):
        st["allow_raise"] = False
    else:
        return [say(text("complaint_raise_again"), _raise_quick())]
    st["raise_decided"] = True
    return _go(st, ctx, "confirm")


def _on_confirm(st, message, typed, ctx):
    if is_one_of(typed, YES_WORDS) or typed == text("complaint_q_confirm"):
        return _file(st, ctx)
    if is_one_of(typed, EDIT_WORDS) or typed == text("complaint_q_edit"):
        return _go(st, ctx, "edit")
    if media.is_media(message):
        return _take_file(st, message, ctx, then=_summary(st, ctx))
    return [say(text("complaint_confirm_again"), _confirm_quick())]


def _on_edit(st, message, typed, ctx):
    labels = {text(f"complaint_edit_{part}"): part for part in EDIT_PARTS}
    part = labels.get(typed)
    if part is None:
        if typed == text("complaint_q_back") or is_one_of(typed, CONTINUE_WORDS):
            return _go(st, ctx, "confirm")
        return [say(text("complaint_edit_again"), _edit_quick(st))]
    st["returning"] = True
    if part in ("location", "when", "who"):
        return _go(st, ctx, f"detail:{part}")
    if part == "evidence":
        st.pop("returning")
        return _go(st, ctx, "evidence")
    return _go(st, ctx, part)


def _on_paused(st, message, typed, ctx):
    if is_one_of(typed, CONTINUE_WORDS) or typed == text("complaint_q_continue"):
        return _go(st, ctx, st.pop("paused_step", "kind"))
    return [say(text("complaint_paused"), _paused_quick())]


_STEPS = {
    "kind": _on_kind, "mode": _on_mode, "name": _on_name, "phone": _on_phone,
    "description": _on_description, "detail": _on_detail, "evidence": _on_evidence,
    "raise": _on_raise, "confirm": _on_confirm, "edit": _on_edit, "paused": _on_paused,
}


# --- moving between steps ---------------------------------------------------------------

def _go(st: dict, ctx: Context, step: str) -> list[dict]:
    """Enter `step`: save the state and ask its question."""
    st["step"] = step
    if step == "confirm":
        messages = _summary(st, ctx)
    else:
        messages = _ask(st, ctx, step)
    state.save(ctx, FLOW, st)
    return messages


def _ask(st: dict, ctx: Context, step: str) -> list[dict]:
    if step == "kind":
        return [say(text("complaint_ask_kind"), _kind_quick())]
    if step == "mode":
        key = "complaint_ask_mode_corruption" if st.get("kind") == "corruption" \
            else "complaint_ask_mode"
        return [say(text(key, kind=casework.kind_label(st["kind"]))), say(
            text("complaint_mode_explained"), _mode_quick(st))]
    if step == "name":
        key = "complaint_ask_name_confidential" if st.get("mode") == "confidential" \
            else "complaint_ask_name"
        return [say(text(key), _cancel_quick())]
    if step == "phone":
        return [say(text("complaint_ask_phone_optional" if st.get("mode") == "confidential"
                         else "complaint_ask_phone"), _phone_quick(st))]
    if step == "description":
        return [say(text(f"complaint_ask_description_{st.get('kind', 'grievance')}"),
                    [reply_with_location(text("complaint_q_location")), *_cancel_quick()])]
    if step.startswith("detail:"):
        return _ask_detail(st, step.split(":", 1)[1])
    if step == "evidence":
        have = drafts.count(ctx.session, st["draft_id"])
        return [say(text("complaint_ask_evidence", max_files=evidence.MAX_FILES,
                         max_mb=evidence.MAX_MB, have=have), _evidence_quick())]
    if step == "raise":
        return [say(text("complaint_ask_raise"), _raise_quick())]
    if step == "edit":
        return [say(text("complaint_ask_edit"), _edit_quick(st))]
    if step == "paused":
        return [say(text("complaint_paused"), _paused_quick())]
    raise ValueError(f"unknown step {step!r}")


def _ask_detail(st: dict, field: str) -> list[dict]:
    quick = [reply_with_text(text("complaint_q_skip"))]
    if field == "location":
        quick.insert(0, reply_with_location(text("complaint_q_location")))
    return [say(text(f"complaint_ask_{field}_{st.get('kind', 'grievance')}"
                     if field == "who" else f"complaint_ask_{field}"),
                [*quick, *_cancel_quick()])]


def _next_detail(st: dict, ctx: Context) -> list[dict]:
    """Ask for what the description leaves out (at most twice in all), then evidence."""
    if st.get("followups", 0) < MAX_FOLLOWUPS:
        missing = [f for f in missing_details(st["kind"], st.get("description", ""),
                                              bool(st.get("location")))
                   if not st.get(f) and not st.get(f"{f}_skipped")
                   and f not in st.get("asked", [])]
        if missing:
            st["followups"] = st.get("followups", 0) + 1
            st.setdefault("asked", []).append(missing[0])
            return _go(st, ctx, f"detail:{missing[0]}")
    return _go(st, ctx, "evidence")


def _before_confirm(st: dict, ctx: Context) -> list[dict]:
    """A grievance that reads like corruption: ask before filing it as one."""
    if st.get("kind") == "grievance" and not st.get("raise_decided"):
        from handlers.routing.edits import router_for

        decision = router_for(ctx.session, ctx.org).route(routing_text(_new_case(st, ctx)),
                                                          "grievance")
        if decision.raised_to_corruption:
            return _go(st, ctx, "raise")
    return _go(st, ctx, "confirm")


def _take_file(st: dict, message: dict, ctx: Context, then: list[dict] | None) -> list[dict]:
    """Fetch a file from LINE now (LINE deletes it), keep it sealed with the draft."""
    have = drafts.count(ctx.session, st["draft_id"])
    quick = _evidence_quick() if then is None else None
    try:
        evidence.check_limits(1, have)
        file = media.fetch(message, ctx)
        evidence.check_limits(len(file.content), have)
    except evidence.EvidenceRefused as refused:
        answer = [say(text(f"complaint_evidence_{refused.reason}",
                           max_files=evidence.MAX_FILES, max_mb=evidence.MAX_MB), quick)]
        state.save(ctx, FLOW, st)
        return answer + (then or [])
    except media.FetchFailed:
        state.save(ctx, FLOW, st)
        return [say(text("complaint_evidence_fetch_failed"), quick)] + (then or [])
    drafts.add(ctx.session, ctx.vault, st["draft_id"], file, ctx.now)
    have += 1
    log.info("event %s: evidence file %s kept with the draft", ctx.event_id, have)
    state.save(ctx, FLOW, st)
    left = evidence.MAX_FILES - have
    key = "complaint_evidence_received" if left else "complaint_evidence_received_full"
    return [say(text(key, number=have, left=left), quick)] + (then or [])


def _cancel(st: dict, ctx: Context) -> list[dict]:
    drafts.discard(ctx.session, st.get("draft_id"))
    state.clear(ctx)
    return [say(text("complaint_cancelled"), menu.main_menu_items())]


# --- summary, filing, receipt -----------------------------------------------------------

def _new_case(st: dict, ctx: Context) -> NewCase:
    anonymous = st.get("mode") == "anonymous"
    return NewCase(
        kind=st.get("kind") or "grievance", identity_mode=st.get("mode") or "confidential",
        channel="line", description=st.get("description", ""), location=st.get("location"),
        when=st.get("when"), who=st.get("who"),
        name=None if anonymous else st.get("name"),
        phone=None if anonymous else st.get("phone"),
        line_user_id=None if anonymous else ctx.user_id,
        allow_raise=st.get("allow_raise", True),
    )


def _summary(st: dict, ctx: Context) -> list[dict]:
    files = drafts.count(ctx.session, st["draft_id"])
    dash = text("complaint_summary_none")
    description = st.get("description", "")
    if len(description) > 800:
        description = description[:800] + "…"
    lines = [
        text("complaint_summary_title"),
        text("complaint_summary_kind", kind=casework.kind_label(st.get("kind", "grievance"))),
        text("complaint_summary_mode", mode=text(f"case_mode_{st.get('mode', 'confidential')}")),
    ]
    if st.get("mode") != "anonymous":
        lines.append(text("complaint_summary_name", name=st.get("name") or dash))
        lines.append(text("complaint_summary_phone", phone=st.get("phone") or dash))
    lines += [
        text("complaint_summary_description", description=description or dash),
        text("complaint_summary_location", location=st.get("location") or dash),
        text("complaint_summary_when", when=st.get("when") or dash),
    ]
    if st.get("kind") == "corruption" or st.get("who"):
        lines.append(text("complaint_summary_who", who=st.get("who") or dash))
    lines.append(text("complaint_summary_files", files=files))
    lines.append(text(f"complaint_summary_footer_{st.get('mode', 'confidential')}"))
    return [say("\n".join(lines), _confirm_quick())]


def _file(st: dict, ctx: Context) -> list[dict]:
    new = _new_case(st, ctx)
    new.evidence = drafts.open_all(ctx.session, ctx.vault, st["draft_id"])
    try:
        filed = file_case(ctx.session, ctx.vault, ctx.org, new, ctx.now)
    except ValueError:
        return [say(text("complaint_confirm_incomplete"), _confirm_quick())]
    drafts.discard(ctx.session, st["draft_id"])
    state.clear(ctx)  # for an anonymous case: nothing left that leads back to this user
    # No event id beside the code: for an anonymous case that pair would lead back.
    return cap(_receipt(filed, st, ctx))


def _receipt(filed, st: dict, ctx: Context) -> list[dict]:
    mode = filed.case.identity_mode
    messages = [say(text(
        "complaint_receipt", code=filed.code, kind=casework.kind_label(filed.case.kind),
        office=filed.office_name, date=thai_date(ctx.now), days=filed.target_days,
        due=thai_date(filed.due_at), update=thai_date(filed.update_due_at)))]
    if filed.secret:
        messages.append(say(text(f"complaint_receipt_secret_{mode}", code=filed.code)))
        messages.append(say(format_case_secret(filed.secret)))
    else:
        messages.append(say(text("complaint_receipt_identified")))
    if filed.outside_bodies:
        from handlers.routing.edits import router_for

        router = router_for(ctx.session, ctx.org)
        decision = router.route(routing_text(_new_case(st, ctx)), filed.case.kind,
                                allow_raise=st.get("allow_raise", True))
        messages.append(say(router.outside_bodies_message(decision)))
    messages.append(say(text("complaint_receipt_end"), menu.main_menu_items()))
    return messages


# --- quick replies ----------------------------------------------------------------------

def _cancel_quick() -> list[dict]:
    return [reply_with_text(text("complaint_q_cancel"))]


def _kind_quick() -> list[dict]:
    return [reply_with_text(text("complaint_q_kind_corruption")),
            reply_with_text(text("complaint_q_kind_grievance")),
            reply_with_text(text("complaint_q_kind_suggestion")), *_cancel_quick()]


def _mode_quick(st: dict) -> list[dict]:
    order = ["confidential", "anonymous", "identified"] if st.get("kind") == "corruption" \
        else ["identified", "confidential", "anonymous"]
    items = []
    for mode in order:
        shown = text(f"complaint_q_mode_{mode}")
        if mode == "confidential" and st.get("kind") == "corruption":
            items.append(reply_with_text(text("complaint_q_mode_recommended"), shown))
        else:
            items.append(reply_with_text(shown))
    return items + _cancel_quick()


def _phone_quick(st: dict) -> list[dict]:
    items = _cancel_quick()
    if st.get("mode") == "confidential":
        items.insert(0, reply_with_text(text("complaint_q_skip")))
    return items


def _evidence_quick() -> list[dict]:
    return [reply_with_camera(text("complaint_q_camera")),
            reply_with_camera_roll(text("complaint_q_camera_roll")),
            reply_with_text(text("complaint_q_evidence_done")), *_cancel_quick()]


def _raise_quick() -> list[dict]:
    return [reply_with_text(text("complaint_q_raise_yes")),
            reply_with_text(text("complaint_q_raise_no")), *_cancel_quick()]


def _confirm_quick() -> list[dict]:
    return [reply_with_text(text("complaint_q_confirm")), reply_with_text(text("complaint_q_edit")),
            *_cancel_quick()]


def _edit_quick(st: dict) -> list[dict]:
    parts = [p for p in EDIT_PARTS
             if not (st.get("mode") == "anonymous" and p in ("name", "phone"))]
    return [reply_with_text(text(f"complaint_edit_{p}")) for p in parts] + [
        reply_with_text(text("complaint_q_back"))]


def _paused_quick() -> list[dict]:
    return [reply_with_text(text("complaint_q_continue")), *_cancel_quick()]

