"""`tambon worker` as its own process: it stops cleanly on SIGTERM (a deploy), and it runs
at a lower CPU priority than the web, in its own process and as a thread of `tambon serve`."""

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from bot.worker import Worker

LINUX = Path("/proc/self/task").is_dir()


def _nice_of(pid: int, tid: int | None = None) -> int:
    """Field 19 of /proc/.../stat; split after the ')' that ends the command name."""
    path = f"/proc/{pid}/task/{tid}/stat" if tid else f"/proc/{pid}/stat"
    return int(Path(path).read_text().rsplit(")", 1)[1].split()[16])


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
        if LINUX:
            assert _nice_of(worker.pid) == min(19, os.nice(0) + 10)  # TAMBON_WORKER_NICE
        worker.send_signal(signal.SIGTERM)
        _, rest = worker.communicate(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert worker.returncode == 0
    assert "worker stopped" in rest


@pytest.mark.skipif(not LINUX, reason="thread priorities are read from Linux's /proc")
def test_the_worker_thread_yields_to_the_web_threads(services):
    mine = _nice_of(os.getpid(), threading.get_native_id())
    worker = Worker(services.sessions, services.vault, services.org, services.line_api(),
                    nice=5, senders=1, poll_seconds=0.01)
    thread = worker.start_thread()
    try:
        deadline = time.monotonic() + 10
        while _nice_of(os.getpid(), thread.native_id) == mine and time.monotonic() < deadline:
            time.sleep(0.01)
        assert _nice_of(os.getpid(), thread.native_id) == min(19, mine + 5)
        # This thread, like the web's request threads, keeps its priority.
        assert _nice_of(os.getpid(), threading.get_native_id()) == mine
    finally:
        worker.stop()
        thread.join(timeout=10)
