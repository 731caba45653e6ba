"""Answer a citizen's free-text question from the service manual.

    high   -> the entry's Flex card (steps, documents, contact behind its buttons)
    medium -> "หมายถึงเรื่องใดคะ" with up to three candidates as quick replies
    low    -> an honest "not in the manual", the main menu and an offer to pass the
              question to staff; the question is kept (without who asked) so staff see
              what the manual lacks.

Greetings and thanks get a friendly word, not a manual entry.
"""

from __future__ import annotations

from datetime import datetime

from handlers.manual import cards
from handlers.manual.search import ManualIndex, SearchResult
from handlers.manual.store import index_for, record_unanswered
from handlers.menu import main_menu_items
from handlers.messages import MAX_QUICK_REPLIES, cap, label, reply_with_postback, say
from handlers.routing.edits import office_names
from handlers.satisfaction import offer_for_answer
from handlers.texts import text
from handlers.thai import clean
from storage.models import UnansweredQuestion

CANDIDATES = 3
PREFIX = "manual"

# Small talk: a message made only of these (and fillers) is not a question. Matched by
# longest match on the text without spaces, since the tokenizer cuts some of them oddly
# (หวัดดี -> หวัด|ดี, ขอบคุณค่า -> ขอบ|คุณค่า).
GREETINGS = frozenset("""
สวัสดี หวัดดี ดีครับ ดีค่ะ ดีคับ ดีจ้า ดีคะ อรุณสวัสดิ์ ทักทาย hello hi hey hallo
""".split())
THANKS = frozenset("""
ขอบคุณ ขอบใจ ขอบพระคุณ แต๊งกิ้ว แต๊งกิว thank thanks thx ty
""".split())
ACKS = frozenset("""
โอเค โอเคร ok okay รับทราบ เข้าใจแล้ว ได้เลย เรียบร้อย ได้ค่ะ ได้ครับ 👍 🙏 😊 🙂 ❤️ ❤
""".split())
FILLERS = frozenset("""
ครับ คับ ค่ะ คะ ค่า จ้า จ๊ะ จ้ะ นะ น่ะ ฮะ ฮับ มาก ๆ เลย ทุกคน ทุกท่าน ตอนเช้า ตอนบ่าย
ตอนเย็น you very much so a lot เจ้าหน้าที่ แอดมิน admin ที่ช่วย ตอบ สำหรับ ข้อมูล ! ? . , ~ ^ _ - :) 555
""".split())
_SMALLTALK_WORDS = sorted(
    [(w, "greeting") for w in GREETINGS] + [(w, "thanks") for w in THANKS]
    + [(w, "ack") for w in ACKS] + [(w, "") for w in FILLERS],
    key=lambda pair: -len(pair[0]),
)


# --- small talk -------------------------------------------------------------------


def is_smalltalk(message: str) -> str | None:
    """"greeting", "thanks" or "ack" when the message is only that; otherwise None."""
    rest = clean(message).replace(" ", "").replace("\ufe0f", "")
    kinds: set[str] = set()
    while rest:
        for word, kind in _SMALLTALK_WORDS:
            if rest.startswith(word):
                rest = rest[len(word):]
                if kind:
                    kinds.add(kind)
                break
        else:
            return None
    for kind in ("thanks", "greeting", "ack"):
        if kind in kinds:
            return kind
    return None


def smalltalk_reply(kind: str, org_short_name: str) -> list[dict]:
    if kind == "greeting":
        return [say(text("smalltalk_greeting", org=org_short_name), main_menu_items())]
    if kind == "thanks":
        return [say(text("smalltalk_thanks"))]
    return [say(text("smalltalk_ack"))]


# --- answering --------------------------------------------------------------------


