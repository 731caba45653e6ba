"""Slots for the web's heavy work, shared by every process on this machine.

Each Argon2id check of what a visitor typed (a password at /console/login, a case secret
at /track, the new secret a /tip is filed with) takes 64 MiB and about 0.15 s of a core.
The rate budgets (bot/limits.py) bound how many happen a minute; they do not bound how
many run *at once*, and thirty-two at once fill every gunicorn thread and both cores of a
small server, and LINE's webhook waits behind them. A slot bounds that: at most
TAMBON_HASH_SLOTS pieces of such work run at once, whatever the number of processes.

Why lock files: what the slots protect is this machine's cores and memory, so the count is
per machine, and gunicorn's processes share its file system. Slot i is a file; a holder
takes it with flock(LOCK_EX | LOCK_NB) on a file it opened itself, so two threads of one
process are two holders, and the kernel lets go when the file is closed or the process
ends, a crash included: a slot is never lost.

Who finds every slot taken is not queued behind them (a queue would hold a web thread
each): the caller is told at once and answers 429 with a Thai page. A caller may wait a
little instead (`wait`), e.g. an officer on a browser the account knows.
"""

from __future__ import annotations

import fcntl
import os
import random
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

POLL = 0.05  # seconds between tries while waiting


class Slots:
    def __init__(self, folder: Path, count: int, name: str = "hash"):
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.paths = [folder / f"{name}-{n}.lock" for n in range(count)]

    def _try(self) -> int | None:
        """An open, locked slot file, or None when every slot is held."""
        first = random.randrange(len(self.paths))  # spread the holders over the files
        for n in range(len(self.paths)):
            path = self.paths[(first + n) % len(self.paths)]
            handle = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(handle)
                continue
            return handle
        return None

    @contextmanager
    def take(self, wait: float = 0.0) -> Iterator[bool]:
        """Hold a slot for the `with` block; yields False (holding none) when every slot
        stayed taken for `wait` seconds."""
        deadline = time.monotonic() + wait
        handle = self._try()
        while handle is None and time.monotonic() < deadline:
            time.sleep(POLL)
            handle = self._try()
        try:
            yield handle is not None
        finally:
            if handle is not None:
                os.close(handle)  # closing the file lets go of its lock
