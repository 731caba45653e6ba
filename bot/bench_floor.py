"""The floor for `bench/webhook.py`: an endpoint that only checks LINE's signature.

`POST /bench/floor` reads the body, checks `X-Line-Signature` with the same validator as
`/callback` and answers 200, so the benchmark can tell what the server costs before the
webhook stores anything. `GET /bench/floor` names the answering process, so the benchmark
can wait until every gunicorn worker is up. Registered only with `TAMBON_BENCH_FLOOR=1`
(see `bot/pages.py`); never in production.
"""

from __future__ import annotations

import os

from flask import Blueprint, current_app, request

bench_floor = Blueprint("bench_floor", __name__)


@bench_floor.post("/bench/floor")
def floor():
    services = current_app.extensions["tambon"]
    body = request.get_data(cache=False, as_text=False)
    signature = request.headers.get("X-Line-Signature", "")
    if not signature or not services.signature.validate(body.decode("utf-8", "replace"),
                                                        signature):
        return "bad signature", 400
    return "OK", 200


@bench_floor.get("/bench/floor")
def whoami():
    return {"pid": os.getpid()}


def enabled(env=None) -> bool:
    return (os.environ if env is None else env).get("TAMBON_BENCH_FLOOR") == "1"


def register(app, services) -> None:
    if enabled():
        app.register_blueprint(bench_floor)
