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

FILE = "elsewhere.yaml"
ID_PREFIX = "elsewhere:"
_TEXT_FIELDS = ("id", "title", "agency", "contact")
OFF_TOPIC_FILE = "off_topic.yaml"
OFF_TOPIC_PREFIX = "off-topic:"
_OFF_TOPIC_TEXT_FIELDS = ("id", "title")
_OFF_TOPIC_FLAGS = ("staff_may_answer",)
_LIST_FIELDS = ("keywords", "examples")


def load_decoys(org_dir: Path | None) -> list[dict]:
    """Everything indexed beside the manual: other agencies' services, then topics no
    office answers."""
    return load_elsewhere(org_dir) + load_off_topic(org_dir)


def load_elsewhere(org_dir: Path | None) -> list[dict]:
    """The organization's list, validated, as index entries (ids prefixed `elsewhere:`);
    [] when it has none. ManualError names the file, the item and the field."""
    return _load(org_dir, FILE, ID_PREFIX, _TEXT_FIELDS)


def load_off_topic(org_dir: Path | None) -> list[dict]:
    """Topics no office answers, as index entries (ids prefixed `off-topic:`)."""
    return _load(org_dir, OFF_TOPIC_FILE, OFF_TOPIC_PREFIX, _OFF_TOPIC_TEXT_FIELDS,
                 _OFF_TOPIC_FLAGS)


def _load(org_dir: Path | None, name: str, prefix: str, text_fields: tuple[str, ...],
          flags: tuple[str, ...] = ()) -> list[dict]:
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
    problems: list[str] = []
    items = [_validate(item, f"{path}: item {n}", problems, prefix, text_fields, flags)
             for n, item in enumerate(raw, 1)]
    if problems:
        raise ManualError(problems)
    return items


def _validate(item, where: str, problems: list[str], prefix: str,
              text_fields: tuple[str, ...], flags: tuple[str, ...] = ()) -> dict:
    if not isinstance(item, dict):
        problems.append(f"{where}: expected a mapping of fields")
        return {}
    name = item.get("id", "?")
    for key in text_fields:
        if not isinstance(item.get(key), str) or not item[key].strip():
            problems.append(f"{where} ({name}): field {key!r}: missing or not text")
    for key in _LIST_FIELDS:
        value = item.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            problems.append(f"{where} ({name}): field {key!r}: expected a list of texts")
    for key in flags:
        if key in item and not isinstance(item[key], bool):
            problems.append(f"{where} ({name}): field {key!r}: expected true or false")
    for key in item:
        if key not in text_fields + _LIST_FIELDS + flags:
            problems.append(f"{where} ({name}): field {key!r}: unknown field (a typo?)")
    return {**item, "id": prefix + str(name)}
