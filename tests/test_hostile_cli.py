"""`tambon ask` and `tambon route`: no exception on any text (hypothesis), and the commands
answer one line for each line of odd standard input."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from data import DEFAULT_ORG_DIR
from tests.test_hostile_webhook import FRAGMENTS, odd_text

HYPOTHESIS = settings(max_examples=300, deadline=None, derandomize=True,
                      suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
any_text = st.one_of(odd_text, st.text(), st.sampled_from(FRAGMENTS))
KINDS = [None, "corruption", "grievance", "suggestion", "inquiry"]


@pytest.fixture(scope="module")
def index():
    from bot.commands.manual import _index

    return _index(DEFAULT_ORG_DIR, from_db=False)


@pytest.fixture(scope="module")
def router():
    from handlers.routing import load_router

    return load_router(DEFAULT_ORG_DIR)


@HYPOTHESIS
@given(question=any_text)
def test_ask_never_raises(index, question):
    result = index.search(question)
    json.dumps(result.as_json(), ensure_ascii=False)  # what `tambon ask --json` prints
    assert result.confidence in ("high", "medium", "low", "none")


@HYPOTHESIS
@given(complaint=any_text, kind=st.sampled_from(KINDS))
def test_route_never_raises(router, complaint, kind):
    decision = router.route(complaint, kind)
    json.dumps(decision.as_json(), ensure_ascii=False)  # what `tambon route --json` prints
    assert decision.office


ODD_LINES = "\n".join([
    "", " ", "\u200b", "\x00", "\x1b[31mแดง", "😀" * 500, "ก" * 20_000, "'; DROP TABLE x; --",
    "<script>alert(1)</script>", "ร้องเรียนนายก", "\u0e31\u0e34\u0e47", "\ufeffเมนู",
]) + "\n"


@pytest.mark.parametrize("argv", [["ask", "--json"], ["route", "--json"]])
def test_commands_answer_each_odd_line(argv):
    from bot.cli import _add_discovered_commands, cli

    _add_discovered_commands()
    result = CliRunner().invoke(cli, argv, input=ODD_LINES)
    assert result.exit_code == 0, (result.output[-500:], result.exception)
    lines = [line for line in result.output.splitlines() if line.strip()]
    for line in lines:
        json.loads(line)
    # ask skips blank lines; route answers every line so outputs line up.
    assert len(lines) >= (9 if argv[0] == "ask" else 12)
