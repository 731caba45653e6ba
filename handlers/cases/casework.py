"""What officers do to a case: acknowledge, investigate, close, answer, note, reroute.

Each function works in the caller's transaction, writes the case's timeline (text sealed
with the case key) and an audit record, and pushes to an identified or confidential
complainant where the citizen should hear of it. The console calls these; nothing here
checks roles (the console does), but the rules every caller must keep are enforced:
the order of statuses, a public answer when resolving, never into an implicated office.

    from handlers.cases import casework
    casework.change_status(session, vault, org, case, "acknowledged",
                           actor="officer:7", now=now)
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers.cases import deadlines
from handlers.cases.coarse import loggable_code
from handlers.cases.notify import can_notify, notify_complainant
from handlers.cases.ratings import offer_for_case
from handlers.messages import say
from handlers.texts import text
from handlers.thai_dates import thai_date, thai_datetime
from storage import audit, case_vault
from storage.models.cases import (
    CLOSED_STATUSES,
    CONTENT_FIELDS,
    STATUSES,
    Case,
    CaseEvent,
    Evidence,
)
from storage.vault import Vault

log = logging.getLogger("tambon.cases")

# Which status may follow which. "forwarded" is allowed straight from "acknowledged":
# a matter outside the office's powers need not be investigated before it is passed on.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "received": ("acknowledged",),
    "acknowledged": ("investigating", "forwarded"),
    "investigating": ("resolved", "not_substantiated", "forwarded"),
    "resolved": (),
    "not_substantiated": (),
    "forwarded": (),
}
MAX_TEXT = 3000


class CaseworkError(ValueError):
    """A request the rules refuse. `reason` is a short machine-readable word."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


@dataclass
class TimelineEntry:
    id: int
    at: datetime
    kind: str
    actor: str
    status_from: str | None
    status_to: str | None
    public: bool
    body: str | None


def status_label(status: str) -> str:
    return text(f"case_status_{status}")


def kind_label(kind: str) -> str:
    return text(f"case_kind_{kind}")


def allowed_next(case: Case) -> tuple[str, ...]:
    return TRANSITIONS.get(case.status, ())


# --- the officer's actions ---------------------------------------------------------------

def change_status(
    session: Session, vault: Vault, org, case: Case, new_status: str, *, actor: str,
    now: datetime, public_text: str | None = None, forwarded_to: str | None = None,
) -> CaseEvent:
    """Move `case` to `new_status`. Resolving needs `public_text` (what was done, for the
    citizen); forwarding needs `forwarded_to` (to whom). The complainant is told."""
    if new_status not in STATUSES:
        raise CaseworkError("unknown_status", f"unknown status {new_status!r}")
    if new_status not in allowed_next(case):
        raise CaseworkError(
            "bad_transition",
            f"{case.status} -> {new_status} is not allowed; next may be "
            f"{', '.join(allowed_next(case)) or 'nothing (closed)'}")
    public_text = _clean(public_text)
    forwarded_to = _clean(forwarded_to)
    if new_status == "resolved" and not public_text:
        raise CaseworkError("needs_public_text", "resolving a case needs a public answer")
    if new_status == "forwarded" and not forwarded_to:
        raise CaseworkError("needs_forwarded_to", "say to whom the case is forwarded")
    body = public_text
    if new_status == "forwarded":
        body = text("case_forwarded_body", to=forwarded_to) + (
            f"\n{public_text}" if public_text else "")
    old = case.status
    event = _add_event(session, vault, case, kind="status", actor=actor, now=now,
                       public=True, body=body, status_from=old, status_to=new_status)
    case.status = new_status
    case.updated_at = now
    case.last_public_update_at = now
    if new_status == "acknowledged" and case.acknowledged_at is None:
        case.acknowledged_at = now
    if new_status in CLOSED_STATUSES:
        case.closed_at = now
    else:
        case.update_due_at = now + deadlines.UPDATE_EVERY
    audit.append(session, actor=actor, action="status", now=now, case_code=case.code,
                 detail=f"{old}->{new_status}; event={event.id}")
    message = text("case_push_status", code=case.code, status=status_label(new_status),
                   date=thai_date(now))
    if body:
        message += "\n\n" + body
    messages = [say(message)]
    if new_status in CLOSED_STATUSES:
        messages[0] = say(message + "\n\n" + text("case_push_closed_hint"))
        if can_notify(case):
            # A closed case may be rated 1-5 (ITA counts satisfaction); web and anonymous
            # complainants rate on the tracking page instead.
            messages.append(offer_for_case(session, case, now))
    notify_complainant(session, vault, case, messages, now)
    log.info("case %s: %s -> %s (event %s)", _code(case), old, new_status, event.id)
    return event


