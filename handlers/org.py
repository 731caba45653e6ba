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
    # The LINE Official Account's ID ("@..."), for the web's add-friend link; "" if none.
    line_id: str = ""


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
        line_id=str(raw.get("line_id") or "").strip(),
    )
