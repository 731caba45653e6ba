"""How fast does the webhook acknowledge, and how soon does the citizen get the answer?

Run: python bench/webhook.py [--seconds 20] [--db sqlite|postgresql|both] [--quick]

For each database it starts, each in its own process group on 127.0.0.1:
* the fake LINE API (`tambon fake-line --port P`), which records every reply and push;
* gunicorn exactly as `Procfile`'s `web:` line runs it (the bind moved to loopback), with
  `TAMBON_BENCH_FLOOR=1` so the same server also has `POST /bench/floor` (checks the
  signature, answers 200: the floor);
* `tambon worker`, with `LINE_API_BASE` pointing at the fake.
The database is new each run (a SQLite file in a temp folder, or the PostgreSQL database
`bench_webhook`, dropped and created), migrated with `tambon db upgrade` and given the service
manual with `tambon manual load`; the development key ring is written before gunicorn starts.

This process is the client. Every event is a signed LINE text message with a Thai
question, a new `webhookEventId`, `replyToken` and user id. Phases, in this order:

1. end-to-end at 50 events/s (open loop): from sending the event until the fake LINE
   records the reply; then drain (wait until every event is answered);
2. acknowledgement at 200 events/s (open loop) on /callback while the worker is busy
   answering them, as production runs; the worker is then stopped, because at that rate
   it builds a backlog that would take minutes to drain, and the remaining phases measure
   the web processes alone:
3. acknowledgement at 200 events/s (open loop), floor then /callback;
4. sustained acknowledgements per second (closed loop, keep-alive connections sending
   back to back), floor then /callback;
5. acknowledgement at 200 events/s (open loop) on /messenger (issue 20): Messenger text
   messages signed with X-Hub-Signature-256, stored in the same inbox (the worker is
   stopped by then, so they are stored, not answered).

Open loop: a dispatcher hands each event to a pool of sender threads (one keep-alive
connection each) at its scheduled time and never waits for an answer; latency is counted
from the scheduled time, so a late send counts against the result ("lag" shows how late
the client itself was). CPU columns are percent of one core over the phase, read from
/proc: the client (this process), the gunicorn processes, the worker, the fake LINE,
PostgreSQL, and the whole machine (2 cores = 200).

Prints a table and the targets (PASS/FAIL); writes bench/out/webhook-<db>.json.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import math
import os
import queue
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.channels.messenger_chat import body_for, text_item  # noqa: E402
from bot.channels.messenger_chat import sign as messenger_sign  # noqa: E402
from bot.chat import sign, text_event  # noqa: E402
from bot.settings import DEV_CHANNEL_SECRET  # noqa: E402

OUT_DIR = ROOT / "bench" / "out"
HOST = "127.0.0.1"
PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_DATABASE = "bench_webhook"
MESSENGER_SECRET = "bench-messenger-app-secret"

ACK_RATE = 200.0
E2E_RATE = 50.0
OPEN_THREADS = 32
E2E_THREADS = 16
CLOSED_CONNECTIONS = 16
REQUEST_TIMEOUT = 10.0

TARGET_ACK_P99_MS = 50.0
TARGET_SUSTAINED_SHARE = 0.5
TARGET_E2E_P95_MS = 500.0

# What citizens type on LINE: allowances, taxes, permits, water, garbage, complaints.
QUESTIONS = [
    "ขอเบี้ยผู้สูงอายุต้องใช้เอกสารอะไรบ้างคะ",
    "แม่จะอายุครบ 60 ปีเดือนหน้า ลงทะเบียนเบี้ยคนแก่ได้ตอนไหนคะ",
    "เบี้ยคนพิการสมัครที่ไหนครับ ต้องมีบัตรคนพิการก่อนไหม",
    "ลูกเพิ่งคลอด ขอเงินอุดหนุนเด็กแรกเกิดยังไงคะ",
    "ภาษีป้ายร้านค้าต้องจ่ายภายในเดือนไหนครับ",
    "จะสร้างบ้านชั้นเดียวต้องขออนุญาตก่อสร้างไหมคะ",
    "ค่าเก็บขยะเดือนละเท่าไหร่ จ่ายที่ไหนได้บ้าง",
    "อยากขอติดตั้งน้ำประปาเข้าบ้านใหม่ต้องทำยังไงครับ",
    "ไฟถนนหน้าบ้านดับมาสามวันแล้ว แจ้งซ่อมได้ที่ไหนคะ",
    "เปิดร้านขายอาหารตามสั่งต้องขอใบอนุญาตอะไรบ้าง",
    "ศูนย์พัฒนาเด็กเล็กรับเด็กอายุกี่ขวบคะ สมัครเมื่อไหร่",
    "ขอยืมเต็นท์กับเก้าอี้ของ อบต. ไปใช้งานศพได้ไหมครับ",
    "บ้านโดนน้ำท่วม ขอความช่วยเหลือผู้ประสบภัยได้ยังไงคะ",
    "หมาที่บ้านยังไม่ได้ฉีดวัคซีนพิษสุนัขบ้า อบต. มาฉีดให้ไหม",
    "ภาษีที่ดินและสิ่งปลูกสร้างปีนี้จ่ายออนไลน์ได้หรือเปล่าครับ",
    "เบอร์โทรของ อบต. ทุ่งโพธิ์คือเบอร์อะไรคะ เปิดกี่โมง",
]


# -- percentiles and CPU --------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000, 2)


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _proc_stats() -> list[tuple[int, int, str, float]]:
    """(pid, process group, command name, cpu seconds) for every process we can read."""
    rows = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as handle:
                raw = handle.read().decode("ascii", "replace")
        except OSError:
            continue
        name = raw[raw.index("(") + 1: raw.rindex(")")]
        fields = raw[raw.rindex(")") + 2:].split()
        # fields[0] is state, [2] pgrp, [11] utime, [12] stime (stat fields 3, 5, 14, 15)
        cpu = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
        rows.append((int(entry.name), int(fields[2]), name, cpu))
    return rows


def _machine_busy() -> tuple[float, float]:
    """(busy seconds, total seconds) summed over all cores, from /proc/stat."""
    with open("/proc/stat") as handle:
        parts = [int(x) for x in handle.readline().split()[1:]]
    idle = parts[3] + parts[4]
    total = sum(parts[:8])
    return (total - idle) / CLOCK_TICKS, total / CLOCK_TICKS


class CpuMeter:
    """CPU seconds per role between start() and stop(), as percent of one core.

    Counted per process present at the end (a process that ended during the phase drops
    out); "other" is what the rest of the machine used: other sessions' work on a shared box.
    """

    def __init__(self, groups: dict[str, int]):
        self.groups = groups  # role -> process group id

    def _sample(self) -> tuple[dict[int, tuple[str, float]], float, float]:
        by_group = {pgid: role for role, pgid in self.groups.items()}
        processes = {}
        for pid, pgid, name, cpu in _proc_stats():
            if pgid in by_group:
                processes[pid] = (by_group[pgid], cpu)
            elif name == "postgres" and _serves_bench_database(pid):
                processes[pid] = ("postgres", cpu)
        times = os.times()
        return processes, times.user + times.system, _machine_busy()[0]

    def start(self) -> None:
        self._t0 = time.perf_counter()
        self._s0 = self._sample()

    def stop(self) -> dict[str, float]:
        (procs1, client1, machine1), (procs0, client0, machine0) = self._sample(), self._s0
        wall = time.perf_counter() - self._t0
        used = dict.fromkeys([*self.groups, "postgres"], 0.0)
        for pid, (role, cpu) in procs1.items():
            before = procs0.get(pid)
            used[role] += cpu - (before[1] if before and before[0] == role else 0.0)
        used["client"] = client1 - client0
        used["machine"] = machine1 - machine0
        used["other"] = max(0.0, used["machine"] - sum(
            v for k, v in used.items() if k != "machine"))
        self.server_seconds = sum(used[role] for role in (*self.groups, "postgres"))
        return {role: round(100 * seconds / wall, 1) for role, seconds in used.items()}


def _serves_bench_database(pid: int) -> bool:
    """A PostgreSQL backend connected to the bench's database (its title names it)."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            title = handle.read().decode("ascii", "replace")
    except OSError:
        return False
    return f" {PG_DATABASE} " in title


