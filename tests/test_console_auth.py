"""Signing in to the console: Argon2id passwords, TOTP, lockout, idle expiry, cookies, CSRF."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta

from bot import limits
from bot.app import create_app
from bot.console import credentials
from storage.models import Officer
from storage.models.console import ConsoleSession
from tests.test_console_support import (
    PASSWORD,
    audit_rows,
    csrf_from,
    forget_totp,
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


def test_sign_in_with_password_and_totp_sets_safe_cookies_and_audits(client, services):
    make_officer(services, "somchai")
    response = sign_in(client, "somchai")
    assert response.status_code == 302
    cookies = {c.split("=", 1)[0]: c for c in response.headers.getlist("Set-Cookie")}
    session_cookie, device = cookies["tambon_console"], cookies["tambon_console_device"]
    assert "HttpOnly" in session_cookie and "SameSite=Lax" in session_cookie
    assert "Path=/console" in session_cookie and "Max-Age" not in session_cookie
    assert "HttpOnly" in device and "SameSite=Strict" in device and "Path=/console" in device
    assert client.get("/console/queue").status_code == 200
    assert [r.detail for r in audit_rows(services, "sign_in")] == ["password+totp"]


def test_cookie_is_secure_outside_development(services):
    services = replace(services, settings=replace(services.settings, development=False))
    app = create_app(services)
    client = app.test_client()
    make_officer(services, "somchai")
    response = sign_in(client, "somchai")
    assert all("Secure" in c for c in response.headers.getlist("Set-Cookie"))


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
    forget_totp(services, officer_id, "cust")
    response = sign_in(client, "cust")
    assert response.status_code == 302
    assert response.location.endswith("/console/account/totp")
    assert client.get("/console/requests").location.endswith("/console/account/totp")
    # (the set-up itself: tests/test_console_account.py)


def _from(i: int) -> dict:
    """A request from its own address: guesses spread over many sources."""
    return {"REMOTE_ADDR": f"198.51.{i // 250}.{i % 250 + 1}"}


def test_ten_failures_within_an_hour_lock_and_each_lock_doubles(services, clock):
    make_officer(services, "somchai")

    def attempt(i: int, password: str = "not the password!"):
        return sign_in(services_client(services), "somchai", password=password,
                       environ=_from(i))

    for i in range(9):  # four a minute, each from another address
        assert attempt(i).status_code == 401
        clock.advance(seconds=15)
    assert attempt(20, PASSWORD).status_code == 302  # nine: still fine
    for i in range(10):
        attempt(30 + i)
        clock.advance(seconds=15)
    locked = attempt(50, PASSWORD)  # the right password, too late
    assert locked.status_code == 401 and "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง" in locked.get_data(
        as_text=True)
    clock.advance(minutes=15)
    for i in range(10):  # ten more: the next lock is twice as long
        attempt(60 + i)
    clock.advance(minutes=29)
    assert attempt(80, PASSWORD).status_code == 401
    clock.advance(minutes=1, seconds=1)
    assert attempt(81, PASSWORD).status_code == 302
    assert len(audit_rows(services, "account_locked")) == 2


def test_a_slow_guesser_gets_few_guesses_a_day(services, clock, monkeypatch):
    """Four guesses a minute from ever new addresses, for a day: the account's doubling
    locks leave the guesser a few dozen password checks, where it had 5,760."""
    from bot.console import sign_in as steps

    officer_id, _ = make_officer(services, "somchai")
    hashed = []
    monkeypatch.setattr(credentials, "verify_password",
                        lambda password, stored: hashed.append(stored) or False)
    end = clock() + timedelta(days=1)
    tries = 0
    while clock() < end:
        with services.sessions() as session, session.begin():
            steps.sign_in_password(session, services.vault, "somchai", "guess " * 3, clock(),
                                   steps.Attempt(source=f"s{tries}"))
            officer = session.get(Officer, officer_id)
            wait = officer.locked_until if steps.is_locked(officer, clock()) else None
        tries += 1
        # While locked every guess is refused the same way; skip to the lock's end.
        clock.now = max(clock() + timedelta(seconds=15), wait or clock())
    assert len(hashed) <= 80, len(hashed)
    print(f"\n{len(hashed)} password checks in a day at four guesses a minute")


def test_one_source_is_stopped_before_any_hashing_whatever_the_username(
        client, services, clock, monkeypatch):
    for name in ("somchai", "somsri", "admin1"):
        make_officer(services, name)
    hashed = []
    real_verify = credentials.verify_password

    def counting_verify(password, stored):
        hashed.append(stored)
        return real_verify(password, stored)

    monkeypatch.setattr(credentials, "verify_password", counting_verify)
    names = ["somchai", "somsri", "admin1", "nobody", "x1", "x2", "x3", "x4", "x5", "x6"]
    for name in names:  # one address moving from account to account
        assert sign_in(client, name, password="not the password!").status_code == 401
    assert len(hashed) == 10
    for name in names:
        assert sign_in(client, name, password="not the password!").status_code == 401
    assert len(hashed) == 10  # blocked: nothing hashed, the same answer
    assert len(audit_rows(services, "source_blocked")) == 1
    # no account was locked by that, and another address signs in
    assert sign_in(client, "somsri", environ={"REMOTE_ADDR": "192.0.2.44"}).status_code == 302
    assert audit_rows(services, "account_locked") == []


def test_a_locked_out_officer_signs_in_from_their_usual_browser(services, clock):
    usual = services_client(services)
    make_officer(services, "somchai")
    assert sign_in(usual, "somchai").status_code == 302  # password and TOTP: a known device
    device = usual.get_cookie("tambon_console_device", path="/console")
    assert device is not None and device.http_only and device.same_site == "Strict"
    usual.post("/console/logout", data={"csrf_token": page_csrf(usual, "/console/queue")})
    attacker = services_client(services)
    for i in range(10):
        sign_in(attacker, "somchai", password="not the password!", environ=_from(i))
    assert sign_in(services_client(services), "somchai").status_code == 401  # locked
    assert sign_in(usual, "somchai").status_code == 302  # but not here
    assert usual.get("/console/queue").status_code == 200
    assert [r.detail for r in audit_rows(services, "sign_in")][-1] == (
        "password+totp; known device")


def test_an_admin_unlocks_and_it_is_audited(client, services, clock):
    officer_id, _ = make_officer(services, "somchai")
    make_officer(services, "admin1", office="palad", roles=("admin",))
    for i in range(10):
        sign_in(services_client(services), "somchai", password="not the password!",
                environ=_from(i))
    assert sign_in(services_client(services), "somchai").status_code == 401
    sign_in(client, "admin1")
    token = page_csrf(client, "/console/officers")
    assert client.post(f"/console/officers/{officer_id}/unlock",
                       data={"csrf_token": token}).status_code == 303
    assert audit_rows(services, "account")[-1].detail == f"unlock officer:{officer_id}"
    assert sign_in(services_client(services), "somchai").status_code == 302


def test_officers_need_their_second_factor_too(client, services):
    make_officer(services, "somchai")
    page = client.get("/console/login")
    response = client.post("/console/login", data={
        "username": "somchai", "password": PASSWORD,
        "csrf_token": csrf_from(page.get_data(as_text=True))})
    assert response.location.endswith("/console/totp")
    assert client.get("/console/queue").location.endswith("/console/login")


def test_a_flood_from_many_addresses_is_held_to_a_budget_of_password_checks(
        client, services, clock, monkeypatch):
    from bot import limits

    usual = services_client(services)
    make_officer(services, "somchai")
    assert sign_in(usual, "somchai").status_code == 302
    usual.post("/console/logout", data={"csrf_token": page_csrf(usual, "/console/queue")})
    hashed = []
    monkeypatch.setattr(credentials, "verify_password",
                        lambda password, stored: hashed.append(stored) or False)
    answers = [sign_in(client, f"nobody{i}", password="x" * 12, environ=_from(i))
               for i in range(limits.PASSWORD_CHECKS.limit + 5)]
    # the officer's own first sign-in (from a browser not yet known) took one check
    assert len(hashed) == limits.PASSWORD_CHECKS.limit - 1
    busy = [a for a in answers if "มีการพยายามเข้าสู่ระบบจำนวนมาก" in a.get_data(as_text=True)]
    assert len(busy) == 6
    monkeypatch.undo()
    # the officer's own browser is not held back by the flood
    assert sign_in(usual, "somchai").status_code == 302
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


def test_a_flood_of_sign_in_forms_from_one_address_is_refused_in_thai_before_any_check(
        client, services):
    make_officer(services, "somchai")
    assert sign_in(client, "somchai").status_code == 302  # this browser is now known
    flooder = client.application.test_client()
    page = flooder.get("/console/login").get_data(as_text=True)
    answers = [flooder.post("/console/login", data={
        "username": f"nobody{n}", "password": "guess-guess-guess",
        "csrf_token": csrf_from(page)}) for n in range(limits.SIGN_IN_POSTS.limit + 2)]
    assert answers[-1].status_code == 429
    assert "กรุณารอสักครู่แล้วลองใหม่" in answers[-1].get_data(as_text=True)
    assert answers[-1].headers["Retry-After"].isdigit()
    # Even the right password from that address is not checked now ...
    right = flooder.post("/console/login", data={
        "username": "somchai", "password": PASSWORD, "csrf_token": csrf_from(page)})
    assert right.status_code == 429
    # ... while the officer's own browser, from the same address, still signs in.
    client.post("/console/logout", data={"csrf_token": page_csrf(client, "/console/account")})
    assert sign_in(client, "somchai").status_code == 302
