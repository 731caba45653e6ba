"""How fast is a complaint taken from "ยืนยันส่งเรื่อง" to its receipt, and does hashing the
case secret slow the webhook down?

Run: python bench/complaint.py [--db sqlite|postgresql|both] [--complaints 20]
                               [--cases 10000] [--ack-seconds 15] [--no-ack]

For each database it prints, and writes bench/out/complaint-<db>.json:

1. vault seal/open per case field (a Thai name under a case key): median microseconds,
   and opening a case key (unwrap under the ring);
2. the worker taking a confirmed complaint to its receipt, in-process (webhook -> inbox ->
   worker -> file_case -> reply delivered to a fake LINE on loopback): median and p95 ms,
   for confidential complaints with Argon2id (storage.vault.secrets' cost) and with the
   hash replaced by a trivial function ("without Argon2id"), with the pair made ahead by
   a running storage.vault.secret_pool (as `tambon worker` does), and for identified ones
   (which never hash);
3. re-wrapping 10,000 case keys after a rotation (storage.rotation.rewrap_all), seconds;
4. webhook acknowledgement latency (open loop, 200 events/s of citizen questions) while
   complaints are being confirmed at --confirm-rate a second, with the real processes:
   gunicorn as the Procfile runs it, `tambon worker`, the fake LINE (bench/webhook.py's
   stack). Target: p99 < 50 ms, the webhook issue's target; hashing runs in the worker.
   The same open loop without confirms runs first, as the baseline to compare with: on a
   busy machine both miss the target, so read the pair, and run it on a quiet machine.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import secrets
import shutil
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("PYTHAINLP_OFFLINE", "1")

import webhook as wh  # noqa: E402  (bench/webhook.py: the process stack and open loop)

from bot.chat import sign, text_event  # noqa: E402
from bot.settings import DEV_CHANNEL_SECRET  # noqa: E402

OUT_DIR = ROOT / "bench" / "out"
PG_DATABASE = "bench_complaint"
NAME = "นางสาวมาลี ใจดีมาก"
STEPS = ["ร้องเรียน", "ร้องทุกข์", "ปกปิดตัวตน", NAME, "081-234-5678",
         "ไฟถนนดับทั้งซอยหน้าบ้านหมู่ 3 มาหนึ่งสัปดาห์แล้ว มืดมาก", "ส่งครบแล้ว/ไม่มี"]
IDENTIFIED_STEPS = ["ร้องเรียน", "ร้องทุกข์", "เปิดเผยตัวตน", *STEPS[3:]]
CONFIRM = "ยืนยันส่งเรื่อง"


def pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


def ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000, 1)


def database_url(db: str, folder: Path) -> str:
    if db == "sqlite":
        return f"sqlite:///{folder / 'tambon.db'}"
    import psycopg

    with psycopg.connect(wh.PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{PG_DATABASE}"')
    return wh.PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + PG_DATABASE


# -- 1. fields ---------------------------------------------------------------------------------

def bench_fields(vault, calls: int = 5000) -> dict:
    from storage.case_vault import new_case_key

    key, wrapped = new_case_key(vault, "TP-BNCH-0001")
    seal, open_, unwrap = [], [], []
    blobs = []
    for i in range(calls):
        t0 = time.perf_counter_ns()
        blobs.append(vault.seal_field(key, NAME, table="case_fields", row_id=i, field="name"))
        seal.append(time.perf_counter_ns() - t0)
    for i in range(calls):
        t0 = time.perf_counter_ns()
        vault.open_field(key, blobs[i], table="case_fields", row_id=i, field="name")
        open_.append(time.perf_counter_ns() - t0)
    for _ in range(calls):
        t0 = time.perf_counter_ns()
        vault.unwrap_data_key(wrapped, "case-key:TP-BNCH-0001")
        unwrap.append(time.perf_counter_ns() - t0)
    return {"seal_field_us": round(statistics.median(seal) / 1000, 1),
            "open_field_us": round(statistics.median(open_) / 1000, 1),
            "open_case_key_us": round(statistics.median(unwrap) / 1000, 1), "calls": calls}


# -- 2. confirm -> receipt, in-process ----------------------------------------------------------

def bench_receipts(url: str, folder: Path, vault, org, n: int) -> dict:
    from linebot.v3.webhook import SignatureValidator
    from werkzeug.serving import make_server

    import storage.vault.secret_pool as secret_pool
    from bot.app import Services, audited_sessions, create_app
    from bot.fake_line import FakeLineState, create_fake_line_app
    from bot.settings import load_settings
    from bot.worker import Worker
    from storage.db import make_engine, upgrade
    from tests.line_helpers import LineUser

    engine = make_engine(url)
    upgrade(engine)
    state = FakeLineState()
    server = make_server("127.0.0.1", 0, create_fake_line_app(state), threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings = replace(load_settings({"TAMBON_INSTANCE_DIR": str(folder / "instance"),
                                      "DATABASE_URL": url}),
                       line_api_base=f"http://127.0.0.1:{server.server_port}")
    sessions = audited_sessions(engine, vault.ring, settings)
    services = Services(settings=settings, engine=engine, sessions=sessions, vault=vault,
                        org=org, signature=SignatureValidator(settings.channel_secret),
                        clock=lambda: datetime.now(UTC))
    client = create_app(services).test_client()
    worker = Worker(sessions, vault, org, services.line_api(), clock=services.clock)
    results = {}
    real_hash = secret_pool.hash_case_secret

    def cheap_hash(secret: str) -> str:
        return "sha256$" + hashlib.sha256(secret.encode()).hexdigest()

    try:
        for label, steps, hasher, pool in (
                ("confidential_argon2id", STEPS, real_hash, None),
                ("confidential_argon2id_made_ahead", STEPS, real_hash, secret_pool.SecretPool()),
                ("confidential_without_argon2id", STEPS, cheap_hash, None),
                ("identified_no_secret", IDENTIFIED_STEPS, real_hash, None)):
            secret_pool.hash_case_secret = hasher
            if pool is not None:
                pool.start()  # as `tambon worker` runs it
            total, handle = [], []
            for _ in range(n):
                user = LineUser(client, settings.channel_secret, worker, _Fake(state))
                for typed in steps:
                    user.say(typed)
                while pool is not None and pool.ready_count() == 0:
                    time.sleep(0.01)
                t0 = time.perf_counter()
                user.post(text_event(user.user_id, CONFIRM))
                t1 = time.perf_counter()
                worker.process_one()
                t2 = time.perf_counter()
                worker.run_until_idle()  # deliver the receipt to the fake LINE
                total.append(time.perf_counter() - t0)
                handle.append(t2 - t1)
            if pool is not None:
                pool.stop()
            results[label] = {"n": n, "receipt_p50_ms": ms(pct(total, 50)),
                              "receipt_p95_ms": ms(pct(total, 95)),
                              "worker_handle_p50_ms": ms(pct(handle, 50)),
                              "worker_handle_p95_ms": ms(pct(handle, 95))}
    finally:
        secret_pool.hash_case_secret = real_hash
        server.shutdown()
        engine.dispose()
    return results


class _Fake:
    """What tests.line_helpers.LineUser needs of the fake LINE."""

    def __init__(self, state):
        self.state = state

    def received(self):
        with self.state.lock:
            return list(self.state.received)


# -- 3. rotation of 10,000 cases ----------------------------------------------------------------

def bench_rotation(url: str, ring, count: int) -> dict:
    from sqlalchemy import insert

    from storage.db import make_engine, make_session_factory, upgrade
    from storage.models import Case
    from storage.rotation import rewrap_all
    from storage.vault import Vault

    engine = make_engine(url)
    upgrade(engine)
    sessions = make_session_factory(engine)
    old = Vault(ring)
    now = datetime.now(UTC)
    rows = []
    for i in range(count):
        code = f"RT-{i:04d}-{secrets.token_hex(2).upper()}"
        rows.append(dict(code=code, org_id="bench", kind="grievance",
                         identity_mode="anonymous", channel="web", status="received",
                         office_id="palad", implicated=[], routing_reasons=[],
                         wrapped_key=old.new_data_key(f"case-key:{code}")[1],
                         secret_failures=0, created_at=now, updated_at=now, due_at=now,
                         update_due_at=now))
    with sessions() as session, session.begin():
        for start in range(0, count, 1000):
            session.execute(insert(Case), rows[start:start + 1000])
    new = Vault(ring.with_new_active_key())
    t0 = time.perf_counter()
    result = rewrap_all(sessions, new)
    seconds = time.perf_counter() - t0
    engine.dispose()
    return {"cases": count, "rewrapped": result.rewrapped, "seconds": round(seconds, 2),
            "per_case_us": round(seconds / max(1, result.rewrapped) * 1e6, 1)}


# -- 4. webhook acks while complaints are confirmed (real processes) ---------------------------

def bench_ack_while_confirming(db: str, seconds: float, confirm_rate: float) -> dict:
    # Other work on the machine (tests, other benches) shows up as ack latency: wait for
    # quiet, and report how busy the machine was before and during.
    busy_before = round(wh.wait_for_quiet(120.0), 1)
    folder = Path(tempfile.mkdtemp(prefix=f"bench-complaint-{db}-"))
    stack = wh.Stack(db, folder)
    if db == "postgresql":
        stack.env["DATABASE_URL"] = wh.PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + wh.PG_DATABASE
    users = ["U" + secrets.token_hex(16) for _ in range(int(confirm_rate * seconds) + 5)]
    try:
        stack.prepare()
        stack.start()
        received = wh.Received(stack.line_port)
        client = wh.Client(stack.web_port)
        last_tokens = {}
        for user in users:  # each user's steps in order; the worker keeps that order
            for typed in STEPS:
                event = text_event(user, typed)
                body = json.dumps({"destination": "Ubench", "events": [event]},
                                  ensure_ascii=False).encode()
                assert client.post("/callback", body, sign(body, DEV_CHANNEL_SECRET)) == 200
                last_tokens[user] = event["replyToken"]
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            received.poll()
            if all(t in received.by_token for t in last_tokens.values()):
                break
            time.sleep(0.2)
        else:
            raise RuntimeError("drafts were not all answered")
        wh.open_loop(stack.web_port, "/callback", 50, 2, 8, wh.Events(DEV_CHANNEL_SECRET),
                     "warmup")
        confirms: list[tuple[str, float]] = []

        def confirmer():
            start = time.perf_counter()
            confirm_client = wh.Client(stack.web_port)
            for i, user in enumerate(users[: int(confirm_rate * seconds)]):
                delay = start + i / confirm_rate - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
                event = text_event(user, CONFIRM)
                body = json.dumps({"destination": "Ubench", "events": [event]},
                                  ensure_ascii=False).encode()
                wall = time.time()
                if confirm_client.post("/callback", body, sign(body, DEV_CHANNEL_SECRET)) == 200:
                    confirms.append((event["replyToken"], wall))
            confirm_client.close()

        # the same load without confirms first: what acks cost with the worker busy anyway
        baseline = wh.open_loop(stack.web_port, "/callback", wh.ACK_RATE, seconds,
                                wh.OPEN_THREADS, wh.Events(DEV_CHANNEL_SECRET),
                                "callback 200/s, no confirms").summary()
        time.sleep(2)
        thread = threading.Thread(target=confirmer, daemon=True)
        thread.start()
        acks = wh.open_loop(stack.web_port, "/callback", wh.ACK_RATE, seconds,
                            wh.OPEN_THREADS, wh.Events(DEV_CHANNEL_SECRET),
                            "callback 200/s while confirming")
        thread.join()
        # receipts: give the worker a minute more on its backlog of questions
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            received.poll()
            if all(token in received.by_token for token, _ in confirms):
                break
            time.sleep(0.5)
        receipt = [received.by_token[t] - wall for t, wall in confirms if t in received.by_token]
        summary = acks.summary()
    finally:
        stack.stop()
        shutil.rmtree(folder, ignore_errors=True)
    return {"ack_rate_per_s": wh.ACK_RATE, "confirm_rate_per_s": confirm_rate,
            "seconds": seconds, "acks_ok": summary["ok"], "ack_errors": summary["errors"],
            "ack_p50_ms": summary["p50_ms"], "ack_p99_ms": summary["p99_ms"],
            "ack_max_ms": summary["max_ms"], "confirms": len(confirms),
            "baseline_no_confirms_ack_p50_ms": baseline["p50_ms"],
            "baseline_no_confirms_ack_p99_ms": baseline["p99_ms"],
            "receipts_within_phase_plus_60s": len(receipt),
            "receipt_p50_ms_behind_question_backlog": ms(pct(receipt, 50)),
            "machine_busy_percent_before": busy_before,
            "machine_load_average_after": round(os.getloadavg()[0], 2),
            "target_ack_p99_ms": wh.TARGET_ACK_P99_MS,
            "pass": summary["p99_ms"] is not None
            and summary["p99_ms"] < wh.TARGET_ACK_P99_MS}


class _SkipInProcess(Exception):
    pass


def run(db: str, args) -> dict:
    import logging

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    from data import DEFAULT_ORG_DIR
    from handlers.org import load_organization
    from storage.vault import KeyRing, Vault

    ring = KeyRing.generate(development=True)
    vault = Vault(ring)
    org = load_organization(DEFAULT_ORG_DIR)
    out = {"db": db, "fields": bench_fields(vault)}
    print(f"[{db}] fields: {out['fields']}", flush=True)
    folder = Path(tempfile.mkdtemp(prefix=f"bench-complaint-{db}-"))
    try:
        if args.ack_only:
            raise _SkipInProcess
        out["receipt"] = bench_receipts(database_url(db, folder), folder, vault, org,
                                        args.complaints)
        print(f"[{db}] receipt: {json.dumps(out['receipt'])}", flush=True)
        out["rotation"] = bench_rotation(database_url(db, folder / "rot"), ring, args.cases)
        print(f"[{db}] rotation: {out['rotation']}", flush=True)
    except _SkipInProcess:
        pass
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if not args.no_ack:
        out["ack_while_confirming"] = bench_ack_while_confirming(db, args.ack_seconds,
                                                                 args.confirm_rate)
        print(f"[{db}] ack while confirming: {out['ack_while_confirming']}", flush=True)
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    name = f"complaint-{db}{'-ack' if args.ack_only else ''}.json"
    (OUT_DIR / name).write_text(json.dumps(out, indent=2, ensure_ascii=False))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="sqlite")
    parser.add_argument("--complaints", type=int, default=20)
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--ack-seconds", type=float, default=15.0)
    parser.add_argument("--confirm-rate", type=float, default=3.0)
    parser.add_argument("--no-ack", action="store_true")
    parser.add_argument("--ack-only", action="store_true",
                        help="only the webhook acknowledgement phases (real processes)")
    args = parser.parse_args(argv)
    dbs = ("sqlite", "postgresql") if args.db == "both" else (args.db,)
    ok = True
    for db in dbs:
        result = run(db, args)
        ack = result.get("ack_while_confirming")
        if ack is not None:
            ok = ok and ack["pass"]
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
