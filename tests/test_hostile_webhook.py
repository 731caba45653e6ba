"""Hostile input at the webhook: validly signed bodies of every odd shape (hypothesis).

For every body: no 500 (200 for a LINE webhook object, 400 for what is not one), the worker
never lets an exception out, no event is stored twice (a redelivery changes nothing), and a
user who wrote, tapped or followed gets an answer in Thai (at worst the apology).
"""

from __future__ import annotations

import json
import re
import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from bot.chat import sign
from storage.models import InboxEvent

THAI = re.compile(r"[\u0e00-\u0e7f]")

ODD_CHARS = (
    "\u200b\u200c\u200d\u2060\ufeff"  # zero-width
    "\u0e31\u0e34\u0e35\u0e47\u0e48\u0e49\u0e4c\u0301\u0308"  # combining marks
    "\u202e\u202d\u200f"  # direction overrides
    "\x00\x01\x07\x08\x0b\x1b\x7f\x85\u2028\u2029\t\r\n"  # control characters
    "😀🙏👍🏽👨‍👩‍👧🇹🇭"  # emoji, with modifiers and joiners
    "กขคงจฉชซญดตถทนบปผพฟมยรลวศสหอฮะาำเแโใไๆ๑๒๓"
    "'\"\\;%_<>&/`$"
)
FRAGMENTS = [
    "'; DROP TABLE inbox_events; --", "\" OR 1=1 --", "1; SELECT pg_sleep(5)",
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "{{7*7}}", "${jndi:x}",
    "%s%s%n", "../../etc/passwd", "เมนู", "ติดต่อ อบต.", "ขอเบี้ยผู้สูงอายุต้องใช้อะไรบ้าง",
    "ร้องเรียน", "ติดตามเรื่อง", "TD-0000-0000", "", " ", "\u200b", "null", "NaN",
]

odd_text = st.one_of(
    st.text(alphabet=st.sampled_from(ODD_CHARS), max_size=60),
    st.text(max_size=40),  # any code point Python has, surrogates excepted
    st.sampled_from(FRAGMENTS),
    st.builds(lambda a, b: a + b, st.sampled_from(FRAGMENTS),
              st.text(alphabet=st.sampled_from(ODD_CHARS), max_size=20)),
    st.integers(1, 12_000).map(lambda n: "ก" * n),  # up to well past LINE's 5,000
)
json_scalar = st.one_of(st.none(), st.booleans(), st.integers(-(2**70), 2**70),
                        st.floats(allow_nan=False, allow_infinity=False), odd_text)
json_value = st.recursive(json_scalar, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=12)

EVENT_TYPES = ["message", "follow", "unfollow", "postback", "join", "leave", "memberJoined",
               "beacon", "accountLink", "things", "unsend", "videoPlayComplete", "membership",
               "brandNewThing", "", "MESSAGE"]
MESSAGE_TYPES = ["text", "image", "video", "audio", "file", "location", "sticker", "imagemap",
                 "hologram", ""]
POSTBACK_DATA = ["manual:none", "manual:show:nope", "manual:handoff:99999999", "manual:",
                 "rate:5", "rate:x:y:z", "complaint:start", "track:start", ":", "", "x" * 300]


