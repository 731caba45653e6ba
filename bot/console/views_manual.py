"""Admins edit the service manual's entries (issue 6): a list, and one entry as YAML.

The database copy is what the bot answers from: `index_for` rebuilds the search index when
the entries' count or latest `updated_at` changes, so a save shows in the next answer.
"""

from __future__ import annotations

import yaml
from flask import abort, g, redirect, render_template, request, url_for
from pythainlp.util import collate
from sqlalchemy import select

from bot.console import access
from bot.console.views_cases import actor, office_name
from bot.console.web import console, db, now, services, signed_in
from handlers.manual.schema import ID_PATTERN, ManualError, office_ids, validate_entry
from handlers.manual.store import load_manual_if_empty
from handlers.texts import text
from storage import audit
from storage.models import ManualEntry

MAX_YAML = 30000  # characters in the textarea; an entry is a few thousand
NEW = "new"  # /admin/manual/new: the form for an entry not yet in the manual


def admin_only() -> None:
    """404 for anyone but an admin, with an audit record (like a case they may not see)."""
    if "admin" not in access.roles(g.officer):
        audit.append(db(), actor=actor(), action="denied_access", now=now(),
                     detail=f"{request.endpoint}: not_admin")
        abort(404)


def _org_rows() -> list[ManualEntry]:
    # An empty database means the bot still answers from the files: load them first, so an
    # edit never leaves the manual with only the entry just saved (as on first start).
    load_manual_if_empty(db(), services().org, now())
    return list(db().execute(select(ManualEntry).where(
        ManualEntry.org_id == services().org.id).order_by(ManualEntry.id)).scalars())


def _entry_row(entry_id: str) -> ManualEntry | None:
    row = db().get(ManualEntry, entry_id)
    return row if row is not None and row.org_id == services().org.id else None


def as_yaml(content: dict) -> str:
    """The entry in the format of data/orgs/<org>/manual/<id>.yaml."""
    return yaml.safe_dump(content, allow_unicode=True, sort_keys=False)


def _skeleton() -> str:
    return as_yaml({
        "id": "", "title": "", "short_title": "", "office": "palad", "legal_basis": [""],
        "channel": {"place": "", "days_hours": "", "phone": "", "online": ""},
        "criteria": [], "steps": [{"text": "", "duration": "", "office": "palad"}],
        "total_duration": "", "documents": [], "fee": "ไม่มีค่าธรรมเนียม", "fee_details": [],
        "complaint": "", "examples": ["", "", ""], "keywords": [], "notes": "",
    })


@console.get("/admin/manual")
@signed_in()
def manual_list():
    admin_only()
    rows = _in_thai_order(_org_rows())
    audit.append(db(), actor=actor(), action="view_manual", now=now(),
                 detail=f"shown={len(rows)}")
    return render_template("console/manual_list.html", rows=rows, office_name=office_name)


def _in_thai_order(rows: list[ManualEntry]) -> list[ManualEntry]:
    """By the title the list shows (the short one), in Thai dictionary order."""
    def shown(row: ManualEntry) -> str:
        return (row.content or {}).get("short_title") or row.title

    rank = {title: n for n, title in enumerate(collate({shown(r) for r in rows}))}
    return sorted(rows, key=lambda r: (rank[shown(r)], r.id))


@console.route("/admin/manual/<entry_id>", methods=["GET", "POST"])
@signed_in()
def manual_edit(entry_id: str):
    admin_only()
    is_new = entry_id == NEW
    row = None if is_new else _entry_row(entry_id)
    if not is_new and row is None:
        abort(404)
    if request.method == "GET":
        source = _skeleton() if is_new else as_yaml(row.content)
        return _page(entry_id, is_new, source, saved=request.args.get("saved") == "1")

    source = (request.form.get("content") or "").replace("\r\n", "\n")
    if len(source) > MAX_YAML:
        return _page(entry_id, is_new, source[:MAX_YAML],
                     error=text("console_manual_too_long", limit=MAX_YAML), status=400)
    try:
        raw = yaml.safe_load(source)
    except yaml.YAMLError as err:
        return _page(entry_id, is_new, source, status=400,
                     error=text("console_manual_bad_yaml", problem=str(err)))
    offices = office_ids(services().org.folder)
    try:
        entry = validate_entry(raw, text("console_manual_source"), offices,
                               expected_id=None if is_new else entry_id)
    except ManualError as err:
        return _page(entry_id, is_new, source, status=400, problems=err.problems,
                     error=text("console_manual_invalid"))
    new_id = entry["id"]
    if is_new:
        problem = _new_id_problem(new_id)
        if problem:
            return _page(entry_id, is_new, source, status=400, error=problem)
        _org_rows()  # seed from the files first when the database has none
        row = ManualEntry(id=new_id, org_id=services().org.id)
        db().add(row)
    row.content = dict(entry)
    row.title = entry["title"]
    row.office_id = entry["office"]
    row.updated_at = now()
    db().flush()
    # Only the id: the entry's text is in the manual itself, not the audit log.
    audit.append(db(), actor=actor(), action="manual_edit", now=now(), detail=new_id)
    # This process answers with the edit at once; others within a couple of seconds.
    from handlers.manual.store import forget_cached_index

    forget_cached_index(services().org.id)
    return redirect(url_for("console.manual_edit", entry_id=new_id, saved="1"), 303)


def _new_id_problem(new_id: str) -> str | None:
    if new_id == NEW or not ID_PATTERN.match(new_id) or len(new_id) > 80:
        return text("console_manual_bad_id", id=new_id)
    if db().get(ManualEntry, new_id) is not None:
        return text("console_manual_id_taken", id=new_id)
    return None


def _page(entry_id: str, is_new: bool, source: str, *, saved: bool = False,
          error: str | None = None, problems: list[str] | None = None, status: int = 200):
    row = None if is_new else _entry_row(entry_id)
    return render_template("console/manual_edit.html", entry_id=entry_id, is_new=is_new,
                           row=row, source=source, saved=saved, error=error,
                           problems=problems or [], office_name=office_name), status
