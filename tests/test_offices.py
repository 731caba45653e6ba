"""offices.yaml and routing.yaml: the default organization's offices, and clear errors."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from data import DEFAULT_ORG_DIR
from handlers.routing import KINDS, OfficesError, load_offices, load_router

IDS = {"palad", "finance", "engineering", "education", "health", "welfare", "chief", "oversight"}


@pytest.fixture(scope="module")
def offices():
    return load_offices(DEFAULT_ORG_DIR)


@pytest.fixture(scope="module")
def router():
    return load_router(DEFAULT_ORG_DIR)


def test_default_organization_has_exactly_the_offices_of_issue_5(offices):
    assert set(offices) == IDS


def test_every_office_is_complete(offices):
    for office in offices.values():
        assert office.name and office.head_title, office.id
        assert office.contact.get("phone") or office.contact.get("place"), office.id
        assert set(office.target_days) == set(KINDS), office.id
        assert all(isinstance(d, int) and d > 0 for d in office.target_days.values())
    for office_id in IDS - {"chief", "oversight"}:
        assert len(offices[office_id].subjects) >= 20, office_id
        assert len(offices[office_id].people) >= 5, office_id


def test_oversight_lists_the_outside_bodies_and_how_to_reach_them(offices):
    bodies = offices["oversight"].outside_bodies
    joined = " ".join(b["name"] + " " + b["how"] for b in bodies)
    for needle in ("นายอำเภอจุฬารักษ์", "ผู้ว่าราชการจังหวัดนครราชสีมา", "ป.ป.ช.", "1205",
                   "ศูนย์ดำรงธรรม", "1567"):
        assert needle in joined
    assert all(b["how"] for b in bodies)
    assert not offices["oversight"].subjects and not offices["oversight"].people


def test_issue_examples_of_people_belong_to_their_office(router):
    for phrase, office in [("ผอ.กองคลัง", "finance"), ("เจ้าหน้าที่การเงิน", "finance"),
                           ("นายช่าง", "engineering"), ("ครูศูนย์เด็กเล็ก", "education"),
                           ("พนักงานเก็บขยะ", "health"), ("เจ้าหน้าที่ธุรการ", "palad")]:
        tags = [t for h in router.hits(phrase) for t in h.tags]
        assert tags == [("people", office)], phrase


def test_every_people_phrase_is_recognised_whole_in_a_sentence(router, offices):
    for office in offices.values():
        for phrase in office.people:
            hits = router.hits(f"ร้องเรียน{phrase}ค่ะ")
            owners = {v for h in hits for c, v in h.tags if c == "people"}
            assert owners == {office.id}, (office.id, phrase, hits)


def test_every_subject_phrase_sends_a_question_to_its_office(router, offices):
    wrong = []
    weak = set(router.rules.words["weak_subjects"])  # where, not what: they need company
    for office in offices.values():
        for phrase in office.subjects:
            if phrase in weak:
                continue
            decision = router.route(f"สอบถามเรื่อง{phrase}ครับ", "inquiry")
            if decision.office != office.id:
                wrong.append((office.id, phrase, decision.office))
    assert not wrong


# --- errors name the file, the office and the field -------------------------------------


def _copy_org(tmp_path: Path) -> Path:
    folder = tmp_path / "org"
    shutil.copytree(DEFAULT_ORG_DIR, folder)
    return folder


def _edit_offices(folder: Path, change) -> None:
    path = folder / "offices.yaml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    change({o["id"]: o for o in raw["offices"]}, raw)
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")


def _error(folder: Path) -> str:
    with pytest.raises(OfficesError) as caught:
        load_router(folder)
    return str(caught.value)


def test_missing_target_kind_names_file_office_and_field(tmp_path):
    folder = _copy_org(tmp_path)
    _edit_offices(folder, lambda by_id, raw: by_id["finance"]["target_days"].pop("inquiry"))
    message = _error(folder)
    assert "offices.yaml" in message and "'finance'" in message
    assert "field 'target_days.inquiry': missing" in message


def test_bad_target_days_value(tmp_path):
    folder = _copy_org(tmp_path)
    _edit_offices(folder, lambda by_id, raw: by_id["health"]["target_days"].update(grievance=0))
    message = _error(folder)
    assert "'health'" in message and "grievance" in message


def test_missing_name_and_duplicate_id(tmp_path):
    folder = _copy_org(tmp_path)
    _edit_offices(folder, lambda by_id, raw: by_id["welfare"].pop("name"))
    assert "'welfare'" in _error(folder) and "'name'" in _error(folder)
    folder2 = _copy_org(tmp_path / "b")
    _edit_offices(folder2, lambda by_id, raw: raw["offices"].append(dict(by_id["palad"])))
    assert "'palad'" in _error(folder2) and "twice" in _error(folder2)


def test_people_listed_for_two_offices_is_refused(tmp_path):
    folder = _copy_org(tmp_path)
    _edit_offices(folder, lambda by_id, raw: by_id["health"]["people"].append("นายช่าง"))
    message = _error(folder)
    assert "นายช่าง" in message and "engineering" in message and "health" in message


def test_oversight_without_outside_bodies_is_refused(tmp_path):
    folder = _copy_org(tmp_path)
    _edit_offices(folder, lambda by_id, raw: by_id["oversight"].pop("outside_bodies"))
    message = _error(folder)
    assert "'oversight'" in message and "outside_bodies" in message


def test_routing_naming_an_unknown_office_is_refused(tmp_path):
    folder = _copy_org(tmp_path)
    path = folder / "routing.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "default_office: palad", "default_office: treasury"), encoding="utf-8")
    message = _error(folder)
    assert "routing.yaml" in message and "default_office" in message and "treasury" in message


def test_missing_file(tmp_path):
    folder = _copy_org(tmp_path)
    (folder / "offices.yaml").unlink()
    assert "offices.yaml" in _error(folder) and "missing" in _error(folder)
