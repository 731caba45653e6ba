"""Ratings: an answered question or a closed case rated from 1 to 5, with a comment.

The chat (handlers/chat/satisfaction.py) offers a rating after a manual answer; the case
rules call `offer_for_case(session, case, now)` when a case closes.
Its quick replies carry postback data `rate:<token>:<score>`; the dispatcher routes the
`rate:` prefix to `on_postback` here. The token is random and only its hash is stored,
so a rating keeps no user id: whoever holds the token may rate, once.

After a score, the next text the citizen types is taken as a comment (this module is a
flow named "satisfaction" for that one message; "ไม่มี" skips it).

The web form (/rate, after tracking a closed case) calls `rate_case`.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select

from handlers.messages import reply_with_postback, say
from handlers.texts import text
from storage.models.ratings import Rating

PREFIX = "rate"
FLOW = "satisfaction"
SCORES = (1, 2, 3, 4, 5)
OFFER_LIFE = timedelta(days=30)
COMMENT_LIMIT = 1000
SKIP = "skip"


class RatingError(ValueError):
    """A rating that cannot be taken; `key` names the Thai text that says why."""

    def __init__(self, key: str, **values):
        super().__init__(key)
        self.key, self.values = key, values


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _comment_aad(rating: Rating) -> str:
    return f"ratings:{rating.id}:comment"


def stars(score: int) -> str:
    return "★" * score + "☆" * (5 - score)


# --- offering ------------------------------------------------------------------------


def new_offer(session, org_id: str, now: datetime, subject: str, *, case=None,
              entry_id: str | None = None, channel: str = "line") -> str:
    """Store an offer and return its token (to put in the quick replies' postback data)."""
    token = secrets.token_urlsafe(16)
    session.add(Rating(org_id=org_id, subject=subject, case_id=getattr(case, "id", None),
                       kind=getattr(case, "kind", None), office_id=getattr(case, "office_id", None),
                       entry_id=entry_id, channel=channel, token_hash=_hash(token),
                       offered_at=now))
    return token


def rating_message(token: str, prompt: str) -> dict:
    items = [reply_with_postback(text("rate_label", score=score, stars=stars(score)),
                                 f"{PREFIX}:{token}:{score}", str(score))
             for score in SCORES]
    return say(prompt, items)


def offer_for_case(session, case, now: datetime) -> dict:
    """The 1-5 quick replies to push to the complainant when `case` closes."""
    token = new_offer(session, case.org_id, now, "case", case=case, channel=case.channel)
    return rating_message(token, text("rate_ask_case", code=case.code))


# --- taking a rating -----------------------------------------------------------------


def find_offer(session, token: str) -> Rating | None:
    return session.execute(
        select(Rating).where(Rating.token_hash == _hash(token))).scalar_one_or_none()


def already_rated(session, case_id: int | None, but: int | None = None) -> Rating | None:
    if case_id is None:
        return None
    query = select(Rating).where(Rating.case_id == case_id, Rating.score.is_not(None))
    if but is not None:
        query = query.where(Rating.id != but)
    return session.execute(query.limit(1)).scalar_one_or_none()


def set_score(session, rating: Rating, score: int, now: datetime) -> None:
    rating.score = score
    rating.rated_at = now
    if rating.case_id is not None:
        from storage.models import Case

        case = session.get(Case, rating.case_id)
        if case is not None:
            case.satisfaction = score


def set_comment(session, vault, rating: Rating, comment: str) -> None:
    comment = comment.strip()[:COMMENT_LIMIT]
    if not comment:
        return
    if rating.id is None:
        session.flush()
    rating.sealed_comment = vault.seal(comment.encode(), _comment_aad(rating))


def open_comment(vault, rating: Rating) -> str | None:
    if rating.sealed_comment is None:
        return None
    return vault.open(rating.sealed_comment, _comment_aad(rating)).decode()


def rate_case(session, vault, case, score: int, comment: str, now: datetime,
              channel: str = "web") -> Rating:
    """A rating of a closed case from the web form (the caller has checked the secret)."""
    if score not in SCORES:
        raise RatingError("public_error_score")
    if case.status not in ("resolved", "not_substantiated", "forwarded"):
        raise RatingError("public_rate_not_yet")
    done = already_rated(session, case.id)
    if done is not None:
        raise RatingError("public_rate_done", score=done.score)
    rating = Rating(org_id=case.org_id, subject="case", case_id=case.id, kind=case.kind,
                    office_id=case.office_id, channel=channel, offered_at=now)
    session.add(rating)
    set_score(session, rating, score, now)
    session.flush()
    set_comment(session, vault, rating, comment)
    return rating


def case_rating(session, case) -> Rating | None:
    return already_rated(session, case.id)
