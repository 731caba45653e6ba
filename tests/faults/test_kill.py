"""SIGKILL a web process and a worker at random moments under a steady mix of signed events.

Every event that got a 200 is handled exactly once, its answer reaches LINE exactly once,
one user's events are handled and answered in order, and nothing but 200/503/refused
connections reaches LINE's side of the webhook (no 500).
"""

from __future__ import annotations

import random
import time

import pytest

from tests.faults.harness import Cluster, print_figures, run_scenario

pytestmark = pytest.mark.faults


def test_sigkill_web_and_worker_at_random_moments(any_database, tmp_path):
    postgres = any_database.startswith("postgresql")
    rng = random.Random(8)
    # SQLite takes one worker (README); PostgreSQL two of each.
    with Cluster(tmp_path / "cluster", any_database, webs=2,
                 workers=2 if postgres else 1) as cluster:
        killed: list[str] = []

        def kill_one():
            proc = rng.choice(cluster.webs + cluster.workers)
            cluster.kill(proc)
            time.sleep(rng.uniform(0.2, 1.5))
            cluster.start_proc(proc)
            killed.append(proc.name)
            return f"SIGKILL {proc.name}, restarted"

        moments = sorted(rng.uniform(2, 26) for _ in range(7))
        report, load, timeline = run_scenario(
            cluster, seconds=30, rate=15, actions=[(t, kill_one) for t in moments])
        print_figures(f"SIGKILL ({'PostgreSQL' if postgres else 'SQLite'})", report,
                      {"kills": killed, "timeline": timeline})
        assert len(killed) == 7
        assert report.never_acked == 0, report.figures()
        assert "500" not in report.statuses, report.statuses
        assert report.problems == {}, (report.problems, cluster.logs_summary())
