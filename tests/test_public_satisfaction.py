"""Rating over LINE: 1-5 quick replies after an answer or a closed case, once per offer."""

from __future__ import annotations

from sqlalchemy import select

from handlers.cases import ratings
from handlers.chat import satisfaction
from storage.models.ratings import Rating
from tests.line_helpers import quick_reply_labels, texts_of


def offer(make_context, user_id):
    with make_context(user_id) as ctx:
        message = satisfaction.offer_for_answer(ctx, "elderly-allowance")
    return message


def data_for(message, score: int) -> str:
    for item in message["quickReply"]["items"]:
        if item["action"]["data"].endswith(f":{score}"):
            return item["action"]["data"]
    raise AssertionError("no such score")


def test_offer_has_five_scores_and_keeps_no_user_id(make_context, line_user, sessions):
    message = offer(make_context, line_user.user_id)
    labels = quick_reply_labels(message)
    assert len(labels) == 5 and labels[0].startswith("1 ") and labels[-1].startswith("5 ")
    with sessions() as session:
        [row] = session.execute(select(Rating)).scalars().all()
    assert row.score is None and row.subject == "answer"
    assert line_user.user_id not in repr(row.__dict__)
    token = data_for(message, 5).split(":")[1]
    assert token not in (row.token_hash or "")  # only its hash is kept


def test_score_once_then_already(make_context, line_user, sessions):
    message = offer(make_context, line_user.user_id)
    answer = texts_of(line_user.tap(data_for(message, 4)))
    assert "ขอบคุณ" in answer
    assert "ให้คะแนนเรื่องนี้แล้ว" in texts_of(line_user.tap(data_for(message, 1)))
    with sessions() as session:
        [row] = session.execute(select(Rating)).scalars().all()
    assert row.score == 4 and row.rated_at is not None


def test_unknown_or_expired_token(make_context, line_user, clock):
    assert "หมดเวลา" in texts_of(line_user.tap("rate:nosuchtoken:5"))
    message = offer(make_context, line_user.user_id)
    clock.advance(days=31)
    assert "หมดเวลา" in texts_of(line_user.tap(data_for(message, 5)))


def test_comment_after_score_is_sealed(make_context, line_user, sessions, vault):
    message = offer(make_context, line_user.user_id)
    thanks = line_user.tap(data_for(message, 2))
    assert "ไม่มี" in quick_reply_labels(thanks[-1])
    line_user.say("อยากให้บอกเอกสารให้ครบกว่านี้")
    with sessions() as session:
        [row] = session.execute(select(Rating)).scalars().all()
    assert row.score == 2
    assert ratings.open_comment(vault, row) == "อยากให้บอกเอกสารให้ครบกว่านี้"


def test_closed_case_offer_sets_case_satisfaction(line_user, sessions, vault, org, clock):
    from handlers.cases import filing

    with sessions() as session, session.begin():
        filed = filing.file_case(session, vault, org, filing.NewCase(
            kind="grievance", identity_mode="anonymous", channel="web",
            description="ขยะไม่ได้เก็บสองสัปดาห์"), clock())
        filed.case.status = "resolved"
        message = ratings.offer_for_case(session, filed.case, clock())
    assert filed.code in message["text"]
    line_user.tap(data_for(message, 5))
    from storage.models import Case

    with sessions() as session:
        case = session.get(Case, filed.case.id)
    assert case.satisfaction == 5
