"""How well complaint routing does on labelled complaints, set by set (issues 5 and 14).

    python bench/eval_routing.py [--data FILE ...] [--org DIR] [-v] [--blind]

Each FILE is one set; with none, every tests/data/complaints*.yaml but the blind ones.
Three formats are read: issue 14's list (text, kind, office, never, accuses, money,
style, people, outside; an optional `split`), issue 5's mapping (`complaints:` with
split, kind, office, implicated) and issue 5's blind list (kind, office, implicated).

Printed per set and, where the set has them, per split:

- subject: the office right on texts that accuse nobody (kind as labelled), as routed
  and once the citizens the bot would ask answered as the label says;
- accusation recall and precision with the kind inferred (routed with no kind), and
  with the kind given (as labelled; null is left to the text): a text is taken as an
  accusation when the decision says so (`accusation`, or an executive accused);
- office right over all texts, both ways;
- violations: texts routed to an office in `never` (must be 0), either way;
- executive cases kept inside: labelled `oversight` but routed inside (must be 0);
- outside: of the texts naming someone outside (a headman, the police), how many the
  decision names that body for, and how many it names one for wrongly;
- unsure: how many the bot would ask about, and the office right and violations if
  each such citizen answered as the label says;
- median and p95 routing time, wall-clock and CPU.

-v lists every miss (never for a blind set: a file whose name has "blind", or with
--blind). Exits 1 when a must-be-zero count is not zero.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

os.environ.setdefault("PYTHAINLP_OFFLINE", "1")

import yaml  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from data import DEFAULT_ORG_DIR  # noqa: E402
from handlers.routing import load_router  # noqa: E402

DATA = ROOT / "tests" / "data"
INSIDE = ("palad", "finance", "engineering", "education", "health", "welfare", "chief")


def load_cases(path: Path) -> list[dict]:
    """The labelled texts of `path` in issue 14's shape, each with its `split`."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    items = raw["complaints"] if isinstance(raw, dict) else raw
    default_split = "blind" if "blind" in path.name else "all"
    cases = []
    for item in items:
        case = dict(item)
        case.setdefault("split", default_split)
        if "never" not in case:  # issue 5's labels
            implicated = list(case.get("implicated") or [])
            case["never"] = implicated
            case["accuses"] = bool(implicated)
            case.setdefault("money", None)
        case.setdefault("outside", None)
        cases.append(case)
    return cases


@dataclass
class Tally:
    n: int = 0
    subject_n: int = 0
    subject_right: int = 0
    subject_answered: int = 0
    office_right: dict = field(default_factory=lambda: {"inferred": 0, "given": 0,
                                                        "answered": 0})
    accuses: int = 0
    found: dict = field(default_factory=lambda: {"inferred": 0, "given": 0})
    said: dict = field(default_factory=lambda: {"inferred": 0, "given": 0})
    violations: dict = field(default_factory=lambda: {"inferred": 0, "given": 0,
                                                      "answered": 0})
    executives_kept: int = 0
    outside_n: int = 0
    outside_found: int = 0
    outside_wrong: int = 0
    unsure: int = 0

    def line(self, name: str) -> list[str]:
        def share(a: int, b: int) -> str:
            return f"{a}/{b} = {a / b:.3f}" if b else "-"

        out = [f"[{name}] {self.n} texts"]
        out.append(f"  subject (office right, nobody accused): "
                   f"{share(self.subject_right, self.subject_n)}; once the unsure are "
                   f"answered: {share(self.subject_answered, self.subject_n)}")
        for mode in ("inferred", "given"):
            out.append(
                f"  kind {mode:8s}: accusation recall {share(self.found[mode], self.accuses)}"
                f", precision {share(self.found[mode], self.said[mode])}; office right "
                f"{share(self.office_right[mode], self.n)}; violations "
                f"{self.violations[mode]} (must be 0)")
        out.append(f"  executive cases kept inside: {self.executives_kept} (must be 0)")
        out.append(f"  outside bodies named: {share(self.outside_found, self.outside_n)}; "
                   f"named wrongly: {self.outside_wrong}")
        out.append(f"  unsure (the bot asks): {self.unsure}; answered as labelled: office "
                   f"right {share(self.office_right['answered'], self.n)}, violations "
                   f"{self.violations['answered']}")
        return out


def _accused(decision) -> bool:
    return bool(getattr(decision, "accusation", decision.implicated) or decision.executives)


