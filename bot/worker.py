"""The worker: takes stored events, runs the handler, commits its effects with its messages.

Runs as a thread inside `tambon serve`, or as its own process (`tambon worker`); several
processes at once on PostgreSQL, one on SQLite.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import sessionmaker

from bot.channels.messenger_api import MessengerApi
from bot.channels.outlets import Outlets
from bot.delivery import deliver_due
from bot.line_api import LineApi
from handlers import chat
from handlers.cases import evidence
from handlers.cases.evidence import MAX_BYTES as MAX_EVIDENCE_BYTES
from handlers.chat import group
from handlers.chat.context import ANONYMOUS_FILING, Context
from handlers.chat.fallback import apology
from handlers.org import Organization
from storage import inbox, outbox
from storage.channels import LINE, channel_of
from storage.models import utcnow
from storage.vault import Vault
from storage.vault.secret_pool import SecretPool

log = logging.getLogger("tambon.worker")

MAX_ATTEMPTS = 3
# LINE accepts a reply token for about a minute after the event; keep a margin.
REPLY_TOKEN_LIFE = timedelta(seconds=50)
PURGE_EVERY = timedelta(hours=1)
VACUUM_EVERY_SECONDS = 60.0
# A sender with nothing due waits this long for the worker's wake-up before looking again
# (retries come due on their own schedule); looking every 50 ms from four senders was 80
# queue scans a second on an idle system.
SENDER_IDLE_SECONDS = 0.5
SENDERS = 4
# How often the evidence thread looks for files to rebuild when it was not woken.
EVIDENCE_IDLE_SECONDS = 2.0


def _lower_priority(steps: int) -> None:
    """Lower this thread's CPU priority by `steps` (the threads it starts inherit it).

    On Linux a priority belongs to a thread, so inside `tambon serve` only the worker and
    its senders yield to the web's request threads; `tambon worker` is all worker anyway.
    """
    if steps <= 0:
        return
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(),
                       min(19, os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) + steps))
    except (AttributeError, OSError) as error:  # not Linux, or not allowed: run as we are
        log.warning("worker priority unchanged: %s", type(error).__name__)


class Worker:
    def __init__(
        self,
        sessions: sessionmaker,
        vault: Vault,
        org: Organization,
        line: LineApi,
        clock: Callable[[], datetime] = utcnow,
        poll_seconds: float = 0.05,
        senders: int | None = None,
        nice: int = 0,
        messenger: MessengerApi | None = None,
    ):
        self.sessions = sessions
        self.vault = vault
        self.org = org
        # Every send goes through the outlets: LINE, or Messenger for a Messenger address.
        self.line = line if isinstance(line, Outlets) else Outlets(line, messenger)
        self.clock = clock
        self.poll_seconds = poll_seconds
        self.wakeup = threading.Event()
        self._outbox_wakeup = threading.Event()
        self._heads = inbox.Heads()  # this thread's; each sender keeps its own
        # Delivery threads: several on PostgreSQL (claims lock rows, SKIP LOCKED); SQLite
        # has no row locks, so one.
        if senders is None:
            senders = SENDERS if sessions.kw["bind"].dialect.name == "postgresql" else 1
        self.senders = senders
        self.nice = nice
        self._stop = threading.Event()
        self._last_purge = datetime.min.replace(tzinfo=UTC)
        self._last_vacuum = time.monotonic()

    # -- one step at a time (tests drive these directly) --

    def process_one(self) -> bool:
        """Handle the next due event. False when there was none."""
        with self.sessions() as session:
            session.begin()
            row = inbox.claim_next(session, self.clock(), self._heads)
            if row is None:
                session.rollback()
                return False
            row_id, event_id = row.id, row.event_id
            try:
                self._handle(session, row)
                session.commit()
                log.info("event %s handled", event_id)
                return True
            except Exception as error:  # the handler's bug must not stop the worker
                session.rollback()
                failure = type(error).__name__
                # No traceback text: it can quote what the user typed.
                log.error("event %s failed: %s", event_id, failure)
        self._record_failure(row_id, event_id, failure)
        return True

    def rebuild_one(self) -> bool:
        """Rebuild the officer copy of the next pending evidence file. False when none."""
        return evidence.rebuild_next(self.sessions, self.vault, self.clock)

    def run_until_idle(self, max_rounds: int = 10_000) -> None:
        """Process events, rebuild evidence copies and deliver messages until nothing more
        is due now."""
        for _ in range(max_rounds):
            worked = self.process_one()
            sent = deliver_due(self.sessions, self.vault, self.line, self.clock)
            rebuilt = self.rebuild_one()
            if not worked and not sent and not rebuilt:
                return

    def run_forever(self) -> None:
        """Handle events in this thread; deliver in `senders` threads of their own.

        Delivery waits on LINE (tens of milliseconds a call from Thailand, seconds when it
        is slow); done in the same loop as handling, one worker handled at most one event
        per LINE round trip, and a backlog grew at 50 events/s (bench/soak.py). New case
        secrets are hashed ahead in a thread of their own (storage/vault/secret_pool.py).
        """
        _lower_priority(self.nice)
        log.info("worker started")
        secrets_ahead = SecretPool().start()
        helpers = [threading.Thread(target=self._send_forever, name=f"tambon-sender-{i}",
                                    daemon=True) for i in range(self.senders)]
        helpers.append(threading.Thread(target=self._rebuild_forever, name="tambon-evidence",
                                        daemon=True))
        for thread in helpers:
            thread.start()
        while not self._stop.is_set():
            try:
                for _ in range(200):
                    if not self.process_one():
                        break
                    self._outbox_wakeup.set()
                self._purge_if_due()
                self._vacuum_if_due()
            except Exception as error:  # a lost database connection: wait, then go on
                log.error("worker loop error: %s", type(error).__name__)
                self._stop.wait(1.0)
            self.wakeup.wait(self.poll_seconds)
            self.wakeup.clear()
        self._outbox_wakeup.set()
        for thread in helpers:
            thread.join(timeout=15)
        secrets_ahead.stop()
        log.info("worker stopped")

    def _send_forever(self) -> None:
        heads = outbox.Heads()
        while not self._stop.is_set():
            try:
                sent = deliver_due(self.sessions, self.vault, self.line, self.clock,
                                   heads=heads)
            except Exception as error:  # a lost database connection: wait, then go on
                log.error("sender loop error: %s", type(error).__name__)
                self._stop.wait(1.0)
                continue
            if not sent:
                self._outbox_wakeup.wait(max(self.poll_seconds, SENDER_IDLE_SECONDS))
                self._outbox_wakeup.clear()

    def _rebuild_forever(self) -> None:
        """Officer copies of evidence, one file at a time, in a thread of its own: a large
        picture takes seconds in its capped child process, and events must not wait."""
        while not self._stop.is_set():
            try:
                rebuilt = self.rebuild_one()
            except Exception as error:  # a lost database connection: wait, then go on
                log.error("evidence loop error: %s", type(error).__name__)
                rebuilt = False
            if not rebuilt:
                self._stop.wait(EVIDENCE_IDLE_SECONDS)

    def stop(self) -> None:
        self._stop.set()
        self.wakeup.set()

    def start_thread(self) -> threading.Thread:
        thread = threading.Thread(target=self.run_forever, name="tambon-worker", daemon=True)
        thread.start()
        return thread

    # -- internals --

    def _handle(self, session, row) -> None:
        now = self.clock()
        event = inbox.open_body(self.vault, row)
        user_id = inbox.source_user_id(event)
        # In a group or room the answer is for everyone there: a push (when the reply token
        # has expired) goes to the group, never to the sender, and the handler gets no id.
        in_group = group.is_group(event)
        reply_to = group.chat_id(event) if in_group else user_id
        channel = channel_of(user_id) if user_id else LINE
        ctx = Context(session=session, now=now, vault=self.vault, org=self.org,
                      user_id=None if in_group else user_id, event_id=row.event_id,
                      channel=channel, fetch_content=self._fetcher(event, channel))
        messages = chat.dispatch(event, ctx)
        # The event filed an anonymous case: once its reply is sent, nothing may join the
        # case to this event (handlers/cases/coarse.py).
        unlink = bool(ctx.extras.get(ANONYMOUS_FILING))
        if messages and reply_to:
            self._queue_reply(session, event, row, reply_to, messages, now, unlink=unlink)
        for to, pushed in ctx.pushes:
            outbox.enqueue(session, self.vault, to=to, messages=pushed, now=now,
                           source_event_id=None if unlink else row.event_id,
                           case_code=ctx.extras.get("case_code"), forget_when_sent=unlink)
        if unlink:
            # Not kept for de-duplication either: its id and times would point to the
            # case's hour. A redelivery finds no conversation left to file again.
            session.delete(row)
        else:
            inbox.mark_done(row, now)

    def _fetcher(self, event: dict, channel: str) -> Callable[[str], bytes] | None:
        """How the handler gets a media message's bytes: from LINE by its id, or from the
        Messenger attachment URL the event carries (read no further than the evidence cap)."""
        if channel == LINE:
            return self.line.content
        messenger = self.line.messenger
        provider = ((event.get("message") or {}).get("contentProvider") or {})
        url = provider.get("url")
        if messenger is None or not isinstance(url, str):
            return None
        return lambda _message_id, limit: messenger.content(url, min(limit, MAX_EVIDENCE_BYTES))

    def _queue_reply(self, session, event, row, user_id, messages, now, unlink=False) -> None:
        token = event.get("replyToken") if isinstance(event.get("replyToken"), str) else None
        outbox.enqueue(
            session, self.vault, to=user_id, messages=messages, now=now,
            reply_token=token, reply_deadline=row.event_time + REPLY_TOKEN_LIFE,
            source_event_id=None if unlink else row.event_id, forget_when_sent=unlink,
        )

    def _record_failure(self, row_id: int, event_id: str, error: str) -> None:
        now = self.clock()
        with self.sessions() as session, session.begin():
            row = session.get(inbox.InboxEvent, row_id)
            if row is None or row.status != inbox.PENDING:
                return
            user_id = None
            event: dict = {}
            # Nothing here may raise: an event whose failure cannot be recorded stays the
            # head of the queue and is taken again first, round after round, so the worker
            # would handle nothing else.
            try:
                if row.sealed_body is not None:
                    event = inbox.open_body(self.vault, row)
                    user_id = inbox.source_user_id(event)
            except Exception as failure:
                log.error("event %s: body unreadable: %s", event_id, type(failure).__name__)
            parked = inbox.mark_failed(row, now, error, MAX_ATTEMPTS)
            if parked:
                log.error("event %s parked after %s attempts: %s", event_id, row.attempts, error)
                if user_id and event.get("type") in ("message", "postback", "follow"):
                    try:
                        self._queue_reply(session, event, row, user_id,
                                          apology(self.org.phone), now)
                    except Exception as failure:
                        log.error("event %s: apology not queued: %s", event_id,
                                  type(failure).__name__)

    def _vacuum_if_due(self, force: bool = False) -> None:
        """On PostgreSQL, vacuum the two queue tables every minute.

        Every event and message is inserted, updated two or three times and kept for days:
        a queue table gains a dead row version per update. Autovacuum comes late on such
        tables (by default after a fifth of the table is dead) or not at all where it is
        off; the claim's scan of pending rows then walked every dead version (bench/soak.py:
        67 ms a claim after 12 minutes at 50 events/s, PostgreSQL busier than the worker).
        """
        if not force and time.monotonic() - self._last_vacuum < VACUUM_EVERY_SECONDS:
            return
        self._last_vacuum = time.monotonic()
        engine = self.sessions.kw["bind"]
        if engine.dialect.name != "postgresql":
            return
        with engine.connect() as connection:
            connection = connection.execution_options(isolation_level="AUTOCOMMIT")
            # SKIP_LOCKED: another worker vacuuming the same table now is enough.
            connection.exec_driver_sql(
                "VACUUM (ANALYZE, SKIP_LOCKED) inbox_events, outbox_messages")

    def _purge_if_due(self) -> None:
        now = self.clock()
        if now - self._last_purge < PURGE_EVERY:
            return
        self._last_purge = now
        with self.sessions() as session, session.begin():
            purged = inbox.purge_old(session, now)
        if purged:
            log.info("purged %s old inbox ids", purged)
