"""Case codes: what a citizen quotes, e.g. "TP-7K3M-9QX2".

Random, so a code tells nothing about how many cases there are; from an alphabet without
look-alikes (no 0/O, 1/I/L, U/V), so it survives being read over the phone or copied from
paper. The prefix comes from the organization's data (`case_prefix` in organization.yaml).
"""

from __future__ import annotations

import re
import secrets
from functools import lru_cache
from pathlib import Path

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models.cases import Case

ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ"
GROUPS = 2
GROUP_LEN = 4
_PREFIX_RE = re.compile(r"[A-Z]{1,6}")
# What people type: any case, spaces or dashes anywhere, Thai keyboard dashes.
_CODE_IN_TEXT_RE = re.compile(
    r"\b([A-Za-z]{1,6})[\s\-\u2010-\u2015\u2212]*((?:[0-9A-Za-z][\s\-]?){8})(?![0-9A-Za-z])")


@lru_cache(maxsize=8)
def _prefix_for_folder(folder: str) -> str:
    path = Path(folder) / "organization.yaml"
    raw = {}
    if path.is_file():
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    prefix = str(raw.get("case_prefix") or "").strip().upper()
    if not prefix:
        # No prefix in the data: the first two letters of the organization's id.
        prefix = re.sub(r"[^A-Za-z]", "", str(raw.get("id") or "CASE"))[:2].upper() or "CS"
    if _PREFIX_RE.fullmatch(prefix) is None:
        raise ValueError(f"{path}: case_prefix must be 1-6 latin letters")
    return prefix


def prefix_for(org) -> str:
    return _prefix_for_folder(str(Path(org.folder).resolve()))


def random_code(prefix: str) -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(GROUPS * GROUP_LEN))
    groups = [body[i : i + GROUP_LEN] for i in range(0, len(body), GROUP_LEN)]
    return "-".join([prefix, *groups])


def new_code(session: Session, org) -> str:
    """A code no case has yet (29^8 ≈ 5·10^11 codes: a clash is rare, but checked)."""
    prefix = prefix_for(org)
    for _ in range(20):
        code = random_code(prefix)
        if session.execute(select(Case.id).where(Case.code == code)).first() is None:
            return code
    raise RuntimeError("could not find a free case code")  # pragma: no cover


def extract(text: str) -> tuple[str | None, str]:
    """(the canonical code in `text`, the rest of the text): "tp 7k3m 9qx2 1234..." ->
    ("TP-7K3M-9QX2", " 1234..."). (None, text) when there is no code."""
    if not isinstance(text, str) or len(text) > 200:
        return None, text
    for match in _CODE_IN_TEXT_RE.finditer(text):
        prefix = match.group(1).upper()
        body = re.sub(r"[\s\-]", "", match.group(2)).upper()
        if len(body) != GROUPS * GROUP_LEN or any(ch not in ALPHABET for ch in body):
            continue
        code = "-".join([prefix, body[:GROUP_LEN], body[GROUP_LEN:]])
        return code, text[: match.start()] + " " + text[match.end() :]
    return None, text


def normalize(text: str) -> str | None:
    """The canonical code in `text` ("tp 7k3m 9qx2" -> "TP-7K3M-9QX2"), or None."""
    return extract(text)[0]

