"""The steps of the complaint dialog: what each does with the message it gets, and how
the dialog moves from one to the next.

Every step that takes text keeps a story typed where it asked for something else
(complaint_story.py), so nothing the citizen tells is dropped; every change to the
state is saved with the reply.
"""

from __future__ import annotations

import logging

from handlers.cases import evidence
from handlers.chat.context import Context
from handlers.chat.flows import (
    complaint_accusation,
    complaint_filing,
    complaint_messages,
    complaint_story,
    drafts,
    media,
    state,
)
from handlers.chat.flows.complaint_input import (
    CONTINUE_WORDS,
    DONE_WORDS,
    EDIT_WORDS,
    KIND_WORDS,
    NO_WORDS,
    SKIP_WORDS,
    YES_WORDS,
    choose,
    choose_mode,
    is_one_of,
    location_text,
    missing_details,
    phone_digits,
    read_phone,
    valid_name,
)
from handlers.chat.flows.complaint_messages import (
    EDIT_PARTS,
    ask,
    ask_detail,
    cancel_quick,
    confirm_quick,
    edit_quick,
    evidence_quick,
    kind_quick,
    mode_quick,
    paused_quick,
    phone_quick,
    raise_quick,
    summary,
)
from handlers.messages import say
from handlers.texts import text
from storage.channels import WEB

log = logging.getLogger("tambon.flows")

FLOW = "complaint"
MAX_FOLLOWUPS = 2
SHORTEST_STORY = 5


# --- steps ----------------------------------------------------------------------------

def on_kind(st, message, typed, ctx):
    chosen = choose(typed, KIND_WORDS) if typed else None
    if chosen is None and complaint_story.looks_like_story(typed):
        # The story came first: keep it, read its kind, and go on.
        refused = _keep(st, typed, ctx)
        if refused:
            return refused
        chosen = complaint_story.reading(typed, ctx).kind
    if chosen is None:
        return [say(text("complaint_kind_again"), kind_quick())]
    st["kind"] = chosen
    if st.pop("returning", False):
        return go(st, ctx, "confirm")
    return go(st, ctx, "mode")


def on_mode(st, message, typed, ctx):
    chosen = choose_mode(typed) if typed else None
    if chosen is None and st.get("kind") == "corruption" and is_one_of(
            typed, ("แนะนำ", "ตามที่แนะนำ", "ข้าม")):
        chosen = "confidential"  # corruption defaults to confidential
    if chosen is None:
        if complaint_story.looks_like_story(typed):
            refused = _keep(st, typed, ctx)
            if refused:
                return refused
            return [say(text("complaint_story_kept_choose_mode"), mode_quick(st))]
        return [say(text("complaint_mode_again"), mode_quick(st))]
    if st.get("only_anonymous") and chosen != "anonymous":
        return [say(text("complaint_mode_web_only_anonymous"), mode_quick(st))]
    st["mode"] = chosen
    if chosen == "anonymous":
        st.pop("name", None)
        st.pop("phone", None)
        note = [say(text("complaint_mode_anonymous_chosen"))]
        if st.pop("returning", False):
            return note + go(st, ctx, "confirm")
        return note + to_description(st, ctx)
    if not st.get("name"):
        return go(st, ctx, "name")
    if not st.get("phone") and (chosen == "identified" or not st.get("phone_skipped")):
        return go(st, ctx, "phone")
    if st.pop("returning", False):
        return go(st, ctx, "confirm")
    return to_description(st, ctx)


def on_name(st, message, typed, ctx):
    name = valid_name(typed) if typed else None
    if name is not None and complaint_story.reading(typed, ctx).reports:
        name = None  # "ไฟดับทั้งซอย" is what happened, not who they are
    if name is None:
        if complaint_story.looks_like_story(typed):
            refused = _keep(st, typed, ctx)
            if refused:
                return refused
            return [say(text("complaint_story_kept_ask_name"), cancel_quick())]
        return [say(text("complaint_name_again"), cancel_quick())]
    st["name"] = name
    if not st.get("phone") and not st.get("phone_skipped"):
        return go(st, ctx, "phone")
    if st.pop("returning", False):
        return go(st, ctx, "confirm")
    return to_description(st, ctx)


def on_phone(st, message, typed, ctx):
    if st.get("mode") == "confidential" and is_one_of(typed, SKIP_WORDS):
        st.pop("phone", None)
        st["phone_skipped"] = True
    else:
        phone, problem = read_phone(typed) if typed else (None, "not_phone")
        if phone is None:
            return _phone_again(st, typed, problem, ctx)
        st["phone"] = phone
        st.pop("phone_skipped", None)
    if st.pop("returning", False):
        return go(st, ctx, "confirm")
    return to_description(st, ctx)


