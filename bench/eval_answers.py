"""Accuracy of the manual search on the labelled questions (tests/data/questions*.yaml).

    python bench/eval_answers.py            # every split, the blind one included
    python bench/eval_answers.py --split tuning --errors  # list the misses (tuning only!)
    python bench/eval_answers.py --sweep      # tuning: rejection and loss by threshold
    python bench/eval_answers.py --features   # tuning: does a second signal help? (CV)
    python bench/eval_answers.py --stories    # tuning: the same with a story around them
    python bench/eval_answers.py --typos      # tuning: one letter dropped from a key word

Splits: `tune` and `holdout` (questions.yaml), `dev2-tune` and `dev2-holdout`
(questions_dev2.yaml, a second set written later from the entries' content, with harder
off-topic questions), `dev3-tune` and `dev3-holdout` (questions_dev3.yaml, a third set
written from a one-line scope of each entry, without the manual or the earlier sets),
`dev4-tune` and `dev4-holdout` (questions_dev4.yaml, hard ones written the same way:
situations described without the official words, dialect, typos, near-miss off-topic),
`dev5-tune` and `dev5-holdout` (questions_dev5.yaml, written the same way, with 120
off-topic messages, half of them near-misses), `dev6-tune` and `dev6-holdout`
(questions_dev6.yaml, issue 17: a third in Korat or Isan dialect or phone typing, a third
with a story around the question, a third asking for one fact; each labelled with its
`style` and the `fact` it asks for), `dev7-tune` and `dev7-holdout` (questions_dev7.yaml,
written the same way by a session that had read the manual's entry list, with more
near-miss services of other agencies), `blind` to `blind5` (questions_blind*.yaml: written
by others from the same scope list, measured, never tuned on). `tuning` is tune +
dev2-tune + dev3-tune + dev4-tune + dev5-tune + dev6-tune + dev7-tune, the only questions
thresholds, weights, synonyms and the fact cues are set on; misses are listed only there.

Prints, for each split: top-1 and top-3 (in-scope questions), top-1 accepted (the right
entry first and not answered "low"), off-topic rejection (share of null questions
answered "low"), wrongly rejected (in-scope answered "low"), confident wrong (in-scope
answered "high" with the wrong entry) and off-topic confident (null questions answered
"high": a card for something the manual does not cover). Where questions carry a `fact`
label: fact_first, the share of in-scope one-fact questions whose first reply message
(as the bot sends it: the whole answer path, a report's offer included) shows the
entry's own text for that fact (handlers.manual.facts.value: the fee, the pay day, the
hours ... ; for documents the first document), and how many such questions there were.
`--styles` prints the same figures for each `style` of a split.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import sys
from pathlib import Path

os.environ.setdefault("PYTHAINLP_OFFLINE", "1")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from data import DEFAULT_ORG_DIR  # noqa: E402
from handlers.manual.org_index import build_index  # noqa: E402
from handlers.manual.schema import load_manual  # noqa: E402
from handlers.messages import nodes  # noqa: E402

DATA = ROOT / "tests" / "data"
QUESTIONS = DATA / "questions.yaml"
# Written by someone who never saw the manual or the other questions; measured, never tuned
# on, and their misses are never listed.
BLINDS = {name: DATA / f"questions_{name}.yaml"
          for name in ("blind", "blind2", "blind3", "blind4", "blind5")}
# Development sets; their -holdout halves are measured, never tuned on.
DEVS = [DATA / f"questions_dev{n}.yaml" for n in (2, 3, 4, 5, 6, 7)]
SPLITS = ["tune", "holdout", "dev2-tune", "dev2-holdout", "dev3-tune", "dev3-holdout",
          "dev4-tune", "dev4-holdout", "dev5-tune", "dev5-holdout", "dev6-tune",
          "dev6-holdout", "dev7-tune", "dev7-holdout", *BLINDS]
TUNING = {"tune", "dev2-tune", "dev3-tune", "dev4-tune", "dev5-tune", "dev6-tune",
          "dev7-tune"}


def load_questions(path: Path = QUESTIONS, known_ids: set[str] | None = None) -> list[dict]:
    items = yaml.safe_load(path.read_text(encoding="utf-8"))
    if known_ids is not None:  # while the manual is still being written
        items = [q for q in items if q["id"] is None or q["id"] in known_ids]
    return items


def all_questions(known_ids: set[str] | None = None) -> list[dict]:
    """Every labelled question, each with its split (the blind sets' split is their name)."""
    items = load_questions(known_ids=known_ids)
    for dev in DEVS:
        if dev.is_file():
            items += load_questions(dev, known_ids=known_ids)
    for name, path in BLINDS.items():
        if path.is_file():
            items += [{**q, "split": name} for q in load_questions(path)]
    return items


def measured_questions() -> list[dict]:
    """The questions never tuned on: the holdout halves and the blind sets."""
    return [q for q in all_questions() if q["split"] not in TUNING]


def first_bubble(message: dict) -> str:
    """What a citizen reads in a message: a text's text, a card's texts."""
    if message.get("type") == "text":
        return message.get("text", "")
    return "\n".join(n["text"] for n in nodes(message.get("contents", {}))
                     if n.get("type") == "text" and isinstance(n.get("text"), str))


def fact_shown(index, answerer, q: dict) -> bool:
    """Whether the first message the bot sends for `q` shows its entry's text for the
    fact `q` is labelled with (either place for "where": the office, or where to pay)."""
    from handlers.manual.facts import value

    entry = index.entry(q["id"])
    wanted = {value(entry, q["fact"]), value(entry, q["fact"], pay=True)} - {None}
    if not wanted:
        return False
    shown = first_bubble(answerer(q["q"])[0])
    return any(v.splitlines()[0] in shown for v in wanted)


def evaluate(index, items: list[dict], answerer=None) -> dict:
    in_scope = [q for q in items if q["id"] is not None]
    off = [q for q in items if q["id"] is None]
    top1 = top3 = accepted = wrongly_rejected = high_wrong = 0
    one_fact = [q for q in in_scope if q.get("fact")]
    misses = []
    for q in in_scope:
        r = index.search(q["q"])
        ids = [r.answer_id] + [a for a, _, _ in r.alternatives]
        top1 += ids[0] == q["id"]
        accepted += ids[0] == q["id"] and r.confidence != "low"
        top3 += q["id"] in ids[:3]
        wrongly_rejected += r.confidence == "low"
        high_wrong += r.confidence == "high" and ids[0] != q["id"]
        if ids[0] != q["id"] or r.confidence == "low":
            misses.append((q, r))
    rejected = off_high = 0
    for q in off:
        r = index.search(q["q"])
        rejected += r.confidence == "low"
        off_high += r.confidence == "high"
        if r.confidence != "low":
            misses.append((q, r))
    n, m = len(in_scope) or 1, len(off) or 1
    figures = {
        "questions": len(items),
        "in_scope": len(in_scope),
        "off_topic": len(off),
        "top1": round(top1 / n, 3),
        "top1_accepted": round(accepted / n, 3),
        "top3": round(top3 / n, 3),
        "off_topic_rejected": round(rejected / m, 3),
        "wrongly_rejected": round(wrongly_rejected / n, 3),
        "confident_wrong": round(high_wrong / n, 3),
        "off_topic_confident": round(off_high / m, 3),
    }
    if one_fact and answerer is not None:
        shown = [q for q in one_fact if fact_shown(index, answerer, q)]
        figures["one_fact"] = len(one_fact)
        figures["fact_first"] = round(len(shown) / len(one_fact), 3)
        misses += [(q, "fact") for q in one_fact if q not in shown]
    figures["_misses"] = misses
    return figures


def make_answerer(org_dir: Path, index):
    """The bot's reply to a message, as `tambon chat` would get it (nothing stored)."""
    from handlers.chat import inquiry
    from handlers.org import load_organization
    from handlers.routing import load_router

    org = load_organization(org_dir)
    router = load_router(org_dir)
    return lambda text: inquiry.reply(text, index, session=None, org=org, now=None,
                                      router=router).messages


def sweep(index, items: list[dict]) -> None:
    """Off-topic rejection and in-scope loss for a range of `low` thresholds."""
    results = [(q["id"] is not None, index.search(q["q"]).score) for q in items]
    ins = [s for y, s in results if y]
    offs = [s for y, s in results if not y]
    for step in range(26, 56):
        t = step / 100
        print(f"low={t:.2f} off_topic_rejected={sum(s < t for s in offs) / len(offs):.3f} "
              f"wrongly_rejected={sum(s < t for s in ins) / len(ins):.3f}")
    print(f"highest off-topic score: {max(offs):.3f}")


# What people write around a question on LINE: who they are, what happened before,
# thanks. None of it names a service.
STORY_PREFIXES = [
    "พอดีว่าเมื่อวานไปที่อำเภอมาแล้วเค้าบอกว่าให้มาถามที่นี่ ",
    "ขอโทษที่รบกวนนะคะ พอดีแม่ไม่สบาย ",
    "ผมทำงานอยู่กรุงเทพ กลับบ้านได้แค่เดือนละครั้ง ",
    "สวัสดีค่ะ ดิฉันเป็นคนบ้านหนองบัว หมู่ 5 ค่ะ ",
    "คือหนูไม่ค่อยเข้าใจเรื่องพวกนี้เลย ลองถามเพื่อนแล้วก็ไม่มีใครรู้ ",
    "ถามแทนยายนะครับ ยายใช้มือถือไม่เป็น ",
    "เมื่อเช้าโทรไปแล้วไม่มีคนรับสาย ",
    "รบกวนสอบถามหน่อยนะคะ ",
]
STORY_SUFFIXES = [" ขอบคุณล่วงหน้าครับ", " รีบนิดนึงนะคะ", " ตอบด้วยนะครับ รอคำตอบอยู่"]


def stories(index, items: list[dict]) -> None:
    """In-scope lost and off-topic rejected when each question comes with a story before
    it or a courtesy after it (the answer should not change)."""
    wraps = [(p, "") for p in STORY_PREFIXES] + [("", x) for x in STORY_SUFFIXES]
    rows = []
    for before, after in [("", "")] + wraps:
        ins = [q for q in items if q["id"] is not None]
        off = [q for q in items if q["id"] is None]
        results = [index.search(before + q["q"] + after) for q in ins]
        lost = sum(r.confidence == "low" for r in results) / len(ins)
        top1 = sum(r.answer_id == q["id"] for r, q in zip(results, ins, strict=True)) / len(ins)
        rejected = sum(index.search(before + q["q"] + after).confidence == "low"
                       for q in off) / len(off)
        rows.append((top1, lost, rejected))
        label = (before or after).strip() or "(as written)"
        print(f"top1={top1:.3f} wrongly_rejected={lost:.3f} off_topic_rejected={rejected:.3f}"
              f"  {label}")
    wrapped = rows[1:]
    print(f"wrapped, mean: top1={sum(r[0] for r in wrapped) / len(wrapped):.3f} "
          f"wrongly_rejected={sum(r[1] for r in wrapped) / len(wrapped):.3f} "
          f"off_topic_rejected={sum(r[2] for r in wrapped) / len(wrapped):.3f}")


def _fit_logistic(rows: list[list[float]], ys: list[int], lam: float = 1.0, steps: int = 300):
    """L2-regularized logistic regression by gradient descent on standardized features."""
    d = len(rows[0])
    n = len(rows)
    mu = [sum(r[j] for r in rows) / n for j in range(d)]
    sd = [math.sqrt(sum((r[j] - mu[j]) ** 2 for r in rows) / n) or 1.0 for j in range(d)]
    z = [[(r[j] - mu[j]) / sd[j] for j in range(d)] for r in rows]
    w = [0.0] * d
    b = 0.0
    for _ in range(steps):
        gw = [lam * x / n for x in w]
        gb = 0.0
        for x, y in zip(z, ys, strict=True):
            p = 1 / (1 + math.exp(-(b + sum(a * c for a, c in zip(w, x, strict=True)))))
            gb += (p - y) / n
            for j in range(d):
                gw[j] += (p - y) * x[j] / n
        w = [a - g for a, g in zip(w, gw, strict=True)]
        b -= gb
    return lambda r: b + sum(w[j] * (r[j] - mu[j]) / sd[j] for j in range(d))


def compare_signals(index, items: list[dict], folds: int = 5, repeats: int = 3) -> None:
    """Out-of-fold off-topic rejection at 1/2/3% of in-scope questions lost, for the
    mixed score alone and for logistic regressions over it and the other signals."""
    feats = []
    ys = []
    for q in items:
        feats.append(index.search(q["q"]).features)
        ys.append(int(q["id"] is not None))
    combos = [("score",), ("score", "coverage"), ("score", "margin"), ("score", "known"),
              ("words", "syllables", "ngrams"), ("words", "syllables", "ngrams", "coverage"),
              ("score", "coverage", "known", "margin", "content"), ("score", "own"),
              ("score", "own", "coverage", "known", "margin", "content")]

    def curve(values):
        ins = sorted(v for v, y in zip(values, ys, strict=True) if y)
        offs = [v for v, y in zip(values, ys, strict=True) if not y]
        return [round(sum(o < ins[int(len(ins) * loss)] for o in offs) / len(offs), 3)
                for loss in (0.01, 0.02, 0.03)]

    print("signals                                       rejected at 1% / 2% / 3% in-scope lost")
    print(f"{'score (as is)':46s}{curve([f['score'] for f in feats])}")
    for names in combos:
        rows = [[f[k] for k in names] for f in feats]
        out: list[list[float]] = [[] for _ in rows]
        for rep in range(repeats):
            order = list(range(len(rows)))
            random.Random(rep).shuffle(order)
            for fold in range(folds):
                test = set(order[fold::folds])
                train = [i for i in order if i not in test]
                g = _fit_logistic([rows[i] for i in train], [ys[i] for i in train])
                for i in test:
                    out[i].append(g(rows[i]))
        print(f"{'logistic ' + '+'.join(names):46s}{curve([sum(v) / len(v) for v in out])}")


def typos(index, items: list[dict]) -> None:
    """Top-1 and in-scope lost when the question's most specific word (the rarest the
    index knows) loses its middle letter, as a thumb on a phone drops one."""
    from handlers.manual.words import FUNCTION_WORDS
    from handlers.thai import clean

    ins = [q for q in items if q["id"] is not None]
    top1 = lost = changed = 0
    for q in ins:
        text = clean(q["q"])
        words = [t for t in index._tokens(text) if t not in FUNCTION_WORDS and len(t) >= 4
                 and t in index.words.idf and t in text]
        if words:
            word = max(words, key=index.words.idf.get)
            middle = len(word) // 2
            text = text.replace(word, word[:middle] + word[middle + 1:], 1)
            changed += 1
        r = index.search(text)
        top1 += r.answer_id == q["id"]
        lost += r.confidence == "low"
    print(f"one letter dropped from the rarest word ({changed} of {len(ins)} questions): "
          f"top1={top1 / len(ins):.3f} wrongly_rejected={lost / len(ins):.3f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--org-dir", type=Path, default=DEFAULT_ORG_DIR)
    parser.add_argument("--split", choices=[*SPLITS, "tuning", "all"], default="all")
    parser.add_argument("--errors", action="store_true",
                        help="list misses of the tuning splits (the -tune ones)")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--sweep", action="store_true", help="tuning: figures by threshold")
    parser.add_argument("--features", action="store_true",
                        help="tuning: the score against other signals, cross-validated")
    parser.add_argument("--stories", action="store_true",
                        help="tuning: the questions with a story before or thanks after")
    parser.add_argument("--typos", action="store_true",
                        help="tuning: the questions with one letter dropped from a key word")
    parser.add_argument("--styles", action="store_true",
                        help="the figures for each labelled style of a split, too")
    args = parser.parse_args(argv)
    entries = load_manual(args.org_dir)
    index = build_index(entries, args.org_dir)
    tool = sweep if args.sweep else compare_signals if args.features else (
        stories if args.stories else typos if args.typos else None)
    items = all_questions(known_ids={e["id"] for e in entries})
    if tool is not None:  # tuning tools: never on a holdout
        tool(index, [q for q in items if q["split"] in TUNING])
        return 0
    if args.split == "all":
        splits = SPLITS
    elif args.split == "tuning":
        splits = [s for s in SPLITS if s in TUNING]
    else:
        splits = [args.split]
    answerer = make_answerer(args.org_dir, index)
    report = {}
    for split in splits:
        chosen = [q for q in items if q["split"] == split]
        if not chosen:
            continue  # a set not written yet
        groups = [(split, chosen)]
        if args.styles:
            styles = sorted({q["style"] for q in chosen if q.get("style")})
            groups += [(f"  {style}", [q for q in chosen if q.get("style") == style])
                       for style in styles]
        for name, group in groups:
            figures = evaluate(index, group, answerer)
            misses = figures.pop("_misses")
            report[name.strip() if name == split else f"{split}/{name.strip()}"] = figures
            if not args.json:
                print(f"{name:12s} " + "  ".join(f"{k}={v}" for k, v in figures.items()))
            if args.errors and split in TUNING and name == split:
                _print_misses(misses)
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
    return 0


def _print_misses(misses) -> None:
    for q, r in misses:
        if r == "fact":
            print(f"   {q['id']!s:36s} fact {q['fact']} not first  {q['q']}")
            continue
        print(f"   {q['id']!s:36s} got {r.answer_id!s:36s} {r.confidence:6s} "
              f"{r.score:.3f} margin={r.features.get('margin', 0):.2f} "
              f"cov={r.coverage:.2f}  {q['q']}")


if __name__ == "__main__":
    raise SystemExit(main())
