"""The queue and the case page: reading, replying, notes, status, re-routing, evidence,
and identity (opened directly for identified cases, by approved request otherwise)."""

from __future__ import annotations

from flask import Response, abort, g, redirect, render_template, request, url_for
from sqlalchemy import select

from bot.console import access
from bot.console.queue import ALL, OPEN, QueueFilter, list_queue, overdue, update_owed
from bot.console.web import console, db, now, services, signed_in
from handlers.cases import identity
from handlers.cases.subject import subjects
from handlers.texts import text
from handlers.thai_dates import thai_date
from storage import audit
from storage.models.cases import KINDS, STATUSES, Case, Evidence
from storage.models.officers import Officer

# casework's refusals (CaseworkError.reason) as the message the officer reads
REFUSALS = {
    "bad_transition": "console_bad_status",
    "unknown_status": "console_bad_status",
    "needs_public_text": "console_resolved_needs_summary",
    "needs_forwarded_to": "console_forward_needs_target",
    "needs_reason": "console_reroute_needs_reason",
    "implicated_office": "console_reroute_implicated",
    "same_office": "console_reroute_same",
    "closed": "console_case_closed",
    "empty": "console_empty_text",
}
MAX_TEXT = 4000


def offices() -> dict:
    """The offices as edited by an admin (handlers/routing/edits.py), by id."""
    from handlers.routing.edits import offices_for

    return offices_for(db(), services().org)


def office_name(office_id: str) -> str:
    office = offices().get(office_id)
    return office.name if office else office_id


def actor() -> str:
    return f"officer:{g.officer.id}"


def form_text(name: str) -> str:
    value = (request.form.get(name) or "").strip()
    if len(value) > MAX_TEXT:
        abort(400, text("console_text_too_long", limit=MAX_TEXT))
    return value


def deny(reason: str, code: str | None):
    """404 for a case the officer may not see, with an audit record saying why."""
    audit.append(db(), actor=actor(), action="denied_access", now=now(),
                 case_code=(code or "")[:20] or None, detail=f"{request.endpoint}: {reason}")
    abort(404)


def case_for_officer(code: str) -> Case:
    code = (code or "").upper()[:20]
    case = db().execute(select(Case).where(Case.code == code)).scalar_one_or_none()
    reason = access.case_refusal(g.officer, case)
    if reason is not None:
        deny(reason, code)
    return case


# --- queue -----------------------------------------------------------------------------

@console.get("/queue")
@signed_in()
def queue():
    if not access.works_cases(g.officer):
        # Not a refusal of a case: say why there is no queue, and who has one.
        roles = ", ".join(text(f"console_role_{r}") for r in sorted(access.roles(g.officer)))
        return render_template("console/no_case_work.html", roles=roles), 403
    all_offices = list(offices())
    allowed = access.queue_offices(g.officer, all_offices)
    wanted = request.args.get("office", "")
    if wanted and wanted not in allowed:
        deny("other_office_queue", None)
    shown = [wanted] if wanted else (
        allowed if access.is_supervisor(g.officer) else [g.officer.office_id])
    status = request.args.get("status", OPEN)
    if status not in (OPEN, ALL, *STATUSES):
        status = OPEN
    kind = request.args.get("kind", "")
    try:
        page_no = int(request.args.get("page", "1"))
    except ValueError:
        page_no = 1
    flt = QueueFilter(offices=shown, viewer_office=g.officer.office_id, status=status,
                      kind=kind if kind in KINDS else "", overdue=request.args.get(
                          "overdue") == "1", page=page_no)
    current = now()
    page = list_queue(db(), flt, current)
    lines = subjects(db(), services().vault, page.cases)
    rows = [{
        "case": case,
        "url": url_for("console.case_page", code=case.code),
        "subject": lines[case.id],
        "kind": text(f"console_kind_{case.kind}"),
        "status": text(f"console_status_{case.status}"),
        "age": text("console_days", n=max(0, (current - case.created_at).days)),
        "due": thai_date(case.due_at),
        "overdue": overdue(case, current),
        "update_owed": update_owed(case, current),
        "office": office_name(case.office_id),
    } for case in page.cases]
    audit.append(db(), actor=actor(), action="view_queue", now=current,
                 detail=f"offices={','.join(shown) if len(shown) < 3 else 'all'} "
                        f"status={status} page={page.page}")
    args = {k: v for k, v in request.args.items() if k != "page"}
    return render_template("console/queue.html", rows=rows, page=page, flt=flt,
                           office_choices=[(o, office_name(o)) for o in allowed],
                           office=wanted, statuses=STATUSES, kinds=KINDS, args=args)


