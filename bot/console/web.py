"""The console blueprint: one database session a request, the signed-in officer, CSRF,
security headers, and the sign-in pages. Case and admin pages are in views_*.py."""

from __future__ import annotations

import functools
import logging
from datetime import datetime

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    url_for,
)

from bot import csrf, limits
from bot.console import access, accounts, sign_in
from handlers.texts import text
from handlers.thai_dates import thai_date, thai_datetime
from storage.models.console import STAGE_ENROL, STAGE_OK, STAGE_TOTP

log = logging.getLogger("tambon.console")

console = Blueprint("console", __name__, template_folder="templates",
                    static_folder="static", static_url_path="/static")

SESSION_COOKIE = "tambon_console"
# A browser the officer signed in from with both factors (sign_in.py "known device").
DEVICE_COOKIE = "tambon_console_device"
DEVICE_COOKIE_DAYS = 400
LOGIN_CSRF_COOKIE = "tambon_console_login"
LOGIN_CSRF_SCOPE = "console-login"
BUSY_RETRY_AFTER = 5  # seconds, when every hash slot or the password budget is taken
COOKIE_PATH = "/console"
CSP = ("default-src 'none'; style-src 'self'; img-src 'self'; media-src 'self'; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")


def services():
    return current_app.extensions["tambon"]


def now() -> datetime:
    return services().clock()


def db():
    return g.console_db


# --- request lifecycle -----------------------------------------------------------------

@console.before_request
def _open():
    if request.endpoint == "console.static":
        return None
    g.console_db = services().sessions()
    g.console_db.begin()
    g.officer = None
    g.console_session = None
    g.new_cookie = None
    g.clear_cookie = False
    loaded = accounts.load_session(db(), request.cookies.get(SESSION_COOKIE), now())
    if loaded is not None:
        g.console_session, g.officer = loaded
    if request.method == "POST" and request.endpoint not in ("console.login",):
        _check_csrf()
    return None


def _csrf_key() -> bytes:
    return current_app.config["SECRET_KEY"].encode()


def _page_scope() -> str | None:
    """A signed-in page's tokens are good with this session only."""
    if g.get("console_session") is None:
        return None
    return f"console-session:{g.console_session.token_hash}"


def _check_csrf() -> None:
    scope = _page_scope()
    if scope is None or not csrf.check(_csrf_key(), scope, request.form.get(csrf.FIELD)):
        abort(400, text("console_csrf_failed"))


def page_csrf_token() -> str:
    """The token for this page's forms (one a request)."""
    scope = _page_scope()
    if scope is None:
        return ""
    if g.get("console_csrf") is None:
        g.console_csrf = csrf.new_token(_csrf_key(), scope)
    return g.console_csrf


@console.after_request
def _finish(response: Response) -> Response:
    if request.endpoint == "console.static":
        return response
    session = g.pop("console_db", None)
    if session is not None:
        try:
            session.commit()
        finally:
            session.close()
    secure = not services().settings.development
    if g.get("new_cookie"):
        response.set_cookie(SESSION_COOKIE, g.new_cookie, path=COOKIE_PATH, httponly=True,
                            secure=secure, samesite="Lax")
    elif g.get("clear_cookie"):
        response.delete_cookie(SESSION_COOKIE, path=COOKIE_PATH, httponly=True, secure=secure,
                               samesite="Lax")
    if g.get("new_device"):
        response.set_cookie(DEVICE_COOKIE, g.new_device, path=COOKIE_PATH, httponly=True,
                            secure=secure, samesite="Strict",
                            max_age=DEVICE_COOKIE_DAYS * 24 * 3600)
    # Every console page may show case content: never kept by a browser or a proxy.
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@console.teardown_request
def _close(_exc):
    session = g.pop("console_db", None)
    if session is not None:
        session.rollback()
        session.close()


@console.app_template_global("t")
def _t(key: str, **values) -> str:
    return text(key, **values)


@console.app_template_filter("thai_date")
def _thai_date(value) -> str:
    return thai_date(value) if value else "-"


@console.app_template_filter("thai_datetime")
def _thai_datetime(value) -> str:
    return thai_datetime(value) if value else "-"


@console.context_processor
def _globals():
    officer = g.get("officer")
    signed_in = officer is not None and g.console_session.stage == STAGE_OK
    return {
        "me": officer if signed_in else None,
        "my_roles": access.roles(officer) if signed_in else set(),
        "csrf_token": page_csrf_token(),
        "org": services().org,
    }


@console.errorhandler(404)
def _not_found(_error):
    return render_template("console/error.html", message=text("console_not_found")), 404


@console.errorhandler(400)
def _bad_request(error):
    return render_template("console/error.html",
                           message=getattr(error, "description", "") or
                           text("console_bad_request")), 400


# --- guards ----------------------------------------------------------------------------

