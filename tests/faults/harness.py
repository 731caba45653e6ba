"""A whole Tambon Desk on loopback, as production runs it, for the fault tests and benches.

- `Cluster` starts the processes (`tambon fake-line`, `gunicorn 'bot.wsgi:app'` web processes,
  `tambon worker` processes), each in its own process group with its log in the work folder,
  and kills (SIGKILL), restarts and finally stops them.
- `Load` plays LINE: signed events of a mix (greeting, menu, contact, manual questions,
  stickers, postbacks, unfollow) from many users, at a steady rate, each user's events one
  after another, redelivering an event until it gets 200 (as LINE does), bounded in count
  and time.
- `check()` reads the database and the fake LINE's journal and says what was lost, handled
  twice, delivered twice or out of order.

How "exactly once" is seen from outside: everything one handling of an event queues goes into
the outbox in one transaction with one clock reading, so all outbox rows of an event share one
`created_at`; a second handling would add rows with another. Each outbox row must reach the
fake LINE exactly once: as a reply with the event's reply token (first chunk only) or as a push
with the row's retry key.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import requests
from sqlalchemy import create_engine, text

from bot.chat import make_event, postback_event, sign, text_event
from bot.settings import DEV_CHANNEL_SECRET
from storage.vault import KeyRing

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _bin(name: str) -> str:
    found = VENV_BIN / name
    return str(found) if found.exists() else (shutil.which(name) or name)


# -- databases ---------------------------------------------------------------------------

def pg_server_url() -> str | None:
    """The PostgreSQL server the tests may use: TAMBON_TEST_DATABASE_URL's, or None."""
    url = os.environ.get("TAMBON_TEST_DATABASE_URL", "")
    return url if url.startswith("postgresql") else None


def _sa_url(url: str) -> str:
    return "postgresql+psycopg://" + url.split("://", 1)[1] if url.startswith(
        "postgresql://") else url


@contextlib.contextmanager
def fresh_pg_database(server_url: str, prefix: str = "tambon_faults"):
    """A new, empty database on the server of `server_url`; dropped afterwards."""
    base, _, _ = server_url.rpartition("/")
    name = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    # pre-ping: after a server restart (test_postgres_restart) the pooled connection is
    # dead, and the DROP at the end failed quietly, leaving the database behind.
    admin = create_engine(_sa_url(base + "/postgres"), isolation_level="AUTOCOMMIT",
                          pool_pre_ping=True)
    try:
        with admin.connect() as c:
            c.execute(text(f'CREATE DATABASE "{name}"'))
        yield f"{base}/{name}"
    finally:
        with contextlib.suppress(Exception):
            wait_for_postgres(base + "/postgres", 30)
            with admin.connect() as c:
                c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def wait_for_postgres(url: str, seconds: float) -> bool:
    engine = create_engine(_sa_url(url), pool_pre_ping=True)
    deadline = time.monotonic() + seconds
    try:
        while time.monotonic() < deadline:
            try:
                with engine.connect() as c:
                    c.execute(text("select 1"))
                return True
            except Exception:
                time.sleep(0.2)
        return False
    finally:
        engine.dispose()


def pg_cluster_control(action: str) -> None:
    """Stop or start the local PostgreSQL cluster (Debian's pg_ctlcluster)."""
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", action]
                   + (["-m", "fast"] if action == "stop" else []),
                   check=True, timeout=60, capture_output=True)


def can_restart_postgres(server_url: str | None) -> str | None:
    """None when this machine lets us restart the server; else why not."""
    if server_url is None:
        return "needs PostgreSQL: set TAMBON_TEST_DATABASE_URL"
    host = server_url.split("@")[-1].split("/")[0].split(":")[0]
    if host not in ("127.0.0.1", "localhost"):
        return "PostgreSQL is not on this machine"
    if not shutil.which("pg_ctlcluster") or not os.path.isdir("/etc/postgresql"):
        return "no pg_ctlcluster here"
    if os.geteuid() != 0:
        return "restarting PostgreSQL needs root"
    return None


# -- processes ---------------------------------------------------------------------------

@dataclass
class Proc:
    name: str
    argv: list[str]
    log: Path
    port: int | None = None
    popen: subprocess.Popen | None = None
    starts: int = 0

    @property
    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None


