"""The web chat for the office's own website: /chat, /chat.js, and its JSON API.

For people with neither LINE nor Facebook. The page (or the snippet
`<script src="https://.../chat.js" defer></script>` on any page of the office's site, which
opens /chat in a panel) sends what the person types or taps to /chat/send and a photo to
/chat/photo; each request runs the same handlers as LINE and Messenger, at once, and
answers with their messages rendered for the web (bot/channels/web.py).

The person is a per-browser anonymous session: a random cookie, nothing else. No IP
address is looked at, logged or kept (the limit counts the session, not the address).
Nothing is pushed to a browser later, so the web is not among the channels the desk
writes to again: its complaints are followed with their code and secret.
"""

from __future__ import annotations

import logging
import re
import secrets
import uuid
from pathlib import Path

from flask import (
    Blueprint,
    current_app,
    jsonify,
    make_response,
    render_template,
    request,
    send_from_directory,
)

from bot import limits
from bot.channels import web
from handlers import chat
from handlers.cases.evidence import MAX_BYTES as MAX_PHOTO_BYTES
from handlers.chat.context import Context
from handlers.chat.fallback import apology
from handlers.texts import text
from storage import outbox
from storage.channels import WEB, user_purpose, web_address
from storage.limits import Rule

log = logging.getLogger("tambon.webchat")

webchat = Blueprint("webchat", __name__, template_folder="templates",
                    static_folder="static/webchat", static_url_path="/chat/static")

COOKIE = "tambon_chat"
COOKIE_DAYS = 30
SESSION_RE = re.compile(r"^[A-Za-z0-9_-]{32}$")
# A header a page of another site cannot send without our (absent) CORS consent.
HEADER = "X-Tambon-Chat"
MAX_TEXT = 2000
SENDS = Rule("web-chat", limit=40, window=60)
STATIC = Path(__file__).parent / "static" / "webchat"


def register(app, services) -> None:
    app.register_blueprint(webchat)


def _services():
    return current_app.extensions["tambon"]


@webchat.get("/chat")
def page():
    response = make_response(render_template("webchat/chat.html", t=text,
                                             org=_services().org))
    # The page may be shown in the office's own site (the snippet's panel), nowhere else
    # is decided by the site's operator: no frame ban here.
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@webchat.get("/chat.js")
def script():
    answer = send_from_directory(STATIC, "embed.js", mimetype="text/javascript")
    answer.headers["Cache-Control"] = "public, max-age=3600"
    return answer


def _session() -> tuple[str, bool]:
    """This browser's session, and whether it is new (then the cookie is set)."""
    found = request.cookies.get(COOKIE, "")
    if SESSION_RE.match(found):
        return found, False
    return secrets.token_urlsafe(24), True


def _answer(messages: list[dict], session: str, new: bool, status: int = 200):
    response = make_response(jsonify({"messages": web.render(messages)}), status)
    if new:
        response.set_cookie(COOKIE, session, max_age=COOKIE_DAYS * 86400, httponly=True,
                            samesite="Lax", secure=request.is_secure, path="/chat")
    response.headers["Cache-Control"] = "no-store"
    return response


def _refused(reason: str, status: int):
    return jsonify({"error": reason}), status


def _guard(session: str):
    if request.headers.get(HEADER) != "1":
        return _refused("missing header", 400)
    subject = _services().vault.blind_index(web_address(session), user_purpose(
        web_address(session)))[:40]
    if not limits.allow(SENDS, subject):
        return _refused(text("webchat_too_fast"), 429)
    return None


@webchat.post("/chat/send")
def send():
    session, new = _session()
    if (refused := _guard(session)) is not None:
        return refused
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return _refused("not JSON", 400)
    address = web_address(session)
    kind = body.get("type")
    if kind == "text" and isinstance(body.get("text"), str) and body["text"].strip():
        event = _event(address, "message", message={
            "type": "text", "id": uuid.uuid4().hex, "text": body["text"][:MAX_TEXT]})
    elif kind == "postback" and isinstance(body.get("data"), str):
        event = _event(address, "postback", postback={"data": body["data"][:300]})
    elif kind == "start":
        event = _event(address, "follow")
    else:
        return _refused("unknown message", 400)
    messages, status = _handle(address, event)
    return _answer(messages, session, new, status)


@webchat.post("/chat/photo")
def photo():
    session, new = _session()
    if (refused := _guard(session)) is not None:
        return refused
    upload = request.files.get("photo")
    if upload is None:
        return _refused("no photo", 400)
    content = upload.read(MAX_PHOTO_BYTES + 1)  # over the cap: the handler says so in Thai
    address = web_address(session)
    event = _event(address, "message", message={
        "type": "image", "id": uuid.uuid4().hex, "contentProvider": {"type": WEB}})
    messages, status = _handle(address, event, lambda _message_id, _limit: content)
    return _answer(messages, session, new, status)


def _event(address: str, kind: str, **fields) -> dict:
    return {"type": kind, "mode": "active", "channel": WEB,
            "source": {"type": "user", "userId": address},
            "webhookEventId": "web:" + uuid.uuid4().hex, **fields}


def _handle(address: str, event: dict, fetch=None) -> tuple[list[dict], int]:
    """Run the handlers on one event now; what they change and queue commits together."""
    services = _services()
    now = services.clock()
    try:
        with services.sessions() as session, session.begin():
            ctx = Context(session=session, now=now, vault=services.vault, org=services.org,
                          user_id=address, event_id=event["webhookEventId"], channel=WEB,
                          fetch_content=fetch)
            messages = chat.dispatch(event, ctx)
            for to, pushed in ctx.pushes:  # to other people (LINE or Messenger)
                outbox.enqueue(session, services.vault, to=to, messages=pushed, now=now,
                               source_event_id=event["webhookEventId"],
                               case_code=ctx.extras.get("case_code"))
    except Exception as error:  # the handler's bug: an apology, never a trace
        log.error("web chat %s failed: %s", event["type"], type(error).__name__)
        return apology(services.org.phone), 500
    if ctx.pushes and services.worker_wakeup is not None:
        services.worker_wakeup.set()
    log.info("web chat %s handled", event["type"])
    return messages, 200
