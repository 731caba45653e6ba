"""A process holding hash slots (bot/slots.py), as another gunicorn process would."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOLDER = """
import sys
from contextlib import ExitStack
from pathlib import Path
from bot.slots import Slots
slots = Slots(Path(sys.argv[1]), int(sys.argv[2]))
with ExitStack() as held:
    got = [held.enter_context(slots.take()) for _ in range(int(sys.argv[3]))]
    print(" ".join(str(g) for g in got), flush=True)
    sys.stdin.read()
"""


class Holder:
    """A process holding `held` of the `count` slots in `folder` until it ends."""

    def __init__(self, folder: Path, count: int, held: int):
        self.proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(folder), str(count),
                                      str(held)], cwd=ROOT, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True)
        self.got = self.proc.stdout.readline().split()

    def release(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=10)

    def kill(self) -> None:
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)