def _phone_again(st, typed, problem, ctx):
    optional = "_optional" if st.get("mode") == "confidential" else ""
    if problem in ("mobile_length", "landline_length"):
        why = text(f"complaint_phone_{problem}")
        return [say(text(f"complaint_phone_wrong_length{optional}", why=why,
                         count=len(phone_digits(typed) or "")), phone_quick(st))]
    if complaint_story.looks_like_story(typed):
        refused = _keep(st, typed, ctx)
        if refused:
            return refused
        return [say(text(f"complaint_story_kept_ask_phone{optional}"), phone_quick(st))]
    return [say(text(f"complaint_phone_again{optional}"), phone_quick(st))]


def on_description(st, message, typed, ctx):
    if message.get("type") == "location":
        st["location"] = location_text(message)
        state.save(ctx, FLOW, st)
        return [say(text("complaint_location_noted_need_text"), cancel_quick())]
    if media.is_media(message):
        return take_file(st, message, ctx, then=[say(text("complaint_need_text_too"),
                                                     cancel_quick())])
    if not typed:
        return [say(text("complaint_description_again"), cancel_quick())]
    kept = st.pop("kept", False)
    if len(typed) < SHORTEST_STORY and not kept:
        return [say(text("complaint_description_short"), cancel_quick())]
    problem = None if kept else complaint_story.not_a_story(typed, ctx)
    if problem is not None:
        return _not_a_story(st, typed, problem, ctx)
    if st.pop("replace_description", False):
        st["description"] = ""
    complaint_story.add(st, typed)
    st.pop(complaint_accusation.KEY, None)  # a new story: asked again if still unsure
    if st.pop("returning", False):
        return go(st, ctx, "confirm")
    return next_detail(st, ctx)


def on_detail(st, message, typed, ctx):
    field = st["step"].split(":", 1)[1]
    if message.get("type") == "location":
        st["location"] = location_text(message)
    elif media.is_media(message):
        return take_file(st, message, ctx, then=ask_detail(st, field))
    elif typed and not is_one_of(typed, SKIP_WORDS) and not is_one_of(typed, DONE_WORDS) \
            and typed != text("complaint_q_evidence_done"):
        st[field] = typed[:1000]
    elif typed:
        st[f"{field}_skipped"] = True
    else:
        return ask_detail(st, field)
    if st.pop("returning", False):
        return go(st, ctx, "confirm")
    return next_detail(st, ctx)


def on_evidence(st, message, typed, ctx):
    if media.is_media(message):
        return take_file(st, message, ctx, then=None)
    if message.get("type") == "location":
        st["location"] = location_text(message)
        state.save(ctx, FLOW, st)
        return [say(text("complaint_location_noted"), evidence_quick())]
    if not typed:
        return [say(text("complaint_evidence_again"), evidence_quick())]
    if is_one_of(typed, DONE_WORDS) or typed == text("complaint_q_evidence_done"):
        st.pop("returning", None)
        return before_confirm(st, ctx)
    # Words typed here belong to the story: keep them with the description.
    refused = _keep(st, typed, ctx)
    if refused:
        return refused
    return [say(text("complaint_evidence_text_added"), evidence_quick())]


def on_raise(st, message, typed, ctx):
    if is_one_of(typed, YES_WORDS) or typed == text("complaint_q_raise_yes"):
        st["kind"] = "corruption"
        st["allow_raise"] = True
    elif is_one_of(typed, NO_WORDS) or typed == text("complaint_q_raise_no"):
        st["allow_raise"] = False
    else:
        return [say(text("complaint_raise_again"), raise_quick())]
    st["raise_decided"] = True
    return go(st, ctx, "confirm")


def on_accusation(st, message, typed, ctx):
    if not complaint_accusation.take_answer(st, typed):
        return complaint_accusation.again(cancel_quick())
    return before_confirm(st, ctx)


def on_confirm(st, message, typed, ctx):
    if is_one_of(typed, YES_WORDS) or typed == text("complaint_q_confirm"):
        return complaint_filing.file(st, ctx)
    if is_one_of(typed, EDIT_WORDS) or typed == text("complaint_q_edit"):
        return go(st, ctx, "edit")
    if media.is_media(message):
        # the summary after the file is kept, so it counts it
        return [*take_file(st, message, ctx, then=[]), *summary(st, _files(st, ctx))]
    if typed and (complaint_story.looks_like_story(typed) or st.get("kept")):
        # Something the citizen forgot to say: it joins the story, and the summary shows it.
        refused = _keep(st, typed, ctx)
        if refused:
            return refused
        return [say(text("complaint_story_added")), *go(st, ctx, "confirm")]
    return [say(text("complaint_confirm_again"), confirm_quick())]


