"""Offices as an admin edited them in the console, over the organization's offices.yaml.

The YAML is the seed; what the console changed lives in `office_edits`, one row an office,
holding only the fields that differ from the YAML. `router_for` is what routing uses in
every process (web and worker alike): it checks the edits' version at most every
2 s (see `handlers.stamped_cache`) and rebuilds the router when it changed, so a save reaches every
process within that time (the process that saved it, at once). With no edits it is the
router of the files, `load_router`. Either way it consults the manual index the service
answers questions with (`handlers.manual.store.index_for`), the console's edits included.

Office ids never change here: routing.yaml and the cases refer to them.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from handlers.manual.store import index_for as manual_index_for
from handlers.routing.offices import Office, OfficesError, read_offices_file
from handlers.routing.router import Router, build_router, load_router
from handlers.stamped_cache import StampedCache, cache_key
from storage.models.offices import OfficeEdit

log = logging.getLogger("tambon.routing")

# What the console may change, in the order the form shows it.
EDITABLE = ("name", "head_title", "description", "contact", "target_days", "subjects",
            "names", "people")
_ROUTERS: StampedCache[Router] = StampedCache()


def fields_of(office: Office) -> dict:
    """The editable fields of `office`, in the shape offices.yaml and the edits keep them."""
    return {
        "name": office.name,
        "head_title": office.head_title,
        "description": office.description,
        "contact": dict(office.contact),
        "target_days": dict(office.target_days),
        "subjects": list(office.subjects),
        "names": list(office.names),
        "people": list(office.people),
    }


def _merged(org_dir, changes: dict[str, dict]) -> list[dict]:
    """offices.yaml's entries with each office's changed fields put over them."""
    raw = read_offices_file(org_dir)
    entries = raw.get("offices") if isinstance(raw, dict) else raw
    if not isinstance(entries, list):
        raise OfficesError(f"{org_dir}: offices.yaml has no list 'offices:'")
    return [
        {**entry, **changes.get(entry.get("id"), {})} if isinstance(entry, dict) else entry
        for entry in entries
    ]


def build(org_dir, changes: dict[str, dict]) -> Router:
    """The router with `changes` ({office id: {field: value}}) over the files; every check
    of the files applies (OfficesError, PhraseConflict)."""
    if not changes:
        return load_router(org_dir)
    return build_router(org_dir, _merged(org_dir, changes))


def read_edits(session: Session, org_id: str) -> dict[str, OfficeEdit]:
    rows = session.scalars(select(OfficeEdit).where(OfficeEdit.org_id == org_id))
    return {row.office_id: row for row in rows}


def _stamp(session: Session, org_id: str) -> tuple:
    count, versions, latest = session.execute(
        select(func.count(), func.coalesce(func.sum(OfficeEdit.version), 0),
               func.max(OfficeEdit.updated_at)).where(OfficeEdit.org_id == org_id)
    ).one()
    return int(count), int(versions), latest


def router_for(session: Session, org) -> Router:
    """The router for `org` with the console's edits: what every case is routed with."""

    def rebuild(_stamp) -> Router:
        changes = {office_id: dict(row.changes) for office_id, row in read_edits(
            session, org.id).items() if row.changes}
        try:
            router = build(org.folder, changes)
        except OfficesError:
            # Saved edits passed these checks; a later offices.yaml can clash with them. Route
            # with the files rather than not at all, and say so.
            log.exception("office edits of %s no longer fit offices.yaml; routing with the "
                          "files alone until they are edited again", org.id)
            router = load_router(org.folder)
        return router

    router = _ROUTERS.get(cache_key(session, org.id), lambda: _stamp(session, org.id),
                          rebuild)
    # The manual the service answers with (the console's edits of it included, its own
    # cache checked every 2 s) tells routing what a complaint is about. Asked when a text
    # is routed, in a session of its own: the caller's may be closed by then (`tambon
    # route --from-db`), and must not be left holding a transaction.
    bind = session.get_bind()

    def manual():
        with Session(bind) as own:
            return manual_index_for(own, org)

    return router.with_manual(manual)


def offices_for(session: Session, org) -> dict[str, Office]:
    """The offices of `org` as edited (names, contacts, target days ...), by id."""
    return router_for(session, org).offices


def office_names(session: Session | None, org) -> dict[str, str]:
    """Each office's Thai name by id, as edited; from the files when there is no session."""
    offices = offices_for(session, org) if session is not None else load_router(
        org.folder).offices
    return {office_id: office.name for office_id, office in offices.items()}


def forget_cached_router(org_id: str | None = None) -> None:
    """After a save in this process: check the database on the next routing."""
    _ROUTERS.forget(org_id)


def save_edit(session: Session, org, office_id: str, values: dict, now: datetime
              ) -> list[str]:
    """Save the editable fields of one office as typed (`values`: every field of EDITABLE,
    already checked one by one). Returns the fields that changed, in EDITABLE's order (empty:
    nothing saved). Raises OfficesError (a PhraseConflict when another office or an
    executive already has a word) when the offices would not route with it: nothing is
    saved then. KeyError for an office the files do not have."""
    seed = load_router(org.folder).offices[office_id]
    if session.get_bind().dialect.name == "postgresql":
        # One save at a time: two admins adding the same word to two offices at once would
        # each pass the checks alone.
        session.execute(text("SELECT pg_advisory_xact_lock(7310002)"))
    rows = read_edits(session, org.id)
    row = rows.get(office_id)
    seed_fields = fields_of(seed)
    current = {**seed_fields, **(row.changes if row is not None else {})}
    changed = [name for name in EDITABLE if values[name] != current[name]]
    if not changed:
        return []
    mine = {name: values[name] for name in EDITABLE if values[name] != seed_fields[name]}
    changes = {other: dict(r.changes) for other, r in rows.items() if r.changes}
    changes[office_id] = mine
    changes = {k: v for k, v in changes.items() if v}
    build(org.folder, changes)  # the checks; raises before anything is written
    if row is None:
        row = OfficeEdit(org_id=org.id, office_id=office_id, version=0)
        session.add(row)
    row.changes = mine
    row.version += 1
    row.updated_at = now
    session.flush()
    forget_cached_router(org.id)
    return changed