class Cluster:
    """fake LINE + gunicorn web processes + `tambon worker` processes on one database."""

    def __init__(self, workdir: Path, database_url: str, *, webs: int = 1, workers: int = 1,
                 web_threads: int = 4, web_processes: int = 1, env: dict | None = None):
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.database_url = database_url
        self.journal = self.workdir / "fake_line.jsonl"
        self.secret = DEV_CHANNEL_SECRET
        line_port = free_port()
        self.line_url = f"http://127.0.0.1:{line_port}"
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "LINE_API_BASE": self.line_url,
            "TAMBON_KEYRING": KeyRing.generate(development=True).to_json(),
            "TAMBON_INSTANCE_DIR": str(self.workdir / "instance"),
            "TAMBON_SECRET_KEY": uuid.uuid4().hex,
            "TAMBON_FAKE_LINE_JOURNAL": str(self.journal),
            "PYTHAINLP_OFFLINE": "1",
            "PYTHONUNBUFFERED": "1",
            **(env or {}),
        }
        for name in ("LINE_CHANNEL_SECRET", "LINE_CHANNEL_ACCESS_TOKEN", "TAMBON_KEYRING_FILE"):
            self.env.pop(name, None)
        tambon = _bin("tambon")
        self.fake_line = Proc("fake-line", [tambon, "fake-line", "--port", str(line_port)],
                              self.workdir / "fake-line.log", port=line_port)
        self.webs = []
        for i in range(webs):
            port = free_port()
            self.webs.append(Proc(
                f"web{i}",
                [_bin("gunicorn"), "--workers", str(web_processes), "--threads", str(web_threads),
                 "--bind", f"127.0.0.1:{port}", "--graceful-timeout", "2",
                 "--timeout", "30", "bot.wsgi:app"],
                self.workdir / f"web{i}.log", port=port))
        self.workers = [Proc(f"worker{i}", [tambon, "worker"], self.workdir / f"worker{i}.log")
                        for i in range(workers)]

    @property
    def web_urls(self) -> list[str]:
        return [f"http://127.0.0.1:{p.port}" for p in self.webs]

    @property
    def procs(self) -> list[Proc]:
        return [self.fake_line, *self.webs, *self.workers]

    # -- life cycle --

    def prepare_database(self) -> None:
        for argv in ([_bin("tambon"), "db", "upgrade"], [_bin("tambon"), "manual", "load"]):
            done = subprocess.run(argv, env=self.env, cwd=ROOT, capture_output=True,
                                  text=True, timeout=180)
            if done.returncode != 0:
                raise RuntimeError(f"{' '.join(argv[1:])} failed: {done.stderr[-2000:]}")

    def start(self) -> Cluster:
        self.prepare_database()
        self.start_proc(self.fake_line)
        for proc in self.webs:
            self.start_proc(proc, wait=False)
        for proc in self.workers:
            self.start_proc(proc)
        for proc in self.webs:
            self.wait_ready(proc)
        return self

    def start_proc(self, proc: Proc, wait: bool = True) -> None:
        assert not proc.alive, proc.name
        log = proc.log.open("ab")
        proc.popen = subprocess.Popen(proc.argv, env=self.env, cwd=ROOT, stdout=log,
                                      stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                      start_new_session=True)
        log.close()
        proc.starts += 1
        if wait:
            self.wait_ready(proc)

    def wait_ready(self, proc: Proc, seconds: float = 60) -> None:
        if proc.port is None:
            time.sleep(0.3)
            if not proc.alive:
                raise RuntimeError(f"{proc.name} died at start:\n{self.tail(proc)}")
            return
        path = "/_control/received?after=999999999" if proc is self.fake_line else "/healthz"
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if not proc.alive:
                raise RuntimeError(f"{proc.name} died at start:\n{self.tail(proc)}")
            try:
                if requests.get(f"http://127.0.0.1:{proc.port}{path}", timeout=2).ok:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"{proc.name} not ready in {seconds}s:\n{self.tail(proc)}")

    def kill(self, proc: Proc, sig: int = signal.SIGKILL) -> None:
        """Signal the whole process group (gunicorn's master and its worker alike)."""
        if proc.popen is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.popen.pid, sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.popen.wait(timeout=10)

    def restart(self, proc: Proc) -> None:
        self.kill(proc)
        self.start_proc(proc)

    def stop(self) -> None:
        """Every process, politely then by force; safe to call twice."""
        for proc in self.procs:
            if proc.alive:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.popen.pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        for proc in self.procs:
            if proc.popen is None:
                continue
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.popen.wait(timeout=max(0.1, deadline - time.monotonic()))
            if proc.popen.poll() is None:
                self.kill(proc)
            # The group may hold a child the leader left behind.
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.popen.pid, signal.SIGKILL)

    def __enter__(self) -> Cluster:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc) -> None:
        self.stop()

    def tail(self, proc: Proc, lines: int = 40) -> str:
        try:
            return "\n".join(proc.log.read_text(errors="replace").splitlines()[-lines:])
        except FileNotFoundError:
            return "(no log)"

    def logs_summary(self) -> str:
        return "\n".join(f"--- {p.name} (started {p.starts}x)\n{self.tail(p, 15)}"
                         for p in self.procs)

    def count_in_logs(self, needle: str) -> dict[str, int]:
        return {p.name: p.log.read_text(errors="replace").count(needle)
                for p in self.procs if p.log.exists()}

    # -- the fake LINE --

    def line(self, path: str, **body) -> None:
        requests.post(self.line_url + path, json=body, timeout=5).raise_for_status()

    def line_received(self) -> list[dict]:
        """Everything the fake LINE accepted, from its journal (it survives its restarts)."""
        entries = []
        if self.journal.exists():
            for line in self.journal.read_text().splitlines():
                with contextlib.suppress(ValueError):
                    entries.append(json.loads(line))
        return entries

    # -- resources --

    def rss_mb(self) -> dict[str, float]:
        """Resident memory of each process (gunicorn: master and worker summed)."""
        out = {}
        for proc in self.procs:
            if not proc.alive:
                continue
            pids = [proc.popen.pid] + _children(proc.popen.pid)
            out[proc.name] = round(sum(_rss_kb(pid) for pid in pids) / 1024, 1)
        return out


