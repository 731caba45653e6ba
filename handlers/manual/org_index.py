"""The manual index of an organization, built from its folder (or its entries in the
database) and kept per organization until the manual changes."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

from handlers.manual.elsewhere import load_decoys
from handlers.manual.schema import load_manual
from handlers.manual.search import ManualIndex
from handlers.org import load_organization
from handlers.thai import Synonyms

_LOCK = threading.Lock()
_CACHE: dict[str, ManualIndex] = {}


def load_synonyms(org_dir: Path) -> Synonyms:
    path = Path(org_dir) / "synonyms.yaml"
    return Synonyms.load(path) if path.is_file() else Synonyms()


def office_names(org_dir: Path | None) -> list[str]:
    """The organization's own names and its kind's (organization.yaml), which a question
    may call it by."""
    if org_dir is None or not (Path(org_dir) / "organization.yaml").is_file():
        return []
    org = load_organization(Path(org_dir))
    return [org.name, org.short_name, *org.kind_names]


def build_index(entries: Sequence[dict], org_dir: Path | None = None) -> ManualIndex:
    synonyms = load_synonyms(org_dir) if org_dir is not None else Synonyms()
    return ManualIndex(entries, synonyms, decoys=load_decoys(org_dir),
                       office_names=office_names(org_dir))


def index_for_org(org_dir: Path, entries: Sequence[dict] | None = None) -> ManualIndex:
    """The cached index of an organization: from `entries` (e.g. the database) or its files."""
    key = str(Path(org_dir).resolve())
    with _LOCK:
        index = _CACHE.get(key)
        if index is None or entries is not None:
            if entries is None:
                entries = load_manual(Path(org_dir))
            index = build_index(entries, org_dir)
            _CACHE[key] = index
        return index

