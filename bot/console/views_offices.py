"""Admins edit the offices (issue 6): a list, and a form per office.

What a clerk would change: the Thai name, the head's title, the contact, the words routing
reads (subjects, other names, the office's own people) and the target days per kind. Office
ids come from offices.yaml and never change here. Saved edits live in `office_edits`;
routing in every process uses them within a couple of seconds (handlers/routing/edits.py).
"""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for

from bot.console import office_form
from bot.console.views_cases import actor, offices
from bot.console.views_manual import admin_only
from bot.console.web import console, db, now, services, signed_in
from handlers.routing.edits import read_edits, save_edit
from handlers.routing.offices import KINDS, OfficesError, PhraseConflict
from storage import audit


@console.get("/admin/offices")
@signed_in()
def offices_list():
    admin_only()
    return render_template("console/offices_list.html", offices=list(offices().values()),
                           edits=read_edits(db(), services().org.id), kinds=KINDS)


@console.route("/admin/offices/<office_id>", methods=["GET", "POST"])
@signed_in()
def office_edit(office_id: str):
    admin_only()
    office = offices().get(office_id)
    if office is None:
        abort(404)
    if request.method == "GET":
        return _page(office, office_form.typed_from(office),
                     saved=request.args.get("saved") == "1")

    typed = office_form.typed_from_form(request.form)
    values, problems = office_form.parse(typed, office)
    if problems:
        return _page(office, typed, problems=problems, status=400)
    try:
        changed = save_edit(db(), services().org, office_id, values, now())
    except PhraseConflict as clash:
        others = [o for o in clash.offices if o != office_id] or clash.offices
        key = ("console_office_error_executive" if clash.category == "executive"
               else "console_office_error_conflict")
        field = office_form.field_of_conflict(clash.category, clash.phrase, values)
        problem = (key, {"word": clash.phrase, "office": offices()[others[0]].name})
        return _page(office, typed, problems={field: [problem]}, status=400)
    except OfficesError:
        return _page(office, typed, problems={"": [("console_office_error_invalid", {})]},
                     status=400)
    # The office and the names of the fields only: what was typed stays out of the log.
    audit.append(db(), actor=actor(), action="office_edit", now=now(),
                 detail=f"{office_id} changed={','.join(changed) or 'nothing'}")
    return redirect(url_for("console.office_edit", office_id=office_id, saved="1"), 303)


def _page(office, typed: dict[str, str], *, saved: bool = False,
          problems: dict | None = None, status: int = 200):
    edit = read_edits(db(), services().org.id).get(office.id)
    return render_template("console/office_edit.html", office=office, typed=typed,
                           saved=saved, problems=problems or {}, edit=edit, kinds=KINDS,
                           days_field=office_form.days_field,
                           limits=office_form.TEXT_LIMITS), status
