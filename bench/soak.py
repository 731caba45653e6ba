"""Soak: a steady mix of signed events against gunicorn and one worker on PostgreSQL.

    python bench/soak.py                  # 30 minutes at 50 events/s
    python bench/soak.py --minutes 5      # a short run

Runs what production runs (`gunicorn --workers 4 --threads 2 'bot.wsgi:app'` as in Procfile,
one `tambon worker`, `tambon fake-line` as LINE) on a fresh PostgreSQL database (on the server
of TAMBON_TEST_DATABASE_URL, else postgresql://postgres@127.0.0.1:5432), dropped at the end.

Prints one line a minute: events sent and acknowledged, events handled, errors (answers
other than 200), p50/p99 acknowledgement latency, p50/p99 end-to-end latency (event sent
until its answer reached the fake LINE) and the resident memory of each process. At the end:
the exactly-once check of tests/faults (lost, handled twice, delivered twice, out of order)
and the targets: zero lost, zero 500, memory growth of the web and worker processes under
10 MB over the last 20 minutes (the last two thirds of a shorter run; the fake LINE keeps
all it received, so it grows by design). Exit status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text  # noqa: E402

from tests.faults.harness import (  # noqa: E402
    Cluster,
    Load,
    _pct_ms,
    _sa_url,
    check,
    fresh_pg_database,
    wait_until_settled,
)

DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"


class Meter:
    """Per-minute figures from the load's records, the fake LINE's journal and the database."""

    def __init__(self, cluster: Cluster, load: Load):
        self.cluster, self.load = cluster, load
        self.engine = create_engine(_sa_url(cluster.database_url), pool_pre_ping=True)
        self.journal_offset = 0
        self.seen_sent = 0
        self.handled_before = 0
        self.by_token: dict[str, float] = {}
        self.by_event: dict[str, float] = {}

    def minute(self) -> dict:
        with self.load.lock:
            new = self.load.sent[self.seen_sent:]
            self.seen_sent = len(self.load.sent)
        # Records keep changing after they are first seen (acks); look back one minute more.
        now = time.time()
        window = [r for r in self.load.sent if r.acked and now - 60 <= r.acked_at]
        for r in new:
            if r.reply_token:
                self.by_token[r.reply_token] = r.first_sent
            self.by_event[r.event_id] = r.first_sent
        statuses = Counter(str(s) for r in self.load.sent for s in r.statuses
                           if r.first_sent >= now - 60)
        e2e = self._e2e()
        with self.engine.connect() as c:
            handled = c.execute(text(
                "select count(*) from inbox_events where status = 'done'")).scalar_one()
            pending = c.execute(text(
                "select count(*) from inbox_events where status = 'pending'")).scalar_one()
        figures = {
            "sent": len(new),
            "acked": len(window),
            "handled": handled - self.handled_before,
            "backlog": pending,
            "errors": sum(v for k, v in statuses.items() if k != "200"),
            "http_500": statuses.get("500", 0),
            "ack_p50_ms": _pct_ms([r.ack_latency for r in window], 50),
            "ack_p99_ms": _pct_ms([r.ack_latency for r in window], 99),
            "e2e_p50_ms": _pct_ms(e2e, 50),
            "e2e_p99_ms": _pct_ms(e2e, 99),
            "rss_mb": self.cluster.rss_mb(),
        }
        self.handled_before = handled
        return figures

    def _e2e(self) -> list[float]:
        """Latency of each event first answered since the last call."""
        out = []
        journal = self.cluster.journal
        if not journal.exists():
            return out
        with journal.open() as f:
            f.seek(self.journal_offset)
            chunk = f.read()
        complete = chunk[: chunk.rfind("\n") + 1]
        self.journal_offset += len(complete.encode())
        pushes = []
        for line in complete.splitlines():
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if entry.get("kind") == "reply" and entry.get("reply_token") in self.by_token:
                out.append(entry["at"] - self.by_token.pop(entry["reply_token"]))
            elif entry.get("kind") == "push":
                pushes.append(entry)
        if pushes:
            keys = [p["retry_key"] for p in pushes]
            with self.engine.connect() as c:
                rows = dict(c.execute(text(
                    "select retry_key, source_event_id from outbox_messages "
                    "where retry_key = any(:keys)"), {"keys": keys}).all())
            for entry in pushes:
                sent = self.by_event.get(rows.get(entry["retry_key"]))
                if sent is not None:
                    out.append(entry["at"] - sent)
        return out

    def close(self) -> None:
        self.engine.dispose()


def _terminate(*_) -> None:
    """Unwind once (`timeout` signals the child and then its whole group: a second
    SIGTERM in the middle of stopping the processes would leave them running)."""
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    sys.exit(143)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--rate", type=float, default=50, help="events a second")
    parser.add_argument("--users", type=int, default=300)
    parser.add_argument("--workers", type=int, default=1, help="`tambon worker` processes")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (logs)")
    args = parser.parse_args()
    # SIGTERM unwinds like Ctrl-C, so every process started here is stopped and the
    # database dropped.
    signal.signal(signal.SIGTERM, _terminate)
    os.environ.setdefault("PYTHAINLP_OFFLINE", "1")
    server = os.environ.get("TAMBON_TEST_DATABASE_URL") or DEFAULT_SERVER
    workdir = Path(tempfile.mkdtemp(prefix="tambon-soak-"))
    print(f"soak: {args.minutes} min at {args.rate} events/s, gunicorn --workers 4 --threads 2, "
          f"{args.workers} worker(s), PostgreSQL; logs in {workdir}", flush=True)
    rows = []
    with fresh_pg_database(server, prefix="tambon_soak") as url, \
            Cluster(workdir, url, webs=1, workers=args.workers, web_processes=4,
                    web_threads=2) as cluster:
        load = Load(cluster, rate=args.rate, users=args.users, threads=24,
                    give_up_after=120)
        meter = Meter(cluster, load)
        print("minute " + " ".join(["sent", "acked", "handled", "backlog", "errors", "500",
                                    "ack_p50", "ack_p99", "e2e_p50", "e2e_p99", "rss_mb"]))
        t0 = time.monotonic()
        load.start()
        try:
            total = max(1, round(args.minutes))
            for minute in range(1, total + 1):
                target = t0 + 60 * minute * args.minutes / total
                while (left := target - time.monotonic()) > 0:
                    time.sleep(min(left, 1))
                row = meter.minute()
                rows.append(row)
                print(f"{minute:6d} {row['sent']:5d} {row['acked']:5d} {row['handled']:7d} "
                      f"{row['backlog']:7d} {row['errors']:6d} {row['http_500']:3d} "
                      f"{row['ack_p50_ms']} {row['ack_p99_ms']} {row['e2e_p50_ms']} "
                      f"{row['e2e_p99_ms']} {json.dumps(row['rss_mb'])}", flush=True)
        finally:
            load.stop()
        counts = wait_until_settled(url, 2400)
        report = check(cluster, load.sent)
        meter.close()
        print("settled: " + json.dumps(counts))
        print("check: " + json.dumps(report.figures(), ensure_ascii=False))
        for name, items in report.problems.items():
            print(f"  {name}: {items[:10]}")
    lost = len(report.not_done) + len(report.undelivered) + report.never_acked
    http_500 = report.statuses.get("500", 0)
    tail = rows[-20:] if len(rows) > 20 else rows[len(rows) // 3:]
    growth = {}
    if len(tail) >= 2:
        # The fake LINE keeps everything it received (a test double): not the bot's memory.
        # A process's RSS can swing between two levels (the worker's by ~64 MB: a malloc
        # arena touched and trimmed again), so compare the floor (lowest RSS) of the first
        # and of the last few minutes of the window: a leak raises the floor.
        k = max(1, min(3, len(tail) // 2))
        for name in [n for n in tail[-1]["rss_mb"] if n != "fake-line"]:
            first = [r["rss_mb"][name] for r in tail[:k] if name in r["rss_mb"]]
            last = [r["rss_mb"][name] for r in tail[-k:] if name in r["rss_mb"]]
            if first and last:
                growth[name] = round(min(last) - min(first), 1)
    print(f"memory growth over the last {len(tail)} minutes (MB, floor to floor): "
          f"{json.dumps(growth)}")
    verdict = {"zero lost": lost == 0 and not report.problems, "zero 500": http_500 == 0,
               "memory growth < 10 MB": all(g < 10 for g in growth.values())}
    print("targets: " + json.dumps(verdict))
    if not args.keep:
        import shutil

        shutil.rmtree(workdir, ignore_errors=True)
    return 0 if all(verdict.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