# --- the case page ---------------------------------------------------------------------

@console.get("/cases/<code>")
@signed_in("officer", "supervisor")
def case_page(code: str):
    return _case_view(case_for_officer(code), error=request.args.get("error"))


def _case_view(case: Case, *, error: str | None = None, values: dict | None = None,
               status: int = 200):
    """The case page; `values` are what the officer typed, shown again after a refusal."""
    from handlers.cases import casework

    vault = services().vault
    content = casework.read_content(db(), vault, case)
    timeline = casework.timeline(db(), vault, case, include_internal=True)
    evidence = db().execute(
        select(Evidence.id, Evidence.media_kind, Evidence.content_type, Evidence.size,
               Evidence.created_at, Evidence.copy_state).where(Evidence.case_id == case.id)
        .order_by(Evidence.id)).all()
    audit.append(db(), actor=actor(), action="view_case", now=now(), case_code=case.code)
    assigned = db().get(Officer, case.assigned_officer_id) if case.assigned_officer_id else None
    colleagues = []
    if access.is_supervisor(g.officer):
        colleagues = db().execute(
            select(Officer).where(Officer.office_id == case.office_id, Officer.active)
            .order_by(Officer.display_name)).scalars().all()
        colleagues = [o for o in colleagues if access.works_cases(o)]
    reroute_targets = [(o, office_name(o)) for o in offices()
                       if o != case.office_id and o not in (case.implicated or [])]
    return render_template(
        "console/case.html", case=case, content=content, timeline=timeline, evidence=evidence,
        office=office_name(case.office_id),
        identity=identity.standing(db(), g.officer, case, now()),
        next_statuses=casework.allowed_next(case), assigned=assigned,
        colleagues=colleagues, reroute_targets=reroute_targets,
        is_supervisor=access.is_supervisor(g.officer),
        overdue=overdue(case, now()), update_owed=update_owed(case, now()),
        office_name=office_name, error=error, values=values or {}), status


def _back(case: Case, error: str | None = None):
    target = url_for("console.case_page", code=case.code)
    if error:
        target += "?error=" + error
    return redirect(target, 303)


def _work(case: Case, do):
    """Run one piece of case work; a refusal from casework comes back as a message."""
    return _back(case, _attempt(case, do))


def _attempt(case: Case, do) -> str | None:
    """Run one piece of case work: None when done, else the refusal's message key, the
    work rolled back and the refusal audited."""
    try:
        do()
    except (ValueError, LookupError, PermissionError) as refused:
        db().rollback()
        db().begin()
        reason = getattr(refused, "reason", "")
        audit.append(db(), actor=actor(), action="work_refused", now=now(),
                     case_code=case.code, detail=f"{request.endpoint}: {reason or 'refused'}")
        return REFUSALS.get(reason, "console_refused")
    return None


@console.post("/cases/<code>/status")
@signed_in("officer", "supervisor")
def change_status(code: str):
    case = case_for_officer(code)
    from handlers.cases import casework

    new_status = request.form.get("status", "")
    if new_status not in casework.allowed_next(case):
        return _back(case, "console_bad_status")
    public_text = form_text("public_text") or None
    forwarded_to = form_text("forwarded_to") or None
    if new_status == "resolved" and not public_text:
        return _back(case, "console_resolved_needs_summary")
    if new_status == "forwarded" and not forwarded_to:
        return _back(case, "console_forward_needs_target")
    return _work(case, lambda: casework.change_status(
        db(), services().vault, services().org, case, new_status, actor=actor(), now=now(),
        public_text=public_text, forwarded_to=forwarded_to))


@console.post("/cases/<code>/reply")
@signed_in("officer", "supervisor")
def reply(code: str):
    case = case_for_officer(code)
    from handlers.cases import casework

    body = form_text("text")
    if not body:
        return _back(case, "console_empty_text")
    return _work(case, lambda: casework.public_reply(
        db(), services().vault, services().org, case, body, actor=actor(), now=now()))


@console.post("/cases/<code>/respond")
@signed_in("officer", "supervisor")
def respond(code: str):
    """The one box to the citizen: a message, with a change of status or without one.
    A refusal shows the page again with what was typed."""
    case = case_for_officer(code)
    typed = {"text": form_text("text"), "status": request.form.get("status", ""),
             "forwarded_to": form_text("forwarded_to")}
    problem = _respond_problem(case, typed) or _send_response(case, typed)
    if problem is None:
        return _back(case)
    return _case_view(db().get(Case, case.id), error=problem, values=typed, status=400)