def machine_busy_percent(seconds: float = 2.0) -> float:
    """How busy the whole machine is, in percent of one core, over `seconds`."""
    busy0, total0 = _machine_busy()
    time.sleep(seconds)
    busy1, total1 = _machine_busy()
    cores = os.cpu_count() or 1
    return 100 * cores * (busy1 - busy0) / max(total1 - total0, 1e-9)


def wait_for_quiet(limit: float, threshold: float = 30.0) -> float:
    """Wait up to `limit` seconds for the machine to be nearly idle; returns the last busy %."""
    deadline = time.monotonic() + limit
    busy = machine_busy_percent(1.0)
    while busy >= threshold and time.monotonic() < deadline:
        busy = machine_busy_percent(2.0)
    return busy


# -- events and the HTTP client -------------------------------------------------------------


class Events:
    """Signed one-event webhook bodies, each new: event id, reply token and user id."""

    def __init__(self, secret: str):
        self.secret = secret
        self._count = itertools.count()

    def next(self) -> tuple[bytes, str, str, str]:
        number = next(self._count)
        user = "U" + uuid.uuid4().hex
        event = text_event(user, QUESTIONS[number % len(QUESTIONS)])
        body = json.dumps({"destination": "Ubench", "events": [event]},
                          ensure_ascii=False).encode()
        return body, sign(body, self.secret), event["replyToken"], user