def candidates_message(result: SearchResult, index: ManualIndex) -> dict:
    items = []
    for entry_id in [result.answer_id] + [a for a, _, _ in result.alternatives]:
        entry = index.entry(entry_id) if entry_id else None
        if entry is None or len(items) >= CANDIDATES:
            continue
        short = entry.get("short_title") or entry["title"]
        items.append(reply_with_postback(label(short), f"{PREFIX}:{cards.SHOW}:{entry_id}",
                                         short))
    items.append(reply_with_postback(text("manual_none_of_these"), f"{PREFIX}:none",
                                     text("manual_none_of_these")))
    return say(text("manual_which_one"), items)


def unknown_message(question: UnansweredQuestion | None, org_short_name: str,
                    elsewhere: dict | None = None) -> dict:
    """"I don't know", with the handoff button; when the question is about another
    agency's service (`elsewhere`), who provides it and how to reach them."""
    if elsewhere is None:
        message = text("manual_unknown", org=org_short_name)
    else:
        message = text("manual_elsewhere", org=org_short_name, title=elsewhere["title"],
                       agency=elsewhere["agency"], contact=elsewhere["contact"])
    items = []
    if question is not None and question.id is not None:
        items.append(reply_with_postback(text("manual_handoff_button"),
                                         f"{PREFIX}:handoff:{question.id}",
                                         text("manual_handoff_button")))
    items += main_menu_items()
    return say(message, items[:MAX_QUICK_REPLIES])


def answer_question(question: str, index: ManualIndex, *, session, org, now: datetime
                    ) -> tuple[SearchResult | None, list[dict]]:
    """The search result and the messages to reply with; `session` may be None (no storing)."""
    kind = is_smalltalk(question)
    if kind is not None:
        return None, smalltalk_reply(kind, org.short_name)
    if not clean(question):
        return None, [say(text("smalltalk_empty"), main_menu_items())]
    result = index.search(question)
    if result.confidence == "high":
        entry = index.entry(result.answer_id)
        return result, [cards.entry_card(entry, office_names(session, org))]
    if result.confidence == "medium":
        return result, [candidates_message(result, index)]
    stored = None
    if session is not None:
        stored = record_unanswered(session, org.id, question, result.answer_id, now)
    elsewhere = index.other_agency(result.elsewhere) if result.elsewhere else None
    return result, [unknown_message(stored, org.short_name, elsewhere)]


def answer_text(message: str, ctx) -> list[dict]:
    """The reply to a free-text question (the text handler and `tambon chat` use this)."""
    index = index_for(ctx.session, ctx.org)
    _, messages = answer_question(message, index, session=ctx.session, org=ctx.org,
                                  now=ctx.now)
    return cap(messages)


# --- postbacks from our buttons ---------------------------------------------------


def on_postback(data: str, ctx) -> list[dict]:
    """manual:steps|docs|contact|show:<id>, manual:handoff:<question id>, manual:none."""
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
    if action == cards.SHOW:
        return [cards.entry_card(entry, office_names(ctx.session, org))]
    detail = cards.detail_message(entry, action, office_names(ctx.session, org),
                                  org.short_name)
    # Having read the details, the citizen may rate the answer (ITA asks for satisfaction).
    return [detail, offer_for_answer(ctx, entry_id=argument)]


def _handoff(question_id: str, ctx) -> list[dict]:
    org = ctx.org
    row = None
    if question_id.isdigit():
        row = ctx.session.get(UnansweredQuestion, int(question_id))
    if row is None or row.org_id != org.id:
        return [say(text("manual_handoff_expired"), main_menu_items())]
    # TODO(lead, issue 3): a passed question becomes an inquiry case for the office of
    # row.best_guess_id's entry (or สำนักปลัด), answered back to the citizen by push.
    # handlers.inquiry_handoff.open_inquiry(ctx, question) is expected to create the case
    # and return the messages confirming it. Until it exists we say only what is true:
    # the question is kept (it already is, as an UnansweredQuestion without the user id).
    try:
        from handlers.inquiry_handoff import open_inquiry
    except ImportError:
        return [say(text("manual_handoff_kept", phone=org.phone), main_menu_items())]
    return cap(open_inquiry(ctx, row.text))
