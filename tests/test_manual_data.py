"""The service manual (คู่มือสำหรับประชาชน) of the default organization is well-formed data.

Checks only the YAML files themselves; the loader and search are tested elsewhere.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

MANUAL_DIR = Path(__file__).resolve().parents[1] / "data" / "orgs" / "thungpho" / "manual"

REQUIRED_IDS = {
    "elderly-allowance",
    "disability-allowance",
    "aids-patient-support",
    "newborn-child-grant",
    "welfare-assistance",
    "building-permit",
    "demolition-permit",
    "excavation-filling-notification",
    "land-building-tax",
    "signboard-tax",
    "garbage-fee",
    "health-hazard-business-license",
    "food-shop-license",
    "market-license",
    "commercial-registration",
    "official-information-request",
    "procurement-info",
    "office-contact",
    "complaint-channel",
    "disaster-relief",
    "water-supply-request",
    "village-water-connection",
    "child-development-center-enrollment",
    "streetlight-repair",
    "equipment-loan",
    "emergency-medical",
    "pet-registration-rabies",
}

OFFICES = {"palad", "finance", "engineering", "education", "health", "welfare"}

# Fields that must be present and non-empty in every entry.
REQUIRED_FIELDS = (
    "id",
    "title",
    "short_title",
    "office",
    "legal_basis",
    "channel",
    "criteria",
    "steps",
    "total_duration",
    "documents",
    "fee",
    "complaint",
    "examples",
    "keywords",
)
CHANNEL_FIELDS = ("place", "days_hours", "phone")  # "online" must exist but may be ""
KNOWN_FIELDS = set(REQUIRED_FIELDS) | {"fee_details", "notes", "amount", "payday", "pay_at",
                                       "urgent"}

MAX_SHORT_TITLE = 20  # LINE quick-reply label limit
MAX_FILE_CHARS = 4096  # characters, not bytes (Thai is 3 bytes a character in UTF-8)


def _files() -> list[Path]:
    return sorted(MANUAL_DIR.glob("*.yaml"))


def _load(path: Path) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{path.name}: top level must be a mapping"
    return data


def _nonempty(value) -> bool:
    if isinstance(value, str):
        return bool(value.strip())
    return bool(value)


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", text).lower()


@pytest.fixture(scope="module")
def entries() -> dict[str, dict]:
    return {p.stem: _load(p) for p in _files()}


def test_all_required_ids_present(entries):
    missing = REQUIRED_IDS - set(entries)
    assert not missing, f"missing manual entries: {sorted(missing)}"


@pytest.mark.parametrize("path", _files(), ids=lambda p: p.stem)
def test_entry_is_well_formed(path: Path):
    raw = path.read_text(encoding="utf-8")
    assert len(raw) <= MAX_FILE_CHARS, f"{path.name}: {len(raw)} chars, too long for a phone"
    e = _load(path)

    assert e.get("id") == path.stem, "file name must equal id"
    unknown = set(e) - KNOWN_FIELDS
    assert not unknown, f"unknown fields: {sorted(unknown)}"
    for field in REQUIRED_FIELDS:
        assert field in e, f"missing field {field}"
        assert _nonempty(e[field]), f"empty field {field}"

    for field in ("title", "short_title", "total_duration", "fee", "complaint"):
        assert isinstance(e[field], str), f"{field} must be a string"
    assert len(e["short_title"]) <= MAX_SHORT_TITLE, e["short_title"]
    assert e["office"] in OFFICES

    for field in ("legal_basis", "criteria", "examples", "keywords"):
        assert isinstance(e[field], list), f"{field} must be a list"
        assert all(isinstance(x, str) and x.strip() for x in e[field]), field

    channel = e["channel"]
    assert isinstance(channel, dict)
    for field in CHANNEL_FIELDS:
        assert isinstance(channel.get(field), str) and channel[field].strip(), field
    assert isinstance(channel.get("online"), str), "channel.online must be a string (may be '')"

    assert isinstance(e["steps"], list)
    for step in e["steps"]:
        assert isinstance(step, dict)
        assert isinstance(step.get("text"), str) and step["text"].strip()
        assert isinstance(step.get("duration"), str) and step["duration"].strip()
        assert step.get("office") in OFFICES, step

    assert isinstance(e["documents"], list)
    for doc in e["documents"]:
        assert isinstance(doc, dict)
        assert isinstance(doc.get("name"), str) and doc["name"].strip()
        assert isinstance(doc.get("issuer"), str) and doc["issuer"].strip(), doc
        for count in ("originals", "copies"):
            assert type(doc.get(count)) is int and doc[count] >= 0, (count, doc)
        assert isinstance(doc.get("note", ""), str)

    fee_details = e.get("fee_details", [])
    assert isinstance(fee_details, list)
    assert all(isinstance(x, str) and x.strip() for x in fee_details)
    assert isinstance(e.get("notes", ""), str)

    examples = e["examples"]
    assert len(examples) >= 8, "need at least 8 examples"
    assert len({_norm(x) for x in examples}) == len(examples), "repeated example"


def test_no_example_shared_between_entries(entries):
    seen: dict[str, str] = {}
    clashes = []
    for entry_id, e in entries.items():
        for example in e.get("examples") or []:
            key = _norm(example)
            if key in seen and seen[key] != entry_id:
                clashes.append((example, seen[key], entry_id))
            seen.setdefault(key, entry_id)
    assert not clashes, f"examples used by two entries: {clashes}"


def test_short_titles_distinct(entries):
    titles = [e.get("short_title") for e in entries.values()]
    assert len(set(titles)) == len(titles)


def test_manual_check_names_every_bad_file(tmp_path):
    import shutil

    from click.testing import CliRunner

    from bot.commands.manual import manual_check
    from data import DEFAULT_ORG_DIR

    org = tmp_path / "org"
    shutil.copytree(DEFAULT_ORG_DIR, org)
    runner = CliRunner()
    good = runner.invoke(manual_check, ["--org-dir", str(org)])
    assert good.exit_code == 0 and "all valid" in good.output
    (org / "off_topic.yaml").write_text("- id: x\n  titel: y\n", encoding="utf-8")
    (org / "elsewhere.yaml").write_text("- id: z\n  title: t\n", encoding="utf-8")
    bad = runner.invoke(manual_check, ["--org-dir", str(org)])
    assert bad.exit_code != 0
    assert "off_topic.yaml: item 1 (x)" in bad.output and "'titel'" in bad.output
    assert "elsewhere.yaml: item 1 (z)" in bad.output and "'agency'" in bad.output


def test_manual_check_validates_the_asked_facts(tmp_path):
    """The facts answered first (amount, payday, pay_at, urgent, fee) are text, short
    enough for one message; `tambon manual check` names the file and the field."""
    import shutil

    from click.testing import CliRunner

    from bot.commands.manual import manual_check
    from data import DEFAULT_ORG_DIR

    org = tmp_path / "org"
    shutil.copytree(DEFAULT_ORG_DIR, org)
    path = org / "manual" / "garbage-fee.yaml"
    entry = yaml.safe_load(path.read_text(encoding="utf-8"))
    entry["payday"] = 10
    entry["urgent"] = "ก" * 251
    path.write_text(yaml.safe_dump(entry, allow_unicode=True), encoding="utf-8")
    bad = CliRunner().invoke(manual_check, ["--org-dir", str(org)])
    assert bad.exit_code != 0
    assert "garbage-fee.yaml" in bad.output
    assert "'payday': expected text" in bad.output
    assert "'urgent': 251 characters, at most 250" in bad.output
