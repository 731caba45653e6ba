"""How well complaint routing does on the labelled complaints (issue 5).

    python bench/eval_routing.py [--data tests/data/complaints.yaml] [--org DIR] [-v]

Prints, for the tune and holdout splits separately (and for each later batch of the
holdout on its own), the share routed to the expected office; then, over all cases,
the count routed to an office the text implicates (must be 0), the count of executive
complaints kept inside the organization (must be 0), and the median and p95 routing
time per case. -v lists every miss. Exits 1 when a must-be-zero
count is not zero.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("PYTHAINLP_OFFLINE", "1")

import yaml  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from data import DEFAULT_ORG_DIR  # noqa: E402
from handlers.routing import load_router  # noqa: E402

INSIDE = {"palad", "finance", "engineering", "education", "health", "welfare", "chief"}
# Written by someone who never saw the router or its vocabulary: measured, never tuned on.
BLIND = ROOT / "tests" / "data" / "complaints_blind.yaml"


def load_cases(path: Path) -> tuple[list[dict], set[str]]:
    """The labelled file's complaints; a plain list (the blind set) is one 'blind' split."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    if isinstance(raw, list):
        return [{**case, "split": "blind"} for case in raw], INSIDE
    return raw["complaints"], set(raw.get("inside") or [])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT / "tests" / "data" / "complaints.yaml")
    parser.add_argument("--org", type=Path, default=DEFAULT_ORG_DIR)
    parser.add_argument("-v", "--verbose", action="store_true")
    parser.add_argument("--blind", action="store_true",
                        help=f"measure {BLIND.name} (no misses listed: it is never tuned on)")
    args = parser.parse_args(argv)

    cases, inside = load_cases(BLIND if args.blind else args.data)
    if args.blind:
        args.verbose = False
    started = time.perf_counter()
    router = load_router(args.org)
    load_seconds = time.perf_counter() - started
    router.route("อุ่นเครื่อง")  # first call builds the tokenizer dictionary

    correct: dict[str, int] = {"tune": 0, "holdout": 0}
    total: dict[str, int] = {"tune": 0, "holdout": 0}
    to_implicated = 0  # routed to an office the label or the decision implicates
    executives_kept = 0
    implicated_missed = 0  # a labelled implicated office the router did not see
    times = []
    misses = []
    for case in cases:
        t0 = time.perf_counter()
        decision = router.route(case["text"], case["kind"])
        times.append((time.perf_counter() - t0) * 1000)
        split = case["split"]
        if case.get("batch"):
            split = f"{split} batch {case['batch']}"
        for key in dict.fromkeys((case["split"], split)):
            total[key] = total.get(key, 0) + 1
            correct[key] = correct.get(key, 0) + (decision.office == case["office"])
        expected_implicated = set(case.get("implicated") or [])
        ok = decision.office == case["office"]
        if decision.office in expected_implicated or decision.office in decision.implicated:
            to_implicated += 1
        if inside and expected_implicated >= inside and decision.office in inside:
            executives_kept += 1
        missed = expected_implicated - set(decision.implicated)
        implicated_missed += bool(missed)
        if not ok or missed:
            misses.append((case, decision, missed))

    for split in [name for name in total if total[name]]:
        share = correct[split] / total[split] if total[split] else 0.0
        print(f"{split:16s} correct office: {correct[split]}/{total[split]} = {share:.3f}")
    print(f"routed to an implicated office: {to_implicated} (must be 0)")
    print(f"executive complaints kept inside: {executives_kept} (must be 0)")
    print(f"cases with a labelled implicated office not detected: {implicated_missed}")
    times.sort()
    p95 = times[min(len(times) - 1, int(round(0.95 * len(times))) - 1)]
    print(f"routing time per case: median {statistics.median(times):.2f} ms, "
          f"p95 {p95:.2f} ms, max {times[-1]:.2f} ms ({len(times)} cases; "
          f"load {load_seconds:.2f} s)")
    if args.verbose:
        for case, decision, missed in misses:
            where = f"{case['split']} {case.get('batch', '')}".strip()
            print(f"\n[{where}] {case['text']}\n  kind={case['kind']} expected "
                  f"{case['office']} got {decision.office}; implicated {decision.implicated}"
                  f"{' MISSED ' + ','.join(sorted(missed)) if missed else ''}\n  "
                  + " | ".join(decision.reasons))
    return 1 if (to_implicated or executives_kept) else 0


if __name__ == "__main__":
    sys.exit(main())
