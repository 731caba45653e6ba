"""Pages beyond case work: the custodian's identity requests, accounts, unanswered questions."""

from __future__ import annotations

from flask import abort, g, redirect, render_template, request, url_for
from sqlalchemy import select

from bot.console import access, accounts
from bot.console.views_cases import APPROVAL_LIFETIME, actor, form_text, office_name, offices
from bot.console.web import console, db, now, services, signed_in
from handlers.texts import text
from storage import audit
from storage.models.cases import Case
from storage.models.officers import ROLES, IdentityRequest, Officer

# --- custodian -------------------------------------------------------------------------


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
                           deciders=deciders, error=request.args.get("error"))


@console.post("/requests/<int:request_id>/decide")
@signed_in("custodian")
def decide_request(request_id: int):
    row = db().get(IdentityRequest, request_id)
    case = db().get(Case, row.case_id) if row else None
    if row is None or case is None or not _visible_to_custodian(case):
        audit.append(db(), actor=actor(), action="denied_access", now=now(),
                     detail=f"decide request:{request_id}")
        abort(404)
    if row.status != "pending":
        return redirect(url_for("console.identity_requests", error="console_already_decided"),
                        303)
    if row.officer_id == g.officer.id:
        return redirect(url_for("console.identity_requests", error="console_own_request"), 303)
    decision = request.form.get("decision", "")
    reason = form_text("reason")
    if decision not in ("approve", "deny") or len(reason) < 5:
        return redirect(url_for("console.identity_requests",
                                error="console_decision_needs_reason"), 303)
    current = now()
    row.status = "approved" if decision == "approve" else "denied"
    row.decided_by = g.officer.id
    row.decision_reason = reason
    row.decided_at = current
    if decision == "approve":
        row.expires_at = current + APPROVAL_LIFETIME
    audit.append(db(), actor=actor(), action="identity_decision", now=current,
                 case_code=case.code, detail=f"request:{row.id} {row.status}")
    if decision == "approve":
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
                offices=offices(), with_totp=False, enrol_later=True, actor=actor(),
                now=now())
        except accounts.AccountError as problem:
            error = problem.key
        else:
            created = made.officer
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


# --- questions the manual did not answer ----------------------------------------------

@console.get("/unanswered")
@signed_in("admin")
def unanswered():
    from handlers.manual.store import unanswered as load_unanswered

    rows = load_unanswered(db(), services().org.id, limit=200)
    return render_template("console/unanswered.html", rows=rows, title=text(
        "console_unanswered_title"))
