"""Helpers for the console tests (no tests here): officers, signing in, CSRF, cases."""

from __future__ import annotations

import base64
import re

from sqlalchemy import select

from bot.console import accounts, credentials
from handlers.cases.filing import NewCase, file_case
from handlers.routing import load_offices
from storage.models import AuditRecord, Case

PASSWORD = "ทุ่งโพธิ์-password-2569"
LINE_ID = "U" + "d" * 32
_CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
_SECRET_RE = re.compile(r'<code id="totp-secret">([A-Z2-7 ]+)</code>')
_PENDING_RE = re.compile(r'name="pending" value="([^"]+)"')


# Each officer's TOTP seed, by username: `sign_in` types the code from it.
SEEDS: dict[str, bytes] = {}
CLOCKS: dict = {}  # and the clock of the service the account lives in
_LAST_STEP: dict[str, int] = {}


def make_officer(services, username: str, office: str = "engineering",
                 roles: tuple[str, ...] = ("officer",), password: str = PASSWORD,
                 actor: str = "cli") -> tuple[int, bytes | None]:
    """An account with TOTP, made as `tambon officer add` makes one (actor "cli": its
    roles count at once)."""
    with services.sessions() as session, session.begin():
        made = accounts.create_officer(
            session, services.vault, username=username, display_name=f"เจ้าหน้าที่ {username}",
            office_id=office, roles=list(roles), password=password,
            offices=load_offices(services.org.folder), actor=actor, now=services.clock())
        SEEDS[username] = made.totp_seed
        CLOCKS[username] = services.clock
        _LAST_STEP.pop(username, None)
        return made.officer.id, made.totp_seed


def forget_totp(services, officer_id: int, username: str) -> None:
    """The officer has no second factor (set up before every account had one, or reset):
    `sign_in` then stops after the password."""
    from storage.models import Officer

    with services.sessions() as session, session.begin():
        session.get(Officer, officer_id).sealed_totp = None
    SEEDS.pop(username, None)


def csrf_from(html: str) -> str:
    match = _CSRF_RE.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def sign_in(client, username: str, password: str = PASSWORD, seed: bytes | None = None,
            clock=None, environ: dict | None = None):
    """Password, then the code from the officer's authenticator (its seed from
    make_officer unless given). A code works once: when this officer's last code was of
    the clock's time step, the clock moves on 30 seconds first, as a person would wait."""
    seed = seed if seed is not None else SEEDS.get(username)
    environ = environ or {}
    clock = clock or client.application.extensions["tambon"].clock
    page = client.get("/console/login", environ_base=environ)
    response = client.post("/console/login", environ_base=environ, data={
        "username": username, "password": password,
        "csrf_token": csrf_from(page.get_data(as_text=True))})
    if seed is not None and response.status_code == 302 and response.location.endswith(
            "/console/totp"):
        form = client.get("/console/totp", environ_base=environ).get_data(as_text=True)
        response = client.post("/console/totp", environ_base=environ, data={
            "code": totp_now(username, seed, clock), "csrf_token": csrf_from(form)})
    return response


def totp_now(username: str, seed: bytes, clock=None) -> str:
    """The code the officer's app shows. A code works once: when this officer's last code
    was of the clock's time step, the clock moves on 30 seconds first, as a person waits."""
    clock = clock or CLOCKS[username]
    step = int(clock().timestamp()) // credentials.TOTP_STEP
    if _LAST_STEP.get(username, -1) >= step and hasattr(clock, "advance"):
        clock.advance(seconds=credentials.TOTP_STEP)
    _LAST_STEP[username] = int(clock().timestamp()) // credentials.TOTP_STEP
    return credentials.totp_code(seed, clock())


def enrol_page(client) -> tuple[str, bytes, str]:
    """The page setting up a second factor: (the page, the seed it shows, the sealed
    pending value its form carries)."""
    response = client.get("/console/account/totp")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    secret = _SECRET_RE.search(html).group(1).replace(" ", "")
    seed = base64.b32decode(secret + "=" * (-len(secret) % 8))
    return html, seed, _PENDING_RE.search(html).group(1)


def page_csrf(client, path: str = "/console/") -> str:
    response = client.get(path, follow_redirects=True)
    return csrf_from(response.get_data(as_text=True))


def file(services, **overrides) -> str:
    values = dict(kind="grievance", identity_mode="identified", channel="line",
                  description="ถนนลูกรังหมู่ 4 เป็นหลุมบ่อ รถจักรยานยนต์ล้มบ่อย",
                  location="หมู่ 4", name="สมหญิง ใจดี", phone="081-234-5678",
                  line_user_id=LINE_ID)
    values.update(overrides)
    with services.sessions() as session, session.begin():
        return file_case(session, services.vault, services.org, NewCase(**values),
                         services.clock()).code


def case_of(services, code: str) -> Case:
    with services.sessions() as session:
        return session.execute(select(Case).where(Case.code == code)).scalar_one()


def audit_rows(services, action: str | None = None) -> list[AuditRecord]:
    with services.sessions() as session:
        query = select(AuditRecord).order_by(AuditRecord.id)
        if action:
            query = query.where(AuditRecord.action == action)
        return list(session.execute(query).scalars())
