"""Filing a case: the one way a complaint, a tip or a passed-on question becomes a case.

The LINE complaint flow calls `file_case` with channel="line"; the public web tip form
with channel="web"; a manual question passed on to an officer with kind="inquiry". All
in the caller's transaction: the case, its sealed fields and evidence, its office (from
routing), its deadlines and the first timeline entry commit together or not at all.

    filed = file_case(session, vault, org, NewCase(kind="grievance",
                      identity_mode="anonymous", channel="web",
                      description="ไฟถนนดับ", location="หมู่ 3"), now)
    filed.code, filed.secret   # show both once; the secret is kept only as a hash
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from handlers.cases import codes, deadlines
from handlers.cases.coarse import citizen_time, loggable_code
from handlers.cases.evidence import MAX_FILES, EvidenceFile, EvidenceRefused, check_limits
from handlers.cases.evidence import store as store_evidence
from storage import audit, case_vault
from storage.channels import CHAT_CHANNELS, user_purpose
from storage.models.cases import CHANNELS, IDENTITY_MODES, KINDS, Case, CaseEvent
from storage.vault import Vault
from storage.vault.secret_pool import take_secret_pair

log = logging.getLogger("tambon.cases")

MAX_FIELD = 5000

__all__ = ["EvidenceFile", "FiledCase", "NewCase", "asks_about_accusation", "file_case"]


@dataclass
class NewCase:
    kind: str
    identity_mode: str
    channel: str
    description: str = ""
    location: str | None = None
    when: str | None = None
    who: str | None = None
    name: str | None = None
    phone: str | None = None
    address: str | None = None
    contact: str | None = None
    line_user_id: str | None = None
    question: str | None = None
    evidence: list[EvidenceFile] = field(default_factory=list)
    # False once the citizen declined to have a grievance raised to a corruption case.
    allow_raise: bool = True
    # The citizen's answer when asked whether the complaint accuses an official of taking
    # money or misusing power (routing was unsure); None when not asked.
    accusation_answer: bool | None = None

    def __repr__(self) -> str:  # never print what a complainant wrote or who they are
        return (f"NewCase(kind={self.kind!r}, identity_mode={self.identity_mode!r}, "
                f"channel={self.channel!r}, evidence={len(self.evidence)})")


@dataclass
class FiledCase:
    case: Case
    code: str
    secret: str | None  # plain, to show once; None for identified cases
    office_id: str
    office_name: str
    due_at: datetime
    outside_bodies: list[dict]
    raised_to_corruption: bool
    update_due_at: datetime | None = None
    target_days: int = 0

    def __repr__(self) -> str:
        return f"FiledCase(code={self.code!r}, office_id={self.office_id!r})"


def routing_text(new: NewCase) -> str:
    parts = [new.description, new.question, new.who, new.location, new.when]
    return "\n".join(p for p in parts if p)


def asks_about_accusation(session: Session, org, new: NewCase) -> bool:
    """Routing cannot tell whether `new` accuses one of our officials and the citizen has
    not been asked: ask "เรื่องนี้เกี่ยวกับเจ้าหน้าที่เรียกรับเงินหรือใช้อำนาจไม่ถูกต้องหรือไม่"
    (text `accusation_question`) and file with the answer (`accusation_answer`)."""
    from handlers.routing.edits import router_for

    if new.accusation_answer is not None:
        return False
    return router_for(session, org).route(routing_text(new), new.kind,
                                          allow_raise=new.allow_raise).accusation_unsure


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = str(value).strip()
    return value[:MAX_FIELD] if value else None


def _validate(new: NewCase) -> None:
    if new.kind not in KINDS:
        raise ValueError(f"unknown kind {new.kind!r}")
    if new.identity_mode not in IDENTITY_MODES:
        raise ValueError(f"unknown identity mode {new.identity_mode!r}")
    if new.channel not in CHANNELS:
        raise ValueError(f"unknown channel {new.channel!r}")
    if not (_clean(new.description) or _clean(new.question)):
        raise ValueError("a case needs a description (or a question)")
    if new.identity_mode == "identified" and not _clean(new.name):
        raise ValueError("an identified case needs the complainant's name")
    if len(new.evidence) > MAX_FILES:
        raise EvidenceRefused("too_many")
    for file in new.evidence:
        check_limits(len(file.content), 0)


def file_case(session: Session, vault: Vault, org, new: NewCase, now: datetime) -> FiledCase:
    """Create the case in the caller's transaction. ValueError on an invalid request."""
    from handlers.routing.edits import router_for

    _validate(new)
    router = router_for(session, org)
    decision = router.route(routing_text(new), new.kind, allow_raise=new.allow_raise,
                            accusation=new.accusation_answer)
    office = router.offices[decision.office]
    anonymous = new.identity_mode == "anonymous"
    # An anonymous case is dated to the hour, and so is everything written with it (its
    # timeline, evidence, audit record, deadlines): nothing joins it to the exact moment
    # of the event or request that filed it.
    now = citizen_time(new.identity_mode, now)

    secret = None
    secret_hash = None
    if new.identity_mode in ("confidential", "anonymous"):
        secret, secret_hash = take_secret_pair()

    user_key = None
    if new.channel in CHAT_CHANNELS and not anonymous and new.line_user_id:
        user_key = vault.blind_index(new.line_user_id, user_purpose(new.line_user_id))

    code = codes.new_code(session, org)
    key, wrapped = case_vault.new_case_key(vault, code)
    days = deadlines.target_days(router, office.id, decision.kind)
    case = Case(
        code=code, org_id=org.id, kind=decision.kind, identity_mode=new.identity_mode,
        channel=new.channel, status="received", office_id=office.id,
        implicated=list(decision.implicated), routing_reasons=list(decision.reasons),
        wrapped_key=wrapped, user_key=user_key, secret_hash=secret_hash, secret_failures=0,
        created_at=now, updated_at=now,
        due_at=deadlines.add_working_days(now, days),
        update_due_at=now + deadlines.UPDATE_EVERY,
        accusation_answer=decision.accusation_answer,
    )
    session.add(case)
    session.flush()  # the id is part of every field's associated data

    content = {"description": new.description, "location": new.location, "when": new.when,
               "who": new.who, "question": new.question}
    identity = {} if anonymous else {
        "name": new.name, "phone": new.phone, "address": new.address,
        "contact": new.contact,
        "line_user_id": new.line_user_id if new.channel in CHAT_CHANNELS else None,
    }
    for name, value in (*content.items(), *identity.items()):
        value = _clean(value)
        if value:
            case_vault.write_field(vault, key, case, name, value)

    for file in new.evidence:
        store_evidence(session, vault, key, case, file, now)

    session.add(CaseEvent(case_id=case.id, at=now, kind="filed", actor="citizen",
                          status_to="received", public=True))
    audit.append(session, actor="citizen", action="case_filed", now=now, case_code=code,
                 detail=(f"kind={case.kind}; mode={case.identity_mode}; "
                         f"channel={case.channel}; office={case.office_id}; "
                         f"evidence={len(new.evidence)}"))
    session.flush()
    log.info("case %s filed (%s, %s, %s) for office %s",
             loggable_code(code, case.identity_mode), case.kind,
             case.identity_mode, case.channel, case.office_id)
    return FiledCase(
        case=case, code=code, secret=secret, office_id=office.id, office_name=office.name,
        # the bodies the case goes out to, or that can act on people outside it names
        due_at=case.due_at, outside_bodies=list(decision.outside_bodies or decision.outside),
        raised_to_corruption=decision.raised_to_corruption,
        update_due_at=case.update_due_at, target_days=days,
    )
