"""Hostile input at the public tip form and tracking page, and guessing case secrets.

- Any text in any field of /tip, /track and /track/add: never a 500, and a Thai page.
- Guessing is rate-limited (per address) and locked (per case) as specified.
- Rejecting a wrong secret takes the same time whether or not the case exists.
"""

from __future__ import annotations

import re
import statistics
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from bot import limits
from handlers.cases.tracking import MAX_TRIES
from storage.models import Case
from tests.public_helpers import csrf_of, receipt_of, reset_limits, submit_tip
from tests.test_hostile_webhook import FRAGMENTS, odd_text

THAI = re.compile(r"[\u0e00-\u0e7f]")
HYPOTHESIS = settings(max_examples=60, deadline=None, derandomize=True,
                      suppress_health_check=[HealthCheck.function_scoped_fixture,
                                             HealthCheck.too_slow,
                                             HealthCheck.data_too_large])
form_text = st.one_of(odd_text, st.just(""), st.sampled_from(FRAGMENTS))
# What a browser can send in a form field: no lone surrogates (they cannot be UTF-8).
form_text = form_text.map(lambda t: t.encode("utf-8", "replace").decode("utf-8"))



@pytest.fixture
def tip(client):
    return receipt_of(client, submit_tip(client, description="ถนนหน้าโรงเรียนเป็นหลุมลึก",
                                         location="หมู่ 2"))


def _token(client, page="/track") -> str:
    return csrf_of(client.get(page).get_data(as_text=True))


def _track(client, code, secret, environ_base=None):
    return client.post("/track", data={"csrf_token": _token(client), "code": code,
                                       "secret": secret}, environ_base=environ_base or {})


@HYPOTHESIS
@given(kind=st.one_of(st.sampled_from(["grievance", "corruption", "suggestion", "inquiry",
                                       ""]), form_text),
       description=form_text, location=form_text, when=form_text, who=form_text,
       contact=form_text)
def test_tip_form_never_500(client, kind, description, location, when, who, contact):
    reset_limits(client)
    answer = submit_tip(client, kind=kind, description=description, location=location,
                        when=when, who=who, contact=contact)
    assert answer.status_code in (200, 302, 303, 400, 413), answer.status_code
    if answer.status_code in (302, 303):
        answer = client.get(answer.headers["Location"])
    assert answer.status_code < 500
    assert THAI.search(answer.get_data(as_text=True))


@settings(HYPOTHESIS, max_examples=25)  # two Argon2 checks an example
@given(code=form_text, secret=form_text, info=form_text)
def test_track_pages_never_500(client, tip, code, secret, info):
    reset_limits(client)
    answer = _track(client, code, secret)
    assert answer.status_code in (200, 400), answer.status_code
    assert THAI.search(answer.get_data(as_text=True))
    real_code, real_secret = tip
    added = client.post("/track/add", data={
        "csrf_token": _token(client), "code": real_code, "secret": real_secret,
        "info": info, "description": info}, content_type="multipart/form-data")
    assert added.status_code in (200, 400), added.status_code
    _unlock(client, real_code)


def _unlock(client, code) -> None:
    """Forget the wrong tries at `code`, whether a case or only a guard holds them."""
    from storage.models import SecretGuard

    services = client.application.extensions["tambon"]
    with services.sessions() as session, session.begin():
        for holder in (session.execute(select(Case).where(Case.code == code)).scalar_one_or_none(),
                       session.get(SecretGuard, code)):
            if holder is not None:
                holder.secret_failures, holder.secret_window_start = 0, None
                holder.locked_until = None


def test_guessing_from_one_address_is_rate_limited(client, tip):
    code, _ = tip
    address = {"REMOTE_ADDR": "203.0.113.9"}
    answers = []
    for i in range(limits.TRACK.limit + 3):
        answers.append(_track(client, f"TH-AAAA-{i:04d}", "0000 0000 0000 0000", address))
    limited = [a for a in answers if "ถี่เกินไป" in a.get_data(as_text=True)
               or a.status_code == 429]
    assert len(limited) >= 3, [a.status_code for a in answers]
    # Another address is not held back by the first one's guessing.
    assert "ถี่เกินไป" not in _track(client, code, "1", {"REMOTE_ADDR": "198.51.100.7"}
                                      ).get_data(as_text=True)


def test_five_wrong_secrets_lock_the_case_even_for_the_right_one(client, tip):
    code, secret = tip
    for _ in range(MAX_TRIES):
        reset_limits(client)
        assert _track(client, code, "1111 1111 1111 1111").status_code == 400
    reset_limits(client)
    locked = _track(client, code, secret)
    assert locked.status_code == 400
    assert code not in locked.get_data(as_text=True).replace(f'value="{code}"', "")


def _median_reject_seconds(client, code: str, rounds: int, reset=None) -> list[float]:
    times = []
    for _ in range(rounds):
        reset_limits(client)
        token = _token(client)
        start = time.perf_counter()
        answer = client.post("/track", data={"csrf_token": token, "code": code,
                                             "secret": "1234 5678 1234 5678"})
        times.append(time.perf_counter() - start)
        assert answer.status_code == 400
        if reset:
            reset()
    return times


def test_rejecting_a_wrong_secret_takes_as_long_for_a_case_that_does_not_exist(client, tip):
    code, _ = tip
    missing = code[:-4] + ("ZZZZ" if not code.endswith("ZZZZ") else "YYYY")
    exists, absent = [], []
    for _ in range(4):  # interleaved, so a busy machine slows both alike
        exists += _median_reject_seconds(client, code, 3, reset=lambda: _unlock(client, code))
        absent += _median_reject_seconds(client, missing, 3,
                                         reset=lambda: _unlock(client, missing))
    a, b = statistics.median(exists), statistics.median(absent)
    print(f"\nwrong secret rejected in {a * 1000:.0f} ms (case exists) vs "
          f"{b * 1000:.0f} ms (no such case)")
    assert 0.6 < a / b < 1.6


def test_a_locked_case_answers_like_a_code_that_does_not_exist(client, tip):
    code, _ = tip
    missing = code[:-4] + ("ZZZZ" if not code.endswith("ZZZZ") else "YYYY")
    for target in (code, missing):
        for _ in range(MAX_TRIES):
            reset_limits(client)
            _track(client, target, "1111 1111 1111 1111")
    reset_limits(client)
    locked = _track(client, code, "2222 2222 2222 2222").get_data(as_text=True)
    reset_limits(client)
    absent = _track(client, missing, "2222 2222 2222 2222").get_data(as_text=True)
    strip = re.compile(r'value="[^"]*"|name="csrf_token"[^>]*')
    assert strip.sub("", locked).replace(code, "X") == strip.sub("", absent).replace(missing,
                                                                                       "X")
    exists, absent = [], []
    for _ in range(4):  # interleaved, so a busy machine slows both alike
        exists += _median_reject_seconds(client, code, 3)
        absent += _median_reject_seconds(client, missing, 3)
    a, b = statistics.median(exists), statistics.median(absent)
    print(f"\nlocked: rejected in {a * 1000:.0f} ms (case exists) vs "
          f"{b * 1000:.0f} ms (no such case)")
    assert 0.6 < a / b < 1.6
