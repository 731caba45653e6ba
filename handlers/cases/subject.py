"""A case's subject line for the officers' lists: a short excerpt of what was reported,
so a case need not be opened to know what it is about, and nothing of who reported it.

The excerpt passes through the scrubber (handlers/thai/scrub.py) before it is cut, so a
phone number, an ID number, a name or a house number in the complaint's text becomes a
placeholder and is never half-shown. Only the description (or, for a question passed
to an officer, the question) is opened: never an identity field.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pythainlp.tokenize import word_tokenize
from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers.thai.scrub import scrub
from storage import case_vault
from storage.models.cases import Case, CaseField
from storage.vault import Vault

LENGTH = 80  # characters, about two lines of a phone's table cell
SOURCES = ("description", "question")  # the first a case has is its subject
_PLACEHOLDER = re.compile(r"(\[[^\[\]]{1,30}\])")
# What the scrubber took out says nothing of what the case is about: a subject line drops
# each placeholder with the words that led to it ("ดิฉันชื่อ [ชื่อ]", "โทร [เบอร์โทร]"),
# so "ผมชื่อ [ชื่อ] โทร [เบอร์โทร] ถนนพัง" reads "ถนนพัง". A few letters before a lead
# word go with it (ดิฉัน|ชื่อ, เลขบัตร|ประชาชน), never a whole run of text.
_LEADS = ("ชื่อ", "นามสกุล", "นาย", "นาง", "นางสาว", "น.ส.", "โทร", "เบอร์", "ประชาชน",
          "เลขที่", "ไลน์", "ไอดี", "อีเมล", "line", "id", "email")
_IDENTITY = re.compile(r"(?:\S{0,8}(?:" + "|".join(map(re.escape, _LEADS)) + r")\s?[:：]?\s?)?"
                       + _PLACEHOLDER.pattern, re.IGNORECASE)


def subjects(session: Session, vault: Vault, cases: Sequence[Case],
             length: int = LENGTH) -> dict[int, str]:
    """The subject line of each case, by case id ("" for a case with no text), reading
    the cases' texts in one query."""
    if not cases:
        return {}
    rows = session.execute(select(CaseField).where(
        CaseField.case_id.in_([c.id for c in cases]), CaseField.field.in_(SOURCES))).scalars()
    text_of: dict[int, CaseField] = {}
    for row in sorted(rows, key=lambda r: SOURCES.index(r.field)):
        text_of.setdefault(row.case_id, row)
    lines = {}
    for case in cases:
        row = text_of.get(case.id)
        plain = case_vault.open_field_row(vault, case_vault.case_key(vault, case),
                                          row) if row is not None else ""
        lines[case.id] = excerpt(plain, length)
    return lines


def excerpt(text: str, length: int = LENGTH) -> str:
    """`text` scrubbed and without what was scrubbed, on one line, cut at a word (never
    inside a placeholder left by a lead word this does not know) with "…"."""
    line = " ".join(_IDENTITY.sub(" ", scrub(text)).split())
    if len(line) <= length:
        return line
    kept = ""
    for piece in _PLACEHOLDER.split(line):
        words = [piece] if _PLACEHOLDER.fullmatch(piece) else word_tokenize(
            piece, engine="newmm", keep_whitespace=True)
        for word in words:
            if len(kept) + len(word) > length - 1:
                return kept.rstrip() + "…"
            kept += word
    return kept.rstrip() + "…"
