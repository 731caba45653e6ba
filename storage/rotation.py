"""Re-wrapping every case's data key under the key ring's active key, in batches.

Rotating a ring key (`tambon keys rotate`) adds a key, makes it active, saves the ring,
then calls `rewrap_all`. Only the small wrapped key of each case changes: the fields,
timeline and evidence stay sealed under the same data key, so nothing else is rewritten
and every row opens at every moment, before, during and after. Each batch is its own
transaction; a run that stops half-way is simply run again (done cases are skipped).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import sessionmaker

from storage.case_vault import _key_aad
from storage.models.cases import Case
from storage.vault import Vault

log = logging.getLogger("tambon.rotation")

BATCH_SIZE = 500


@dataclass
class RotationResult:
    checked: int = 0
    rewrapped: int = 0
    batches: int = 0


def rewrap_all(sessions: sessionmaker, vault: Vault, *, batch_size: int = BATCH_SIZE,
               after_batch: Callable[[RotationResult], None] | None = None
               ) -> RotationResult:
    """Re-seal every case key not already under `vault`'s active key."""
    result = RotationResult()
    last_id = 0
    while True:
        with sessions() as session, session.begin():
            query = (select(Case.id, Case.code, Case.wrapped_key).where(Case.id > last_id)
                     .order_by(Case.id).limit(batch_size))
            if session.bind.dialect.name == "postgresql":
                query = query.with_for_update(of=Case)
            rows = session.execute(query).all()
            if not rows:
                break
            changes = []
            for case_id, code, wrapped in rows:
                if vault.needs_rewrap(wrapped):
                    changes.append({"id": case_id,
                                    "wrapped_key": vault.rewrap_data_key(wrapped, _key_aad(code))})
            if changes:
                session.execute(update(Case), changes)
            last_id = rows[-1][0]
            result.checked += len(rows)
            result.rewrapped += len(changes)
            result.batches += 1
        if after_batch is not None:
            after_batch(result)
    log.info("rotation: %s case keys checked, %s re-wrapped under %s", result.checked,
             result.rewrapped, vault.active_id)
    return result


def count_outdated(sessions: sessionmaker, vault: Vault) -> int:
    """How many case keys are not yet under the active key."""
    outdated = 0
    with sessions() as session:
        for (wrapped,) in session.execute(select(Case.wrapped_key)):
            outdated += vault.needs_rewrap(wrapped)
    return outdated