@st.composite
def events(draw):
    user = draw(st.sampled_from(["U" + uuid.uuid4().hex, "U" + uuid.uuid4().hex]))
    kind = draw(st.sampled_from(EVENT_TYPES))
    event = {
        "type": kind,
        "mode": draw(st.sampled_from(["active", "active", "standby", "odd"])),
        "timestamp": draw(st.one_of(st.integers(0, 2**53), st.just(1_700_000_000_000),
                                    st.floats(allow_nan=False), st.text(max_size=5))),
        "source": draw(st.one_of(
            st.just({"type": "user", "userId": user}),
            st.just({"type": "group", "groupId": "C" + uuid.uuid4().hex, "userId": user}),
            st.just({"type": "room", "roomId": "R1"}),
            json_value)),
        "webhookEventId": draw(st.one_of(st.just(uuid.uuid4().hex.upper()), odd_text,
                                         st.integers())),
        "deliveryContext": {"isRedelivery": draw(st.booleans())},
        "replyToken": draw(st.one_of(st.just(uuid.uuid4().hex), st.none(), json_scalar)),
    }
    if kind == "message" or draw(st.booleans()):
        event["message"] = draw(st.one_of(
            st.fixed_dictionaries({"type": st.just("text"), "id": st.text(max_size=20),
                                   "text": odd_text}),
            st.fixed_dictionaries({"type": st.sampled_from(MESSAGE_TYPES),
                                   "id": st.one_of(st.text(max_size=20), st.integers())}),
            json_value))
    if kind == "postback" or draw(st.booleans()):
        event["postback"] = draw(st.one_of(
            st.fixed_dictionaries({"data": st.one_of(st.sampled_from(POSTBACK_DATA),
                                                     odd_text)}),
            json_value))
    # Now and then a field goes missing or takes a wrong type.
    for key in draw(st.lists(st.sampled_from(sorted(event)), max_size=3)):
        if draw(st.booleans()):
            event.pop(key, None)
        else:
            event[key] = draw(json_value)
    return event


bodies = st.one_of(
    st.builds(lambda evs, dest: {"destination": dest, "events": evs},
              st.lists(events(), min_size=1, max_size=3), json_scalar),
    st.builds(lambda v: {"events": v}, json_value),  # events of the wrong type
    json_value,  # not a webhook object at all
)

RAW_BODIES = [
    b"", b"{", b"[]", b"null", b'"events"', b"\xff\xfe\x00", b'{"events": NaN}',
    b'{"events":[{"type":"message","timestamp":Infinity}]}',
    b'{"events":[{"type":"message","message":{"type":"text","text":"\\ud800"}}]}',
    b'{"events":[{"type":"message","webhookEventId":"a\\u0000b"}]}',
    b'{"events":[{"type":"mes\\u0000sage","webhookEventId":"nul-type"}]}',
    b'{"events":[' + b"[" * 20000 + b"]" * 20000 + b"]}",
    b'{"events":[{"type":"x","timestamp":1' + b"0" * 5000 + b"}]}",
    b'{"events":[{"type":"follow","timestamp":253402300799000,"webhookEventId":"far-future",'
    b'"replyToken":"t","source":{"type":"user","userId":"Ufuture"}}]}',
    b'{"events":' + b"[{}," * 2000 + b"{}" + b"]" + b"}",
]


def _post(client, secret: str, body: bytes):
    return client.post("/callback", data=body, headers={
        "Content-Type": "application/json", "X-Line-Signature": sign(body, secret)})


def _run_worker(worker, clock) -> None:
    """Let the worker do everything due, retries and parking included."""
    for _ in range(5):
        worker.run_until_idle()
        clock.advance(seconds=70)  # past each retry's backoff
    worker.run_until_idle()


def _due_an_answer(event) -> str | None:
    """The user id that should get a Thai answer for this event, else None."""
    if not isinstance(event, dict) or event.get("mode") == "standby":
        return None
    source = event.get("source")
    user = source.get("userId") if isinstance(source, dict) else None
    if not isinstance(user, str) or not user or not isinstance(event.get("replyToken"), str):
        return None
    if event.get("type") in ("message", "follow", "postback"):
        return user
    return None


def _inbox_count(services) -> int:
    with services.sessions() as session:
        return session.execute(select(func.count(InboxEvent.id))).scalar_one()


HYPOTHESIS = settings(max_examples=120, deadline=None, derandomize=True,
                      suppress_health_check=[HealthCheck.function_scoped_fixture,
                                             HealthCheck.too_slow,
                                             HealthCheck.data_too_large])


