"""All tables, importable from one place (Alembic and the code both read `Base.metadata`)."""

from storage.db import Base
from storage.models.audit import AuditRecord
from storage.models.cases import Case, CaseEvent, CaseField, Evidence, SecretGuard
from storage.models.console import ConsoleSession, TotpUse
from storage.models.conversation import Conversation
from storage.models.drafts import DraftFile
from storage.models.inbox import InboxEvent
from storage.models.limits import Backoff, RateCounter
from storage.models.manual import ManualEntry, UnansweredQuestion
from storage.models.officers import IdentityRequest, Officer, OfficerDevice, RoleGrant
from storage.models.offices import OfficeEdit
from storage.models.outbox import OutboxMessage
from storage.models.ratings import Rating
from storage.models.receipts import ReceiptNonce
from storage.models.types import UTCDateTime, utcnow

__all__ = [
    "AuditRecord",
    "Backoff",
    "Base",
    "Case",
    "CaseEvent",
    "CaseField",
    "ConsoleSession",
    "Evidence",
    "IdentityRequest",
    "OfficeEdit",
    "Officer",
    "OfficerDevice",
    "RateCounter",
    "RoleGrant",
    "Conversation",
    "DraftFile",
    "InboxEvent",
    "ManualEntry",
    "OutboxMessage",
    "Rating",
    "ReceiptNonce",
    "SecretGuard",
    "TotpUse",
    "UnansweredQuestion",
    "UTCDateTime",
    "utcnow",
]