def on_edit(st, message, typed, ctx):
    labels = {text(f"complaint_edit_{part}"): part for part in EDIT_PARTS}
    part = labels.get(typed)
    if part is None:
        if typed == text("complaint_q_back") or is_one_of(typed, CONTINUE_WORDS):
            return go(st, ctx, "confirm")
        return [say(text("complaint_edit_again"), edit_quick(st))]
    st["returning"] = True
    if part in ("location", "when", "who"):
        return go(st, ctx, f"detail:{part}")
    if part == "evidence":
        st.pop("returning")
        return go(st, ctx, "evidence")
    if part == "description":
        st["replace_description"] = True
    return go(st, ctx, part)


def on_paused(st, message, typed, ctx):
    if is_one_of(typed, CONTINUE_WORDS) or typed == text("complaint_q_continue"):
        return go(st, ctx, st.pop("paused_step", "kind"))
    return [say(text("complaint_paused"), paused_quick())]


STEPS = {
    "kind": on_kind, "mode": on_mode, "name": on_name, "phone": on_phone,
    "description": on_description, "detail": on_detail, "evidence": on_evidence,
    "raise": on_raise, "confirm": on_confirm, "edit": on_edit, "paused": on_paused,
    complaint_accusation.STEP: on_accusation,
}


# --- keeping the story ------------------------------------------------------------------

def _keep(st: dict, typed: str, ctx: Context) -> list[dict] | None:
    """Add `typed` to the story and save; or, when it is not a story (a phone number, a
    case code, a question for the manual), the kind answer that says so (and nothing is
    added until the citizen keeps it)."""
    if not st.pop("kept", False):
        problem = complaint_story.not_a_story(typed, ctx)
        if problem is not None:
            return _not_a_story(st, typed, problem, ctx)
    complaint_story.add(st, typed)
    state.save(ctx, FLOW, st)
    return None


def _not_a_story(st, typed, problem, ctx) -> list[dict]:
    st["pending_text"] = typed
    if problem.phone and st.get("mode") != "anonymous":  # an anonymous case keeps none
        st["pending_phone"] = problem.phone
    state.save(ctx, FLOW, st)
    return complaint_messages.not_a_story(problem, st)


# --- moving between steps ---------------------------------------------------------------

def go(st: dict, ctx: Context, step: str) -> list[dict]:
    """Enter `step`: save the state and ask its question."""
    st["step"] = step
    if ctx.channel == WEB:
        # The web chat cannot write to the citizen again: only a case followed with its
        # code and secret keeps its promise there.
        st["only_anonymous"] = True
    if step == "confirm":
        messages = summary(st, _files(st, ctx))
    else:
        messages = ask(st, step, _files(st, ctx) if step == "evidence" else 0)
    state.save(ctx, FLOW, st)
    return messages


def to_description(st: dict, ctx: Context) -> list[dict]:
    """Ask for the story, unless the citizen has told it already."""
    if complaint_story.has_story(st) and not st.get("replace_description"):
        return next_detail(st, ctx)
    return go(st, ctx, "description")


def next_detail(st: dict, ctx: Context) -> list[dict]:
    """Ask for what the description leaves out (at most twice in all), then evidence."""
    if st.get("followups", 0) < MAX_FOLLOWUPS:
        missing = [f for f in missing_details(st["kind"], st.get("description", ""),
                                              bool(st.get("location")))
                   if not st.get(f) and not st.get(f"{f}_skipped")
                   and f not in st.get("asked", [])]
        if missing:
            st["followups"] = st.get("followups", 0) + 1
            st.setdefault("asked", []).append(missing[0])
            return go(st, ctx, f"detail:{missing[0]}")
    return go(st, ctx, "evidence")


def before_confirm(st: dict, ctx: Context) -> list[dict]:
    """Unsure whether the complaint accuses an official: ask (issue 14). A grievance that
    reads like corruption: ask before filing it as one."""
    if complaint_filing.asks_about_accusation(st, ctx):
        return go(st, ctx, complaint_accusation.STEP)
    if st.get("kind") == "grievance" and not st.get("raise_decided") \
            and complaint_filing.reads_like_corruption(st, ctx):
        return go(st, ctx, "raise")
    return go(st, ctx, "confirm")


def _files(st: dict, ctx: Context) -> int:
    return drafts.count(ctx.session, st["draft_id"])


def take_file(st: dict, message: dict, ctx: Context, then: list[dict] | None) -> list[dict]:
    """Fetch a file from LINE now (LINE deletes it), keep it sealed with the draft."""
    have = drafts.count(ctx.session, st["draft_id"])
    quick = evidence_quick() if then is None else None
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