def _children(pid: int) -> list[int]:
    try:
        found = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    kids = [int(k) for k in found]
    return kids + [g for k in kids for g in _children(k)]


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


# -- the load ----------------------------------------------------------------------------

def _questions() -> list[str]:
    import yaml

    path = ROOT / "tests" / "data" / "questions.yaml"
    try:
        return [q["q"] for q in yaml.safe_load(path.read_text())][:120]
    except (OSError, ValueError, KeyError, TypeError):
        return ["ขอเบี้ยผู้สูงอายุต้องใช้อะไรบ้าง"]


# What a citizen sends, with weights. Each builder takes the user id and a Random and returns
# the events to send one after another (a conversation is several).
def _text(words: list[str]):
    return lambda user, rng: [text_event(user, rng.choice(words))]


COMPLAINT_STORY = "ไฟถนนดับทั้งซอยหน้าบ้านหมู่ 3 มาหนึ่งสัปดาห์แล้ว มืดมาก"
COMPLAINT_MODES = {"identified": "เปิดเผยตัวตน", "confidential": "ปกปิดตัวตน",
                   "anonymous": "ไม่ประสงค์ออกนาม"}


def complaint_script(user: str, rng: random.Random) -> list[dict]:
    """A whole grievance over LINE, typed without waiting for the answers (one user's
    events are handled in order, and this story needs no follow-up question)."""
    mode = rng.choice(sorted(COMPLAINT_MODES))
    typed = ["ร้องเรียน", "ร้องทุกข์", COMPLAINT_MODES[mode]]
    if mode != "anonymous":
        typed += ["สมชาย ใจกล้าหาญ", "081-234-5678"]
    typed += [COMPLAINT_STORY, "ส่งครบแล้ว/ไม่มี", "ยืนยันส่งเรื่อง"]
    return [text_event(user, t) for t in typed]


def tracking_script(user: str, rng: random.Random) -> list[dict]:
    return [text_event(user, "ติดตามเรื่อง"), text_event(user, "เมนู")]


