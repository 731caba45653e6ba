"""Thai pages for an unknown address (404), a wrong method (405) and a failure (500),
for every URL the service answers, instead of Werkzeug's English.

A blueprint with its own handler keeps it (the console answers its refusals in its own
page); the webhook and the fake LINE API answer their callers with their own bodies and
never reach these.
"""

from __future__ import annotations

import logging

from flask import Flask, current_app, render_template
from werkzeug.exceptions import HTTPException, InternalServerError

from bot.public.guard import CSP
from handlers.texts import text

log = logging.getLogger("tambon.public")

PAGES = (404, 405, 500)


def _respond(status: int):
    org = current_app.extensions["tambon"].org
    try:
        body = render_template("public/error.html", org=org, t=text, status=status,
                               title=text(f"public_error_page_{status}_title"),
                               message=text(f"public_error_page_{status}_body",
                                            phone=org.phone))
        headers = {"Content-Type": "text/html; charset=utf-8"}
    except Exception as error:  # noqa: BLE001 - the page itself failed: plain Thai text
        log.error("error page not rendered: %s", type(error).__name__)
        body = text(f"public_error_page_{status}_title")
        headers = {"Content-Type": "text/plain; charset=utf-8"}
    headers.update({"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff",
                    "X-Frame-Options": "DENY", "Referrer-Policy": "no-referrer",
                    "Cache-Control": "no-store"})
    return body, status, headers


def _http_error(error: HTTPException):
    return _respond(error.code if error.code in PAGES else 500)


def _failure(_error: InternalServerError):
    # Flask has logged the exception; the person sees a Thai page, never a trace.
    return _respond(500)


def register(app: Flask) -> None:
    for status in (404, 405):
        app.register_error_handler(status, _http_error)
    app.register_error_handler(InternalServerError, _failure)
