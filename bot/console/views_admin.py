"""Pages beyond case work: the custodian's identity requests, accounts, unanswered questions."""

from __future__ import annotations

import re

from flask import abort, g, redirect, render_template, request, url_for
from sqlalchemy import select

from bot.console import access, accounts, grants
from bot.console.views_cases import actor, form_text, office_name, offices
from bot.console.web import console, db, now, services, signed_in
from handlers.cases import identity
from handlers.texts import text
from storage import audit
from storage.models.cases import Case
from storage.models.officers import ROLES, IdentityRequest, Officer

# --- custodian -------------------------------------------------------------------------

_APPROVED_BY = re.compile(r"approved by (officer:\d+)")
# identity.decide's refusals as the message the custodian reads
DECISION_REFUSALS = {
    "own_request": "console_own_request",
    "already_decided": "console_already_decided",
    "needs_reason": "console_decision_needs_reason",
    "same_sponsor": "console_decision_same_sponsor",
    "request_expired": "console_request_expired",
    "requester_may_not_see_case": "console_decision_requester_cannot",
}


def _visible_to_custodian(case: Case) -> bool:
    # A custodian never decides (or learns of) a complaint naming their own office.
    return not access.implicates(case, g.officer.office_id)


@console.get("/requests")
@signed_in("custodian")
def identity_requests():
    rows = db().execute(
        select(IdentityRequest, Case, Officer)
        .join(Case, Case.id == IdentityRequest.case_id)
        .join(Officer, Officer.id == IdentityRequest.officer_id)
        .order_by(IdentityRequest.status != "pending", IdentityRequest.requested_at.desc())
        .limit(200)).all()
    shown = [(r, c, o) for r, c, o in rows if _visible_to_custodian(c)]
    audit.append(db(), actor=actor(), action="view_requests", now=now(),
                 detail=f"shown={len(shown)}")
    deciders = {o.id: o for o in db().execute(select(Officer).where(
        Officer.id.in_({r.decided_by for r, _, _ in shown if r.decided_by}))).scalars()}
    return render_template("console/requests.html", rows=shown, office_name=office_name,
                           deciders=deciders, error=request.args.get("error"),
                           openings=_openings(), head=_audit_head())


def _openings() -> list[dict]:
    """Every identity opened by an officer, for every custodian to see; the case code of
    a complaint naming the custodian's own office is not shown."""
    records = identity.openings(db())
    codes = {r.case_code for r in records if r.case_code}
    cases = {c.code: c for c in db().execute(select(Case).where(Case.code.in_(codes))
                                             ).scalars()}
    officers = {f"officer:{o.id}": o for o in db().execute(select(Officer)).scalars()}
    shown = []
    for record in records:
        case = cases.get(record.case_code)
        who = officers.get(record.actor)
        shown.append({"at": record.at, "code": record.case_code if case is None
                      or _visible_to_custodian(case) else None,
                      "who": who.display_name if who else record.actor,
                      "office": office_name(who.office_id) if who else "",
                      "why": _why(record.detail, officers)})
    return shown


def _why(detail: str, officers: dict) -> str:
    """An opening's reason (identity.py writes it) in Thai: who approved it, if anyone."""
    approved = _APPROVED_BY.search(detail)
    if approved:
        approver = officers.get(approved.group(1))
        return text("console_opening_approved",
                    by=approver.display_name if approver else approved.group(1))
    return text("console_opening_identified" if "identified case" in detail
                else "console_opening_anonymous")


def _audit_head():
    """The audit chain's signed head, for custodians to note down outside the system."""
    chain = audit.chain_of(db())
    if chain is None or chain.head_file is None:
        return None
    try:
        return chain.head_file.read()
    except audit.AuditError:
        return None


@console.post("/requests/<int:request_id>/decide")
@signed_in("custodian")
def decide_request(request_id: int):
    current = now()
    try:
        row, case = identity.decide(db(), g.officer, request_id,
                                    request.form.get("decision", ""), form_text("reason"),
                                    current)
    except identity.IdentityError as refused:
        if refused.reason not in DECISION_REFUSALS:
            audit.append(db(), actor=actor(), action="denied_access", now=current,
                         detail=f"decide request:{request_id}: {refused.reason}")
            abort(404)
        audit.append(db(), actor=actor(), action="decision_refused", now=current,
                     detail=f"request:{request_id}: {refused.reason}")
        return redirect(url_for("console.identity_requests",
                                error=DECISION_REFUSALS[refused.reason]), 303)
    if row.status == "approved":
        _tell_complainant(case, row, current)
    return redirect(url_for("console.identity_requests"), 303)