BASE_MIX = [
    (8, "question", lambda user, rng: [text_event(user, rng.choice(QUESTIONS))]),
    (2, "menu", _text(["เมนู", "menu"])),
    (2, "contact", _text(["ติดต่อ อบต."])),
    (1, "follow", lambda user, rng: [make_event(user, "follow")]),
    (1, "sticker", lambda user, rng: [make_event(
        user, "message", message={"type": "sticker", "id": str(rng.randrange(10**12)),
                                  "packageId": "1", "stickerId": "1"})]),
    (1, "postback", lambda user, rng: [postback_event(user, "manual:none")]),
    (1, "smalltalk", _text(["สวัสดีค่ะ", "ขอบคุณครับ", "555", "🙏"])),
]
# Conversations (complaint flow, tracking): weights count scripts, not events.
FLOW_MIX = [
    (1, "complaint", complaint_script),
    (1, "tracking", tracking_script),
]
QUESTIONS = _questions()
SILENT_KINDS = {"unfollow"}
CONFIRM = "complaint:confirm"
CODE_RE = re.compile(r"[A-Z]{1,6}-[0-9A-Z]{4}-[0-9A-Z]{4}")


def default_mix() -> list:
    """The base mix and the conversations (complaint, tracking)."""
    return [*BASE_MIX, *FLOW_MIX]


@dataclass
class Sent:
    """One event as LINE delivered it, and what the web answered each time."""
    event_id: str
    user: str
    kind: str
    reply_token: str | None
    order: int  # its place among its user's events
    first_sent: float = 0.0
    acked_at: float | None = None
    ack_latency: float | None = None  # of the delivery that got the 200
    statuses: list = field(default_factory=list)  # int, or the exception name

    @property
    def acked(self) -> bool:
        return self.acked_at is not None


class Load:
    """Users sending a mix of signed events at `rate` a second over `threads` threads.

    Each user sends one event, waits for its 200 (redelivering the same event on 5xx or a
    refused connection, like LINE, up to `max_tries` times within `give_up_after` seconds),
    then the next. Every web process gets a share; a dead one is skipped at the next try.
    """

    def __init__(self, cluster: Cluster, *, rate: float, users: int = 60, threads: int = 16,
                 mix=None, seed: int = 8, max_tries: int = 60, give_up_after: float = 90):
        self.cluster = cluster
        self.rate = rate
        self.mix = mix or default_mix()
        self.users = [f"U{uuid.uuid4().hex}" for _ in range(users)]
        self.threads = threads
        self.rng = random.Random(seed)
        self.max_tries = max_tries
        self.give_up_after = give_up_after
        self.sent: list[Sent] = []
        self.lock = threading.Lock()
        self._stop = threading.Event()
        self._workers: list[threading.Thread] = []
        self._free_users: list[str] = list(self.users)
        self._user_order: Counter = Counter()
        self.statuses: Counter = Counter()

    def start(self) -> Load:
        self._t0 = time.monotonic()
        self._issued = 0
        for i in range(self.threads):
            t = threading.Thread(target=self._run, name=f"load{i}", daemon=True)
            t.start()
            self._workers.append(t)
        return self

    def stop(self, drain_seconds: float = 120) -> None:
        """Stop issuing new events; let the ones in flight finish their redeliveries."""
        self._stop.set()
        deadline = time.monotonic() + drain_seconds
        for t in self._workers:
            t.join(timeout=max(0.1, deadline - time.monotonic()))

    def _next_slot(self) -> bool:
        """Pace: wait until the next event is due at `rate`; False once stopped."""
        with self.lock:
            due = self._t0 + self._issued / self.rate
            self._issued += 1
        while not self._stop.is_set():
            wait = due - time.monotonic()
            if wait <= 0:
                return True
            self._stop.wait(min(wait, 0.5))
        return False

    def _run(self) -> None:
        rng = random.Random(self.rng.random())
        weights = [w for w, _, _ in self.mix]
        while self._next_slot():
            with self.lock:
                if not self._free_users:
                    continue  # every user is busy waiting for an answer: skip this slot
                user = self._free_users.pop(rng.randrange(len(self._free_users)))
                self._user_order[user] += 1
                order = self._user_order[user]
            try:
                _, kind, build = rng.choices(self.mix, weights=weights)[0]
                script = build(user, rng)
                for step, event in enumerate(script):
                    label = kind if len(script) == 1 else f"{kind}:{step + 1}"
                    if kind == "complaint" and step == len(script) - 1:
                        label = CONFIRM
                    if step:
                        if not self._next_slot():
                            break
                        with self.lock:
                            self._user_order[user] += 1
                            order = self._user_order[user]
                    if not self.deliver(event, label, user, order).acked:
                        break  # LINE gave up on this one: the conversation stops here
            finally:
                with self.lock:
                    self._free_users.append(user)

    def deliver(self, event: dict, kind: str, user: str, order: int) -> Sent:
        record = Sent(event["webhookEventId"], user, kind, event.get("replyToken"), order,
                      first_sent=time.time())
        with self.lock:
            self.sent.append(record)
        deadline = time.monotonic() + self.give_up_after
        urls = self.cluster.web_urls
        start = random.randrange(len(urls))
        for attempt in range(self.max_tries):
            if attempt:
                event = {**event, "deliveryContext": {"isRedelivery": True}}
            body = json.dumps({"destination": "Ubot", "events": [event]},
                              ensure_ascii=False).encode()
            url = urls[(start + attempt) % len(urls)]
            began = time.monotonic()
            try:
                answer = requests.post(
                    url + "/callback", data=body, timeout=10,
                    headers={"Content-Type": "application/json",
                             "X-Line-Signature": sign(body, self.cluster.secret)})
                status: int | str = answer.status_code
            except requests.RequestException as error:
                status = type(error).__name__
            record.statuses.append(status)
            with self.lock:
                self.statuses[status] += 1
            if status == 200:
                record.acked_at = time.time()
                record.ack_latency = time.monotonic() - began
                return record
            if time.monotonic() > deadline:
                break
            time.sleep(min(0.2 * (attempt + 1), 2.0))
        return record


