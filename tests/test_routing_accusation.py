"""The accusation detector (issue 14): wrongdoing found as patterns, and who it accuses."""

from __future__ import annotations

import pytest

from data import DEFAULT_ORG_DIR
from handlers.routing import load_router

router = load_router(DEFAULT_ORG_DIR)


# --- the texts of the issue, which reached the office they accuse -------------------------

@pytest.mark.parametrize("text,kind,accused", [
    ("เจ้าหน้าที่เก็บภาษีบอกว่าถ้าให้เงินพิเศษ 1,000 บาทจะลดภาษีโรงเรือนให้", None, "finance"),
    ("คนแจกเบี้ยคนพิการหักเงินไว้คนละ 50 บาทบอกว่าเป็นค่าดำเนินการ", None, "welfare"),
    ("ช่างของ อบต. มาซ่อมไฟถนนแล้วขอค่าน้ำมัน 500 บาท", "grievance", "engineering"),
    ("ช่างของ อบต. มาซ่อมไฟถนนแล้วขอค่าน้ำมัน 500 บาท", None, "engineering"),
    ("ผอ.ช่าง ไม่ยอมเซ็นอนุญาตสร้างบ้านให้ ดองเรื่องไว้สามเดือน", "grievance", "engineering"),
    ("ผอ.ช่าง ไม่ยอมเซ็นอนุญาตสร้างบ้านให้ ดองเรื่องไว้สามเดือน", None, "engineering"),
    ("หัวหน้าช่างรับเงินผู้รับเหมาแล้วปล่อยงาน", "corruption", "engineering"),
    ("ผู้คุมงานก่อสร้างรับซองจากผู้รับเหมา", None, "engineering"),
])
def test_the_issue_texts_never_reach_the_accused_office(text, kind, accused):
    decision = router.route(text, kind)
    assert accused in decision.implicated
    assert decision.office != accused and decision.office == "palad"
    assert decision.accusation and not decision.accusation_unsure


@pytest.mark.parametrize("text", [
    "เจ้าหน้าที่เก็บภาษีบอกว่าถ้าให้เงินพิเศษ 1,000 บาทจะลดภาษีโรงเรือนให้",
    "คนแจกเบี้ยคนพิการหักเงินไว้คนละ 50 บาทบอกว่าเป็นค่าดำเนินการ",
    "ช่างของ อบต. มาซ่อมไฟถนนแล้วขอค่าน้ำมัน 500 บาท",
])
def test_money_taken_or_demanded_is_corruption_without_a_kind(text):
    decision = router.route(text)
    assert decision.kind == "corruption" and decision.money
    raised = router.route(text, "grievance")
    assert raised.kind == "corruption" and raised.raised_to_corruption


def test_refusing_a_request_accuses_but_is_not_corruption():
    decision = router.route("ผอ.ช่าง ไม่ยอมเซ็นอนุญาตสร้างบ้านให้ ดองเรื่องไว้สามเดือน")
    assert decision.kind == "grievance" and not decision.money
    assert any("ไม่ยอม" in w for w in decision.wrongdoing)


# --- patterns, not keywords -----------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "โดนเรียกเงิน 2,000 ตอนไปขอใบอนุญาตก่อสร้าง",          # demand + money, nobody named
    "ไปต่อใบอนุญาตร้านอาหารต้องจ่ายค่าเดินเรื่องอีก 300",       # a bribe's name
    "ถ้าอยากได้เบี้ยเร็วต้องให้เงินพิเศษคนละ 200",               # pay + money + extra
    "จ่าย 500 บาทแล้วจะอนุมัติให้ก่อน",                          # pay + money + then + favour
    "เอารถกู้ภัยไปใช้งานแต่งที่บ้านญาติ",                         # a public thing used privately
])
def test_wrongdoing_that_accuses_alone(text):
    decision = router.route(text)
    assert decision.accusation and not decision.accusation_unsure and decision.money


@pytest.mark.parametrize("text", [
    "เจ้าหน้าที่ดีมาก ไม่เคยเรียกเงินสักบาท ขอบคุณค่ะ",          # negated
    "ไม่มีใครเรียกเงินเลย แต่ถนนยังพังอยู่",
    "เจ้าหน้าที่บอกว่าต้องจ่าย 500 บาทค่าภาษีป้าย",               # what people owe
    "อยากขอเงินช่วยเหลือน้ำท่วมบ้าน",                             # the citizen asking
])
def test_what_only_looks_like_wrongdoing_accuses_nobody(text):
    decision = router.route(text)
    assert not decision.money
    assert not (decision.accusation and not decision.accusation_unsure)