def public_reply(session: Session, vault: Vault, org, case: Case, body: str, *, actor: str,
                 now: datetime) -> CaseEvent:
    """An answer the citizen reads (pushed, and shown when they check the case)."""
    body = _clean(body)
    if not body:
        raise CaseworkError("empty", "an answer needs text")
    event = _add_event(session, vault, case, kind="public_reply", actor=actor, now=now,
                       public=True, body=body)
    case.updated_at = now
    case.last_public_update_at = now
    if case.is_open:
        case.update_due_at = now + deadlines.UPDATE_EVERY
    audit.append(session, actor=actor, action="reply", now=now, case_code=case.code,
                 detail=f"event={event.id}")
    notify_complainant(session, vault, case, [say(
        text("case_push_reply", code=case.code, date=thai_date(now)) + "\n\n" + body)], now)
    log.info("case %s: public reply (event %s)", _code(case), event.id)
    return event


def add_note(session: Session, vault: Vault, org, case: Case, body: str, *, actor: str,
             now: datetime) -> CaseEvent:
    """An internal note: for officers only, never shown or sent to the citizen."""
    body = _clean(body)
    if not body:
        raise CaseworkError("empty", "a note needs text")
    event = _add_event(session, vault, case, kind="note", actor=actor, now=now, public=False,
                       body=body)
    case.updated_at = now
    audit.append(session, actor=actor, action="note", now=now, case_code=case.code,
                 detail=f"event={event.id}")
    return event


def reroute(session: Session, vault: Vault, org, case: Case, target_office: str, *,
            actor: str, reason: str, now: datetime) -> CaseEvent:
    """Move the case to another office: never into one the complaint implicates. The
    office's target time is recomputed from the filing date for the new office."""
    from handlers.routing.edits import router_for

    router = router_for(session, org)
    reason = _clean(reason)
    if not reason:
        raise CaseworkError("needs_reason", "say why the case moves")
    if target_office not in router.offices:
        raise CaseworkError("unknown_office", f"no office {target_office!r}")
    if target_office in (case.implicated or []) or not router.reroute_allowed(
            list(case.implicated or []), target_office):
        raise CaseworkError("implicated_office",
                            "the complaint implicates that office; it may not handle it")
    if target_office == case.office_id:
        raise CaseworkError("same_office", "the case is already with that office")
    if not case.is_open:
        raise CaseworkError("closed", "a closed case is not rerouted")
    old = case.office_id
    event = _add_event(session, vault, case, kind="rerouted", actor=actor, now=now,
                       public=False, body=text("case_rerouted_body",
                                               from_office=_office_name(router, old),
                                               to_office=_office_name(router, target_office),
                                               reason=reason))
    case.office_id = target_office
    case.assigned_officer_id = None
    case.due_at = deadlines.due_for(router, target_office, case.kind, case.created_at)
    case.updated_at = now
    audit.append(session, actor=actor, action="reroute", now=now, case_code=case.code,
                 detail=f"{old}->{target_office}; event={event.id}")
    log.info("case %s rerouted %s -> %s", _code(case), old, target_office)
    return event


# --- reading ------------------------------------------------------------------------------

