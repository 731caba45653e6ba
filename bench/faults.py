"""The long variants of tests/faults: minutes of SIGKILLs, PostgreSQL restarts, LINE down.

    python bench/faults.py                    # every scenario, about 25 minutes
    python bench/faults.py kill line --scale 0.3

Scenarios (each on a fresh PostgreSQL database on the server of TAMBON_TEST_DATABASE_URL,
else postgresql://postgres@127.0.0.1:5432; two gunicorn web processes and two workers unless
said otherwise):

- kill: 8 minutes at 20 events/s, a web process or a worker SIGKILLed every 10-30 s.
- pg: 6 minutes at 15 events/s, PostgreSQL stopped three times (5, 15 and 30 s).
- line: 8 minutes at 10 events/s with one web and one worker: LINE refuses connections for
  2 minutes (so reply tokens go stale and answers go as pushes), answers 500 for 1 minute,
  then 429 with Retry-After 10 for 1 minute.
- two: 4 minutes at 30 events/s from 12 users, two workers and two web processes.

`--scale` multiplies every duration. Prints the same figures as the CI tests and exits 1
when a scenario lost, doubled or reordered anything.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import signal
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.faults.harness import (  # noqa: E402
    Cluster,
    can_restart_postgres,
    fresh_pg_database,
    pg_cluster_control,
    print_figures,
    run_scenario,
    wait_for_postgres,
)

DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"


def kill(cluster: Cluster, scale: float):
    rng = random.Random(88)
    seconds = 480 * scale
    moments, t = [], 5.0
    while t < seconds - 20:
        moments.append(t)
        t += rng.uniform(10, 30)

    def kill_one():
        proc = rng.choice(cluster.webs + cluster.workers)
        cluster.kill(proc)
        time.sleep(rng.uniform(0.2, 3))
        cluster.start_proc(proc)
        return f"SIGKILL {proc.name}"

    return dict(seconds=seconds, rate=20, actions=[(m, kill_one) for m in moments])


def pg(cluster: Cluster, scale: float):
    def stop_for(down: float):
        def action():
            try:
                pg_cluster_control("stop")
                time.sleep(down)
            finally:
                pg_cluster_control("start")
                wait_for_postgres(cluster.database_url, 60)
            return f"PostgreSQL down {down:.0f}s"
        return action

    seconds = 360 * scale
    return dict(seconds=seconds, rate=15, actions=[
        (seconds * 0.15, stop_for(5 * scale)), (seconds * 0.4, stop_for(15 * scale)),
        (seconds * 0.65, stop_for(30 * scale))])


def line(cluster: Cluster, scale: float):
    def refuse():
        cluster.kill(cluster.fake_line)
        return "LINE refuses connections"

    def back():
        cluster.start_proc(cluster.fake_line)
        return "LINE back"

    def answer(status: int, seconds: float, retry_after=None):
        def action():
            cluster.line("/_control/fail", status=status, seconds=seconds,
                         retry_after=retry_after)
            return f"LINE answers {status} for {seconds:.0f}s"
        return action

    s = scale
    return dict(seconds=480 * s, rate=10, actions=[
        (20 * s, refuse), (140 * s, back), (200 * s, answer(500, 60 * s)),
        (300 * s, answer(429, 60 * s, retry_after=10))])


def two(cluster: Cluster, scale: float):
    return dict(seconds=240 * scale, rate=30, users=12, threads=24)


SCENARIOS = {"kill": (kill, 2, 2), "pg": (pg, 2, 2), "line": (line, 1, 1), "two": (two, 2, 2)}


def _terminate(*_) -> None:
    """Unwind once (`timeout` signals the child and then its whole group: a second
    SIGTERM in the middle of stopping the processes would leave them running)."""
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    sys.exit(143)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scenarios", nargs="*", default=list(SCENARIOS),
                        help=f"any of {', '.join(SCENARIOS)} (default: all)")
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    unknown = set(args.scenarios) - set(SCENARIOS)
    if unknown:
        parser.error(f"no such scenario: {', '.join(sorted(unknown))}")
    signal.signal(signal.SIGTERM, _terminate)
    os.environ.setdefault("PYTHAINLP_OFFLINE", "1")
    server = os.environ.get("TAMBON_TEST_DATABASE_URL") or DEFAULT_SERVER
    failed = []
    for name in args.scenarios:
        build, webs, workers = SCENARIOS[name]
        if name == "pg" and (why := can_restart_postgres(server)):
            print(f"== {name}: skipped ({why})")
            continue
        workdir = Path(tempfile.mkdtemp(prefix=f"tambon-faults-{name}-"))
        try:
            with fresh_pg_database(server, prefix="tambon_bench_faults") as url, \
                    Cluster(workdir, url, webs=webs, workers=workers) as cluster:
                plan = build(cluster, args.scale)
                report, load, timeline = run_scenario(cluster, settle_seconds=900, **plan)
                print_figures(f"{name} (long)", report, {"timeline": timeline,
                                                         "workdir": str(workdir)})
                if report.problems or report.never_acked or "500" in report.statuses:
                    failed.append(name)
                    for kind, items in report.problems.items():
                        print(f"   {kind}: {items[:10]}")
        finally:
            if name == "pg":
                with contextlib.suppress(Exception):
                    pg_cluster_control("start")
    print("failed: " + (", ".join(failed) or "none"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
