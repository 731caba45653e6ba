"""The public pages' port to the complaint pipeline (handlers/cases): the web files, opens
and adds to cases through the same functions as LINE, never its own copies of them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from handlers.cases import casework, filing, ratings
from handlers.cases.evidence import EvidenceFile, EvidenceRefused
from handlers.texts import text
from handlers.thai_dates import thai_date, thai_datetime

CLOSED = ("resolved", "not_substantiated", "forwarded")


class AskAccusation(Exception):  # noqa: N818 - a question, not an error
    """Routing cannot tell whether the tip accuses an official: ask before filing."""


class TipRefused(ValueError):
    """The pipeline refused what the form let through; shown beside `field`."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field, self.message = field, message


def _evidence(checked) -> list[EvidenceFile]:
    return [EvidenceFile(u.content, u.content_type, u.filename) for u in checked.files]


def _refused(error: EvidenceRefused) -> TipRefused:
    from handlers.cases import evidence as rules

    if error.reason == "too_many":
        return TipRefused("files", text("public_error_file_count", count=rules.MAX_FILES))
    return TipRefused("files", text("public_error_file_type", name=""))


def file_tip(session, vault, org, checked, now: datetime) -> filing.FiledCase:
    """File the tip; AskAccusation when the citizen must first be asked whether it
    accuses an official (the form shows the question and sends it again)."""
    from bot.public.forms import ACCUSATION_ANSWERS

    values = checked.values
    contact = values.get("contact") or None
    new = filing.NewCase(
        kind=values["kind"],
        # A contact makes the case confidential (sealed, custodian-approved disclosure);
        # the web never files an identified case.
        identity_mode="confidential" if contact else "anonymous",
        channel="web",
        description=values["description"],
        location=values.get("location") or None,
        when=values.get("when") or None,
        who=values.get("who") or None,
        contact=contact,
        evidence=_evidence(checked),
        accusation_answer=ACCUSATION_ANSWERS.get(values.get("accusation") or ""),
    )
    if filing.asks_about_accusation(session, org, new):
        raise AskAccusation
    try:
        return filing.file_case(session, vault, org, new, now)
    except EvidenceRefused as error:
        raise _refused(error) from None


def _tracking():
    from handlers.cases import tracking

    return tracking


def open_case(session, code: str, secret: str, now: datetime):
    """(case, None) when the code and secret match; (None, Thai message) otherwise.
    Counts failures and locks exactly as the LINE tracking flow does."""
    from handlers.cases import codes

    result = _tracking().open_with_secret(session, codes.normalize(code) or code.strip(),
                                          secret, now)
    if result.ok and result.case is not None:
        return result.case, None
    if result.status == "locked" and result.locked_until is not None:
        return None, text("public_track_locked", when=thai_datetime(result.locked_until))
    return None, text("public_track_wrong")


def add_info(session, vault, org, case, checked, now: datetime) -> None:
    try:
        _tracking().add_citizen_info(session, vault, org, case, now=now,
                                     text=checked.values.get("info") or None,
                                     files=_evidence(checked))
    except EvidenceRefused as error:
        raise _refused(error) from None
    except casework.CaseworkError:
        raise TipRefused("info", text("public_track_closed_note")) from None


@dataclass
class PublicEvent:
    when: str
    title: str
    body: str | None
    kind: str


def public_view(session, vault, org, case) -> dict:
    """What the tracking page may show: status, dates, office, the public timeline."""
    from handlers.routing.edits import offices_for

    offices = offices_for(session, org)
    events = []
    for entry in _tracking().public_timeline(session, vault, case):
        if entry.kind == "status" and entry.status_to:
            title = text("public_track_event_status", status=casework.status_label(
                entry.status_to))
        elif entry.kind == "public_reply":
            title = text("public_track_event_reply")
        elif entry.kind == "citizen_info":
            title = text("public_track_event_citizen")
        elif entry.kind == "evidence":
            title = text("public_track_event_evidence")
        elif entry.kind == "filed":
            title = text("public_track_event_status",
                         status=casework.status_label("received"))
        else:
            continue
        body = entry.body if entry.kind in ("status", "public_reply", "citizen_info") else None
        events.append(PublicEvent(thai_datetime(entry.at), title, body, entry.kind))
    rating = ratings.case_rating(session, case) if case.status in CLOSED else None
    office = offices.get(case.office_id)
    return {
        "code": case.code,
        "status": casework.status_label(case.status),
        "kind": casework.kind_label(case.kind),
        "closed": case.status in CLOSED,
        "received": thai_date(case.created_at),
        "due": thai_date(case.due_at),
        "office": office.name if office else case.office_id,
        "events": events,
        "rated": rating.score if rating is not None else None,
    }
