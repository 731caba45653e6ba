"""The citizen's own words in a complaint.

Every text typed that tells the story is kept in the description, in the order it was
typed, whatever step it was typed at (the evidence step, the summary, a question that
wanted a name or a choice). A text that is not a story is not taken as one: a bare phone
number (typed to correct the phone), a case code, a question the service manual answers.
The citizen is told kindly what it looked like and may still keep it ("ใช้ข้อความนี้").
"""

from __future__ import annotations

from dataclasses import dataclass

from handlers.cases import codes
from handlers.chat import reports
from handlers.chat.context import Context
from handlers.chat.flows.complaint_input import phone_digits, read_phone, words
from handlers.routing.edits import router_for

MAX_DESCRIPTION = 4000
# A text this long typed where the dialog wanted something else (a choice, a name, a
# phone number) is part of the story, not a wrong answer to drop.
STORY_MIN = 12
# Words around a case code that still make the message only the code.
CODE_ONLY = 12


@dataclass(frozen=True)
class NotAStory:
    """Why a text typed as the story is not one."""

    reason: str  # "phone" | "bad_phone" | "code" | "question"
    phone: str | None = None  # the number written the usual way ("phone")
    phone_problem: str | None = None  # why it is no number ("bad_phone")
    digits: int = 0  # how many digits it has ("bad_phone")
    code: str | None = None
    entry: dict | None = None  # the manual entry the question is about ("question")


def add(st: dict, typed: str) -> bool:
    """Append `typed` to the description (a new line each time). False when the
    description was full and the text was cut."""
    typed = words(typed)
    old = st.get("description") or ""
    whole = f"{old}\n{typed}" if old else typed
    st["description"] = whole[:MAX_DESCRIPTION]
    return len(whole) <= MAX_DESCRIPTION


def has_story(st: dict) -> bool:
    return bool((st.get("description") or "").strip())


def looks_like_story(typed: str) -> bool:
    """A text typed at a step that wanted something short, long enough to be the story."""
    return len(words(typed)) >= STORY_MIN


def not_a_story(typed: str, ctx: Context) -> NotAStory | None:
    """Why `typed` is not a description of what happened, or None when it may be one."""
    phone, problem = read_phone(typed)
    if phone is not None:
        return NotAStory("phone", phone=phone)
    if problem in ("mobile_length", "landline_length"):
        return NotAStory("bad_phone", phone_problem=problem, digits=len(phone_digits(typed) or ""))
    code, rest = codes.extract(typed)
    if code is not None and len(words(rest)) <= CODE_ONLY:
        return NotAStory("code", code=code)
    return _question(typed, ctx)


def reading(typed: str, ctx: Context) -> reports.Reading:
    """What the text tells (reports.py), with the organization's routing and synonyms."""
    return reports.read(typed, router_for(ctx.session, ctx.org), ctx.manual_index().synonyms)


def _question(typed: str, ctx: Context) -> NotAStory | None:
    """A question the manual answers and that reports nothing ("เบี้ยคนแก่ต้องใช้อะไรบ้าง")."""
    read = reading(typed, ctx)
    if not read.asks or read.reports:
        return None
    index = ctx.manual_index()
    result = index.search(typed)
    if result.confidence != "high":
        return None
    return NotAStory("question", entry=index.entry(result.answer_id))