def _tell_complainant(case: Case, row: IdentityRequest, current) -> None:
    """The complainant learns, in Thai, to which office their identity was disclosed and
    why: on the case's timeline (read when tracking) and, over LINE, by a push."""
    from handlers.cases import casework
    from handlers.cases.notify import notify_complainant
    from handlers.messages import say
    from handlers.thai_dates import thai_date

    requester = db().get(Officer, row.officer_id)
    office = office_name(requester.office_id if requester else case.office_id)
    body = text("console_identity_disclosed_body", office=office, reason=row.reason)
    casework.add_event(db(), services().vault, case, kind="identity_disclosed",
                       actor=f"officer:{g.officer.id}", now=current, public=True, body=body)
    notify_complainant(db(), services().vault, case, [say(
        text("console_identity_disclosed_push", code=case.code, date=thai_date(current))
        + "\n\n" + body)], current)


# --- accounts --------------------------------------------------------------------------

@console.route("/officers", methods=["GET", "POST"])
@signed_in("admin")
def officers():
    created = None
    error = request.args.get("error")
    if request.method == "POST":
        try:
            made = accounts.create_officer(
                db(), services().vault, username=request.form.get("username", ""),
                display_name=request.form.get("display_name", ""),
                office_id=request.form.get("office_id", ""),
                roles=request.form.getlist("roles"), password=request.form.get("password", ""),
                offices=offices(), enrol_later=True, actor=actor(), now=now())
        except accounts.AccountError as problem:
            error = problem.key
        else:
            created = made
    listed = db().execute(select(Officer).order_by(Officer.office_id, Officer.username)
                          ).scalars().all()
    reset = request.args.get("totp_reset", type=int)
    reset = db().get(Officer, reset) if reset else None
    audit.append(db(), actor=actor(), action="view_accounts", now=now())
    return render_template("console/officers.html", officers=listed, created=created,
                           reset=reset, error=error, roles=ROLES,
                           office_choices=[(o, office_name(o)) for o in offices()],
                           office_name=office_name, current=now())


@console.post("/officers/<int:officer_id>/<action>")
@signed_in("admin")
def officer_action(officer_id: int, action: str):
    target = db().get(Officer, officer_id)
    if target is None or action not in ("activate", "deactivate", "unlock", "totp"):
        abort(404)
    if target.id == g.officer.id and action in ("deactivate", "totp"):
        return redirect(url_for("console.officers", error="console_not_yourself"), 303)
    if action == "totp":
        # The officer sets up a new second factor themselves; nobody else sees its seed.
        accounts.reset_totp(db(), target, actor=actor(), now=now())
        return redirect(url_for("console.officers", totp_reset=target.id), 303)
    if action == "unlock":
        accounts.unlock(db(), target, actor=actor(), now=now())
    else:
        accounts.set_active(db(), target, action == "activate", actor=actor(), now=now())
    return redirect(url_for("console.officers"), 303)


# --- roles waiting for a second person ------------------------------------------------

@console.get("/grants")
@signed_in("custodian", "admin")
def role_grants():
    waiting = grants.pending(db())
    audit.append(db(), actor=actor(), action="view_grants", now=now(),
                 detail=f"shown={len(waiting)}")
    names = {f"officer:{o.id}": o.display_name
             for o in db().execute(select(Officer)).scalars()}
    return render_template("console/grants.html", waiting=waiting, office_name=office_name,
                           error=request.args.get("error"), me_actor=actor(), names=names)


@console.post("/grants/<int:grant_id>/<decision>")
@signed_in("custodian", "admin")
def decide_grant(grant_id: int, decision: str):
    if decision not in ("confirm", "refuse"):
        abort(404)
    try:
        grants.decide(db(), grant_id, g.officer, decision == "confirm", now())
    except grants.GrantRefused as refused:
        return redirect(url_for("console.role_grants", error=refused.key), 303)
    return redirect(url_for("console.role_grants"), 303)


# --- questions the manual did not answer ----------------------------------------------

@console.get("/unanswered")
@signed_in("admin")
def unanswered():
    from handlers.manual.store import unanswered as load_unanswered

    rows = load_unanswered(db(), services().org.id, limit=200)
    return render_template("console/unanswered.html", rows=rows, title=text(
        "console_unanswered_title"))