class MessengerEvents:
    """Signed one-message Messenger bodies, each new: message id (mid) and sender (PSID)."""

    def __init__(self, secret: str):
        self.secret = secret
        self._count = itertools.count()

    def next(self) -> tuple[bytes, str, str, str]:
        number = next(self._count)
        psid = str(uuid.uuid4().int)[:16]
        body = body_for([text_item(psid, QUESTIONS[number % len(QUESTIONS)])])
        return body, messenger_sign(body, self.secret), "", psid


class Client:
    """One keep-alive connection; reconnects once when the server closed it while idle."""

    def __init__(self, port: int):
        self.port = port
        self.conn: http.client.HTTPConnection | None = None
        self.reconnects = 0

    def post(self, path: str, body: bytes, signature: str) -> int:
        header = "X-Hub-Signature-256" if path == "/messenger" else "X-Line-Signature"
        headers = {"Content-Type": "application/json", header: signature}
        for attempt in range(2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(HOST, self.port, timeout=REQUEST_TIMEOUT)
            try:
                self.conn.request("POST", path, body, headers)
                answer = self.conn.getresponse()
                answer.read()
                if answer.will_close:
                    self.close()
                return answer.status
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError,
                    http.client.CannotSendRequest):
                # A keep-alive connection the server had closed; the event id makes a retry
                # harmless (a duplicate is stored once).
                self.close()
                self.reconnects += 1
                if attempt:
                    return -1
            except (OSError, http.client.HTTPException, AttributeError):
                # timeout or refused; or http.client tripping over a response whose
                # connection a timeout already closed (AttributeError in _close_conn), which
                # otherwise ended this sender thread and left the others the whole load
                self.close()
                return -1
        return -1

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


@dataclass
class Sample:
    scheduled: float  # perf_counter
    sent: float  # perf_counter
    done: float  # perf_counter
    wall_sent: float  # time.time(), for the end-to-end match with the fake LINE's `at`
    status: int
    token: str
    user: str


@dataclass
class PhaseResult:
    name: str
    kind: str  # open | closed | e2e
    seconds: float
    samples: list[Sample] = field(default_factory=list)
    elapsed: float = 0.0
    reconnects: int = 0
    cpu: dict[str, float] = field(default_factory=dict)
    server_cpu: float = 0.0  # seconds: gunicorn, worker, fake LINE, PostgreSQL backends
    extra: dict = field(default_factory=dict)

    def summary(self) -> dict:
        ok = [s for s in self.samples if s.status == 200]
        from_schedule = [s.done - s.scheduled for s in ok]
        lag = [s.sent - s.scheduled for s in self.samples]
        unfinished = self.extra.get("unfinished", 0)  # no answer before the phase's deadline
        out = {
            "name": self.name, "kind": self.kind, "seconds": round(self.elapsed, 2),
            "sent": len(self.samples) + unfinished, "ok": len(ok),
            "errors": len(self.samples) + unfinished - len(ok),
            "statuses": _count_statuses(self.samples),
            "acks_per_s": round(len(ok) / self.elapsed, 1) if self.elapsed else None,
            "p50_ms": _ms(percentile(from_schedule, 50)),
            "p99_ms": _ms(percentile(from_schedule, 99)),
            "max_ms": _ms(max(from_schedule, default=None)),
            "client_lag_p99_ms": _ms(percentile(lag, 99)),
            "reconnects": self.reconnects, "cpu_percent_of_one_core": self.cpu,
            "server_cpu_ms_per_event": (round(1000 * self.server_cpu / len(ok), 2)
                                        if ok else None),
        }
        out.update(self.extra)
        return out