def _respond_problem(case: Case, typed: dict) -> str | None:
    """What the form lacks for the status chosen (or for a message alone), if anything."""
    from handlers.cases import casework

    new_status = typed["status"]
    if not new_status:
        return None if typed["text"] else "console_empty_text"
    if new_status not in casework.allowed_next(case):
        return "console_bad_status"
    if new_status == "resolved" and not typed["text"]:
        return "console_resolved_needs_summary"
    if new_status == "forwarded" and not typed["forwarded_to"]:
        return "console_forward_needs_target"
    return None


def _send_response(case: Case, typed: dict) -> str | None:
    """Reply, or change the status (which tells the citizen, with the text)."""
    from handlers.cases import casework

    svc = services()
    if typed["status"]:
        return _attempt(case, lambda: casework.change_status(
            db(), svc.vault, svc.org, case, typed["status"], actor=actor(), now=now(),
            public_text=typed["text"] or None, forwarded_to=typed["forwarded_to"] or None))
    return _attempt(case, lambda: casework.public_reply(
        db(), svc.vault, svc.org, case, typed["text"], actor=actor(), now=now()))


@console.post("/cases/<code>/note")
@signed_in("officer", "supervisor")
def note(code: str):
    case = case_for_officer(code)
    from handlers.cases import casework

    body = form_text("text")
    if not body:
        return _back(case, "console_empty_text")
    return _work(case, lambda: casework.add_note(
        db(), services().vault, services().org, case, body, actor=actor(), now=now()))


@console.post("/cases/<code>/reroute")
@signed_in("supervisor")
def reroute(code: str):
    case = case_for_officer(code)
    from handlers.cases import casework

    target = request.form.get("office", "")
    reason = form_text("reason")
    if target not in offices() or not reason:
        return _back(case, "console_reroute_needs_reason")
    return _work(case, lambda: casework.reroute(
        db(), services().vault, services().org, case, target, actor=actor(), reason=reason,
        now=now()))


@console.post("/cases/<code>/assign")
@signed_in("supervisor")
def assign(code: str):
    case = case_for_officer(code)
    try:
        officer_id = int(request.form.get("officer_id", ""))
    except ValueError:
        return _back(case, "console_refused")
    target = db().get(Officer, officer_id)
    if (target is None or not target.active or target.office_id != case.office_id
            or not access.works_cases(target)):
        return _back(case, "console_refused")
    case.assigned_officer_id = target.id
    case.updated_at = now()
    audit.append(db(), actor=actor(), action="assign", now=now(), case_code=case.code,
                 detail=f"officer:{target.id}")
    return _back(case)


# --- evidence --------------------------------------------------------------------------

INLINE_TYPES = ("image/jpeg", "image/png", "image/gif", "image/webp", "video/mp4",
                "audio/mp4", "audio/mpeg", "audio/aac", "audio/m4a", "application/pdf")


@console.get("/cases/<code>/evidence/<int:evidence_id>")
@signed_in("officer", "supervisor")
def evidence_file(code: str, evidence_id: int):
    case = case_for_officer(code)
    from handlers.cases import casework

    try:
        # The officer copy (images without EXIF/GPS); casework writes the audit record.
        data, content_type = casework.read_evidence(db(), services().vault, case, evidence_id,
                                                    actor=actor(), now=now())
    except LookupError:
        deny("evidence_not_available", case.code)
    inline = content_type in INLINE_TYPES
    response = Response(data, content_type=content_type if inline else
                        "application/octet-stream")
    response.headers["Content-Disposition"] = (
        "inline" if inline else f'attachment; filename="evidence-{evidence_id}"')
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# --- identity --------------------------------------------------------------------------

@console.post("/cases/<code>/identity/open")
@signed_in("officer", "supervisor")
def open_identity(code: str):
    case = case_for_officer(code)
    try:
        details = identity.open_identity(db(), services().vault, g.officer, case, now())
    except identity.IdentityError as refused:
        deny(f"identity_{refused.reason}", case.code)
    return render_template("console/identity.html", case=case, details=details)


@console.post("/cases/<code>/identity/request")
@signed_in("officer", "supervisor")
def request_identity(code: str):
    case = case_for_officer(code)
    try:
        identity.request_identity(db(), g.officer, case, form_text("reason"), now())
    except identity.IdentityError as refused:
        return _back(case, "console_request_needs_reason" if refused.reason == "needs_reason"
                     else "console_refused")
    return _back(case)
