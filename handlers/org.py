"""The organization a deployment serves, read from its data folder."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml


@dataclass(frozen=True)
class Organization:
    id: str
    name: str
    short_name: str
    address: str
    phone: str
    hours: str
    folder: Path
    # The Official Account as citizens find it: its name, and the link that adds it as a
    # friend (https://line.me/R/ti/p/@basic-id), given where a group is told to chat 1:1.
    line_oa_name: str = ""
    add_friend_url: str = ""


def load_organization(folder: Path) -> Organization:
    path = Path(folder) / "organization.yaml"
    if not path.is_file():
        raise FileNotFoundError(f"{path}: organization.yaml is missing")
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    missing = [f for f in ("id", "name", "short_name") if not raw.get(f)]
    if missing:
        raise ValueError(f"{path}: missing field(s) {', '.join(missing)}")
    return Organization(
        id=raw["id"],
        name=raw["name"],
        short_name=raw["short_name"],
        address=raw.get("address", ""),
        phone=str(raw.get("phone", "")),
        hours=raw.get("hours", ""),
        folder=Path(folder),
        line_oa_name=str(raw.get("line_oa_name") or raw["short_name"]),
        add_friend_url=_add_friend_url(path, raw.get("line_add_friend_url")),
    )


def _add_friend_url(path: Path, value) -> str:
    url = str(value or "").strip()
    if url and not url.startswith(("https://line.me/", "https://lin.ee/")):
        raise ValueError(f"{path}: line_add_friend_url must be a https://line.me/ or "
                         f"https://lin.ee/ link")
    return url
