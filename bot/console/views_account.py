""""บัญชีของฉัน": any signed-in officer changes their password and sets up (or replaces) their
own TOTP second factor. A custodian or admin without one is sent to set it up right after
the password, before any other page (web.signed_in). The rules are in own_account.py."""

from __future__ import annotations

from flask import g, redirect, render_template, request, url_for

from bot.console import accounts, credentials, own_account, qr, sign_in
from bot.console.views_cases import office_name
from bot.console.web import DEVICE_COOKIE, console, db, home_for, now, services, signed_in
from handlers.texts import text
from storage.models.console import STAGE_ENROL, STAGE_OK

SAVED = {"password": "console_password_changed", "totp": "console_totp_enrolled"}


@console.get("/account")
@signed_in()
def account():
    saved = SAVED.get(request.args.get("saved", ""))
    return _account_page(saved=saved)


@console.post("/account/password")
@signed_in()
def account_password():
    try:
        token = own_account.change_password(
            db(), g.officer, current=request.form.get("current_password", ""),
            new=request.form.get("new_password", ""),
            again=request.form.get("new_password_again", ""), now=now())
    except accounts.AccountError as problem:
        if sign_in.is_locked(g.officer, now()):
            return _signed_out()
        return _account_page(password_error=problem.key, status=400)
    g.new_cookie = token
    return redirect(url_for("console.account", saved="password"), 303)


@console.route("/account/totp", methods=["GET", "POST"])
def account_totp():
    if g.officer is None:
        return redirect(url_for("console.login"))
    if g.console_session.stage not in (STAGE_OK, STAGE_ENROL):
        return redirect(url_for("console.totp"))
    enrolling = g.console_session.stage == STAGE_ENROL
    if request.method == "GET":
        return _totp_page(*_begin(), enrolling=enrolling)
    pending = request.form.get("pending", "")
    seed = own_account.pending_seed(services().vault, g.console_session, g.officer, pending,
                                    now())
    if seed is None:  # too old, or not made for this browser: start again
        return _totp_page(*_begin(), enrolling=enrolling,
                          error="console_totp_enrol_expired", status=400)
    try:
        if not enrolling:  # they signed in a while ago: the password again
            own_account.check_current_password(
                db(), g.officer, request.form.get("current_password", ""), now())
        token = own_account.finish_totp(db(), services().vault, g.officer, seed,
                                        request.form.get("code", ""), now())
    except accounts.AccountError as problem:
        if sign_in.is_locked(g.officer, now()):
            return _signed_out()
        return _totp_page(seed, pending, enrolling=enrolling, error=problem.key, status=400)
    g.new_cookie = token
    # Password and a working second factor just shown: this browser is a known device.
    g.new_device = sign_in.remember_device(db(), g.officer, request.cookies.get(DEVICE_COOKIE),
                                           now())
    if enrolling:
        return redirect(home_for(g.officer), 303)
    return redirect(url_for("console.account", saved="totp"), 303)


def _begin() -> tuple[bytes, str]:
    return own_account.begin_totp(services().vault, g.console_session, g.officer, now())


def _signed_out():
    """Wrong passwords locked the account and ended its sessions."""
    g.clear_cookie = True
    return redirect(url_for("console.login"), 303)


def _account_page(*, saved: str | None = None, password_error: str | None = None,
                  status: int = 200):
    officer = g.officer
    return render_template(
        "console/account.html", officer=officer, roles=accounts.officer_roles(officer),
        office=office_name(officer.office_id), has_totp=officer.sealed_totp is not None,
        totp_required=True, saved=saved,
        password_error=password_error, min_chars=credentials.MIN_PASSWORD_CHARS), status


def _totp_page(seed: bytes, pending: str, *, enrolling: bool, error: str | None = None,
               status: int = 200):
    secret = credentials.totp_secret_text(seed)
    uri = credentials.totp_uri(seed, g.officer.username, services().org.short_name)
    return render_template(
        "console/totp_enrol.html", enrolling=enrolling, pending=pending, uri=uri,
        secret=" ".join(secret[i:i + 4] for i in range(0, len(secret), 4)),
        qr_svg=qr.svg(uri, text("console_totp_qr_title")),
        replacing=g.officer.sealed_totp is not None, error=error), status
