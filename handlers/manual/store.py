"""The manual in the database: load the YAML entries in, read them back, keep unanswered questions.

The files are the seed and the export format; the database copy is what a console edits.
Entries go in and come out as the same dict the YAML validates to, so the search builds
from either.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from handlers.manual.schema import load_manual, validate_entry
from handlers.stamped_cache import StampedCache, cache_key
from handlers.thai import clean
from handlers.thai.scrub import scrub
from storage.models import ManualEntry, UnansweredQuestion

TEXT_KEY_MAX = 300
QUESTION_MAX = 2000


def save_entries(session: Session, org_id: str, entries: Sequence[dict], now: datetime
                 ) -> tuple[int, int, int]:
    """Insert new entries and update changed ones. Returns (added, updated, unchanged).

    Entries of the organization that are not in `entries` are left alone (a console may
    have added them).
    """
    existing = {
        row.id: row
        for row in session.scalars(select(ManualEntry).where(ManualEntry.org_id == org_id))
    }
    added = updated = unchanged = 0
    for entry in entries:
        row = existing.get(entry["id"])
        if row is None:
            other = session.get(ManualEntry, entry["id"])
            if other is not None:
                raise ValueError(f"entry id {entry['id']!r} already belongs to organization "
                                 f"{other.org_id!r}")
            session.add(ManualEntry(id=entry["id"], org_id=org_id, title=entry["title"],
                                    office_id=entry["office"], content=dict(entry),
                                    updated_at=now))
            added += 1
        elif (row.content, row.title, row.office_id) != (entry, entry["title"], entry["office"]):
            row.content = dict(entry)
            row.title = entry["title"]
            row.office_id = entry["office"]
            row.updated_at = now
            updated += 1
        else:
            unchanged += 1
    session.flush()
    return added, updated, unchanged


def load_folder(session: Session, org_id: str, org_dir: Path, now: datetime
                ) -> tuple[int, int, int]:
    """Validate every file of `org_dir`/manual and save them (nothing is saved if one is bad)."""
    return save_entries(session, org_id, load_manual(org_dir), now)


def read_entries(session: Session, org_id: str) -> list[dict]:
    """The organization's entries from the database, validated again, sorted by id."""
    rows = session.scalars(
        select(ManualEntry).where(ManualEntry.org_id == org_id).order_by(ManualEntry.id)
    )
    return [validate_entry(row.content, f"database manual_entries[{row.id}]") for row in rows]


def question_key(text: str) -> str:
    """What makes two questions the same for counting: cleaned, without spaces."""
    return clean(text).replace(" ", "")[:TEXT_KEY_MAX]


def record_unanswered(session: Session, org_id: str, text: str, best_guess_id: str | None,
                      now: datetime) -> UnansweredQuestion:
    """Keep a question the manual did not answer (never who asked); repeats add to its count.

    Kept scrubbed: a name, phone number or LINE id typed into the question is replaced
    before it is stored (and two people asking the same thing under their own names count
    as one question)."""
    text = scrub(text)
    key = question_key(text)
    row = session.scalars(
        select(UnansweredQuestion).where(
            UnansweredQuestion.org_id == org_id, UnansweredQuestion.text_key == key
        )
    ).first()
    if row is None:
        row = UnansweredQuestion(org_id=org_id, text=text[:QUESTION_MAX], text_key=key, count=1,
                                 best_guess_id=best_guess_id, first_asked_at=now,
                                 last_asked_at=now)
        try:
            with session.begin_nested():  # another worker may insert the same question
                session.add(row)
            return row
        except IntegrityError:
            row = session.scalars(
                select(UnansweredQuestion).where(
                    UnansweredQuestion.org_id == org_id, UnansweredQuestion.text_key == key
                )
            ).one()
    row.count += 1
    row.last_asked_at = now
    row.best_guess_id = best_guess_id
    session.flush()
    return row


def unanswered(session: Session, org_id: str, limit: int = 100) -> list[UnansweredQuestion]:
    """The questions asked most often that the manual did not answer."""
    return list(session.scalars(
        select(UnansweredQuestion).where(UnansweredQuestion.org_id == org_id)
        .order_by(UnansweredQuestion.count.desc(), UnansweredQuestion.last_asked_at.desc())
        .limit(limit)
    ))


def index_for(session: Session, org):
    """The search index for `org`: from its database entries when it has any, else its files.

    Rebuilt only when the entries in the database changed (count or latest update), that
    change read at most every 2 s (see `handlers.stamped_cache`): an edit in the console
    reaches the answers within that time.
    """
    from handlers.manual.org_index import build_index, index_for_org

    def read_stamp():
        count, latest = session.execute(
            select(func.count(ManualEntry.id), func.max(ManualEntry.updated_at))
            .where(ManualEntry.org_id == org.id)
        ).one()
        return count, latest

    def build(stamp):
        count, _ = stamp
        if not count:
            return index_for_org(org.folder)
        return build_index(read_entries(session, org.id), org.folder)

    return _INDEXES.get(cache_key(session, org.id), read_stamp, build)


def forget_cached_index(org_id: str | None = None) -> None:
    """After an edit in this process: check the database on the next question."""
    _INDEXES.forget(org_id)


_INDEXES: StampedCache = StampedCache()


def load_manual_if_empty(session: Session, org, now: datetime | None = None) -> int:
    """On first start: load the organization's manual files when it has no entries yet.

    Returns how many entries were loaded (0 when the database already had some).
    """
    has_any = session.scalar(
        select(func.count(ManualEntry.id)).where(ManualEntry.org_id == org.id)
    )
    if has_any:
        return 0
    from storage.models import utcnow

    added, _, _ = load_folder(session, org.id, org.folder, now or utcnow())
    return added