def _count_statuses(samples: list[Sample]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for s in samples:
        counts[str(s.status)] = counts.get(str(s.status), 0) + 1
    return counts


def open_loop(port: int, path: str, rate: float, seconds: float, threads: int,
              events: Events | MessengerEvents, name: str, kind: str = "open"
              ) -> PhaseResult:
    """Send `rate` events a second on schedule for `seconds`, never waiting for answers."""
    count = max(1, int(rate * seconds))
    result = PhaseResult(name, kind, seconds)
    samples: list[Sample | None] = [None] * count
    work: queue.SimpleQueue = queue.SimpleQueue()
    clients = [Client(port) for _ in range(threads)]

    def sender(client: Client) -> None:
        while True:
            item = work.get()
            if item is None:
                return
            index, scheduled, body, signature, token, user = item
            sent, wall = time.perf_counter(), time.time()
            status = client.post(path, body, signature)
            samples[index] = Sample(scheduled, sent, time.perf_counter(), wall, status,
                                    token, user)

    pool = [threading.Thread(target=sender, args=(c,), daemon=True) for c in clients]
    for thread in pool:
        thread.start()
    start = time.perf_counter() + 0.05
    for index in range(count):
        body, signature, token, user = events.next()  # built ahead of its slot
        scheduled = start + index / rate
        delay = scheduled - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        work.put((index, scheduled, body, signature, token, user))
    for _ in pool:
        work.put(None)
    deadline = time.monotonic() + REQUEST_TIMEOUT * 2 + 5
    for thread in pool:
        thread.join(max(0.0, deadline - time.monotonic()))
    finished = [s for s in samples if s is not None]
    result.elapsed = max((s.done for s in finished), default=start) - start
    result.samples = finished
    result.extra["unfinished"] = count - len(finished)
    result.reconnects = sum(c.reconnects for c in clients)
    for client in clients:
        client.close()
    return result


def closed_loop(port: int, path: str, connections: int, seconds: float,
                events: Events | MessengerEvents, name: str) -> PhaseResult:
    """Each connection sends its next event as soon as the last one is answered."""
    result = PhaseResult(name, "closed", seconds)
    clients = [Client(port) for _ in range(connections)]
    per_thread: list[list[Sample]] = [[] for _ in clients]
    start = time.perf_counter()
    stop_at = start + seconds

    def run(client: Client, out: list[Sample]) -> None:
        while True:
            body, signature, token, user = events.next()
            sent = time.perf_counter()
            if sent >= stop_at:
                return
            status = client.post(path, body, signature)
            out.append(Sample(sent, sent, time.perf_counter(), 0.0, status, token, user))

    pool = [threading.Thread(target=run, args=(c, out), daemon=True)
            for c, out in zip(clients, per_thread, strict=True)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(seconds + REQUEST_TIMEOUT + 5)
    result.elapsed = time.perf_counter() - start
    result.samples = [s for out in per_thread for s in out]
    result.reconnects = sum(c.reconnects for c in clients)
    for client in clients:
        client.close()
    return result


# -- the fake LINE's record -----------------------------------------------------------------


def _get_json(port: int, path: str, timeout: float = 5.0):
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", path)
        answer = conn.getresponse()
        data = answer.read()
        if answer.status != 200:
            raise RuntimeError(f"GET {path} answered {answer.status}")
        return json.loads(data)
    finally:
        conn.close()


class Received:
    """What the fake LINE API recorded, read incrementally with ?after=N."""

    def __init__(self, port: int):
        self.port = port
        self.seq = 0
        self.by_token: dict[str, float] = {}
        self.by_user: dict[str, float] = {}
        self.first_message: dict | None = None

    def poll(self) -> int:
        entries = _get_json(self.port, f"/_control/received?after={self.seq}")
        for entry in entries:
            self.seq = max(self.seq, entry["seq"])
            if entry.get("kind") not in ("reply", "push"):
                continue
            if entry.get("reply_token"):
                self.by_token.setdefault(entry["reply_token"], entry["at"])
            if entry.get("to"):
                self.by_user.setdefault(entry["to"], entry["at"])
            if self.first_message is None and entry.get("messages"):
                self.first_message = entry["messages"][0]
        return len(entries)

    def answered_at(self, token: str, user: str) -> float | None:
        return self.by_token.get(token, self.by_user.get(user))

    def wait_for(self, samples: list[Sample], timeout: float) -> float:
        """Poll until every accepted event has its answer, or `timeout`. Returns seconds."""
        started = time.monotonic()
        pending = [s for s in samples if s.status == 200]
        while time.monotonic() - started < timeout:
            self.poll()
            pending = [s for s in pending if self.answered_at(s.token, s.user) is None]
            if not pending:
                break
            time.sleep(0.1)
        return time.monotonic() - started


# -- the processes --------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def _venv_tool(name: str) -> str:
    beside = Path(sys.executable).parent / name
    if beside.exists():
        return str(beside)
    found = shutil.which(name)
    if not found:
        raise SystemExit(f"bench: `{name}` not found; activate the project's virtual environment")
    return found


def procfile_web_command(port: int) -> tuple[list[str], int]:
    """Procfile's `web:` command, bound to loopback on `port`; also its --workers count."""
    for line in (ROOT / "Procfile").read_text().splitlines():
        if line.startswith("web:"):
            argv = shlex.split(line[len("web:"):].replace("${PORT:-8000}", str(port)))
            break
    else:
        raise SystemExit("bench: Procfile has no web: line")
    if argv[0] != "gunicorn":
        raise SystemExit(f"bench: Procfile's web: runs {argv[0]}, not gunicorn")
    argv[0] = _venv_tool("gunicorn")
    workers = 1
    for i, arg in enumerate(argv):
        if arg in ("--bind", "-b"):
            argv[i + 1] = f"{HOST}:{port}"
        elif arg.startswith("--bind="):
            argv[i] = f"--bind={HOST}:{port}"
        elif arg in ("--workers", "-w"):
            workers = int(argv[i + 1])
    if not any(a in ("--bind", "-b") or a.startswith("--bind=") for a in argv):
        argv[1:1] = ["--bind", f"{HOST}:{port}"]
    return argv, workers


class Stack:
    """fake LINE + gunicorn + worker on a new database; stop() ends them all."""

    def __init__(self, db: str, folder: Path):
        self.db = db
        self.folder = folder
        self.procs: dict[str, subprocess.Popen] = {}
        self.stopped: set[str] = set()
        self.logs: dict[str, Path] = {}
        self.web_port = _free_port()
        self.line_port = _free_port()
        self.workers = 1
        self.env = self._environment()

    def _environment(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items()
               if k not in ("LINE_CHANNEL_SECRET", "LINE_CHANNEL_ACCESS_TOKEN",
                            "TAMBON_KEYRING", "TAMBON_KEYRING_FILE", "TAMBON_SECRET_KEY")}
        instance = self.folder / "instance"
        instance.mkdir(parents=True, exist_ok=True)
        if self.db == "sqlite":
            url = f"sqlite:///{instance / 'tambon.db'}"
        else:
            url = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + PG_DATABASE
        env.update({
            "TAMBON_INSTANCE_DIR": str(instance),
            "DATABASE_URL": url,
            "LINE_API_BASE": f"http://{HOST}:{self.line_port}",
            "TAMBON_BENCH_FLOOR": "1",
            "PYTHONUNBUFFERED": "1",
            "MESSENGER_APP_SECRET": MESSENGER_SECRET,
            "MESSENGER_PAGE_TOKEN": "bench-page-token",
            "MESSENGER_VERIFY_TOKEN": "bench-verify-token",
            "MESSENGER_API_BASE": f"http://{HOST}:{self.line_port}",
        })
        return env

    def prepare(self) -> None:
        if self.db == "postgresql":
            _recreate_pg_database()
        from storage.vault import KeyRing

        instance = Path(self.env["TAMBON_INSTANCE_DIR"])
        KeyRing.generate(development=True).save_file(instance / "keyring.json")
        tambon = _venv_tool("tambon")
        self._run_once("db-upgrade", [tambon, "db", "upgrade"])
        if "manual" in self._run_once("help", [tambon, "--help"]):
            self._run_once("manual-load", [tambon, "manual", "load"])

    def _run_once(self, name: str, argv: list[str]) -> str:
        done = subprocess.run(argv, env=self.env, cwd=ROOT, capture_output=True, text=True,
                              timeout=300)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(argv[1:])} failed:\n{done.stderr[-2000:]}")
        return done.stdout

    def _start(self, name: str, argv: list[str]) -> None:
        log = self.folder / f"{name}.log"
        self.logs[name] = log
        with open(log, "wb") as out:
            self.procs[name] = subprocess.Popen(
                argv, env=self.env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=True,
            )

    def start(self) -> None:
        tambon = _venv_tool("tambon")
        self._start("fake-line", [tambon, "fake-line", "--port", str(self.line_port)])
        web, self.workers = procfile_web_command(self.web_port)
        self.command = " ".join(shlex.quote(a) for a in [Path(web[0]).name, *web[1:]])
        self._start("web", web)
        self._start("worker", [tambon, "worker"])
        self._wait_ready()

    def _check_alive(self) -> None:
        for name, proc in self.procs.items():
            if name not in self.stopped and proc.poll() is not None:
                raise RuntimeError(f"{name} exited with {proc.returncode}:\n{self.tail(name)}")

    def tail(self, name: str, lines: int = 12) -> str:
        try:
            return "\n".join(self.logs[name].read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def _wait_ready(self, timeout: float = 60.0) -> None:
        """The fake LINE answers, /healthz answers, and every gunicorn worker has answered."""
        deadline = time.monotonic() + timeout
        pids: set[int] = set()
        fake_up = False
        while time.monotonic() < deadline:
            self._check_alive()
            try:
                if not fake_up:
                    _get_json(self.line_port, "/_control/received", timeout=1)
                    fake_up = True
                _get_json(self.web_port, "/healthz", timeout=2)
                pids.add(_get_json(self.web_port, "/bench/floor", timeout=2)["pid"])
                if len(pids) >= self.workers:
                    return
                continue  # a new connection may land on the other worker
            except (OSError, RuntimeError, ValueError):
                pass
            time.sleep(0.2)
        raise RuntimeError(f"servers not ready after {timeout:.0f}s (gunicorn workers seen: "
                           f"{len(pids)}/{self.workers}):\n{self.tail('web')}")

    def groups(self) -> dict[str, int]:
        return {name: proc.pid for name, proc in self.procs.items() if proc.poll() is None}

    def stop_one(self, name: str) -> None:
        proc = self.procs.get(name)
        self.stopped.add(name)
        if proc is None or proc.poll() is not None:
            return
        for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
            try:
                os.killpg(proc.pid, sig)
            except ProcessLookupError:
                return
            try:
                proc.wait(wait)
                return
            except subprocess.TimeoutExpired:
                continue

    def stop(self) -> None:
        for name in ("worker", "web", "fake-line"):
            self.stop_one(name)


def _recreate_pg_database() -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{PG_DATABASE}"')


# -- one database ---------------------------------------------------------------------------


def run_database(db: str, seconds: float, warmup: float, quiet: float) -> dict:
    idle_before = wait_for_quiet(quiet)
    folder = Path(tempfile.mkdtemp(prefix=f"bench-webhook-{db}-"))
    stack = Stack(db, folder)
    events = Events(DEV_CHANNEL_SECRET)
    phases: list[PhaseResult] = []
    started = time.perf_counter()
    try:
        stack.prepare()
        stack.start()
        received = Received(stack.line_port)
        meter = CpuMeter(stack.groups())

        def measured(run) -> PhaseResult:
            meter.start()
            result = run()
            result.cpu = meter.stop()
            result.server_cpu = meter.server_seconds
            stack._check_alive()
            phases.append(result)
            return result

        # Warm up every path (imports, pools, the search index) and prove the worker answers.
        closed_loop(stack.web_port, "/bench/floor", 4, warmup, events, "warmup")
        closed_loop(stack.web_port, "/callback", 4, warmup / 2, events, "warmup")
        warm = open_loop(stack.web_port, "/callback", E2E_RATE, warmup, E2E_THREADS, events,
                         "warmup")
        received.wait_for(warm.samples, timeout=120)

        # 1. end to end, then drain
        e2e = measured(lambda: open_loop(stack.web_port, "/callback", E2E_RATE, seconds,
                                         E2E_THREADS, events, "end-to-end 50/s", "e2e"))
        drain = received.wait_for(e2e.samples, timeout=max(30.0, 3 * seconds))
        _end_to_end(e2e, received, drain)

        # 2. acknowledgements while the worker works, then stop it
        before = received.seq
        busy = measured(lambda: open_loop(stack.web_port, "/callback", ACK_RATE, seconds,
                                          OPEN_THREADS, events, "callback 200/s, worker busy"))
        received.poll()
        answered = received.seq - before
        busy.extra.update(worker_answered=answered,
                          worker_answers_per_s=round(answered / busy.elapsed, 1),
                          backlog_left=busy.summary()["ok"] - answered)
        stack.stop_one("worker")

        # 3. acknowledgement latency, web alone; 4. sustained acknowledgements
        measured(lambda: open_loop(stack.web_port, "/bench/floor", ACK_RATE, seconds,
                                   OPEN_THREADS, events, "floor 200/s"))
        measured(lambda: open_loop(stack.web_port, "/callback", ACK_RATE, seconds,
                                   OPEN_THREADS, events, "callback 200/s"))
        measured(lambda: closed_loop(stack.web_port, "/bench/floor", CLOSED_CONNECTIONS,
                                     seconds, events, f"floor closed {CLOSED_CONNECTIONS}"))
        measured(lambda: closed_loop(stack.web_port, "/callback", CLOSED_CONNECTIONS,
                                     seconds, events, f"callback closed {CLOSED_CONNECTIONS}"))
        # 5. the same acknowledgement on /messenger
        messenger = MessengerEvents(MESSENGER_SECRET)
        closed_loop(stack.web_port, "/messenger", 4, warmup / 2, messenger, "warmup")
        measured(lambda: open_loop(stack.web_port, "/messenger", ACK_RATE, seconds,
                                   OPEN_THREADS, messenger, "messenger 200/s"))
        command = stack.command
    except BaseException:
        for name in stack.logs:
            print(f"--- {name} log (last lines) ---\n{stack.tail(name)}", file=sys.stderr)
        raise
    finally:
        stack.stop()
    shutil.rmtree(folder, ignore_errors=True)
    return _report(db, seconds, command, phases, time.perf_counter() - started,
                   received.first_message, idle_before)


def _end_to_end(result: PhaseResult, received: Received, drain: float) -> None:
    latencies, missing = [], 0
    for s in result.samples:
        if s.status != 200:
            continue
        at = received.answered_at(s.token, s.user)
        if at is None:
            missing += 1
        else:
            latencies.append(at - s.wall_sent)
    result.extra.update(
        answered=len(latencies), unanswered=missing, drain_seconds=round(drain, 2),
        e2e_p50_ms=_ms(percentile(latencies, 50)), e2e_p95_ms=_ms(percentile(latencies, 95)),
        e2e_p99_ms=_ms(percentile(latencies, 99)), e2e_max_ms=_ms(max(latencies, default=None)),
    )


# -- the report -----------------------------------------------------------------------------


def _fmt(value, width: int, digits: int = 1) -> str:
    if value is None:
        return "-".rjust(width)
    if isinstance(value, float):
        return f"{value:{width}.{digits}f}"
    return f"{value:>{width}}"


def _report(db: str, seconds: float, command: str, phases: list[PhaseResult], total: float,
            sample_message: dict | None, busy_before: float) -> dict:
    rows = {p.name: p.summary() for p in phases}
    print(f"\n== {db}: {command}")
    print(f"   {seconds:g} s a phase, {os.cpu_count()} cores (busy {busy_before:.0f}% of one core "
          "before the start); latency from the scheduled send (open loop);")
    print("   cpu/ev = server CPU ms an event (gunicorn, worker, fake LINE, PostgreSQL backends); "
          "cpu% = % of one core")
    print(f"{'phase':<28}{'sent':>7}{'ok':>7}{'err':>5}{'ack/s':>8}{'p50ms':>8}{'p99ms':>8}"
          f"{'maxms':>9}{'lag99':>9}{'cpu/ev':>7}  cpu%: client web worker fake  pg other | all")
    for row in rows.values():
        cpu = row["cpu_percent_of_one_core"]
        print(f"{row['name']:<28}{row['sent']:>7}{row['ok']:>7}{row['errors']:>5}"
              f"{_fmt(row['acks_per_s'], 8)}{_fmt(row['p50_ms'], 8)}{_fmt(row['p99_ms'], 8)}"
              f"{_fmt(row['max_ms'], 9, 0)}{_fmt(row['client_lag_p99_ms'], 9)}"
              f"{_fmt(row['server_cpu_ms_per_event'], 7, 2)}        "
              f"{cpu.get('client', 0):6.0f} {cpu.get('web', 0):3.0f} "
              f"{cpu.get('worker', 0):6.0f} {cpu.get('fake-line', 0):4.0f} "
              f"{cpu.get('postgres', 0):3.0f} {cpu.get('other', 0):5.0f} | "
              f"{cpu.get('machine', 0):3.0f}")
    e2e = next(r for r in rows.values() if r["kind"] == "e2e")
    busy = rows["callback 200/s, worker busy"]
    print(f"end to end at 50/s: answered {e2e['answered']}/{e2e['ok']}, "
          f"p50 {_fmt(e2e['e2e_p50_ms'], 0)} ms, p95 {_fmt(e2e['e2e_p95_ms'], 0)} ms, "
          f"p99 {_fmt(e2e['e2e_p99_ms'], 0)} ms, max {_fmt(e2e['e2e_max_ms'], 0)} ms "
          f"(drained {e2e['drain_seconds']} s after the last send)")
    print(f"worker during 'worker busy': answered {busy['worker_answered']} "
          f"({busy['worker_answers_per_s']}/s), {busy['backlog_left']} left when it was stopped")
    if sample_message:
        text = str(sample_message.get("text") or sample_message.get("altText") or
                   sample_message.get("type"))
        print(f"a reply the fake LINE received: {text[:70]!r}")

    floor_rate = rows[f"floor closed {CLOSED_CONNECTIONS}"]["acks_per_s"] or 0.0
    callback_rate = rows[f"callback closed {CLOSED_CONNECTIONS}"]["acks_per_s"] or 0.0
    share = callback_rate / floor_rate if floor_rate else 0.0
    targets = [
        _target(f"ack p99 < {TARGET_ACK_P99_MS:g} ms at 200/s (web alone)",
                rows["callback 200/s"]["p99_ms"], TARGET_ACK_P99_MS, rows["callback 200/s"]),
        _target(f"ack p99 < {TARGET_ACK_P99_MS:g} ms at 200/s (worker busy)",
                busy["p99_ms"], TARGET_ACK_P99_MS, busy),
        _target(f"/messenger ack p99 < {TARGET_ACK_P99_MS:g} ms at 200/s",
                rows["messenger 200/s"]["p99_ms"], TARGET_ACK_P99_MS,
                rows["messenger 200/s"]),
        {"target": f"sustained acks >= {TARGET_SUSTAINED_SHARE:g} x floor",
         "value": round(share, 3),
         "detail": f"{callback_rate:.0f}/s vs floor {floor_rate:.0f}/s",
         "pass": share >= TARGET_SUSTAINED_SHARE
         and rows[f"callback closed {CLOSED_CONNECTIONS}"]["errors"] == 0},
        {"target": f"end-to-end p95 < {TARGET_E2E_P95_MS:g} ms at 50/s",
         "value": e2e["e2e_p95_ms"], "detail": f"{e2e['answered']}/{e2e['ok']} answered",
         "pass": e2e["e2e_p95_ms"] is not None and e2e["e2e_p95_ms"] < TARGET_E2E_P95_MS
         and e2e["unanswered"] == 0 and e2e["errors"] == 0},
    ]
    other = max(p.cpu.get("other", 0.0) for p in phases)
    if other > 25:
        print(f"WARNING: other work on this machine used up to {other:.0f}% of one core during "
              "these phases; the figures are pessimistic (see --wait-quiet)")
    print("targets:")
    for t in targets:
        value = t["value"]
        shown = f"{value:.2f}" if isinstance(value, float) else str(value)
        unit = " ms" if "ms" in t["target"] else ""
        print(f"  {t['target']:<44}{shown + unit:>12}  {'PASS' if t['pass'] else 'FAIL'}"
              f"  ({t['detail']})")
    print(f"({total:.0f} s for {db})")

    report = {"db": db, "command": command, "seconds_per_phase": seconds,
              "cores": os.cpu_count(), "machine_busy_before_percent": round(busy_before, 1),
              "max_other_cpu_percent": other, "phases": list(rows.values()), "targets": targets,
              "sample_reply": sample_message}
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    (OUT_DIR / f"webhook-{db}.json").write_text(
        json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    return report


def _target(name: str, value: float | None, limit: float, row: dict) -> dict:
    return {"target": name, "value": value,
            "detail": f"{row['ok']}/{row['sent']} ok, p50 {row['p50_ms']} ms",
            "pass": value is not None and value < limit and row["errors"] == 0}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="seconds a phase (20)")
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--quick", action="store_true", help="3 s phases: about a minute")
    parser.add_argument("--wait-quiet", type=float, default=0.0, metavar="SECONDS",
                        help="before each database, wait up to SECONDS for the machine to be "
                        "nearly idle (a shared machine skews every figure); default 0")
    args = parser.parse_args(argv)
    seconds = 3.0 if args.quick else args.seconds
    warmup = 1.0 if args.quick else 2.0
    databases = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    reports = [run_database(db, seconds, warmup, args.wait_quiet) for db in databases]
    failed = [t["target"] for r in reports for t in r["targets"] if not t["pass"]]
    print(f"\n{'all targets PASS' if not failed else f'{len(failed)} target(s) FAIL'}; "
          f"JSON in {OUT_DIR.relative_to(ROOT)}/webhook-<db>.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
