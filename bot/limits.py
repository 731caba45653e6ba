"""Limits at the web's door: who the client is, and whether a rule lets them through.

The client is `request.remote_addr` as Werkzeug's ProxyFix leaves it: the address the
nearest TAMBON_TRUSTED_PROXIES proxies saw, never what a client wrote into its own
X-Forwarded-For. It is kept only as a keyed hash (the vault's blind index, so the same
in every process and never reversible from the database), and counted in the database
(storage/limits.py), so four gunicorn processes and several hosts hold one limit.

Each hit is its own short transaction, committed at once: a hot counter is never held
while a request goes on to hash a password or file a tip.

A refusal is also remembered in the process for a few seconds (never longer than the
block or window it comes from), so a flood from a refused client is answered without
touching the database: the count that refused it stays in the database, the memory only
spares asking again. A flood's requests then cost a few milliseconds each, which is what
leaves the web's threads to LINE's webhook (bench/abuse.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from flask import current_app, request

from bot.slots import Slots
from storage import limits
from storage.limits import Rule

CLIENT_PURPOSE = "client-address"

# Per client address, 10 minutes: tips filed, tip forms posted at all (read before the
# body is parsed), and tries of a code and secret.
TIP = Rule("tip", limit=10, window=600)
TIP_POSTS = Rule("tip-post", limit=30, window=600)
TRACK = Rule("track", limit=30, window=600)
# Per client address, 10 minutes: sign-in forms posted, counted before anything else is
# read (a browser with a known-device cookie is let through to its own gate).
SIGN_IN_POSTS = Rule("sign-in-post", limit=30, window=600)
# Deployment-wide: Argon2id password checks for browsers not known to the account
# (about 0.15 s of a core each: at most ~0.3 of a core, whatever the flood).
PASSWORD_CHECKS = Rule("password-checks", limit=20, window=10)
EVERYONE = "all"
REMEMBER = timedelta(seconds=5)
MEMO = "refused"  # in Services.extras: bucket -> time until which it is refused here
MEMO_SIZE = 10_000


def _services():
    return current_app.extensions["tambon"]


def client_tag() -> str:
    """This request's client, as a keyed hash."""
    return _services().vault.blind_index(request.remote_addr or "-", CLIENT_PURPOSE)[:40]


def allow(rule: Rule, subject: str | None = None) -> bool:
    """Count one hit of `subject` (this client, unless given); False when over the limit."""
    services = _services()
    subject = subject or client_tag()
    bucket = f"{rule.name}:{subject}"
    if refused_here(bucket):
        return False
    now = services.clock()
    with services.sessions() as session, session.begin():
        allowed = limits.hit(session, rule, subject, now)
    if not allowed:
        remember_refusal(bucket, now + min(REMEMBER, timedelta(seconds=rule.window)))
    return allowed


def refused_here(bucket: str) -> bool:
    """This process refused `bucket` moments ago, and the refusal still stands."""
    until = _services().extras.get(MEMO, {}).get(bucket)
    return until is not None and until > _services().clock()


def remember_refusal(bucket: str, until: datetime) -> None:
    memo = _services().extras.setdefault(MEMO, {})
    if len(memo) >= MEMO_SIZE:  # a flood from ever new addresses: start over
        memo.clear()
    memo[bucket] = min(until, _services().clock() + REMEMBER)


# --- slots for heavy work ----------------------------------------------------------------

SLOTS = "hash-slots"  # in Services.extras
WAITERS = "hash-waiters"
WAITERS_PER_SLOT = 2


def _slots(key: str, name: str, count: int) -> Slots:
    services = _services()
    slots = services.extras.get(key)
    if slots is None:
        slots = services.extras[key] = Slots(services.settings.instance_dir / "slots",
                                             count, name)
    return slots


@contextmanager
def hash_slot(wait: float = 0.0) -> Iterator[bool]:
    """A slot for one Argon2id check (bot/slots.py): `with hash_slot() as free:`. With
    `wait`, first one of a few places to wait in (two a slot, machine-wide), since a
    waiting request holds a web thread: with none free, False at once."""
    count = _services().settings.hash_slots
    slots = _slots(SLOTS, "hash", count)
    if wait <= 0:
        with slots.take() as free:
            yield free
        return
    with _slots(WAITERS, "wait", WAITERS_PER_SLOT * count).take() as place:
        if not place:
            yield False
            return
        with slots.take(wait) as free:
            yield free
