"""How fast are the public pages? Run: python bench/public_web.py [--database URL]

Prints
* POST /tip with one 5 MB JPEG: server-side milliseconds per tip (the whole request
  through the Flask app: multipart parsing, CSRF, file checks, routing, Argon2id of the
  secret, EXIF stripping by re-drawing the image, sealing original and clean copy,
  commit), median/min/max over 5 tips after one warm-up;
* GET /stats and GET /stats.csv with 10,000 cases (and 2,000 ratings) in the fiscal
  year: milliseconds per render, median of 5 after one warm-up.

Runs on a throwaway SQLite file unless --database points at PostgreSQL (whose tables are
then emptied). Uses a development key ring; no network.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

os.environ.setdefault("PYTHAINLP_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TIPS = 5
CASES = 10_000
RATINGS = 2_000
RENDERS = 5


def _services(database: str, instance: Path):
    from linebot.v3.webhook import SignatureValidator

    from bot.app import Services, audited_sessions
    from bot.settings import load_settings
    from data import DEFAULT_ORG_DIR
    from handlers.org import load_organization
    from storage.db import make_engine, upgrade
    from storage.vault import KeyRing, Vault

    settings = load_settings({"TAMBON_INSTANCE_DIR": str(instance), "DATABASE_URL": database,
                              "TAMBON_SECRET_KEY": "bench"})
    engine = make_engine(database)
    if engine.dialect.name == "postgresql":
        from sqlalchemy import text

        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    upgrade(engine)
    ring = KeyRing.generate(development=True)
    return Services(settings=settings, engine=engine,
                    sessions=audited_sessions(engine, ring, settings), vault=Vault(ring),
                    org=load_organization(DEFAULT_ORG_DIR),
                    signature=SignatureValidator(settings.channel_secret))


def five_mb_jpeg() -> bytes:
    """A real camera-sized JPEG of about 5 MB, with EXIF and GPS to strip."""
    from PIL import Image

    side = 1800
    while True:
        image = Image.frombytes("RGB", (side, side * 3 // 4), os.urandom(side * side * 9 // 4))
        exif = Image.Exif()
        exif[0x8825] = {1: "N", 2: (15.0, 1.0, 0.0), 3: "E", 4: (102.0, 5.0, 0.0)}
        out = io.BytesIO()
        image.save(out, "JPEG", quality=92, exif=exif)
        if out.tell() >= 5 * 1024 * 1024:
            return out.getvalue()
        side = int(side * 1.1)


def bench_tips(client, photo: bytes) -> list[float]:
    import re

    from storage import limits

    token = re.search(r'name="csrf_token" value="([^"]+)"',
                      client.get("/tip").get_data(as_text=True)).group(1)
    times = []
    for i in range(TIPS + 1):
        with client.application.extensions["tambon"].sessions() as session, session.begin():
            limits.reset(session)
        form = {"csrf_token": token, "kind": "grievance",
                "description": f"ถนนหน้าโรงเรียนหมู่ {i % 9 + 1} เป็นหลุมบ่อ น้ำขัง รถล้ม",
                "location": f"หมู่ {i % 9 + 1}",
                "files": [(io.BytesIO(photo), "IMG_0001.jpg")]}
        started = time.perf_counter()
        answer = client.post("/tip", data=form, content_type="multipart/form-data")
        elapsed = time.perf_counter() - started
        assert answer.status_code == 303, answer.status_code
        client.get("/tip/receipt")
        if i:  # the first one warms up routing and the templates
            times.append(elapsed * 1000)
    return times


def fill_cases(services, year: int) -> None:
    from sqlalchemy import insert

    from handlers.stats import fiscal_year_bounds
    from storage.models import Case
    from storage.models.ratings import Rating

    start, end = fiscal_year_bounds(year)
    span = (end - start).total_seconds()
    offices = ["palad", "finance", "engineering", "education", "health", "welfare", "chief",
               "oversight"]
    kinds = ["grievance"] * 6 + ["suggestion"] * 2 + ["inquiry"] + ["corruption"]
    statuses = ["received", "acknowledged", "investigating", "resolved", "resolved",
                "not_substantiated", "forwarded"]
    rng = random.Random(7)
    rows = []
    for i in range(CASES):
        created = start + timedelta(seconds=rng.random() * span * 0.98)
        status = rng.choice(statuses)
        acked = created + timedelta(hours=rng.uniform(2, 96)) if status != "received" else None
        closed = (created + timedelta(days=rng.uniform(1, 40))
                  if status in ("resolved", "not_substantiated", "forwarded") else None)
        rows.append({"code": f"B-{i:06d}", "org_id": services.org.id, "kind": rng.choice(kinds),
                     "identity_mode": "anonymous", "channel": "web", "status": status,
                     "office_id": rng.choice(offices), "implicated": [], "routing_reasons": [],
                     "wrapped_key": b"bench", "secret_failures": 0, "created_at": created,
                     "updated_at": created, "acknowledged_at": acked, "closed_at": closed,
                     "due_at": created + timedelta(days=15),
                     "update_due_at": created + timedelta(days=7)})
    ratings = [{"org_id": services.org.id, "subject": rng.choice(["case", "answer"]),
                "channel": "line", "score": rng.randint(1, 5),
                "offered_at": start + timedelta(days=rng.uniform(0, 360)),
                "rated_at": start + timedelta(days=rng.uniform(0, 360))}
               for _ in range(RATINGS)]
    with services.sessions() as session, session.begin():
        session.execute(insert(Case), rows)
        session.execute(insert(Rating), ratings)


def bench_get(client, url: str) -> list[float]:
    times = []
    for i in range(RENDERS + 1):
        started = time.perf_counter()
        answer = client.get(url)
        elapsed = time.perf_counter() - started
        assert answer.status_code == 200, answer.status_code
        if i:
            times.append(elapsed * 1000)
    return times


def show(label: str, times: list[float]) -> None:
    print(f"{label}: median {statistics.median(times):.0f} ms "
          f"(min {min(times):.0f}, max {max(times):.0f}, n={len(times)})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", help="postgresql://... (emptied!); default: temp SQLite")
    args = parser.parse_args()
    import logging

    logging.disable(logging.WARNING)
    from bot.app import create_app
    from handlers.thai_dates import fiscal_year

    with tempfile.TemporaryDirectory() as folder:
        instance = Path(folder)
        database = args.database or f"sqlite:///{instance / 'bench.db'}"
        services = _services(database, instance)
        app = create_app(services)
        client = app.test_client()
        print(f"database: {services.engine.dialect.name}")
        photo = five_mb_jpeg()
        print(f"image: {len(photo) / 1024 / 1024:.1f} MB JPEG with EXIF/GPS")
        show("POST /tip with a 5 MB image (server side)", bench_tips(client, photo))
        year = fiscal_year(datetime.now(UTC))
        fill_cases(services, year)
        show(f"GET /stats?year={year} with {CASES:,} cases", bench_get(
            client, f"/stats?year={year}"))
        show(f"GET /stats.csv?year={year} with {CASES:,} cases", bench_get(
            client, f"/stats.csv?year={year}"))
        services.engine.dispose()


if __name__ == "__main__":
    main()
