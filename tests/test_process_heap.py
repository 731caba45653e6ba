"""Start-up freezes what it loaded, so full garbage collections do not walk it while the
web answers LINE (they stopped request threads for 200-470 ms: bench/webhook.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _freeze_count(tmp_path, statement: str) -> int:
    env = {**os.environ, "TAMBON_INSTANCE_DIR": str(tmp_path), "PYTHAINLP_OFFLINE": "1",
           "DATABASE_URL": f"sqlite:///{tmp_path / 'tambon.db'}"}
    for name in ("LINE_CHANNEL_SECRET", "LINE_CHANNEL_ACCESS_TOKEN", "TAMBON_KEYRING",
                 "TAMBON_KEYRING_FILE"):
        env.pop(name, None)
    done = subprocess.run([sys.executable, "-c", f"{statement}\nimport gc\n"
                           "print(gc.get_freeze_count())"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return int(done.stdout.strip().splitlines()[-1])


def test_the_gunicorn_entry_point_freezes_the_loaded_app(tmp_path):
    from storage.db import make_engine, upgrade

    upgrade(make_engine(f"sqlite:///{tmp_path / 'tambon.db'}"))  # as `release:` does
    assert _freeze_count(tmp_path, "import bot.wsgi") > 50_000


def test_a_prepared_process_freezes_its_warm_index(tmp_path):
    frozen = _freeze_count(tmp_path, "from bot.startup import prepare\nprepare(port=None)")
    assert frozen > 50_000