# -- what happened -----------------------------------------------------------------------

def wait_until_settled(database_url: str, seconds: float, quiet: float = 2.0) -> dict:
    """Wait until nothing is pending in the inbox or the outbox. Returns the last counts."""
    engine = create_engine(_sa_url(database_url), pool_pre_ping=True)
    deadline = time.monotonic() + seconds
    counts: dict = {}
    settled_since = None
    try:
        while time.monotonic() < deadline:
            try:
                with engine.connect() as c:
                    inbox = dict(c.execute(text(
                        "select status, count(*) from inbox_events group by status")).all())
                    out = dict(c.execute(text(
                        "select status, count(*) from outbox_messages group by status")).all())
            except Exception:
                time.sleep(0.5)
                continue
            counts = {"inbox": inbox, "outbox": out}
            if not inbox.get("pending") and not out.get("pending"):
                settled_since = settled_since or time.monotonic()
                if time.monotonic() - settled_since >= quiet:
                    return counts
            else:
                settled_since = None
            time.sleep(0.5)
        return counts
    finally:
        engine.dispose()


@dataclass
class Report:
    sent: int = 0
    acked: int = 0
    never_acked: int = 0
    redelivered: int = 0
    statuses: dict = field(default_factory=dict)
    not_done: list = field(default_factory=list)  # acked but not handled (lost)
    handled_twice: list = field(default_factory=list)
    unanswered: list = field(default_factory=list)  # handled, due an answer, none queued
    undelivered: list = field(default_factory=list)  # outbox rows never reaching LINE
    delivered_twice: list = field(default_factory=list)
    stray: list = field(default_factory=list)  # LINE got something no outbox row explains
    out_of_order: list = field(default_factory=list)
    no_receipt: list = field(default_factory=list)  # confirmation acked, no receipt sent
    two_receipts: list = field(default_factory=list)  # one confirmation, more than one
    case_incomplete: list = field(default_factory=list)  # receipt sent, case not whole
    cases_filed: int = 0
    receipts: int = 0
    sent_as: dict = field(default_factory=dict)
    e2e: list = field(default_factory=list)  # event sent -> first message at LINE, seconds
    ack: list = field(default_factory=list)

    @property
    def problems(self) -> dict:
        return {name: value for name, value in (
            ("not_done", self.not_done), ("handled_twice", self.handled_twice),
            ("unanswered", self.unanswered), ("undelivered", self.undelivered),
            ("delivered_twice", self.delivered_twice), ("stray", self.stray),
            ("out_of_order", self.out_of_order), ("no_receipt", self.no_receipt),
            ("two_receipts", self.two_receipts), ("case_incomplete", self.case_incomplete),
        ) if value}

    def figures(self) -> dict:
        return {
            "sent": self.sent, "acked": self.acked, "never_acked": self.never_acked,
            "redelivered": self.redelivered, "statuses": self.statuses,
            "sent_as": self.sent_as, "receipts": self.receipts, "cases_filed": self.cases_filed,
            "ack_p50_ms": _pct_ms(self.ack, 50), "ack_p99_ms": _pct_ms(self.ack, 99),
            "e2e_p50_ms": _pct_ms(self.e2e, 50), "e2e_p99_ms": _pct_ms(self.e2e, 99),
            "problems": {k: len(v) for k, v in self.problems.items()},
        }


