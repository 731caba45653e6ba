"""Two workers and two web processes on PostgreSQL at once, few users sending fast:
no event handled twice, one user's events handled and answered in order."""

from __future__ import annotations

import pytest

from tests.faults.harness import Cluster, print_figures, run_scenario

pytestmark = [pytest.mark.faults, pytest.mark.postgres]


def test_two_workers_two_webs_keep_each_users_order(pg_database, tmp_path):
    with Cluster(tmp_path / "cluster", pg_database, webs=2, workers=2) as cluster:
        # Eight users, sixteen senders: every user always has the next event waiting.
        report, load, timeline = run_scenario(cluster, seconds=15, rate=20, users=8,
                                              threads=16)
        print_figures("two workers, two webs", report, {"timeline": timeline})
        assert report.acked > 200
        assert report.never_acked == 0
        assert report.problems == {}, (report.problems, cluster.logs_summary())
