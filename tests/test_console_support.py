"""Helpers for the console tests (no tests here): officers, signing in, CSRF, cases."""

from __future__ import annotations

import re

from sqlalchemy import select

from bot.console import accounts, credentials
from handlers.cases.filing import NewCase, file_case
from handlers.routing import load_offices
from storage.models import AuditRecord, Case

PASSWORD = "ทุ่งโพธิ์-password-2569"
LINE_ID = "U" + "d" * 32
_CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def make_officer(services, username: str, office: str = "engineering",
                 roles: tuple[str, ...] = ("officer",), totp: bool = False,
                 password: str = PASSWORD) -> tuple[int, bytes | None]:
    with services.sessions() as session, session.begin():
        made = accounts.create_officer(
            session, services.vault, username=username, display_name=f"เจ้าหน้าที่ {username}",
            office_id=office, roles=list(roles), password=password,
            offices=load_offices(services.org.folder), with_totp=totp, actor="cli",
            now=services.clock())
        return made.officer.id, made.totp_seed


def csrf_from(html: str) -> str:
    match = _CSRF_RE.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def sign_in(client, username: str, password: str = PASSWORD, seed: bytes | None = None,
            clock=None):
    page = client.get("/console/login")
    response = client.post("/console/login", data={
        "username": username, "password": password,
        "csrf_token": csrf_from(page.get_data(as_text=True))})
    if seed is not None and response.status_code == 302 and response.location.endswith(
            "/console/totp"):
        form = client.get("/console/totp").get_data(as_text=True)
        response = client.post("/console/totp", data={
            "code": credentials.totp_code(seed, clock()), "csrf_token": csrf_from(form)})
    return response


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
