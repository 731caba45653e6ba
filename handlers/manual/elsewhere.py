"""What citizens ask a อบต.'s bot that its manual does not answer, indexed beside the
manual's entries so that such a question has somewhere better to go than a wrong card.

- Services other agencies provide (data/…/elsewhere.yaml): when one fits a question better
  than any entry, the citizen is told who provides it and how to reach them, rather than
  shown a wrong card or a bare "I don't know": an ID card, a gold-card hospital, income
  tax and the like are the off-topic questions a tambon's bot gets most.
- Topics no office answers (data/…/off_topic.yaml: lottery numbers, the weather, recipes,
  prices, translation): when one fits best, the answer is the plain "I don't know", with no
  offer to pass it to staff, unless the topic says `staff_may_answer: true` (a village
  festival the office may help run).
"""

from __future__ import annotations

from pathlib import Path

import yaml

from handlers.manual.schema import ManualError
from storage.validation import NonEmptyText, Strict, ValidationError, problems

FILE = "elsewhere.yaml"
ID_PREFIX = "elsewhere:"
OFF_TOPIC_FILE = "off_topic.yaml"
OFF_TOPIC_PREFIX = "off-topic:"


class _Decoy(Strict):
    id: NonEmptyText
    title: NonEmptyText
    keywords: list[NonEmptyText] = []
    examples: list[NonEmptyText] = []


class Elsewhere(_Decoy):
    """A service another agency provides, and how to reach it."""

    agency: NonEmptyText
    contact: NonEmptyText


class OffTopic(_Decoy):
    """A topic no office answers."""

    staff_may_answer: bool = False


def load_decoys(org_dir: Path | None) -> list[dict]:
    """Everything indexed beside the manual: other agencies' services, then topics no
    office answers."""
    return load_elsewhere(org_dir) + load_off_topic(org_dir)


def load_elsewhere(org_dir: Path | None) -> list[dict]:
    """The organization's list, validated, as index entries (ids prefixed `elsewhere:`);
    [] when it has none. ManualError names the file, the item and the field."""
    return _load(org_dir, FILE, ID_PREFIX, Elsewhere)


def load_off_topic(org_dir: Path | None) -> list[dict]:
    """Topics no office answers, as index entries (ids prefixed `off-topic:`)."""
    return _load(org_dir, OFF_TOPIC_FILE, OFF_TOPIC_PREFIX, OffTopic)


def _load(org_dir: Path | None, name: str, prefix: str, model: type[_Decoy]) -> list[dict]:
    if org_dir is None:
        return []
    path = Path(org_dir) / name
    if not path.is_file():
        return []
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    except yaml.YAMLError as err:
        raise ManualError([f"{path}: not valid YAML: {err}"]) from err
    if not isinstance(raw, list):
        raise ManualError([f"{path}: expected a list of services"])
    found: list[str] = []
    items = []
    for n, item in enumerate(raw, 1):
        where = f"{path}: item {n}"
        if not isinstance(item, dict):
            found.append(f"{where}: expected a mapping of fields")
            continue
        try:
            model.model_validate(item)
        except ValidationError as err:
            found.extend(f"{where} ({item.get('id', '?')}): field {p.field!r}: {p.message}"
                         for p in problems(err))
        # The file's own mapping, as the index reads it (no defaults added).
        items.append({**item, "id": prefix + str(item.get("id", "?"))})
    if found:
        raise ManualError(found)
    return items
