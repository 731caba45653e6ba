"""The front page at `/`: what the office offers and where to go for it, in Thai.

Everything on it about the office (its name, address, phone, hours, LINE account and
services) comes from the organization's data, so another office's copy shows its own.
The LINE account's link is organization.yaml's line_add_friend_url (a line.me or lin.ee
link, checked when the data is loaded); without one the page shows no LINE link.
"""

from __future__ import annotations

import functools
from pathlib import Path

from pythainlp.util import collate
from sqlalchemy import select

from bot.public.web import _page, public, services
from handlers.manual.schema import load_manual
from storage.models import ManualEntry


def tel_url(phone: str) -> str | None:
    digits = "".join(c for c in phone if c.isdigit() or c == "+")
    return "tel:" + digits if digits else None


@functools.lru_cache(maxsize=8)
def _file_entries(folder: Path) -> tuple[dict, ...]:
    return tuple(load_manual(folder))


def offered_services(session, org) -> list[str]:
    """The short names of the services in the manual the bot answers from: the database's
    copy once it has one (an admin may have edited it), else the organization's files."""
    contents = session.execute(select(ManualEntry.content).where(
        ManualEntry.org_id == org.id)).scalars().all()
    entries = contents or _file_entries(org.folder)
    return collate({e.get("short_title") or e["title"] for e in entries})


@public.get("/")
def home():
    svc = services()
    org = svc.org
    with svc.sessions() as session:
        offered = offered_services(session, org)
    response = _page("public/home.html", no_store=False, offered=offered,
                     line_url=org.add_friend_url or None, tel=tel_url(org.phone))
    response.headers["Cache-Control"] = "public, max-age=300"
    return response
