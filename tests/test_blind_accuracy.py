"""Floors on the blind sets (written by someone who never saw the bot's data).

They guard against regressions only; the sets are never tuned on and their misses are
never listed.
"""

from pathlib import Path

import yaml

from data import DEFAULT_ORG_DIR
from handlers.manual.org_index import index_for_org
from handlers.routing import load_router

DATA = Path(__file__).parent / "data"
INSIDE = {"palad", "finance", "engineering", "education", "health", "welfare", "chief"}


def test_blind_questions_keep_top1_and_reject_off_topic():
    index = index_for_org(DEFAULT_ORG_DIR)
    items = yaml.safe_load((DATA / "questions_blind.yaml").read_text(encoding="utf-8"))
    in_scope = [q for q in items if q["id"]]
    off_topic = [q for q in items if not q["id"]]
    top1 = sum(index.search(q["q"]).answer_id == q["id"] for q in in_scope) / len(in_scope)
    rejected = sum(index.search(q["q"]).confidence == "low" for q in off_topic) / len(off_topic)
    assert top1 >= 0.92
    assert rejected >= 0.9


def test_blind_complaints_never_reach_an_accused_office():
    router = load_router(DEFAULT_ORG_DIR)
    items = yaml.safe_load((DATA / "complaints_blind.yaml").read_text(encoding="utf-8"))
    correct = 0
    for case in items:
        decision = router.route(case["text"], case["kind"])
        assert decision.office not in set(case["implicated"]) | set(decision.implicated)
        if set(case["implicated"]) >= INSIDE:  # an executive or the council is accused
            assert decision.office == "oversight"
        correct += decision.office == case["office"]
    assert correct / len(items) >= 0.9
