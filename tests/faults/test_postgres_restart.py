"""Restart PostgreSQL in the middle of the load.

While the database is away the web answers 5xx (so LINE redelivers), never 200 for what it
could not store, and never 500; when the database is back, web and worker carry on by
themselves (no process is restarted) and every acknowledged event is handled exactly once.
"""

from __future__ import annotations

import contextlib
import time

import pytest

from tests.faults.harness import (
    Cluster,
    can_restart_postgres,
    pg_cluster_control,
    pg_server_url,
    print_figures,
    run_scenario,
    wait_for_postgres,
)

pytestmark = [pytest.mark.faults, pytest.mark.postgres]

DOWN_SECONDS = 4


def test_postgres_restart_under_load(pg_database, tmp_path):
    why_not = can_restart_postgres(pg_server_url())
    if why_not:
        pytest.skip(why_not)
    outage = {}
    with Cluster(tmp_path / "cluster", pg_database, webs=2, workers=2) as cluster:

        def restart_postgres():
            outage["start"] = time.time()
            try:
                pg_cluster_control("stop")
                time.sleep(DOWN_SECONDS)
            finally:
                pg_cluster_control("start")
                wait_for_postgres(pg_database, 60)
                outage["end"] = time.time()
            return f"PostgreSQL stopped for {outage['end'] - outage['start']:.1f}s"

        try:
            report, load, timeline = run_scenario(
                cluster, seconds=24, rate=15, actions=[(6, restart_postgres)])
        finally:
            with contextlib.suppress(Exception):
                pg_cluster_control("start")  # whatever happened, leave the server running
        during = [s for r in load.sent for s in r.statuses
                  if outage["start"] <= r.first_sent <= outage["end"]]
        after = [r for r in load.sent if r.first_sent > outage["end"] + 3]
        print_figures("PostgreSQL restart", report, {
            "timeline": timeline,
            "answers_sent_during_outage": {str(k): during.count(k) for k in set(during)},
            "first_try_200_after_outage": sum(1 for r in after if r.statuses[:1] == [200]),
            "sent_after_outage": len(after),
        })
        assert any(s == 503 for s in during), "the web never said 503 while the DB was down"
        assert "500" not in report.statuses, report.statuses
        assert report.never_acked == 0, report.figures()
        assert report.problems == {}, (report.problems, cluster.logs_summary())
        # Recovered by itself: nobody restarted a process, and new events get 200 at once.
        assert all(p.starts == 1 and p.alive for p in cluster.procs), cluster.logs_summary()
        assert after and all(r.statuses[:1] == [200] for r in after)