@HYPOTHESIS
@given(payload=bodies)
def test_any_signed_body_gets_no_500_and_users_get_thai(client, services, worker, fake_line,
                                                        clock, payload):
    secret = services.settings.channel_secret
    body = json.dumps(payload, ensure_ascii=False).encode()
    before = _inbox_count(services)
    answer = _post(client, secret, body)
    assert answer.status_code in (200, 400, 413), answer.status_code
    stored = _inbox_count(services) - before
    # Redelivered as is: nothing new stored.
    assert _post(client, secret, body).status_code == answer.status_code
    assert _inbox_count(services) == before + stored
    seen = len(fake_line.received())
    _run_worker(worker, clock)
    if answer.status_code != 200:
        assert stored == 0
        return
    events = payload.get("events") if isinstance(payload, dict) else None
    ids = {json.dumps(e, sort_keys=True) for e in events or []}
    assert stored <= len(ids)
    got = fake_line.received()[seen:]
    for event in events or []:
        user = _due_an_answer(event)
        if user is None:
            continue
        texts = json.dumps([e["messages"] for e in got
                            if e.get("to") == user or e.get("reply_token")
                            == event.get("replyToken")], ensure_ascii=False)
        if _is_duplicate_id(event, events):
            continue  # an id LINE gave two events: the first one stored is the one handled
        assert THAI.search(texts), (event, got)


def _is_duplicate_id(event, events) -> bool:
    from storage.inbox import event_key

    return sum(1 for e in events if event_key(e) == event_key(event)) > 1


@pytest.mark.parametrize("body", RAW_BODIES, ids=range(len(RAW_BODIES)))
def test_raw_bodies_that_are_no_webhook_object_get_400_not_500(client, services, worker,
                                                               clock, body):
    answer = _post(client, services.settings.channel_secret, body)
    assert answer.status_code in (200, 400), answer.status_code
    _run_worker(worker, clock)  # raises if the worker lets an exception out


def test_a_poisoned_event_does_not_stop_the_others(client, services, worker, fake_line, clock,
                                                   monkeypatch):
    """An event whose failure cannot even be recorded (here: the apology cannot be queued)
    used to stay the head of the queue and be retried first round after round."""
    from bot import worker as worker_module
    from tests.line_helpers import signed_body

    def broken(event, ctx):
        if event.get("webhookEventId") == "poison":
            raise RuntimeError("handler bug")
        return [{"type": "text", "text": "ตอบแล้วค่ะ"}]

    def no_apology(phone):
        raise OverflowError("cannot build the apology")

    monkeypatch.setattr("handlers.chat.dispatch", broken)
    monkeypatch.setattr(worker_module, "apology", no_apology)
    poison = {"type": "message", "webhookEventId": "poison", "replyToken": "r0",
              "source": {"type": "user", "userId": "Upoison"},
              "message": {"type": "text", "id": "1", "text": "x"}}
    fine = {**poison, "webhookEventId": "fine", "replyToken": "r1",
            "source": {"type": "user", "userId": "Ufine"}}
    body, headers = signed_body([poison, fine], services.settings.channel_secret)
    assert client.post("/callback", data=body, headers=headers).status_code == 200
    _run_worker(worker, clock)
    with services.sessions() as session:
        status = dict(session.execute(select(InboxEvent.event_id, InboxEvent.status)).all())
    assert status == {"poison": "parked", "fine": "done"}
    assert any("ตอบแล้ว" in json.dumps(e["messages"], ensure_ascii=False)
               for e in fake_line.received())


@settings(max_examples=150, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
@given(event=events())
def test_dispatch_itself_never_raises_on_odd_shapes(make_context, event):
    from handlers import chat

    source = event.get("source")
    user = source.get("userId") if isinstance(source, dict) else None
    with make_context(user if isinstance(user, str) else None) as ctx:
        chat.dispatch(event, ctx)
