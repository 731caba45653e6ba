"""The one question the complaint flow asks when routing cannot tell whether a complaint
accuses one of the organization's officials (issue 14): asked rather than guessed, and
the answer filed with the case (NewCase.accusation_answer, kept on the case)."""

from __future__ import annotations

from handlers.chat.flows.complaint_input import NO_WORDS, YES_WORDS, is_one_of
from handlers.messages import reply_with_text, say
from handlers.texts import text

STEP = "accusation"
KEY = "accusation_answer"


def ask(cancel_quick: list[dict]) -> list[dict]:
    return [say(text("accusation_question"), quick(cancel_quick))]


def again(cancel_quick: list[dict]) -> list[dict]:
    return [say(text("complaint_accusation_again"), quick(cancel_quick))]


def quick(cancel_quick: list[dict]) -> list[dict]:
    return [reply_with_text(text("complaint_q_accusation_yes")),
            reply_with_text(text("complaint_q_accusation_no")), *cancel_quick]


def take_answer(st: dict, typed: str) -> bool:
    """Keep the answer in the flow's state; False when `typed` answers nothing."""
    if typed == text("complaint_q_accusation_yes") or is_one_of(typed, YES_WORDS):
        st[KEY] = True
    elif typed == text("complaint_q_accusation_no") or is_one_of(typed, NO_WORDS):
        st[KEY] = False
    else:
        return False
    return True
