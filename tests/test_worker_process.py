"""`tambon worker` as its own process: it stops cleanly on SIGTERM (a deploy)."""

import os
import signal
import subprocess
import sys
import time


def test_worker_process_stops_cleanly_on_sigterm(tmp_path):
    env = {**os.environ, "TAMBON_INSTANCE_DIR": str(tmp_path), "PYTHAINLP_OFFLINE": "1",
           "DATABASE_URL": f"sqlite:///{tmp_path / 'w.db'}"}
    env.pop("LINE_CHANNEL_SECRET", None)
    env.pop("LINE_CHANNEL_ACCESS_TOKEN", None)
    subprocess.run([sys.executable, "-m", "bot", "db", "upgrade"], env=env, check=True,
                   capture_output=True, timeout=120)
    worker = subprocess.Popen([sys.executable, "-m", "bot", "worker"], env=env,
                              stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        seen = ""
        while "worker started" not in seen and time.monotonic() < deadline:
            seen += worker.stderr.readline()
        assert "worker started" in seen
        worker.send_signal(signal.SIGTERM)
        _, rest = worker.communicate(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert worker.returncode == 0
    assert "worker stopped" in rest
