"""The public pages: /tip, /tip/receipt, /track, /track/add, /rate, /stats, /stats.csv."""

from __future__ import annotations

import csv
import io
import json
import logging
import time

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    g,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)

from bot import csrf, limits
from bot.charts import bar_chart, short_label
from bot.public import cases as case_port
from bot.public import forms
from bot.public.guard import CSP, CSRF_COOKIE, CSRF_SCOPE
from handlers import stats as stats_module
from handlers.cases import evidence as evidence_rules
from handlers.cases import ratings
from handlers.texts import text
from handlers.thai_dates import fiscal_year, thai_date, thai_datetime
from storage import receipts
from storage.vault.encoding import b64url, unb64url

log = logging.getLogger("tambon.public")

public = Blueprint("public", __name__, template_folder="templates",
                   static_folder="static/public", static_url_path="/public-static")

RECEIPT_COOKIE = "tambon_receipt"
RECEIPT_PATH = "/tip/receipt"
RECEIPT_LIFE = 600  # seconds the receipt can be shown, once
NO_STORE = "no-store"
BUSY_RETRY_AFTER = 5  # seconds
TIP_SLOT_WAIT = 15.0  # seconds a sent tip may wait for a hash slot


def services():
    return current_app.extensions["tambon"]


def _csrf_key() -> bytes:
    return current_app.config["SECRET_KEY"].encode()


# --- every request ---------------------------------------------------------------------

@public.before_request
def _before():
    g.public_new_csrf = None
    if request.endpoint == "public.static":
        return None
    if request.endpoint == "public.tip_post" and not limits.allow(limits.TIP_POSTS):
        # Before the body is read: a flood of large forms costs a counter, not a parse.
        log.info("public form refused: too many tip forms from one client")
        return _tip_form(forms.Checked({}, errors={"form": text("public_error_rate_limited")}),
                         429, had_files=False)
    if request.method == "POST":
        if not csrf.check(_csrf_key(), CSRF_SCOPE, request.form.get(csrf.FIELD),
                          request.cookies.get(CSRF_COOKIE), double_submit=True):
            log.info("public form refused: CSRF token missing or wrong")
            return _csrf_failed()
    return None


@public.after_request
def _headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    if g.get("public_new_csrf"):
        response.set_cookie(CSRF_COOKIE, g.public_new_csrf, httponly=True, samesite="Strict",
                            secure=request.is_secure, path="/")
    return response


def csrf_token() -> str:
    """The token for this page's forms; sets the cookie if the browser has none."""
    current = request.cookies.get(CSRF_COOKIE)
    if current and csrf.valid(_csrf_key(), CSRF_SCOPE, current):
        return current
    if not g.get("public_new_csrf"):
        g.public_new_csrf = csrf.new_token(_csrf_key(), CSRF_SCOPE)
    return g.public_new_csrf


def _page(template: str, status: int = 200, no_store: bool = True, **values) -> Response:
    org = services().org
    response = make_response(render_template(
        template, org=org, t=text, csrf_token=csrf_token, **values), status)
    if no_store:
        response.headers["Cache-Control"] = NO_STORE
        response.headers["Pragma"] = "no-cache"
    return response


def _csrf_failed() -> Response:
    endpoint = request.endpoint or ""
    if endpoint in ("public.tip", "public.tip_post"):
        return _tip_form(forms.Checked(_kept(("kind", "description", "location", "when", "who",
                                                "contact")),
                                       errors={"form": text("public_error_csrf")}), 400)
    if endpoint in ("public.track_post", "public.track_add", "public.rate_post"):
        return _page("public/track_form.html", 400, code=request.form.get("code", "")[:40],
                     error=text("public_error_csrf"))
    abort(400)


@public.errorhandler(413)
def _too_large(_error):
    """The whole form is over the app's body limit: say so in Thai on the same page (what
    was typed cannot be kept: the body was not read)."""
    limit_mb = (current_app.config.get("MAX_CONTENT_LENGTH") or 0) // (1024 * 1024)
    message = text("public_error_body_too_large", mb=limit_mb)
    if (request.endpoint or "") == "public.track_add":
        return _page("public/track_form.html", 413, code="", error=message)
    return _tip_form(forms.Checked({}, errors={"files": message}), 413)


def _kept(names) -> dict[str, str]:
    return {n: (request.form.get(n) or "")[:forms.DESCRIPTION_LIMIT + 500] for n in names}


def _busy(response: Response) -> Response:
    """Every hash slot was taken: 429, and when to try again."""
    response.status_code = 429
    response.headers["Retry-After"] = str(BUSY_RETRY_AFTER)
    return response


def _refusal_status(response: Response) -> Response:
    """A refusal page, as 429 when the refusal was "busy" (set where it was decided)."""
    return _busy(response) if g.get("public_status") == 429 else response


# --- /tip ------------------------------------------------------------------------------

