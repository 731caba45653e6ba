"""Speed and memory of the manual search with the manual scaled to 300 entries.

    python bench/answer_speed.py [--entries 300] [--repeat 3]

Clones the real entries with altered ids and titles (each clone gets its own marker
words so entries stay distinguishable), builds the index, then times every labelled
question in tests/data/questions.yaml. Prints build time, median and p99 per question,
and the process RSS before and after building. Wall-clock and CPU time are both shown:
on a busy machine the wall-clock p99 mostly measures other processes.
Targets: median < 2 ms, p99 < 10 ms, build < 2 s, < 100 MB added.
"""

from __future__ import annotations

import argparse
import copy
import gc
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("PYTHAINLP_OFFLINE", "1")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from data import DEFAULT_ORG_DIR  # noqa: E402
from handlers.manual.org_index import build_index  # noqa: E402
from handlers.manual.schema import load_manual  # noqa: E402
from handlers.thai import clean, syllables, tokenize  # noqa: E402

PLACES = ["หนองบัว", "โคกสูง", "ดอนแดง", "บ้านใหม่", "ห้วยทราย", "นาคำ", "สระแก้ว", "โนนสวรรค์",
          "หนองแวง", "ทุ่งใหญ่", "คลองหลวง"]


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def scaled(entries: list[dict], total: int) -> list[dict]:
    out = list(entries)
    n = 0
    while len(out) < total:
        base = entries[n % len(entries)]
        place = PLACES[(n // len(entries)) % len(PLACES)]
        clone = copy.deepcopy(base)
        clone["id"] = f"{base['id']}-copy{n}"
        clone["title"] = f"{base['title']} ({place} ชุดที่ {n})"
        clone["examples"] = [f"{x} ที่{place}" for x in base["examples"]]
        clone["keywords"] = [*base["keywords"], place]
        out.append(clone)
        n += 1
    return out[:total]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    questions = [q["q"] for q in yaml.safe_load(
        (ROOT / "tests" / "data" / "questions.yaml").read_text(encoding="utf-8"))]
    entries = scaled(load_manual(DEFAULT_ORG_DIR), args.entries)
    # Warm pythainlp's word list and the syllable dictionary (loaded once a process
    # whatever the manual size), so the build time below is the index's own.
    syllables(clean("ทดสอบ"))
    tokenize("ทดสอบ")
    gc.collect()
    before = rss_mb()
    start, start_cpu = time.perf_counter(), time.process_time()
    # as the service builds it: synonyms, other agencies' services and off-topic topics
    # (their small files read as part of the build), the office's names
    index = build_index(entries, DEFAULT_ORG_DIR)
    build, build_cpu = time.perf_counter() - start, time.process_time() - start_cpu
    gc.collect()
    after = rss_mb()

    index.search(questions[0])  # first call compiles the synonym patterns
    times, cpu = [], []
    for _ in range(args.repeat):
        for q in questions:
            t0, c0 = time.perf_counter(), time.process_time()
            index.search(q)
            times.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)

    def pct(values: list[float], p: float) -> float:
        values = sorted(values)
        return values[min(len(values) - 1, int(len(values) * p))] * 1000

    decoys = len(index.docs) - len(index.entries)
    print(f"entries={len(entries)} (+{decoys} other agencies' services and off-topic "
          f"topics) questions={len(questions)}x{args.repeat} "
          f"load_average={os.getloadavg()[0]:.2f} cpus={os.cpu_count()}")
    print(f"build_s={build:.3f} (cpu {build_cpu:.3f})")
    print(f"wall: median_ms={statistics.median(times) * 1000:.3f} p99_ms={pct(times, 0.99):.3f} "
          f"max_ms={max(times) * 1000:.3f}")
    print(f"cpu:  median_ms={statistics.median(cpu) * 1000:.3f} p99_ms={pct(cpu, 0.99):.3f}")
    print(f"rss_before_mb={before:.1f} rss_after_mb={after:.1f} added_mb={after - before:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