def test_people_named_by_their_work_and_with_typos():
    for text, office in [("ป้าแจกเบี้ยด่ายาย", "welfare"), ("คนเกบภาษีด่าผม", "finance"),
                         ("อ้ายช่างเรียกเงินค่าเดินทาง", "engineering"),
                         ("ครูพี่เลี้ยงศพด.ตีเด็ก", "education"),
                         ("ผอ.ชาง ไม่ยอมเซ็นใบอนุญาต", "engineering"),
                         ("จนท.เก็บขยะเรียกเงินบ้านละ 50", "health")]:
        decision = router.route(text)
        assert office in decision.implicated, text
        assert decision.office != office, text


# --- unsure: ask rather than guess ------------------------------------------------------------

def test_a_person_named_without_wrongdoing_is_unsure_and_the_answer_decides():
    text = "นายช่างมาดูไฟถนนแล้วบอกว่ายังไม่มีงบ"
    unsure = router.route(text, "grievance")
    assert unsure.accusation_unsure and unsure.accusation_answer is None
    assert unsure.office != "engineering" and "engineering" in unsure.implicated
    no = router.route(text, "grievance", accusation=False)
    assert no.office == "engineering" and not no.implicated and not no.accusation
    assert no.accusation_answer is False
    yes = router.route(text, "grievance", accusation=True)
    assert yes.office == "palad" and "engineering" in yes.implicated


def test_a_sure_accusation_ignores_a_no():
    decision = router.route("นายช่างเรียกเงิน 500 บาท", accusation=False)
    assert decision.office == "palad" and "engineering" in decision.implicated


# --- outside the organization -------------------------------------------------------------------

@pytest.mark.parametrize("text,body", [
    ("ผู้ใหญ่บ้านเรียกเงินค่าเซ็นรับรอง 200 บาท", "district"),
    ("กำนันเอาถุงยังชีพไปแจกแต่ญาติ", "district"),
    ("ตำรวจตั้งด่านเรียกเงินชาวบ้านทุกวัน", "police"),
])
def test_people_outside_are_not_ours_and_the_citizen_is_told_who_acts(text, body):
    decision = router.route(text)
    assert body in [b["id"] for b in decision.outside]
    assert decision.office in router.internal and not decision.implicated
    assert all(b["how"] for b in decision.outside)


def test_the_citizen_is_told_who_acts_on_people_outside():
    decision = router.route("กำนันเอาถุงยังชีพไปแจกแต่ญาติ", "grievance")
    message = router.outside_bodies_message(decision)
    assert "อำเภอ" in message and "1567" in message
    assert "เจ้าหน้าที่ของ อบต. จะไม่เป็นผู้พิจารณา" not in message  # not the executives' text
    assert any(r.startswith("กล่าวถึง: กำนัน") for r in decision.reasons)


# --- what issue 17 reads ---------------------------------------------------------------------

def test_reports_something():
    assert router.route("ไฟถนนหน้าบ้านดับสามวันแล้ว").reports_something
    assert router.route("เจ้าหน้าที่ด่าผม").reports_something
    assert not router.route("สวัสดีครับ วันนี้อากาศดี").reports_something


def test_reasons_are_thai_and_readable():
    decision = router.route("คนแจกเบี้ยคนพิการหักเงินไว้คนละ 50 บาทบอกว่าเป็นค่าดำเนินการ")
    assert any(r.startswith("ลักษณะการทุจริต: ") and "หัก" in r for r in decision.reasons)
    assert any(r.startswith("กล่าวถึง: คนแจกเบี้ย") for r in decision.reasons)
    assert all(not r.isascii() for r in decision.reasons)


# --- a clerk's mistake in routing.yaml is named, not routed around ------------------------

@pytest.mark.parametrize("change,field", [
    (lambda r: r["accusation"]["patterns"].append({"name": "x", "when": ["nosuch"]}),
     "accusation.patterns"),
    (lambda r: r["accusation"]["words"].__setitem__("corruption", ["โกง"]),
     "accusation.words.corruption"),
    (lambda r: r.__setitem__("people_forms", ["ผอ."]), "people_forms"),
    (lambda r: r["outside"].append({"id": "x", "name": "y"}), "outside"),
    (lambda r: r.__setitem__("when_unsure", "guess"), "when_unsure"),
])
def test_a_mistake_in_routing_yaml_names_its_field(tmp_path, change, field):
    import shutil

    import yaml

    from handlers.routing import OfficesError
    from handlers.routing.router import build_router

    folder = tmp_path / "org"
    shutil.copytree(DEFAULT_ORG_DIR, folder)
    raw = yaml.safe_load((folder / "routing.yaml").read_text(encoding="utf-8"))
    change(raw)
    (folder / "routing.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True),
                                         encoding="utf-8")
    with pytest.raises(OfficesError, match=field.replace(".", r"\.")):
        build_router(folder)