def _tip_form(checked: forms.Checked | None = None, status: int = 200,
              had_files: bool | None = None, ask_accusation: bool = False) -> Response:
    checked = checked or forms.Checked({})
    if had_files is None:
        had_files = bool(checked.errors or ask_accusation) and _had_files()
    return _page("public/tip.html", status, values=checked.values, errors=checked.errors,
                 kinds=forms.TIP_KINDS, limit=forms.DESCRIPTION_LIMIT,
                 max_files=evidence_rules.MAX_FILES, max_mb=evidence_rules.MAX_MB,
                 had_files=had_files,
                 ask_accusation=ask_accusation or bool(checked.values.get("accusation")))


def _had_files() -> bool:
    try:
        return any(f.filename for f in request.files.getlist("files"))
    except Exception:  # noqa: BLE001 - a body too large to read had files
        return True


@public.get("/tip")
def tip():
    return _tip_form()


@public.post("/tip")
def tip_post():
    checked = forms.check_tip(request.form, request.files.getlist("files"))
    if not checked.ok:
        return _tip_form(checked, 400)
    if not limits.allow(limits.TIP):
        checked.errors["form"] = text("public_error_rate_limited")
        return _tip_form(checked, 429)
    svc = services()
    started = time.perf_counter()
    try:
        # Filing makes the case secret's Argon2id hash here: one of the machine's hash
        # slots (bot/slots.py). A citizen who has sent the whole form may wait a little
        # for one, in one of a few places to wait; with none free, "busy" at once.
        with limits.hash_slot(TIP_SLOT_WAIT) as free:
            if not free:
                log.warning("tip refused: every hash slot busy")
                checked.errors["form"] = text("public_error_busy")
                return _busy(_tip_form(checked, 429))
            with svc.sessions() as session, session.begin():
                filed = case_port.file_tip(session, svc.vault, svc.org, checked, svc.clock())
                nonce = receipts.issue(session, svc.clock())
    except case_port.TipRefused as refused:
        checked.errors[refused.field] = refused.message
        return _tip_form(checked, 400)
    except case_port.AskAccusation:
        # asked rather than guessed (issue 14): nothing is filed until it is answered
        return _tip_form(checked, 200, ask_accusation=True)
    except Exception as error:  # noqa: BLE001 - the citizen gets a Thai page, not a trace
        log.error("tip not filed: %s", type(error).__name__)
        checked.errors["form"] = text("public_error_failed", phone=svc.org.phone)
        return _tip_form(checked, 500)
    log.info("tip filed on the web in %.0f ms", 1000 * (time.perf_counter() - started))
    receipt = {
        "code": filed.code,
        "secret": filed.secret,
        "office": filed.office_name,
        "due": filed.due_at.isoformat() if filed.due_at else None,
        "outside": list(filed.outside_bodies or []),
        "raised": bool(filed.raised_to_corruption),
        "exp": time.time() + RECEIPT_LIFE,
        # Shown once, server side: the page deletes this nonce's row (storage/receipts.py).
        "nonce": nonce,
    }
    # POST, then redirect: the receipt travels in a sealed, short-lived cookie scoped to
    # the receipt page, is shown once and cleared; no URL ever carries the secret.
    sealed = svc.vault.seal(json.dumps(receipt).encode(), "public-receipt")
    response = redirect(url_for("public.receipt"), 303)
    response.set_cookie(RECEIPT_COOKIE, b64url(sealed), max_age=RECEIPT_LIFE, httponly=True,
                        samesite="Strict", secure=request.is_secure, path=RECEIPT_PATH)
    response.headers["Cache-Control"] = NO_STORE
    return response


@public.get(RECEIPT_PATH)
def receipt():
    raw = request.cookies.get(RECEIPT_COOKIE)
    shown = None
    if raw:
        try:
            shown = json.loads(services().vault.open(unb64url(raw), "public-receipt"))
        except Exception:  # noqa: BLE001 - a stale or forged cookie is simply no receipt
            shown = None
        if shown is not None and shown.get("exp", 0) < time.time():
            shown = None
        if shown is not None and not _first_showing(shown.get("nonce")):
            shown = None  # a replayed cookie: the receipt was shown already
    if shown is not None:
        from datetime import datetime

        from storage.vault.secrets import format_case_secret

        shown["secret"] = format_case_secret(shown["secret"])
        shown["due_text"] = thai_date(datetime.fromisoformat(shown["due"])) if shown.get(
            "due") else None
    response = _page("public/receipt.html", receipt=shown)
    response.delete_cookie(RECEIPT_COOKIE, path=RECEIPT_PATH, httponly=True,
                           samesite="Strict", secure=request.is_secure)
    return response


def _first_showing(nonce) -> bool:
    with services().sessions() as session, session.begin():
        return receipts.consume(session, nonce)


# --- /track ----------------------------------------------------------------------------

@public.get("/track")
def track():
    return _page("public/track_form.html", code="", error=None)


