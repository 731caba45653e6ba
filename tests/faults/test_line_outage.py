"""LINE down — connection refused, then 500, then 429 with Retry-After — under load.

Messages wait in the outbox and all reach LINE once it is back, none twice; a reply that
could not go out goes as a push, and no reply is ever sent after its token went stale.
"""

from __future__ import annotations

import time

import pytest

from tests.faults.harness import Cluster, print_figures, run_scenario

pytestmark = pytest.mark.faults


def test_line_down_500_and_429_for_a_while(any_database, tmp_path):
    with Cluster(tmp_path / "cluster", any_database, webs=1, workers=1) as cluster:

        def refuse():
            cluster.kill(cluster.fake_line)
            return "fake LINE killed: connection refused"

        def back():
            cluster.start_proc(cluster.fake_line)
            return "fake LINE back"

        def answer_500():
            cluster.line("/_control/fail", status=500, seconds=6)
            return "500 for 6s"

        def answer_429():
            cluster.line("/_control/fail", status=429, seconds=6, retry_after=3)
            return "429 Retry-After 3 for 6s"

        report, load, timeline = run_scenario(
            cluster, seconds=30, rate=10,
            actions=[(2, refuse), (12, back), (15, answer_500), (23, answer_429)])
        rows = _outbox(cluster)
        late_replies = [r for r in rows if r["sent_as"] == "reply"
                        and r["sent_at"] > r["reply_deadline"]]
        print_figures("LINE outage", report, {
            "timeline": timeline,
            "outbox_attempts_max": max((r["attempts"] for r in rows), default=0),
            "retried_messages": sum(1 for r in rows if r["attempts"]),
        })
        assert report.never_acked == 0
        assert report.problems == {}, (report.problems, cluster.logs_summary())
        assert report.sent_as.get("push", 0) > 0  # what could not be replied was pushed
        assert late_replies == []
        assert not cluster.fake_line.popen.poll(), "fake LINE died"


def _outbox(cluster):
    from sqlalchemy import create_engine, text

    from tests.faults.harness import _sa_url

    engine = create_engine(_sa_url(cluster.database_url))
    try:
        with engine.connect() as c:
            return [dict(r._mapping) for r in c.execute(text(
                "select sent_as, sent_at, reply_deadline, attempts from outbox_messages"))]
    finally:
        engine.dispose()
        time.sleep(0)