def signed_in(*needed_roles: str):
    """The view needs a full session; with roles, at least one of them (else 404). A
    session still owing the set-up of a second factor reaches nothing but that page."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            officer = g.get("officer")
            if officer is not None and g.console_session.stage == STAGE_ENROL:
                return redirect(url_for("console.account_totp"))
            if officer is None or g.console_session.stage != STAGE_OK:
                return redirect(url_for("console.login"))
            if needed_roles and not (access.roles(officer) & set(needed_roles)):
                abort(404)
            return view(*args, **kwargs)

        return wrapper

    return decorator


def home_for(officer) -> str:
    roles = access.roles(officer)
    if roles & {"officer", "supervisor"}:
        return url_for("console.queue")
    if "custodian" in roles:
        return url_for("console.identity_requests")
    if "admin" in roles:
        return url_for("console.officers")
    return url_for("console.account")  # a role still waiting for its confirmation


def attempt() -> sign_in.Attempt:
    """Where this sign-in comes from, for the limits of sign_in.py."""
    return sign_in.Attempt(
        source=limits.client_tag(), device=request.cookies.get(DEVICE_COOKIE),
        within_budget=lambda: limits.allow(limits.PASSWORD_CHECKS, limits.EVERYONE),
        hash_slot=limits.hash_slot)


# --- signing in ------------------------------------------------------------------------

@console.get("/")
@signed_in()
def index():
    return redirect(home_for(g.officer))


def _login_page(error: str | None = None, status: int = 200):
    token = request.cookies.get(LOGIN_CSRF_COOKIE)
    if not csrf.valid(_csrf_key(), LOGIN_CSRF_SCOPE, token):
        token = csrf.new_token(_csrf_key(), LOGIN_CSRF_SCOPE)
    response = Response(render_template("console/login.html", login_csrf=token,
                                        error=text(error) if error else None), status)
    response.set_cookie(LOGIN_CSRF_COOKIE, token, path=COOKIE_PATH, httponly=True,
                        secure=not services().settings.development, samesite="Strict")
    return response


def _busy(response: Response) -> Response:
    response.headers["Retry-After"] = str(BUSY_RETRY_AFTER)
    return response


@console.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "GET":
        if g.officer is not None and g.console_session.stage == STAGE_OK:
            return redirect(home_for(g.officer))
        return _login_page()
    # Before sign-in there is no session: the form's token must match its cookie.
    if not csrf.check(_csrf_key(), LOGIN_CSRF_SCOPE, request.form.get(csrf.FIELD),
                      request.cookies.get(LOGIN_CSRF_COOKIE), double_submit=True):
        abort(400, text("console_csrf_failed"))
    if g.console_session is not None:
        g.console_session.ended_at = now()
    tried = attempt()
    if tried.device is None and not limits.allow(limits.SIGN_IN_POSTS, tried.source):
        # One counter, then (refused) process memory: a flood from one address costs
        # next to nothing and never reaches the accounts, the budget or a hash slot.
        log.info("sign-in refused: too many sign-in forms from one client")
        return _busy(_login_page(sign_in.SIGN_IN_BUSY, 429))
    remembered = f"sign-in-{sign_in.source_key(tried)}"
    if tried.device is None and limits.refused_here(remembered):
        return _login_page(sign_in.SIGN_IN_FAILED, 401)  # a blocked source: no database
    result = sign_in.sign_in_password(db(), services().vault, request.form.get("username", ""),
                                       request.form.get("password", ""), now(), tried)
    if not result.ok:
        blocked = sign_in.source_blocked_until(db(), tried, now())
        if blocked is not None:
            limits.remember_refusal(remembered, blocked)
        if result.error == sign_in.SIGN_IN_BUSY:
            return _busy(_login_page(result.error, 429))
        return _login_page(result.error, 401)
    g.new_cookie = result.token
    if result.needs_enrolment:
        return redirect(url_for("console.account_totp"))
    return redirect(url_for("console.totp"))


@console.route("/totp", methods=["GET", "POST"])
def totp():
    if g.officer is None:
        return redirect(url_for("console.login"))
    if g.console_session.stage == STAGE_OK:
        return redirect(home_for(g.officer))
    if g.console_session.stage == STAGE_ENROL:
        return redirect(url_for("console.account_totp"))
    assert g.console_session.stage == STAGE_TOTP
    if request.method == "GET":
        return render_template("console/totp.html", error=None)
    result = sign_in.sign_in_totp(db(), services().vault, g.console_session, g.officer,
                                  request.form.get("code", ""), now(), attempt())
    if not result.ok:
        if result.error == "console_locked":
            g.clear_cookie = True
            return _login_page(result.error, 401)
        return render_template("console/totp.html", error=text(result.error)), 401
    g.new_cookie = result.token
    g.new_device = result.device_token
    return redirect(url_for("console.index"))


@console.post("/logout")
def logout():
    if g.console_session is not None:
        accounts.end_session(db(), g.console_session, g.officer, now())
    g.clear_cookie = True
    return redirect(url_for("console.login"))
