"""A LINE chat simulator in the browser (development mode only): /simulator.

The page sends what a LINE user would (text, quick-reply taps, images, adding the bot
as a friend) to /simulator/send; the server builds the LINE webhook event, signs it with
the development channel secret and posts it to the bot's own /callback, so it takes
the same path as LINE's. The page then reads what the fake LINE API received.

The secret never reaches the page. `register` refuses to mount anything when real LINE
credentials are configured, and bot/pages.py does not even call it then.
"""

from __future__ import annotations

import json
import uuid

from flask import Blueprint, abort, current_app, jsonify, render_template, request

from bot import dev_http
from bot.chat import make_event, postback_event, sign, text_event
from handlers.texts import text

simulator = Blueprint("simulator", __name__, template_folder="templates",
                      static_folder="static/simulator", static_url_path="/static")

HEADER = "X-Simulator"
MAX_IMAGE = 10 * 1024 * 1024


def register(app, services) -> None:
    if not services.settings.development:
        return
    app.register_blueprint(simulator, url_prefix="/simulator")


def _services():
    return current_app.extensions["tambon"]


def _line_api() -> str:
    base = _services().settings.line_api_base
    if not base:
        abort(503, "no fake LINE API configured")
    return base.rstrip("/")


@simulator.before_request
def _dev_only():
    if not _services().settings.development:
        abort(404)
    # A custom header makes a cross-site form or fetch impossible without a preflight.
    if request.method == "POST" and request.headers.get(HEADER) != "1":
        abort(400)


@simulator.get("/")
def page():
    return render_template("simulator/chat.html", t=text, org=_services().org)


@simulator.post("/send")
def send():
    services = _services()
    if request.is_json:
        body = request.get_json(silent=True) or {}
        upload = None
    else:
        body = request.form.to_dict()
        upload = request.files.get("image")
    user = str(body.get("user") or "")
    if not (user.startswith("U") and 8 <= len(user) <= 40 and user[1:].isalnum()):
        abort(400, "bad user id")
    kind = body.get("type")
    if kind == "text":
        event = text_event(user, str(body.get("text") or "")[:5000])
    elif kind == "postback":
        event = postback_event(user, str(body.get("data") or "")[:300])
    elif kind == "follow":
        event = make_event(user, "follow")
    elif kind == "location":
        event = make_event(user, "message", message={
            "type": "location", "id": _message_id(), "title": "ตำแหน่งที่ส่ง",
            "address": str(body.get("address") or ""),
            "latitude": float(body.get("latitude") or 15.0),
            "longitude": float(body.get("longitude") or 102.0)})
    elif kind == "image" and upload is not None:
        content = upload.read(MAX_IMAGE + 1)
        if len(content) > MAX_IMAGE:
            abort(413)
        message_id = _message_id()
        dev_http.post(f"{_line_api()}/_control/content/{message_id}", content,
                      headers={"Content-Type": upload.mimetype or "image/jpeg"}, check=True)
        event = make_event(user, "message", message={
            "type": "image", "id": message_id, "contentProvider": {"type": "line"}})
    else:
        abort(400, "unknown event type")
    payload = json.dumps({"destination": "Usimulator", "events": [event]},
                         ensure_ascii=False).encode()
    answer = current_app.test_client().post(
        "/callback", data=payload,
        headers={"Content-Type": "application/json",
                 "X-Line-Signature": sign(payload, services.settings.channel_secret)})
    return jsonify({"status": answer.status_code, "replyToken": event.get("replyToken"),
                    "eventId": event["webhookEventId"]})


@simulator.get("/received")
def received():
    after = request.args.get("after", default=0, type=int)
    return jsonify(dev_http.get_json(f"{_line_api()}/_control/received",
                                     params={"after": after}))


def _message_id() -> str:
    return str(uuid.uuid4().int)[:18]