def _pct_ms(values: list[float], pct: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(1000 * ordered[min(len(ordered) - 1, int(len(ordered) * pct / 100))], 1)


def check(cluster: Cluster, sent: list[Sent]) -> Report:
    report = Report(sent=len(sent))
    report.statuses = dict(Counter(str(s) for r in sent for s in r.statuses))
    acked = [r for r in sent if r.acked]
    report.acked = len(acked)
    report.never_acked = len(sent) - len(acked)
    report.redelivered = sum(1 for r in acked if len(r.statuses) > 1)
    report.ack = [r.ack_latency for r in acked if r.ack_latency is not None]

    engine = create_engine(_sa_url(cluster.database_url))
    try:
        with engine.connect() as c:
            inbox = {row.event_id: row for row in c.execute(text(
                "select event_id, status, attempts, error from inbox_events"))}
            outbox = list(c.execute(text(
                "select id, retry_key, source_event_id, created_at, status, sent_as, "
                "reply_deadline from outbox_messages order by id")))
            cases = _cases(c)
    finally:
        engine.dispose()

    rows_by_event: dict[str, list] = defaultdict(list)
    for row in outbox:
        rows_by_event[row.source_event_id].append(row)

    received = cluster.line_received()
    by_retry_key: dict[str, list] = defaultdict(list)
    by_reply_token: dict[str, list] = defaultdict(list)
    for entry in received:
        if entry.get("kind") == "push":
            by_retry_key[entry.get("retry_key")].append(entry)
        elif entry.get("kind") == "reply":
            by_reply_token[entry.get("reply_token")].append(entry)

    explained: set[int] = set()
    delivered: dict[str, list] = defaultdict(list)
    first_seq: dict[str, int] = {}
    first_at: dict[str, float] = {}
    sent_as: Counter = Counter()
    for r in sent:
        row = inbox.get(r.event_id)
        if not r.acked:
            continue
        if row is None and r.kind == CONFIRM:
            # An anonymous filing: its inbox row is deleted once handled and its receipt's
            # outbox rows once sent (issue 15), so its delivery is found by reply token,
            # or as a push of a case code to this user that no outbox row explains.
            hits = _unlinked_receipt(r, by_reply_token, received, explained)
            if hits:
                explained.update(h["seq"] for h in hits)
                delivered[r.event_id].extend(hits)
                for h in hits:
                    sent_as[h["kind"]] += 1
                report.e2e.append(min(h["at"] for h in hits) - r.first_sent)
                continue
        if row is None or row.status != "done":
            report.not_done.append((r.event_id, r.kind, None if row is None else
                                    (row.status, row.attempts, row.error)))
            continue
        rows = rows_by_event.get(r.event_id, [])
        if len({o.created_at for o in rows}) > 1:
            report.handled_twice.append((r.event_id, r.kind, len(rows)))
        if not rows and r.kind not in SILENT_KINDS:
            report.unanswered.append((r.event_id, r.kind))
        for i, o in enumerate(rows):
            hits = list(by_retry_key.get(o.retry_key, []))
            if i == 0 and r.reply_token:
                hits += by_reply_token.get(r.reply_token, [])
            for h in hits:
                explained.add(h["seq"])
            if o.status != "sent" or not hits:
                report.undelivered.append((r.event_id, r.kind, o.id, o.status))
            if len(hits) > 1:
                report.delivered_twice.append((r.event_id, r.kind, o.id,
                                               [h["kind"] for h in hits]))
            delivered[r.event_id].extend(hits)
            for h in hits:
                sent_as[h["kind"]] += 1
                if r.event_id not in first_seq or h["seq"] < first_seq[r.event_id]:
                    first_seq[r.event_id] = h["seq"]
                    first_at[r.event_id] = h["at"]
        if r.event_id in first_at:
            report.e2e.append(first_at[r.event_id] - r.first_sent)
    report.stray = [(e["seq"], e["kind"]) for e in received if e["seq"] not in explained]
    report.sent_as = dict(sent_as)

    # Complaints: each confirmation that got a 200 brought one receipt (one delivery, one
    # code), and each code in a receipt is a case with all its parts.
    report.cases_filed = len(cases)
    for r in sent:
        if r.kind != CONFIRM or not r.acked:
            continue
        hits = delivered.get(r.event_id, [])
        codes = [code for h in hits
                 for code in set(CODE_RE.findall(json.dumps(h["messages"], ensure_ascii=False)))]
        if not codes:
            report.no_receipt.append((r.event_id, r.user[:9]))
            continue
        report.receipts += 1
        if len(codes) > 1:
            report.two_receipts.append((r.event_id, codes))
        for code in set(codes):
            missing = _case_missing(cases.get(code))
            if missing:
                report.case_incomplete.append((code, missing))

    # One user's events: handled (first outbox row) and delivered in the order sent.
    first_row = {eid: rows[0].id for eid, rows in rows_by_event.items() if rows}
    per_user: dict[str, list[Sent]] = defaultdict(list)
    for r in sent:
        if r.acked:
            per_user[r.user].append(r)
    for user, events in per_user.items():
        events.sort(key=lambda r: r.order)
        for name, key in (("handled", first_row), ("delivered", first_seq)):
            seen = [(r.order, key[r.event_id]) for r in events if r.event_id in key]
            for (o1, k1), (o2, k2) in zip(seen, seen[1:], strict=False):
                if k2 < k1:
                    report.out_of_order.append((user[:9], name, o1, o2))
    return report


def _unlinked_receipt(r: Sent, by_reply_token: dict, received: list, explained: set
                      ) -> list[dict]:
    """The delivery of an anonymous case's receipt, which keeps no outbox row."""
    replies = [h for h in by_reply_token.get(r.reply_token, []) if h["seq"] not in explained]
    if replies:
        return replies[:1]
    for entry in received:
        if (entry.get("kind") == "push" and entry.get("to") == r.user
                and entry["seq"] not in explained
                and CODE_RE.search(json.dumps(entry.get("messages"), ensure_ascii=False))):
            return [entry]
    return []


def _cases(connection) -> dict[str, dict]:
    try:
        rows = list(connection.execute(text(
            "select id, code, identity_mode, wrapped_key is not null as keyed, "
            "secret_hash is not null as secret, office_id from cases")))
    except Exception:  # no cases table in this build
        connection.rollback()
        return {}
    fields: dict[int, set] = defaultdict(set)
    for case_id, name in connection.execute(text("select case_id, field from case_fields")):
        fields[case_id].add(name)
    return {row.code: {"mode": row.identity_mode, "keyed": row.keyed, "secret": row.secret,
                       "office": row.office_id, "fields": fields[row.id]} for row in rows}


def _case_missing(case: dict | None) -> list[str]:
    if case is None:
        return ["the case itself"]
    missing = [] if case["keyed"] else ["data key"]
    if not case["office"]:
        missing.append("office")
    if "description" not in case["fields"]:
        missing.append("description")
    if case["mode"] in ("identified", "confidential"):
        missing += [f for f in ("name", "phone") if f not in case["fields"]]
    elif not case["secret"]:
        missing.append("secret hash")
    return missing


def print_figures(title: str, report: Report, extra: dict | None = None) -> None:
    figures = {**report.figures(), **(extra or {})}
    print(f"\n== {title}: " + json.dumps(figures, ensure_ascii=False, default=str), flush=True)


def sleep_until(t: float) -> None:
    while (left := t - time.monotonic()) > 0:
        time.sleep(min(left, 0.5))


def run_scenario(cluster: Cluster, *, seconds: float, rate: float, users: int = 60,
                 actions=(), settle_seconds: float = 150, mix=None, threads: int = 16):
    """Load for `seconds`; at each (t, action) in `actions` call action() t seconds in.

    Returns (report, load, timeline): the timeline lists (t, what) of the actions taken.
    """
    load = Load(cluster, rate=rate, users=users, mix=mix, threads=threads)
    timeline: list[tuple[float, str]] = []
    t0 = time.monotonic()
    load.start()
    try:
        for at, action in sorted(actions, key=lambda a: a[0]):
            sleep_until(t0 + at)
            what = action()
            timeline.append((round(time.monotonic() - t0, 1), what or action.__name__))
        sleep_until(t0 + seconds)
    finally:
        load.stop()
    counts = wait_until_settled(cluster.database_url, settle_seconds)
    timeline.append((round(time.monotonic() - t0, 1), f"settled {counts}"))
    return check(cluster, load.sent), load, timeline
