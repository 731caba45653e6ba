"""The fact a question asked for, from its manual entry, first and short.

"ค่าเก็บขยะเดือนละเท่าไหร่" is answered with the fee and where to pay it, "อบต.เปิดกี่โมง"
with the opening hours, "เบี้ยคนชราเข้าวันไหน" with the pay day: one message under
`FIRST_BUBBLE` characters, the entry's short title above, the whole card one tap away
("ดูทั้งหมด"). Where the entry has urgent advice (a bite, a fire, someone collapsed) and
the question tells of an emergency, that advice comes first.

`value(entry, fact)` is what the message shows for each fact; bench/eval_answers.py checks
that the first message of an answer carries it for the fact a question is labelled with.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from handlers.manual.cards import (
    CONTACT,
    DOCS,
    SHOW,
    STEPS,
    document_lines,
    office_name,
    postback,
    short_title,
)
from handlers.messages import FIRST_BUBBLE, reply_with_postback, say
from handlers.texts import text

MOST_FACTS = 2  # facts answered in the first message; the rest are on the card


def value(entry: dict, fact: str, pay: bool = False) -> str | None:
    """The entry's text for `fact` (None when the entry has none)."""
    channel = entry["channel"]
    if fact == "hours":
        return channel.get("days_hours") or None
    if fact == "fee":
        return entry.get("fee") or None
    if fact in ("amount", "payday", "urgent"):
        return entry.get(fact) or None
    if fact == "time":
        return entry.get("total_duration") or None
    if fact == "where":
        return (entry.get("pay_at") if pay else None) or channel.get("place") or None
    if fact == "phone":
        return channel.get("phone") or None
    if fact == "documents":
        return "\n".join(document_lines(entry)) if entry.get("documents") else None
    return None


def resolve(entry: dict, facts: Sequence[str], pay: bool = False) -> list[str]:
    """The facts to answer for this entry, those it has a value for, urgent advice first
    when the entry has it: money asked about is the amount received when the entry pays
    one (an allowance), else the fee; "when" is the pay day of an entry that pays one,
    "got" that or else how long it takes."""
    out: list[str] = []
    for fact in facts:
        if fact == "money":
            fact = "amount" if entry.get("amount") else "fee"
        elif fact in ("when", "got"):
            # when one gets it: the pay day, or how long it takes; "when" alone, only
            # an entry's pay day
            fact = "payday" if entry.get("payday") or fact == "when" else "time"
        if fact not in out and value(entry, fact, pay):
            out.append(fact)
    return out


def answer(entry: dict, facts: Sequence[str], pay: bool = False,
           org_phone: str = "", hedged: bool = False,
           names: Mapping[str, str] | None = None) -> dict | None:
    """The short message answering `facts` from `entry`, or None when it has none of them
    (the card answers then). `hedged`: unsure the entry is the one meant ("หากหมายถึง ...")."""
    wanted = resolve(entry, facts, pay)
    if not wanted:
        return None
    title = text("manual_fact_title_hedged" if hedged else "manual_fact_title",
                 title=short_title(entry))
    lines = [title]
    for fact in wanted[:MOST_FACTS]:
        shown = _lines(entry, fact, pay, org_phone, names)
        if len("\n".join([*lines, *shown])) > FIRST_BUBBLE and len(lines) > 1:
            break
        lines += shown
    more = text("manual_fact_other" if hedged else "manual_fact_more")
    if len("\n".join([*lines, more])) <= FIRST_BUBBLE:
        lines.append(more)
    return say("\n".join(lines)[:FIRST_BUBBLE], answer_quick_replies(entry))


def _lines(entry: dict, fact: str, pay: bool, org_phone: str,
           names: Mapping[str, str] | None) -> list[str]:
    key = "pay_at" if fact == "where" and pay and entry.get("pay_at") else fact
    lines = [text(f"manual_fact_{key}", value=value(entry, fact, pay))]
    office = office_name(entry["office"], names)
    if key == "where" and office not in lines[0]:
        # the office as the organization names it (edited in the console), first
        lines.insert(0, text("manual_fact_office", office=office))
    if fact == "fee" and entry.get("pay_at"):
        lines.append(text("manual_fact_pay_at", value=entry["pay_at"]))
    if fact == "where" and not pay and entry["channel"].get("online"):
        lines.append(text("manual_fact_online", value=entry["channel"]["online"]))
    if fact == "phone" and org_phone and org_phone not in lines[0]:
        lines.append(text("manual_fact_org_phone", phone=org_phone))
    return lines


def answer_quick_replies(entry: dict) -> list[dict]:
    """The whole card, and each of its details, one tap away."""
    entry_id = entry["id"]
    items = [reply_with_postback(text("manual_q_show_all"), postback(SHOW, entry_id),
                                 short_title(entry))]
    for action, key in ((STEPS, "manual_card_button_steps"), (DOCS, "manual_card_button_docs"),
                        (CONTACT, "manual_card_button_contact")):
        items.append(reply_with_postback(text(key), postback(action, entry_id), text(key)))
    return items


def encode(facts: Sequence[str], pay: bool) -> str:
    """The facts asked, for a candidate's postback data ("fee+where+pay")."""
    return "+".join([*facts, *(["pay"] if pay else [])])


def decode(data: str) -> tuple[list[str], bool]:
    parts = [p for p in data.split("+") if p]
    return [p for p in parts if p != "pay"], "pay" in parts

