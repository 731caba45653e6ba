"""What the complaint dialog says: each step's question, its quick replies, the summary
before filing, and the kind answers to a text that is not what the step asked for."""

from __future__ import annotations

from handlers.cases import casework, evidence
from handlers.chat.flows import complaint_accusation
from handlers.chat.flows.complaint_story import NotAStory
from handlers.messages import (
    reply_with_camera,
    reply_with_camera_roll,
    reply_with_location,
    reply_with_postback,
    reply_with_text,
    say,
)
from handlers.texts import text

EDIT_PARTS = ("kind", "mode", "description", "location", "when", "who", "name", "phone",
              "evidence")
SUMMARY_DESCRIPTION = 800  # characters of the description shown in the summary


def ask(st: dict, step: str, files: int = 0) -> list[dict]:
    """The question that opens `step`."""
    if step == "kind":
        return [say(text("complaint_ask_kind"), kind_quick())]
    if step == "mode":
        key = "complaint_ask_mode_corruption" if st.get("kind") == "corruption" \
            else "complaint_ask_mode"
        explained = "complaint_mode_web_only_anonymous" if st.get("only_anonymous") \
            else "complaint_mode_explained"
        return [say(text(key, kind=casework.kind_label(st["kind"]))), say(
            text(explained), mode_quick(st))]
    if step == "name":
        key = "complaint_ask_name_confidential" if st.get("mode") == "confidential" \
            else "complaint_ask_name"
        return [say(text(key), cancel_quick())]
    if step == "phone":
        return [say(text("complaint_ask_phone_optional" if st.get("mode") == "confidential"
                         else "complaint_ask_phone"), phone_quick(st))]
    if step == "description":
        return [say(text(f"complaint_ask_description_{st.get('kind', 'grievance')}"),
                    description_quick())]
    if step.startswith("detail:"):
        return ask_detail(st, step.split(":", 1)[1])
    if step == "evidence":
        return [say(text("complaint_ask_evidence", max_files=evidence.MAX_FILES,
                         max_mb=evidence.MAX_MB, have=files), evidence_quick())]
    if step == "raise":
        return [say(text("complaint_ask_raise"), raise_quick())]
    if step == complaint_accusation.STEP:
        return complaint_accusation.ask(cancel_quick())
    if step == "edit":
        return [say(text("complaint_ask_edit"), edit_quick(st))]
    if step == "paused":
        return [say(text("complaint_paused"), paused_quick())]
    raise ValueError(f"unknown step {step!r}")


def ask_detail(st: dict, field: str) -> list[dict]:
    quick = [reply_with_text(text("complaint_q_skip"))]
    if field == "location":
        quick.insert(0, reply_with_location(text("complaint_q_location")))
    return [say(text(f"complaint_ask_{field}_{st.get('kind', 'grievance')}"
                     if field == "who" else f"complaint_ask_{field}"),
                [*quick, *cancel_quick()])]


def not_a_story(problem: NotAStory, st: dict) -> list[dict]:
    """The kind answer to a text typed as the story that is not one; the citizen may
    still keep it."""
    keep = reply_with_text(text("complaint_q_keep_text"))
    if problem.reason == "phone":
        if st.get("mode") == "anonymous":
            return [say(text("complaint_story_phone_anonymous"), [keep, *cancel_quick()])]
        return [say(text("complaint_story_phone", phone=problem.phone),
                    [reply_with_text(text("complaint_q_use_phone")), keep, *cancel_quick()])]
    if problem.reason == "bad_phone":
        return [say(text("complaint_story_bad_phone", count=problem.digits,
                         why=text(f"complaint_phone_{problem.phone_problem}")),
                    [keep, *cancel_quick()])]
    if problem.reason == "code":
        return [say(text("complaint_story_code", code=problem.code), [keep, *cancel_quick()])]
    entry = problem.entry or {}
    short = entry.get("short_title") or entry.get("title", "")
    show = reply_with_postback(short, f"manual:show:{entry.get('id', '')}", short)
    return [say(text("complaint_story_question", title=short), [show, keep, *cancel_quick()])]


def summary(st: dict, files: int) -> list[dict]:
    dash = text("complaint_summary_none")
    description = st.get("description", "")
    if len(description) > SUMMARY_DESCRIPTION:
        description = description[:SUMMARY_DESCRIPTION] + "…"
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
    return [say("\n".join(lines), confirm_quick())]


# --- quick replies ----------------------------------------------------------------------

def cancel_quick() -> list[dict]:
    return [reply_with_text(text("complaint_q_cancel"))]


def kind_quick() -> list[dict]:
    return [reply_with_text(text("complaint_q_kind_corruption")),
            reply_with_text(text("complaint_q_kind_grievance")),
            reply_with_text(text("complaint_q_kind_suggestion")), *cancel_quick()]


def mode_quick(st: dict) -> list[dict]:
    order = ["confidential", "anonymous", "identified"] if st.get("kind") == "corruption" \
        else ["identified", "confidential", "anonymous"]
    if st.get("only_anonymous"):
        order = ["anonymous"]
    items = []
    for mode in order:
        shown = text(f"complaint_q_mode_{mode}")
        if mode == "confidential" and st.get("kind") == "corruption":
            items.append(reply_with_text(text("complaint_q_mode_recommended"), shown))
        else:
            items.append(reply_with_text(shown))
    return items + cancel_quick()


def phone_quick(st: dict) -> list[dict]:
    items = cancel_quick()
    if st.get("mode") == "confidential":
        items.insert(0, reply_with_text(text("complaint_q_skip")))
    return items


def description_quick() -> list[dict]:
    return [reply_with_location(text("complaint_q_location")), *cancel_quick()]


def evidence_quick() -> list[dict]:
    return [reply_with_camera(text("complaint_q_camera")),
            reply_with_camera_roll(text("complaint_q_camera_roll")),
            reply_with_text(text("complaint_q_evidence_done")), *cancel_quick()]


def raise_quick() -> list[dict]:
    return [reply_with_text(text("complaint_q_raise_yes")),
            reply_with_text(text("complaint_q_raise_no")), *cancel_quick()]


def confirm_quick() -> list[dict]:
    return [reply_with_text(text("complaint_q_confirm")), reply_with_text(text("complaint_q_edit")),
            *cancel_quick()]


def edit_quick(st: dict) -> list[dict]:
    parts = [p for p in EDIT_PARTS
             if not (st.get("mode") == "anonymous" and p in ("name", "phone"))]
    return [reply_with_text(text(f"complaint_edit_{p}")) for p in parts] + [
        reply_with_text(text("complaint_q_back"))]


def paused_quick() -> list[dict]:
    return [reply_with_text(text("complaint_q_continue")), *cancel_quick()]
