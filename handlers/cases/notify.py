"""Telling a complainant that their case moved: a LINE push through the outbox.

Only identified and confidential cases filed over LINE keep a (sealed) LINE user id; an
anonymous complainant, or one who used the web form, sees the change when they next
check with the code and the secret.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.orm import Session

from handlers.cases.identity import complainant_line_id
from storage import outbox
from storage.channels import CHAT_CHANNELS
from storage.models.cases import Case
from storage.vault import Vault

log = logging.getLogger("tambon.cases")

NOTIFY_REASON = "แจ้งความคืบหน้าแก่ผู้ร้องทางไลน์"


def can_notify(case: Case) -> bool:
    return case.channel in CHAT_CHANNELS and case.identity_mode in ("identified", "confidential")


def notify_complainant(session: Session, vault: Vault, case: Case, messages: list[dict],
                       now: datetime) -> bool:
    """Queue `messages` for the complainant of `case`. True if queued, False if the case
    has no one to push to (anonymous, web, or no LINE id kept)."""
    if not messages or not can_notify(case):
        return False
    to = complainant_line_id(session, vault, case, NOTIFY_REASON, now)
    if not to:
        return False
    outbox.enqueue(session, vault, to=to, messages=messages, now=now, case_code=case.code)
    log.info("case %s: update queued for the complainant", case.code)
    return True
