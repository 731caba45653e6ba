"""The front page at `/`: what the office offers and where to go for it, in Thai.

Everything on it about the office (its name, address, phone, hours, LINE account and
services) comes from the organization's data, so another office's copy shows its own.
"""

from __future__ import annotations

import functools
from pathlib import Path
from urllib.parse import quote

from pythainlp.util import collate
from sqlalchemy import select

from bot.public.web import _page, public, services
from handlers.manual.schema import load_manual
from storage.models import ManualEntry

ADD_FRIEND = "https://line.me/R/ti/p/"  # LINE's URL scheme: the account's add-friend page


def add_friend_url(line_id: str) -> str | None:
    """LINE's add-friend link for an account ID such as "@tambon" (the "@" percent-encoded,
    as LINE asks), or None when the office has no LINE account yet."""
    return ADD_FRIEND + quote(line_id, safe="") if line_id else None


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
                     line_url=add_friend_url(org.line_id), tel=tel_url(org.phone))
    response.headers["Cache-Control"] = "public, max-age=300"
    return response