def measure(router, cases: list[dict], times: list[tuple[float, float]]
            ) -> tuple[dict, list]:
    tallies: dict[str, Tally] = {}
    misses = []
    for case in cases:
        t0, c0 = time.perf_counter(), time.process_time()
        given = router.route(case["text"], case["kind"])
        times.append(((time.perf_counter() - t0) * 1000, (time.process_time() - c0) * 1000))
        inferred = router.route(case["text"], None)
        answered = given
        if getattr(given, "accusation_unsure", False):
            answered = router.route(case["text"], case["kind"],
                                    accusation=bool(case["accuses"]))
        never = set(case["never"])
        for key in dict.fromkeys(("all", case["split"])):
            t = tallies.setdefault(key, Tally())
            t.n += 1
            if not case["accuses"]:
                t.subject_n += 1
                t.subject_right += given.office == case["office"]
                t.subject_answered += answered.office == case["office"]
            t.accuses += bool(case["accuses"])
            for mode, decision in (("inferred", inferred), ("given", given)):
                said = _accused(decision)
                t.said[mode] += said
                t.found[mode] += said and bool(case["accuses"])
                t.office_right[mode] += decision.office == case["office"]
                t.violations[mode] += decision.office in never
            t.office_right["answered"] += answered.office == case["office"]
            t.violations["answered"] += answered.office in never
            if case["office"] == "oversight" and (given.office in INSIDE
                                                  or inferred.office in INSIDE):
                t.executives_kept += 1
            named = {b["id"] for b in getattr(given, "outside", [])}
            if case.get("outside"):
                t.outside_n += 1
                t.outside_found += case["outside"] in named
            t.outside_wrong += bool(named - {case.get("outside")})
            t.unsure += bool(getattr(given, "accusation_unsure", False))
        wrong = (given.office != case["office"] or inferred.office in never
                 or _accused(given) != bool(case["accuses"])
                 or _accused(inferred) != bool(case["accuses"]))
        if wrong:
            misses.append((case, given, inferred))
    return tallies, misses


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, action="append",
                        help="a labelled set (repeat for several); default: every "
                             "tests/data/complaints*.yaml that is not blind")
    parser.add_argument("--org", type=Path, default=DEFAULT_ORG_DIR)
    parser.add_argument("-v", "--verbose", action="store_true", help="list every miss")
    parser.add_argument("--blind", action="store_true",
                        help="the sets are blind: never list their misses (with no --data, "
                             "measure tests/data/complaints_blind*.yaml)")
    args = parser.parse_args(argv)

    files = args.data or sorted(p for p in DATA.glob("complaints*.yaml")
                                if ("blind" in p.name) == args.blind)
    started = time.perf_counter()
    router = load_router(args.org)
    router.route("อุ่นเครื่อง")  # the first call builds the tokenizer and manual index
    load_seconds = time.perf_counter() - started

    bad = 0
    times: list[tuple[float, float]] = []
    for path in files:
        cases = load_cases(path)
        tallies, misses = measure(router, cases, times)
        splits = [k for k in tallies if k != "all"]
        names = ["all"] + (splits if len(splits) > 1 else [])
        for name in names:
            for line in tallies[name].line(f"{path.name} {name}"):
                print(line)
        whole = tallies["all"]
        bad += whole.violations["inferred"] + whole.violations["given"] \
            + whole.executives_kept
        if args.verbose and not args.blind and "blind" not in path.name:
            for case, given, inferred in misses:
                print(f"\n[{case['split']}] {case['text']}\n  kind={case['kind']} expected "
                      f"{case['office']} never {case['never']} accuses {case['accuses']}; "
                      f"given: {given.office} {given.implicated} accused={_accused(given)}"
                      f"{' unsure' if getattr(given, 'accusation_unsure', False) else ''}; "
                      f"inferred: {inferred.office} accused={_accused(inferred)}\n  "
                      + " | ".join(given.reasons))
        print()
    for name, column in (("wall-clock", 0), ("CPU", 1)):
        spent = sorted(t[column] for t in times)
        if spent:
            p95 = spent[min(len(spent) - 1, int(round(0.95 * len(spent))) - 1)]
            print(f"routing time per text ({name}): median {statistics.median(spent):.2f} ms, "
                  f"p95 {p95:.2f} ms, max {spent[-1]:.2f} ms ({len(spent)} texts)")
    print(f"router and manual index load: {load_seconds:.2f} s (on a busy machine the "
          f"wall-clock times mostly measure other processes)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
