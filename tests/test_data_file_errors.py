"""`tambon manual check` over broken data files: each mistake on a line of its own, naming
the file, the entry (or office) and the field, in words a clerk can act on.

The expected lines are written out whole, so a change in what a clerk reads shows here.
"""

from __future__ import annotations

import shutil

import pytest
import yaml
from click.testing import CliRunner

from bot.commands.manual import manual_check
from data import DEFAULT_ORG_DIR


@pytest.fixture
def org(tmp_path):
    folder = tmp_path / "org"
    shutil.copytree(DEFAULT_ORG_DIR, folder)
    return folder


def _edit(path, change):
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(raw)
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")


def _check(org) -> list[str]:
    result = CliRunner().invoke(manual_check, ["--org-dir", str(org)])
    assert result.exit_code != 0, result.output
    output = result.output.removeprefix("Error: ").replace(str(org) + "/", "")
    return output.splitlines()


def test_the_default_data_is_valid():
    result = CliRunner().invoke(manual_check, ["--org-dir", str(DEFAULT_ORG_DIR)])
    assert result.exit_code == 0 and "all valid" in result.output


def test_a_broken_manual_entry_lists_every_mistake(org):
    def break_entry(e):
        del e["complaint"]  # missing field
        e["channel"]["phone"] = 44000000  # wrong type: a number YAML read unquoted
        e["office"] = "police"  # unknown office id
        e["steps"][0]["office"] = "treasury"
        e["fee"] = "ค่าธรรมเนียม " * 30  # bad fee: too long for one message
        e["documents"][0]["copies"] = -1
        e["titel"] = "typo"

    _edit(org / "manual" / "garbage-fee.yaml", break_entry)
    offices = "palad, finance, engineering, education, health, welfare, chief, oversight"
    where = "manual/garbage-fee.yaml: entry 'garbage-fee': field"
    lines = _check(org)
    assert lines == [
        f"{where} 'office': 'police' is not one of {offices}",
        f"{where} 'channel.phone': expected text, got int 44000000 (put numbers such as "
        "phone numbers in quotes)",
        f"{where} 'steps[0].office': 'treasury' is not one of {offices}",
        f"{where} 'documents[0].copies': expected at least 0, got -1",
        f"{where} 'fee': 390 characters, at most 250 (it is answered in one short message on "
        "a phone; put the rest in fee_details or notes)",
        f"{where} 'complaint': missing",
        f"{where} 'titel': unknown field (a typo?)",
    ]


def test_a_fee_that_is_not_text_is_named(org):
    _edit(org / "manual" / "garbage-fee.yaml", lambda e: e.update(fee=20))
    assert _check(org) == [
        "manual/garbage-fee.yaml: entry 'garbage-fee': field 'fee': expected text, "
        "got int 20 (put numbers such as phone numbers in quotes)",
    ]


def test_broken_offices_and_routing_files_name_the_office_and_field(org):
    def break_offices(raw):
        finance = next(o for o in raw["offices"] if o["id"] == "finance")
        finance["target_days"]["grievance"] = "15"
        del finance["head_title"]
        finance["subjects"].append("")

    _edit(org / "offices.yaml", break_offices)
    lines = _check(org)
    where = "offices.yaml: office 'finance': field"
    assert f"{where} 'head_title': missing" in lines
    assert f"{where} 'target_days.grievance': expected a whole number, got '15'" in lines
    assert any(line.startswith(f"{where} 'subjects[") and line.endswith("must not be empty")
               for line in lines), lines


def test_a_routing_file_naming_an_unknown_office(org):
    _edit(org / "routing.yaml", lambda r: r.update(default_office="treasury", when_unsure="x"))
    lines = _check(org)
    assert lines[0].startswith("routing.yaml: field 'default_office': 'treasury' is "
                               "not an office of offices.yaml (palad, finance")
    assert "routing.yaml: field 'when_unsure': 'x' is not one of 'accusation' or 'subject'" \
        in lines


def test_a_broken_organization_file(org):
    _edit(org / "organization.yaml", lambda o: o.update(short_name="", case_prefix="TOO-LONG",
                                                        line_add_friend_url="http://x"))
    assert _check(org) == [
        "organization.yaml: field 'short_name': must not be empty",
        "organization.yaml: field 'case_prefix': must be 1-6 latin letters",
        "organization.yaml: field 'line_add_friend_url': must be a https://line.me/ or "
        "https://lin.ee/ link",
    ]
