"""Officer console server time with 1,000 and 10,000 cases across the offices.

    python bench/console.py [--database-url postgresql://postgres@127.0.0.1:5432/bench_console]
                            [--sizes 1000,10000] [--requests 200]

Drops and re-creates the schema of the database given (never point it at real data),
files cases through handlers.cases.filing.file_case (routing, sealing, deadlines: what a
real case costs), moves a share of them along the statuses, then times the console's
queue page and case page in-process through Flask's test client: the server's time,
without a network or a browser. Target: p95 under 150 ms.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("PYTHAINLP_OFFLINE", "1")

from linebot.v3.webhook import SignatureValidator  # noqa: E402
from sqlalchemy import func, select, text  # noqa: E402

from bot.app import Services, audited_sessions, create_app  # noqa: E402
from bot.settings import load_settings  # noqa: E402
from handlers.cases.filing import NewCase, file_case  # noqa: E402
from handlers.org import load_organization  # noqa: E402
from storage.db import make_engine, upgrade  # noqa: E402
from storage.models import Case  # noqa: E402
from storage.vault import KeyRing, Vault  # noqa: E402

# Texts that route to different offices (roads, waste, water, welfare, schools, tax, ...).
TEXTS = [
    ("grievance", "ถนนลูกรังหมู่ {n} เป็นหลุมบ่อ รถจักรยานยนต์ล้มบ่อย"),
    ("grievance", "ไฟถนนดับหน้าบ้านหมู่ {n} มาหลายคืนแล้ว"),
    ("grievance", "ขยะไม่มีคนมาเก็บหลายวันแล้ว หมู่ {n} ส่งกลิ่นเหม็น"),
    ("grievance", "น้ำประปาหมู่บ้านหมู่ {n} ไม่ไหลสามวันแล้ว"),
    ("grievance", "เบี้ยยังชีพผู้สูงอายุของแม่ยังไม่เข้าบัญชีเดือนนี้ หมู่ {n}"),
    ("grievance", "ศูนย์พัฒนาเด็กเล็กหมู่ {n} หลังคารั่ว"),
    ("grievance", "ยุงเยอะมาก ขอให้มาพ่นหมอกควันที่หมู่ {n}"),
    ("grievance", "ภาษีป้ายคิดเงินไม่ถูกต้อง ร้านค้าหมู่ {n}"),
    ("suggestion", "อยากให้ติดตั้งกระจกโค้งที่ทางแยกหมู่ {n}"),
    ("inquiry", "ขอทราบขั้นตอนขออนุญาตก่อสร้างบ้าน หมู่ {n}"),
    ("corruption", "ผอ.กองช่างเรียกรับเงินจากผู้รับเหมาก่อสร้างถนนหมู่ {n}"),
]


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def _fill(services: Services, target: int, start: datetime, rng: random.Random) -> None:
    with services.sessions() as session:
        have = session.execute(select(func.count()).select_from(Case)).scalar()
    batch = 200
    while have < target:
        with services.sessions() as session, session.begin():
            for _ in range(min(batch, target - have)):
                kind, template = rng.choice(TEXTS)
                roll = rng.random()
                mode = "confidential" if roll < 0.01 else "anonymous" if roll < 0.02 else (
                    "identified")
                now = start + timedelta(minutes=rng.randrange(0, 180 * 24 * 60))
                new = NewCase(kind=kind, identity_mode=mode, channel="line",
                              description=template.format(n=rng.randrange(1, 15)),
                              location=f"หมู่ {rng.randrange(1, 15)}",
                              name=None if mode == "anonymous" else "ผู้ร้อง ทดสอบ",
                              phone=None if mode == "anonymous" else "0800000000",
                              line_user_id=None if mode == "anonymous" else
                              f"U{rng.randrange(16**32):032x}")
                filed = file_case(session, services.vault, services.org, new, now)
                # a share of cases moves on, as in a real queue
                step = rng.random()
                if step < 0.5:
                    filed.case.status = "acknowledged"
                elif step < 0.65:
                    filed.case.status = "investigating"
                elif step < 0.85:
                    filed.case.status = "resolved"
                    filed.case.closed_at = now + timedelta(days=10)
                have += 1
        print(f"  filed {have}/{target}", file=sys.stderr, end="\r")
    print(file=sys.stderr)
    with services.engine.begin() as connection:
        if services.engine.dialect.name == "postgresql":
            connection.execute(text("ANALYZE"))


KEYRING_FILE = Path("/tmp/tambon-bench-console/keyring.json")


def _keyring(keep: bool) -> KeyRing:
    """The bench's own development key ring, kept beside it so --keep can open old cases."""
    if keep and KEYRING_FILE.is_file():
        return KeyRing.load_file(KEYRING_FILE)
    ring = KeyRing.generate(development=True)
    KEYRING_FILE.parent.mkdir(parents=True, exist_ok=True)
    KEYRING_FILE.unlink(missing_ok=True)
    ring.save_file(KEYRING_FILE)
    return ring


