"""The organization a deployment serves, read from its data folder."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import yaml
from pydantic import AfterValidator

from storage.validation import NonEmptyText, Strict, Words, check_mapping, refuse


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
    # What citizens call this kind of organization (อบต., องค์การบริหารส่วนตำบล): a
    # question that names only that is about the office itself.
    kind_names: tuple[str, ...] = ()


def _add_friend_link(value: str) -> str:
    url = value.strip()
    if url and not url.startswith(("https://line.me/", "https://lin.ee/")):
        raise refuse("must be a https://line.me/ or https://lin.ee/ link")
    return url


def _case_prefix(value: str) -> str:
    if value and re.fullmatch(r"[A-Za-z]{1,6}", value.strip()) is None:
        raise refuse("must be 1-6 latin letters")
    return value


class OrganizationFile(Strict):
    """organization.yaml as the file says it."""

    id: NonEmptyText
    name: NonEmptyText
    short_name: NonEmptyText
    # Case codes start with it (handlers/cases/codes.py); 1-6 latin letters.
    case_prefix: Annotated[str, AfterValidator(_case_prefix)] = ""
    address: str = ""
    phone: str = ""
    hours: str = ""
    website: str = ""
    email: str = ""
    line_oa_name: str = ""
    line_add_friend_url: Annotated[str, AfterValidator(_add_friend_link)] = ""
    kind_names: Words = ()


def load_organization(folder: Path) -> Organization:
    path = Path(folder) / "organization.yaml"
    if not path.is_file():
        raise FileNotFoundError(f"{path}: organization.yaml is missing")
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    org = check_mapping(raw, str(path), OrganizationFile.model_validate)
    return Organization(
        id=org.id,
        name=org.name,
        short_name=org.short_name,
        address=org.address,
        phone=org.phone,
        hours=org.hours,
        folder=Path(folder),
        line_oa_name=org.line_oa_name or org.short_name,
        add_friend_url=org.line_add_friend_url,
        kind_names=org.kind_names,
    )
