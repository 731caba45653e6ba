"""What a handler is given besides the event: the unit of work and the few services it may use."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from handlers.org import Organization
from storage.channels import LINE, user_purpose
from storage.vault import Vault

# Set in `extras` by a flow that filed an anonymous case: the worker then keeps no row that
# joins the case to the event (no inbox row, and the reply's outbox rows deleted once sent).
ANONYMOUS_FILING = "anonymous_filing"


@dataclass
class Context:
    session: Session
    now: datetime
    vault: Vault
    org: Organization
    user_id: str | None = None
    event_id: str | None = None
    # The chat the event came from (storage.channels): LINE, or Messenger through its adapter.
    channel: str = LINE
    # Pushes to people other than the sender (an officer's answer to a citizen, ...).
    pushes: list[tuple[str, list[dict]]] = field(default_factory=list)
    extras: dict[str, Any] = field(default_factory=dict)
    # Fetches a media message's bytes from LINE, at most the given number of bytes, else
    # EvidenceRefused("too_big") (injected by the worker, which owns the SDK; LINE deletes
    # content after a while, so a flow that wants it fetches it at once).
    fetch_content: Callable[[str, int], bytes] | None = None

    @property
    def org_dir(self) -> Path:
        return self.org.folder

    @property
    def user_key(self) -> str | None:
        """The sender's blind index: how the bot finds a user again without storing the id."""
        if not self.user_id:
            return None
        return self.vault.blind_index(self.user_id, user_purpose(self.user_id))

    def push(self, user_id: str, messages: list[dict]) -> None:
        self.pushes.append((user_id, messages))

    def manual_index(self):
        """The service-manual search index (from the database copy, else the files)."""
        from handlers.manual.store import index_for

        return index_for(self.session, self.org)