def _time(client, paths: list[str]) -> list[float]:
    times = []
    for path in paths:
        started = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    return times


def _sign_in(client, services, username: str) -> None:
    """A full console session for `username`, as password and TOTP would give (the bench
    times pages, not signing in; bench/abuse.py floods the sign-in)."""
    from sqlalchemy import select

    from bot.console import accounts
    from bot.console.web import SESSION_COOKIE
    from storage.models import Officer
    from storage.models.console import STAGE_OK

    with services.sessions() as session, session.begin():
        officer = session.execute(select(Officer).where(Officer.username == username)
                                  ).scalar_one()
        token = accounts.new_session(session, officer, STAGE_OK, services.clock())
    client.set_cookie(SESSION_COOKIE, token, path="/console")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get(
        "TAMBON_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/bench_console"))
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--keep", action="store_true",
                        help="keep the cases already there (top up to each size)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]

    engine = make_engine(args.database_url)
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql" and not args.keep:
            connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    upgrade(engine)
    org_dir = load_settings({}).org_dir
    settings = replace(load_settings({"DATABASE_URL": args.database_url,
                                      "TAMBON_INSTANCE_DIR": "/tmp/tambon-bench-console"}))
    now = datetime.now(UTC)
    ring = _keyring(args.keep)
    services = Services(settings=settings, engine=engine,
                        sessions=audited_sessions(engine, ring, settings),
                        vault=Vault(ring),
                        org=load_organization(org_dir),
                        signature=SignatureValidator(settings.channel_secret),
                        clock=lambda: now)
    app = create_app(services)

    from bot.console import accounts
    from handlers.routing import load_offices

    password = "bench-password-2569"
    offices = load_offices(services.org.folder)
    with services.sessions() as session, session.begin():
        session.execute(text("DELETE FROM officers WHERE username IN ('o-engineering', "
                             "'o-palad', 'sup')"))
        for office in ("engineering", "palad"):
            accounts.create_officer(session, services.vault, username=f"o-{office}",
                                    display_name=office, office_id=office, roles=["officer"],
                                    password=password, offices=offices,
                                    actor="bench", now=now)
        accounts.create_officer(session, services.vault, username="sup",
                                display_name="supervisor", office_id="chief",
                                roles=["officer", "supervisor"], password=password,
                                offices=offices, actor="bench", now=now)

    rng = random.Random(6)
    start = now - timedelta(days=180)
    print(f"console bench on {engine.dialect.name}, {args.requests} requests per row; "
          f"times in ms (server time, in-process)")
    print(f"{'cases':>6} {'page':<34} {'median':>7} {'p95':>7} {'max':>7}")
    for size in sizes:
        _fill(services, size, start, rng)
        with services.sessions() as session:
            per_office = dict(session.execute(
                select(Case.office_id, func.count()).group_by(Case.office_id)).all())
            eng_codes = list(session.execute(select(Case.code).where(
                Case.office_id == "engineering")).scalars())
        rows = []
        for who, label, paths in (
            ("o-engineering", f"queue engineering ({per_office.get('engineering', 0)})",
             ["/console/queue"]),
            ("o-engineering", "queue engineering, filters+pages",
             ["/console/queue?status=all&page=3", "/console/queue?overdue=1",
              "/console/queue?kind=grievance&status=acknowledged&page=2"]),
            ("sup", "queue supervisor, all offices", ["/console/queue",
                                                      "/console/queue?status=all&page=20"]),
            ("o-engineering", "case page (engineering)",
             [f"/console/cases/{c}" for c in rng.sample(eng_codes, min(50, len(eng_codes)))]),
        ):
            client = app.test_client()
            _sign_in(client, services, who)
            for path in paths[:3]:  # warm up
                client.get(path)
            wanted = [paths[i % len(paths)] for i in range(args.requests)]
            times = _time(client, wanted)
            rows.append((label, times))
        for label, times in rows:
            print(f"{size:>6} {label:<34} {statistics.median(times):>7.1f} "
                  f"{_percentile(times, 95):>7.1f} {max(times):>7.1f}")
    print(f"offices at {sizes[-1]}: " + ", ".join(f"{k}={v}" for k, v in sorted(
        per_office.items())))


if __name__ == "__main__":
    main()
