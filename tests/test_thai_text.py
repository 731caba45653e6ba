"""Cleaning, segmentation and synonyms for Thai as typed on LINE."""

import pytest

from handlers.thai import Synonyms, add_words, clean, extra_words, syllables, tokenize


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ดีมากกกก", "ดีมาก"),
        ("ขอบคุณค่าาาา", "ขอบคุณค่า"),
        ("อ.บ.ต.ทุ่งโพธิ์", "อบตทุ่งโพธิ์"),
        ("เบี้ย ผส.", "เบี้ย ผส"),
        ("ศพด.รับกี่ขวบ", "ศพดรับกี่ขวบ"),
        ("จ่ายวันที่ ๑๐ ค่ะ", "จ่ายวันที่ 10 ค่ะ"),
        ("เปิด 08.30 น.", "เปิด 08.30 น"),
        ("เบี้ย\u200bคนแก่\ufeff", "เบี้ยคนแก่"),
        ("  LINE   Official\tAccount ", "line official account"),
        ("เเม่", "แม่"),
        # the Korat yamakkan goes: ได้จั๎กบาท is read as ได้จักบาท (how many baht)
        ("ได้จั๎กบาท", "ได้จักบาท"),
        ("www.example.com", "www.example.com"),
        ("", ""),
    ],
)
def test_clean(raw, expected):
    assert clean(raw) == expected


def test_clean_drops_control_characters():
    assert clean("ภาษี\x00ป้าย\x07") == "ภาษี ป้าย"


def test_tokenize_keeps_compounds_and_drops_spaces_and_punctuation():
    assert tokenize("ป้ายโฆษณา  ต้องเสียภาษีไหม?") == ["ป้ายโฆษณา", "ต้อง", "เสียภาษี", "ไหม"]


def test_an_idiom_does_not_swallow_a_question_word():
    # ที่ไหนได้ ("who would have thought") is in the word list; asked, it is ที่ไหน|ได้
    assert tokenize("จ่ายที่ไหนได้บ้าง", registered=False) == ["จ่าย", "ที่ไหน", "ได้", "บ้าง"]


def test_tokenize_default_dictionary_still_there_after_adding_words():
    add_words(["ศพด"])
    assert "ศพด" in extra_words()
    tokens = tokenize("ศพดรับเด็กกี่ขวบ")
    assert tokens[0] == "ศพด"
    # the default word list is merged, not replaced
    assert "เด็ก" in tokens and "ขวบ" in tokens


def test_tokenize_with_call_vocabulary_only_for_that_call():
    assert tokenize("ทุ่งโพธิ์", extra=["ทุ่งโพธิ์"]) == ["ทุ่งโพธิ์"]


def test_syllables_work_offline():
    assert syllables("เบี้ยยังชีพ") == ["เบี้ย", "ยัง", "ชีพ"]


@pytest.fixture
def table():
    return Synonyms({"ผู้สูงอายุ": ["คนแก่", "ผส", "คน ชรา"], "สุนัข": ["หมา", "น้องหมา"]})


def test_synonym_whole_token_only(table):
    add_words(table.words())
    tokens = table.expand(tokenize("ผู้รับเหมาสร้างบ้าน"))
    assert "สุนัข" not in tokens
    assert "ผู้รับเหมา" in tokens


def test_synonym_adds_canonical_after_variant(table):
    add_words(table.words())
    assert table.expand(tokenize("หมากัด")) == ["หมา", "สุนัข", "กัด"]


def test_synonym_replaces_when_asked(table):
    assert table.expand(["คนแก่", "ขอ", "เบี้ย"], keep_original=False) == [
        "ผู้สูงอายุ", "ขอ", "เบี้ย"]


def test_multi_token_variant_needs_whole_sequence(table):
    assert table.expand(["คน", "ชรา"], keep_original=False) == ["ผู้สูงอายุ"]
    assert table.expand(["คน", "ขับรถ"]) == ["คน", "ขับรถ"]


def test_synonyms_load_reports_file(tmp_path):
    bad = tmp_path / "syn.yaml"
    bad.write_text("ผู้สูงอายุ: คนแก่\n", encoding="utf-8")
    with pytest.raises(ValueError, match="syn.yaml"):
        Synonyms.load(bad)
