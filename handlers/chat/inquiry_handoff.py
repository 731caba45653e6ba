"""Passing a question the manual could not answer to staff, as an inquiry case.

The case is confidential: the asker's LINE id is sealed with it so the officer's answer can
be pushed back, but officers see the question, not who asked. Routing picks the office by
the question's subject (สำนักปลัด when nothing matches).
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from handlers.cases.filing import NewCase, file_case
from handlers.chat.context import Context
from handlers.chat.menu import main_menu_items
from handlers.messages import say
from handlers.texts import text
from handlers.thai_dates import thai_date
from storage.models.cases import Case

# A second tap on the same button within this time does not open a second case.
REPEAT_WINDOW = timedelta(minutes=10)


def open_inquiry(ctx: Context, question: str) -> list[dict]:
    if not ctx.user_id:
        return [say(text("manual_handoff_kept", phone=ctx.org.phone), main_menu_items())]
    recent = _recent_inquiry(ctx)
    if recent is not None:
        return [say(text("inquiry_already_sent", code=recent.code), main_menu_items())]
    filed = file_case(ctx.session, ctx.vault, ctx.org,
                      NewCase(kind="inquiry", identity_mode="confidential", channel=ctx.channel,
                              question=question, line_user_id=ctx.user_id), ctx.now)
    ctx.extras["case_code"] = filed.code
    return [say(text("inquiry_sent", code=filed.code, office=filed.office_name,
                     date=thai_date(filed.due_at)), main_menu_items())]


def _recent_inquiry(ctx: Context) -> Case | None:
    return ctx.session.execute(
        select(Case).where(Case.user_key == ctx.user_key, Case.kind == "inquiry",
                           Case.created_at > ctx.now - REPEAT_WINDOW)
        .order_by(Case.id.desc()).limit(1)
    ).scalars().first()
