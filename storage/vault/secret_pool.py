"""New case secrets with their Argon2id hashes, made ahead of need.

A new secret's hash does not depend on the case: it is a random secret under a random
salt. Hashing at the cost the issue asks for (64 MiB, 3 passes, about 0.2 s of one core)
while the worker files a complaint holds up every citizen queued behind it; in the soak
(bench/soak.py, 50 events/s) it was half of the worker's time and the backlog grew. So a
worker keeps a few (secret, hash) pairs ready, made by a thread at the lowest CPU priority
(Argon2 releases the GIL, so it runs beside the handler on the other core and gives way
to the web's request threads). When none is ready, or no pool runs (the web's /tip form,
tests driving the worker step by step), the pair is made on the spot: same cost, same
parameters.

The pairs live in this process's memory only, a handful at a time, and are dropped when
it stops: a secret is never written anywhere before it is shown to the complainant, and
only its hash is stored with the case.
"""

from __future__ import annotations

import logging
import os
import threading
from collections import deque

from .secrets import hash_case_secret, new_case_secret

log = logging.getLogger(__name__)

POOL_SIZE = 4

_active: SecretPool | None = None
_active_lock = threading.Lock()


def make_secret_pair() -> tuple[str, str]:
    """(secret, Argon2id hash) made now, in the calling thread."""
    secret = new_case_secret()
    return secret, hash_case_secret(secret)


def take_secret_pair() -> tuple[str, str]:
    """A new case secret and its hash: a ready pair from this process's running pool,
    else one made now."""
    pool = _active
    if pool is not None:
        pair = pool.take()
        if pair is not None:
            return pair
    return make_secret_pair()


class SecretPool:
    """Keeps up to `size` pairs ready, filled by one low-priority daemon thread."""

    def __init__(self, size: int = POOL_SIZE):
        self.size = size
        self._ready: deque[tuple[str, str]] = deque()
        self._wanted = threading.Condition()
        self._stopped = False
        self._thread: threading.Thread | None = None

    def take(self) -> tuple[str, str] | None:
        with self._wanted:
            pair = self._ready.popleft() if self._ready else None
            self._wanted.notify()
        return pair

    def ready_count(self) -> int:
        with self._wanted:
            return len(self._ready)

    def start(self) -> SecretPool:
        """Start filling and become the pool `take_secret_pair` draws from."""
        global _active
        self._thread = threading.Thread(target=self._fill_forever, name="tambon-secrets",
                                        daemon=True)
        self._thread.start()
        with _active_lock:
            _active = self
        return self

    def stop(self) -> None:
        """Stop filling, forget the ready pairs, and stop being the process's pool."""
        global _active
        with _active_lock:
            if _active is self:
                _active = None
        with self._wanted:
            self._stopped = True
            self._ready.clear()
            self._wanted.notify_all()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _fill_forever(self) -> None:
        _lowest_priority()
        while True:
            with self._wanted:
                while not self._stopped and len(self._ready) >= self.size:
                    self._wanted.wait()
                if self._stopped:
                    return
            try:
                pair = make_secret_pair()  # outside the lock: takers never wait for it
            except Exception as error:  # e.g. memory refused; takers hash on the spot
                log.error("case secret pool: %s", type(error).__name__)
                return
            with self._wanted:
                if self._stopped:
                    return
                self._ready.append(pair)


def _lowest_priority() -> None:
    """SCHED_IDLE for this thread only (a scheduling policy belongs to a thread on Linux):
    it runs only when a core has nothing else to do, and a waking request thread takes the
    core from it at once, where a nice-19 thread could keep it for a time slice. Where that
    is not allowed, nice 19."""
    try:
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
        return
    except (AttributeError, OSError):
        pass
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)
    except (AttributeError, OSError):  # not Linux, or not allowed: run at normal priority
        pass
