"""The web tip's receipt (case code and secret) is shown once, decided by the server.

Clearing the cookie only asks the browser to forget; a copied cookie replayed within its
ten minutes, in this web process or another, must show the secret no more.
"""

from __future__ import annotations

import re

from sqlalchemy import func, select

from bot.app import create_app
from bot.public.web import RECEIPT_COOKIE, RECEIPT_PATH
from storage.models import ReceiptNonce
from tests.public_helpers import shown_secret, submit_tip

SECRET_RE = re.compile(r"\d{4}\D{0,40}\d{4}\D{0,40}\d{4}\D{0,40}\d{4}")


def _receipt_cookie(answer) -> str:
    for header in answer.headers.getlist("Set-Cookie"):
        if header.startswith(RECEIPT_COOKIE + "="):
            return header.split(";", 1)[0].split("=", 1)[1]
    raise AssertionError("no receipt cookie set")


def _page_with(client, cookie: str) -> str:
    client.set_cookie(RECEIPT_COOKIE, cookie, path=RECEIPT_PATH)
    return client.get(RECEIPT_PATH).get_data(as_text=True)


def test_a_replayed_receipt_cookie_shows_the_secret_no_more(client, services):
    answer = submit_tip(client)
    cookie = _receipt_cookie(answer)
    first = client.get(answer.headers["Location"]).get_data(as_text=True)
    secret = shown_secret(first)
    assert re.fullmatch(r"\d{4} \d{4} \d{4} \d{4}", secret)

    # The same cookie, put back by hand in this browser...
    again = _page_with(client, cookie)
    assert secret not in again and not SECRET_RE.search(again.split("<main", 1)[-1])
    assert "หมดอายุ" in again
    # ...and replayed to another web process (another app on the same database).
    other = create_app(services)
    other.config["TESTING"] = True
    elsewhere = _page_with(other.test_client(), cookie)
    assert secret not in elsewhere and "หมดอายุ" in elsewhere


def test_the_first_view_may_be_in_any_process(client, services):
    answer = submit_tip(client)
    cookie = _receipt_cookie(answer)
    other = create_app(services)
    other.config["TESTING"] = True
    page = _page_with(other.test_client(), cookie)
    assert re.fullmatch(r"\d{4} \d{4} \d{4} \d{4}", shown_secret(page))
    assert "หมดอายุ" in _page_with(client, cookie)


def test_an_unshown_receipt_keeps_only_an_hour_dated_row(client, sessions):
    submit_tip(client)
    with sessions() as session:
        rows = session.execute(select(ReceiptNonce)).scalars().all()
        assert len(rows) == 1
        assert (rows[0].expires_at.minute, rows[0].expires_at.second,
                rows[0].expires_at.microsecond) == (0, 0, 0)
    client.get(RECEIPT_PATH)
    with sessions() as session:
        assert session.execute(select(func.count()).select_from(ReceiptNonce)).scalar() == 0
