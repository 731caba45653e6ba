"""All tables, importable from one place (Alembic and the code both read `Base.metadata`)."""

from storage.db import Base
from storage.models.conversation import Conversation
from storage.models.inbox import InboxEvent
from storage.models.manual import ManualEntry, UnansweredQuestion
from storage.models.outbox import OutboxMessage
from storage.models.types import UTCDateTime, utcnow

__all__ = [
    "Base",
    "Conversation",
    "InboxEvent",
    "ManualEntry",
    "OutboxMessage",
    "UnansweredQuestion",
    "UTCDateTime",
    "utcnow",
]
