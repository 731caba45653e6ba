"""Accuracy of the manual search on the labelled questions (tests/data/questions.yaml).

    python bench/eval_answers.py            # tune and holdout figures
    python bench/eval_answers.py --split tune --errors   # list the misses (tuning only!)

Prints, for each split: top-1 and top-3 (in-scope questions), off-topic rejection (share
of null questions answered "low") and wrongly rejected (in-scope answered "low").
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

os.environ.setdefault("PYTHAINLP_OFFLINE", "1")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from data import DEFAULT_ORG_DIR  # noqa: E402
from handlers.manual.schema import load_manual  # noqa: E402
from handlers.manual.search import build_index  # noqa: E402

QUESTIONS = ROOT / "tests" / "data" / "questions.yaml"


def load_questions(path: Path = QUESTIONS, known_ids: set[str] | None = None) -> list[dict]:
    items = yaml.safe_load(path.read_text(encoding="utf-8"))
    if known_ids is not None:  # while the manual is still being written
        items = [q for q in items if q["id"] is None or q["id"] in known_ids]
    return items


def evaluate(index, items: list[dict]) -> dict:
    in_scope = [q for q in items if q["id"] is not None]
    off = [q for q in items if q["id"] is None]
    top1 = top3 = wrongly_rejected = high_wrong = 0
    misses = []
    for q in in_scope:
        r = index.search(q["q"])
        ids = [r.answer_id] + [a for a, _, _ in r.alternatives]
        top1 += ids[0] == q["id"]
        top3 += q["id"] in ids[:3]
        wrongly_rejected += r.confidence == "low"
        high_wrong += r.confidence == "high" and ids[0] != q["id"]
        if ids[0] != q["id"] or r.confidence == "low":
            misses.append((q, r))
    rejected = 0
    for q in off:
        r = index.search(q["q"])
        rejected += r.confidence == "low"
        if r.confidence != "low":
            misses.append((q, r))
    n, m = len(in_scope) or 1, len(off) or 1
    return {
        "questions": len(items),
        "in_scope": len(in_scope),
        "off_topic": len(off),
        "top1": round(top1 / n, 3),
        "top3": round(top3 / n, 3),
        "off_topic_rejected": round(rejected / m, 3),
        "wrongly_rejected": round(wrongly_rejected / n, 3),
        "confident_wrong": round(high_wrong / n, 3),
        "_misses": misses,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--org-dir", type=Path, default=DEFAULT_ORG_DIR)
    parser.add_argument("--split", choices=["tune", "holdout", "all"], default="all")
    parser.add_argument("--errors", action="store_true", help="list misses of the tune split")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    entries = load_manual(args.org_dir)
    index = build_index(entries, args.org_dir)
    items = load_questions(known_ids={e["id"] for e in entries})
    splits = ["tune", "holdout"] if args.split == "all" else [args.split]
    report = {}
    for split in splits:
        figures = evaluate(index, [q for q in items if q["split"] == split])
        misses = figures.pop("_misses")
        report[split] = figures
        if not args.json:
            print(f"{split:8s} " + "  ".join(f"{k}={v}" for k, v in figures.items()))
        if args.errors and split == "tune":
            for q, r in misses:
                print(f"   {q['id']!s:36s} got {r.answer_id!s:36s} {r.confidence:6s} "
                      f"{r.score:.3f} cov={r.coverage:.2f}  {q['q']}")
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