def timeline(session: Session, vault: Vault, case: Case,
             include_internal: bool) -> list[TimelineEntry]:
    """The case's events, oldest first. Without `include_internal`: what the citizen may
    read (status changes and public answers; their own additions, without the text of
    internal notes or reroutes)."""
    query = select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.at,
                                                                          CaseEvent.id)
    events = session.execute(query).scalars().all()
    key = None
    out: list[TimelineEntry] = []
    for event in events:
        if not include_internal and not event.public:
            continue
        body = None
        if event.sealed_body is not None:
            key = key or case_vault.case_key(vault, case)
            body = case_vault.open_event_body(vault, key, event)
        out.append(TimelineEntry(id=event.id, at=event.at, kind=event.kind, actor=event.actor,
                                 status_from=event.status_from, status_to=event.status_to,
                                 public=event.public, body=body))
    return out


def read_content(session: Session, vault: Vault, case: Case) -> dict[str, str | None]:
    """What the complaint says (description, location, when, who, question). Not identity."""
    key = case_vault.case_key(vault, case)
    return {name: case_vault.read_field(vault, key, case, name) for name in CONTENT_FIELDS}


def evidence_of(session: Session, case: Case) -> list[Evidence]:
    return list(session.execute(
        select(Evidence).where(Evidence.case_id == case.id).order_by(Evidence.id)).scalars())


def read_evidence(session: Session, vault: Vault, case: Case, evidence_id: int, *,
                  actor: str, now: datetime) -> tuple[bytes, str]:
    """The officer copy of one evidence file (rebuilt from its content, without metadata),
    and its type. Writes an audit record. LookupError if there is no officer copy: not
    rebuilt yet, or kept sealed. Never the file as sent."""
    evidence = session.get(Evidence, evidence_id)
    if evidence is None or evidence.case_id != case.id:
        raise LookupError("no such evidence in this case")
    if evidence.copy_state != "ready":
        raise LookupError("no officer copy of this evidence")
    audit.append(session, actor=actor, action="evidence_view", now=now, case_code=case.code,
                 detail=f"evidence={evidence.id}")
    key = case_vault.case_key(vault, case)
    return case_vault.open_evidence(vault, key, evidence), evidence.content_type


def summary_line(case: Case) -> str:
    """One line for lists: code, kind, status, filed date (Buddhist era)."""
    return text("case_summary_line", code=case.code, kind=kind_label(case.kind),
                status=status_label(case.status), date=thai_date(case.created_at))


def describe_event(entry: TimelineEntry) -> str:
    """A timeline entry as the citizen reads it."""
    when = thai_datetime(entry.at)
    if entry.kind == "status" and entry.status_to:
        line = text("case_event_status", when=when, status=status_label(entry.status_to))
    elif entry.kind == "public_reply":
        line = text("case_event_reply", when=when)
    elif entry.kind == "citizen_info":
        return text("case_event_citizen_info", when=when)
    elif entry.kind == "evidence":
        return text("case_event_evidence", when=when)
    elif entry.kind == "filed":
        return text("case_event_filed", when=when)
    else:
        line = text("case_event_other", when=when)
    return line + (f"\n{entry.body}" if entry.body else "")


# --- internals ----------------------------------------------------------------------------

def _add_event(session: Session, vault: Vault, case: Case, *, kind: str, actor: str,
               now: datetime, public: bool, body: str | None = None,
               status_from: str | None = None, status_to: str | None = None) -> CaseEvent:
    event = CaseEvent(case_id=case.id, at=now, kind=kind, actor=actor[:40], public=public,
                      status_from=status_from, status_to=status_to)
    session.add(event)
    if body:
        session.flush()  # the id is part of the sealed body's associated data
        case_vault.seal_event_body(vault, case_vault.case_key(vault, case), event, body)
    return event


def add_event(session: Session, vault: Vault, case: Case, **kwargs) -> CaseEvent:
    """For the other case modules (filing, tracking): a timeline entry with a sealed body."""
    return _add_event(session, vault, case, **kwargs)


def _office_name(router, office_id: str) -> str:
    office = router.offices.get(office_id)
    return office.name if office is not None else office_id


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = str(value).strip()
    return value[:MAX_TEXT] if value else None


def _code(case: Case) -> str:
    """The case code as a log line may carry it (never an anonymous case's)."""
    return loggable_code(case.code, case.identity_mode)