def _open_case(session, form):
    """(case, None) or (None, Thai message): the same lockout as over LINE."""
    code = (form.get("code") or "").strip()[:40]
    secret = (form.get("secret") or "")[:100]
    if not code or not secret:
        field = text("public_track_code") if not code else text("public_track_secret")
        return None, text("public_error_required", field=field)
    if not limits.allow(limits.TRACK):
        return None, text("public_error_rate_limited")
    svc = services()
    # Every answer to a secret costs an Argon2id check: one of the machine's hash slots.
    with limits.hash_slot() as free:
        if not free:
            log.warning("tracking refused: every hash slot busy")
            g.public_status = 429
            return None, text("public_error_busy_track")
        return case_port.open_case(session, code, secret, svc.clock())


def _track_page(session, case, secret: str, *, notice: str | None = None,
                errors: dict | None = None, values: dict | None = None,
                status: int = 200) -> Response:
    svc = services()
    view = case_port.public_view(session, svc.vault, svc.org, case)
    return _page("public/track.html", status, case=view, secret=secret, notice=notice,
                 errors=errors or {}, values=values or {}, max_files=evidence_rules.MAX_FILES,
                 max_mb=evidence_rules.MAX_MB)


def _case_or_refusal(session):
    """(the case the posted code and secret open, None) or (None, the form again, 400)."""
    case, error = _open_case(session, request.form)
    if case is not None:
        return case, None
    return None, _refusal_status(_page("public/track_form.html", 400,
                                       code=(request.form.get("code") or "")[:40],
                                       error=error))


@public.post("/track")
def track_post():
    svc = services()
    with svc.sessions() as session, session.begin():
        case, refusal = _case_or_refusal(session)
        if case is None:
            return refusal
        return _track_page(session, case, request.form.get("secret", ""))


@public.post("/track/add")
def track_add():
    svc = services()
    with svc.sessions() as session, session.begin():
        case, refusal = _case_or_refusal(session)
        if case is None:
            return refusal
        secret = request.form.get("secret", "")
        checked = forms.check_addition(request.form, request.files.getlist("files"))
        if checked.ok:
            try:
                case_port.add_info(session, svc.vault, svc.org, case, checked, svc.clock())
            except case_port.TipRefused as refused:
                checked.errors[refused.field] = refused.message
        if not checked.ok:
            return _track_page(session, case, secret, errors=checked.errors,
                               values=checked.values, status=400)
        return _track_page(session, case, secret, notice=text("public_track_added"))


# --- /rate -----------------------------------------------------------------------------

@public.get("/rate")
def rate():
    return _page("public/rate.html", values={}, errors={})


@public.post("/rate")
def rate_post():
    svc = services()
    checked = forms.check_rating(request.form)
    with svc.sessions() as session, session.begin():
        case, error = _open_case(session, request.form)
        if case is None:
            return _refusal_status(_page(
                "public/rate.html", 400, errors={"form": error},
                values={**checked.values, "code": (request.form.get("code") or "")[:40]}))
        secret = request.form.get("secret", "")
        if case.status not in case_port.CLOSED:
            # The tracking page has no rating form for an open case: say why on this one,
            # with what was typed (the comment above all) still in it.
            return _page("public/rate.html", 400, values={**checked.values, "code": case.code},
                         errors={"form": text("public_rate_not_yet")})
        if checked.ok:
            try:
                ratings.rate_case(session, svc.vault, case, int(checked.values["score"]),
                                       checked.values["comment"], svc.clock())
            except ratings.RatingError as refused:
                checked.errors["score"] = text(refused.key, **refused.values)
        if not checked.ok:
            return _track_page(session, case, secret, errors=checked.errors,
                               values=checked.values, status=400)
        return _track_page(session, case, secret, notice=text("public_rate_thanks"))


# --- /stats ----------------------------------------------------------------------------

def _year_arg(now) -> int:
    current = fiscal_year(now)
    year = request.args.get("year", type=int)
    if year is None:
        return current
    if not 2500 <= year <= current + 1:
        abort(404)
    return year


def office_names(session, org) -> dict[str, str]:
    from handlers.routing.edits import offices_for

    return {o.id: o.name for o in offices_for(session, org).values()}


@public.get("/stats")
def stats_page():
    svc = services()
    now = svc.clock()
    year = _year_arg(now)
    with svc.sessions() as session:
        result = stats_module.stats_for(session, svc.org.id, year,
                                        office_names(session, svc.org), now)
        years = stats_module.years_with_cases(session, svc.org.id, now)
    if year not in years:
        years = sorted(set(years) | {year}, reverse=True)
    charts = {t.key: bar_chart(t) for t in result.tables if t.chart}
    response = _page("public/stats.html", no_store=False, stats=result, years=years,
                     charts=charts, short=short_label, start=thai_date(result.start),
                     end=thai_date(result.end - _one_day()),
                     generated=thai_datetime(now))
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


def _one_day():
    from datetime import timedelta

    return timedelta(days=1)


@public.get("/stats.csv")
def stats_csv():
    svc = services()
    now = svc.clock()
    year = _year_arg(now)
    with svc.sessions() as session:
        result = stats_module.stats_for(session, svc.org.id, year,
                                        office_names(session, svc.org), now)
    body = csv_text(result)
    response = Response(body.encode("utf-8-sig"), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="complaint-stats-{year}.csv"'
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


def csv_text(result) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(stats_module.flat_rows(result))
    return out.getvalue()
