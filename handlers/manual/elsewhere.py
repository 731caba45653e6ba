"""Services other agencies provide, which citizens ask a อบต. about (data/…/elsewhere.yaml).

They are indexed beside the manual's entries. When one of them fits a question better
than any entry, the citizen is told who provides it and how to reach them, rather than
shown a wrong card or a bare "I don't know": an ID card, a gold-card hospital, income tax
and the like are the off-topic questions a tambon's bot gets most.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from handlers.manual.schema import ManualError

FILE = "elsewhere.yaml"
ID_PREFIX = "elsewhere:"
_TEXT_FIELDS = ("id", "title", "agency", "contact")
_LIST_FIELDS = ("keywords", "examples")


def load_elsewhere(org_dir: Path | None) -> list[dict]:
    """The organization's list, validated, as index entries (ids prefixed `elsewhere:`);
    [] when it has none. ManualError names the file, the item and the field."""
    if org_dir is None:
        return []
    path = Path(org_dir) / FILE
    if not path.is_file():
        return []
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    except yaml.YAMLError as err:
        raise ManualError([f"{path}: not valid YAML: {err}"]) from err
    if not isinstance(raw, list):
        raise ManualError([f"{path}: expected a list of services"])
    problems: list[str] = []
    items = [_validate(item, f"{path}: item {n}", problems) for n, item in enumerate(raw, 1)]
    if problems:
        raise ManualError(problems)
    return items


def _validate(item, where: str, problems: list[str]) -> dict:
    if not isinstance(item, dict):
        problems.append(f"{where}: expected a mapping of fields")
        return {}
    name = item.get("id", "?")
    for key in _TEXT_FIELDS:
        if not isinstance(item.get(key), str) or not item[key].strip():
            problems.append(f"{where} ({name}): field {key!r}: missing or not text")
    for key in _LIST_FIELDS:
        value = item.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            problems.append(f"{where} ({name}): field {key!r}: expected a list of texts")
    for key in item:
        if key not in _TEXT_FIELDS + _LIST_FIELDS:
            problems.append(f"{where} ({name}): field {key!r}: unknown field (a typo?)")
    return {**item, "id": ID_PREFIX + str(name)}
