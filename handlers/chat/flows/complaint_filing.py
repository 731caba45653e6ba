"""Filing the complaint the citizen confirmed, and the receipt they are shown once."""

from __future__ import annotations

from handlers.cases import casework, filing
from handlers.cases.filing import NewCase, file_case, routing_text
from handlers.chat import menu
from handlers.chat.context import ANONYMOUS_FILING, Context
from handlers.chat.flows import complaint_accusation, drafts, state
from handlers.chat.flows.complaint_messages import confirm_quick
from handlers.messages import cap, say
from handlers.routing.edits import router_for
from handlers.texts import text
from handlers.thai_dates import thai_date
from storage.vault import format_case_secret


def new_case(st: dict, ctx: Context) -> NewCase:
    anonymous = st.get("mode") == "anonymous"
    return NewCase(
        kind=st.get("kind") or "grievance", identity_mode=st.get("mode") or "confidential",
        channel=ctx.channel, description=st.get("description", ""), location=st.get("location"),
        when=st.get("when"), who=st.get("who"),
        name=None if anonymous else st.get("name"),
        phone=None if anonymous else st.get("phone"),
        line_user_id=None if anonymous else ctx.user_id,
        allow_raise=st.get("allow_raise", True),
        accusation_answer=st.get(complaint_accusation.KEY),
    )


def asks_about_accusation(st: dict, ctx: Context) -> bool:
    """Routing cannot tell whether the complaint accuses an official, and the citizen has
    not been asked yet (issue 14)."""
    return complaint_accusation.KEY not in st and filing.asks_about_accusation(
        ctx.session, ctx.org, new_case(st, ctx))


def reads_like_corruption(st: dict, ctx: Context) -> bool:
    """A grievance whose words describe corruption (the routing raises it)."""
    decision = router_for(ctx.session, ctx.org).route(
        routing_text(new_case(st, ctx)), "grievance",
        accusation=st.get(complaint_accusation.KEY))
    return decision.raised_to_corruption


def file(st: dict, ctx: Context) -> list[dict]:
    new = new_case(st, ctx)
    new.evidence = drafts.open_all(ctx.session, ctx.vault, st["draft_id"])
    try:
        filed = file_case(ctx.session, ctx.vault, ctx.org, new, ctx.now)
    except ValueError:
        return [say(text("complaint_confirm_incomplete"), confirm_quick())]
    drafts.discard(ctx.session, st["draft_id"])
    state.clear(ctx)  # for an anonymous case: nothing left that leads back to this user
    if filed.case.identity_mode == "anonymous":
        ctx.extras[ANONYMOUS_FILING] = True  # and no row joining it to this event
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
        router = router_for(ctx.session, ctx.org)
        decision = router.route(routing_text(new_case(st, ctx)), filed.case.kind,
                                allow_raise=st.get("allow_raise", True),
                                accusation=st.get(complaint_accusation.KEY))
        messages.append(say(router.outside_bodies_message(decision)))
    messages.append(say(text("complaint_receipt_end"), menu.main_menu_items()))
    return messages
