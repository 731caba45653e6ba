"""Answer a citizen's free-text message: a report is offered to be filed, a question is
answered from the service manual with what it asked for first.

    a report, no question   -> the offer to file it, the text filled in (flows/offer.py)
    high                    -> the fact asked (fee, hours, pay day, documents ...) in one
                               short message, the card behind "ดูทั้งหมด"; the card when
                               the question asks how to do the whole thing
    medium                  -> "หมายถึงเรื่องใดคะ" with up to three candidates
    low                     -> an honest "not in the manual", the main menu and an offer
                               to pass the question to staff (not for a topic no office
                               answers: lottery, gold prices ...); the question is kept
                               (without who asked) so staff see what the manual lacks
    a question that reports -> the answer, then the offer to file it

Greetings and thanks get a friendly word, not a manual entry (smalltalk.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from handlers.chat import reports
from handlers.chat.flows import offer as report_offer
from handlers.chat.inquiry_handoff import open_inquiry
from handlers.chat.menu import main_menu_items
from handlers.chat.satisfaction import offer_for_answer
from handlers.chat.smalltalk import is_smalltalk, smalltalk_reply
from handlers.manual import cards, facts
from handlers.manual.asked import asked
from handlers.manual.search import ManualIndex, SearchResult
from handlers.manual.store import index_for, record_unanswered
from handlers.messages import MAX_MESSAGES, MAX_QUICK_REPLIES, cap, label, reply_with_postback, say
from handlers.routing.edits import office_names, router_for
from handlers.routing.router import Router
from handlers.texts import text
from handlers.thai import clean
from storage.models import UnansweredQuestion

__all__ = ["Answer", "answer_question", "answer_text", "is_smalltalk", "on_postback", "reply"]

CANDIDATES = 3
PREFIX = "manual"


@dataclass
class Answer:
    result: SearchResult | None
    messages: list[dict]
    # A report the messages offer to file (the caller keeps the text for the offer).
    offer: reports.Reading | None = None
    facts: list[str] = field(default_factory=list)


def candidates_message(result: SearchResult, index: ManualIndex, asked_code: str = "") -> dict:
    items = []
    for entry_id in [result.answer_id] + [a for a, _, _ in result.alternatives]:
        entry = index.entry(entry_id) if entry_id else None
        if entry is None or len(items) >= CANDIDATES:
            continue
        short = cards.short_title(entry)
        data = f"{PREFIX}:{cards.SHOW}:{entry_id}" + (f":{asked_code}" if asked_code else "")
        items.append(reply_with_postback(label(short), data, short))
    items.append(reply_with_postback(text("manual_none_of_these"), f"{PREFIX}:none",
                                     text("manual_none_of_these")))
    return say(text("manual_which_one"), items)


def likely_answer(result: SearchResult, index: ManualIndex, asked_facts: list[str], pay: bool,
                  org, names=None) -> dict | None:
    """Unsure which entry, but the question asks one fact: that fact of the likeliest entry,
    said as "if you mean ...", with the other candidates one tap away. (On the tuning
    questions the likeliest entry of an unsure answer was the right one 80 times in 90.)"""
    entry = index.entry(result.answer_id) if result.answer_id else None
    if entry is None or not asked_facts:
        return None
    first = facts.answer(entry, asked_facts, pay, org.phone, hedged=True, names=names)
    if first is None:
        return None
    others = candidates_message(result, index, facts.encode(asked_facts, pay))
    items = [i for i in others["quickReply"]["items"]
             if i["action"]["data"].split(":")[2:3] != [entry["id"]]]
    first["quickReply"]["items"] = [first["quickReply"]["items"][0], *items]
    return first


def unknown_message(question: UnansweredQuestion | None, org_short_name: str,
                    elsewhere: dict | None = None, handoff: bool = True) -> dict:
    """"I don't know", with the handoff button (not for a topic no office answers); when
    the question is about another agency's service (`elsewhere`), who provides it and
    how to reach them."""
    if elsewhere is None:
        key = "manual_unknown" if handoff else "manual_off_topic"
        message = text(key, org=org_short_name)
    else:
        message = text("manual_elsewhere", org=org_short_name, title=elsewhere["title"],
                       agency=elsewhere["agency"], contact=elsewhere["contact"])
    items = []
    if handoff and question is not None and question.id is not None:
        items.append(reply_with_postback(text("manual_handoff_button"),
                                         f"{PREFIX}:handoff:{question.id}",
                                         text("manual_handoff_button")))
    items += main_menu_items()
    return say(message, items[:MAX_QUICK_REPLIES])


def entry_answer(entry: dict, asked_facts: list[str], pay: bool, names, org) -> dict:
    """The fact asked first, or the card when the question asks for no single fact."""
    first = facts.answer(entry, asked_facts, pay, org.phone, names=names)
    return first if first is not None else cards.entry_card(entry, names)


def answer_question(question: str, index: ManualIndex, *, session, org,
                    now: datetime | None) -> tuple[SearchResult | None, list[dict]]:
    """The search result and the messages answering `question` from the manual, with no
    offer to file a report (a group chat's answer); `session` may be None (nothing
    stored)."""
    answer = reply(question, index, session=session, org=org, now=now)
    return answer.result, answer.messages


def reply(question: str, index: ManualIndex, *, session, org, now: datetime | None,
          router: Router | None = None) -> Answer:
    """What to reply; `session` may be None (nothing stored), `router` None (no report
    is looked for, so none is offered)."""
    kind = is_smalltalk(question)
    if kind is not None:
        return Answer(None, smalltalk_reply(kind, org.short_name))
    if not clean(question):
        return Answer(None, [say(text("smalltalk_empty"), main_menu_items())])
    reading = reports.read(question, router, index.synonyms) if router is not None else None
    if reading is not None and reading.offer_alone:
        return Answer(None, [report_offer.message(reading)], reading)
    result = index.search(question)
    asked_facts, pay = asked(question, index.synonyms, result.features.get("tokens", ()))
    if result.confidence == "high":
        entry = index.entry(result.answer_id)
        messages = [entry_answer(entry, asked_facts, pay, office_names(session, org), org)]
    elif result.confidence == "medium":
        messages = [likely_answer(result, index, asked_facts, pay, org,
                                  office_names(session, org))
                    or candidates_message(result, index, facts.encode(asked_facts, pay))]
    else:
        stored = None
        if session is not None:
            stored = record_unanswered(session, org.id, question, result.answer_id, now)
        elsewhere = index.other_agency(result.elsewhere) if result.elsewhere else None
        messages = [unknown_message(stored, org.short_name, elsewhere,
                                    handoff=result.off_topic is None)]
    if reading is not None and reading.offer_after:
        # Only the last message's quick replies show: the answer's move under the offer.
        last = messages[-1]
        more = last.pop("quickReply", {}).get("items", [])[:MAX_QUICK_REPLIES - 1]
        messages = messages[:MAX_MESSAGES - 1] + [report_offer.message(reading, more)]
        return Answer(result, messages, reading, asked_facts)
    return Answer(result, messages, None, asked_facts)


def answer_text(message: str, ctx, offer: bool = True) -> list[dict]:
    """The reply to a free-text message (the text handler and `tambon chat` use this);
    `offer=False` answers a report from the manual without offering to file it."""
    index = index_for(ctx.session, ctx.org)
    router = router_for(ctx.session, ctx.org) if offer else None
    answer = reply(message, index, session=ctx.session, org=ctx.org, now=ctx.now,
                   router=router)
    if answer.offer is not None:
        report_offer.remember(ctx, message, answer.offer)
    return cap(answer.messages)


# --- postbacks from our buttons ---------------------------------------------------


def on_postback(data: str, ctx) -> list[dict]:
    """manual:steps|docs|contact|show:<id>[:<facts asked>], manual:handoff:<question id>,
    manual:none."""
    parts = data.split(":")
    if len(parts) < 2 or parts[0] != PREFIX:
        return [say(text("manual_unknown_entry"), main_menu_items())]
    action = parts[1]
    argument = parts[2] if len(parts) > 2 else ""
    org = ctx.org
    if action == "none":
        return [say(text("manual_none_reply", org=org.short_name, phone=org.phone),
                    main_menu_items())]
    if action == "handoff":
        return _handoff(argument, ctx)
    if action not in (cards.SHOW, cards.STEPS, cards.DOCS, cards.CONTACT):
        return [say(text("manual_unknown_entry"), main_menu_items())]
    entry = index_for(ctx.session, org).entry(argument)
    if entry is None:
        return [say(text("manual_unknown_entry"), main_menu_items())]
    names = office_names(ctx.session, org)
    if action == cards.SHOW:
        # A candidate chosen after "หมายถึงเรื่องใดคะ" still answers what was asked.
        asked_facts, pay = facts.decode(parts[3] if len(parts) > 3 else "")
        return [entry_answer(entry, asked_facts, pay, names, org)]
    details = cards.detail_messages(entry, action, names)
    # Having read the details, the citizen may rate the answer (ITA asks for satisfaction).
    return cap([*details, offer_for_answer(ctx, entry_id=argument)])


def _handoff(question_id: str, ctx) -> list[dict]:
    org = ctx.org
    row = None
    if question_id.isdigit():
        row = ctx.session.get(UnansweredQuestion, int(question_id))
    if row is None or row.org_id != org.id:
        return [say(text("manual_handoff_expired"), main_menu_items())]
    return cap(open_inquiry(ctx, row.text))
