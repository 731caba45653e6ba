"""Signing in to the console: Argon2id passwords, TOTP, lockout, idle expiry, cookies, CSRF."""

from __future__ import annotations

import re
from dataclasses import replace

from bot.app import create_app
from bot.console import credentials
from storage.models import Officer
from storage.models.console import ConsoleSession
from tests.test_console_support import (
    PASSWORD,
    audit_rows,
    csrf_from,
    make_officer,
    page_csrf,
    sign_in,
)

_CSRF_VALUE = re.compile(r'name="csrf_token" value="[^"]*"')


def test_password_is_argon2id_and_never_stored_plain(services):
    officer_id, _ = make_officer(services, "somchai")
    with services.sessions() as session:
        stored = session.get(Officer, officer_id).password_hash
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=1$")
    assert PASSWORD not in stored
    assert credentials.verify_password(PASSWORD, stored)
    assert not credentials.verify_password(PASSWORD + "x", stored)
    assert not credentials.verify_password(PASSWORD, "$argon2id$v=19$m=8,t=1,p=1$AAAA$AAAA")


# Made by the hand-written codec before argon2-cffi, for PASSWORD.
OLD_CODEC_PASSWORD_HASH = ("$argon2id$v=19$m=65536,t=3,p=1$e+/wWigsp2+/qkhA7JTvbA"
                           "$FBnER6I7LP4cj1Md1PSYslXBJdN67o4FwL/8eLV2RJ8")


def test_a_password_hashed_by_the_old_codec_still_signs_in(client, services):
    officer_id, seed = make_officer(services, "oldtimer")
    with services.sessions() as session, session.begin():
        session.get(Officer, officer_id).password_hash = OLD_CODEC_PASSWORD_HASH
    assert credentials.verify_password(PASSWORD, OLD_CODEC_PASSWORD_HASH)
    assert not credentials.verify_password(PASSWORD + "!", OLD_CODEC_PASSWORD_HASH)
    assert sign_in(client, "oldtimer").status_code == 302
    assert client.get("/console/queue").status_code == 200


def test_sign_in_with_password_sets_a_safe_cookie_and_audits(client, services):
    make_officer(services, "somchai")
    response = sign_in(client, "somchai")
    assert response.status_code == 302
    cookie = response.headers["Set-Cookie"]
    assert "tambon_console=" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Path=/console" in cookie
    assert client.get("/console/queue").status_code == 200
    assert [r.detail for r in audit_rows(services, "sign_in")] == ["password"]


def test_cookie_is_secure_outside_development(services):
    services = replace(services, settings=replace(services.settings, development=False))
    app = create_app(services)
    client = app.test_client()
    make_officer(services, "somchai")
    response = sign_in(client, "somchai")
    assert "Secure" in response.headers["Set-Cookie"]


def test_wrong_password_is_refused_in_thai(client, services):
    make_officer(services, "somchai")
    response = sign_in(client, "somchai", password="wrong password 123")
    assert response.status_code == 401
    assert "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง" in response.get_data(as_text=True)
    assert client.get("/console/queue").status_code == 302
    unknown = sign_in(client, "nobody", password="wrong password 123")
    assert unknown.status_code == 401


def test_totp_is_required_when_enrolled_and_a_code_works_once(client, services, clock):
    _, seed = make_officer(services, "custodian1", office="palad", roles=("custodian",))
    assert seed is not None  # custodians always get a second factor
    page = client.get("/console/login")
    response = client.post("/console/login", data={
        "username": "custodian1", "password": PASSWORD,
        "csrf_token": csrf_from(page.get_data(as_text=True))})
    assert response.location.endswith("/console/totp")
    # half signed in: nothing but the TOTP page
    assert client.get("/console/requests").status_code == 302
    form = client.get("/console/totp").get_data(as_text=True)
    bad = client.post("/console/totp", data={"code": "000000", "csrf_token": csrf_from(form)})
    assert bad.status_code == 401
    code = credentials.totp_code(seed, clock())
    good = client.post("/console/totp", data={"code": code, "csrf_token": csrf_from(form)})
    assert good.status_code == 302
    assert client.get("/console/requests").status_code == 200
    assert [r.detail for r in audit_rows(services, "sign_in")] == ["password+totp"]
    # the same code again, in another browser: refused (replay)
    other = services_client(services)
    page = other.get("/console/login")
    other.post("/console/login", data={"username": "custodian1", "password": PASSWORD,
                                       "csrf_token": csrf_from(page.get_data(as_text=True))})
    form = other.get("/console/totp").get_data(as_text=True)
    replay = other.post("/console/totp", data={"code": code, "csrf_token": csrf_from(form)})
    assert replay.status_code == 401


def services_client(services):
    return create_app(services).test_client()


def test_custodian_without_totp_signs_in_only_to_set_it_up(client, services):
    officer_id, _ = make_officer(services, "cust", office="palad", roles=("custodian",))
    with services.sessions() as session, session.begin():
        session.get(Officer, officer_id).sealed_totp = None
    response = sign_in(client, "cust")
    assert response.status_code == 302
    assert response.location.endswith("/console/account/totp")
    assert client.get("/console/requests").location.endswith("/console/account/totp")
    # (the set-up itself: tests/test_console_account.py)


def test_five_failures_within_a_minute_lock_for_fifteen_minutes(client, services, clock):
    make_officer(services, "somchai")
    for _ in range(4):
        assert sign_in(client, "somchai", password="not the password!").status_code == 401
        clock.advance(seconds=5)
    fifth = sign_in(client, "somchai", password="not the password!")
    assert "ถูกระงับชั่วคราว 15 นาที" in fifth.get_data(as_text=True)
    # the right password does not open a locked account
    locked = sign_in(client, "somchai")
    assert locked.status_code == 401 and "15 นาที" in locked.get_data(as_text=True)
    clock.advance(minutes=14)
    assert sign_in(client, "somchai").status_code == 401
    clock.advance(minutes=1, seconds=1)
    assert sign_in(client, "somchai").status_code == 302
    assert len(audit_rows(services, "account_locked")) == 1


def test_unknown_user_wrong_password_and_locked_account_get_the_same_answer(
        client, services, clock, monkeypatch):
    make_officer(services, "somchai")
    make_officer(services, "locked1")
    for _ in range(5):
        sign_in(client, "locked1", password="not the password!")
    hashes_checked = []
    real_verify = credentials.verify_password

    def counting_verify(password, stored):
        hashes_checked.append(stored)
        return real_verify(password, stored)

    monkeypatch.setattr(credentials, "verify_password", counting_verify)
    answers = {
        "unknown": sign_in(client, "nobody", password=PASSWORD),
        "wrong password": sign_in(client, "somchai", password="not the password!"),
        "locked, right password": sign_in(client, "locked1"),
    }
    assert {r.status_code for r in answers.values()} == {401}
    bodies = {_CSRF_VALUE.sub("", r.get_data(as_text=True)) for r in answers.values()}
    assert len(bodies) == 1, "the answers differ"
    [body] = bodies
    assert "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง" in body and "15 นาที" in body
    # one Argon2id verification on every path, each at the same cost
    assert len(hashes_checked) == 3
    assert len({h.split("$")[3] for h in hashes_checked}) == 1
    # the lock still holds for the right password, and lifts after 15 minutes
    clock.advance(minutes=15, seconds=1)
    assert sign_in(client, "locked1").status_code == 302


def test_failures_spread_over_more_than_a_minute_do_not_lock(client, services, clock):
    make_officer(services, "somchai")
    for _ in range(8):
        assert sign_in(client, "somchai", password="not the password!").status_code == 401
        clock.advance(seconds=20)
    assert sign_in(client, "somchai").status_code == 302


def test_wrong_totp_codes_count_towards_the_lock(client, services, clock):
    _, seed = make_officer(services, "admin1", office="palad", roles=("admin",))
    for _ in range(5):
        page = client.get("/console/login")
        client.post("/console/login", data={
            "username": "admin1", "password": PASSWORD,
            "csrf_token": csrf_from(page.get_data(as_text=True))})
        form = client.get("/console/totp").get_data(as_text=True)
        client.post("/console/totp", data={"code": "123456", "csrf_token": csrf_from(form)})
    assert sign_in(client, "admin1", seed=seed, clock=clock).status_code == 401


def test_session_ends_after_thirty_idle_minutes(client, services, clock):
    make_officer(services, "somchai")
    sign_in(client, "somchai")
    clock.advance(minutes=29)
    assert client.get("/console/queue").status_code == 200  # activity keeps it alive
    clock.advance(minutes=29)
    assert client.get("/console/queue").status_code == 200
    clock.advance(minutes=30, seconds=1)
    response = client.get("/console/queue")
    assert response.status_code == 302 and response.location.endswith("/console/login")
    clock.advance(seconds=1)
    assert client.get("/console/queue").status_code == 302


def test_sign_out_ends_the_session_in_the_database(client, services):
    make_officer(services, "somchai")
    sign_in(client, "somchai")
    token = page_csrf(client, "/console/queue")
    assert client.post("/console/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/console/queue").status_code == 302
    with services.sessions() as session:
        rows = session.query(ConsoleSession).all()
    assert rows and all(r.ended_at is not None for r in rows)
    # only a hash of the cookie's token is kept
    assert all(len(r.token_hash) == 64 for r in rows)


def test_post_without_or_with_a_wrong_csrf_token_is_rejected(client, services):
    make_officer(services, "somchai")
    sign_in(client, "somchai")
    assert client.post("/console/logout", data={}).status_code == 400
    assert client.post("/console/logout", data={"csrf_token": "forged"}).status_code == 400
    # still signed in: nothing happened
    assert client.get("/console/queue").status_code == 200
    # the login form too
    fresh = services_client(services)
    fresh.get("/console/login")
    response = fresh.post("/console/login", data={"username": "somchai",
                                                  "password": PASSWORD, "csrf_token": "x"})
    assert response.status_code == 400


def test_console_pages_are_no_store_with_a_strict_policy(client, services):
    make_officer(services, "somchai")
    sign_in(client, "somchai")
    response = client.get("/console/queue")
    assert response.headers["Cache-Control"] == "no-store"
    assert "script-src" not in response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    css = client.get("/console/static/console/console.css")
    assert css.status_code == 200 and "text/css" in css.headers["Content-Type"]
